//! `maasc render`: one cluster's complete manifest stream on stdout, the
//! objects `kubectl kustomize` of each of its component overlays gives, in
//! sync-wave order. The ArgoCD Config Management Plugin runs it.

use std::fmt;

use crate::check::suggest;
use crate::model::Platform;
use crate::render::RenderedFile;
use crate::tree::{GeneratedTree, TreeError};

/// Why no stream could be made. Nothing is printed then: ArgoCD must never
/// see an empty stream for a failure (with pruning it deletes everything).
#[derive(Debug)]
pub struct StreamError {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = hint: {}", self.message, self.hint)
    }
}

impl From<TreeError> for StreamError {
    fn from(e: TreeError) -> Self {
        StreamError {
            message: e.message,
            hint: "this is a bug in maasc's tree; please report it with your maas.yaml".into(),
        }
    }
}

/// The cluster to render: the one asked for, or the only one there is.
pub fn select_cluster(platform: &Platform, requested: Option<&str>) -> Result<String, StreamError> {
    let names: Vec<&str> = platform.clusters.iter().map(|c| c.name.as_str()).collect();
    match requested {
        Some(name) if names.contains(&name) => Ok(name.to_string()),
        Some(name) => Err(StreamError {
            message: format!("maas.yaml has no cluster `{name}`"),
            hint: suggest::hint_for(name, "cluster", names.iter().copied()),
        }),
        None if names.len() == 1 => Ok(names[0].to_string()),
        None => Err(StreamError {
            message: format!(
                "maas.yaml has {} clusters; say which one to render",
                names.len()
            ),
            hint: format!("pass --cluster NAME (one of: {})", names.join(", ")),
        }),
    }
}

/// The YAML stream of `cluster` (optionally one component folder of it, as
/// `<component>` or `<cluster>/<component>`), documents separated by `---`.
pub fn cluster_stream(
    files: Vec<RenderedFile>,
    cluster: &str,
    component: Option<&str>,
) -> Result<String, StreamError> {
    let tree = GeneratedTree::from(files);
    let mut dirs = tree.cluster_components(cluster)?;
    if let Some(wanted) = component {
        let wanted = wanted.trim_matches('/');
        let full = if wanted.starts_with(&format!("{cluster}/")) {
            wanted.to_string()
        } else {
            format!("{cluster}/{wanted}")
        };
        if !dirs.contains(&full) {
            let known: Vec<&str> = dirs
                .iter()
                .filter_map(|d| d.strip_prefix(&format!("{cluster}/")))
                .collect();
            return Err(StreamError {
                message: format!("cluster `{cluster}` has no component `{wanted}`"),
                hint: suggest::hint_for(wanted, "component", known.iter().copied()),
            });
        }
        dirs = vec![full];
    }
    let mut out = String::new();
    for dir in dirs {
        for object in tree.build(&dir)? {
            let text = tree.file(&object.file).unwrap_or_default();
            out.push_str("---\n");
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Ok(out)
}

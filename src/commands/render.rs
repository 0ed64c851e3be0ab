//! `maasc render`: one cluster's manifest stream on stdout (the ArgoCD
//! Config Management Plugin's entry point). Prints nothing on error.

use std::path::Path;

use crate::error::{Error, Outcome};
use crate::render::Renderer;
use crate::stream::{self, StreamError};

/// A setting from the flag, else the first of `vars` set and not empty.
fn flag_or_env(flag: Option<String>, vars: &[&str]) -> Option<String> {
    flag.or_else(|| {
        vars.iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
    })
}

pub(super) fn run(
    input: &crate::cli::Input,
    cluster: Option<String>,
    component: Option<String>,
    sync_waves: bool,
    templates: Option<&Path>,
) -> Result<Outcome, Error> {
    let sync_waves = sync_waves
        || flag_or_env(None, &["PARAM_SYNC_WAVES", "ARGOCD_ENV_MAASC_SYNC_WAVES"])
            .is_some_and(|v| v == "true");
    let cluster = flag_or_env(cluster, &["PARAM_CLUSTER", "ARGOCD_ENV_MAASC_CLUSTER"]);
    let component = flag_or_env(
        component,
        &["PARAM_COMPONENT", "ARGOCD_ENV_MAASC_COMPONENT"],
    );
    let loaded = super::load(input, None)?;
    let platform = &loaded.platform;
    let the_cluster = stream::select_cluster(platform, cluster.as_deref())?;
    let mut renderer = Renderer::new(templates).map_err(StreamError::from)?;
    let text = stream::cluster_stream(
        &mut renderer,
        platform,
        the_cluster.name.as_str(),
        component.as_deref(),
        sync_waves,
    )?;
    crate::stdout::out!("{text}");
    Ok(Outcome::Clean)
}

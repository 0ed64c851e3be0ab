//! Stage 4, render: planned files → YAML text through minijinja templates.
//!
//! The templates in `templates/` are embedded in the binary; a folder given
//! with `--templates DIR` overrides any of them by file name. Each template
//! is compiled the first time a run needs it. A template receives its
//! object's typed context plus `name`, `namespace` and `header` (apiVersion
//! and kind, from the object type). Every file an overridden template
//! renders is read back as YAML and its identity compared with the plan, so
//! a broken override fails loudly instead of emitting a bad tree.

pub mod read;
pub mod yaml;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use minijinja::value::ValueKind;
use minijinja::{Environment, UndefinedBehavior, Value as JValue, context};

use crate::plan::{Kustomization, ObjectTemplate, Plan, PlannedContent, PlannedFile};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        /// Every template by name, as shipped in `templates/<name>.j2`.
        pub const TEMPLATES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../templates/", $name, ".j2"))),)*
        ];
    };
}

templates!(
    "app-project.yaml",
    "application.yaml",
    "argocd.yaml",
    "auth-policy.yaml",
    "authorino.yaml",
    "cluster-autoscaler.yaml",
    "cluster-monitoring-config.yaml",
    "cluster-policy.yaml",
    "cluster-role-binding.yaml",
    "cluster-role.yaml",
    "config-map.yaml",
    "console-dashboard.yaml",
    "data-science-cluster.yaml",
    "external-model.yaml",
    "gateway-class.yaml",
    "gateway-options.yaml",
    "gateway.yaml",
    "grafana-dashboard.yaml",
    "group.yaml",
    "hardware-profile.yaml",
    "installplan-approver-job.yaml",
    "http-redirect-route.yaml",
    "kuadrant.yaml",
    "kustomization.yaml",
    "leader-worker-set-operator.yaml",
    "keda-controller.yaml",
    "cluster-trigger-authentication.yaml",
    "service-account-token.yaml",
    "llm-inference-service.yaml",
    "maas-auth-policy.yaml",
    "maas-model-ref.yaml",
    "maas-subscription.yaml",
    "machine-autoscaler.yaml",
    "machine-set.yaml",
    "namespace.yaml",
    "network-policy-authorino.yaml",
    "network-policy-models.yaml",
    "node-feature-discovery.yaml",
    "oauth.yaml",
    "odh-dashboard-config.yaml",
    "operator-group.yaml",
    "perses-dashboard.yaml",
    "prometheus-rule.yaml",
    "rate-limit-policy.yaml",
    "role-binding.yaml",
    "role.yaml",
    "route.yaml",
    "secret.yaml",
    "service-account.yaml",
    "service-monitor.yaml",
    "service-serving-cert.yaml",
    "subscription.yaml",
    "telemetry-policy.yaml",
    "tenant.yaml",
    "trust-bundle.yaml",
    "deployment.yaml",
    "service.yaml",
    "maas-api-route.yaml",
    "maas-api-auth-policy.yaml",
    "destination-rule.yaml",
    "ai-tenant.yaml",
    "maas-tenant-config.yaml",
    "maas-config.yaml",
    "namespace-label.yaml",
    "postgres-cluster.yaml",
    "database-url-secret.yaml",
    "database-url-job.yaml",
);

/// A file of the tree as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: String,
    pub content: String,
}

message_error!(
    /// A template that fails to load or render, or renders the wrong object.
    RenderError,
    err
);

/// The templates of a run, each compiled on first use.
pub struct Renderer {
    /// Source of each of [`TEMPLATES`], in the same order: embedded or
    /// read from `--templates`.
    sources: Vec<std::borrow::Cow<'static, str>>,
    compiled: Vec<OnceLock<Result<Environment<'static>, String>>>,
    /// Templates replaced from `--templates`: their output is read back and
    /// checked, since nothing else vouches for them. The built-in ones are
    /// proven by the test suite (every example's every object parsed and
    /// validated against its upstream schema, every template snapshotted
    /// against a fixture, and every quoting helper round-tripped over
    /// hostile strings); re-parsing their output was three quarters of the
    /// render time.
    overridden: std::collections::BTreeSet<&'static str>,
    /// The `--templates` folder, to name an override's file in its errors.
    dir: Option<PathBuf>,
}

/// Where template `name` is in [`TEMPLATES`] (and in a renderer's sources
/// and compiled environments).
fn template_index(name: &str) -> Option<usize> {
    TEMPLATES.iter().position(|(n, _)| *n == name)
}

/// An environment with the filters every template uses and no templates.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("y", |v: JValue| -> Result<String, minijinja::Error> {
        // Strings, most of what the templates write, without a JSON copy.
        if v.kind() == ValueKind::String
            && let Some(s) = v.as_str()
        {
            return Ok(yaml::string(s));
        }
        Ok(yaml::scalar(&to_json(&v)?))
    });
    env.add_filter(
        "yaml",
        |v: JValue, indent: usize| -> Result<String, minijinja::Error> {
            Ok(yaml::block(&to_json(&v)?, indent))
        },
    );
    env.add_filter("literal", |v: String, indent: usize| {
        yaml::literal(&v, indent)
    });
    env
}

impl Renderer {
    /// Takes the embedded templates, each replaced by `DIR/<name>.j2` when
    /// that file exists in `overrides`. Nothing is compiled yet.
    pub fn new(overrides: Option<&Path>) -> Result<Renderer, RenderError> {
        if let Some(dir) = overrides
            && !dir.is_dir()
        {
            return Err(err(format!("--templates {}: not a folder", dir.display())));
        }
        let mut overridden = std::collections::BTreeSet::new();
        let mut sources = Vec::with_capacity(TEMPLATES.len());
        for (name, embedded) in TEMPLATES {
            sources.push(match overrides.map(|d| d.join(format!("{name}.j2"))) {
                Some(path) if path.is_file() => {
                    overridden.insert(*name);
                    read_override(&path)?.into()
                }
                _ => (*embedded).into(),
            });
        }
        Ok(Renderer {
            compiled: TEMPLATES.iter().map(|_| OnceLock::new()).collect(),
            sources,
            overridden,
            dir: overrides.map(Path::to_path_buf),
        })
    }

    /// The environment holding template `name`, compiled on first use.
    fn environment(&self, name: &str) -> Result<&Environment<'static>, RenderError> {
        let index = template_index(name)
            .ok_or_else(|| err(format!("template {name}: no such template")))?;
        self.compiled[index]
            .get_or_init(|| {
                let mut env = environment();
                env.add_template_owned(name.to_string(), self.sources[index].to_string())
                    .map_err(|e| format!("template {name}: {e:#}"))?;
                Ok(env)
            })
            .as_ref()
            .map_err(|e| err(e.clone()))
    }

    /// Drops the compiled form of `template`, for a caller that has
    /// rendered its last object of it; a later use compiles it again.
    pub(crate) fn release(&mut self, template: &str) {
        if let Some(i) = template_index(template) {
            self.compiled[i].take();
        }
    }

    fn render_template(
        &self,
        name: &'static str,
        (api_version, kind): (&str, &str),
        context: JValue,
    ) -> Result<String, RenderError> {
        let template = self
            .environment(name)?
            .get_template(name)
            .map_err(|e| err(format!("template {name}: {e:#}")))?;
        let header = format!("apiVersion: {api_version}\nkind: {kind}");
        template
            .render(context! { header, ..context })
            .map_err(|e| {
                // An override's undefined variable: `<dir>/<name>.j2:<line>: undefined variable <var>`.
                match (&self.dir, e.kind(), e.line(), e.range()) {
                    (Some(dir), minijinja::ErrorKind::UndefinedError, Some(line), Some(range))
                        if self.overridden.contains(name) =>
                    {
                        let var = template.source().get(range).unwrap_or("?");
                        err(format!(
                            "{}:{line}: undefined variable {var}",
                            dir.join(format!("{name}.j2")).display()
                        ))
                    }
                    _ => err(format!("template {name}: {e:#}")),
                }
            })
    }

    /// Renders one planned file and checks the result.
    pub fn render_file(&self, file: &PlannedFile) -> Result<RenderedFile, RenderError> {
        let (template, mut content) = match &file.content {
            PlannedContent::Text(text) => {
                return Ok(RenderedFile {
                    path: file.path.clone(),
                    content: text.clone(),
                });
            }
            PlannedContent::Object(o) => {
                let values = context! {
                    name => o.name,
                    namespace => o.namespace,
                    ..JValue::from_serialize(&o.context)
                };
                (
                    o.template,
                    self.render_template(o.template, (o.api_version, o.kind), values)?,
                )
            }
            PlannedContent::Kustomization(k) => (
                Kustomization::TEMPLATE,
                self.render_template(
                    Kustomization::TEMPLATE,
                    (Kustomization::API_VERSION, Kustomization::KIND),
                    JValue::from_serialize(k),
                )?,
            ),
        };
        if !content.ends_with('\n') {
            content.push('\n');
        }
        if self.overridden.contains(template) {
            verify(file, &content)?;
        }
        Ok(RenderedFile {
            path: file.path.clone(),
            content,
        })
    }

    /// Renders every file of the plan, in plan order, on every core for
    /// large plans (files are independent). Each YAML file starts with the
    /// plan's generated-by mark, a comment (one cluster's stream, built with
    /// [`Renderer::render_file`], stays objects only).
    pub fn render(&self, plan: &Plan) -> Result<Vec<RenderedFile>, RenderError> {
        let mark = format!("# {}\n", crate::plan::generated_line(&plan.source));
        crate::parallel::map(&plan.files, 256, |f| {
            let mut rendered = self.render_file(f)?;
            if !matches!(f.content, PlannedContent::Text(_)) {
                rendered.content.insert_str(0, &mark);
            }
            Ok(rendered)
        })
        .into_iter()
        .collect()
    }

    /// [`Renderer::render`] of a plan that is not needed afterwards: its
    /// documents (the largest files of a fleet) are moved, not copied.
    pub fn render_plan(&self, plan: Plan) -> Result<Vec<RenderedFile>, RenderError> {
        let (texts, objects): (Vec<PlannedFile>, Vec<PlannedFile>) = plan
            .files
            .into_iter()
            .partition(|f| matches!(f.content, PlannedContent::Text(_)));
        let mut out = self.render(&Plan {
            files: objects,
            source: plan.source,
        })?;
        out.extend(texts.into_iter().filter_map(|f| match f.content {
            PlannedContent::Text(content) => Some(RenderedFile {
                path: f.path,
                content,
            }),
            _ => None,
        }));
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

fn read_override(path: &PathBuf) -> Result<String, RenderError> {
    std::fs::read_to_string(path)
        .map_err(|e| err(format!("cannot read template {}: {e}", path.display())))
}

fn to_json(v: &JValue) -> Result<serde_json::Value, minijinja::Error> {
    serde_json::to_value(v)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

/// The rendered text must be one YAML document whose identity is the
/// planned one.
fn verify(file: &PlannedFile, content: &str) -> Result<(), RenderError> {
    let doc: serde_json::Value = serde_saphyr::from_str(content).map_err(|e| {
        err(format!(
            "{}: the template produced invalid YAML: {e}",
            file.path
        ))
    })?;
    if let PlannedContent::Object(o) = &file.content {
        let same = doc["apiVersion"] == o.api_version
            && doc["kind"] == o.kind
            && doc["metadata"]["name"] == o.name.as_str()
            && doc["metadata"]["namespace"].as_str() == o.namespace.as_deref();
        if !same {
            return Err(err(format!(
                "{}: template {} must render {} {} {}/{}",
                file.path,
                o.template,
                o.api_version,
                o.kind,
                o.namespace.as_deref().unwrap_or("-"),
                o.name
            )));
        }
    }
    Ok(())
}

//! External models (`models[].external`): a provider outside the cluster,
//! exposed through MaaS as an ExternalModel and a MaaSModelRef of kind
//! ExternalModel (RHOAI 3.4 `maas.opendatahub.io/v1alpha1`), which only the
//! subscription era has.

use super::Checker;
use super::models::EraNeed;
use crate::diagnostic::Code;
use crate::input::{ExternalInput, ModelInput};
use crate::model::{Cluster, ClusterName, ExternalSource, MaasApi};
use crate::source::Sp;

/// The hint every E060 gives.
const SOURCE_HINT: &str = "give `uri` for a model served on the cluster, or `external` (provider, endpoint, credentialsSecret) for one served outside it";

/// The ExternalModel CRD's `spec.endpoint` pattern: a host name.
fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// A DNS-1123 subdomain (a Secret name).
fn is_subdomain(s: &str) -> bool {
    is_host(s)
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Checks `external` against the rest of the model: no `uri` and no field
/// that only a model served on the cluster has. Returns the source when
/// every value is valid.
pub(crate) fn check(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    e: &Sp<ExternalInput>,
) -> Option<ExternalSource> {
    let mut ok = true;
    let serving_fields = [
        ("uri", m.uri.as_ref().map(|u| u.span)),
        ("runtime", m.runtime.as_ref().map(|r| r.span)),
        ("image", m.image.as_ref().map(|i| i.span)),
        ("parameters", m.parameters.as_ref().map(|p| p.span)),
        ("gpus", m.gpus.as_ref().map(|g| g.span)),
        ("pool", m.pool.as_ref().map(|p| p.span)),
        ("replicas", m.replicas.as_ref().map(|r| r.span)),
        ("scaling", m.scaling.as_ref().map(|s| s.span)),
    ];
    for (field, span) in serving_fields {
        if let Some(span) = span {
            ok = false;
            c.error(
                Code::ExternalModelSource,
                span,
                format!(
                    "model `{}` is external, so `{field}` has no effect",
                    m.name.value
                ),
                SOURCE_HINT,
            );
        }
    }
    if m.resources.is_some() || !m.args.is_empty() || !m.env.is_empty() {
        ok = false;
        c.error(
            Code::ExternalModelSource,
            e.span,
            format!(
                "model `{}` is external, so `resources`, `args` and `env` have no effect",
                m.name.value
            ),
            SOURCE_HINT,
        );
    }
    let endpoint = e.endpoint.value.as_str();
    if !is_host(endpoint) {
        ok = false;
        c.error(
            Code::InvalidValue,
            e.endpoint.span,
            format!("endpoint `{endpoint}` is not a host name"),
            "write the provider's host only, without scheme, port or path, e.g. api.openai.com",
        );
    }
    let secret = e.credentials_secret.value.as_str();
    if !is_subdomain(secret) {
        ok = false;
        c.error(
            Code::InvalidName,
            e.credentials_secret.span,
            format!("credentialsSecret `{secret}` is not a Secret name"),
            "name the Secret (lowercase letters, digits, `-` and `.`) holding key `api-key`; the key itself never goes in maas.yaml",
        );
    }
    let target_model = e
        .target_model
        .as_ref()
        .map(|t| t.value.clone())
        .or_else(|| m.model_name.clone())
        .unwrap_or_else(|| m.name.value.clone());
    if target_model.trim().is_empty() || target_model.len() > 253 {
        ok = false;
        let span = e.target_model.as_ref().map(|t| t.span).unwrap_or(e.span);
        c.error(
            Code::InvalidValue,
            span,
            format!("targetModel `{target_model}` is empty or longer than 253 characters"),
            "name the model as the provider knows it, e.g. gpt-4o",
        );
    }
    ok.then(|| ExternalSource {
        provider: e.provider.value,
        endpoint: endpoint.to_string(),
        credentials_secret: secret.to_string(),
        target_model,
    })
}

/// A model with neither `uri` nor `external`.
pub(crate) fn missing_source(c: &mut Checker<'_>, m: &Sp<ModelInput>) {
    c.error(
        Code::MissingField,
        m.name.span,
        format!("model `{}` has neither `uri` nor `external`", m.name.value),
        SOURCE_HINT,
    );
}

/// An external model runs only on subscription-era clusters.
pub(crate) fn subscription_clusters(
    c: &mut Checker<'_>,
    m: &Sp<ModelInput>,
    e: &Sp<ExternalInput>,
    deployed: Vec<ClusterName>,
    clusters: &[Cluster],
) -> Vec<ClusterName> {
    let need = EraNeed {
        code: Code::ExternalModelEra,
        what: format!("external model `{}`", m.name.value),
        why: "speaks the tier era (no ExternalModel before RHOAI 3.4)",
        listed_hint: "remove the cluster from `clusters`, or move it to `maas.api: subscriptions` (RHOAI 3.4+)",
        none_hint: "move a cluster to `maas.api: subscriptions` (RHOAI 3.4+), or remove the model",
        runs: |cl| cl.api == MaasApi::Subscriptions,
    };
    super::models::clusters_of_era(c, m, e.span, &need, deployed, clusters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_host_names_as_the_crd_pattern_says() {
        for ok in ["api.openai.com", "localhost", "a-b.c1.example"] {
            assert!(is_host(ok), "{ok}");
        }
        for bad in [
            "",
            "https://api.openai.com",
            "api.openai.com/v1",
            "api.openai.com:443",
            "-a.com",
            "a-.com",
            "a..com",
        ] {
            assert!(!is_host(bad), "{bad}");
        }
        assert!(is_subdomain("openai-api-key"));
        assert!(!is_subdomain("OpenAI"));
    }
}

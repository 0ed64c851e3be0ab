//! The clusters' other OAuth identity providers (issue 16): passed through
//! into `OAuth/cluster` so the list maasc owns is complete, with secrets and
//! ConfigMaps by reference only.

use serde_json::Value;

use super::Checker;
use crate::diagnostic::Code;
use crate::input::{ClusterInput, IdentityInput, IdentityProviderInput};
use crate::model::{IdentityProvider, check_openshift_name};
use crate::source::{Sp, Span};

/// OAuth provider types (config.openshift.io/v1 `IdentityProvider.type`)
/// and the key of their settings.
const TYPES: &[(&str, &str)] = &[
    ("LDAP", "ldap"),
    ("OpenID", "openID"),
    ("GitHub", "github"),
    ("GitLab", "gitlab"),
    ("Google", "google"),
    ("Keystone", "keystone"),
    ("RequestHeader", "requestHeader"),
    ("BasicAuth", "basicAuth"),
    ("HTPasswd", "htpasswd"),
];

/// Fields of provider settings that name a Secret or ConfigMap in
/// `openshift-config` (`SecretNameReference` / `ConfigMapNameReference`).
const REFERENCES: &[&str] = &[
    "bindPassword",
    "ca",
    "clientSecret",
    "fileData",
    "tlsClientCert",
    "tlsClientKey",
];

const MAPPING_METHODS: &[&str] = &["claim", "lookup", "generate", "add"];

/// The settings blocks of a provider, by key.
fn settings(p: &IdentityProviderInput) -> Vec<(&'static str, &Sp<Value>)> {
    [
        ("ldap", &p.ldap),
        ("openID", &p.open_id),
        ("github", &p.github),
        ("gitlab", &p.gitlab),
        ("google", &p.google),
        ("keystone", &p.keystone),
        ("requestHeader", &p.request_header),
        ("basicAuth", &p.basic_auth),
        ("htpasswd", &p.htpasswd),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    .collect()
}

/// Checks a list of providers; `owner` names it in messages.
pub(crate) fn check(
    c: &mut Checker<'_>,
    input: &[Sp<IdentityProviderInput>],
    owner: &str,
) -> Vec<IdentityProvider> {
    input
        .iter()
        .filter_map(|p| check_one(c, p, owner))
        .collect()
}

fn check_one(
    c: &mut Checker<'_>,
    p: &Sp<IdentityProviderInput>,
    owner: &str,
) -> Option<IdentityProvider> {
    let mut ok = true;
    if let Err(e) = check_openshift_name(&p.name.value) {
        c.error(
            Code::InvalidName,
            p.name.span,
            format!("identity provider name `{}` {e}", p.name.value),
            "use the provider's name as the cluster's OAuth lists it",
        );
        ok = false;
    }
    let mapping_method = match &p.mapping_method {
        Some(m) if !MAPPING_METHODS.contains(&m.value.as_str()) => {
            c.error(
                Code::InvalidValue,
                m.span,
                format!("mappingMethod `{}` is not one OAuth knows", m.value),
                "use claim, lookup, generate or add",
            );
            ok = false;
            String::new()
        }
        Some(m) => m.value.clone(),
        None => "claim".to_string(),
    };
    let Some(&(kind, key)) = TYPES.iter().find(|(t, _)| *t == p.kind.value) else {
        c.error(
            Code::InvalidValue,
            p.kind.span,
            format!(
                "identity provider type `{}` is not an OpenShift OAuth type",
                p.kind.value
            ),
            format!(
                "use one of {}",
                TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
    };
    let blocks = settings(p);
    let block = match blocks.as_slice() {
        [(k, v)] if *k == key => *v,
        _ => {
            c.error(
                Code::InvalidValue,
                p.span,
                format!(
                    "identity provider `{}` of type {kind} needs exactly its `{key}` settings",
                    p.name.value
                ),
                format!("write the provider's settings under `{key}:` and nothing else"),
            );
            return None;
        }
    };
    if !block.value.is_object() {
        c.error(
            Code::InvalidValue,
            block.span,
            format!(
                "`{key}` of identity provider `{}` is not a mapping",
                p.name.value
            ),
            "write the settings as OpenShift's OAuth documents them",
        );
        return None;
    }
    let mut inline = Vec::new();
    inline_secrets(&block.value, key, &mut inline);
    // A secret written inline is reported as such below, not as a shape.
    let problems = super::oauth_schema::problems(key, &block.value)
        .into_iter()
        .filter(|p| !inline.iter().any(|i| p.starts_with(&format!("{i}:"))));
    for problem in problems {
        c.error(
            Code::InvalidValue,
            block.span,
            format!(
                "identity provider `{}` in {owner} does not fit OpenShift's OAuth: {problem}",
                p.name.value
            ),
            "write the settings as config.openshift.io/v1 OAuth documents them (`oc explain oauth.spec.identityProviders`)",
        );
        ok = false;
    }
    for path in inline {
        c.error(
            Code::InlineProviderSecret,
            block.span,
            format!(
                "identity provider `{}` in {owner} holds `{path}` inline",
                p.name.value
            ),
            "create the Secret (or ConfigMap) in openshift-config outside Git and name it: `{name: my-secret}`",
        );
        ok = false;
    }
    ok.then(|| IdentityProvider {
        name: p.name.value.clone(),
        mapping_method,
        kind: kind.to_string(),
        key,
        settings: block.value.clone(),
    })
}

/// Paths of every secret-looking value that is not a `{name: …}` reference.
fn inline_secrets(v: &Value, path: &str, out: &mut Vec<String>) {
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            for (i, item) in items.iter().enumerate() {
                inline_secrets(item, &format!("{path}[{i}]"), out);
            }
        }
        return;
    };
    for (k, v) in map {
        let here = format!("{path}.{k}");
        let lower = k.to_ascii_lowercase();
        let secret_like = REFERENCES.contains(&k.as_str())
            || ["password", "secret", "privatekey"]
                .iter()
                .any(|w| lower.contains(w));
        if secret_like && !is_reference(v) {
            out.push(here);
        } else {
            inline_secrets(v, &here, out);
        }
    }
}

/// `{name: <non-empty string>}` and nothing else.
fn is_reference(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.len() == 1
        && m.get("name").and_then(Value::as_str).is_some_and(|s| !s.is_empty()))
}

/// W104: a cluster whose OAuth maasc owns (htpasswd) and whose tiers name
/// external groups, but that lists no other provider: ArgoCD would replace
/// the cluster's provider list with the htpasswd one alone.
pub(crate) fn warn_if_clobbering(
    c: &mut Checker<'_>,
    identity: Option<&Sp<IdentityInput>>,
    clusters: &[Sp<ClusterInput>],
) {
    let Some(identity) = identity else { return };
    if identity.htpasswd.is_none()
        || identity.external_groups.is_empty()
        || !identity.providers.is_empty()
    {
        return;
    }
    for cl in clusters {
        let own = cl
            .identity
            .as_ref()
            .is_some_and(|i| !i.additional_providers.is_empty());
        let p = &cl.platform.value;
        let managed = p
            .managed
            .as_ref()
            .is_some_and(|m| m.value != crate::input::Managed::SelfManaged)
            || p.hosted_control_plane;
        if own || managed {
            continue;
        }
        c.warning(
            Code::ProvidersReplaced,
            cl.name.span,
            format!(
                "cluster `{}` gets an OAuth/cluster that lists only the htpasswd provider, but the external groups ({}) come from another one: ArgoCD replaces the whole identityProviders list, so the cluster's other providers disappear and their users cannot log in",
                cl.name.value,
                identity
                    .external_groups
                    .iter()
                    .map(|g| g.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "list them in `identity.providers` (every cluster) or the cluster's `identity.additionalProviders`, secrets by reference",
        );
    }
}

/// Gives every cluster the platform's providers, then its own, checked.
pub(crate) fn attach(
    c: &mut Checker<'_>,
    clusters: &mut [crate::model::Cluster],
    input: &[Sp<ClusterInput>],
    identity: Option<&Sp<IdentityInput>>,
) {
    let platform_input: &[Sp<IdentityProviderInput>] =
        identity.map(|i| i.providers.as_slice()).unwrap_or_default();
    let htpasswd_name = identity
        .and_then(|i| i.htpasswd.as_ref())
        .map(|h| h.name.as_ref().map_or("maas-users", |n| n.value.as_str()));
    let reserved = htpasswd_name.map(|n| (n.to_string(), Span::UNKNOWN));
    c.unique(
        "identity provider",
        reserved.into_iter().chain(
            platform_input
                .iter()
                .map(|p| (p.name.value.clone(), p.name.span)),
        ),
    );
    let platform = check(c, platform_input, "identity.providers");
    for cl in input {
        let own: &[Sp<IdentityProviderInput>] = cl
            .identity
            .as_ref()
            .map(|i| i.additional_providers.as_slice())
            .unwrap_or_default();
        for p in own {
            if htpasswd_name == Some(p.name.value.as_str())
                || platform_input.iter().any(|q| q.name.value == p.name.value)
            {
                c.error(
                    Code::DuplicateName,
                    p.name.span,
                    format!(
                        "identity provider `{}` of cluster `{}` is already a platform-wide provider",
                        p.name.value, cl.name.value
                    ),
                    "give it another name, or list it only once",
                );
            }
        }
        c.unique(
            &format!("identity provider of cluster `{}`", cl.name.value),
            own.iter().map(|p| (p.name.value.clone(), p.name.span)),
        );
        let own = check(c, own, &format!("cluster `{}`", cl.name.value));
        if let Some(cluster) = clusters
            .iter_mut()
            .find(|k| k.name.as_str() == cl.name.value)
        {
            cluster.identity_providers = platform.iter().cloned().chain(own).collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_name_references_pass_as_secrets() {
        let mut out = Vec::new();
        let ok = json!({"clientID": "x", "clientSecret": {"name": "oidc"}, "ca": {"name": "ca"},
            "claims": {"preferredUsername": ["email"]}});
        inline_secrets(&ok, "openID", &mut out);
        assert!(out.is_empty(), "{out:?}");
        let bad = json!({"clientSecret": "hunter2", "ca": {"name": "ca", "data": "x"},
            "nested": [{"password": "p"}], "bindPassword": {"name": ""}});
        inline_secrets(&bad, "ldap", &mut out);
        out.sort();
        assert_eq!(
            out,
            [
                "ldap.bindPassword",
                "ldap.ca",
                "ldap.clientSecret",
                "ldap.nested[0].password"
            ]
        );
    }
}

//! Validated names. Each newtype can only be made through `parse`, which
//! is crate-private, so a value of the type is proof that the check ran.

use std::fmt;

use serde::Serialize;

/// Why a string is not a valid name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    pub reason: String,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

fn err(reason: impl Into<String>) -> NameError {
    NameError {
        reason: reason.into(),
    }
}

/// RFC 1123 label: at most 63 of `[a-z0-9-]`, starting and ending alphanumeric.
pub fn check_dns_label(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(err("must not be empty"));
    }
    if s.len() > 63 {
        return Err(err(format!(
            "is {} characters long, at most 63 are allowed",
            s.len()
        )));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Err(err(format!(
            "contains `{c}`: only lowercase letters, digits and `-` are allowed"
        )));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(err("must start and end with a letter or digit"));
    }
    Ok(())
}

/// The default AITenant maas-controller creates (RHOAI 3.5).
pub const DEFAULT_TENANT_NAME: &str = "models-as-a-service";
/// Where every AITenant lives (RHOAI 3.5 admission webhook).
pub const AI_TENANTS_NAMESPACE: &str = "ai-tenants";
/// maas-controller's namespace of an additional tenant is this prefix and
/// its name: its MaasTenantConfig, MaaSAuthPolicies and MaaSSubscriptions.
pub const TENANT_NAMESPACE_PREFIX: &str = "ai-tenant-";

/// An additional AITenant's name: a DNS label of at most 41 characters
/// (the AITenant CRD's CEL rule: `ai-tenant-<name>` and the per-tenant
/// object names must stay labels), and not the default tenant.
pub fn check_tenant_name(s: &str) -> Result<(), NameError> {
    check_dns_label(s)?;
    if s.len() > 41 {
        return Err(err(format!(
            "is {} characters long, at most 41 are allowed for an AITenant",
            s.len()
        )));
    }
    if s == DEFAULT_TENANT_NAME {
        return Err(err("is the default tenant's name"));
    }
    Ok(())
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
pub fn check_dns_subdomain(s: &str) -> Result<(), NameError> {
    if s.len() > 253 {
        return Err(err(format!(
            "is {} characters long, at most 253 are allowed",
            s.len()
        )));
    }
    s.split('.').try_for_each(check_dns_label)
}

/// OpenShift user and group names: no `:` or `/`, no white space, not `.` or `..`.
pub fn check_openshift_name(s: &str) -> Result<(), NameError> {
    if s.is_empty() {
        return Err(err("must not be empty"));
    }
    if s == "." || s == ".." {
        return Err(err("must not be `.` or `..`"));
    }
    if let Some(c) = s
        .chars()
        .find(|c| matches!(c, ':' | '/' | '%') || c.is_whitespace() || c.is_control())
    {
        return Err(err(format!(
            "contains `{}`, which OpenShift does not allow in user and group names",
            c.escape_default()
        )));
    }
    Ok(())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Only the checker mints names.
            pub(crate) fn parse(s: &str) -> Result<Self, NameError> {
                $check(s)?;
                Ok($name(s.to_string()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

name_type!(
    /// The platform's `metadata.name`.
    PlatformName, check_dns_label);
name_type!(
    /// A cluster of `spec.clusters`.
    ClusterName, check_dns_label);
name_type!(
    /// A tier: used in policy predicates and namespaces, so a DNS label.
    TierName, check_dns_label);
name_type!(
    /// A model: the LLMInferenceService name.
    ModelName, check_dns_label);
name_type!(
    /// An additional AITenant (RHOAI 3.5): a DNS label of at most 41
    /// characters (its CRD's rule), not the default tenant's name.
    TenantName, check_tenant_name);
name_type!(
    /// A Kubernetes namespace.
    NamespaceName, check_dns_label);
name_type!(
    /// A machine pool of one cluster.
    PoolName, check_dns_label);
name_type!(
    /// An OpenShift user, as in the htpasswd file.
    UserName, check_openshift_name);
name_type!(
    /// An OpenShift group that maasc defines.
    GroupName, check_dns_subdomain);

impl TenantName {
    /// The namespace maas-controller creates for the tenant.
    pub fn namespace(&self) -> String {
        format!("{TENANT_NAMESPACE_PREFIX}{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels_accept_lowercase_digits_and_inner_dashes() {
        for ok in [
            "a",
            "qwen3-0-6b",
            "ocpai3-aws",
            "0-gpu-model",
            &"a".repeat(63),
        ] {
            assert!(ClusterName::parse(ok).is_ok(), "{ok}");
            assert!(TierName::parse(ok).is_ok(), "{ok}");
            assert!(ModelName::parse(ok).is_ok(), "{ok}");
            assert!(NamespaceName::parse(ok).is_ok(), "{ok}");
            assert!(PoolName::parse(ok).is_ok(), "{ok}");
            assert!(PlatformName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn dns_labels_refuse_upper_case_underscores_edges_and_length() {
        for bad in ["", "Qwen", "a_b", "-a", "a-", "a.b", &"a".repeat(64)] {
            assert!(ClusterName::parse(bad).is_err(), "{bad}");
            assert!(ModelName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TierName::parse("Free").unwrap_err().reason,
            "contains `F`: only lowercase letters, digits and `-` are allowed"
        );
    }

    #[test]
    fn group_names_are_subdomains() {
        assert!(GroupName::parse("tier-free-users").is_ok());
        assert!(GroupName::parse("team.a").is_ok());
        assert!(GroupName::parse("system:authenticated").is_err());
        assert!(GroupName::parse("Team").is_err());
    }

    #[test]
    fn user_names_follow_openshift_rules() {
        assert!(UserName::parse("alice").is_ok());
        assert!(UserName::parse("Alice.Smith@example.com").is_ok());
        for bad in ["", ".", "..", "a:b", "a/b", "a b"] {
            assert!(UserName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_display_as_their_text() {
        assert_eq!(ModelName::parse("granite").unwrap().to_string(), "granite");
        assert_eq!(GroupName::parse("g").unwrap().as_str(), "g");
    }
}

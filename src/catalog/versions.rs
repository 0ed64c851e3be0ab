//! Red Hat OpenShift AI versions: what each one is installed from (OLM
//! channel, CSV, approval), which MaaS era it runs, and the shape of every
//! object whose schema depends on it.
//!
//! Sources (see `schemas/versions/SOURCES.md`, a copy of
//! `shared/crds/versions/README.md`): the file-based catalog of
//! red-hat-data-services/RHOAI-Build-Config on the branches `rhoai-3.0`
//! @e927780, `rhoai-3.2` @b4ff077, `rhoai-3.3` @f5fd388, `rhoai-3.4` @c5f0433
//! and `rhoai-3.5` @294d62e (`catalog/v4.20/rhods-operator/catalog.yaml`,
//! `catalog/catalog-patch.yaml`), and for Connectivity Link the bundles of
//! rh-api-management/rhcl-operator-product-build (`rhcl-1.2`, `rhcl-1.3`,
//! `rhcl-1.4`: one channel, `stable`). There is no RHOAI 3.1.

use serde::Serialize;

/// An OpenShift AI minor version maasc can target. Only `check` reads one
/// from maas.yaml ([`RhoaiVersion::parse`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RhoaiVersion {
    #[serde(rename = "3.0")]
    V3_0,
    #[serde(rename = "3.2")]
    V3_2,
    #[serde(rename = "3.3")]
    V3_3,
    #[serde(rename = "3.4")]
    V3_4,
    #[serde(rename = "3.5")]
    V3_5,
}

/// The MaaS generation a version runs. The tenant era emits what the
/// subscription era emits plus its own DSC shape (issue 15 adds AITenant,
/// MaasTenantConfig and Config).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Era {
    /// RHOAI 3.0–3.3, MaaS v0.0.x: tier ConfigMap and gateway policies.
    Tiers,
    /// RHOAI 3.4, MaaS v0.1: MaaSModelRef, MaaSAuthPolicy, MaaSSubscription.
    Subscriptions,
    /// RHOAI 3.5, MaaS v0.2: the subscription CRs plus AITenant and friends.
    Tenants,
}

/// The OpenShift AI applications namespace: the dashboard, hardware
/// profiles and, up to 3.4, the operator's maas-api live there.
pub const APPLICATIONS_NAMESPACE: &str = "redhat-ods-applications";

impl Era {
    /// Where the operator runs maas-api and where it reads `maas-db-config`:
    /// 3.5 separates the infrastructure namespace (on by default;
    /// models-as-a-service v0.2.1 `upgrade-to-3.5.md`).
    pub fn maas_api_namespace(self) -> &'static str {
        match self {
            Era::Tenants => "redhat-ai-gateway-infra",
            Era::Tiers | Era::Subscriptions => APPLICATIONS_NAMESPACE,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Era::Tiers => "tiers",
            Era::Subscriptions => "subscriptions",
            Era::Tenants => "tenants",
        }
    }

    /// Whether the era governs access with the maas.opendatahub.io CRs.
    pub fn has_maas_crs(self) -> bool {
        self != Era::Tiers
    }
}

/// Where the DataScienceCluster switches MaaS on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DscMaas {
    /// 3.0, 3.2: the DSC has no MaaS field (maas-api is deployed standalone).
    None,
    /// 3.3, 3.4: `spec.components.kserve.modelsAsService`.
    Kserve,
    /// 3.5: `spec.components.aigateway.modelsAsAService` (v2 only).
    AiGateway,
}

/// What one version is installed from and what it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionFacts {
    pub version: RhoaiVersion,
    /// The release the facts come from (RHOAI-Build-Config branch @ commit).
    pub release: &'static str,
    /// The OLM channel maasc subscribes to.
    pub channel: &'static str,
    /// Whether `channel` stays within the minor version. When it does not,
    /// the Subscription pins `csv` with Manual approval and an approver.
    pub channel_holds_minor: bool,
    /// The newest CSV of the minor in the catalog (pinned when the channel
    /// can leave the minor).
    pub csv: &'static str,
    pub era: Era,
    pub dsc_maas: DscMaas,
    /// `apiVersion` of LLMInferenceService: the storage version.
    pub llmis_api_version: &'static str,
    /// `LLMInferenceService.spec.storageInitializer` exists (3.4+).
    pub storage_initializer: bool,
    /// Connectivity Link CSV pinned by default, and the oldest minor the
    /// MaaS era supports.
    pub rhcl_csv: &'static str,
    pub rhcl_min: (u32, u32),
}

/// Every version, oldest first.
pub const VERSIONS: [VersionFacts; 5] = [
    VersionFacts {
        version: RhoaiVersion::V3_0,
        release: "RHOAI-Build-Config rhoai-3.0@e927780",
        // 3.0.0 is only in `fast-3.x`, which continues to 3.2.1 and 3.3.1.
        channel: "fast-3.x",
        channel_holds_minor: false,
        csv: "rhods-operator.3.0.0",
        era: Era::Tiers,
        dsc_maas: DscMaas::None,
        llmis_api_version: "serving.kserve.io/v1alpha1",
        storage_initializer: false,
        rhcl_csv: RHCL_DEFAULT_CSV,
        rhcl_min: (1, 2),
    },
    VersionFacts {
        version: RhoaiVersion::V3_2,
        release: "RHOAI-Build-Config rhoai-3.2@b4ff077",
        // 3.2 is not in `stable-3.x`; `fast-3.x` continues to 3.3.1
        // (`3.2-exception-support` is a support-exception channel).
        channel: "fast-3.x",
        channel_holds_minor: false,
        csv: "rhods-operator.3.2.1",
        era: Era::Tiers,
        dsc_maas: DscMaas::None,
        llmis_api_version: "serving.kserve.io/v1alpha1",
        storage_initializer: false,
        rhcl_csv: RHCL_DEFAULT_CSV,
        rhcl_min: (1, 2),
    },
    VersionFacts {
        version: RhoaiVersion::V3_3,
        release: "RHOAI-Build-Config rhoai-3.3@f5fd388",
        channel: "stable-3.3",
        channel_holds_minor: true,
        csv: "rhods-operator.3.3.6",
        era: Era::Tiers,
        dsc_maas: DscMaas::Kserve,
        llmis_api_version: "serving.kserve.io/v1alpha1",
        storage_initializer: false,
        rhcl_csv: RHCL_DEFAULT_CSV,
        rhcl_min: (1, 2),
    },
    VersionFacts {
        version: RhoaiVersion::V3_4,
        release: "RHOAI-Build-Config rhoai-3.4@c5f0433",
        channel: "stable-3.4",
        channel_holds_minor: true,
        csv: "rhods-operator.3.4.4",
        era: Era::Subscriptions,
        dsc_maas: DscMaas::Kserve,
        llmis_api_version: "serving.kserve.io/v1alpha2",
        storage_initializer: true,
        rhcl_csv: RHCL_DEFAULT_CSV,
        rhcl_min: (1, 3),
    },
    VersionFacts {
        version: RhoaiVersion::V3_5,
        release: "RHOAI-Build-Config rhoai-3.5@294d62e",
        channel: "stable-3.5",
        channel_holds_minor: true,
        csv: "rhods-operator.3.5.0",
        era: Era::Tenants,
        dsc_maas: DscMaas::AiGateway,
        llmis_api_version: "serving.kserve.io/v1alpha2",
        storage_initializer: true,
        rhcl_csv: RHCL_DEFAULT_CSV,
        rhcl_min: (1, 3),
    },
];

/// RHCL 1.3.5, the newest 1.3 z-stream (`rhcl-1.3` branch): at least 1.2
/// for the tier era, at least 1.3 (Kuadrant ≥ 1.4.2) for MaaS v0.1+, and
/// the minor RHOAI 3.5 embeds (chart appVersion 1.3.0). Pinned because the
/// only channel, `stable`, may carry 1.4.0 (gateway auth bypass).
pub const RHCL_DEFAULT_CSV: &str = "rhcl-operator.v1.3.5";
/// RHCL releases that must never be installed: 1.4.0's Wasm shim silently
/// bypasses gateway authentication (models-as-a-service PR #1248).
pub const RHCL_BROKEN: &[&str] = &["rhcl-operator.v1.4.0"];

impl RhoaiVersion {
    pub const ALL: [RhoaiVersion; 5] = [
        RhoaiVersion::V3_0,
        RhoaiVersion::V3_2,
        RhoaiVersion::V3_3,
        RhoaiVersion::V3_4,
        RhoaiVersion::V3_5,
    ];

    /// `"3.3"`, `3.3` or `3.0` as YAML writes them (a float `3.0` is 3).
    /// `None` for anything else, 3.1 included.
    pub(crate) fn parse(text: &str) -> Option<RhoaiVersion> {
        let t = text.trim();
        let normal = match t {
            "3" => "3.0",
            other => other,
        };
        RhoaiVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == normal || format!("{}0", v.as_str()) == normal)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RhoaiVersion::V3_0 => "3.0",
            RhoaiVersion::V3_2 => "3.2",
            RhoaiVersion::V3_3 => "3.3",
            RhoaiVersion::V3_4 => "3.4",
            RhoaiVersion::V3_5 => "3.5",
        }
    }

    pub fn facts(self) -> &'static VersionFacts {
        VERSIONS
            .iter()
            .find(|f| f.version == self)
            .expect("every version has facts")
    }

    pub fn era(self) -> Era {
        self.facts().era
    }

    /// The known versions, for messages: `3.0, 3.2, 3.3, 3.4, 3.5`.
    pub fn known() -> String {
        RhoaiVersion::ALL.map(RhoaiVersion::as_str).join(", ")
    }

    /// The next minor OLM can upgrade to (one at a time; there is no 3.1).
    pub fn next(self) -> Option<RhoaiVersion> {
        let i = RhoaiVersion::ALL.iter().position(|v| *v == self)?;
        RhoaiVersion::ALL.get(i + 1).copied()
    }

    /// The version the derived era needs when `maas.api` is given.
    pub fn for_era(era: Era) -> RhoaiVersion {
        match era {
            Era::Tiers => RhoaiVersion::V3_3,
            Era::Subscriptions => RhoaiVersion::V3_4,
            Era::Tenants => RhoaiVersion::V3_5,
        }
    }
}

impl std::fmt::Display for RhoaiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an OLM channel of `rhods-operator` can install a minor other
/// than `version`: only `stable-X.Y`, `eus-X.Y` and the support channel
/// `X.Y-exception-support` (3.2.0, 3.2.1 only: rhoai-3.2
/// `catalog/catalog-patch.yaml`) of that minor cannot.
pub fn rhoai_channel_leaves(channel: &str, version: RhoaiVersion) -> bool {
    let v = version.as_str();
    ![
        format!("stable-{v}"),
        format!("eus-{v}"),
        format!("{v}-exception-support"),
    ]
    .iter()
    .any(|c| c == channel)
}

/// The minor of an RHOAI CSV name (`rhods-operator.3.2.1` → 3.2).
pub fn rhoai_csv_version(csv: &str) -> Option<RhoaiVersion> {
    let rest = csv.strip_prefix("rhods-operator.")?;
    let mut parts = rest.split('.');
    let minor = format!("{}.{}", parts.next()?, parts.next()?);
    RhoaiVersion::ALL.into_iter().find(|v| v.as_str() == minor)
}

/// `(major, minor)` of an RHCL CSV name (`rhcl-operator.v1.3.5` → (1, 3)).
pub fn rhcl_csv_minor(csv: &str) -> Option<(u32, u32)> {
    let rest = csv.strip_prefix("rhcl-operator.v")?;
    let mut parts = rest.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The upgrade of one minor to the next, as the upstream guides order it
/// (fact sheet §D; models-as-a-service docs/content/migration).
pub fn upgrade_steps(from: RhoaiVersion) -> &'static [&'static str] {
    match from {
        RhoaiVersion::V3_0 => &[
            "make sure Connectivity Link is 1.2 or newer",
            "let the operator move to 3.2 on `fast-3.x`: the approver approves exactly `rhods-operator.3.2.1`",
            "wait for the DataScienceCluster to be Ready",
        ],
        RhoaiVersion::V3_2 => &[
            "let the operator move to 3.3 on `fast-3.x`, then switch to `stable-3.3` (3.3.0 cannot be entered from 3.2 on `stable-3.3`)",
            "the Gateway `maas-default-gateway` must exist before `kserve.modelsAsService: Managed`",
            "set `kserve.modelsAsService: Managed` in the DataScienceCluster: the operator deploys maas-api",
            "remove a standalone maas-api and its `gateway-auth-policy` (the operator's replaces it)",
        ],
        RhoaiVersion::V3_3 => &[
            "before the operator moves: Connectivity Link 1.3 or newer (never 1.4.0) and the Secret `maas-db-config` (`DB_CONNECTION_URL`) in `redhat-ods-applications`",
            "move the operator to `stable-3.4`: it installs the MaaS CRDs and maas-controller",
            "then create MaaSModelRef, MaaSAuthPolicy and MaaSSubscription (their CRDs exist only on 3.4); LLMInferenceService moves to v1alpha2",
            "delete the tier objects: `gateway-auth-policy`, the gateway rate limit policies, `tier-to-group-mapping` and the tier annotations",
        ],
        RhoaiVersion::V3_4 => &[
            "back up `Tenant/default-tenant` and the DataScienceCluster",
            "move the operator to `stable-3.5`: maas-controller migrates `Tenant` to `AITenant` and `MaasTenantConfig`",
            "DataScienceCluster: set `aigateway: {managementState: Managed, modelsAsAService: {managementState: Managed}}`; keep `kserve.modelsAsService` as it is (it cannot be cleared before 3.7)",
            "`maas-db-config` moves to the infra namespace `redhat-ai-gateway-infra`: manage it there",
        ],
        RhoaiVersion::V3_5 => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_yaml_writes_them() {
        assert_eq!(RhoaiVersion::parse("3.3"), Some(RhoaiVersion::V3_3));
        // A YAML float 3.0 prints as `3`, 3.50 as `3.5`.
        assert_eq!(RhoaiVersion::parse("3"), Some(RhoaiVersion::V3_0));
        assert_eq!(RhoaiVersion::parse("3.50"), Some(RhoaiVersion::V3_5));
        assert_eq!(RhoaiVersion::parse("3.1"), None);
        assert_eq!(RhoaiVersion::parse("3.6"), None);
        assert_eq!(RhoaiVersion::known(), "3.0, 3.2, 3.3, 3.4, 3.5");
    }

    #[test]
    fn eras_and_hops() {
        use RhoaiVersion::*;
        let eras: Vec<Era> = RhoaiVersion::ALL.map(RhoaiVersion::era).to_vec();
        assert_eq!(
            eras,
            [
                Era::Tiers,
                Era::Tiers,
                Era::Tiers,
                Era::Subscriptions,
                Era::Tenants
            ]
        );
        assert_eq!(V3_0.next(), Some(V3_2));
        assert_eq!(V3_5.next(), None);
        for v in RhoaiVersion::ALL {
            assert_eq!(v.next().is_some(), !upgrade_steps(v).is_empty());
        }
    }

    #[test]
    fn channels_that_leave_the_minor() {
        use RhoaiVersion::*;
        assert!(!rhoai_channel_leaves("stable-3.3", V3_3));
        assert!(!rhoai_channel_leaves("eus-3.5", V3_5));
        // The support channel of 3.2 holds 3.2.0 and 3.2.1 only.
        assert!(!rhoai_channel_leaves("3.2-exception-support", V3_2));
        assert!(rhoai_channel_leaves("stable-3.4", V3_3));
        for ch in ["fast-3.x", "stable-3.x", "stable"] {
            assert!(rhoai_channel_leaves(ch, V3_4), "{ch}");
        }
        for f in VERSIONS {
            assert_eq!(
                !rhoai_channel_leaves(f.channel, f.version),
                f.channel_holds_minor
            );
            assert_eq!(rhoai_csv_version(f.csv), Some(f.version));
            let (major, minor) = rhcl_csv_minor(f.rhcl_csv).unwrap();
            assert!((major, minor) >= f.rhcl_min);
            assert!(!RHCL_BROKEN.contains(&f.rhcl_csv));
        }
        assert_eq!(rhcl_csv_minor("rhcl-operator.v1.4.0"), Some((1, 4)));
    }

    /// The channel/CSV table against the facts of the copied versions
    /// README (`schemas/versions/SOURCES.md`, "OLM bundle per version").
    #[test]
    fn the_table_agrees_with_the_versions_readme() {
        let readme = include_str!("../../schemas/versions/SOURCES.md");
        for f in VERSIONS {
            let v = f.version.as_str();
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| {v} | `rhods-operator.")))
                .unwrap_or_else(|| panic!("no OLM row for {v}"));
            let cells: Vec<&str> = row.split(" | ").collect();
            let (bundle_csv, channels, rhcl) = (cells[1], cells[2], cells[4]);
            // The channel holds this minor in the branch's catalog.
            assert!(
                channels.contains(&format!("`{}` [{v}.", f.channel))
                    || channels.contains(&format!("`{}`, ", f.channel))
                    || channels.contains(&format!("`{}` and ", f.channel)),
                "{v}: channel {} not listed in {channels}",
                f.channel
            );
            if f.channel_holds_minor {
                assert!(f.channel.ends_with(v), "{v}: {}", f.channel);
            } else {
                // Pinned with Manual approval: the CSV is the bundle's.
                assert!(
                    bundle_csv.starts_with(&format!("`{}`", f.csv)),
                    "{v}: {row}"
                );
                // No `stable-X.Y` channel exists for this minor.
                assert!(
                    !channels.contains(&format!("stable-{v}")),
                    "{v}: {channels}"
                );
            }
            assert!(
                row.contains(f.csv) || channels.contains(&f.csv["rhods-operator.".len()..]),
                "{v}: {} not in {row}",
                f.csv
            );
            let (major, minor) = f.rhcl_min;
            if rhcl.starts_with("RHCL v") {
                assert!(
                    rhcl.starts_with(&format!("RHCL v{major}.{minor}+")),
                    "{v}: {rhcl}"
                );
            }
        }
        // And there is no RHOAI 3.1.
        assert!(readme.contains("**No RHOAI 3.1.**"));
    }
}

//! The escape hatch (issue 19 item 4) and the per-cluster opt-outs of the
//! platform extras, as written in `clusters[]`.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::Sp;

/// A kustomize folder of your own that maasc syncs as one more
/// Application of the cluster: a folder of this repository, or a remote
/// Git repository (one of `path` alone, or `repoURL` with `path` and
/// `targetRevision`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExtraComponentInput {
    /// DNS-1123 label, unique in the cluster; the Application is
    /// `<cluster>-<name>`. Names of generated components (`operators-…`,
    /// `instances-…`, `platform-…`, `models-…`) are reserved.
    pub name: Sp<String>,
    /// Without `repoURL`: a folder holding a kustomization, relative to the
    /// folder of maas.yaml, inside the repository (no `..`, not absolute).
    /// With `repoURL`: the folder inside that repository (default: its root).
    pub path: Option<Sp<String>>,
    /// A remote Git repository (https) holding the component.
    #[serde(rename = "repoURL")]
    pub repo_url: Option<Sp<String>>,
    /// With `repoURL`: the tag or commit to sync (required; a branch such as
    /// `main` or `HEAD` is warned about: it is not pinned).
    pub target_revision: Option<Sp<String>>,
    /// The Application's sync wave (default 100: after everything maasc
    /// generates).
    pub wave: Option<Sp<i32>>,
    /// The Application's destination namespace (objects without a namespace
    /// land there).
    pub namespace: Option<Sp<String>>,
}

/// A kustomize patch to one object of a generated component, kept in the
/// component's overlay (`patches:` of its kustomization.yaml).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchInput {
    /// The generated component, as its folder under the cluster, e.g.
    /// `models/llm` or `platform/maas-gateway`.
    pub component: Sp<String>,
    /// The object to patch.
    pub target: Sp<PatchTargetInput>,
    /// Inline patch: a mapping is a strategic merge patch (the object's
    /// fields to set; maasc adds apiVersion, kind and metadata name and
    /// namespace), a list is a JSON 6902 patch (`op`, `path`, `value`,
    /// `from`). One of `patch` and `file`.
    pub patch: Option<Sp<serde_json::Value>>,
    /// The same in a YAML file, relative to the folder of maas.yaml and
    /// inside the repository.
    pub file: Option<Sp<String>>,
}

/// Which object of the component a patch applies to.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatchTargetInput {
    /// The object's kind, e.g. `LLMInferenceService`.
    pub kind: Sp<String>,
    pub name: Sp<String>,
    /// Needed only when the component has two objects of that kind and name.
    pub namespace: Option<Sp<String>>,
}

/// Opt-outs of the platform extras maasc adds to every OpenShift AI cluster.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformExtrasInput {
    /// The partial `OdhDashboardConfig` (`platform/dashboard`).
    pub dashboard: Option<ExtraSwitchInput>,
    /// One `HardwareProfile` per machine pool (`platform/hardware-profiles`).
    pub hardware_profiles: Option<ExtraSwitchInput>,
}

/// Whether maasc emits a platform extra.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExtraSwitchInput {
    /// `false` leaves it out (default `true`).
    pub enabled: bool,
}

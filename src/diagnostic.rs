//! Diagnostics: every problem maasc finds in its input, with a stable code,
//! the place it was found, the offending line and a hint saying what to do.
//!
//! Checks push [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! returning early, so one run reports every problem at once.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// Stable diagnostic codes. A code is never reused for another meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `E012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A one-line description: README's table of codes is made of
            /// these ([`Code::markdown_table`], tested to be current).
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    Io = "E001", "the input file cannot be read (exit 2)";
    Syntax = "E002", "the input is not well-formed YAML";
    Budget = "E003", "size (16 MiB), depth (64) or alias budget exceeded";
    WrongType = "E004", "a value has the wrong type or an unknown variant";
    UnknownField = "E005", "unknown field";
    MissingField = "E006", "missing required field (or an empty file)";
    WrongKind = "E007", "apiVersion/kind is not `maas.opendatahub.io/v1alpha1` `MaaSPlatform`";
    InvalidName = "E010", "a name is not a DNS-1123 label (users/groups: OpenShift name rules)";
    DuplicateName = "E011", "a name or mapping key is defined twice";
    UnknownReference = "E012", "a reference (tier, cluster, pool, user, override) is not defined; with did-you-mean";
    InvalidDuration = "E013", "a duration is not `<int><s|m|h|d>`";
    InvalidQuantity = "E014", "not a Kubernetes quantity";
    UnknownInstanceType = "E015", "unknown instance type";
    GpusExceedNode = "E016", "a model asks for more GPUs than one node of its pool has";
    ModelTooLarge = "E017", "fp16 weights per GPU (÷ tensor × pipeline) plus 20% headroom do not fit `gpuMemoryUtilization` × GPU memory";
    PlaintextPassword = "E018", "an htpasswd entry is not bcrypt (the secret is never printed)";
    MissingCloudField = "E019", "aws machine pools need `infrastructureID`, `amiID` and `region`";
    EmptyTiers = "E020", "a model lists no tiers (an empty list would open it to every tier)";
    UndefinedGroup = "E021", "a tier names a group that is neither defined, `system:`, nor external";
    UnsupportedWindow = "E022", "a window the chosen MaaS API cannot express (`500d` in a MaaSSubscription)";
    AmbiguousTier = "E023", "a user reaches two tiers of the same level";
    InvalidHtpasswd = "E024", "the htpasswd file is malformed or unreadable";
    PoolMismatch = "E025", "a model's GPUs do not match its runtime or pool";
    InvalidValue = "E026", "a value out of range or contradicting another";
    ModelNotDeployed = "E027", "a model is deployed on no cluster";
    IdentitySource = "E028", "htpasswd needs exactly one of `file` and `existingSecret`";
    InvalidParameters = "E029", "a parameter count is not like `0.6B`, `8B`, `125M`";
    InlineProviderSecret = "E030", "an identity provider holds a secret value inline (secrets and ConfigMaps only by reference: `{name: …}` in openshift-config)";
    UnknownVersion = "E040", "an OpenShift AI version maasc does not know (known: 3.0, 3.2, 3.3, 3.4, 3.5; there is no 3.1)";
    VersionContradiction = "E041", "`maas.api` does not match the cluster's OpenShift AI version (tiers 3.0–3.3, subscriptions 3.4+, tenants 3.5)";
    ChannelLeavesVersion = "E042", "an operator channel that can leave the pinned version (or RHCL release) with Automatic approval";
    ManualWithoutCsv = "E043", "`installPlanApproval: Manual` without `startingCSV`: nothing approves the InstallPlan, the wave stalls";
    CsvNotForVersion = "E044", "a `startingCSV` of another OpenShift AI version, or an RHCL release the MaaS era cannot use (1.4.0, too old)";
    VersionSkip = "E045", "a cluster's OpenShift AI version moves down or skips a minor against the generated tree (OLM: one minor at a time; `--allow-version-skip`)";
    ParallelismMismatch = "E050", "a model's tensor × pipeline parallelism is not its GPUs per replica, or pipeline and data parallelism are combined";
    MultiNodeNeedsLws = "E051", "a model spread over several nodes needs the LeaderWorkerSet operator, which the cluster disables";
    InlineSecret = "E052", "a token value written in maas.yaml (reference a Secret; the value is never printed)";
    ResourcesExceedNode = "E053", "a model's CPU or memory (requested, or needed to load its weights) exceeds one node of its pool";
    ExternalModelSource = "E060", "a model needs exactly one of `uri` and `external`; an external model takes no serving field";
    ExternalModelEra = "E061", "an external model on a tier-era cluster (ExternalModel needs the subscription era, RHOAI 3.4+)";
    DatabaseSecret = "E062", "`maas.database.existingSecret` is not a Secret maas-api reads (`maas-db-config`)";
    ApiKeysEra = "E063", "`apiKeys` on a tier-era cluster (API keys exist from RHOAI 3.4), or `maxExpirationDays` of 0";
    DatabaseSource = "E064", "`maas.database` needs exactly one of `existingSecret` and `inCluster`";
    InClusterDatabase = "E065", "`maas.database.inCluster` is not what a CloudNativePG Cluster takes (`storage` a Kubernetes quantity above zero, `storageClass` a DNS subdomain, `instances` at least 1)";
    TenantEra = "E066", "a model of an additional tenant (`tenant:`) on a cluster before RHOAI 3.5 (AITenants exist from 3.5), or an external one (external models belong to the default tenant)";
    TenantDefinition = "E067", "an additional tenant (`maas.tenants`) is not what RHOAI 3.5 takes: its name (a DNS label of at most 41 characters, not `models-as-a-service`), or its Gateway (in `openshift-ingress`, its own: not the default one, not another tenant's, not another's hostname)";
    TenantNamespace = "E068", "a model in a namespace maas-controller owns on RHOAI 3.5 (`ai-tenants`, `ai-tenant-<name>`): models live in namespaces of their own";
    Oidc = "E070", "`maas.oidc` is not what the eras' CRDs take (`issuerUrl` https://, `clientId` without whitespace, within the CRDs' lengths, `ttl` at least 30, claims as plain names)";
    ScaleToZero = "E075", "a model's `scaling.minReplicas` is 0: no OpenShift AI version scales an LLMInferenceService to zero (`minReplicas` ≥ 1)";
    AutoscalingNeedsVersion = "E076", "a model autoscales (`minReplicas` < `maxReplicas`) on a cluster before OpenShift AI 3.4, whose LLMInferenceService has no `spec.scaling`";
    ScalingExceedsPool = "E077", "a model's `scaling.minReplicas` replicas need more GPUs than its pool can ever have (max nodes × GPUs per node)";
    AutoscalingNeedsKeda = "E078", "a model autoscales on a cluster that disables the Custom Metrics Autoscaler operator (KEDA), which its ScaledObject needs";
    ReservedComponentName = "E080", "an extra component's name is reserved for generated Applications (`operators-…`, `instances-…`, `platform-…`, `models-…`, `root`)";
    PatchTargetNotFound = "E081", "a patch names a component the cluster does not generate, or its target matches no object of it; with did-you-mean";
    ExtraComponentSource = "E082", "an extra component's or patch file's source is wrong: needs `path` or `repoURL` (https) with `targetRevision`; a path must be a folder (or file) inside the repository, relative, without `..`";
    InvalidPatch = "E083", "a patch is not a strategic merge patch (a mapping) or JSON 6902 operations, changes its target's identity, or no longer applies";
    SecretPatch = "E084", "a patch writes `data` or `stringData` of a Secret (never secret values in Git)";
    AlertThreshold = "E085", "an observability alert threshold out of range (`rejectionPercent` not 1–100)";
    ClusterMonitoringConfig = "E086", "`clusterMonitoringConfig` without `manageClusterMonitoringConfig: true`, not a mapping, or setting `enableUserWorkload` (maasc sets it)";
    ApiCannotExpress = "W101", "the subscription era cannot express part of a tier (request limits; no token limit)";
    PoolNotProvisioned = "W102", "machine pools on non-aws platforms are not provisioned by maasc";
    GatewayNotServed = "W103", "a subscription-era cluster with a Gateway other than `maas-default-gateway` in `openshift-ingress`, the one the operator-deployed maas-controller serves";
    ProvidersReplaced = "W104", "a cluster's OAuth lists only htpasswd while tiers name external groups: ArgoCD replaces the whole identityProviders list, the cluster's other providers disappear";
    DatabaseUnstated = "W105", "a subscription-era cluster, and maas.yaml does not say where maas-api's database Secret `maas-db-config` comes from";
    InClusterDatabaseUnused = "W106", "`maas.database.inCluster` is set but no cluster is in the subscription era (RHOAI 3.4+): no database is deployed";
    VersionNotNamed = "W110", "a cluster names no OpenShift AI version: maasc derives one from `maas.api` (tiers 3.3, subscriptions 3.4) or assumes 3.3";
    ContextTooLong = "W120", "the context length a model asks for (`maxModelLen`) leaves its KV cache too small for one full sequence";
    TenantUnused = "W130", "`maas.tenant` or `maas.tenants` is set but no cluster runs RHOAI 3.5 (the tenant era): it has no effect";
    OidcNotApplied = "W131", "`maas.oidc` is set but a RHOAI 3.3 cluster cannot take it: its operator owns maas-api's AuthPolicy and its ModelsAsService has no OIDC setting";
    AutoscalingPrerequisites = "W135", "an autoscaled model on a cluster where maasc does not turn on user-workload monitoring (it owns no `cluster-monitoring-config`): the autoscaler reads vLLM's metrics from Thanos, which has them only with it";
    ScalingMaxExceedsPool = "W136", "a model's `scaling.maxReplicas` replicas need more GPUs than its pool can ever have: the extra replicas stay Pending";
    UnpinnedRevision = "W140", "a remote extra component follows a branch (`main`, `HEAD`, …), not a tag or commit: what it deploys changes without a commit here";
    GrafanaOperatorNeeded = "W145", "`dashboards: grafana`: GrafanaDashboard objects need the Grafana operator and a Grafana instance, which maasc does not install";
    DcgmNotScraped = "W146", "observability on a ROSA/ARO GPU cluster: the DCGM ServiceMonitor stays off there, so the GPU dashboard has data only if the platform scrapes DCGM";
    PersesOperatorNeeded = "W147", "`dashboards: perses`: PersesDashboard objects need the Cluster Observability Operator's Perses and a Prometheus data source, which maasc does not install";
}

impl Code {
    /// README's table of diagnostic codes, one row per code.
    pub fn markdown_table() -> String {
        let mut out = String::from("| code | meaning |\n|---|---|\n");
        for code in Code::ALL {
            let _ = writeln!(out, "| {code} | {} |", code.title());
        }
        out
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place a diagnostic points at besides its primary one, with what it is
/// (`first defined here`): rendered under its line with `-` instead of `^`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: PathBuf,
    pub span: Span,
    pub message: String,
}

/// A diagnostic's labels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// What the primary location is, printed beside its carets.
    pub primary: Option<String>,
    /// Other locations that explain it, e.g. a name's first definition.
    pub secondary: Vec<Label>,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// The primary location: where the problem is.
    pub file: PathBuf,
    pub span: Span,
    /// What the primary location is and other locations that explain it
    /// (boxed: most diagnostics have none).
    pub labels: Option<Box<Labels>>,
    pub hint: Option<String>,
    /// The offending line holds a secret: quote it only up to `name:`.
    pub redact: bool,
}

impl Diagnostic {
    pub fn error(code: Code, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span,
            labels: None,
            hint: None,
            redact: false,
        }
    }

    pub fn warning(code: Code, file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Says what the primary location is (`defined again here`).
    pub(crate) fn with_label(mut self, label: impl Into<String>) -> Self {
        self.labels.get_or_insert_default().primary = Some(label.into());
        self
    }

    /// Adds a secondary location (`first defined here`).
    pub(crate) fn with_secondary(
        mut self,
        file: &Path,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.get_or_insert_default().secondary.push(Label {
            file: file.to_path_buf(),
            span,
            message: message.into(),
        });
        self
    }

    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, or just `file` when the position is unknown.
    pub(crate) fn location(&self) -> String {
        if self.span.is_known() {
            format!(
                "{}:{}:{}",
                self.file.display(),
                self.span.line,
                self.span.column
            )
        } else {
            self.file.display().to_string()
        }
    }

    /// Renders the diagnostic like rustc does: header, location, quoted
    /// lines with carets under the offending token (`-` under secondary
    /// locations, each with its label), and the hint.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{level}[{}]: {}", self.code, self.message);
        let _ = writeln!(out, "  --> {}", self.location());
        // The primary file's marks in line order, then each other file's.
        let primary = Mark {
            span: self.span,
            underline: '^',
            label: self.labels.as_ref().and_then(|l| l.primary.as_deref()),
        };
        let mut here = vec![primary];
        let mut elsewhere: Vec<(&Path, Mark)> = Vec::new();
        for l in self.labels.iter().flat_map(|l| &l.secondary) {
            let mark = Mark {
                span: l.span,
                underline: '-',
                label: Some(&l.message),
            };
            if l.file == self.file {
                here.push(mark);
            } else {
                elsewhere.push((&l.file, mark));
            }
        }
        here.sort_by_key(|m| m.span.line);
        let width = here
            .iter()
            .chain(elsewhere.iter().map(|(_, m)| m))
            .map(|m| m.span.line.to_string().len())
            .max()
            .unwrap_or(1);
        let pad = " ".repeat(width);
        let quote = |out: &mut String, file: &Path, marks: &[Mark]| {
            let Some(source) = sources.get(file) else {
                return;
            };
            let mut previous: Option<u32> = None;
            for mark in marks {
                let Some(line) = source.line(mark.span.line) else {
                    continue;
                };
                match previous {
                    None => {
                        let _ = writeln!(out, "{pad} |");
                    }
                    Some(p) if mark.span.line > p + 1 => {
                        let _ = writeln!(out, "...");
                    }
                    Some(_) => {}
                }
                previous = Some(mark.span.line);
                mark.quote(out, line, self.redact, width);
            }
        };
        quote(&mut out, &self.file, &here);
        for (file, mark) in &elsewhere {
            let at = if mark.span.is_known() {
                format!("{}:{}:{}", file.display(), mark.span.line, mark.span.column)
            } else {
                file.display().to_string()
            };
            let _ = writeln!(out, "  ::: {at}");
            quote(&mut out, file, std::slice::from_ref(mark));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// One underlined place in a quoted line.
struct Mark<'a> {
    span: Span,
    underline: char,
    label: Option<&'a str>,
}

impl Mark<'_> {
    /// The line, numbered, and the underline (with its label) beneath it.
    fn quote(&self, out: &mut String, line: &str, redact: bool, width: usize) {
        let line = if redact {
            redact_line(line)
        } else {
            line.to_string()
        };
        let col = self.span.column.max(1) as usize;
        let len =
            (self.span.len as usize).clamp(1, line.chars().count().saturating_sub(col - 1).max(1));
        let pad = " ".repeat(width);
        let underline = self.underline.to_string().repeat(len);
        let label = self.label.map(|l| format!(" {l}")).unwrap_or_default();
        let _ = writeln!(out, "{:>width$} | {line}", self.span.line);
        let _ = writeln!(out, "{pad} | {}{underline}{label}", " ".repeat(col - 1));
    }
}

/// Keeps an htpasswd line's user name and hides everything after it.
fn redact_line(line: &str) -> String {
    match line.split_once(':') {
        // Only a real user name (or YAML key) is kept: a first field that is
        // none may be a secret itself.
        Some((user, _)) if crate::model::check_openshift_name(user.trim_start()).is_ok() => {
            format!("{user}:<redacted>")
        }
        Some(_) => "<redacted>".to_string(),
        None => "<redacted>".to_string(),
    }
}

/// The input files a run read, by path, so diagnostics can quote them.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: BTreeMap<PathBuf, SourceFile>,
}

impl SourceMap {
    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.path.clone(), file);
    }

    pub fn get(&self, path: &Path) -> Option<&SourceFile> {
        self.files.get(path)
    }
}

/// Everything a run found, in the order found; sorted before printing.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub(crate) fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// In file order, then by code, so output does not depend on check order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| {
            (&a.file, a.span.line, a.span.column, a.code, &a.message).cmp(&(
                &b.file,
                b.span.line,
                b.span.column,
                b.code,
                &b.message,
            ))
        });
        items.dedup();
        items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// All diagnostics, rendered, followed by a summary line.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render(sources));
            out.push('\n');
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors > 0 {
            let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
        } else if warnings > 0 {
            let _ = writeln!(out, "{warnings} warning(s)");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_table_of_codes_is_the_one_the_code_makes() {
        let readme = include_str!("../README.md");
        let start = readme
            .find("| code | meaning |")
            .expect("README.md has a table of diagnostic codes");
        let table: String = readme[start..]
            .lines()
            .take_while(|l| l.starts_with('|'))
            .map(|l| format!("{l}\n"))
            .collect();
        let expected = Code::markdown_table();
        assert!(
            table == expected,
            "README.md's table of diagnostic codes is stale; replace it with:\n{expected}"
        );
    }

    #[test]
    fn secondary_labels_quote_their_lines_in_order() {
        let file = Path::new("m.yaml");
        let mut sources = SourceMap::default();
        sources.insert(SourceFile::new(file, "a: x\nb: y\nc: z\nd: x\n"));
        let span = |line| Span {
            line,
            column: 4,
            len: 1,
        };
        let d = Diagnostic::error(Code::DuplicateName, file, span(4), "`x` twice")
            .with_label("defined again here")
            .with_secondary(file, span(1), "first defined here");
        assert_eq!(
            d.render(&sources),
            "error[E011]: `x` twice\n  --> m.yaml:4:4\n  |\n1 | a: x\n  |    - first defined here\n...\n4 | d: x\n  |    ^ defined again here\n"
        );
    }

    #[test]
    fn a_secondary_label_in_another_file_gets_its_own_location() {
        let (yaml, other) = (Path::new("m.yaml"), Path::new("u.htpasswd"));
        let mut sources = SourceMap::default();
        sources.insert(SourceFile::new(yaml, "file: u.htpasswd\n"));
        sources.insert(SourceFile::new(other, "bob:x\n"));
        let at = |line, column, len| Span { line, column, len };
        let d = Diagnostic::error(Code::UnknownReference, yaml, at(1, 7, 10), "no alice")
            .with_secondary(other, at(1, 1, 3), "the users are listed here");
        assert_eq!(
            d.render(&sources),
            "error[E012]: no alice\n  --> m.yaml:1:7\n  |\n1 | file: u.htpasswd\n  |       ^^^^^^^^^^\n  ::: u.htpasswd:1:1\n  |\n1 | bob:x\n  | --- the users are listed here\n"
        );
    }
}

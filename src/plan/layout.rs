//! Lays components out as files: shared bases, per-cluster overlays, the
//! Applications, and the bootstrap folder with the root Application.

use std::collections::{BTreeMap, BTreeSet};

use super::components::Component;
use super::objects::{
    self as o, CASCADE_FINALIZER, Kustomization, PlannedObject, SKIP_DRY_RUN, StringMap,
};
use super::{Plan, PlannedContent, PlannedFile, TreeLocation};
use crate::model::{Cluster, Platform};

/// Label of a cluster's root Application: the OpenShift AI version of the cluster.
pub const VERSION_LABEL: &str = "maas.opendatahub.io/openshift-ai-version";

/// The in-cluster API server as ArgoCD names it.
pub(super) const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// Lua health check that makes ArgoCD assess child Applications, so sync
/// waves between them really wait (gotcha 24).
const APPLICATION_HEALTH_LUA: &str = "hs = {}\nhs.status = \"Progressing\"\nhs.message = \"\"\nif obj.status ~= nil and obj.status.health ~= nil then\n  hs.status = obj.status.health.status\n  if obj.status.health.message ~= nil then\n    hs.message = obj.status.health.message\n  end\nend\nreturn hs\n";

/// One component folder's objects on each cluster, by file name.
type ObjectsByCluster<'a> = BTreeMap<&'a str, Vec<(String, &'a PlannedObject)>>;

/// `<kind>-<name>.yaml`, with the namespace when two objects of one folder
/// share kind and name.
pub(super) fn file_names(objects: &[PlannedObject]) -> Vec<String> {
    let base = |o: &PlannedObject| format!("{}-{}", o.kind.to_ascii_lowercase(), o.name);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for o in objects {
        *counts.entry(base(o)).or_default() += 1;
    }
    objects
        .iter()
        .map(|o| match (&o.namespace, counts[&base(o)] > 1) {
            (Some(ns), true) => format!("{}-{}-{}.yaml", o.kind.to_ascii_lowercase(), ns, o.name),
            _ => format!("{}.yaml", base(o)),
        })
        .collect()
}

fn push_object(files: &mut Vec<PlannedFile>, path: String, object: PlannedObject) {
    files.push(PlannedFile {
        path,
        content: PlannedContent::Object(object),
    });
}

fn push_kustomization(files: &mut Vec<PlannedFile>, dir: &str, resources: Vec<String>) {
    push_patched_kustomization(files, dir, resources, Vec::new());
}

fn push_patched_kustomization(
    files: &mut Vec<PlannedFile>,
    dir: &str,
    resources: Vec<String>,
    patches: Vec<o::KustomizePatch>,
) {
    files.push(PlannedFile {
        path: format!("{dir}/kustomization.yaml"),
        content: PlannedContent::Kustomization(Kustomization { resources, patches }),
    });
}

pub(super) fn lay_out(
    platform: &Platform,
    location: &TreeLocation,
    per_cluster: &[(&Cluster, Vec<Component>)],
) -> Plan {
    let mut files = Vec::new();
    // dir → cluster → named objects
    let mut by_dir: BTreeMap<&str, ObjectsByCluster<'_>> = BTreeMap::new();
    for (cluster, components) in per_cluster {
        for c in components {
            let names = file_names(&c.objects);
            by_dir.entry(c.dir.as_str()).or_default().insert(
                cluster.name.as_str(),
                names.into_iter().zip(&c.objects).collect(),
            );
        }
    }
    for (dir, clusters) in &by_dir {
        let shared = shared_files(clusters);
        let base_dir = format!("base/{dir}");
        // Shared files are on every cluster: take them from the first.
        if let Some((_, first)) = clusters.iter().next().filter(|_| !shared.is_empty()) {
            for (name, object) in first.iter().filter(|(n, _)| shared.contains(n)) {
                push_object(&mut files, format!("{base_dir}/{name}"), (*object).clone());
            }
            push_kustomization(&mut files, &base_dir, shared.iter().cloned().collect());
        }
        for (cluster, objects) in clusters {
            let overlay = format!("{cluster}/{dir}");
            let mut resources = Vec::new();
            if !shared.is_empty() {
                let up = "../".repeat(1 + dir.split('/').count());
                resources.push(format!("{up}{base_dir}"));
            }
            for (name, object) in objects.iter().filter(|(n, _)| !shared.contains(n)) {
                push_object(&mut files, format!("{overlay}/{name}"), (*object).clone());
                resources.push(name.clone());
            }
            // The cluster's own patches to the component (the escape hatch).
            let patches = per_cluster
                .iter()
                .find(|(c, _)| c.name.as_str() == *cluster)
                .map(|(c, _)| {
                    super::extras::kustomize_patches(c, dir, objects.iter().map(|(_, o)| *o))
                })
                .unwrap_or_default();
            push_patched_kustomization(&mut files, &overlay, resources, patches);
        }
    }
    for (cluster, components) in per_cluster {
        applications(platform, location, cluster, components, &mut files);
        bootstrap(platform, location, cluster, &mut files);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Plan {
        files,
        source: location.source.clone(),
    }
}

/// File names whose object is the same on every cluster that has the folder.
fn shared_files(clusters: &ObjectsByCluster<'_>) -> BTreeSet<String> {
    let mut iter = clusters.values();
    let Some(first) = iter.next() else {
        return BTreeSet::new();
    };
    let mut shared: BTreeMap<&String, &PlannedObject> =
        first.iter().map(|(n, o)| (n, *o)).collect();
    for objects in iter {
        shared.retain(|name, object| objects.iter().any(|(n, o)| n == *name && o == object));
    }
    shared.into_keys().cloned().collect()
}

fn app_name(cluster: &Cluster, dir: &str) -> String {
    format!("{}-{}", cluster.name, dir.replace('/', "-"))
}

pub(super) fn application_values(
    platform: &Platform,
    path: String,
    server: &str,
    namespace: Option<&str>,
    wave: i32,
    sync_options: Vec<&str>,
    cluster: &Cluster,
) -> o::Application {
    let labels = [
        ("app.kubernetes.io/managed-by", "maasc"),
        ("app.kubernetes.io/part-of", platform.name.as_str()),
        ("maas.opendatahub.io/cluster", cluster.name.as_str()),
    ];
    o::Application {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        wave: wave.to_string(),
        project: platform.gitops.project.clone(),
        repo_url: platform.gitops.repo_url.clone(),
        target_revision: platform.gitops.target_revision.clone(),
        path,
        server: server.to_string(),
        destination_namespace: namespace.map(str::to_string),
        sync_options: sync_options.into_iter().map(str::to_string).collect(),
        finalizers: Vec::new(),
        annotations: StringMap::new(),
    }
}

fn applications(
    platform: &Platform,
    location: &TreeLocation,
    cluster: &Cluster,
    components: &[Component],
    files: &mut Vec<PlannedFile>,
) {
    let argocd_ns = platform.gitops.argocd_namespace.as_str();
    let apps_dir = format!("{}/apps", cluster.name);
    let mut resources = Vec::new();
    for c in components {
        let mut options = Vec::new();
        if !c.dir.starts_with("operators/") {
            options.push(SKIP_DRY_RUN);
        }
        if c.server_side_apply {
            options.push("ServerSideApply=true");
        }
        if c.create_namespace {
            options.push("CreateNamespace=true");
        }
        let name = app_name(cluster, &c.dir);
        let path = location.repo_path_of(&format!("{}/{}", cluster.name, c.dir));
        let mut values = application_values(
            platform,
            path,
            &cluster.server,
            c.namespace.as_deref(),
            c.wave,
            options,
            cluster,
        );
        // Removing a component from maas.yaml removes its Application (the
        // root prunes it) and, through the finalizer, its objects; cluster
        // singletons opt out with `Prune=false,Delete=false`.
        values.finalizers = vec![CASCADE_FINALIZER.to_string()];
        let file = format!("{}.yaml", c.dir.replace('/', "-"));
        push_object(
            files,
            format!("{apps_dir}/{file}"),
            PlannedObject::namespaced(argocd_ns, &name, values),
        );
        resources.push(file);
    }
    // The cluster's own components (the escape hatch), after maasc's.
    for (file, app) in super::extras::applications(platform, location, cluster) {
        push_object(files, format!("{apps_dir}/{file}"), app);
        resources.push(file);
    }
    // The Application health check, synced by the root Application: the
    // ArgoCD instance that runs it exists by then (OpenShift GitOps creates
    // the default `openshift-gitops` one), so maasc never creates a stripped
    // instance; server-side applied, it sets `spec.resourceHealthChecks`
    // and leaves the instance's other settings to their owners.
    let file = format!("argocd-{argocd_ns}.yaml");
    push_object(
        files,
        format!("{apps_dir}/{file}"),
        PlannedObject::namespaced(
            argocd_ns,
            argocd_ns,
            o::ArgoCd {
                annotations: StringMap::from([
                    ("argocd.argoproj.io/sync-wave".to_string(), "-1".to_string()),
                    (o::SYNC_OPTIONS.to_string(), o::CO_OWNED.to_string()),
                ]),
                health_lua: APPLICATION_HEALTH_LUA.to_string(),
                subscription_health_lua: super::approver::SUBSCRIPTION_HEALTH_LUA.to_string(),
            },
        ),
    );
    resources.push(file);
    push_kustomization(files, &apps_dir, resources);
}

fn bootstrap(
    platform: &Platform,
    location: &TreeLocation,
    cluster: &Cluster,
    files: &mut Vec<PlannedFile>,
) {
    let argocd_ns = platform.gitops.argocd_namespace.as_str();
    let dir = format!("{}/bootstrap", cluster.name);
    let gitops_ns = "openshift-gitops-operator";
    let mut servers: BTreeSet<&str> = platform
        .clusters
        .iter()
        .map(|c| c.server.as_str())
        .collect();
    servers.insert(IN_CLUSTER);
    // Sorted by server: the set's order.
    let destinations = servers
        .iter()
        .map(|s| o::Destination {
            server: s.to_string(),
            namespace: "*".to_string(),
        })
        .collect();
    let controller_sa = format!("{argocd_ns}-argocd-application-controller");
    let root_path = location.repo_path_of(&format!("{}/apps", cluster.name));
    let mut root = application_values(
        platform,
        root_path,
        IN_CLUSTER,
        Some(argocd_ns),
        0,
        vec![],
        cluster,
    );
    // The OpenShift AI version the cluster's objects are shaped for, on its
    // root Application: `.ci/run` validates against it, and `generate`,
    // `check` and `validate` compare the next version with it (E045).
    root.labels
        .insert(VERSION_LABEL.to_string(), cluster.version.to_string());
    let objects = vec![
        PlannedObject::cluster(
            gitops_ns,
            o::Namespace {
                labels: StringMap::from([(
                    "openshift.io/cluster-monitoring".to_string(),
                    "true".to_string(),
                )]),
            },
        ),
        PlannedObject::namespaced(gitops_ns, gitops_ns, o::OperatorGroup::default()),
        PlannedObject::namespaced(
            gitops_ns,
            "openshift-gitops-operator",
            o::Subscription {
                channel: "latest".to_string(),
                install_plan_approval: "Automatic".to_string(),
                package: "openshift-gitops-operator".to_string(),
                source: "redhat-operators".to_string(),
                source_namespace: "openshift-marketplace".to_string(),
                starting_csv: None,
                env: Vec::new(),
            },
        ),
        // Gotcha 27: the controller needs cluster-wide rights for
        // namespaces, OAuth, ClusterPolicy, the DSC.
        PlannedObject::cluster(
            &format!("{controller_sa}-cluster-admin"),
            o::ClusterRoleBinding {
                role: "cluster-admin".to_string(),
                subjects: vec![o::Subject::service_account(&controller_sa, argocd_ns)],
            },
        ),
        PlannedObject::namespaced(
            argocd_ns,
            &platform.gitops.project,
            o::AppProject {
                description: format!("maasc platform {}", platform.name),
                repo_url: platform.gitops.repo_url.clone(),
                extra_source_repos: super::extras::source_repos(platform),
                destinations,
            },
        ),
        PlannedObject::namespaced(argocd_ns, &format!("{}-root", cluster.name), root),
    ];
    let names = file_names(&objects);
    for (name, object) in names.iter().zip(objects) {
        push_object(files, format!("{dir}/{name}"), object);
    }
    push_kustomization(files, &dir, names);
}

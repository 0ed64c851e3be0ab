//! Synthetic fleets for benchmarks: a valid maas.yaml (and its htpasswd) of
//! any size, deterministic, with the variety real fleets have: models on
//! some clusters only, per-cluster replica and limit overrides, GPU pools of
//! two kinds, users spread over tier groups.

use std::fmt::Write as _;

/// How big a fleet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FleetSize {
    pub clusters: usize,
    pub models: usize,
    pub tiers: usize,
    pub users: usize,
}

impl FleetSize {
    /// 10 clusters, 50 models, 5 tiers, 200 users.
    pub const MEDIUM: FleetSize = FleetSize {
        clusters: 10,
        models: 50,
        tiers: 5,
        users: 200,
    };
    /// 50 clusters, 200 models, 10 tiers, 1,000 users.
    pub const LARGE: FleetSize = FleetSize {
        clusters: 50,
        models: 200,
        tiers: 10,
        users: 1000,
    };
}

/// One bcrypt hash (cost 5), computed once when this module was written and
/// shared by every synthetic user: hashing at run time would dominate.
const PRECOMPUTED_BCRYPT: &str = "$2y$05$lpy.lsK/hM/VK68kjDOj/uAwTjoh.uWnozKFEc1mkf6oGxEtxc8Te";

/// The htpasswd file of the fleet's users (`user-0000` …).
pub fn htpasswd(size: FleetSize) -> String {
    let mut out = String::with_capacity(size.users * 72);
    for u in 0..size.users {
        let _ = writeln!(out, "user-{u:04}:{PRECOMPUTED_BCRYPT}");
    }
    out
}

/// The fleet's maas.yaml; `htpasswd_file` is the name it refers to.
pub fn maas_yaml(size: FleetSize, htpasswd_file: &str) -> String {
    let mut y = String::new();
    let _ = write!(
        y,
        "apiVersion: maas.opendatahub.io/v1alpha1\nkind: MaaSPlatform\nmetadata:\n  name: synthetic-fleet\nspec:\n  gitops:\n    repoURL: https://git.example.com/fleet.git\n    targetRevision: main\n    path: clusters\n  operators:\n    openshiftAI: {{version: \"3.3\"}}\n  clusters:\n"
    );
    for c in 0..size.clusters {
        cluster(&mut y, c, size);
    }
    y.push_str("  tiers:\n");
    for t in 0..size.tiers {
        let _ = write!(
            y,
            "    - name: tier-{t}\n      level: {}\n      groups: [group-{t}]\n      limits:\n        requests: {{limit: {}, window: 1m}}\n        tokens: {{limit: {}, window: 1h}}\n",
            (t + 1) * 10,
            10 * (t + 1),
            100_000 * (t + 1)
        );
    }
    let _ = write!(
        y,
        "  identity:\n    htpasswd:\n      file: {htpasswd_file}\n    groups:\n"
    );
    for t in 0..size.tiers {
        let members: Vec<String> = (0..size.users)
            .filter(|u| u % size.tiers == t)
            .map(|u| format!("user-{u:04}"))
            .collect();
        let _ = writeln!(
            y,
            "      - name: group-{t}\n        users: [{}]",
            members.join(", ")
        );
    }
    let _ = writeln!(y, "    clusterAdmins: [user-0000]");
    y.push_str("  models:\n");
    for m in 0..size.models {
        model(&mut y, m, size);
    }
    y
}

fn cluster(y: &mut String, c: usize, size: FleetSize) {
    let _ = write!(
        y,
        "    - name: c{c:02}\n      environment: {}\n      baseDomain: apps.c{c:02}.example.com\n      platform: {{type: aws, region: us-east-1, infrastructureID: c{c:02}-x7k2p, amiID: ami-0123456789abcdef0}}\n      machinePools:\n        - {{name: t4, instanceType: g4dn.2xlarge, zones: [us-east-1a, us-east-1b], autoscale: {{min: 1, max: {}}}}}\n        - {{name: a10g, instanceType: g5.12xlarge, zones: [us-east-1a], autoscale: {{min: 0, max: {}}}}}\n",
        if c.is_multiple_of(5) { "prod" } else { "dev" },
        2 + c % 4,
        1 + c % 3
    );
    // Every third cluster tunes something, so overlays are not all empty.
    if c.is_multiple_of(3) {
        let _ = write!(
            y,
            "      overrides:\n        models:\n          model-{:03}: {{replicas: 2}}\n        tiers:\n          tier-0:\n            limits:\n              tokens: {{limit: {}, window: 1h}}\n",
            c % size.models,
            50_000 + c * 1000
        );
    }
}

fn model(y: &mut String, m: usize, size: FleetSize) {
    let big = m.is_multiple_of(4);
    let (params, pool) = if big { ("7B", "a10g") } else { ("1B", "t4") };
    // A model serves the tiers from its index up: tier-0 reaches the fewest.
    let tiers: Vec<String> = (m % size.tiers..size.tiers)
        .map(|t| format!("tier-{t}"))
        .collect();
    let _ = write!(
        y,
        "    - {{name: model-{m:03}, namespace: team-{}, uri: \"hf://org/model-{m:03}\", modelName: org/model-{m:03}, parameters: {params}, gpus: 1, pool: {pool}, tiers: [{}]",
        m % 10,
        tiers.join(", ")
    );
    // Two thirds of the models run on a window of half the clusters only.
    if !m.is_multiple_of(3) && size.clusters > 1 {
        let clusters: Vec<String> = (0..size.clusters.div_ceil(2))
            .map(|i| format!("c{:02}", (m + i) % size.clusters))
            .collect();
        let _ = write!(y, ", clusters: [{}]", clusters.join(", "));
    }
    y.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_medium_fleet_is_valid_maas_yaml() {
        let dir = std::env::temp_dir().join(format!("maasc-synth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("users.htpasswd"), htpasswd(FleetSize::MEDIUM)).unwrap();
        let path = dir.join("maas.yaml");
        let text = maas_yaml(FleetSize::MEDIUM, "users.htpasswd");
        let loaded = crate::load_text(&path, text, None);
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = loaded.unwrap_or_else(|e| panic!("{}", e.render()));
        assert!(
            loaded.diagnostics.is_empty(),
            "{}",
            loaded.diagnostics.render(&loaded.sources)
        );
        let p = &loaded.platform;
        assert_eq!(
            (p.clusters.len(), p.models.len(), p.tiers.len()),
            (10, 50, 5)
        );
        let users: usize = p.identity.groups.iter().map(|g| g.users.len()).sum();
        assert_eq!(users, 200);
    }
}

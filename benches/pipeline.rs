//! Each pipeline stage alone, at three sizes: the ocpai3-aws example, a
//! medium fleet (10 clusters, 50 models, 5 tiers, 200 users) and a large one
//! (50 × 200 × 10 × 1,000), both from `maasc::synthetic`.
//!
//! Run: `cargo bench --bench pipeline`. Whole-process ratios (generate vs a
//! plain copy, no-op, check, RSS, render vs kubectl kustomize, krm p50) are
//! in `benches/whole_process.py`; results in BENCHMARKS.md.

use std::path::{Path, PathBuf};

use divan::Bencher;
use maasc::synthetic::{FleetSize, htpasswd, maas_yaml};

fn main() {
    divan::main();
}

const SIZES: &[&str] = &["ocpai3-aws", "medium", "large"];

/// A maas.yaml of `size` in a temporary folder (kept alive by the guard).
fn input(size: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let fleet = match size {
        "medium" => FleetSize::MEDIUM,
        "large" => FleetSize::LARGE,
        _ => {
            let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ocpai3-aws");
            for f in ["maas.yaml", "users.htpasswd"] {
                std::fs::copy(example.join(f), dir.path().join(f)).unwrap();
            }
            let path = dir.path().join("maas.yaml");
            return (dir, path);
        }
    };
    std::fs::write(dir.path().join("users.htpasswd"), htpasswd(fleet)).unwrap();
    std::fs::write(
        dir.path().join("maas.yaml"),
        maas_yaml(fleet, "users.htpasswd"),
    )
    .unwrap();
    let path = dir.path().join("maas.yaml");
    (dir, path)
}

fn load(path: &Path) -> maasc::Loaded {
    maasc::load(path).unwrap_or_else(|e| panic!("{}", e.render()))
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn parse_and_check(b: Bencher, size: &str) {
    let (_guard, path) = input(size);
    b.bench(|| load(&path));
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn plan(b: Bencher, size: &str) {
    let (_guard, path) = input(size);
    let loaded = load(&path);
    b.bench(|| maasc::plan::plan(&loaded.platform, &loaded.spec_location()));
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn render(b: Bencher, size: &str) {
    let (_guard, path) = input(size);
    let loaded = load(&path);
    let plan = maasc::plan::plan(&loaded.platform, &loaded.spec_location());
    let renderer = maasc::render::Renderer::new(None).unwrap();
    b.bench(|| renderer.render(&plan).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn emit_into_empty_folder(b: Bencher, size: &str) {
    let (guard, path) = input(size);
    let files = maasc::build_tree(&load(&path), None).unwrap();
    b.with_inputs(|| tempfile::tempdir_in(guard.path()).unwrap())
        .bench_values(|out| {
            maasc::emit::write_tree(&out.path().join("clusters"), &files).unwrap();
            out
        });
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn emit_noop(b: Bencher, size: &str) {
    let (guard, path) = input(size);
    let files = maasc::build_tree(&load(&path), None).unwrap();
    let out = guard.path().join("clusters");
    maasc::emit::write_tree(&out, &files).unwrap();
    b.bench(|| {
        let changes = maasc::emit::write_tree(&out, &files).unwrap();
        assert!(changes.is_empty());
    });
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn render_one_cluster_stream(b: Bencher, size: &str) {
    let (_guard, path) = input(size);
    let loaded = load(&path);
    let cluster = loaded.platform.clusters[0].name.to_string();
    b.bench(|| loaded.cluster_stream(None, &cluster, None, false).unwrap());
}

/// `maasc krm` without the process, as `benches/whole_process.py` feeds it:
/// a JSON ResourceList whose functionConfig (also its only item) is the
/// maas.yaml, the htpasswd inline, the first cluster selected.
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn krm_resource_list(b: Bencher, size: &str) {
    let (guard, path) = input(size);
    let loaded = load(&path);
    let mut config: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["metadata"]["annotations"] = serde_json::json!({
        "maasc.io/htpasswd": std::fs::read_to_string(guard.path().join("users.htpasswd")).unwrap(),
        "maasc.io/cluster": loaded.platform.clusters[0].name.to_string(),
    });
    let list = serde_json::json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [config.clone()],
        "functionConfig": config,
    })
    .to_string();
    b.bench(|| {
        let (_, stderr, failed) = maasc::test_hooks::krm(&list, guard.path());
        assert!(!failed, "{stderr}");
    });
}

/// Reading the ocpai3-aws cluster's 60 rendered objects back as data (what
/// `krm` and `render --sync-waves` do): `render::read`, the reader of the
/// templates' YAML subset, against the general parser it replaced.
#[divan::bench(args = ["render::read", "serde-saphyr"], sample_count = 50, sample_size = 1)]
fn read_back_one_cluster(b: Bencher, reader: &str) {
    let (_guard, path) = input("ocpai3-aws");
    let loaded = load(&path);
    let cluster = loaded.platform.clusters[0].name.to_string();
    let objects = loaded.cluster_objects(None, &cluster).unwrap();
    b.bench(|| {
        for o in &objects {
            let value: serde_json::Value = match reader {
                "render::read" => maasc::render::read::document(&o.text).unwrap(),
                _ => serde_saphyr::from_str(&o.text).unwrap(),
            };
            divan::black_box(value);
        }
    });
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use maasc::render::RenderedFile;

pub const EXAMPLES: &[&str] = &["ocpai3-aws", "dev-prod", "minimal", "migration"];

pub fn example_path(name: &str) -> PathBuf {
    PathBuf::from("examples").join(name).join("maas.yaml")
}

pub fn load(path: &Path) -> maasc::Loaded {
    maasc::load(path)
        .unwrap_or_else(|e| panic!("{} does not load:\n{}", path.display(), e.render()))
}

pub fn build(path: &Path) -> Vec<RenderedFile> {
    maasc::build_tree(&load(path), None).expect("renders")
}

/// Generates `example` into a fresh temporary folder.
pub fn generate_into_temp(example: &str) -> (tempfile::TempDir, PathBuf, Vec<RenderedFile>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("clusters");
    let files = build(&example_path(example));
    maasc::emit::write_tree(&out, &files, Default::default()).unwrap();
    (tmp, out, files)
}

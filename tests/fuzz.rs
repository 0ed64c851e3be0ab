//! Mutation fuzzing of the whole pipeline, in process: every example
//! maas.yaml, mutated as an attacker would (byte flips, type swaps, unicode,
//! anchors, huge numbers, deleted, duplicated and swapped lines), goes through
//! parse → check → plan → render and through `krm`.
//!
//! For every input: no panic; the exit code `validate` would give is 0, 1 or
//! 2; an input `validate` accepts renders, every file lands at a safe
//! relative path, every object has a valid name and passes its upstream
//! schema; `krm` always answers with a ResourceList.
//!
//! The normal suite runs a short version (5,000 inputs). The long one:
//!
//! ```text
//! cargo test --test fuzz -- --ignored --nocapture
//! MAASC_FUZZ_INPUTS=1000000 MAASC_FUZZ_SEED=7 cargo test --test fuzz -- --ignored --nocapture
//! ```

mod common;

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use common::rng::Rng;
use serde_json::Value;

/// Values an attacker swaps in for a scalar.
const VALUES: &[&str] = &[
    "[]",
    "{}",
    "~",
    "null",
    "true",
    "0",
    "-1",
    "1e400",
    ".nan",
    ".inf",
    "-.inf",
    "99999999999999999999999",
    "18446744073709551616",
    "0x10",
    "''",
    "\"\"",
    "\"2é\"",
    "\"8é\"",
    "é",
    "😀",
    "İ",
    "\"\\u0000\"",
    "'a/../b'",
    "us-east-1a/x",
    "'a b'",
    "..",
    ".",
    "/etc/passwd",
    "/proc/self/environ",
    "'alice:pw'",
    "&anchor x",
    "*anchor",
    "[a, b, a]",
    "{a: 1, a: 2}",
    "\"\u{202e}x\"",
    "'  '",
    "!!binary aGk=",
    "!!str 1",
    "|\n  block",
];

/// Text an attacker inserts anywhere.
const INSERTS: &[&str] = &[
    "é", "😀", "\t", "\u{0}", ":", "- ", "&a ", "*a", "{", "[", "\"", "'", "#", "\n", "  ", "ß",
    "\u{feff}", "\u{202e}", "%", "!", "|", ">",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..=rng.below(3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.below(lines.len());
        match rng.below(10) {
            // Replace one character.
            0 => {
                let chars: Vec<char> = lines[i].chars().collect();
                if !chars.is_empty() {
                    let at = rng.below(chars.len());
                    let mut out: String = chars[..at].iter().collect();
                    let byte = (rng.next() & 0x7f) as u8;
                    out.push(if rng.below(4) == 0 {
                        rng.pick(&['é', '😀', 'İ', '\u{301}', '\u{7f}'])
                    } else {
                        byte as char
                    });
                    out.extend(&chars[at + 1..]);
                    lines[i] = out;
                }
            }
            // Insert text at a character boundary.
            1 => {
                let chars: Vec<char> = lines[i].chars().collect();
                let at = rng.below(chars.len() + 1);
                let mut out: String = chars[..at].iter().collect();
                out.push_str(rng.pick(INSERTS));
                out.extend(&chars[at..]);
                lines[i] = out;
            }
            // Swap the value of a `key: value` line.
            2..=4 => {
                if let Some(colon) = lines[i].find(": ") {
                    let value = rng.pick(VALUES);
                    lines[i] = format!("{}: {value}", &lines[i][..colon]);
                } else if let Some(dash) = lines[i].find("- ") {
                    let value = rng.pick(VALUES);
                    lines[i] = format!("{}- {value}", &lines[i][..dash]);
                }
            }
            // Huge or odd numbers in place of digits.
            5 => {
                let numbers = ["999999999999", "0", "4294967296", "1e400", "-5", "1.5"];
                let n = rng.pick(&numbers);
                let line = &lines[i];
                if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                    let end = line[start..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(line.len(), |e| start + e);
                    lines[i] = format!("{}{n}{}", &line[..start], &line[end..]);
                }
            }
            6 => {
                lines.remove(i);
            }
            7 => {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            8 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            // Truncate the document.
            _ => {
                lines.truncate(i);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Wraps maas.yaml text (mutated) as the functionConfig of a ResourceList.
fn resource_list(maas_yaml: &str) -> String {
    let mut out = String::from(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n",
    );
    for line in maas_yaml.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn is_dns_label(s: &str) -> bool {
    s.len() <= 63 && !s.contains('.') && is_dns_subdomain(s)
}

/// A generated file path: relative, no `.`/`..`/empty component, each
/// component short enough for any filesystem and free of odd characters.
fn is_safe_path(p: &str) -> bool {
    !p.starts_with('/')
        && p.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.len() <= 255
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

struct Fuzz<'a> {
    renderer: maasc::render::Renderer,
    validators: &'a BTreeMap<(String, String), jsonschema::Validator>,
    /// Files already validated.
    seen: HashSet<u64>,
    accepted: usize,
}

fn hash(f: &maasc::render::RenderedFile) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    f.path.hash(&mut h);
    f.content.hash(&mut h);
    h.finish()
}

impl Fuzz<'_> {
    /// Everything `validate` and `generate` would do with `text`; the exit
    /// code validate would give, or a problem.
    fn one(&mut self, path: &Path, text: &str) -> Result<i32, String> {
        let loaded = catch_unwind(|| maasc::load_text(path, text.to_string(), None))
            .map_err(|_| "panic in parse/check".to_string())?;
        let loaded = match loaded {
            Ok(l) => l,
            Err(e) => {
                // Rendering the diagnostics must not panic either.
                catch_unwind(AssertUnwindSafe(|| e.render()))
                    .map_err(|_| "panic rendering diagnostics".to_string())?;
                return Ok(if e.io { 2 } else { 1 });
            }
        };
        self.accepted += 1;
        // What maasc::build_tree does (less the manifest), with the
        // templates compiled once.
        let files = catch_unwind(AssertUnwindSafe(|| {
            let location = maasc::plan::TreeLocation::from_spec(&loaded.platform, "maas.yaml");
            let plan = maasc::plan::plan(&loaded.platform, &location);
            self.renderer.render(&plan)
        }))
        .map_err(|_| "panic in plan/render".to_string())?
        .map_err(|e| format!("validate accepted it, generate failed: {e}"))?;
        for file in &files {
            if !is_safe_path(&file.path) {
                return Err(format!("unsafe generated path {:?}", file.path));
            }
            // Many accepted mutants render mostly the same files.
            if !self.seen.insert(hash(file)) {
                continue;
            }
            if !file.path.ends_with(".yaml") || file.path.ends_with("kustomization.yaml") {
                continue;
            }
            let object: Value = serde_saphyr::from_str(&file.content)
                .map_err(|e| format!("{}: generated YAML does not parse: {e}", file.path))?;
            let name = object.pointer("/metadata/name").and_then(Value::as_str);
            if !name.is_some_and(is_dns_subdomain) {
                return Err(format!("{}: invalid metadata.name {name:?}", file.path));
            }
            if let Some(ns) = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                && !is_dns_label(ns)
            {
                return Err(format!("{}: invalid metadata.namespace {ns:?}", file.path));
            }
            let key = (
                object["apiVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                object["kind"].as_str().unwrap_or_default().to_string(),
            );
            let Some(validator) = self.validators.get(&key) else {
                return Err(format!("{}: no schema for {key:?}", file.path));
            };
            if let Some(error) = validator.iter_errors(&object).next() {
                return Err(format!(
                    "{}: {error} at {}",
                    file.path,
                    error.instance_path()
                ));
            }
        }
        Ok(0)
    }

    fn krm(workdir: &Path, text: &str) -> Result<(), String> {
        let (stdout, stderr, _) = catch_unwind(|| maasc::test_hooks::krm(text, workdir))
            .map_err(|_| "panic in krm".to_string())?;
        if stdout.trim().is_empty() {
            return Err(format!("krm printed no ResourceList: {stderr}"));
        }
        Ok(())
    }
}

/// Runs `inputs` mutated inputs, `weights` of them (per example of
/// [`common::EXAMPLES`]) from each example, on every core.
fn run(inputs: usize, seed: u64, weights: &[usize]) {
    let only = std::env::var("MAASC_FUZZ_EXAMPLE").ok();
    let mut examples: Vec<(PathBuf, String)> = Vec::new();
    for (e, weight) in common::EXAMPLES.iter().zip(weights) {
        if only.as_deref().is_some_and(|o| o != *e) {
            continue;
        }
        let path = common::example_path(e);
        let text = std::fs::read_to_string(&path).unwrap();
        examples.extend(std::iter::repeat_n((path, text), *weight));
    }
    let validators = common::crd::validators_any_version();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (examples, validators) = (&examples, &validators);
                scope.spawn(move || {
                    let mut fuzz = Fuzz {
                        renderer: maasc::render::Renderer::new(None).unwrap(),
                        validators,
                        seen: HashSet::new(),
                        accepted: 0,
                    };
                    let mut problems = Vec::new();
                    let mut rng = Rng(seed ^ (t as u64).wrapping_mul(0x9E37_79B9));
                    for n in (t..inputs).step_by(threads) {
                        let (path, text) = &examples[n % examples.len()];
                        let mutated = mutate(&mut rng, text);
                        // One input in 16 also goes through krm.
                        let outcome = fuzz.one(path, &mutated).and_then(|code| {
                            if !(0..=2).contains(&code) {
                                return Err(format!("exit code {code}"));
                            }
                            if n % 16 == 0 {
                                Fuzz::krm(path.parent().unwrap(), &resource_list(&mutated))?;
                            }
                            Ok(())
                        });
                        if let Err(problem) = outcome {
                            problems.push(format!(
                                "input #{n} (seed {seed}, thread {t} of {threads}, from {}): {problem}\n--- input ---\n{mutated}",
                                path.display()
                            ));
                            if problems.len() >= 3 {
                                break;
                            }
                        }
                    }
                    (fuzz.accepted, fuzz.seen.len(), problems)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    // The default hook again, so that the assertion below is printed.
    drop(std::panic::take_hook());
    let secs = started.elapsed().as_secs_f64();
    let accepted: usize = results.iter().map(|r| r.0).sum();
    let distinct: usize = results.iter().map(|r| r.1).sum();
    let problems: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    eprintln!(
        "fuzz: {inputs} inputs ({accepted} accepted, {distinct} distinct files) on {threads} threads in {secs:.1}s, {:.0} inputs/s",
        inputs as f64 / secs
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn five_thousand_mutated_inputs_neither_panic_nor_break_validate_implies_generate() {
    // Keep the panic messages of caught panics out of the test output.
    std::panic::set_hook(Box::new(|_| {}));
    // Mostly the smallest example: the fastest, so that the normal suite
    // stays quick; the long run weighs every example the same.
    run(5_000, 13, &[1, 1, 6, 1, 1, 1, 1, 1]);
}

#[test]
#[ignore = "long: run with `cargo test --test fuzz -- --ignored --nocapture`"]
fn fuzz_long() {
    std::panic::set_hook(Box::new(|_| {}));
    run(
        env("MAASC_FUZZ_INPUTS", 100_000) as usize,
        env("MAASC_FUZZ_SEED", 1),
        &[1; common::EXAMPLES.len()],
    );
}

//! `maasc tier`: every edit keeps the rest of maas.yaml byte for byte
//! (comments, key order, formatting), follows the rules of the seed's tier
//! service, refuses what `maasc validate` refuses with the same codes, and
//! writes nothing when it refuses.

mod common;

use std::path::{Path, PathBuf};

use maasc::diagnostic::Code;
use maasc::edit::{self, Failure, RateArg, TierEdit, TierFields};

/// A scratch copy of an example's folder; returns (guard, maas.yaml path).
fn scratch(example: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&Path::new("examples").join(example), dir.path());
    let path = dir.path().join("maas.yaml");
    (dir, path)
}

/// The lines removed and added between `a` and `b`.
fn changed_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(a, b);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n').to_string();
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

/// Applies `edit` to a copy of `example`; returns (before, after).
fn edited(example: &str, edit: TierEdit) -> (String, String) {
    let (_dir, path) = scratch(example);
    let before = std::fs::read_to_string(&path).unwrap();
    let applied = edit::apply(&path, &edit, false).unwrap_or_else(|f| panic!("{}", f.render()));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after, applied.after);
    maasc::load(&path).unwrap_or_else(|e| panic!("{}", e.render()));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    (before, after)
}

/// The edit is refused with `code`, and the file is left as it was.
fn refused(example: &str, edit: TierEdit, code: Code) -> String {
    let (_dir, path) = scratch(example);
    let before = std::fs::read_to_string(&path).unwrap();
    let failure = edit::apply(&path, &edit, false).expect_err("refused");
    let codes: Vec<Code> = match &failure {
        Failure::Edit(e) => vec![e.code],
        Failure::Check(e) => e
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect(),
        Failure::Io(e) => panic!("io: {e}"),
    };
    assert!(
        codes.contains(&code),
        "{:?} not in {codes:?}: {}",
        code,
        failure.render()
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "nothing written"
    );
    failure.render()
}

fn set(name: &str, fields: TierFields) -> TierEdit {
    TierEdit::Set {
        name: name.into(),
        fields,
    }
}

fn rate(s: &str) -> Option<RateArg> {
    Some(s.parse().unwrap())
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn rates_parse_with_suffixes() {
    let r: RateArg = "100k/1h".parse().unwrap();
    assert_eq!((r.limit, r.window.to_string()), (100_000, "1h".to_string()));
    assert_eq!("60/1m".parse::<RateArg>().unwrap().limit, 60);
    assert_eq!("2M/1d".parse::<RateArg>().unwrap().limit, 2_000_000);
    for bad in ["60", "x/1m", "60/1w", "60/0m", "/1m"] {
        assert!(bad.parse::<RateArg>().is_err(), "{bad}");
    }
}

#[test]
fn set_level_changes_only_the_level_line() {
    let (a, b) = edited(
        "dev-prod",
        set(
            "premium",
            TierFields {
                level: Some(15),
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        changed_lines(&a, &b),
        (lines(&["      level: 10"]), lines(&["      level: 15"]))
    );
}

#[test]
fn set_limits_changes_only_those_lines_and_keeps_comments() {
    // migration's free tier has a comment inside its limits block.
    let (a, b) = edited(
        "migration",
        set(
            "free",
            TierFields {
                tokens: rate("200k/1d"),
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        changed_lines(&a, &b),
        (
            lines(&["        tokens: {limit: 100000, window: 1d}"]),
            lines(&["        tokens: {limit: 200000, window: 1d}"])
        )
    );
    assert!(b.contains("        # Tokens only: the subscription era has no request limits."));
    // A limit the tier does not have yet is added to its block.
    let (a, b) = edited(
        "dev-prod",
        set(
            "premium",
            TierFields {
                requests: rate("30/1m"),
                display_name: Some("Premium plus".into()),
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        changed_lines(&a, &b),
        (
            lines(&[
                "      displayName: Premium",
                "        requests: {limit: 20, window: 2m}"
            ]),
            lines(&[
                "      displayName: Premium plus",
                "        requests: {limit: 30, window: 1m}"
            ])
        )
    );
}

#[test]
fn groups_are_added_and_removed_in_the_lists_own_style() {
    let (a, b) = edited(
        "dev-prod",
        TierEdit::AddGroup {
            name: "premium".into(),
            group: "enterprise-users".into(),
        },
    );
    assert_eq!(
        changed_lines(&a, &b),
        (
            lines(&["      groups: [premium-users]"]),
            lines(&["      groups: [premium-users, enterprise-users]"])
        )
    );
    let (a, b) = edited(
        "dev-prod",
        TierEdit::RemoveGroup {
            name: "enterprise".into(),
            group: "ai-partners".into(),
        },
    );
    assert_eq!(
        changed_lines(&a, &b),
        (
            lines(&["      groups: [enterprise-users, ai-partners]"]),
            lines(&["      groups: [enterprise-users]"])
        )
    );
    let (a, b) = edited(
        "dev-prod",
        TierEdit::RemoveGroup {
            name: "enterprise".into(),
            group: "enterprise-users".into(),
        },
    );
    assert_eq!(
        changed_lines(&a, &b).1,
        lines(&["      groups: [ai-partners]"])
    );
    assert_eq!(a.lines().count(), b.lines().count());
}

#[test]
fn block_style_lists_get_block_style_items() {
    let text = std::fs::read_to_string("examples/minimal/maas.yaml")
        .unwrap()
        .replace(
            "      groups: [system:authenticated]\n",
            "      groups:\n        - system:authenticated # everyone\n",
        );
    let path = Path::new("examples/minimal/maas.yaml");
    let added = edit::edit_text(
        path,
        &text,
        &TierEdit::AddGroup {
            name: "free".into(),
            group: "lab-users".into(),
        },
    )
    .unwrap();
    assert_eq!(
        changed_lines(&text, &added.text),
        (vec![], lines(&["        - lab-users"]))
    );
    let removed = edit::edit_text(
        path,
        &added.text,
        &TierEdit::RemoveGroup {
            name: "free".into(),
            group: "lab-users".into(),
        },
    )
    .unwrap();
    assert_eq!(removed.text, text, "add then remove is the identity");
}

#[test]
fn add_then_remove_gives_back_the_file_byte_for_byte() {
    for example in common::EXAMPLES {
        let (_dir, path) = scratch(example);
        let original = std::fs::read_to_string(&path).unwrap();
        let add = TierEdit::Add {
            name: "gold".into(),
            fields: TierFields {
                level: Some(1000),
                groups: Some(vec!["system:authenticated".into()]),
                requests: rate("60/1m"),
                tokens: rate("100k/1h"),
                display_name: Some("Gold".into()),
                description: Some("For: everyone, briefly".into()),
            },
        };
        let applied = edit::apply(&path, &add, false).unwrap_or_else(|f| panic!("{}", f.render()));
        let (removed, added) = changed_lines(&original, &applied.after);
        assert!(removed.is_empty(), "{example}: {removed:?}");
        assert_eq!(added.len(), 8, "{example}: {added:?}");
        let p = maasc::load(&path).unwrap().platform;
        let gold = p.tiers.iter().find(|t| t.name.as_str() == "gold").unwrap();
        assert_eq!(gold.level, 1000);
        assert_eq!(gold.description.as_deref(), Some("For: everyone, briefly"));
        assert_eq!(gold.limits.tokens.unwrap().limit, 100_000);
        edit::apply(
            &path,
            &TierEdit::Remove {
                name: "gold".into(),
                force: false,
            },
            false,
        )
        .unwrap_or_else(|f| panic!("{}", f.render()));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            original,
            "{example}"
        );
    }
}

#[test]
fn rename_changes_the_name_and_every_reference_and_nothing_else() {
    let (a, b) = edited(
        "dev-prod",
        TierEdit::Rename {
            old: "enterprise".into(),
            new: "business".into(),
        },
    );
    let (removed, added) = changed_lines(&a, &b);
    assert_eq!(removed.len(), added.len());
    // Exactly the lines naming the tier changed, and only that word.
    for (r, n) in removed.iter().zip(&added) {
        assert_eq!(r.replace("enterprise", "business"), *n);
        assert!(!r.contains("enterprise-users") || n.contains("enterprise-users"));
    }
    let p = maasc::load_text(Path::new("examples/dev-prod/maas.yaml"), b.clone(), None)
        .unwrap()
        .platform;
    assert!(p.tiers.iter().any(|t| t.name.as_str() == "business"));
    let dev = &p.clusters[0];
    assert!(dev.tier_limits.keys().any(|k| k.as_str() == "business"));
    assert!(
        p.models
            .iter()
            .all(|m| m.tiers.iter().all(|t| t.as_str() != "enterprise"))
    );
    assert!(b.contains("# Two clusters, dev and prod"));
}

#[test]
fn rename_warns_that_issued_tokens_break() {
    let (_dir, path) = scratch("minimal");
    let applied = edit::apply(
        &path,
        &TierEdit::Rename {
            old: "free".into(),
            new: "basic".into(),
        },
        true,
    )
    .unwrap();
    assert!(applied.notes.iter().any(|n| n.contains("gotcha 13")));
    assert_ne!(applied.after, applied.before);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        applied.before,
        "a dry run writes nothing"
    );
}

#[test]
fn remove_is_refused_while_models_name_the_tier_unless_forced() {
    let message = refused(
        "dev-prod",
        TierEdit::Remove {
            name: "free".into(),
            force: false,
        },
        Code::UnknownReference,
    );
    assert!(message.contains("--force"), "{message}");
    let (a, b) = edited(
        "dev-prod",
        TierEdit::Remove {
            name: "free".into(),
            force: true,
        },
    );
    let (removed, added) = changed_lines(&a, &b);
    // The tier's 8 lines, and the 4 model lines that named it.
    assert_eq!(removed.len(), 8 + 4, "{removed:?}");
    assert_eq!(added.len(), 4);
    assert!(
        added
            .iter()
            .all(|l| l.contains("tiers: [premium, enterprise]")),
        "{added:?}"
    );
    // A tier some cluster overrides loses its override too; the cluster's
    // other overrides stay.
    let path = Path::new("examples/dev-prod/maas.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let b = edit::edit_text(
        path,
        &text,
        &TierEdit::Remove {
            name: "enterprise".into(),
            force: true,
        },
    )
    .unwrap()
    .text;
    let (removed, _) = changed_lines(&text, &b);
    assert!(removed.contains(&"          enterprise:".to_string()));
    assert!(
        removed.contains(&"        tiers:".to_string()),
        "{removed:?}"
    );
    assert!(b.contains(
        "      overrides:\n        models:\n          granite-3-3-8b-instruct: {replicas: 1}"
    ));
}

#[test]
fn removing_a_models_last_tier_is_refused_like_validate() {
    // mistral-7b-instruct is enterprise-only: forcing leaves it no tier (E020).
    refused(
        "dev-prod",
        TierEdit::Remove {
            name: "enterprise".into(),
            force: true,
        },
        Code::EmptyTiers,
    );
}

#[test]
fn the_rules_of_the_tier_service() {
    let add = |name: &str, level: i64, group: &str| TierEdit::Add {
        name: name.into(),
        fields: TierFields {
            level: Some(level),
            groups: Some(vec![group.into()]),
            ..Default::default()
        },
    };
    // Unique names.
    refused(
        "dev-prod",
        add("premium", 99, "premium-users"),
        Code::DuplicateName,
    );
    // Unique levels.
    refused(
        "dev-prod",
        add("gold", 10, "premium-users"),
        Code::InvalidValue,
    );
    refused(
        "dev-prod",
        set(
            "free",
            TierFields {
                level: Some(20),
                ..Default::default()
            },
        ),
        Code::InvalidValue,
    );
    // DNS-1123 names (the checker's own code).
    refused(
        "dev-prod",
        add("Gold_Tier", 99, "premium-users"),
        Code::InvalidName,
    );
    refused(
        "dev-prod",
        TierEdit::Rename {
            old: "free".into(),
            new: "Free".into(),
        },
        Code::InvalidName,
    );
    // Groups must exist, as validate says.
    refused(
        "dev-prod",
        add("gold", 99, "gold-users"),
        Code::UndefinedGroup,
    );
    // Names change only through rename, and never onto another tier.
    refused(
        "dev-prod",
        TierEdit::Rename {
            old: "free".into(),
            new: "premium".into(),
        },
        Code::DuplicateName,
    );
    refused(
        "dev-prod",
        set("gold", TierFields::default()),
        Code::UnknownReference,
    );
    refused(
        "dev-prod",
        TierEdit::AddGroup {
            name: "premium".into(),
            group: "premium-users".into(),
        },
        Code::DuplicateName,
    );
    refused(
        "dev-prod",
        TierEdit::RemoveGroup {
            name: "premium".into(),
            group: "enterprise-users".into(),
        },
        Code::UnknownReference,
    );
    // Two tiers one user reaches at the same level: validate's E023 … is
    // prevented earlier by unique levels; a new tier needs a level at all.
    refused(
        "dev-prod",
        TierEdit::Add {
            name: "gold".into(),
            fields: TierFields::default(),
        },
        Code::MissingField,
    );
    // A window the subscription era cannot express (validate's E022).
    refused(
        "migration",
        set(
            "free",
            TierFields {
                tokens: rate("100/500d"),
                ..Default::default()
            },
        ),
        Code::UnsupportedWindow,
    );
}

#[test]
fn read_only_views() {
    let p = common::load(&common::example_path("dev-prod")).platform;
    let list: serde_json::Value =
        serde_json::from_str(&edit::cli::list(&p, edit::cli::Format::Json)).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["enterprise", "premium", "free"]);
    let show: serde_json::Value =
        serde_json::from_str(&edit::cli::show(&p, "enterprise", edit::cli::Format::Json).unwrap())
            .unwrap();
    assert_eq!(show["overrides"][0][0], "dev");
    assert_eq!(show["requests"], "300/1m");
    assert!(edit::cli::show(&p, "nope", edit::cli::Format::Text).is_none());
    let which: serde_json::Value = serde_json::from_str(&edit::cli::which(
        &p,
        "premium-users",
        edit::cli::Format::Json,
    ))
    .unwrap();
    assert_eq!(which["effective"], "premium");
    assert_eq!(which["tiers"].as_array().unwrap().len(), 2);
    assert_eq!(
        edit::cli::which(&p, "ai-partners", edit::cli::Format::Text),
        "ai-partners: enterprise (of enterprise (20), free (1))\n"
    );
    assert!(edit::cli::list(&p, edit::cli::Format::Text).contains("enterprise"));
}

#[test]
fn the_command_line_edits_in_place() {
    let (_dir, path) = scratch("minimal");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_maasc"))
            .args(args)
            .arg("-f")
            .arg(&path)
            .output()
            .unwrap()
    };
    let out = run(&["tier", "set", "free", "--requests", "10/1m"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("requests: {limit: 10, window: 1m}")
    );
    let out = run(&["tier", "remove", "free"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E012"));
    let out = run(&["tier", "list", "--format", "json"]);
    assert!(out.status.success());
    let out = run(&["access", "--user", "alice"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("llm/opt-125m-simulated"));
}

#[test]
fn crlf_files_and_files_without_a_final_newline_keep_their_shape() {
    let path = Path::new("examples/minimal/maas.yaml");
    let lf = std::fs::read_to_string(path).unwrap();
    let crlf = lf.replace('\n', "\r\n");
    let add = TierEdit::Add {
        name: "gold".into(),
        fields: TierFields {
            level: Some(9),
            groups: Some(vec!["lab-users".into()]),
            tokens: rate("1k/1m"),
            ..Default::default()
        },
    };
    for (text, what) in [
        (crlf.clone(), "crlf"),
        (lf.trim_end().to_string(), "no final newline"),
    ] {
        let added = edit::edit_text(path, &text, &add).unwrap().text;
        if what == "crlf" {
            assert!(!added.replace("\r\n", "").contains('\n'), "{what}: {added}");
        }
        maasc::load_text(path, added.clone(), None)
            .unwrap_or_else(|e| panic!("{what}: {}", e.render()));
        let removed = edit::edit_text(
            path,
            &added,
            &TierEdit::Remove {
                name: "gold".into(),
                force: false,
            },
        )
        .unwrap()
        .text;
        let p = maasc::load_text(path, removed.clone(), None)
            .unwrap()
            .platform;
        assert_eq!(p.tiers.len(), 1, "{what}");
        if what == "crlf" {
            assert_eq!(removed, text, "{what}: round trip");
        }
    }
    // Model tier lists in block style lose exactly the removed item's line.
    let block = lf.replace(
        "      tiers: [free]\n",
        "      tiers:\n        - free # the only tier\n        - gold\n",
    );
    let with_gold = edit::edit_text(path, &block, &add).unwrap().text;
    maasc::load_text(path, with_gold.clone(), None).unwrap_or_else(|e| panic!("{}", e.render()));
    let without = edit::edit_text(
        path,
        &with_gold,
        &TierEdit::Remove {
            name: "gold".into(),
            force: true,
        },
    )
    .unwrap()
    .text;
    assert_eq!(
        without,
        lf.replace(
            "      tiers: [free]\n",
            "      tiers:\n        - free # the only tier\n"
        )
    );
}

#[test]
fn flow_style_tiers_are_refused_with_a_hint_and_groups_can_be_replaced() {
    let path = Path::new("examples/minimal/maas.yaml");
    let lf = std::fs::read_to_string(path).unwrap();
    let start = lf.find("    - name: free\n").unwrap();
    let end = lf.find("  identity:\n").unwrap();
    let flow = format!(
        "{}    - {{name: free, level: 1, groups: [system:authenticated]}}\n{}",
        &lf[..start],
        &lf[end..]
    );
    let err = edit::edit_text(
        path,
        &flow,
        &TierEdit::AddGroup {
            name: "free".into(),
            group: "lab-users".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.code, Code::WrongType);
    assert!(err.to_string().contains("block-style"), "{err}");
    // Scalars located by span still work on flow-style tiers.
    let renamed = edit::edit_text(
        path,
        &flow,
        &TierEdit::Rename {
            old: "free".into(),
            new: "basic".into(),
        },
    )
    .unwrap()
    .text;
    assert!(renamed.contains("{name: basic, level: 1"));
    assert!(renamed.contains("tiers: [basic]"));
    let (a, b) = edited(
        "dev-prod",
        set(
            "enterprise",
            TierFields {
                groups: Some(vec!["enterprise-users".into()]),
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        changed_lines(&a, &b),
        (
            lines(&["      groups: [enterprise-users, ai-partners]"]),
            lines(&["      groups: [enterprise-users]"])
        )
    );
}

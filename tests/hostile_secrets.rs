//! Secrets are never echoed (issue 13): not by `maasc check`'s diff, not in
//! the quoted line or message of a diagnostic about an inline password, not
//! as the "user name" of a malformed htpasswd line.

mod common;

use std::path::Path;

/// Every bad case, rendered: none repeats a password of the corpus.
#[test]
fn no_bad_case_echoes_a_password() {
    for entry in std::fs::read_dir("tests/bad").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let Err(err) = maasc::load(&path) else {
            continue;
        };
        let text = err.render();
        // `TOKEN hunter2` is the first field of a malformed htpasswd line;
        // `hf_…` a Hugging Face token written inline (`HF_TOKEN`, the
        // variable's name, may be named).
        for secret in [
            "hunter2",
            "TOKEN hunter2",
            "alice:pw",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        ] {
            assert!(
                !text.contains(secret),
                "{} echoes `{secret}`:\n{text}",
                path.display()
            );
        }
    }
}

#[test]
fn inline_passwords_are_redacted_in_snippet_and_message() {
    let cases = [
        (
            "      file: users.htpasswd\n",
            "      file: users.htpasswd\n      password: hunter2\n",
        ),
        (
            "        users: [alice]",
            "        users: [{name: alice, password: hunter2}]",
        ),
        (
            "      file: users.htpasswd\n",
            "      file: 'alice:hunter2'\n",
        ),
        (
            "      file: users.htpasswd\n",
            "      existingSecret: 'alice:hunter2'\n",
        ),
        (
            "    clusterAdmins: [admin]",
            "    clusterAdmins: ['admin:hunter2']",
        ),
        (
            "    clusterAdmins: [admin]",
            "    clusterAdmins:\n      - \"admin:hunter2\"",
        ),
        (
            "    clusterAdmins: [admin]",
            "    clusterAdmins: [admin]\n    password: \"hunter2\"",
        ),
    ];
    for (from, to) in cases {
        let err = common::load_minimal_with(|t| t.replace(from, to))
            .err()
            .unwrap_or_else(|| panic!("{to} was accepted"));
        let text = err.render();
        assert!(text.contains("<redacted>"), "{to}:\n{text}");
        assert!(!text.contains("hunter2"), "{to}:\n{text}");
    }
}

#[test]
fn a_malformed_htpasswd_line_does_not_print_its_first_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.htpasswd"),
        "ghp_TOKENVALUE secret:$2y$05$OjoGvTsb98KERnJcQdJSyeoVKP9IpzE.ZrX/jTakXDGQQw8VnuoXS\nno-separator-SECRET\n",
    )
    .unwrap();
    std::fs::copy("examples/minimal/maas.yaml", dir.path().join("maas.yaml")).unwrap();
    let err = maasc::load(&dir.path().join("maas.yaml")).err().unwrap();
    let text = err.render();
    assert!(text.contains("E010"), "{text}");
    assert!(!text.contains("TOKENVALUE"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
}

#[test]
fn check_masks_a_changed_htpasswd_secret_in_its_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("examples/minimal/maas.yaml", dir.path().join("maas.yaml")).unwrap();
    let htpasswd = std::fs::read_to_string("examples/minimal/users.htpasswd").unwrap();
    std::fs::write(dir.path().join("users.htpasswd"), &htpasswd).unwrap();
    let out = dir.path().join("clusters");
    let generated = common::cli::maasc(dir.path(), &["generate", "-o", "clusters"]);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        common::cli::stderr(&generated)
    );
    // Another hash for the first user: only the Secret changes.
    let first = htpasswd.lines().next().unwrap();
    let (user, _) = first.split_once(':').unwrap();
    let changed = htpasswd.replacen(
        first,
        &format!("{user}:$2y$05$abcdefghijklmnopqrstuuN5ENr0Mqq6Xx8q1y3PAvqkFQ2T/Y1.6"),
        1,
    );
    std::fs::write(dir.path().join("users.htpasswd"), &changed).unwrap();
    let checked = common::cli::maasc(dir.path(), &["check", "-o", "clusters"]);
    assert_eq!(
        checked.status.code(),
        Some(1),
        "the Secret changed: the tree is stale"
    );
    let text = common::cli::stdout(&checked) + &common::cli::stderr(&checked);
    use base64::Engine as _;
    for content in [&htpasswd, &changed] {
        let encoded = base64::engine::general_purpose::STANDARD.encode(content);
        assert!(!text.contains(&encoded), "{text}");
        assert!(!text.contains(&encoded[..20]), "{text}");
    }
    assert!(text.contains("secret value"), "{text}");
    assert!(Path::new(&out).exists());
}

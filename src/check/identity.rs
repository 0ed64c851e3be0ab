//! Identity: the htpasswd provider, groups, cluster admins.

use std::collections::BTreeSet;

use super::{Checker, htpasswd, suggest};
use crate::diagnostic::Code;
use crate::input::IdentityInput;
use crate::model::*;
use crate::parse::read_text;
use crate::source::{SourceFile, Sp};

/// htpasswd files larger than this are refused (a few thousand users fit).
const MAX_HTPASSWD_BYTES: u64 = 4 * 1024 * 1024;

/// The checked identity plus the name sets later checks resolve against.
pub(crate) struct CheckedIdentity {
    pub model: Identity,
    pub defined_groups: BTreeSet<String>,
    pub external_groups: BTreeSet<String>,
}

pub(crate) fn check(c: &mut Checker<'_>, input: Option<&Sp<IdentityInput>>) -> CheckedIdentity {
    let Some(input) = input else {
        return CheckedIdentity {
            model: Identity::default(),
            defined_groups: BTreeSet::new(),
            external_groups: BTreeSet::new(),
        };
    };
    let (htpasswd, known_users) = match &input.htpasswd {
        Some(h) => check_htpasswd(c, h),
        None => (None, None),
    };
    c.unique(
        "group",
        input
            .groups
            .iter()
            .map(|g| (g.name.value.clone(), g.name.span)),
    );
    let mut groups = Vec::new();
    for g in &input.groups {
        let name = c.name("group name", &g.name, GroupName::parse);
        if name.is_some() {
            super::file_names::fits(c, "group name", "group", &g.name);
        }
        let users = check_users(
            c,
            &g.users,
            known_users.as_ref(),
            &format!("group `{}`", g.name.value),
        );
        c.unique(
            &format!("member of group `{}`", g.name.value),
            g.users.iter().map(|u| (u.value.clone(), u.span)),
        );
        if let Some(name) = name {
            groups.push(Group { name, users });
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let cluster_admins = check_users(
        c,
        &input.cluster_admins,
        known_users.as_ref(),
        "clusterAdmins",
    );
    let external_groups = input
        .external_groups
        .iter()
        .map(|g| g.value.clone())
        .collect();
    CheckedIdentity {
        defined_groups: groups.iter().map(|g| g.name.to_string()).collect(),
        model: Identity {
            htpasswd,
            groups,
            cluster_admins,
        },
        external_groups,
    }
}

fn check_users(
    c: &mut Checker<'_>,
    users: &[Sp<String>],
    known: Option<&BTreeSet<String>>,
    owner: &str,
) -> Vec<UserName> {
    let mut out = Vec::new();
    for u in users {
        let Some(name) = c.name("user name", u, UserName::parse) else {
            continue;
        };
        if let Some(known) = known
            && !known.contains(&u.value)
        {
            c.error(
                Code::UnknownReference,
                u.span,
                format!("user `{}` in {owner} is not in the htpasswd file", u.value),
                suggest::hint_for(&u.value, "user", known.iter().map(String::as_str)),
            );
            continue;
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out.sort();
    out
}

fn check_htpasswd(
    c: &mut Checker<'_>,
    h: &Sp<crate::input::HtpasswdInput>,
) -> (Option<Htpasswd>, Option<BTreeSet<String>>) {
    let provider = h
        .name
        .clone()
        .unwrap_or_else(|| Sp::synthetic("maas-users".to_string()));
    if let Err(e) = check_openshift_name(&provider.value) {
        c.error(
            Code::InvalidName,
            provider.span,
            format!("identity provider name `{}` {e}", provider.value),
            "use a plain name such as maas-users",
        );
    }
    match (&h.file, &h.existing_secret) {
        (Some(_), Some(secret)) => {
            c.error(
                Code::IdentitySource,
                secret.span,
                "htpasswd has both `file` and `existingSecret`",
                "keep `file` to let maasc emit the Secret, or `existingSecret` when it is managed elsewhere",
            );
            (None, None)
        }
        (None, Some(secret)) => {
            c.name("existingSecret", secret, check_dns_subdomain);
            let htpasswd = Htpasswd {
                provider: provider.value,
                source: HtpasswdSource::ExistingSecret(secret.value.clone()),
            };
            (Some(htpasswd), None)
        }
        (Some(file), None) => {
            let content = match &c.htpasswd_override {
                Some(text) => Ok(text.clone()),
                None => crate::fs_safety::confined_path(c.base_dir, &file.value)
                    .map_err(|why| {
                        crate::diagnostic::Diagnostic::error(
                            Code::Io,
                            c.file,
                            file.span,
                            format!("htpasswd file {why}"),
                        )
                    })
                    .and_then(|path: std::path::PathBuf| read_text(&path, MAX_HTPASSWD_BYTES)),
            };
            let content = match content {
                Ok(text) => text,
                Err(mut d) => {
                    d.code = if d.code == Code::Io {
                        Code::InvalidHtpasswd
                    } else {
                        d.code
                    };
                    d.file = c.file.to_path_buf();
                    d.span = file.span;
                    c.diags.push(d.with_hint("the path is relative to maas.yaml; create the file with `htpasswd -c -B FILE USER`"));
                    return (None, None);
                }
            };
            let shown_path = c
                .file
                .parent()
                .unwrap_or(std::path::Path::new(""))
                .join(&file.value);
            let source = SourceFile::new(shown_path, content.clone());
            let users = htpasswd::parse(&source, &mut c.diags);
            c.sources.insert(source);
            let known = users.iter().map(|u| u.to_string()).collect();
            let htpasswd = Htpasswd {
                provider: provider.value,
                source: HtpasswdSource::File {
                    secret_name: "htpass-secret".to_string(),
                    content,
                    users,
                },
            };
            (Some(htpasswd), Some(known))
        }
        (None, None) => {
            c.error(
                Code::IdentitySource,
                h.span,
                "htpasswd has neither `file` nor `existingSecret`",
                "add `file: users.htpasswd` or `existingSecret: NAME`",
            );
            (None, None)
        }
    }
}

//! `maasc tier`: edit the tiers of a maas.yaml in place, keeping every
//! comment, key order and formatting of what the edit does not touch.
//!
//! # Why splices on the project's own parser, not a YAML editing crate
//!
//! The candidates were a lossless YAML CST editor (`yaml-edit`, built on
//! rowan; `yaml-rt`, 0.1) or re-serialising with serde (which loses every
//! comment and the key order, so it is out). The lossless editors are young
//! (0.x, with published lists of known edit-invariant failures), add a
//! second YAML parser whose reading of an edge case may differ from the one
//! `maasc validate` uses, and `cargo search` could not reach the registry
//! from here to vet newer releases. maasc already parses maas.yaml with
//! serde-saphyr keeping the [`Span`](crate::source::Span) of every value
//! that matters (tier names, levels, groups, a model's tier list), so an
//! edit here locates nodes through that same parse, finds the few keys that
//! carry no span (`groups:`, `limits:`, `overrides.tiers` keys) by their
//! line and column inside the node's block, and splices text at byte
//! ranges. Inserted lines copy the indentation of their neighbours (the
//! `- ` offset of the tier list, the column of sibling keys) and use flow
//! style for leaves, as the examples do. Everything outside the spliced
//! ranges is kept byte for byte, and the result is checked by the same
//! checker as `maasc validate` before anything is written, so an edit that
//! would produce invalid or differently-read YAML is refused, not written.
//! Tiers written in flow style (`- {name: …}`) are refused with a hint.

pub mod cli;
pub mod text;

use std::path::{Path, PathBuf};

use crate::diagnostic::Code;
use crate::input::{PlatformInput, RateInput, TierInput};
use crate::source::{SourceFile, Sp};
use text::{Splice, Text, line_key, scalar};

/// A rate given on the command line: `60/1m`, `100k/1h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateArg {
    pub limit: u64,
    pub window: crate::model::Window,
}

impl std::str::FromStr for RateArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (limit, window) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not LIMIT/WINDOW, e.g. 60/1m or 100k/1h"))?;
        let (digits, scale) = match limit.char_indices().last() {
            Some((i, 'k' | 'K')) => (&limit[..i], 1_000),
            Some((i, 'M')) => (&limit[..i], 1_000_000),
            Some((i, 'G')) => (&limit[..i], 1_000_000_000),
            _ => (limit, 1),
        };
        let limit = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(|| {
                format!("`{limit}` is not a whole number (k, M and G suffixes allowed)")
            })?;
        let window = crate::model::Window::parse(window)?;
        Ok(RateArg { limit, window })
    }
}

impl RateArg {
    fn yaml(&self) -> String {
        format!("{{limit: {}, window: {}}}", self.limit, self.window)
    }
}

/// The fields `add` and `set` write.
#[derive(Clone, Debug, Default)]
pub struct TierFields {
    pub level: Option<i64>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Replaces the whole list.
    pub groups: Option<Vec<String>>,
    pub requests: Option<RateArg>,
    pub tokens: Option<RateArg>,
}

/// One edit of the tiers.
#[derive(Clone, Debug)]
pub enum TierEdit {
    Add { name: String, fields: TierFields },
    Set { name: String, fields: TierFields },
    Rename { old: String, new: String },
    Remove { name: String, force: bool },
    AddGroup { name: String, group: String },
    RemoveGroup { name: String, group: String },
}

/// Why an edit was refused before the checker ran.
#[derive(Debug, Clone)]
pub struct EditError {
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

fn refuse(code: Code, message: impl Into<String>) -> EditError {
    EditError {
        code,
        message: message.into(),
        hint: None,
    }
}

impl EditError {
    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The edited text, and what the user should know about it.
#[derive(Debug)]
pub struct Edited {
    pub text: String,
    pub notes: Vec<String>,
}

fn parse(path: &Path, text: &str) -> Result<PlatformInput, EditError> {
    crate::parse::parse_platform(&SourceFile::new(path, text)).map_err(|d| EditError {
        code: d.code,
        message: format!("{} does not parse: {}", path.display(), d.message),
        hint: Some("fix the file first (`maasc validate`)".into()),
    })
}

fn find_tier<'a>(input: &'a PlatformInput, name: &str) -> Result<&'a Sp<TierInput>, EditError> {
    input
        .spec
        .tiers
        .iter()
        .find(|t| t.name.value == name)
        .ok_or_else(|| {
            let known: Vec<&str> = input.spec.tiers.iter().map(|t| t.name.as_str()).collect();
            refuse(Code::UnknownReference, format!("no tier `{name}`"))
                .hint(format!("the tiers are: {}", known.join(", ")))
        })
}

/// Where a block-style list item (a tier, a cluster) sits: its first line,
/// the column of its keys and its last line.
struct Item {
    line: usize,
    key_column: usize,
    end: usize,
    dash_column: usize,
}

fn item(t: &Text, span: crate::source::Span, what: &str) -> Result<Item, EditError> {
    let line = span.line as usize;
    let key_column = span.column as usize;
    let text = t.line(line);
    let before: String = text.chars().take(key_column.saturating_sub(1)).collect();
    let dash = before.rfind('-');
    let at_key = line_key(text).is_some_and(|(c, _)| c == key_column);
    match dash {
        Some(d) if at_key && before[d + 1..].trim().is_empty() => {
            let dash_column = before[..d].chars().count() + 1;
            Ok(Item {
                line,
                key_column,
                end: t.block_end(line, dash_column),
                dash_column,
            })
        }
        _ => Err(refuse(
            Code::WrongType,
            format!("{what} at line {line} is not a block-style list item"),
        )
        .hint("maasc tier edits `- name: …` items written one key per line; rewrite it so, or edit by hand")),
    }
}

fn spaces(column: usize) -> String {
    " ".repeat(column.saturating_sub(1))
}

/// Inserts `lines` (each without a line break) after 1-based `line`.
fn insert_after(t: &Text, line: usize, lines: &[String]) -> Splice {
    let at = t.line_after(line);
    let nl = t.newline();
    let mut with = String::new();
    if at == t.text.len() && !t.text.is_empty() && !t.text.ends_with('\n') {
        with.push_str(nl);
    }
    for l in lines {
        with.push_str(l);
        with.push_str(nl);
    }
    Splice {
        start: at,
        end: at,
        with,
    }
}

/// Deletes lines `first..=last`.
fn delete_lines(t: &Text, first: usize, last: usize) -> Splice {
    Splice {
        start: t.line_start(first),
        end: t.line_after(last),
        with: String::new(),
    }
}

/// Sets `key: value` in the mapping block `first..=last` whose keys are at
/// `column`: replaces the entry (all its lines) or appends it after `last`.
fn set_entry(
    t: &Text,
    (first, last, column): (usize, usize, usize),
    key: &str,
    value: &str,
    out: &mut Vec<Splice>,
) {
    let line = format!("{}{key}: {value}", spaces(column));
    match t.find_key(first, last, column, key) {
        Some(k) if k == first => {
            // The item's first line (`- key: …`): keep its `- ` prefix.
            let start = t.offset(k, column);
            let end = t.line_start(k) + t.line(k).len();
            let end_line = t.block_end(k, column);
            out.push(Splice {
                start,
                end: if end_line == k {
                    end
                } else {
                    t.line_start(end_line) + t.line(end_line).len()
                },
                with: format!("{key}: {value}"),
            });
        }
        Some(k) => {
            let end = t.block_end(k, column);
            out.push(Splice {
                start: t.line_start(k),
                end: t.line_start(end) + t.line(end).len(),
                with: line,
            });
        }
        None => out.push(insert_after(t, last, &[line])),
    }
}

fn flow_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|g| scalar(g)).collect();
    format!("[{}]", items.join(", "))
}

/// Removes the list item read with `span`: its line when it is a block
/// item alone on its line, else the item and one neighbouring comma.
fn remove_item(t: &Text, span: crate::source::Span, out: &mut Vec<Splice>) {
    let (start, end) = t.span_range(span);
    let line = span.line as usize;
    let line_start = t.line_start(line);
    let before = &t.text[line_start..start];
    let after = text::strip_comment(&t.text[end..t.line_start(line) + t.line(line).len()]);
    if before.trim() == "-" && after.trim().is_empty() {
        out.push(delete_lines(t, line, line));
        return;
    }
    let rest = &t.text[end..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if let Some(after_comma) = trimmed.strip_prefix(',') {
        let skip = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
        out.push(Splice {
            start,
            end: end + (rest.len() - after_comma.len()) + skip,
            with: String::new(),
        });
        return;
    }
    let head = &t.text[..start];
    let back = head.trim_end_matches([' ', '\t', '\r', '\n']);
    if back.ends_with(',') {
        out.push(Splice {
            start: back.len() - 1,
            end,
            with: String::new(),
        });
    } else {
        out.push(Splice {
            start,
            end,
            with: String::new(),
        });
    }
}

/// Replaces the scalar read with `span` by `value`, keeping its quotes.
fn replace_scalar(t: &Text, span: crate::source::Span, value: &str) -> Splice {
    let (start, end) = t.span_range(span);
    let old = &t.text[start..end];
    let with = match old.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{value}{q}"),
        _ => scalar(value),
    };
    Splice { start, end, with }
}

fn check_level(input: &PlatformInput, level: i64, except: Option<&str>) -> Result<(), EditError> {
    match input
        .spec
        .tiers
        .iter()
        .find(|t| *t.level == level && Some(t.name.as_str()) != except)
    {
        Some(other) => Err(refuse(
            Code::InvalidValue,
            format!(
                "level {level} is already tier `{}`'s: levels are unique",
                other.name.value
            ),
        )
        .hint("the highest level wins when a user is in several tiers; pick a free level")),
        None => Ok(()),
    }
}

fn limits_entry(
    t: &Text,
    tier: &Sp<TierInput>,
    it: &Item,
    requests: Option<RateArg>,
    tokens: Option<RateArg>,
    out: &mut Vec<Splice>,
) {
    if requests.is_none() && tokens.is_none() {
        return;
    }
    let block = (it.line, it.end, it.key_column);
    let child = spaces(it.key_column + 2);
    let Some(k) = t.find_key(it.line, it.end, it.key_column, "limits") else {
        let mut lines = vec![format!("{}limits:", spaces(it.key_column))];
        lines.extend(requests.map(|r| format!("{child}requests: {}", r.yaml())));
        lines.extend(tokens.map(|r| format!("{child}tokens: {}", r.yaml())));
        out.push(insert_after(t, it.end, &lines));
        return;
    };
    match t.child_column(k) {
        Some(c) => {
            let last = t.block_end(k, it.key_column);
            for (key, rate) in [("requests", requests), ("tokens", tokens)] {
                if let Some(r) = rate {
                    set_entry(t, (k + 1, last, c), key, &r.yaml(), out);
                }
            }
        }
        None => {
            // Flow or empty: write the merged limits as one flow mapping.
            let old = tier.limits.as_ref();
            let keep = |r: Option<&RateInput>| {
                r.map(|r| format!("{{limit: {}, window: {}}}", *r.limit, r.window.value))
            };
            let req = requests
                .map(|r| r.yaml())
                .or_else(|| keep(old.and_then(|l| l.requests.as_ref())));
            let tok = tokens
                .map(|r| r.yaml())
                .or_else(|| keep(old.and_then(|l| l.tokens.as_ref())));
            let parts: Vec<String> = [("requests", req), ("tokens", tok)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
                .collect();
            set_entry(
                t,
                block,
                "limits",
                &format!("{{{}}}", parts.join(", ")),
                out,
            );
        }
    }
}

fn set_fields(
    t: &Text,
    input: &PlatformInput,
    tier: &Sp<TierInput>,
    fields: &TierFields,
    out: &mut Vec<Splice>,
) -> Result<(), EditError> {
    let it = item(t, tier.span, &format!("tier `{}`", tier.name.value))?;
    let block = (it.line, it.end, it.key_column);
    if let Some(level) = fields.level {
        check_level(input, level, Some(&tier.name))?;
        out.push(Splice {
            with: level.to_string(),
            ..replace_scalar(t, tier.level.span, "")
        });
    }
    if let Some(v) = &fields.display_name {
        set_entry(t, block, "displayName", &scalar(v), out);
    }
    if let Some(v) = &fields.description {
        set_entry(t, block, "description", &scalar(v), out);
    }
    if let Some(groups) = &fields.groups {
        set_entry(t, block, "groups", &flow_list(groups), out);
    }
    limits_entry(t, tier, &it, fields.requests, fields.tokens, out);
    Ok(())
}

/// Where `key:` sits under a block-style mapping entry on `line` at `column`:
/// (line, column of the child keys).
fn child_key(t: &Text, line: usize, column: usize, key: &str) -> Option<(usize, usize)> {
    let end = t.block_end(line, column);
    let c = t.child_column(line)?;
    let k = t.find_key(line + 1, end, c, key)?;
    Some((k, c))
}

/// Where `clusters[i].overrides.tiers.<tier>` is: (line, column) of the
/// tier's key, of `tiers:` and of `overrides:`.
struct OverrideAt {
    key: (usize, usize),
    tiers: (usize, usize),
    overrides: (usize, usize),
}

fn override_key(
    t: &Text,
    cluster: &Sp<crate::input::ClusterInput>,
    tier: &str,
) -> Result<OverrideAt, EditError> {
    let what = format!("cluster `{}`", cluster.name.value);
    let it = item(t, cluster.span, &what)?;
    let found = t
        .find_key(it.line, it.end, it.key_column, "overrides")
        .and_then(|o| {
            let (tl, tc) = child_key(t, o, it.key_column, "tiers")?;
            let key = child_key(t, tl, tc, tier)?;
            Some(OverrideAt {
                key,
                tiers: (tl, tc),
                overrides: (o, it.key_column),
            })
        });
    found.ok_or_else(|| {
        refuse(
            Code::WrongType,
            format!("{what}: overrides.tiers.{tier} is not written in block style"),
        )
        .hint("edit that override by hand, then rerun")
    })
}

/// Applies `edit` to maas.yaml `text` (read from `path`). The result is not
/// checked yet: [`apply`] does that.
pub fn edit_text(path: &Path, source: &str, edit: &TierEdit) -> Result<Edited, EditError> {
    let input = parse(path, source)?;
    let t = Text::new(source);
    let mut splices = Vec::new();
    let mut notes = Vec::new();
    match edit {
        TierEdit::Add { name, fields } => {
            if input.spec.tiers.iter().any(|x| x.name.value == *name) {
                return Err(refuse(Code::DuplicateName, format!("tier `{name}` exists"))
                    .hint(format!("change it with `maasc tier set {name} …`")));
            }
            let level = fields.level.ok_or_else(|| {
                refuse(Code::MissingField, "a new tier needs --level").hint("e.g. --level 5")
            })?;
            check_level(&input, level, None)?;
            let last = input.spec.tiers.last().ok_or_else(|| {
                refuse(
                    Code::MissingField,
                    "maas.yaml has no tier to copy the style of",
                )
                .hint("write the first tier by hand")
            })?;
            let it = item(&t, last.span, &format!("tier `{}`", last.name.value))?;
            let key = spaces(it.key_column);
            let child = spaces(it.key_column + 2);
            let mut lines = vec![
                format!(
                    "{}-{}name: {}",
                    spaces(it.dash_column),
                    " ".repeat(it.key_column - it.dash_column - 1),
                    scalar(name)
                ),
                format!("{key}level: {level}"),
            ];
            if let Some(v) = &fields.display_name {
                lines.push(format!("{key}displayName: {}", scalar(v)));
            }
            if let Some(v) = &fields.description {
                lines.push(format!("{key}description: {}", scalar(v)));
            }
            lines.push(format!(
                "{key}groups: {}",
                flow_list(fields.groups.as_deref().unwrap_or_default())
            ));
            if fields.requests.is_some() || fields.tokens.is_some() {
                lines.push(format!("{key}limits:"));
                lines.extend(
                    fields
                        .requests
                        .map(|r| format!("{child}requests: {}", r.yaml())),
                );
                lines.extend(
                    fields
                        .tokens
                        .map(|r| format!("{child}tokens: {}", r.yaml())),
                );
            }
            splices.push(insert_after(&t, it.end, &lines));
        }
        TierEdit::Set { name, fields } => {
            let tier = find_tier(&input, name)?;
            set_fields(&t, &input, tier, fields, &mut splices)?;
        }
        TierEdit::Rename { old, new } => {
            let tier = find_tier(&input, old)?;
            if input.spec.tiers.iter().any(|x| x.name.value == *new) {
                return Err(refuse(Code::DuplicateName, format!("tier `{new}` exists")));
            }
            // Spans locate every scalar: flow-style tiers rename too.
            splices.push(replace_scalar(&t, tier.name.span, new));
            let mut refs = 0;
            for m in &input.spec.models {
                for r in m.tiers.iter().flat_map(|l| l.value.iter()) {
                    if r.value == *old {
                        splices.push(replace_scalar(&t, r.span, new));
                        refs += 1;
                    }
                }
            }
            for c in &input.spec.clusters {
                if c.overrides.tiers.contains_key(old) {
                    let (line, column) = override_key(&t, c, old)?.key;
                    let start = t.offset(line, column);
                    splices.push(Splice {
                        start,
                        end: start + old.len(),
                        with: new.clone(),
                    });
                    refs += 1;
                }
            }
            notes.push(format!(
                "renamed tier `{old}` to `{new}` and {refs} reference(s) to it"
            ));
            notes.push(format!(
                "warning: a published tier's name is part of its policies, its maas-default-gateway-tier-{old} service-account namespace and every token already issued for it: renaming breaks those tokens (gotcha 13); to relabel a tier, set --display-name instead"
            ));
        }
        TierEdit::Remove { name, force } => {
            let tier = find_tier(&input, name)?;
            let users: Vec<&Sp<crate::input::ModelInput>> = input
                .spec
                .models
                .iter()
                .filter(|m| {
                    m.tiers
                        .as_ref()
                        .is_some_and(|l| l.value.iter().any(|r| r.value == *name))
                })
                .collect();
            if !users.is_empty() && !force {
                let names: Vec<&str> = users.iter().map(|m| m.name.as_str()).collect();
                return Err(refuse(
                    Code::UnknownReference,
                    format!(
                        "tier `{name}` is still named by model(s) {}",
                        names.join(", ")
                    ),
                )
                .hint(
                    "remove it from those models first, or pass --force to remove it from them too",
                ));
            }
            let it = item(&t, tier.span, &format!("tier `{name}`"))?;
            splices.push(delete_lines(&t, it.line, it.end));
            for m in &users {
                for r in m.tiers.iter().flat_map(|l| l.value.iter()) {
                    if r.value == *name {
                        remove_item(&t, r.span, &mut splices);
                    }
                }
                notes.push(format!("removed `{name}` from model `{}`", m.name.value));
            }
            for c in &input.spec.clusters {
                if c.overrides.tiers.contains_key(name) {
                    let at = override_key(&t, c, name)?;
                    // The last entry takes its `tiers:` (and an emptied
                    // `overrides:`) along: an empty mapping reads as null.
                    let (line, column) = if c.overrides.tiers.len() > 1 {
                        at.key
                    } else if !c.overrides.models.is_empty() {
                        at.tiers
                    } else {
                        at.overrides
                    };
                    splices.push(delete_lines(&t, line, t.block_end(line, column)));
                    notes.push(format!(
                        "removed cluster `{}`'s override of `{name}`",
                        c.name.value
                    ));
                }
            }
        }
        TierEdit::AddGroup { name, group } => {
            let tier = find_tier(&input, name)?;
            if tier.groups.iter().any(|g| g.value == *group) {
                return Err(refuse(
                    Code::DuplicateName,
                    format!("tier `{name}` already names group `{group}`"),
                ));
            }
            let it = item(&t, tier.span, &format!("tier `{name}`"))?;
            add_to_list(&t, &it, "groups", group, &mut splices);
        }
        TierEdit::RemoveGroup { name, group } => {
            let tier = find_tier(&input, name)?;
            let g = tier
                .groups
                .iter()
                .find(|g| g.value == *group)
                .ok_or_else(|| {
                    refuse(
                        Code::UnknownReference,
                        format!("tier `{name}` does not name group `{group}`"),
                    )
                })?;
            remove_item(&t, g.span, &mut splices);
        }
    }
    Ok(Edited {
        text: t.apply(splices),
        notes,
    })
}

/// Appends `value` to the list under `key` in the item's mapping, in the
/// list's own style; writes `key: [value]` when there is no list.
fn add_to_list(t: &Text, it: &Item, key: &str, value: &str, out: &mut Vec<Splice>) {
    let Some(k) = t.find_key(it.line, it.end, it.key_column, key) else {
        set_entry(
            t,
            (it.line, it.end, it.key_column),
            key,
            &flow_list(&[value.to_string()]),
            out,
        );
        return;
    };
    let line = t.line(k);
    let body = text::strip_comment(line);
    let after_key = body.find(':').map_or("", |i| body[i + 1..].trim());
    if after_key.starts_with('[') {
        let from = t.line_start(k) + body.find('[').unwrap_or(0);
        let close = t.text[from..].find(']').map(|i| from + i);
        if let Some(close) = close {
            let inside = t.text[from + 1..close].trim();
            let with = if inside.is_empty() {
                scalar(value)
            } else {
                format!(", {}", scalar(value))
            };
            let at = from + 1 + t.text[from + 1..close].trim_end().len();
            out.push(Splice {
                start: at,
                end: at,
                with,
            });
            return;
        }
    }
    if after_key.is_empty() {
        let end = t.block_end(k, it.key_column);
        let last_item = (k + 1..=end)
            .rev()
            .map(|n| t.line(n))
            .find(|l| l.trim_start().starts_with("- "));
        let prefix = last_item.map_or_else(
            || format!("{}- ", spaces(it.key_column + 2)),
            |l| {
                let dash = l.find('-').unwrap_or(0);
                let rest = &l[dash + 1..];
                format!(
                    "{}-{}",
                    &l[..dash],
                    &rest[..rest.len() - rest.trim_start().len()]
                )
            },
        );
        out.push(insert_after(
            t,
            end,
            &[format!("{prefix}{}", scalar(value))],
        ));
        return;
    }
    // `key: value` (one scalar, or something unusual): rewrite as a list.
    set_entry(
        t,
        (it.line, it.end, it.key_column),
        key,
        &flow_list(&[after_key.to_string(), value.to_string()]),
        out,
    );
}

/// Why `maasc tier` changed nothing.
#[derive(Debug)]
pub enum Failure {
    Edit(EditError),
    /// The edited text fails the checker: its diagnostics.
    Check(crate::LoadError),
    Io(String),
}

impl Failure {
    pub fn render(&self) -> String {
        match self {
            Failure::Edit(e) => format!("{e}\n"),
            Failure::Check(e) => format!(
                "{}the edit was refused: the result would not pass `maasc validate`; nothing was written\n",
                e.render()
            ),
            Failure::Io(e) => format!("error: {e}\n"),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Io(_) => 2,
            _ => 1,
        }
    }
}

/// The result of a successful edit.
#[derive(Debug)]
pub struct Applied {
    pub before: String,
    pub after: String,
    pub notes: Vec<String>,
    /// Warnings of the checker on the edited text, rendered.
    pub warnings: String,
}

/// Reads `path`, edits it, checks the result like `maasc validate`, and
/// (unless `dry_run`) writes it atomically. Nothing is written on error.
pub fn apply(path: &Path, edit: &TierEdit, dry_run: bool) -> Result<Applied, Failure> {
    let before = crate::parse::read_text(path, crate::parse::MAX_INPUT_BYTES)
        .map_err(|d| Failure::Io(d.message))?;
    let edited = edit_text(path, &before, edit).map_err(Failure::Edit)?;
    let loaded = crate::load_text(path, edited.text.clone(), None).map_err(Failure::Check)?;
    let warnings = loaded.diagnostics.render(&loaded.sources);
    if !dry_run && edited.text != before {
        write_atomically(path, &edited.text).map_err(Failure::Io)?;
    }
    Ok(Applied {
        before,
        after: edited.text,
        notes: edited.notes,
        warnings,
    })
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never a part.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir: PathBuf = dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "maas.yaml".into());
    let tmp = dir.join(format!(".{name}.maasc-{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, text)
        .and_then(|()| {
            if let Ok(meta) = std::fs::metadata(path) {
                std::fs::set_permissions(&tmp, meta.permissions())?;
            }
            std::fs::rename(&tmp, path)
        })
        .map_err(|e| format!("cannot write {}: {e}", path.display()));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

//! The clap side of `maasc tier`: arguments, read-only views, and running
//! an edit.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::{RateArg, TierEdit, TierFields};
use crate::model::{Platform, Tier};

/// `maasc tier …`
#[derive(clap::Args, Debug)]
pub struct TierArgs {
    /// The maas.yaml to read (and edit in place).
    #[arg(short = 'f', long = "file", default_value = "maas.yaml", global = true)]
    pub file: PathBuf,
    #[command(subcommand)]
    pub command: TierCommand,
}

/// Output format of the read-only tier commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Fields `add` and `set` write.
#[derive(clap::Args, Debug, Default)]
pub struct FieldArgs {
    /// Highest level wins when a user is in several tiers; unique.
    #[arg(long)]
    pub level: Option<i64>,
    /// A group whose members get the tier (repeat for several; replaces the list with `set`).
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// Requests per user per window, e.g. 60/1m.
    #[arg(long)]
    pub requests: Option<RateArg>,
    /// Tokens per user per window, e.g. 100k/1h.
    #[arg(long)]
    pub tokens: Option<RateArg>,
    #[arg(long)]
    pub display_name: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
}

impl FieldArgs {
    fn fields(&self) -> TierFields {
        TierFields {
            level: self.level,
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            groups: (!self.groups.is_empty()).then(|| self.groups.clone()),
            requests: self.requests,
            tokens: self.tokens,
        }
    }
}

/// Options of every editing command.
#[derive(clap::Args, Debug, Default)]
pub struct EditOpts {
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum TierCommand {
    /// List the tiers: level, groups, limits, models.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Show one tier, its models and its per-cluster limits.
    Show {
        name: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Add a tier (after the last one, in its style).
    ///
    /// Example: maasc tier add gold --level 30 --group gold-users --requests 60/1m --tokens 100k/1h
    Add {
        name: String,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Change a tier's level, groups, limits, display name or description (never its name).
    Set {
        name: String,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Rename a tier and every reference to it (breaks issued tokens: gotcha 13).
    Rename {
        old: String,
        new: String,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Remove a tier and its cluster overrides; refused while models name it.
    Remove {
        name: String,
        /// Also remove the tier from the models that name it.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Add a group to a tier.
    AddGroup {
        name: String,
        group: String,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Remove a group from a tier.
    RemoveGroup {
        name: String,
        group: String,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// The tier a group's members get: the highest level among the tiers
    /// naming the group or system:authenticated.
    Which {
        group: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Serialize)]
struct TierView<'a> {
    name: &'a str,
    level: i64,
    display_name: Option<&'a str>,
    description: Option<&'a str>,
    groups: &'a [String],
    requests: Option<String>,
    tokens: Option<String>,
    models: Vec<String>,
    /// Limits per cluster where they differ from the tier's.
    overrides: Vec<(String, Option<String>, Option<String>)>,
}

fn rate(r: Option<crate::model::Rate>) -> Option<String> {
    r.map(|r| format!("{}/{}", r.limit, r.window))
}

fn view<'a>(p: &'a Platform, t: &'a Tier) -> TierView<'a> {
    TierView {
        name: t.name.as_str(),
        level: t.level,
        display_name: t.display_name.as_deref(),
        description: t.description.as_deref(),
        groups: &t.groups,
        requests: rate(t.limits.requests),
        tokens: rate(t.limits.tokens),
        models: p
            .models
            .iter()
            .filter(|m| m.tiers.contains(&t.name))
            .map(|m| format!("{}/{}", m.namespace, m.name))
            .collect(),
        overrides: p
            .clusters
            .iter()
            .filter_map(|c| {
                c.tier_limits
                    .get(&t.name)
                    .map(|l| (c.name.to_string(), rate(l.requests), rate(l.tokens)))
            })
            .collect(),
    }
}

fn json(v: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

fn or_dash(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

/// `maasc tier list`.
pub fn list(p: &Platform, format: Format) -> String {
    let mut tiers: Vec<&Tier> = p.tiers.iter().collect();
    tiers.sort_by(|a, b| b.level.cmp(&a.level).then(a.name.cmp(&b.name)));
    let views: Vec<TierView> = tiers.iter().map(|t| view(p, t)).collect();
    if format == Format::Json {
        return json(&views);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:>5}  {:<14} {:<16} {:>6}  groups",
        "tier", "level", "requests", "tokens", "models"
    );
    for v in &views {
        let _ = writeln!(
            out,
            "{:<16} {:>5}  {:<14} {:<16} {:>6}  {}",
            v.name,
            v.level,
            or_dash(&v.requests),
            or_dash(&v.tokens),
            v.models.len(),
            v.groups.join(", ")
        );
    }
    out
}

/// `maasc tier show NAME`.
pub fn show(p: &Platform, name: &str, format: Format) -> Option<String> {
    let t = p.tiers.iter().find(|t| t.name.as_str() == name)?;
    let v = view(p, t);
    if format == Format::Json {
        return Some(json(&v));
    }
    let mut out = String::new();
    let _ = writeln!(out, "tier:        {}", v.name);
    let _ = writeln!(out, "level:       {}", v.level);
    if let Some(d) = v.display_name {
        let _ = writeln!(out, "displayName: {d}");
    }
    if let Some(d) = v.description {
        let _ = writeln!(out, "description: {d}");
    }
    let _ = writeln!(out, "groups:      {}", v.groups.join(", "));
    let _ = writeln!(out, "requests:    {}", or_dash(&v.requests));
    let _ = writeln!(out, "tokens:      {}", or_dash(&v.tokens));
    for (c, r, k) in &v.overrides {
        let _ = writeln!(
            out,
            "on {c}:       requests {}, tokens {}",
            or_dash(r),
            or_dash(k)
        );
    }
    let _ = writeln!(out, "models:      {}", v.models.join(", "));
    Some(out)
}

#[derive(Serialize)]
struct Which<'a> {
    group: &'a str,
    /// Tiers naming the group (or system:authenticated), highest level first.
    tiers: Vec<(&'a str, i64)>,
    /// The one in effect: the highest level.
    effective: Option<&'a str>,
}

/// `maasc tier which GROUP`.
pub fn which(p: &Platform, group: &str, format: Format) -> String {
    let mut tiers: Vec<&Tier> = p
        .tiers
        .iter()
        .filter(|t| {
            t.groups
                .iter()
                .any(|g| g == group || g == crate::access::AUTHENTICATED)
        })
        .collect();
    tiers.sort_by(|a, b| b.level.cmp(&a.level).then(a.name.cmp(&b.name)));
    let w = Which {
        group,
        tiers: tiers.iter().map(|t| (t.name.as_str(), t.level)).collect(),
        effective: tiers.first().map(|t| t.name.as_str()),
    };
    if format == Format::Json {
        return json(&w);
    }
    match w.effective {
        None => format!("{group}: no tier\n"),
        Some(e) => {
            let all: Vec<String> = w.tiers.iter().map(|(n, l)| format!("{n} ({l})")).collect();
            format!("{group}: {e} (of {})\n", all.join(", "))
        }
    }
}

/// Runs `maasc tier`; returns the exit code.
pub fn run(args: &TierArgs) -> u8 {
    let edit = match &args.command {
        TierCommand::List { .. } | TierCommand::Show { .. } | TierCommand::Which { .. } => {
            return read_only(args);
        }
        TierCommand::Add { name, fields, .. } => TierEdit::Add {
            name: name.clone(),
            fields: fields.fields(),
        },
        TierCommand::Set { name, fields, .. } => TierEdit::Set {
            name: name.clone(),
            fields: fields.fields(),
        },
        TierCommand::Rename { old, new, .. } => TierEdit::Rename {
            old: old.clone(),
            new: new.clone(),
        },
        TierCommand::Remove { name, force, .. } => TierEdit::Remove {
            name: name.clone(),
            force: *force,
        },
        TierCommand::AddGroup { name, group, .. } => TierEdit::AddGroup {
            name: name.clone(),
            group: group.clone(),
        },
        TierCommand::RemoveGroup { name, group, .. } => TierEdit::RemoveGroup {
            name: name.clone(),
            group: group.clone(),
        },
    };
    let dry_run = match &args.command {
        TierCommand::Add { opts, .. }
        | TierCommand::Set { opts, .. }
        | TierCommand::Rename { opts, .. }
        | TierCommand::Remove { opts, .. }
        | TierCommand::AddGroup { opts, .. }
        | TierCommand::RemoveGroup { opts, .. } => opts.dry_run,
        _ => false,
    };
    match super::apply(&args.file, &edit, dry_run) {
        Ok(applied) => {
            eprint!("{}", applied.warnings);
            let name = args.file.display().to_string();
            let diff = similar::TextDiff::from_lines(&applied.before, &applied.after);
            let mut patch = diff
                .unified_diff()
                .context_radius(2)
                .header(&name, &name)
                .to_string();
            if !patch.is_empty() && !patch.ends_with('\n') {
                patch.push('\n');
            }
            if dry_run {
                crate::stdout::out!("{patch}");
            }
            for n in &applied.notes {
                eprintln!("{n}");
            }
            if applied.before == applied.after {
                eprintln!("{name}: nothing to change");
            } else if dry_run {
                eprintln!("{name}: dry run, nothing written");
            } else {
                eprintln!("{name}: written; commit it and run `maasc generate`");
            }
            0
        }
        Err(f) => {
            eprint!("{}", f.render());
            f.exit_code()
        }
    }
}

fn read_only(args: &TierArgs) -> u8 {
    let loaded = match crate::access::load_reporting(&args.file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let p = &loaded.platform;
    let out = match &args.command {
        TierCommand::List { format } => list(p, *format),
        TierCommand::Show { name, format } => match show(p, name, *format) {
            Some(s) => s,
            None => {
                eprintln!("error[E012]: no tier `{name}`");
                return 1;
            }
        },
        TierCommand::Which { group, format } => which(p, group, *format),
        _ => unreachable!("editing commands do not come here"),
    };
    crate::stdout::out!("{out}");
    0
}

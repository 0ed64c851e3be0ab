//! The smoke test of one cluster: a POSIX `sh` + `curl` script a user runs
//! after ArgoCD synced the cluster. Generated from the [access
//! matrix](crate::access), so it tests exactly what maas.yaml says.
//!
//! For each tier it obtains a token the way the cluster's era does, lists
//! the models, calls every model the tier reaches (expects 200) and one it
//! does not (expects 401 or 403); on the tier with the smallest request
//! limit it then exceeds that limit (expects 429). It prints a pass/fail
//! table and exits 1 when a check failed.
//!
//! Endpoints followed (reference README §7, §8; request and response
//! fields from opendatahub-io/models-as-a-service `maas-api`,
//! `internal/token/types.go` and `internal/api_keys/{handler,service}.go`):
//! - tier era (ODH v0.0.2 / RHOAI 3.0–3.3): the user's OpenShift token is
//!   exchanged for a MaaS token with `POST /maas-api/v1/tokens`
//!   (`{"expiration": "1h"}` → `{"token": …}`), through the `/maas-api`
//!   prefix of `maas-api-route`;
//! - subscription era (ODH main after v0.1, RHOAI 3.4+): an ephemeral API
//!   key (`sk-oai-…`, one hour) bound to the tier's MaaSSubscription is
//!   created with `POST /maas-api/v1/api-keys` (`{"name", "subscription":
//!   "<tier>-subscription", "ephemeral": true}` → `{"key": …}`); a key
//!   reaches the models of the subscription it is bound to;
//! - both: `GET /v1/models`, and inference at
//!   `/<namespace>/<model>/v1/chat/completions` (`/v1/embeddings` for models
//!   served with `--task=embed`), the path the gateway AuthPolicy reads the
//!   LLMInferenceService namespace and name from.
//!
//! No secret is ever written into the script: each tier's credentials come
//! from `MAAS_OCP_TOKEN_<TIER>` (an OpenShift token of a user whose highest
//! tier is that tier); a tier whose variable is unset is skipped.

use std::fmt::Write as _;

use crate::access::{ClusterAccess, ModelColumn, TierRow, cluster_access};
use crate::model::{Cluster, MaasApi, Platform};

/// The most requests the script sends to exceed a request limit.
const MAX_LIMIT_PROBE: u64 = 100;

/// `'text'`, safe in sh.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The environment variable holding `tier`'s OpenShift token.
pub fn token_var(tier: &str) -> String {
    format!(
        "MAAS_OCP_TOKEN_{}",
        tier.to_ascii_uppercase().replace(['-', '.'], "_")
    )
}

/// What a token of `tier` reaches (a user whose highest tier it is, in the
/// tier era; a key bound to its subscription, in the subscription era), and
/// one model it does not reach.
fn expectations<'a>(
    access: &'a ClusterAccess,
    tier: &TierRow,
) -> (Vec<&'a ModelColumn>, Option<&'a ModelColumn>) {
    let granted = |m: &ModelColumn| access.grant(&tier.name, &m.id).is_some();
    // An additional tenant's models answer on its own Gateway, to keys of
    // its own maas-api: this script speaks to the default tenant's.
    let default_tenant = || access.models.iter().filter(|m| m.tenant.is_none());
    let reach = default_tenant().filter(|m| granted(m)).collect();
    let denied = default_tenant().find(|m| !granted(m));
    (reach, denied)
}

fn call(m: &ModelColumn) -> String {
    format!(
        "call {} {} {} {}",
        sh_quote(&m.namespace),
        sh_quote(&m.name),
        sh_quote(&m.served_name),
        if m.embeddings { "embeddings" } else { "chat" }
    )
}

const PRELUDE: &str = r#"
BASE="https://${MAAS_HOST:-$DEFAULT_HOST}"
PASS=0
FAIL=0
SKIP=0
TABLE=""

# record CHECK TIER EXPECTED GOT: one row of the result table.
record() {
  case "|$3|" in
    *"|$4|"*) result=PASS; PASS=$((PASS + 1)) ;;
    *) result=FAIL; FAIL=$((FAIL + 1)) ;;
  esac
  TABLE="$TABLE$(printf '%-5s %-14s %-8s %-4s %s' "$result" "$2" "$3" "$4" "$1")
"
}

# skip CHECK TIER WHY
skip() {
  SKIP=$((SKIP + 1))
  TABLE="$TABLE$(printf '%-5s %-14s %-8s %-4s %s (%s)' SKIP "$2" - - "$1" "$3")
"
}

# status METHOD URL TOKEN [BODY]: the HTTP status code (000: no answer).
status() {
  if [ $# -ge 4 ]; then
    curl -sS -o /dev/null -w '%{http_code}' -X "$1" \
      -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
      --data "$4" "$2" 2>/dev/null || true
  else
    curl -sS -o /dev/null -w '%{http_code}' -X "$1" \
      -H "Authorization: Bearer $3" "$2" 2>/dev/null || true
  fi
}

# field NAME: the first string value of NAME in the JSON on stdin.
field() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# call NAMESPACE NAME MODEL chat|embeddings TOKEN: the status of one inference call.
call() {
  if [ "$4" = embeddings ]; then
    status POST "$BASE/$1/$2/v1/embeddings" "$5" "{\"model\": \"$3\", \"input\": \"ping\"}"
  else
    status POST "$BASE/$1/$2/v1/chat/completions" "$5" \
      "{\"model\": \"$3\", \"messages\": [{\"role\": \"user\", \"content\": \"ping\"}], \"max_tokens\": 1}"
  fi
}
"#;

const TIER_TOKEN: &str = r#"
# maas_token OPENSHIFT_TOKEN: a MaaS token for the gateway (tier era:
# POST /maas-api/v1/tokens exchanges the OpenShift token for a token of the
# user's tier).
maas_token() {
  curl -sS -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    --data '{"expiration": "1h"}' "$BASE/maas-api/v1/tokens" 2>/dev/null | field token || true
}
"#;

const SUBSCRIPTION_TOKEN: &str = r#"
# maas_token OPENSHIFT_TOKEN SUBSCRIPTION: an API key for the gateway
# (subscription era: POST /maas-api/v1/api-keys creates an ephemeral sk-oai-*
# key of the user, bound to SUBSCRIPTION, valid one hour).
maas_token() {
  curl -sS -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    --data "{\"name\": \"maasc-smoke-test\", \"subscription\": \"$2\", \"ephemeral\": true}" \
    "$BASE/maas-api/v1/api-keys" 2>/dev/null | field key || true
}
"#;

const SUMMARY: &str = r#"
printf '%-5s %-14s %-8s %-4s %s\n' RESULT TIER EXPECTED GOT CHECK
printf '%s' "$TABLE"
printf '\n%s passed, %s failed, %s skipped\n' "$PASS" "$FAIL" "$SKIP"
[ "$FAIL" -eq 0 ]
"#;

/// The tier whose request limit the script exceeds: the smallest limit a
/// tier with models has, if small enough to probe (tier era only).
fn limit_probe(access: &ClusterAccess) -> Option<(&TierRow, u64)> {
    access
        .tiers
        .iter()
        .filter(|t| access.grants_of(&t.name).next().is_some())
        .filter_map(|t| t.requests.map(|r| (t, r.limit)))
        .filter(|(_, l)| *l <= MAX_LIMIT_PROBE)
        .min_by_key(|(t, l)| (*l, std::cmp::Reverse(t.level)))
}

/// The smoke test script of `cluster`.
pub fn smoke_script(platform: &Platform, cluster: &Cluster) -> String {
    let a = cluster_access(platform, cluster);
    let era = match a.era {
        MaasApi::Tiers => "tier era: tokens from POST /maas-api/v1/tokens",
        MaasApi::Subscriptions => "subscription era: API keys from POST /maas-api/v1/api-keys",
    };
    let mut s = String::new();
    let _ = writeln!(s, "#!/bin/sh");
    let _ = writeln!(
        s,
        "# Smoke test of cluster {} ({era}).\n# Generated by maasc from maas.yaml: do not edit. Needs only sh and curl.",
        a.cluster
    );
    let _ = writeln!(s, "#");
    let _ = writeln!(
        s,
        "# Run it after ArgoCD synced the cluster. Credentials come from the\n# environment, never from this file: per tier, the OpenShift token\n# (`oc whoami -t`) of a user whose highest tier is that tier:"
    );
    for t in &a.tiers {
        let _ = writeln!(
            s,
            "#   {:<28} a member of {}",
            token_var(&t.name),
            if t.groups.is_empty() {
                "(no group: the tier grants nobody)".to_string()
            } else {
                t.groups.join(" or ")
            }
        );
    }
    let _ = writeln!(
        s,
        "# A tier whose variable is unset is skipped. MAAS_HOST replaces the gateway\n# hostname; CURL_CA_BUNDLE names the CA bundle of a private certificate."
    );
    let tenants: Vec<String> = a
        .models
        .iter()
        .filter_map(|m| m.tenant.as_ref().map(|t| format!("{} ({t})", m.id)))
        .collect();
    if !tenants.is_empty() {
        let _ = writeln!(
            s,
            "# Not checked here: the models of additional tenants, reached through\n# their tenant's Gateway with its own API keys: {}.",
            tenants.join(", ")
        );
    }
    let _ = writeln!(s, "\nset -eu\n");
    let _ = writeln!(s, "DEFAULT_HOST={}", sh_quote(&a.host));
    s.push_str(PRELUDE);
    s.push_str(match a.era {
        MaasApi::Tiers => TIER_TOKEN,
        MaasApi::Subscriptions => SUBSCRIPTION_TOKEN,
    });
    let probe = limit_probe(&a);
    for t in &a.tiers {
        let var = token_var(&t.name);
        let name = sh_quote(&t.name);
        let (reach, denied) = expectations(&a, t);
        let _ = writeln!(
            s,
            "\n# Tier {} (level {}): reaches {} model(s).",
            t.name,
            t.level,
            reach.len()
        );
        if t.groups.is_empty() {
            let _ = writeln!(
                s,
                "skip 'the tier has no group' {name} 'nobody can be in it'"
            );
            continue;
        }
        let _ = writeln!(s, "if [ -n \"${{{var}:-}}\" ]; then");
        match a.era {
            MaasApi::Tiers => {
                let _ = writeln!(s, "  token=$(maas_token \"${var}\")");
            }
            MaasApi::Subscriptions => {
                let _ = writeln!(
                    s,
                    "  token=$(maas_token \"${var}\" {})",
                    sh_quote(&format!("{}-subscription", t.name))
                );
            }
        }
        let _ = writeln!(s, "  if [ -z \"$token\" ]; then");
        let _ = writeln!(s, "    record 'obtain a token' {name} 200 none");
        let _ = writeln!(s, "  else");
        let _ = writeln!(s, "    record 'obtain a token' {name} 200 200");
        let _ = writeln!(
            s,
            "    record 'GET /v1/models' {name} 200 \"$(status GET \"$BASE/v1/models\" \"$token\")\""
        );
        // Stay under the tier's request limit until the probe: one request
        // listed the models, one goes to the denied model.
        let budget = t
            .requests
            .map_or(usize::MAX, |r| r.limit.saturating_sub(2) as usize);
        for (i, m) in reach.iter().enumerate() {
            let check = sh_quote(&format!("call {}", m.id));
            if i < budget {
                let _ = writeln!(
                    s,
                    "    record {check} {name} 200 \"$({} \"$token\")\"",
                    call(m)
                );
            } else {
                let _ = writeln!(
                    s,
                    "    skip {check} {name} 'would exceed the request limit'"
                );
            }
        }
        match denied {
            Some(m) => {
                let check = sh_quote(&format!("call {} (not granted)", m.id));
                let _ = writeln!(
                    s,
                    "    record {check} {name} '401|403' \"$({} \"$token\")\"",
                    call(m)
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "    skip 'call a model not granted' {name} 'the tier reaches every model'"
                );
            }
        }
        if let Some((p, limit)) = probe
            && p.name == t.name
            && let Some(m) = reach.first()
        {
            let window = p.requests.map(|r| r.window.to_string()).unwrap_or_default();
            let check = sh_quote(&format!("exceed {limit} requests per {window} on {}", m.id));
            let _ = writeln!(s, "    i=0");
            let _ = writeln!(s, "    got=000");
            let _ = writeln!(s, "    while [ \"$i\" -le {limit} ]; do");
            let _ = writeln!(s, "      got=$({} \"$token\")", call(m));
            let _ = writeln!(s, "      [ \"$got\" = 429 ] && break");
            let _ = writeln!(s, "      i=$((i + 1))");
            let _ = writeln!(s, "    done");
            let _ = writeln!(s, "    record {check} {name} 429 \"$got\"");
        }
        let _ = writeln!(s, "  fi");
        let _ = writeln!(s, "else");
        let _ = writeln!(s, "  skip 'all checks' {name} '{var} is not set'");
        let _ = writeln!(s, "fi");
    }
    if probe.is_none() {
        let why = match a.era {
            MaasApi::Subscriptions => {
                "the subscription era enforces token quotas only, no request limits"
            }
            MaasApi::Tiers => "no tier with models has a request limit of at most 100",
        };
        let _ = writeln!(s, "\nskip 'exceed a request limit' - {}", sh_quote(why));
    }
    s.push_str(SUMMARY);
    s
}

//! The client cheatsheet of one cluster: a markdown page with, per model,
//! its endpoint, how to get a token for each tier that reaches it, and
//! copy-paste examples (curl, the OpenAI Python client, Go `net/http`),
//! plus the limits per tier. Generated from the [access
//! matrix](crate::access); the endpoints are those of [`crate::smoke`].

use std::fmt::Write as _;

use crate::access::{ClusterAccess, Enforced, ModelColumn, cluster_access};
use crate::model::{Cluster, MaasApi, Platform};

fn opt(r: Option<Enforced>) -> String {
    r.map_or("none".to_string(), |r| {
        let unit = match r.window.to_string().chars().last() {
            Some('s') => "s",
            Some('m') => "min",
            Some('h') => "h",
            _ => "",
        };
        format!("{} per {}{unit}", r.limit, r.window.amount)
    })
}

fn token_section(a: &ClusterAccess, out: &mut String) {
    let _ = writeln!(out, "## Getting a token\n");
    let _ = writeln!(
        out,
        "Log in to the cluster as yourself (`oc login`), then exchange your OpenShift token:\n"
    );
    match a.era {
        MaasApi::Tiers => {
            let _ = writeln!(
                out,
                "```sh\nexport MAAS_TOKEN=$(curl -sS -X POST \\\n  -H \"Authorization: Bearer $(oc whoami -t)\" -H 'Content-Type: application/json' \\\n  --data '{{\"expiration\": \"4h\"}}' https://{}/maas-api/v1/tokens \\\n  | sed -n 's/.*\"token\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p')\n```\n",
                a.host
            );
            let _ = writeln!(
                out,
                "The token carries one tier: the highest-level tier among your groups. Being in a tier's group is how you get that tier; a user in several gets only the highest one. Revoke your tokens with `DELETE https://{}/maas-api/v1/tokens`.\n",
                a.host
            );
        }
        MaasApi::Subscriptions => {
            let _ = writeln!(
                out,
                "```sh\nexport MAAS_TOKEN=$(curl -sS -X POST \\\n  -H \"Authorization: Bearer $(oc whoami -t)\" -H 'Content-Type: application/json' \\\n  --data '{{\"name\": \"my-laptop\", \"subscription\": \"<tier>-subscription\", \"expiresIn\": \"30d\"}}' \\\n  https://{}/maas-api/v1/api-keys \\\n  | sed -n 's/.*\"key\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p')\n```\n",
                a.host
            );
            let _ = writeln!(
                out,
                "An API key (`sk-oai-…`, shown once) is bound to one subscription when it is created: there is one per tier, `<tier>-subscription`, and you may bind any whose groups you are in. Leave `subscription` out to bind the highest-priority one (the highest tier level). The key reaches that subscription's models with its token quota. Keep it secret like a password.\n"
            );
        }
    }
    let _ = writeln!(
        out,
        "List what your token reaches: `curl -sS -H \"Authorization: Bearer $MAAS_TOKEN\" https://{}/v1/models`\n",
        a.host
    );
}

fn tiers_section(a: &ClusterAccess, out: &mut String) {
    let _ = writeln!(out, "## Tiers and limits\n");
    let _ = writeln!(
        out,
        "Limits are per user. {}\n",
        match a.era {
            MaasApi::Tiers => "Requests and tokens are counted per tier's window.",
            MaasApi::Subscriptions =>
                "The subscription era enforces token quotas only: there is no request limit.",
        }
    );
    let _ = writeln!(
        out,
        "| tier | level | who gets it (groups) | requests | tokens | models |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for t in &a.tiers {
        let groups = if t.groups.is_empty() {
            "nobody".to_string()
        } else {
            t.groups
                .iter()
                .map(|g| format!("`{g}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {groups} | {} | {} | {} |",
            t.name,
            t.level,
            opt(t.requests),
            opt(t.tokens),
            a.grants_of(&t.name).count()
        );
    }
    out.push('\n');
}

fn body(m: &ModelColumn) -> String {
    if m.embeddings {
        format!("{{\"model\": \"{}\", \"input\": \"Hello\"}}", m.served_name)
    } else {
        format!(
            "{{\"model\": \"{}\", \"messages\": [{{\"role\": \"user\", \"content\": \"Hello\"}}]}}",
            m.served_name
        )
    }
}

fn model_section(a: &ClusterAccess, m: &ModelColumn, out: &mut String) {
    let path = if m.embeddings {
        "embeddings"
    } else {
        "chat/completions"
    };
    let url = format!("{}/{path}", m.base_url);
    let _ = writeln!(out, "### {}\n", m.id);
    let _ = writeln!(out, "- model name to send: `{}`", m.served_name);
    let _ = writeln!(out, "- endpoint: `{url}`");
    let _ = writeln!(out, "- OpenAI base URL: `{}`", m.base_url);
    if let Some(t) = &m.tenant {
        let _ = writeln!(
            out,
            "- tenant `{t}`: its own Gateway and maas-api; get the API key from `https://{}/maas-api/v1/api-keys`, not from the default one",
            m.host
        );
    }
    let grants: Vec<_> = a.grants.iter().filter(|g| g.model == m.id).collect();
    if grants.is_empty() {
        let _ = writeln!(
            out,
            "- reachable by: no tier (no tier with a group lists it)\n"
        );
        return;
    }
    let _ = writeln!(out, "- reachable by:");
    for g in &grants {
        let groups = a
            .tiers
            .iter()
            .find(|t| t.name == g.tier)
            .map(|t| t.groups.join("`, `"))
            .unwrap_or_default();
        let via = match a.era {
            MaasApi::Tiers => String::new(),
            MaasApi::Subscriptions => format!(" through subscription `{}`", g.via),
        };
        let _ = writeln!(
            out,
            "  - tier `{}`{via}: a token of a member of `{groups}`; requests {}, tokens {}",
            g.tier,
            opt(g.requests),
            opt(g.tokens)
        );
    }
    out.push('\n');
    let body = body(m);
    let _ = writeln!(
        out,
        "```sh\ncurl -sS {url} \\\n  -H \"Authorization: Bearer $MAAS_TOKEN\" -H 'Content-Type: application/json' \\\n  -d '{body}'\n```\n"
    );
    let python = if m.embeddings {
        format!(
            "print(client.embeddings.create(model=\"{}\", input=\"Hello\").data[0].embedding[:4])",
            m.served_name
        )
    } else {
        format!(
            "reply = client.chat.completions.create(\n    model=\"{}\",\n    messages=[{{\"role\": \"user\", \"content\": \"Hello\"}}],\n)\nprint(reply.choices[0].message.content)",
            m.served_name
        )
    };
    let _ = writeln!(
        out,
        "```python\nimport os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=\"{}\", api_key=os.environ[\"MAAS_TOKEN\"])\n{python}\n```\n",
        m.base_url
    );
    let go_body = body.replace('`', "");
    let _ = writeln!(
        out,
        "```go\npackage main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\nfunc main() {{\n\tbody := strings.NewReader(`{go_body}`)\n\treq, err := http.NewRequest(\"POST\", \"{url}\", body)\n\tif err != nil {{\n\t\tpanic(err)\n\t}}\n\treq.Header.Set(\"Authorization\", \"Bearer \"+os.Getenv(\"MAAS_TOKEN\"))\n\treq.Header.Set(\"Content-Type\", \"application/json\")\n\tresp, err := http.DefaultClient.Do(req)\n\tif err != nil {{\n\t\tpanic(err)\n\t}}\n\tdefer resp.Body.Close()\n\tout, _ := io.ReadAll(resp.Body)\n\tfmt.Println(resp.Status, string(out))\n}}\n```\n"
    );
}

/// The client cheatsheet of `cluster`, as markdown.
pub fn cheatsheet(platform: &Platform, cluster: &Cluster) -> String {
    let a = cluster_access(platform, cluster);
    let mut out = String::new();
    let _ = writeln!(out, "# Calling the models of cluster `{}`\n", a.cluster);
    let _ = writeln!(
        out,
        "Generated by maasc from maas.yaml: do not edit. Gateway: `https://{}`. MaaS API: {}.\n",
        a.host,
        match a.era {
            MaasApi::Tiers => "tier era (RHOAI 3.0–3.3)",
            MaasApi::Subscriptions => "subscription era (RHOAI 3.4+)",
        }
    );
    let _ = writeln!(
        out,
        "A `429` answer means a limit was reached: wait for its window. `401`: the token is missing or expired. `403`: your tier does not reach that model.\n"
    );
    token_section(&a, &mut out);
    tiers_section(&a, &mut out);
    let _ = writeln!(out, "## Models\n");
    for m in &a.models {
        model_section(&a, m, &mut out);
    }
    out
}

//! Reading a KRM ResourceList from untrusted text, JSON or YAML, under the
//! same budgets for both: nesting depth, number of nodes, no duplicate keys,
//! no number a JSON document cannot hold (`.nan`, `.inf`, `1e400`).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Deepest nesting accepted (items may be CRDs with deep schemas).
pub const MAX_DEPTH: usize = 256;
/// Most nodes (mappings, sequences, scalars) accepted: the YAML reader's
/// default budget, now for JSON too.
pub const MAX_NODES: usize = 250_000;

/// A ResourceList read from `input`, and whether it was JSON (the answer is
/// written in the same syntax). The error is a message for a user.
pub fn read(input: &str, max_bytes: usize) -> Result<(Value, bool), String> {
    if input.len() > max_bytes {
        return Err(format!("it is larger than {max_bytes} bytes"));
    }
    NODES.with(|n| n.set(0));
    if input.trim_start().starts_with('{') {
        // JSON is YAML too, but serde_json reads it many times faster. Flow
        // YAML (`{kind: ResourceList}`) and JSON deeper than serde_json's own
        // limit take the YAML way below, under the same budgets.
        let mut de = serde_json::Deserializer::from_str(input);
        if let Ok(v) = Seed(0)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
        {
            return Ok((v, true));
        }
        if let Err(e) = serde_json::from_str::<de::IgnoredAny>(input)
            && !e.to_string().contains("recursion limit")
            && e.classify() != serde_json::error::Category::Syntax
        {
            return Err(clean(&e.to_string()));
        }
    }
    NODES.with(|n| n.set(0));
    let mut options = crate::parse::budget_options(max_bytes, MAX_DEPTH);
    if let Some(b) = options.budget.as_mut() {
        b.max_nodes = MAX_NODES;
    }
    // YAML 1.2 booleans, as kyaml reads them: `y`, `yes`, `on` in an item
    // stay strings, so items come back as they came.
    options.strict_booleans = true;
    serde_saphyr::from_str_with_options::<Root>(input, options)
        .map(|v| (v.0, false))
        .map_err(|e| clean(&e.to_string()))
}

/// The reader's message without its advice to programmers (it names its own
/// API, which means nothing to a user) and on one line.
fn clean(message: &str) -> String {
    let line = crate::parse::first_line(message);
    line.replace(
        "recursion limit exceeded",
        &format!("budget exceeded: nested deeper than {MAX_DEPTH} levels"),
    )
    .replace(
        " rejected by the configured policy",
        " is not allowed: a ResourceList holds finite numbers only (quote it to make it a string)",
    )
}

thread_local! {
    /// Nodes read so far by the current [`read`].
    static NODES: Cell<usize> = const { Cell::new(0) };
}

/// The whole document, read through [`Seed`].
struct Root(Value);

impl<'de> serde::Deserialize<'de> for Root {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Root, D::Error> {
        Seed(0).deserialize(d).map(Root)
    }
}

/// Reads one value at nesting depth `.0`, counting nodes.
struct Seed(usize);

impl Seed {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let n = NODES.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        if n > MAX_NODES {
            return Err(E::custom(format!(
                "budget exceeded: more than {MAX_NODES} nodes"
            )));
        }
        if self.0 > MAX_DEPTH {
            return Err(E::custom(format!(
                "budget exceeded: nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-compatible value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.count()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.count()?;
        Number::from_f64(v).map(Value::Number).ok_or_else(|| {
            E::custom(format!(
                "the number {v} is not allowed: a ResourceList holds finite numbers only (quote it to make it a string)"
            ))
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.count()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.count()?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.count()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(self.0 + 1))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.count()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate mapping key: {key}")));
            }
            let v = map.next_value_seed(Seed(self.0 + 1))?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

//! Validated values: Kubernetes quantities, rate-limit windows and model
//! parameter counts.

use std::fmt;

use serde::Serialize;

/// A Kubernetes resource quantity (`4`, `500m`, `16Gi`, `1.5`, `1e3`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Quantity(String);

const SUFFIXES: &[&str] = &[
    "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
];

impl Quantity {
    pub(crate) fn parse(s: &str) -> Result<Quantity, String> {
        let body = s.strip_prefix(['+', '-']).unwrap_or(s);
        let digits_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, suffix) = body.split_at(digits_end);
        let valid_number = !number.is_empty()
            && number != "."
            && number.matches('.').count() <= 1
            && number.chars().any(|c| c.is_ascii_digit());
        let valid_suffix = SUFFIXES.contains(&suffix) || is_exponent(suffix);
        if !valid_number || !valid_suffix {
            return Err(format!(
                "`{s}` is not a Kubernetes quantity (a number with an optional suffix such as m, Ki, Mi, Gi, k, M, G)"
            ));
        }
        if s.starts_with('-') {
            return Err(format!("`{s}` is negative"));
        }
        Ok(Quantity(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_exponent(s: &str) -> bool {
    let Some(rest) = s.strip_prefix(['e', 'E']) else {
        return false;
    };
    let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WindowUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl WindowUnit {
    fn suffix(self) -> char {
        match self {
            WindowUnit::Seconds => 's',
            WindowUnit::Minutes => 'm',
            WindowUnit::Hours => 'h',
            WindowUnit::Days => 'd',
        }
    }
}

/// A rate-limit window `<int><s|m|h|d>`, e.g. `2m` or `1d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    pub(crate) amount: u32,
    pub(crate) unit: WindowUnit,
}

impl Window {
    pub(crate) const ONE_SECOND: Window = Window {
        amount: 1,
        unit: WindowUnit::Seconds,
    };

    pub(crate) fn parse(s: &str) -> Result<Window, String> {
        let bad = || {
            format!("`{s}` is not a window: write a whole number and a unit, e.g. 30s, 2m, 1h, 1d")
        };
        let (digits, unit) = split_last_char(s);
        let unit = match unit {
            "s" => WindowUnit::Seconds,
            "m" => WindowUnit::Minutes,
            "h" => WindowUnit::Hours,
            "d" => WindowUnit::Days,
            _ => return Err(bad()),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let amount: u32 = digits.parse().map_err(|_| bad())?;
        if amount == 0 {
            return Err(format!("`{s}` is an empty window: it must be at least 1"));
        }
        Ok(Window { amount, unit })
    }

    pub fn seconds(&self) -> u64 {
        let unit = match self.unit {
            WindowUnit::Seconds => 1,
            WindowUnit::Minutes => 60,
            WindowUnit::Hours => 3600,
            WindowUnit::Days => 86_400,
        };
        u64::from(self.amount) * unit
    }

    /// The window as MaaSSubscription accepts it (`^[1-9]\d{0,3}(s|m|h)$`):
    /// days become hours; `None` when no such spelling exists.
    pub fn for_subscriptions(&self) -> Option<Window> {
        self.without_days(9_999)
    }

    /// The window as Kuadrant policies accept it (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`):
    /// days become hours; `None` when longer than 99999 units.
    pub fn for_kuadrant(&self) -> Option<Window> {
        self.without_days(99_999)
    }

    /// Days spelled as hours (neither API knows `d`), if the amount stays
    /// within `max_amount`.
    fn without_days(&self, max_amount: u32) -> Option<Window> {
        let candidate = match self.unit {
            WindowUnit::Days => Window {
                amount: self.amount.checked_mul(24)?,
                unit: WindowUnit::Hours,
            },
            _ => *self,
        };
        (candidate.amount <= max_amount).then_some(candidate)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A model's parameter count, e.g. `0.6B`, `8B`, `125M`.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Parameters {
    pub(crate) count: f64,
}

impl Parameters {
    pub(crate) fn parse(s: &str) -> Result<Parameters, String> {
        let bad = || format!("`{s}` is not a parameter count: write e.g. 0.6B, 8B, 70B or 125M");
        let (number, unit) = split_last_char(s);
        let scale = match unit {
            "B" | "b" => 1e9,
            "M" | "m" => 1e6,
            "T" | "t" => 1e12,
            _ => return Err(bad()),
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        if !value.is_finite() || value <= 0.0 {
            return Err(bad());
        }
        Ok(Parameters {
            count: value * scale,
        })
    }

    /// Bytes of fp16 weights plus the headroom vLLM needs for KV cache and
    /// activations (20%), in GiB.
    pub fn serving_memory_gib(&self) -> f64 {
        self.count * 2.0 * 1.2 / f64::from(1u32 << 30)
    }
}

/// `s` without its last character, and that character (never cuts a
/// multi-byte character in two).
fn split_last_char(s: &str) -> (&str, &str) {
    let cut = s.char_indices().last().map_or(0, |(i, _)| i);
    s.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_accept_kubernetes_syntax() {
        for ok in [
            "4", "500m", "16Gi", "1.5", "0.5", "1e3", "2E-1", "100M", "+1",
        ] {
            assert!(Quantity::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn quantities_refuse_other_text() {
        for bad in ["", "Gi", "16GB", "four", "1.2.3", "-1", "16 Gi", "1e", "."] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_parse_and_convert() {
        let w = Window::parse("2m").unwrap();
        assert_eq!(
            (w.amount, w.unit, w.seconds()),
            (2, WindowUnit::Minutes, 120)
        );
        assert_eq!(
            Window::parse("1d")
                .unwrap()
                .for_subscriptions()
                .unwrap()
                .to_string(),
            "24h"
        );
        assert_eq!(
            Window::parse("416d")
                .unwrap()
                .for_subscriptions()
                .unwrap()
                .to_string(),
            "9984h"
        );
        assert!(Window::parse("500d").unwrap().for_subscriptions().is_none());
        assert!(
            Window::parse("10000s")
                .unwrap()
                .for_subscriptions()
                .is_none()
        );
        assert_eq!(
            Window::parse("9999s")
                .unwrap()
                .for_subscriptions()
                .unwrap()
                .to_string(),
            "9999s"
        );
    }

    #[test]
    fn windows_refuse_bad_text() {
        for bad in ["", "m", "0m", "1w", "1.5h", "-1m", "1 m", "99999999999s"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parameters_parse_and_size() {
        assert_eq!(Parameters::parse("8B").unwrap().count, 8e9);
        assert_eq!(Parameters::parse("125M").unwrap().count, 125e6);
        let gib = Parameters::parse("8B").unwrap().serving_memory_gib();
        assert!(gib > 17.0 && gib < 18.5, "{gib}");
        for bad in ["", "B", "8", "eightB", "-1B", "0B"] {
            assert!(Parameters::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Pins: measured curves frozen on the plot, with a label, so that a student changes one
//! thing and sees the difference. A pin carries its curves' numbers (mean risk per n, 4
//! significant digits) in the link itself, so a shared link redraws them exactly, with no
//! run, this year and later.
//!
//! Syntax of the `pins` value (every character fragment-safe, nothing to escape):
//! `pins=PIN;PIN…` (at most [`MAX_PINS`]), `PIN = LABEL~CURVE~CURVE…` (at most
//! [`MAX_CURVES`] curves), `CURVE = METHOD*M*WIDTH*N:RISK,N:RISK…` where M is `-` for a curve
//! with no pre-training, RISK is `-` where no seed finished, and the n are strictly
//! increasing. LABEL is 1-24 characters of `A-Z a-z 0-9 . _ = + -`. The empty value means
//! no pins.

use serde::{Deserialize, Serialize};

use super::text::{quote, round4};
use super::{ConfigError, Method};

/// Most pins a link holds.
pub const MAX_PINS: usize = 4;
/// Most curves of one pin.
pub const MAX_CURVES: usize = 16;
/// Most characters of a label.
pub const MAX_LABEL: usize = 24;

/// One pinned curve: its method, m and width, and its mean risk at each n.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PinCurve {
    /// Method id.
    pub method: Method,
    /// Source size (null without pre-training).
    pub m: Option<u64>,
    /// Backbone width.
    pub width: u32,
    /// Target sizes, strictly increasing.
    pub n: Vec<u64>,
    /// Mean risk at each n (null where no seed finished), 4 significant digits.
    pub risk: Vec<Option<f64>>,
}

/// A pin: a label and its curves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Pin {
    /// What the legend calls it.
    pub label: String,
    /// Its curves.
    pub curves: Vec<PinCurve>,
}

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError::new("pins", message)
}

fn label_ok(label: &str) -> bool {
    (1..=MAX_LABEL).contains(&label.chars().count())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '=' | '+' | '-'))
}

fn int(text: &str, what: &str, lo: u64, hi: u64) -> Result<u64, ConfigError> {
    match text.parse::<u64>() {
        Ok(v) if text.bytes().all(|b| b.is_ascii_digit()) && (lo..=hi).contains(&v) => Ok(v),
        _ => Err(err(format!(
            "{what} {} is not a whole number in [{lo}, {hi}]",
            quote(text)
        ))),
    }
}

fn parse_curve(text: &str) -> Result<PinCurve, ConfigError> {
    let fields: Vec<&str> = text.split('*').collect();
    let [method, m, width, points] = fields[..] else {
        return Err(err(format!(
            "curve {} is not METHOD*M*WIDTH*POINTS",
            quote(text)
        )));
    };
    let method: Method = serde_json::from_value(serde_json::Value::String(method.into()))
        .map_err(|_| err(format!("{} is not a method", quote(method))))?;
    let m = match m {
        "-" => None,
        m => Some(int(m, "m", 10, 1_000_000)?),
    };
    let width = int(width, "width", 4, 1024)? as u32;
    let (mut n, mut risk) = (Vec::new(), Vec::new());
    for point in points.split(',') {
        let Some((x, r)) = point.split_once(':') else {
            return Err(err(format!("point {} is not N:RISK", quote(point))));
        };
        let x = int(x, "n", 4, 100_000)?;
        if n.last().is_some_and(|&last| x <= last) {
            return Err(err("the n of a curve must be strictly increasing"));
        }
        let r = match r {
            "-" => None,
            r => match r.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 && v < 1e6 => Some(v),
                _ => return Err(err(format!("risk {} is not a positive number", quote(r)))),
            },
        };
        n.push(x);
        risk.push(r);
    }
    if n.len() > 64 {
        return Err(err("a curve has more than 64 points"));
    }
    Ok(PinCurve {
        method,
        m,
        width,
        n,
        risk,
    })
}

/// Parse a `pins` value; the empty value is no pins.
pub fn parse_pins(text: &str) -> Result<Vec<Pin>, ConfigError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let pins: Vec<&str> = text.split(';').collect();
    if pins.len() > MAX_PINS {
        return Err(err(format!(
            "{} pins, at most {MAX_PINS} allowed",
            pins.len()
        )));
    }
    let mut out: Vec<Pin> = Vec::new();
    for pin in pins {
        let mut parts = pin.split('~');
        let label = parts.next().unwrap_or_default();
        if !label_ok(label) {
            return Err(err(format!(
                "label {} must be 1-{MAX_LABEL} characters of A-Z a-z 0-9 . _ = + -",
                quote(label)
            )));
        }
        if out.iter().any(|p| p.label == label) {
            return Err(err(format!("label {label} is used twice")));
        }
        let curves = parts.map(parse_curve).collect::<Result<Vec<_>, _>>()?;
        if curves.is_empty() || curves.len() > MAX_CURVES {
            return Err(err(format!(
                "pin {label} has {} curves (1-{MAX_CURVES} allowed)",
                curves.len()
            )));
        }
        out.push(Pin {
            label: label.to_string(),
            curves,
        });
    }
    Ok(out)
}

/// The `pins` value of `pins` (what [`parse_pins`] reads back to the same pins).
pub fn write_pins(pins: &[Pin]) -> String {
    pins.iter()
        .map(|p| {
            let curves = p.curves.iter().map(|c| {
                let points: Vec<String> =
                    c.n.iter()
                        .zip(&c.risk)
                        .map(|(n, r)| match r {
                            Some(r) => format!("{n}:{}", round4(*r)),
                            None => format!("{n}:-"),
                        })
                        .collect();
                format!(
                    "{}*{}*{}*{}",
                    c.method.id(),
                    c.m.map_or("-".to_string(), |m| m.to_string()),
                    c.width,
                    points.join(",")
                )
            });
            std::iter::once(p.label.clone())
                .chain(curves)
                .collect::<Vec<_>>()
                .join("~")
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "A~caulk-spline*300*32*64:0.05,128:0.03~scratch*-*32*64:0.09,128:-";

    #[test]
    fn pins_round_trip_and_round_to_4_digits() {
        let pins = parse_pins(ONE).unwrap();
        assert_eq!(pins[0].curves[1].m, None);
        assert_eq!(pins[0].curves[1].risk, vec![Some(0.09), None]);
        assert_eq!(write_pins(&pins), ONE);
        assert_eq!(round4(0.0123456), 0.01235);
        assert_eq!(parse_pins("").unwrap(), Vec::new());
    }

    #[test]
    fn bad_pins_name_the_key_and_what_is_wrong() {
        for (bad, says) in [
            ("A~caulk-spline*300*32*64:0.05;B~x", "curve"),
            ("a b~caulk-spline*300*32*64:0.05", "label"),
            ("A~nope*300*32*64:0.05", "not a method"),
            (
                "A~caulk-spline*300*32*128:0.05,64:0.1",
                "strictly increasing",
            ),
            ("A~caulk-spline*300*32*64:-0.5", "positive"),
            ("A~caulk-spline*300*32*64:NaN", "positive"),
            ("A~caulk-spline*5*32*64:0.1", "m"),
            ("A", "curves"),
            ("A~lora*-*32*64:1;A~lora*-*32*64:1", "twice"),
        ] {
            let e = parse_pins(bad).unwrap_err();
            assert_eq!(e.key, "pins");
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
        let five = ["P~lora*-*32*64:1"; 5].join(";");
        assert!(parse_pins(&five).unwrap_err().message.contains("at most 4"));
    }
}

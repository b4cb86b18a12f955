//! Your own curves in the link: the `table` key carries a small table of measured points
//! (a lab's own runs, imported on the page or by `caulk import`) so that a shared link
//! redraws it exactly. Values are kept to 4 significant digits, the link's precision, from
//! the moment of import, so the link and the table it came from give the same numbers.
//!
//! Syntax (every character fragment-safe): `table=CURVE;CURVE…`,
//! `CURVE = METHOD*M*POINT,POINT…` with M `-` for none, `POINT = N:ERROR` or
//! `N:ERROR:LO:HI` (a 95 % interval); a repeated N is another seed of that point. The empty
//! value is no table. Rows are validated by [`check_row`], the one set of rules for a
//! table's rows whether they come from a file or a link.

use serde::{Deserialize, Serialize};

use super::text::{quote, round4};
use super::{ConfigError, Method};

/// Largest n and m a table may give.
pub const MAX_SIZE: f64 = 1e9;

/// One measured point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The method whose colour and theory slope the curve takes.
    pub method: Method,
    /// Source size (none without pre-training).
    pub m: Option<u64>,
    /// Target sample size.
    pub n: u64,
    /// Measured error, > 0.
    pub error: f64,
    /// Its 95 % interval, if given.
    pub interval: Option<(f64, f64)>,
}

/// A row's cells as text, by column (`method`, `m`, `n`, `error`, `lo`, `hi`; empty: none).
pub struct Cells<'a> {
    /// Method id.
    pub method: Option<&'a str>,
    /// Source size.
    pub m: Option<&'a str>,
    /// Target size.
    pub n: Option<&'a str>,
    /// Error.
    pub error: Option<&'a str>,
    /// Interval, lower end.
    pub lo: Option<&'a str>,
    /// Upper end.
    pub hi: Option<&'a str>,
}

/// A row from its cells (values rounded to the link's 4 significant digits), or the column
/// at fault and what is wrong with it.
pub fn check_row(cells: &Cells) -> Result<Row, (&'static str, String)> {
    let method_text = cells.method.ok_or(("method", "missing".to_string()))?;
    let method: Method = serde_json::from_value(serde_json::Value::String(method_text.into()))
        .map_err(|_| {
            let ids: Vec<String> = Method::ALL.iter().map(|m| m.id()).collect();
            let ids = ids.join(", ");
            (
                "method",
                format!("`{}` is not one of {ids}", quote(method_text)),
            )
        })?;
    let whole = |col: &'static str, t: &str| -> Result<u64, (&'static str, String)> {
        t.parse::<f64>()
            .ok()
            .filter(|x| x.fract() == 0.0 && *x >= 1.0 && *x <= MAX_SIZE)
            .map(|x| x as u64)
            .ok_or((
                col,
                format!("`{}` is not a whole number from 1 to 10^9", quote(t)),
            ))
    };
    let positive = |col: &'static str, t: &str| -> Result<f64, (&'static str, String)> {
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0 && *x < 1e9)
            .map(round4)
            .ok_or((
                col,
                format!(
                    "`{}` is not a number above 0 (errors are drawn on a log scale)",
                    quote(t)
                ),
            ))
    };
    let m = cells.m.map(|t| whole("m", t)).transpose()?;
    let n = whole("n", cells.n.ok_or(("n", "missing".to_string()))?)?;
    let error = positive(
        "error",
        cells.error.ok_or(("error", "missing".to_string()))?,
    )?;
    let interval = match (cells.lo, cells.hi) {
        (None, None) => None,
        (Some(_), None) => return Err(("hi", "missing: lo is given, so hi must be too".into())),
        (None, Some(_)) => return Err(("lo", "missing: hi is given, so lo must be too".into())),
        (Some(lo), Some(hi)) => {
            let (lo, hi) = (positive("lo", lo)?, positive("hi", hi)?);
            if lo > error {
                return Err(("lo", format!("{lo} is above the error {error}")));
            }
            if hi < error {
                return Err(("hi", format!("{hi} is below the error {error}")));
            }
            Some((lo, hi))
        }
    };
    Ok(Row {
        method,
        m,
        n,
        error,
        interval,
    })
}

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError::new("table", message)
}

/// Parse a `table` value; the empty value is no table.
pub fn parse_table(text: &str) -> Result<Vec<Row>, ConfigError> {
    let mut rows = Vec::new();
    if text.is_empty() {
        return Ok(rows);
    }
    for (i, curve) in text.split(';').enumerate() {
        let here = |what: String| err(format!("curve {}: {what}", i + 1));
        let mut fields = curve.splitn(3, '*');
        let (Some(method), Some(m), Some(points)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(here("not METHOD*M*N:ERROR,…".into()));
        };
        for (j, point) in points.split(',').enumerate() {
            let parts: Vec<&str> = point.split(':').collect();
            let (n, error, lo, hi) = match parts[..] {
                [n, e] => (n, e, None, None),
                [n, e, lo, hi] => (n, e, Some(lo), Some(hi)),
                _ => {
                    return Err(here(format!(
                        "point {} is not N:ERROR or N:ERROR:LO:HI",
                        j + 1
                    )))
                }
            };
            let cells = Cells {
                method: Some(method),
                m: (m != "-").then_some(m),
                n: Some(n),
                error: Some(error),
                lo,
                hi,
            };
            let row = check_row(&cells)
                .map_err(|(col, why)| here(format!("point {}, {col}: {why}", j + 1)))?;
            rows.push(row);
        }
    }
    Ok(rows)
}

/// A curve of a table: its method and m.
type CurveKey = (Method, Option<u64>);

/// The `table` value of `rows`: one CURVE per (method, m) in order of first appearance,
/// its points in row order.
pub fn write_table(rows: &[Row]) -> String {
    let mut curves: Vec<(CurveKey, Vec<String>)> = Vec::new();
    for r in rows {
        let point = match r.interval {
            None => format!("{}:{}", r.n, r.error),
            Some((lo, hi)) => format!("{}:{}:{lo}:{hi}", r.n, r.error),
        };
        match curves.iter_mut().find(|(k, _)| *k == (r.method, r.m)) {
            Some((_, points)) => points.push(point),
            None => curves.push(((r.method, r.m), vec![point])),
        }
    }
    curves
        .iter()
        .map(|((method, m), points)| {
            let m = m.map_or("-".to_string(), |m| m.to_string());
            format!("{}*{m}*{}", method.id(), points.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_through_the_link() {
        let text = "lora*1000*64:0.08,256:0.045:0.04:0.05;scratch*-*64:0.3,64:0.31";
        let rows = parse_table(text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].interval, Some((0.04, 0.05)));
        assert_eq!(rows[2].m, None);
        assert_eq!(write_table(&rows), text);
        assert_eq!(parse_table("").unwrap(), vec![]);
        // Values keep 4 significant digits.
        let rows = parse_table("lora*-*64:0.123456").unwrap();
        assert_eq!(rows[0].error, 0.1235);
    }

    #[test]
    fn a_bad_table_in_the_link_names_curve_point_and_column() {
        for (text, want) in [
            ("lora", "curve 1: not METHOD"),
            ("lora*-*64", "curve 1: point 1 is not N:ERROR"),
            (
                "lora*-*64:0.1;magic*-*64:0.1",
                "curve 2: point 1, method: `magic` is not one of",
            ),
            ("lora*-*64:0.1,0:0.1", "curve 1: point 2, n:"),
            (
                "lora*-*64:0.1:0.2:0.3",
                "curve 1: point 1, lo: 0.2 is above the error 0.1",
            ),
            ("lora*x*64:0.1", "curve 1: point 1, m:"),
        ] {
            let e = parse_table(text).unwrap_err();
            assert_eq!(e.key, "table");
            assert!(e.message.starts_with(want), "{text}: {}", e.message);
        }
    }
}

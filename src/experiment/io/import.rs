//! Your own curves: a table of measured points, a lab's own adapter or LoRA scaling runs,
//! turned into [`Results`] so that the page and the CLI draw and summarise it exactly as they
//! do the app's own sweeps: fitted slopes with 95 % intervals, n_ε, the bound's constant C
//! calibrated with the theory's exponent fixed, and the claim (n_ε against m).
//!
//! A table is CSV (a header row, then one row per point; `,` between values, no quoting) or
//! JSON (a list of row objects, or `{"rows": [...]}`), with the columns
//!
//! | column | | |
//! |---|---|---|
//! | `method` | required | a method id of the app (`caulk-adapter`, `lora`, …): its colour and its theory slope |
//! | `m` | optional | the source size the backbone was pre-trained on (empty: none) |
//! | `n` | required | the target sample size, a whole number ≥ 1 |
//! | `error` | required | the measured error (excess risk, or a test loss), > 0 |
//! | `lo`, `hi` | optional | a 95 % interval of `error` (lo ≤ error ≤ hi) |
//!
//! Points of one curve (one method and m) with several rows at the same n are seeds of that
//! point, summarised as the sweeps' are (docs/science.md §8: the mean's log-normal interval,
//! the slope's jackknife-t interval over seeds; none with fewer than 3 seeds). A point of one row takes the interval its row gives, if any; the slope's
//! interval then comes from the least-squares fit of ln error on ln n: with intervals, each
//! point's standard error (ln hi − ln lo)/(2·1.96) propagated through the fit's weights
//! wⱼ = (xⱼ − x̄)/Sxx, SE² = Σ wⱼ²·seⱼ²; without, the residuals' SE² = RSS/((k − 2)·Sxx) and
//! Student's t with k − 2 degrees of freedom (k ≥ 3 points). The theory slope of a curve is
//! the config's caulking limit −2s/(2s+1) (scratch: −2s*/(2s*+d)), so α, β, s_φ and d are
//! the user's to set to their setting.
//!
//! Every problem is one line naming the row (1 = the first data row) and the column.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::table::{check_row, parse_table, Cells, Row};
use crate::config::{BackendChoice, Config, Method};
use crate::experiment::analysis::claim::{claim, signed};
use crate::experiment::analysis::curve::{method_name, CurveHead, CurveResult};
use crate::experiment::analysis::stats::{summarise, t975};
use crate::experiment::io::results::Results;
use crate::experiment::sweep::cost::Estimate;
use crate::experiment::sweep::rates::Rates;
use crate::theory::bounds::{caulk_limit_rate, scratch_rate, TheoryParams};
use crate::theory::power_law;

/// The columns a table may have.
pub const COLUMNS: &[&str] = &["method", "m", "n", "error", "lo", "hi"];
/// Most rows a table may hold.
pub const MAX_ROWS: usize = 5000;
/// Most curves (method, m) a table may hold.
pub const MAX_CURVES: usize = 24;
/// A row from its cells by column name, or one line naming row `r` and the column.
fn row(cells: &BTreeMap<String, Value>, r: usize) -> Result<Row, String> {
    let text: BTreeMap<&str, String> = cells
        .iter()
        .filter_map(|(k, v)| cell_text(v).map(|t| (k.as_str(), t)))
        .collect();
    let get = |k: &str| text.get(k).map(String::as_str);
    check_row(&Cells {
        method: get("method"),
        m: get("m"),
        n: get("n"),
        error: get("error"),
        lo: get("lo"),
        hi: get("hi"),
    })
    .map_err(|(column, why)| format!("row {r}, column `{column}`: {why}"))
}

/// A cell as text: None when empty (JSON null, or blank).
fn cell_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        other => Some(other.to_string()),
    }
}

/// The rows of a CSV table.
fn csv_rows(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("the table is empty")?;
    let names: Vec<String> = header
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    check_columns(&names)?;
    let mut rows = Vec::new();
    for (r, (_, line)) in lines.enumerate() {
        let r = r + 1;
        if r > MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows"));
        }
        let values: Vec<&str> = line.split(',').collect();
        if values.len() != names.len() {
            return Err(format!(
                "row {r}: {} values, the header has {} columns",
                values.len(),
                names.len()
            ));
        }
        let cells = names
            .iter()
            .zip(values)
            .map(|(k, v)| {
                (
                    k.clone(),
                    Value::String(v.trim().trim_matches('"').to_string()),
                )
            })
            .collect();
        rows.push(row(&cells, r)?);
    }
    Ok(rows)
}

/// Every column name known, none twice, the required ones there.
fn check_columns(names: &[String]) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if !COLUMNS.contains(&name.as_str()) {
            return Err(format!(
                "column `{}`: unknown (known: {})",
                crate::config::text::quote(name),
                COLUMNS.join(", ")
            ));
        }
        if names[..i].contains(name) {
            return Err(format!("column `{name}`: given twice"));
        }
    }
    for need in ["method", "n", "error"] {
        if !names.iter().any(|n| n == need) {
            return Err(format!("column `{need}`: missing from the header"));
        }
    }
    Ok(())
}

/// What a JSON table may be.
const NOT_A_TABLE: &str =
    "a JSON table is a list of rows, {\"rows\": [...]}, or a results export {\"curves\": [...]}";

/// The rows of a results export's curves: each seed's value at each n where the curve keeps
/// them (seeds again), else its mean with its interval; row numbers count these points.
fn results_rows(curves: &Value) -> Result<Vec<Row>, String> {
    let curves = curves.as_array().ok_or("`curves` is not a list")?;
    let mut rows = Vec::new();
    for (k, cv) in curves.iter().enumerate() {
        let bad = |what: &str| format!("curve {}: {what}", k + 1);
        let n = cv["n"].as_array().ok_or_else(|| bad("no `n` list"))?;
        for (j, nj) in n.iter().enumerate() {
            let seeds: Vec<Value> = cv["risks"]
                .get(j)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let points: Vec<(Value, Value, Value)> = if seeds.is_empty() {
                match &cv["risk_mean"][j] {
                    Value::Null => Vec::new(),
                    mean => vec![(
                        mean.clone(),
                        cv["risk_lo"][j].clone(),
                        cv["risk_hi"][j].clone(),
                    )],
                }
            } else {
                seeds
                    .into_iter()
                    .map(|e| (e, Value::Null, Value::Null))
                    .collect()
            };
            for (error, lo, hi) in points {
                if rows.len() >= MAX_ROWS {
                    return Err(format!("more than {MAX_ROWS} rows"));
                }
                let cells: BTreeMap<String, Value> = [
                    ("method", cv["method"].clone()),
                    ("m", cv["m"].clone()),
                    ("n", nj.clone()),
                    ("error", error),
                    ("lo", lo),
                    ("hi", hi),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                rows.push(row(&cells, rows.len() + 1)?);
            }
        }
    }
    Ok(rows)
}

/// The rows of a JSON table.
fn json_rows(text: &str) -> Result<Vec<Row>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let list = match &v {
        Value::Array(a) => a,
        // A results export ("Results as JSON", `caulk run --json`): its curves' points again.
        Value::Object(o) if o.contains_key("curves") => return results_rows(&o["curves"]),
        Value::Object(o) => o.get("rows").and_then(Value::as_array).ok_or(NOT_A_TABLE)?,
        _ => return Err(NOT_A_TABLE.into()),
    };
    if list.len() > MAX_ROWS {
        return Err(format!("more than {MAX_ROWS} rows"));
    }
    let mut rows = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let obj = item
            .as_object()
            .ok_or_else(|| format!("row {}: not an object of columns", i + 1))?;
        let names: Vec<String> = obj.keys().cloned().collect();
        check_columns(&names).map_err(|e| format!("row {}, {e}", i + 1))?;
        let cells = obj.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        rows.push(row(&cells, i + 1)?);
    }
    Ok(rows)
}

/// The 95 % interval of the least-squares slope of ln y on ln n (one value per point):
/// from the points' own intervals where every point has one, else from the residuals.
fn slope_interval(n: &[f64], y: &[f64], intervals: &[Option<(f64, f64)>]) -> Option<(f64, f64)> {
    let fit = power_law(n, y)?;
    let x: Vec<f64> = n.iter().map(|v| v.ln()).collect();
    let k = x.len();
    let mx = x.iter().sum::<f64>() / k as f64;
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let half = if intervals.iter().all(Option::is_some) {
        let var: f64 = x
            .iter()
            .zip(intervals.iter().flatten())
            .map(|(xi, (lo, hi))| {
                let se = (hi.ln() - lo.ln()) / (2.0 * 1.96);
                ((xi - mx) / sxx).powi(2) * se * se
            })
            .sum();
        1.96 * var.sqrt()
    } else {
        if k < 3 {
            return None;
        }
        let rss: f64 = x
            .iter()
            .zip(y)
            .map(|(xi, yi)| (yi.ln() - fit.intercept - fit.slope * xi).powi(2))
            .sum();
        t975(k - 2) * (rss / ((k - 2) as f64 * sxx)).sqrt()
    };
    Some((fit.slope - half, fit.slope + half))
}

/// One curve from its rows (all of one method and m).
fn curve(method: Method, m: Option<u64>, rows: &[&Row], c: &Config) -> Result<CurveResult, String> {
    let mut by_n: BTreeMap<u64, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by_n.entry(r.n).or_default().push(r);
    }
    let n: Vec<u64> = by_n.keys().copied().collect();
    let nf: Vec<f64> = n.iter().map(|v| *v as f64).collect();
    let risks: Vec<Vec<f64>> = by_n
        .values()
        .map(|p| p.iter().map(|r| r.error).collect())
        .collect();
    for (n, p) in &by_n {
        if p.len() > 1 && p.iter().any(|r| r.interval.is_some()) {
            return Err(format!(
                "{} m = {}: n = {n} has {} rows (seeds) and an interval (lo, hi); give either seeds or one row with its interval",
                method.id(),
                m.map_or("none".into(), |m| m.to_string()),
                p.len()
            ));
        }
    }
    let mut stats = summarise(&nf, &risks);
    if risks.iter().all(|r| r.len() == 1) {
        // One value per point: its interval is the row's (or none); the slope's from the fit.
        let intervals: Vec<Option<(f64, f64)>> = by_n.values().map(|p| p[0].interval).collect();
        stats.risk_lo = intervals.iter().map(|i| i.map(|(lo, _)| lo)).collect();
        stats.risk_hi = intervals.iter().map(|i| i.map(|(_, hi)| hi)).collect();
        let y: Vec<f64> = risks.iter().map(|r| r[0]).collect();
        let ci = slope_interval(&nf, &y, &intervals);
        stats.slope_lo = ci.map(|c| c.0);
        stats.slope_hi = ci.map(|c| c.1);
        // No seeds to count: the rows' own intervals, or none (said so, not "0/k in CI").
        stats.flags.retain(|f| !f.contains("no interval"));
        let given = intervals.iter().any(Option::is_some);
        stats.interval.risk = if given { "given" } else { "none" }.into();
        stats.interval.slope = match (ci, given) {
            (None, _) => "none",
            (Some(_), true) => "given-fit",
            (Some(_), false) => "t-fit",
        }
        .into();
        if !given {
            stats
                .flags
                .push("one row per point and no lo/hi: no interval for the risk".to_string());
        }
    }
    let p = TheoryParams::from_config(c);
    let predicted = -match method {
        Method::Scratch => scratch_rate(&p),
        _ => caulk_limit_rate(&p),
    };
    Ok(CurveResult::from_stats(
        CurveHead {
            label: match m {
                Some(m) => format!("yours: {} (m = {m})", method_name(method)),
                None => format!("yours: {}", method_name(method)),
            },
            method,
            m,
            width: 0,
            trainable: None,
            notes: Vec::new(),
        },
        n,
        stats,
        risks,
        Some(predicted),
        c.eps,
        Default::default(),
    ))
}

/// The rows of a table (CSV or JSON, told apart by its first character), values rounded to
/// the link's 4 significant digits; the first problem is one line naming row and column.
pub fn read_table(text: &str) -> Result<Vec<Row>, String> {
    let trimmed = text.trim_start();
    let rows = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json_rows(trimmed)?
    } else {
        csv_rows(text)?
    };
    if rows.is_empty() {
        return Err("the table has a header but no rows".into());
    }
    Ok(rows)
}

/// A table file as results under config `c` ([`read_table`], then [`results_of_rows`]);
/// `source` names it for the backend line.
pub fn import_table(text: &str, source: &str, c: &Config) -> Result<Results, String> {
    results_of_rows(&read_table(text)?, source, c)
}

/// The results of the config's own `table` key (the curves a link carries), if it has one.
pub fn table_results(c: &Config) -> Option<Result<Results, String>> {
    (!c.table.is_empty()).then(|| {
        let rows = parse_table(&c.table).map_err(|e| e.to_string())?;
        results_of_rows(&rows, "the link", c)
    })
}

/// Rows as results under config `c` (its ε, α, β, s_φ and d give n_ε and the theory slopes).
pub fn results_of_rows(rows: &[Row], source: &str, c: &Config) -> Result<Results, String> {
    let mut groups: BTreeMap<(usize, Option<u64>), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let order = Method::ALL.iter().position(|m| *m == r.method).unwrap_or(0);
        groups.entry((order, r.m)).or_default().push(r);
    }
    if groups.len() > MAX_CURVES {
        return Err(format!(
            "{} curves (method, m), at most {MAX_CURVES}",
            groups.len()
        ));
    }
    let curves = groups
        .iter()
        .map(|((order, m), rows)| curve(Method::ALL[*order], *m, rows, c))
        .collect::<Result<Vec<_>, _>>()?;
    // The claim reads n_ε and the risk at one n against m from the curves, as for a sweep.
    let mut config = c.clone();
    config.m = {
        let mut all: Vec<u64> = rows.iter().filter_map(|r| r.m).collect();
        all.sort_unstable();
        all.dedup();
        if all.is_empty() {
            c.m.clone()
        } else {
            all
        }
    };
    let mut claim = claim(&config, &curves, c.eps, c.at_n);
    for series in claim.iter_mut().flat_map(|cl| cl.series.iter_mut()) {
        series.label = format!("yours: {}", method_name(series.method));
    }
    let mut all_n: Vec<u64> = rows.iter().map(|r| r.n).collect();
    all_n.sort_unstable();
    all_n.dedup();
    config.n = all_n;
    let method_pairs = crate::experiment::analysis::paired::method_pairs(&curves);
    Ok(Results {
        // The table's own m and n grid, the rest the config's.
        config,
        method_pairs,
        backend: format!("imported: {source}, {} rows", rows.len()),
        prediction: format!(
            "your curves against the paper's caulking limit rate {} (its published summaries, m → ∞) and Stone's minimax rate from scratch {}, from this config's α, β, s_φ and d",
            signed(-caulk_limit_rate(&TheoryParams::from_config(c)), 3),
            signed(-scratch_rate(&TheoryParams::from_config(c)), 3)
        ),
        curves,
        constant_risk: None,
        constant_risks: Vec::new(),
        estimate: Estimate {
            units: 0,
            flops: 0.0,
            ridges: 0.0,
            gpu_s: 0.0,
            seconds: 0.0,
            bytes: 0.0,
            memory_limit: 0.0,
            shards: 0,
            backend: BackendChoice::Cpu,
            rates: Rates::cpu(1.0, 1.0),
        },
        elapsed_ms: 0.0,
        claim,
        cancelled: false,
        device_lost: None,
        steadiness: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_fragment("v=1&alpha=0.5&beta=1&eps=0.05")
            .unwrap()
            .0
    }

    #[test]
    fn a_power_law_table_gives_its_slope_n_eps_and_calibrated_constant() {
        // error = 2·n^(−0.5): slope −0.5 exactly, C = 2 with the theory's −0.5, n_ε = 1600.
        let mut csv = String::from("method,m,n,error\n");
        for n in [64, 256, 1024, 4096] {
            csv += &format!("lora,1000,{n},{}\n", 2.0 * (n as f64).powf(-0.5));
        }
        let r = import_table(&csv, "t.csv", &config()).unwrap();
        let c = &r.curves[0];
        assert_eq!(c.method, Method::Lora);
        assert_eq!(c.m, Some(1000));
        assert!((c.slope.unwrap() + 0.5).abs() < 1e-12);
        // A perfect fit: the residual interval collapses onto the slope.
        assert!(
            (c.slope_lo.unwrap() + 0.5).abs() < 1e-9 && (c.slope_hi.unwrap() + 0.5).abs() < 1e-9
        );
        assert!((c.predicted_slope.unwrap() + 0.5).abs() < 1e-12);
        assert!((c.calibrated_c.unwrap() - 2.0).abs() < 1e-12);
        // 2·n^(−1/2) = 0.05 at n = 1600, between the grid's 1024 and 4096 (log-log exact).
        assert!((c.n_eps.unwrap() - 1600.0).abs() < 1e-6, "{:?}", c.n_eps);
        assert_eq!(r.backend, "imported: t.csv, 4 rows");
    }

    #[test]
    fn seeds_are_summarised_as_a_sweeps_and_intervals_propagate_to_the_slope() {
        let mut csv = String::from("n,error,method\n");
        for (n, e) in [
            (100, 0.2),
            (100, 0.22),
            (100, 0.21),
            (400, 0.1),
            (400, 0.12),
            (400, 0.13),
            (1600, 0.05),
            (1600, 0.07),
            (1600, 0.06),
        ] {
            csv += &format!("{n},{e},caulk-adapter\n");
        }
        let r = import_table(&csv, "seeds", &config()).unwrap();
        let c = &r.curves[0];
        assert_eq!(c.seeds_done, vec![3, 3, 3]);
        assert!((c.risk_mean[0].unwrap() - 0.21).abs() < 1e-12);
        assert!(c.risk_lo[0].unwrap() < 0.21 && c.risk_hi[0].unwrap() > 0.21);
        assert!(c.slope_lo.unwrap() <= c.slope.unwrap() && c.slope.unwrap() <= c.slope_hi.unwrap());
        assert_eq!(
            (c.interval.risk.as_str(), c.interval.slope.as_str()),
            ("cox-log", "jackknife-t")
        );
        // Two seeds per n: the shape only, no interval, and the curve says so.
        let two: String = csv
            .lines()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0 || *i == 0)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        let c2 = &import_table(&two, "two", &config()).unwrap().curves[0];
        assert_eq!(c2.seeds_done, vec![2, 2, 2]);
        assert_eq!((c2.risk_lo[0], c2.slope_lo), (None, None));
        assert!(
            c2.flags
                .iter()
                .any(|f| f.starts_with("2 seeds: no interval")),
            "{:?}",
            c2.flags
        );
        // One row per point with its interval: the slope's interval widens with the points'.
        let narrow = import_table(
            "method,n,error,lo,hi\nlora,100,0.2,0.19,0.21\nlora,400,0.1,0.095,0.105\nlora,1600,0.05,0.0475,0.0525\n",
            "x",
            &config(),
        )
        .unwrap();
        let wide = import_table(
            "method,n,error,lo,hi\nlora,100,0.2,0.1,0.4\nlora,400,0.1,0.05,0.2\nlora,1600,0.05,0.025,0.1\n",
            "x",
            &config(),
        )
        .unwrap();
        let width = |r: &Results| r.curves[0].slope_hi.unwrap() - r.curves[0].slope_lo.unwrap();
        assert!(width(&narrow) < width(&wide));
        // ±5 % at each point: SE(ln) ≈ 0.0255, over ln n spaced by ln 4: half-width
        // 1.96·0.0255·sqrt(2)/(2·ln 4) ≈ 0.0255.
        assert!(
            (width(&narrow) / 2.0 - 0.0255).abs() < 0.002,
            "{}",
            width(&narrow)
        );
        assert_eq!(
            narrow.curves[0].risk_lo,
            vec![Some(0.19), Some(0.095), Some(0.0475)]
        );
    }

    #[test]
    fn several_m_give_the_claim_and_scratch_gets_the_scratch_rate() {
        let mut csv = String::from("method,m,n,error\n");
        for (m, floor) in [(300, 0.05), (3000, 0.02), (30000, 0.005)] {
            for n in [64, 256, 1024] {
                csv += &format!("caulk-adapter,{m},{n},{}\n", floor + (n as f64).powf(-0.5));
            }
        }
        csv += "scratch,,64,0.3\nscratch,,1024,0.1\n";
        let r = import_table(&csv, "x", &config()).unwrap();
        assert_eq!(r.curves.len(), 4);
        let claim = r.claim.expect("a claim over three m");
        assert_eq!(claim.series[0].rows.len(), 3);
        let scratch = r
            .curves
            .iter()
            .find(|c| c.method == Method::Scratch)
            .unwrap();
        // s* = αβ·min(s_φ, 1) = 0.5, d = 3: −2·0.5/(1 + 3) = −0.25.
        assert!((scratch.predicted_slope.unwrap() + 0.25).abs() < 1e-12);
        assert!(scratch
            .flags
            .iter()
            .any(|f| f.contains("rests on 2 points")));
    }

    #[test]
    fn each_bad_table_is_one_line_naming_row_and_column() {
        let cases = [
            ("", "the table is empty"),
            ("method,n\n", "column `error`: missing from the header"),
            ("method,n,error,colour\n", "column `colour`: unknown"),
            (
                "method,n,error\nlora,64\n",
                "row 1: 2 values, the header has 3 columns",
            ),
            (
                "method,n,error\nlora,64,0.1\nmagic,64,0.1\n",
                "row 2, column `method`: `magic` is not one of",
            ),
            (
                "method,n,error\nlora,64,0.1\nlora,12.5,0.1\n",
                "row 2, column `n`: `12.5` is not a whole number",
            ),
            (
                "method,n,error\nlora,64,-0.1\n",
                "row 1, column `error`: `-0.1` is not a number above 0",
            ),
            ("method,n,error\nlora,64,NaN\n", "row 1, column `error`"),
            (
                "method,n,error,lo,hi\nlora,64,0.1,0.2,0.3\n",
                "row 1, column `lo`: 0.2 is above the error 0.1",
            ),
            (
                "method,n,error,lo,hi\nlora,64,0.1,0.05,\n",
                "row 1, column `hi`: missing",
            ),
            (
                "method,n,error,lo,hi\nlora,64,0.1,0.05,0.2\nlora,64,0.1,0.05,0.2\n",
                "lora m = none: n = 64 has 2 rows",
            ),
            ("method,n,error\n", "the table has a header but no rows"),
            (
                "[{\"method\": \"lora\", \"n\": 64}]",
                "row 1, column `error`: missing",
            ),
            (
                "[{\"method\": \"lora\", \"n\": 64, \"error\": 0.1, \"x\": 1}]",
                "row 1, column `x`: unknown",
            ),
            ("{\"points\": []}", "a JSON table is a list of rows"),
            ("[1", "not JSON"),
        ];
        for (table, want) in cases {
            let e = import_table(table, "x", &config()).unwrap_err();
            assert!(e.starts_with(want), "{table:?}\n → {e}\n   wanted {want}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn a_results_export_imports_again_to_the_same_curves() {
        let mut csv = String::from("method,m,n,error\n");
        for (n, e) in [
            (64, 0.2),
            (64, 0.25),
            (256, 0.1),
            (256, 0.12),
            (1024, 0.05),
            (1024, 0.06),
        ] {
            csv += &format!("caulk-adapter,3000,{n},{e}\n");
        }
        csv += "lora,,64,0.3\nlora,,256,0.2\nlora,,1024,0.1\n";
        let first = import_table(&csv, "x", &config()).unwrap();
        let export = serde_json::to_string(&first).unwrap();
        let again = import_table(&export, "x", &config()).unwrap();
        assert_eq!(again.curves, first.curves);
    }

    #[test]
    fn json_rows_read_as_csv_rows_do() {
        let csv = import_table(
            "method,m,n,error\nlora,300,64,0.2\nlora,300,256,0.1\n",
            "x",
            &config(),
        )
        .unwrap();
        let json = import_table(
            r#"{"rows": [{"method": "lora", "m": 300, "n": 64, "error": 0.2}, {"method": "lora", "m": "300", "n": 256, "error": 0.1}]}"#,
            "x",
            &config(),
        )
        .unwrap();
        assert_eq!(csv.curves, json.curves);
    }
}

//! What a sweep returns (the contract of `caulk run --json`) and how raw outcomes become it:
//! each curve's per-seed risks are summarised (mean, 95 % interval, log-log slope
//! over the n-window, n_ε, the bound's constant C fitted with the exponent fixed), shards of
//! seeds merge into exactly the whole sweep's results, and results print as CSV.

use serde::Serialize;

use crate::config::{Config, Method};
use crate::error::{Error, Result};
use crate::experiment::analysis::claim::{claim, Claim};
use crate::experiment::analysis::curve::{method_name, CurveHead, CurveResult, Extra, LossCurve};
use crate::experiment::analysis::stats::{mean, summarise};
use crate::experiment::sweep::cost::Estimate;
use crate::experiment::sweep::plan::{plan, Plan};

/// The result of a sweep: the contract of `caulk run --json`.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Results {
    /// The config that ran.
    pub config: Config,
    /// The compute device.
    pub backend: String,
    /// One curve per (method, m, width).
    pub curves: Vec<CurveResult>,
    /// Mean risk of the best constant predictor (the variance of f° on the test set): a
    /// reference line no method should sit above.
    pub constant_risk: Option<f64>,
    /// That risk for each seed, in seed order (its mean is `constant_risk`).
    #[serde(default)]
    pub constant_risks: Vec<f64>,
    /// The theory's prediction for this preset.
    pub prediction: String,
    /// The cost estimate made before the sweep.
    pub estimate: Estimate,
    /// Wall time.
    pub elapsed_ms: f64,
    /// The title claim from these curves: per (method, width) measured at several m, the
    /// risk at one n and n_ε against m beside the calibrated `caulk_m` bound's
    /// ([`claim`](crate::experiment::analysis::claim)); null with fewer than two m.
    #[serde(default)]
    pub claim: Option<Claim>,
    /// Every method against its backbone's reference (`full` where measured) at each n,
    /// paired over seeds ([`method_pairs`](crate::experiment::analysis::paired::method_pairs)).
    #[serde(default)]
    pub method_pairs: Vec<crate::experiment::analysis::paired::MethodPair>,
    /// Whether the sweep was cancelled (the curves hold what had finished).
    pub cancelled: bool,
    /// What happened when the GPU failed mid-sweep and the CPU took over (null otherwise).
    #[serde(default)]
    pub device_lost: Option<String>,
    /// The steadiness check's summary ([`steady`](crate::experiment::run::steady)); null where it did not run.
    #[serde(default)]
    pub steadiness: Option<String>,
}

impl Results {
    /// The flags every curve carries (several curves), e.g. a short n-window's "the slope
    /// rests on 3 points": said once for all rather than under each curve.
    pub fn shared_flags(&self) -> Vec<String> {
        match self.curves.split_first() {
            Some((first, rest)) if !rest.is_empty() => first
                .flags
                .iter()
                .filter(|f| rest.iter().all(|c| c.flags.contains(f)))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The curves as a pin labelled `label`: each curve's mean risk per n, rounded to the
    /// 4 significant digits a link carries (at most [`MAX_CURVES`](crate::config::pins::MAX_CURVES)
    /// curves, the first ones).
    pub fn pin(&self, label: &str) -> crate::config::pins::Pin {
        use crate::config::pins::{Pin, PinCurve, MAX_CURVES};
        use crate::config::text::round4;
        Pin {
            label: label.to_string(),
            curves: self
                .curves
                .iter()
                .take(MAX_CURVES)
                .map(|c| PinCurve {
                    method: c.method,
                    m: c.m,
                    width: c.width as u32,
                    n: c.n.clone(),
                    risk: c.risk_mean.iter().map(|r| r.map(round4)).collect(),
                })
                .collect(),
        }
    }

    /// One CSV row per (curve, n) ([`CSV_HEADER`]'s columns, empty cells for nulls).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(CSV_HEADER);
        for c in &self.curves {
            for (j, n) in c.n.iter().enumerate() {
                out.push_str(&csv_row(
                    &c.label,
                    c.method,
                    c.m,
                    c.width,
                    *n,
                    [c.risk_mean[j], c.risk_lo[j], c.risk_hi[j]],
                    c.seeds_done[j],
                    [c.slope, c.slope_lo, c.slope_hi, c.predicted_slope],
                ));
            }
        }
        out
    }
}

/// The columns of the results CSV (`caulk run --out`, the page's export).
pub const CSV_HEADER: &str =
    "label,method,m,width,n,risk_mean,risk_lo,risk_hi,seeds_done,slope,slope_lo,slope_hi,predicted_slope\n";

/// The finished points of a sweep cut short (cancelled, failed) in the results CSV's
/// columns: the slopes' cells empty, since a partial sweep has none.
pub fn points_csv(points: &[crate::experiment::FinishedPoint]) -> String {
    let mut out = String::from(CSV_HEADER);
    for p in points {
        out.push_str(&csv_row(
            &p.label,
            p.method,
            p.m,
            p.width,
            p.n,
            [p.risk_mean, p.risk_lo, p.risk_hi],
            p.seeds,
            [None; 4],
        ));
    }
    out
}

/// One row of the results CSV: the label quoted (its `"` turned to `'`), nulls as empty cells.
#[allow(clippy::too_many_arguments)] // the CSV's columns, one by one
fn csv_row(
    label: &str,
    method: Method,
    m: Option<u64>,
    width: usize,
    n: u64,
    risk: [Option<f64>; 3],
    seeds: usize,
    slopes: [Option<f64>; 4],
) -> String {
    let num = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
    let cells: Vec<String> = [
        format!("\"{}\"", label.replace('"', "'")),
        method_name(method),
        m.map_or(String::new(), |m| m.to_string()),
        width.to_string(),
        n.to_string(),
    ]
    .into_iter()
    .chain(risk.into_iter().map(num))
    .chain([seeds.to_string()])
    .chain(slopes.into_iter().map(num))
    .collect();
    format!("{}\n", cells.join(","))
}

/// Raw outcomes of one curve: per n, the finished seeds' risks (in seed order), the
/// method's trainable parameters, and one note per failed or diverged run.
pub(in crate::experiment) struct Acc {
    pub(in crate::experiment) method: Method,
    pub(in crate::experiment) m: Option<u64>,
    pub(in crate::experiment) width: usize,
    pub(in crate::experiment) risks: Vec<Vec<f64>>,
    pub(in crate::experiment) trainable: Option<usize>,
    pub(in crate::experiment) notes: Vec<String>,
    /// Per n, each finished seed's squared loss where the preset measures one (`digits`).
    pub(in crate::experiment) losses: Vec<Vec<f64>>,
    /// Per n, each finished seed's chosen class where the method chooses one (`caulk-select`).
    pub(in crate::experiment) classes: Vec<Vec<f64>>,
}

impl Acc {
    /// An empty curve over `points` values of n.
    pub(in crate::experiment) fn new(
        method: Method,
        m: Option<u64>,
        width: usize,
        points: usize,
    ) -> Acc {
        Acc {
            method,
            m,
            width,
            risks: vec![Vec::new(); points],
            trainable: None,
            notes: Vec::new(),
            losses: vec![Vec::new(); points],
            classes: vec![Vec::new(); points],
        }
    }
}
/// A curve's legend text.
pub(in crate::experiment) fn curve_label(
    method: Method,
    m: Option<u64>,
    width: usize,
    groups: usize,
) -> String {
    match m {
        Some(m) => format!("{} (m = {m}, W = {width})", method_name(method)),
        None if groups > 1 => format!("{} (W = {width})", method_name(method)),
        None => method_name(method),
    }
}
/// A curve's means, intervals, slopes and n_ε from its raw outcomes.
pub(in crate::experiment) fn summarise_curve(
    acc: Acc,
    plan: &Plan,
    c: &Config,
    all_groups: usize,
) -> CurveResult {
    let n: Vec<f64> = plan.n.iter().map(|v| *v as f64).collect();
    let mut stats = summarise(&n, &acc.risks);
    // A jittered run is a numerical-sensitivity check of a curve that trains a network.
    let trains = plan.pretrain || acc.method.is_gradient();
    if c.jitter > 0.0 {
        stats.flags.push(match trains {
            true => format!(
                "every starting weight was perturbed by up to a relative {:e} (jitter: a check of numerical sensitivity)",
                c.jitter
            ),
            false => "jitter changes nothing here: no network is trained".to_string(),
        });
    }
    let label = curve_label(acc.method, acc.m, acc.width, all_groups);
    // C of C·n^(predicted slope) fitted to the measured means.
    let predicted_slope = plan.predicted_slope_of(acc.method);
    // A gradient caulk on the oracle network is held against the rate like the spline; where
    // its slope's interval excludes the rate, the gap is said on the curve, not left to a
    // theory line that suggests agreement.
    if let (true, true, Some(want), Some(got), Some(lo), Some(hi)) = (
        plan.oracle,
        acc.method.is_gradient(),
        predicted_slope,
        stats.slope,
        stats.slope_lo,
        stats.slope_hi,
    ) {
        if want < lo || want > hi {
            // The adapter's hats and the oracle's hats for LoRA are well-conditioned bases
            // (README: adapters against the theory); a miss left is that of this config.
            // A slope steeper than the rate whose steepness sits at the smallest n (its first
            // local slope beyond the others' mean by 0.1) is an excess at small n, said so.
            let locals: Vec<f64> = stats.local_slopes.iter().flatten().copied().collect();
            let rest = mean(locals.get(1..).unwrap_or(&[]));
            let how = match (got > want, locals.first(), rest) {
                (true, _, _) => format!(
                    "on the oracle network gradient training falls more slowly than the rate in {} steps",
                    plan.finetune.steps
                ),
                (false, Some(&first), Some(rest)) if first < rest - 0.1 => format!(
                    "it falls faster than the rate over this n-window, most at the smallest n (local slope {first:.2} there, {rest:.2} on average beyond): an excess risk at small n, not a faster rate"
                ),
                (false, _, _) => "it falls faster than the rate over this n-window".to_string(),
            };
            stats.flags.push(format!(
                "its slope {got:.3} (95 % CI {lo:.3} to {hi:.3}) misses the theory's {want:.3} by {:.2}: {how} (README: adapters against the theory)",
                (got - want).abs()
            ));
        }
    }
    let per_seed = |values: Vec<Vec<f64>>| {
        values.iter().any(|l| !l.is_empty()).then(|| {
            let stats = summarise(&n, &values);
            LossCurve {
                mean: stats.risk_mean,
                lo: stats.risk_lo,
                hi: stats.risk_hi,
                values,
            }
        })
    };
    let extra = Extra {
        squared_loss: per_seed(acc.losses),
        class_chosen: per_seed(acc.classes),
    };
    CurveResult::from_stats(
        CurveHead {
            label,
            method: acc.method,
            m: acc.m,
            width: acc.width,
            trainable: acc.trainable,
            notes: acc.notes,
        },
        plan.n.clone(),
        stats,
        acc.risks,
        predicted_slope,
        c.eps,
        extra,
    )
}

/// The results of a sweep's shards (in shard order) as one: each curve's per-seed risks
/// joined in seed order and summarised again, exactly as one run of the whole sweep would
/// (its notes shard after shard); the constant reference over every seed; the longest wall
/// time; cancelled or GPU-lost when any shard was. The estimate adds up the shards' work and
/// memory (they run side by side), and its seconds are the longest shard's.
pub fn merge(c: &Config, parts: Vec<Results>) -> Result<Results> {
    let whole = plan(c)?;
    let mut parts = parts.into_iter();
    let mut out = parts
        .next()
        .ok_or_else(|| Error::Shape("merge: no results".into()))?;
    let mut accs: Vec<Acc> = std::mem::take(&mut out.curves)
        .into_iter()
        .map(|cv| Acc {
            method: cv.method,
            m: cv.m,
            width: cv.width,
            risks: cv.risks,
            trainable: cv.trainable,
            losses: cv
                .squared_loss
                .map(|l| l.values)
                .unwrap_or_else(|| vec![Vec::new(); cv.n.len()]),
            classes: cv
                .class_chosen
                .map(|l| l.values)
                .unwrap_or_else(|| vec![Vec::new(); cv.n.len()]),
            notes: cv.notes,
        })
        .collect();
    for p in parts {
        if p.config != out.config || p.curves.len() != accs.len() {
            return Err(Error::Shape("merge: shards of different sweeps".into()));
        }
        for (acc, cv) in accs.iter_mut().zip(p.curves) {
            if (acc.method, acc.m, acc.width) != (cv.method, cv.m, cv.width)
                || acc.risks.len() != cv.risks.len()
            {
                return Err(Error::Shape("merge: shards with different curves".into()));
            }
            for (a, b) in acc.risks.iter_mut().zip(cv.risks) {
                a.extend(b);
            }
            for (mine, theirs) in [
                (&mut acc.losses, cv.squared_loss),
                (&mut acc.classes, cv.class_chosen),
            ] {
                for (a, b) in mine
                    .iter_mut()
                    .zip(theirs.map(|l| l.values).unwrap_or_default())
                {
                    a.extend(b);
                }
            }
            acc.notes.extend(cv.notes);
            // As in one run: the last seed's count (it varies for the spline's knots).
            acc.trainable = cv.trainable.or(acc.trainable);
        }
        out.constant_risks.extend(p.constant_risks);
        out.elapsed_ms = out.elapsed_ms.max(p.elapsed_ms);
        out.cancelled |= p.cancelled;
        out.device_lost = out.device_lost.or(p.device_lost);
        let (e, pe) = (&mut out.estimate, &p.estimate);
        e.units += pe.units;
        e.flops += pe.flops;
        e.ridges += pe.ridges;
        e.bytes += pe.bytes;
        e.shards += pe.shards;
        e.seconds = e.seconds.max(pe.seconds);
    }
    let groups = whole.groups.len();
    out.curves = accs
        .into_iter()
        .map(|acc| summarise_curve(acc, &whole, c, groups))
        .collect();
    out.constant_risk = mean(&out.constant_risks);
    out.claim = claim(c, &out.curves, c.eps, c.at_n);
    out.method_pairs = crate::experiment::analysis::paired::method_pairs(&out.curves);
    Ok(out)
}

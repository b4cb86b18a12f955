//! One measured curve of a sweep (`CurveResult`, a curve of `caulk run --json`): its means,
//! intervals, slopes, n_ε and calibrated constant over the n grid, with the raw per-seed
//! risks behind them; built from its statistics by one constructor for a sweep's curves and
//! imported ones. The claim (claim.rs), the finite-m model (model_fit.rs) and the whole
//! results (results.rs) read curves; curves read none of them.

use serde::Serialize;

use crate::config::Method;
use crate::experiment::analysis::shapes::compare_shapes;
use crate::experiment::analysis::stats::n_eps_from_data;
use crate::theory::calibrate_scale;

/// One curve of the contract (`caulk run --json`), plus its diagnostics.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CurveResult {
    /// Legend text.
    pub label: String,
    /// Method id.
    pub method: Method,
    /// Source size (null without pre-training).
    pub m: Option<u64>,
    /// Backbone width.
    pub width: usize,
    /// Target sizes.
    pub n: Vec<u64>,
    /// Mean excess risk over the finished seeds (null where none finished).
    pub risk_mean: Vec<Option<f64>>,
    /// The mean's 95 % interval, lower end (null with too few seeds; `interval` says how).
    pub risk_lo: Vec<Option<f64>>,
    /// Upper end.
    pub risk_hi: Vec<Option<f64>>,
    /// Seeds that finished at each n.
    pub seeds_done: Vec<usize>,
    /// Fitted log-log slope over the n-window.
    pub slope: Option<f64>,
    /// The slope's 95 % interval, lower end (`interval` says how).
    pub slope_lo: Option<f64>,
    /// Upper end.
    pub slope_hi: Option<f64>,
    /// The theory's slope for this curve.
    pub predicted_slope: Option<f64>,
    /// Slopes between neighbouring n.
    pub local_slopes: Vec<Option<f64>>,
    /// n_ε read off the data (ε from the config).
    pub n_eps: Option<f64>,
    /// The caulking bound's constant C calibrated to this curve (exponent fixed).
    pub calibrated_c: Option<f64>,
    /// Trainable parameters of the method (at the largest n).
    pub trainable: Option<usize>,
    /// How the intervals were computed (docs/science.md §8).
    #[serde(default)]
    pub interval: crate::experiment::analysis::stats::IntervalMethods,
    /// Which shape the data prefer (power law, with a floor, broken) and each one's
    /// held-out prediction of the largest n (crate::experiment::analysis::shapes); null with fewer than 4 points.
    #[serde(default)]
    pub shapes: Option<crate::experiment::analysis::shapes::Shapes>,
    /// Reasons not to trust the slope.
    pub flags: Vec<String>,
    /// Diverged or failed runs, one line each.
    pub notes: Vec<String>,
    /// Each finished seed's excess risk at each n, in seed order: the raw data behind the
    /// means and intervals (and what merging shards of seeds needs).
    #[serde(default)]
    pub risks: Vec<Vec<f64>>,
    /// A second measure of the same fits where the preset has one (`digits`: the risk is the
    /// test misclassification rate, this the squared loss on the 0/1 labels); null elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub squared_loss: Option<LossCurve>,
    /// The caulk class validation chose at each n, as features read (`caulk-select`:
    /// 1 = the spline on z, up to 5; a weighted mean, train::ladder); null elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_chosen: Option<LossCurve>,
}

/// A curve's second measures of the same fits, where its method or preset has them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    /// `digits`: the squared loss on the 0/1 labels.
    pub squared_loss: Option<LossCurve>,
    /// `caulk-select`: the class chosen.
    pub class_chosen: Option<LossCurve>,
}

/// A curve's squared loss per n: mean over seeds, its 95 % interval, and each
/// finished seed's value (in the risks' seed order).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LossCurve {
    /// Mean over the finished seeds.
    pub mean: Vec<Option<f64>>,
    /// Interval, lower end.
    pub lo: Vec<Option<f64>>,
    /// Upper end.
    pub hi: Vec<Option<f64>>,
    /// Each seed's value at each n.
    pub values: Vec<Vec<f64>>,
}

#[cfg(test)]
impl CurveResult {
    /// For tests: a curve of `method` (width 32) at m from its per-seed `risks`, each
    /// interval the mean × (1 ∓ `spread`).
    pub(crate) fn of_risks(
        method: Method,
        m: u64,
        n: &[u64],
        risks: Vec<Vec<f64>>,
        spread: f64,
    ) -> CurveResult {
        let means: Vec<Option<f64>> = risks
            .iter()
            .map(|r| crate::experiment::analysis::stats::mean(r))
            .collect();
        CurveResult {
            label: format!("{} (m = {m}, W = 32)", method.id()),
            method,
            m: Some(m),
            width: 32,
            n: n.to_vec(),
            risk_lo: means
                .iter()
                .map(|y| y.map(|y| y * (1.0 - spread)))
                .collect(),
            risk_hi: means
                .iter()
                .map(|y| y.map(|y| y * (1.0 + spread)))
                .collect(),
            risk_mean: means,
            seeds_done: risks.iter().map(Vec::len).collect(),
            slope: None,
            slope_lo: None,
            slope_hi: None,
            predicted_slope: None,
            local_slopes: Vec::new(),
            n_eps: None,
            calibrated_c: None,
            trainable: None,
            interval: Default::default(),
            shapes: None,
            flags: Vec::new(),
            notes: Vec::new(),
            risks,
            squared_loss: None,
            class_chosen: None,
        }
    }
}

/// What a curve is and what is known of it beside its statistics.
pub(in crate::experiment) struct CurveHead {
    pub(in crate::experiment) label: String,
    pub(in crate::experiment) method: Method,
    pub(in crate::experiment) m: Option<u64>,
    pub(in crate::experiment) width: usize,
    pub(in crate::experiment) trainable: Option<usize>,
    pub(in crate::experiment) notes: Vec<String>,
}

impl CurveResult {
    /// A curve over `n` from its statistics and its seeds' `risks` (per n, in seed order):
    /// n_ε read off the mean at `eps`, and C calibrated to `predicted`, the theory's slope
    /// (none: no calibration). The one constructor of a sweep's curves and imported ones.
    pub(in crate::experiment) fn from_stats(
        head: CurveHead,
        n: Vec<u64>,
        stats: crate::experiment::analysis::stats::CurveStats,
        risks: Vec<Vec<f64>>,
        predicted: Option<f64>,
        eps: f64,
        extra: Extra,
    ) -> CurveResult {
        let nf: Vec<f64> = n.iter().map(|v| *v as f64).collect();
        let shapes = compare_shapes(
            &nf,
            &stats.risk_mean,
            &stats.risk_lo,
            &stats.risk_hi,
            &risks,
        );
        CurveResult {
            shapes,
            label: head.label,
            method: head.method,
            m: head.m,
            width: head.width,
            seeds_done: risks.iter().map(Vec::len).collect(),
            n_eps: n_eps_from_data(&nf, &stats.risk_mean, eps),
            calibrated_c: predicted.and_then(|slope| calibrated(&nf, &stats.risk_mean, slope)),
            n,
            risk_mean: stats.risk_mean,
            risk_lo: stats.risk_lo,
            risk_hi: stats.risk_hi,
            slope: stats.slope,
            slope_lo: stats.slope_lo,
            slope_hi: stats.slope_hi,
            predicted_slope: predicted,
            local_slopes: stats.local_slopes,
            trainable: head.trainable,
            interval: stats.interval,
            flags: stats.flags,
            notes: head.notes,
            risks,
            squared_loss: extra.squared_loss,
            class_chosen: extra.class_chosen,
        }
    }
}

/// C of C·n^slope fitted to a curve's means (the exponent fixed by the theory): the mean of
/// ln(risk) − slope·ln n over the finished points ([`calibrate_scale`]).
pub(in crate::experiment) fn calibrated(
    n: &[f64],
    means: &[Option<f64>],
    slope: f64,
) -> Option<f64> {
    let (model, data): (Vec<f64>, Vec<f64>) = n
        .iter()
        .zip(means)
        .filter_map(|(x, r)| r.map(|r| (x.powf(slope), r)))
        .unzip();
    calibrate_scale(&model, &data)
}

/// A method's id, as in the URL and the JSON (`caulk-adapter`).
pub(in crate::experiment) fn method_name(m: Method) -> String {
    m.id()
}

//! Progress of a sweep: the events a page or the CLI shows (units done, what finished, the
//! time left) and the finished curve points that travel with them, so curves appear point
//! by point and survive a cancel.
//!
//! Time left after a unit: (total − done) modelled seconds at the pace so far, where the
//! pace (working + k)/(done + k) leans on the cost model (pace 1) for the first k =
//! [`PACE_PRIOR_S`] modelled seconds; working time excludes time held at Pause.

use crate::experiment::sweep::rates::Rates;
use crate::experiment::sweep::work::Cost;

/// A progress event of a sweep.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Progress {
    /// Work units finished (a pre-training or one fit).
    pub done: usize,
    /// Work units in the sweep.
    pub total: usize,
    /// What was just finished, e.g. `caulk-spline m=3000 n=256 seed 2`.
    pub point: String,
    /// Seconds since the start.
    pub elapsed_s: f64,
    /// Estimated seconds left (from the cost model and the pace so far).
    pub eta_s: f64,
    /// A point of a curve whose seeds have all finished with this unit, if one did.
    pub finished: Option<FinishedPoint>,
    /// The seed-point this unit finished (its risk, for the caller's point cache), if it
    /// finished one with a finite risk.
    pub seed: Option<crate::experiment::run::cache::SeedPoint>,
    /// The backbone this unit pre-trained (for the caller's cache), if it pre-trained one.
    pub backbone: Option<crate::experiment::run::cache::Backbone>,
}

/// One finished point of a curve, sent with the progress event that completes it so a page
/// can draw curves point by point (and keep them if the sweep is cancelled).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FinishedPoint {
    /// The curve's label (as in the final results).
    pub label: String,
    /// Method id.
    pub method: crate::config::Method,
    /// Source size, if pre-trained.
    pub m: Option<u64>,
    /// Backbone width.
    pub width: usize,
    /// Target size of the point.
    pub n: u64,
    /// Mean excess risk over the seeds that finished (null when none did).
    pub risk_mean: Option<f64>,
    /// The mean's 95 % interval (crate::experiment::analysis::stats), lower end; null with fewer than 3 seeds.
    pub risk_lo: Option<f64>,
    /// Upper end.
    pub risk_hi: Option<f64>,
    /// Seeds that finished.
    pub seeds: usize,
    /// Their excess risks, in seed order (a page running shards of seeds joins them).
    pub risks: Vec<f64>,
}

/// Progress of a shard: one event per finished unit, with the time left.
pub(in crate::experiment) struct Ticker<'a> {
    pub(in crate::experiment) clock: &'a dyn Fn() -> f64,
    pub(in crate::experiment) on_progress: &'a mut dyn FnMut(&Progress),
    pub(in crate::experiment) start: f64,
    pub(in crate::experiment) done: usize,
    pub(in crate::experiment) units: usize,
    /// The rates the estimate used, and the modelled seconds of all units and of those done.
    pub(in crate::experiment) rates: Rates,
    pub(in crate::experiment) total_s: f64,
    pub(in crate::experiment) done_s: f64,
    /// Seconds spent held at checkpoints (Pause): not part of the pace.
    pub(in crate::experiment) paused_s: f64,
}

impl Ticker<'_> {
    /// A unit of modelled cost `cost` finished (`point` says which; `finished` is the curve
    /// point it completed). Time left: the modelled work left, (total − done) in modelled
    /// seconds, at the pace so far, so that cheap units first (data, `scratch` before
    /// pre-training) do not make it optimistic. The pace is (working + k) / (done + k): the
    /// model's own pace 1 weighs as k = [`PACE_PRIOR_S`] modelled seconds, so that the
    /// first units, slow on a cold worker (compilation, first allocations), do not double
    /// it; working time is the time elapsed less the time held paused.
    pub(in crate::experiment) fn tick(
        &mut self,
        point: String,
        cost: Cost,
        finished: Option<FinishedPoint>,
        seed: Option<crate::experiment::run::cache::SeedPoint>,
    ) {
        self.tick_with(point, cost, finished, seed, None);
    }

    /// [`tick`](Self::tick) for a unit that pre-trained `backbone`.
    pub(in crate::experiment) fn tick_with(
        &mut self,
        point: String,
        cost: Cost,
        finished: Option<FinishedPoint>,
        seed: Option<crate::experiment::run::cache::SeedPoint>,
        backbone: Option<crate::experiment::run::cache::Backbone>,
    ) {
        self.done += 1;
        self.done_s += self.rates.seconds(cost);
        let elapsed = (self.clock)() - self.start;
        let working = (elapsed - self.paused_s).max(0.0);
        let left = (self.total_s - self.done_s).max(0.0);
        let k = PACE_PRIOR_S.min(self.total_s);
        let eta_s = match self.done_s + k > 0.0 {
            true => left * (working + k) / (self.done_s + k),
            false => left,
        };
        (self.on_progress)(&Progress {
            done: self.done,
            total: self.units,
            point,
            elapsed_s: elapsed,
            eta_s,
            finished,
            seed,
            backbone,
        });
    }
}

/// Modelled seconds of work the model's own pace weighs as, against the measured pace, in
/// the time left (see the module doc).
pub const PACE_PRIOR_S: f64 = 2.0;

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Units as they would be in `peft`: cheap ones first, then costly ones. When each takes
    /// exactly its modelled time, elapsed + time left is the modelled total at every unit
    /// (counting units instead would say 3 s left after the cheap half of a 12 s run).
    #[test]
    fn time_left_follows_the_modelled_cost_of_the_units_done() {
        // One second per ridge cosine, overhead included.
        let rates = Rates::cpu(1.0, crate::experiment::sweep::work::ROW_OVERHEAD);
        let costs = [1.0, 1.0, 1.0, 1.0, 4.0, 4.0]; // seconds each, 12 in all
        let now = Cell::new(0.0);
        let clock = || now.get();
        let mut events = Vec::new();
        let mut on_progress = |p: &Progress| events.push((p.elapsed_s, p.eta_s, p.done, p.total));
        let mut ticker = Ticker {
            clock: &clock,
            on_progress: &mut on_progress,
            start: 0.0,
            done: 0,
            units: costs.len(),
            rates,
            total_s: 12.0,
            done_s: 0.0,
            paused_s: 0.0,
        };
        for &s in &costs {
            now.set(now.get() + s);
            let cost = Cost {
                ridges: s,
                ..Cost::default()
            };
            ticker.tick(String::new(), cost, None, None);
        }
        assert_eq!(events.len(), 6);
        for (elapsed, eta, done, total) in events {
            assert!(
                (elapsed + eta - 12.0).abs() < 1e-9,
                "{elapsed} + {eta} at {done}/{total}"
            );
        }
    }

    /// A cold first unit (3 s for a modelled 1 s) on a 20 s sweep: the time left leans on
    /// the model until more work is measured, (19 · (3 + 2) / (1 + 2) = 31.7 s, where the
    /// pace alone said 57 s), and follows the measured pace once it is.
    #[test]
    fn a_slow_first_unit_does_not_double_the_time_left() {
        // One modelled second per ridge cosine, overhead included.
        let rates = Rates::cpu(1.0, crate::experiment::sweep::work::ROW_OVERHEAD);
        let now = Cell::new(0.0);
        let clock = || now.get();
        let mut etas = Vec::new();
        let mut on_progress = |p: &Progress| etas.push(p.eta_s);
        let mut ticker = Ticker {
            clock: &clock,
            on_progress: &mut on_progress,
            start: 0.0,
            done: 0,
            units: 20,
            rates,
            total_s: 20.0,
            done_s: 0.0,
            paused_s: 0.0,
        };
        let unit = Cost {
            ridges: 1.0,
            ..Cost::default()
        };
        now.set(3.0);
        ticker.tick(String::new(), unit, None, None);
        // Then 9 units at twice the modelled time: the pace tends to 2.
        for _ in 0..9 {
            now.set(now.get() + 2.0);
            ticker.tick(String::new(), unit, None, None);
        }
        assert!((etas[0] - 19.0 * 5.0 / 3.0).abs() < 1e-9, "{}", etas[0]);
        // After 10 modelled seconds (21 s worked): 10 · (21 + 2) / (10 + 2) = 19.2 s.
        assert!((etas[9] - 10.0 * 23.0 / 12.0).abs() < 1e-9, "{}", etas[9]);
    }
}

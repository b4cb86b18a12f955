//! Experiments (docs/science.md §5): the presets as sweeps over seeds × n (× m × width ×
//! method), run on the CPU kernels or a GPU, summarised into curves with 95 % intervals
//! (log-normal mean, jackknife-t slope) and fitted slopes next to the theory's prediction.
//! Grouped by what the parts do:
//!
//! - [`sweep`]: what a sweep is and costs before it runs: [`sweep::plan`] (what a preset
//!   runs and its prediction), [`sweep::work`] (a unit's FLOP and ridge cosines),
//!   [`sweep::rates`] (this device's measured speeds), [`sweep::cost`] (the estimate and
//!   memory), [`sweep::prepare`] (rates, estimate and device together);
//! - [`run`]: running it: the engine (seeds, groups, n, methods; shards; cancellation, with
//!   finished points kept), [`run::progress`] (progress events and the time left),
//!   [`run::cache`] (the point and backbone cache keys, derived from each key's class),
//!   [`run::steady`] (the steadiness check and the "unsteady" flag);
//! - [`analysis`]: what the curves say: [`analysis::stats`] (means, intervals, slopes,
//!   n_ε), [`analysis::curve`] (one measured curve), [`analysis::shapes`] (which shape the
//!   data prefer), [`analysis::claim`] (risk and n_ε against m beside the calibrated
//!   bound), [`analysis::model_fit`] and [`analysis::readings`] (the finite-m models
//!   fitted), [`analysis::paired`] (paired changes between curves sharing their seeds);
//! - [`io`]: what goes in and out: [`io::results`] (`caulk run --json`, CSV, merged
//!   shards), [`io::import`] (one's own measured curves), [`io::baked`] (results shipped
//!   beside the page);
//! - [`bench`](mod@bench): the benchmarks of `caulk bench`: [`bench::batching`], [`bench::gemm`],
//!   [`bench::coverage`] (how often the intervals hold the truth on simulated curves).

pub mod analysis;
pub mod bench;
pub mod io;
pub mod run;
pub mod sweep;

pub use crate::train::Cancel;
pub use analysis::curve::CurveResult;
pub use io::results::{merge, Results};
pub use run::progress::{FinishedPoint, Progress};
pub use run::{no_pause, run_seeds, run_shard, run_sweep, shard_seeds, Checkpoint, Shard};
pub use sweep::cost::{estimate, Estimate};
pub use sweep::plan::{plan, Plan};
pub use sweep::rates::{device_rates, Rates};

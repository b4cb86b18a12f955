// Generated from the Rust types by src/ts_types.rs (ts-rs): do not edit. After a change
// to a type the page reads, run `CAULK_WRITE_TYPES=1 cargo test --lib ts_types`.

export type ConfigError = { 
/**
 * The config key (or `fragment` / `v` for the fragment as a whole).
 */
key: string, 
/**
 * What is wrong and what is allowed.
 */
message: string, };

export type Preset = "limit" | "scratch" | "headline" | "peft" | "digits";

export type Method = "caulk-adapter" | "caulk-spline" | "caulk-select" | "lora" | "bitfit" | "partial" | "linear-probe" | "full" | "scratch";

export type BackendChoice = "auto" | "cpu" | "gpu";

export type View = "theory" | "experiment";

export type PinCurve = { 
/**
 * Method id.
 */
method: Method, 
/**
 * Source size (null without pre-training).
 */
m: number | null, 
/**
 * Backbone width.
 */
width: number, 
/**
 * Target sizes, strictly increasing.
 */
n: Array<number>, 
/**
 * Mean risk at each n (null where no seed finished), 4 significant digits.
 */
risk: Array<number | null>, };

export type Pin = { 
/**
 * What the legend calls it.
 */
label: string, 
/**
 * Its curves.
 */
curves: Array<PinCurve>, };

export type Config = { 
/**
 * Experiment preset.
 */
preset: Preset, 
/**
 * Master seed of all random streams.
 */
seed: number, 
/**
 * Input dimension.
 */
d: number, 
/**
 * Feature (bottleneck) dimension.
 */
k: number, 
/**
 * Hölder exponent of the caulk, in (0, 1].
 */
alpha: number, 
/**
 * Hölder exponent of the head, in (0, 1].
 */
beta: number, 
/**
 * Smoothness of the feature extractor, in (0, 2].
 */
s_phi: number, 
/**
 * Label-noise standard deviation, in [0, 2].
 */
sigma: number, 
/**
 * Source sample sizes (strictly increasing).
 */
m: Array<number>, 
/**
 * Backbone widths (strictly increasing).
 */
width: Array<number>, 
/**
 * Backbone depth (hidden layers of the extractor).
 */
depth: number, 
/**
 * Target sample sizes (strictly increasing).
 */
n: Array<number>, 
/**
 * Independent seeds per point.
 */
seeds: number, 
/**
 * Downstream methods (no repeats).
 */
methods: Array<Method>, 
/**
 * LoRA rank.
 */
rank: number, 
/**
 * Adapter bottleneck width.
 */
adapter_width: number, 
/**
 * Layers fitted by `partial` (at most `depth`).
 */
layers: number, 
/**
 * Gradient steps per fit.
 */
steps: number, 
/**
 * Learning rate.
 */
lr: number, 
/**
 * Relative perturbation of every network's starting weights (pre-training and every
 * gradient fit): each weight w starts as w·(1 + jitter·u), u uniform in [−1, 1] from
 * the seed's own stream. 0 (the default) leaves them alone; 10⁻⁷-10⁻⁶ shows how far a
 * result moves under changes at the level of f32 rounding, the floor for comparing the
 * CPU and GPU paths.
 */
jitter: number, 
/**
 * Compute device choice.
 */
backend: BackendChoice, 
/**
 * Target excess risk for the sample complexity n_ε.
 */
eps: number, 
/**
 * The n at which the claim figure reads the risk against m: the grid's n nearest to
 * it in log scale; 0 (the default) takes the largest n.
 */
at_n: number, 
/**
 * Bound ids shown in the theory panel (no repeats, at least one).
 */
bounds: Array<string>, 
/**
 * Scale constant C of every bound.
 */
c: number, 
/**
 * Weight C_pre of `caulk_m`'s pre-training term.
 */
c_pre: number, 
/**
 * Constant C_ρ of `caulk_m_rate`: the caulk class's extra entropy exponent per unit of
 * the extractor's error, ρ(m) = 1/s + C_ρ·ε_pre(m).
 */
c_rho: number, 
/**
 * Task diversity ν of `task_diversity`.
 */
nu: number, 
/**
 * Representation-class complexity C_H of `task_diversity`.
 */
c_h: number, 
/**
 * Head-class complexity C_F of `task_diversity`.
 */
c_f: number, 
/**
 * Measured curves pinned on the plot, with their numbers ([`pins`]).
 */
pins: Array<Pin>, 
/**
 * The figure `embed.html` shows.
 */
view: View, 
/**
 * Controls `embed.html` shows under its figure (`none`: the figure alone).
 */
show: Array<string>, 
/**
 * Your own measured curves, in the link's form ([`table`]); empty for none.
 */
table: string, 
/**
 * The lesson the page opens (`www/lessons/<lesson>.json`); empty outside a lesson.
 */
lesson: string, 
/**
 * The lesson's step, from 1 (read only with a lesson).
 */
step: number, };

export type Parsed = { 
/**
 * The resulting config; always valid.
 */
config: Config, 
/**
 * `config` written back as a canonical fragment.
 */
fragment: string, 
/**
 * Bad values, each naming its key; those keys took their defaults.
 */
errors: Array<ConfigError>, 
/**
 * Ignored unknown keys, repeated keys, a missing version.
 */
warnings: Array<string>, 
/**
 * The known keys the fragment set (valid or not), in the order given.
 */
given: Array<string>, };

export type KeyKind = "int" | "float" | "int-list" | "enum" | "enum-list" | "pins" | "table" | "name";

export type Widget = { "type": "none" } | { "type": "slider", 
/**
 * Step of the slider.
 */
step: number, } | { "type": "log-slider", 
/**
 * Smallest value on the slider.
 */
lo: number, 
/**
 * Largest value on the slider.
 */
hi: number, } | { "type": "stepper", 
/**
 * Additive step (ignored when `log`).
 */
step: number, 
/**
 * Whether the buttons halve and double.
 */
log: boolean, } | { "type": "select" } | { "type": "chips" } | { "type": "checkboxes" } | { "type": "grid" };

export type Panel = "theory" | "experiment" | "claim";

export type Affects = "display" | "theory" | "grid" | "target" | "source" | "knob" | "device";

export type KeySpec = { 
/**
 * The key as it appears in fragments, the CLI and JSON.
 */
key: string, 
/**
 * Value syntax.
 */
kind: KeyKind, 
/**
 * Lower bound of a number or of every list item.
 */
min: number, 
/**
 * Upper bound of a number or of every list item.
 */
max: number, 
/**
 * Whether `min` itself is excluded.
 */
min_open: boolean, 
/**
 * Most items a list may hold.
 */
max_items: number, 
/**
 * Allowed names for enumerations.
 */
choices: Array<string>, 
/**
 * One line for the UI and `--help`.
 */
help: string, 
/**
 * The control the page gives the key.
 */
widget: Widget, 
/**
 * The panels that show that control (a key of both, like α, gets one in each, kept in
 * step by the fragment).
 */
panels: Array<Panel>, 
/**
 * Whether the control sits under the panel's "advanced" disclosure (list keys also get
 * a free-text box there).
 */
advanced: boolean, 
/**
 * Presets whose sweeps do not read the key (the page hides its experiment control
 * there): the synthetic task's keys on real data (`digits`).
 */
unused_by: Array<string>, 
/**
 * Whether the key is written only when set (`lesson`, and `step` inside a lesson): a
 * link outside a lesson does not carry it, so such keys change no older link.
 */
optional: boolean, 
/**
 * What a change of the key's value moves: the point cache's and backbone cache's keys
 * (`experiment::run::cache`) and the baked-file key (`experiment::io::baked`) are derived
 * from it, and a test walks every key against a sweep's own numbers.
 */
affects: Affects, };

export type TheoryParams = { 
/**
 * Caulk Hölder exponent α ∈ (0, 1].
 */
alpha: number, 
/**
 * Head Hölder exponent β ∈ (0, 1].
 */
beta: number, 
/**
 * Composite smoothness s = αβ.
 */
s: number, 
/**
 * Extractor smoothness s_φ.
 */
s_phi: number, 
/**
 * Smoothness of the whole map from scratch, s* = s·min(s_φ, 1): an s-Hölder map of an
 * s_φ-Hölder one is s·s_φ-Hölder for s_φ ≤ 1, and only s-Hölder for s_φ > 1.
 */
s_star: number, 
/**
 * Input dimension d.
 */
d: number, 
/**
 * Feature dimension k.
 */
k: number, 
/**
 * Target excess risk ε for n_ε.
 */
eps: number, 
/**
 * Scale constant C of every bound.
 */
c: number, 
/**
 * Constant C_pre of the pre-training term of `caulk_m`.
 */
c_pre: number, 
/**
 * Constant C_ρ of `caulk_m_rate`: how much richer the caulk class is per unit of the
 * extractor's error ε_pre(m).
 */
c_rho: number, 
/**
 * Task diversity ν of `task_diversity`.
 */
nu: number, 
/**
 * Complexity C_H of the shared representation class (`task_diversity`).
 */
c_h: number, 
/**
 * Complexity C_F of the task-specific head class (`task_diversity`).
 */
c_f: number, 
/**
 * Smallest n drawn.
 */
n_min: number, 
/**
 * Largest n drawn.
 */
n_max: number, };

export type Status = "paper" | "standard" | "model";

export type BoundInfo = { 
/**
 * Stable id (JSON, URL, CSS).
 */
id: string, 
/**
 * Human name.
 */
name: string, 
/**
 * Provenance.
 */
status: Status, 
/**
 * Source.
 */
citation: string, 
/**
 * KaTeX formula of the risk, symbolic.
 */
formula: string, 
/**
 * When the bound applies.
 */
conditions: string, };

export type BoundCurve = { 
/**
 * Legend text: the name, with m when the bound depends on it.
 */
label: string, 
/**
 * KaTeX formula with the current numbers.
 */
formula_values: string, 
/**
 * The violated condition, if any (the curve is still drawn, marked).
 */
violated: string | null, 
/**
 * Source size of this curve, null for bounds without an m-term.
 */
m: number | null, 
/**
 * Effective log-log slope over the n-window (least squares on the grid).
 */
slope: number, 
/**
 * Exponent of n in the n-term.
 */
exponent: number, 
/**
 * lim_{n→∞} risk.
 */
floor: number, 
/**
 * Grid of n.
 */
n: Array<number>, 
/**
 * Risk on the grid.
 */
risk: Array<number>, 
/**
 * Smallest integer n with risk ≤ ε, or null.
 */
n_eps: number | null, 
/**
 * Why `n_eps` is null, when it is.
 */
n_eps_note: string | null, 
/**
 * Stable id (JSON, URL, CSS).
 */
id: string, 
/**
 * Human name.
 */
name: string, 
/**
 * Provenance.
 */
status: Status, 
/**
 * Source.
 */
citation: string, 
/**
 * KaTeX formula of the risk, symbolic.
 */
formula: string, 
/**
 * When the bound applies.
 */
conditions: string, };

export type NEpsCurve = { 
/**
 * Bound id.
 */
id: string, 
/**
 * Grid of m (10 to 10^6).
 */
m: Array<number>, 
/**
 * n_ε at each m, null where the floor is at or above ε.
 */
n_eps: Array<number | null>, 
/**
 * The m-free limit: `caulk_limit`'s n_ε, the asymptote as m → ∞.
 */
limit: number | null, };

export type PhaseMap = { 
/**
 * `equal_beta` or `same_target`.
 */
id: string, 
/**
 * What caulking is compared with, in words.
 */
label: string, 
/**
 * Where caulking wins, in words (the boundary's formula).
 */
rule: string, 
/**
 * `gap[row][col]` = caulking's exponent − scratch's at (α, d); > 0 where caulking wins.
 */
gap: Array<Array<number>>, 
/**
 * The boundary (gap = 0) as (α, d) points.
 */
boundary: Array<[number, number]>, 
/**
 * The gap at the current (α, d).
 */
gap_now: number, 
/**
 * Whether caulking's exponent is the larger at the current point.
 */
caulk_wins: boolean, 
/**
 * What the comparison rests on (module doc): the paper's limit exponent against a
 * standard minimax exponent.
 */
status: string, };

export type PhaseDiagram = { 
/**
 * Column values of α.
 */
alpha: Array<number>, 
/**
 * Row values of d.
 */
d: Array<number>, 
/**
 * `ratio[row][col]` = caulking rate / scratch rate at (α, d); > 1 where caulking wins.
 */
ratio: Array<Array<number>>, 
/**
 * The boundary α = 1/d as (α, d) points for d from 1 to 16.
 */
boundary: Array<[number, number]>, 
/**
 * The current (α, d).
 */
current: [number, number], 
/**
 * Whether caulking wins at the current point (α·d > 1).
 */
caulk_wins: boolean, 
/**
 * The two comparisons: `equal_beta`, then `same_target`.
 */
maps: Array<PhaseMap>, };

export type BoundsReport = { 
/**
 * Parameters used.
 */
params: TheoryParams, 
/**
 * The selected bounds' curves.
 */
bounds: Array<BoundCurve>, 
/**
 * n_ε against m for `caulk_m` (the floor reading).
 */
n_eps_vs_m: NEpsCurve, 
/**
 * n_ε against m for `caulk_m_rate` (the exponent reading).
 */
n_eps_vs_m_rate: NEpsCurve, 
/**
 * Where caulking beats scratch over (α, d).
 */
phase: PhaseDiagram, };

export type DeviceReport = { 
/**
 * Whether a GPU opened and passed the self-check.
 */
gpu: boolean, 
/**
 * Whether sweeps train on it: not under `backend=auto` when it is a software adapter
 * (lavapipe, SwiftShader), which is slower than the CPU kernels.
 */
sweeps_on_gpu: boolean, 
/**
 * `WebGPU: <adapter>` / `Vulkan: <adapter>` (with where sweeps run when that is the
 * CPU), or `CPU fallback: <reason>`.
 */
line: string, };

export type FinishedPoint = { 
/**
 * The curve's label (as in the final results).
 */
label: string, 
/**
 * Method id.
 */
method: Method, 
/**
 * Source size, if pre-trained.
 */
m: number | null, 
/**
 * Backbone width.
 */
width: number, 
/**
 * Target size of the point.
 */
n: number, 
/**
 * Mean excess risk over the seeds that finished (null when none did).
 */
risk_mean: number | null, 
/**
 * The mean's 95 % interval (crate::experiment::analysis::stats), lower end; null with fewer than 3 seeds.
 */
risk_lo: number | null, 
/**
 * Upper end.
 */
risk_hi: number | null, 
/**
 * Seeds that finished.
 */
seeds: number, 
/**
 * Their excess risks, in seed order (a page running shards of seeds joins them).
 */
risks: Array<number>, };

export type SeedPoint = { 
/**
 * [`point_key`] of the seed-point.
 */
key: string, 
/**
 * Its excess risk.
 */
risk: number, 
/**
 * The method's trainable parameters there.
 */
trainable: number, 
/**
 * Whether it came from the cache (not computed by this sweep).
 */
cached: boolean, };

export type TrainReport = { 
/**
 * Steps taken.
 */
steps: number, 
/**
 * Step of the kept weights (0: the starting weights).
 */
best_step: number, 
/**
 * Validation loss of the kept weights (training loss when there is no validation set).
 */
best_loss: number, 
/**
 * The step at which the loss or a gradient became NaN or infinite; the kept weights are
 * then the best finite ones seen before.
 */
diverged_at: number | null, 
/**
 * Whether training stopped early because the token was cancelled.
 */
cancelled: boolean, };

export type Backbone = { 
/**
 * [`backbone_key`] of it (set when it is sent with a progress event).
 */
key: string, 
/**
 * The sweep seed it belongs to.
 */
seed: number, 
/**
 * Its parameters.
 */
params: Array<number>, 
/**
 * How pre-training went.
 */
report: TrainReport, };

export type Progress = { 
/**
 * Work units finished (a pre-training or one fit).
 */
done: number, 
/**
 * Work units in the sweep.
 */
total: number, 
/**
 * What was just finished, e.g. `caulk-spline m=3000 n=256 seed 2`.
 */
point: string, 
/**
 * Seconds since the start.
 */
elapsed_s: number, 
/**
 * Estimated seconds left (from the cost model and the pace so far).
 */
eta_s: number, 
/**
 * A point of a curve whose seeds have all finished with this unit, if one did.
 */
finished: FinishedPoint | null, 
/**
 * The seed-point this unit finished (its risk, for the caller's point cache), if it
 * finished one with a finite risk.
 */
seed: SeedPoint | null, 
/**
 * The backbone this unit pre-trained (for the caller's cache), if it pre-trained one.
 */
backbone: Backbone | null, };

export type IntervalMethods = { 
/**
 * The mean risk's: `cox-log`, `t`, `cox-log+t` (both, at different n), `given` (imported
 * rows' own) or `none`.
 */
risk: string, 
/**
 * The slope's: `jackknife-t`, `t-fit` (imported single rows: the fit's residuals) or `none`.
 */
slope: string, };

export type CurveResult = { 
/**
 * Legend text.
 */
label: string, 
/**
 * Method id.
 */
method: Method, 
/**
 * Source size (null without pre-training).
 */
m: number | null, 
/**
 * Backbone width.
 */
width: number, 
/**
 * Target sizes.
 */
n: Array<number>, 
/**
 * Mean excess risk over the finished seeds (null where none finished).
 */
risk_mean: Array<number | null>, 
/**
 * The mean's 95 % interval, lower end (null with too few seeds; `interval` says how).
 */
risk_lo: Array<number | null>, 
/**
 * Upper end.
 */
risk_hi: Array<number | null>, 
/**
 * Seeds that finished at each n.
 */
seeds_done: Array<number>, 
/**
 * Fitted log-log slope over the n-window.
 */
slope: number | null, 
/**
 * The slope's 95 % interval, lower end (`interval` says how).
 */
slope_lo: number | null, 
/**
 * Upper end.
 */
slope_hi: number | null, 
/**
 * The theory's slope for this curve.
 */
predicted_slope: number | null, 
/**
 * Slopes between neighbouring n.
 */
local_slopes: Array<number | null>, 
/**
 * n_ε read off the data (ε from the config).
 */
n_eps: number | null, 
/**
 * The caulking bound's constant C calibrated to this curve (exponent fixed).
 */
calibrated_c: number | null, 
/**
 * Trainable parameters of the method (at the largest n).
 */
trainable: number | null, 
/**
 * How the intervals were computed (docs/science.md §8).
 */
interval: IntervalMethods, 
/**
 * Which shape the data prefer (power law, with a floor, broken) and each one's
 * held-out prediction of the largest n (crate::experiment::analysis::shapes); null with fewer than 4 points.
 */
shapes: Shapes | null, 
/**
 * Reasons not to trust the slope.
 */
flags: Array<string>, 
/**
 * Diverged or failed runs, one line each.
 */
notes: Array<string>, 
/**
 * Each finished seed's excess risk at each n, in seed order: the raw data behind the
 * means and intervals (and what merging shards of seeds needs).
 */
risks: Array<Array<number>>, 
/**
 * A second measure of the same fits where the preset has one (`digits`: the risk is the
 * test misclassification rate, this the squared loss on the 0/1 labels); null elsewhere.
 */
squared_loss?: LossCurve | null, 
/**
 * The caulk class validation chose at each n, as features read (`caulk-select`:
 * 1 = the spline on z, up to 5; a weighted mean, train::ladder); null elsewhere.
 */
class_chosen?: LossCurve | null, };

export type LossCurve = { 
/**
 * Mean over the finished seeds.
 */
mean: Array<number | null>, 
/**
 * Interval, lower end.
 */
lo: Array<number | null>, 
/**
 * Upper end.
 */
hi: Array<number | null>, 
/**
 * Each seed's value at each n.
 */
values: Array<Array<number>>, };

export type ClaimRow = { 
/**
 * Source sample size.
 */
m: number, 
/**
 * Mean risk at the claim's n (null where no seed finished there).
 */
risk: number | null, 
/**
 * Its 95 % interval, lower end.
 */
risk_lo: number | null, 
/**
 * Upper end.
 */
risk_hi: number | null, 
/**
 * n_ε read off the mean curve; null when the grid's largest n does not reach ε.
 */
n_eps: number | null, 
/**
 * n_ε's 95 % interval, lower end: where the band's lower end reaches ε (null when even
 * it lies beyond the grid).
 */
n_eps_lo: number | null, 
/**
 * Upper end: where the band's upper end reaches ε; null when it does not in the grid
 * ("> n_max").
 */
n_eps_hi: number | null, 
/**
 * The calibrated `caulk_m` bound's n_ε at this m (null where its floor is ≥ ε).
 */
bound_n_eps: number | null, };

export type ClaimSeries = { 
/**
 * Method id.
 */
method: Method, 
/**
 * Backbone width.
 */
width: number, 
/**
 * Legend text.
 */
label: string, 
/**
 * One row per m, increasing.
 */
rows: Array<ClaimRow>, 
/**
 * C of the calibrated `caulk_m` bound.
 */
c: number | null, 
/**
 * C_pre of the calibrated `caulk_m` bound.
 */
c_pre: number | null, 
/**
 * The limit rate's n_ε with the calibrated C: (C/ε)^(1/r).
 */
limit_n_eps: number | null, 
/**
 * The fitted `caulk_m` model per m and how well it fits ([`crate::experiment::analysis::model_fit`]).
 */
model: ModelFit | null, 
/**
 * Paired changes between neighbouring m (slope on the small-n window, risk at the
 * largest n), each with its 95 % Student-t interval over seeds.
 */
paired: Array<PairedChange>, 
/**
 * Both finite-m readings (`floor`, `exponent`; status `model`) fitted to these curves,
 * with the held-out-m errors (synthetic tasks only).
 */
models: Array<Reading>, 
/**
 * What the data show, in one sentence (or why nothing pairs).
 */
verdict: string | null, };

export type ModelFitRow = { 
/**
 * Source sample size.
 */
m: number, 
/**
 * The fitted model at each n of the curve's grid.
 */
fitted: Array<number>, 
/**
 * Measured points whose 95 % interval holds the fitted value (descriptive only).
 */
inside: number, 
/**
 * Measured points.
 */
points: number, 
/**
 * Root-mean-square of ln(measured / fitted).
 */
log_rms: number, 
/**
 * The n held out (the largest of the grid).
 */
heldout_n: number | null, 
/**
 * Fitted without it (at every m), the prediction's miss there in units of its own
 * half-interval (within ±1: inside the measured interval); null without an interval.
 */
heldout_miss: number | null, 
/**
 * Null where the held-out prediction lands inside the measured interval (or none can be
 * checked); otherwise how the model misses.
 */
miss: string | null, };

export type ModelFit = { 
/**
 * C of the n-term, shared by every m.
 */
c: number, 
/**
 * C_pre of the floor, shared by every m.
 */
c_pre: number, 
/**
 * The fixed n-exponent −r.
 */
exponent: number, 
/**
 * One row per m, increasing.
 */
rows: Array<ModelFitRow>, 
/**
 * Measured points inside their intervals, over every m.
 */
inside: number, 
/**
 * Measured points, over every m.
 */
points: number, };

export type PairedChange = { 
/**
 * The smaller source size.
 */
m_from: number, 
/**
 * The larger source size.
 */
m_to: number, 
/**
 * The n-window of the slopes, [n_lo, n_hi].
 */
window: [number, number], 
/**
 * Mean over seeds of slope(to) − slope(from) on the window.
 */
d_slope: number, 
/**
 * Its 95 % Student-t interval, lower end.
 */
d_slope_lo: number, 
/**
 * Upper end.
 */
d_slope_hi: number, 
/**
 * The n of the risk change (the claim's n, the largest by default).
 */
n_risk: number, 
/**
 * Mean over seeds of risk(to) − risk(from) at `n_risk`.
 */
d_risk: number, 
/**
 * Its 95 % Student-t interval, lower end.
 */
d_risk_lo: number, 
/**
 * Upper end.
 */
d_risk_hi: number, 
/**
 * Mean over seeds of the chosen class's change, each seed's class averaged over the
 * n grid (`caulk-select` only: negative is a simpler class at `to`); with its 95 %
 * Student-t interval.
 */
d_class?: [number, number, number] | null, 
/**
 * The change of ln n_ε (n_ε read off each curve's mean as the claim reads it), with its
 * 95 % delete-one jackknife-t interval over seeds left out of both curves at once
 * (`jackknife-t`; docs/science.md §8): exp of it is the ratio n_ε(to)/n_ε(from).
 * Null where either curve's mean, or a leave-one-out mean, does not reach ε in the grid.
 */
d_log_n_eps?: [number, number, number] | null, 
/**
 * Seeds paired.
 */
seeds: number, 
/**
 * The interval's method: `t` (Student-t on the per-seed differences).
 */
interval: string, };

export type MethodPair = { 
/**
 * The method compared.
 */
method: Method, 
/**
 * The method it is compared with (`full` where measured, else the backbone's first).
 */
reference: Method, 
/**
 * The backbone's source size (null without pre-training).
 */
m: number | null, 
/**
 * The backbone's width.
 */
width: number, 
/**
 * Target samples.
 */
n: number, 
/**
 * Mean over seeds of risk(method) − risk(reference).
 */
d_risk: number, 
/**
 * Its 95 % Student-t interval, lower end.
 */
d_risk_lo: number, 
/**
 * Upper end.
 */
d_risk_hi: number, 
/**
 * Seeds paired.
 */
seeds: number, 
/**
 * The interval's method: `t`.
 */
interval: string, };

export type HeldOut = { 
/**
 * The m left out of the fit.
 */
m: number, 
/**
 * Root-mean-square of ln(measured / predicted) over its points.
 */
log_error: number, 
/**
 * Root-mean-square of the prediction's miss in units of each point's own
 * half-interval (within 1: typically inside the measured intervals; docs/science.md §8);
 * null where its points have no interval.
 */
interval_miss: number | null, };

export type Reading = { 
/**
 * `floor` or `exponent`.
 */
id: string, 
/**
 * The bound it is (`caulk_m` or `caulk_m_rate`).
 */
bound: string, 
/**
 * Always `model`: this app's assumption, not the paper's statement.
 */
status: string, 
/**
 * Its formula in words, with the fitted constants.
 */
formula: string, 
/**
 * C, shared by every m.
 */
c: number, 
/**
 * C_pre of the floor reading (null for the exponent reading).
 */
c_pre: number | null, 
/**
 * C_ρ of the exponent reading (null for the floor reading).
 */
c_rho: number | null, 
/**
 * The reading's n-exponent at each m of the group, in order (the floor reading's is the
 * same at every m).
 */
exponents: Array<number>, 
/**
 * The fitted curve at each m (rows in m order, values on the grid).
 */
fitted: Array<Array<number>>, 
/**
 * Root-mean-square log residual over every point, fitted on every m.
 */
log_rms: number, 
/**
 * The largest m, left out of the fit (null with fewer than two m).
 */
heldout_m: number | null, 
/**
 * Its prediction's log error (null with fewer than two m).
 */
heldout_log_error: number | null, 
/**
 * Each m left out in turn.
 */
heldout: Array<HeldOut>, };

export type ShapeFit = { 
/**
 * `power`, `power+floor` or `broken`.
 */
shape: string, 
/**
 * Its formula with the fitted constants.
 */
formula: string, 
/**
 * Parameters fitted.
 */
k: number, 
/**
 * AICc (null with too few points for this shape).
 */
aicc: number | null, 
/**
 * Akaike weight among the shapes compared.
 */
weight: number | null, 
/**
 * Fitted on every point but the largest n, the miss there in units of its own
 * half-interval (null without an interval there or with too few points).
 */
heldout: number | null, 
/**
 * Its fitted parameters with their intervals (absent from results written before
 * they were: read as none).
 */
params: Array<ShapeParam>, };

export type ShapeParam = { 
/**
 * What it is.
 */
name: string, 
/**
 * Its fitted value.
 */
value: number, 
/**
 * The 95 % delete-one jackknife-t interval over seeds (null with fewer than 3 seeds or
 * seeds that differ between n).
 */
lo: number | null, 
/**
 * Its upper end.
 */
hi: number | null, 
/**
 * How the interval was found: `jackknife-t` (over seeds) or `profile` (the break).
 */
interval: string, };

export type Shapes = { 
/**
 * Each shape, in the order power, power+floor, broken.
 */
fits: Array<ShapeFit>, 
/**
 * The shape with the largest weight.
 */
preferred: string | null, 
/**
 * Whether the fits were weighted (within-seed errors, or the points' own intervals);
 * else σ was estimated from the residuals.
 */
weighted: boolean, 
/**
 * What the data prefer, in one sentence.
 */
verdict: string, };

export type Claim = { 
/**
 * The target excess risk.
 */
eps: number, 
/**
 * The n at which `risk` is read.
 */
n: number, 
/**
 * The largest n measured: an n_ε beyond it is "> n_max".
 */
n_max: number, 
/**
 * The smallest n measured: an n_ε read there is "≤ n_min" (ε reached at the first point).
 */
n_min: number, 
/**
 * One series per (method, width) with at least two m.
 */
series: Array<ClaimSeries>, };

export type Results = { 
/**
 * The config that ran.
 */
config: Config, 
/**
 * The compute device.
 */
backend: string, 
/**
 * One curve per (method, m, width).
 */
curves: Array<CurveResult>, 
/**
 * Mean risk of the best constant predictor (the variance of f° on the test set): a
 * reference line no method should sit above.
 */
constant_risk: number | null, 
/**
 * That risk for each seed, in seed order (its mean is `constant_risk`).
 */
constant_risks: Array<number>, 
/**
 * The theory's prediction for this preset.
 */
prediction: string, 
/**
 * The cost estimate made before the sweep.
 */
estimate: Estimate, 
/**
 * Wall time.
 */
elapsed_ms: number, 
/**
 * The title claim from these curves: per (method, width) measured at several m, the
 * risk at one n and n_ε against m beside the calibrated `caulk_m` bound's
 * ([`claim`](crate::experiment::analysis::claim)); null with fewer than two m.
 */
claim: Claim | null, 
/**
 * Every method against its backbone's reference (`full` where measured) at each n,
 * paired over seeds ([`method_pairs`](crate::experiment::analysis::paired::method_pairs)).
 */
method_pairs: Array<MethodPair>, 
/**
 * Whether the sweep was cancelled (the curves hold what had finished).
 */
cancelled: boolean, 
/**
 * What happened when the GPU failed mid-sweep and the CPU took over (null otherwise).
 */
device_lost: string | null, 
/**
 * The steadiness check's summary ([`steady`](crate::experiment::run::steady)); null where it did not run.
 */
steadiness: string | null, };

export type GpuRates = { 
/**
 * Seconds per call: fixed and per model.
 */
call: [number, number], 
/**
 * Seconds per step: at w = 0 and per FLOP of w, paid once per step.
 */
fixed: [number, number], 
/**
 * Seconds per step: at w = 0 and per FLOP of w, paid by each model.
 */
per_model: [number, number], 
/**
 * Seconds before a sweep's first step: creating the device and compiling its pipelines
 * (the probe's first call); 0 where the sweep runs on the device the probe measured.
 */
setup: number, };

export type Rates = { 
/**
 * FLOP/s of the training arithmetic on the CPU kernels.
 */
flops: number, 
/**
 * Ridge cosines per second of data generation (a d-term dot product and a libm cosine).
 */
ridges: number, 
/**
 * Head-only training steps per second on the CPU: a frozen extractor's fit (an
 * adapter's) gathers its batch's features and trains the head, a few hundred FLOP a
 * row, so its steps cost their bookkeeping (the gather, the loss, Adam, the kernels'
 * calls) far more than their arithmetic. 0 where unknown: the fallback
 * `flops / FALLBACK_HEAD_STEP_FLOPS`.
 */
head_steps: number, 
/**
 * When the sweep trains on a GPU: its fused program's speed ([`gpu_rates`]); the
 * batched training (pre-training, gradient fits) is then modelled with these instead of
 * `flops`. None: everything runs on the CPU.
 */
gpu: GpuRates | null, };

export type Estimate = { 
/**
 * Work units (one data table per seed, pre-trainings and fits).
 */
units: number, 
/**
 * Floating-point operations of training and fitting.
 */
flops: number, 
/**
 * Ridge cosines of data generation.
 */
ridges: number, 
/**
 * Seconds of training on the GPU, setup included (0 when everything runs on the CPU).
 */
gpu_s: number, 
/**
 * Expected seconds on this device: OVERHEAD · flops / rates.flops + ridges / rates.ridges
 * (+ the GPU's training seconds when `rates.gpu` is set).
 */
seconds: number, 
/**
 * Peak memory the sweep needs, bytes (see [`peak_bytes`]); above [`MEMORY_LIMIT`] the
 * sweep is refused before it starts.
 */
bytes: number, 
/**
 * That limit, bytes.
 */
memory_limit: number, 
/**
 * Parts that can run in parallel (the seeds; see `run::Shard`).
 */
shards: number, 
/**
 * The compute device the config asks for. Where the sweep trains is `rates.gpu`: set,
 * the GPU (and the page runs one worker: all seeds train at once on the one device).
 */
backend: BackendChoice, 
/**
 * The rates used.
 */
rates: Rates, };

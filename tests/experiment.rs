//! Scientific checks of the presets (docs/science.md §5) through the sweep runner, with fixed
//! seeds and the tolerances stated here, plus the runner's contract: cancellation keeps
//! finished points, mismatches name their key.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::cpu::CpuBackend;
use caulk::config::{Config, Method};
use caulk::experiment::{run_sweep, Cancel, Progress, Results};

mod common;
use common::{backbones, cpu_shard, quiet_sweep, RATES};

fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

fn run(fragment: &str) -> Results {
    run_with_progress(fragment).0
}

/// The results of a sweep and its progress events, in order.
fn run_with_progress(fragment: &str) -> (Results, Vec<Progress>) {
    let (c, _) = Config::from_fragment(fragment).unwrap();
    let mut events = Vec::new();
    let r = pollster::block_on(run_sweep(
        &c,
        &CpuBackend,
        RATES,
        &clock,
        &mut |p: &Progress| events.push(p.clone()),
        &mut |_: &str| {},
        &Cancel::new(),
    ))
    .unwrap();
    (r, events)
}

fn last_local_slope(r: &Results, curve: usize) -> f64 {
    // Over the last two intervals of n (docs/science.md reads 512 → 2048).
    let c = &r.curves[curve];
    let k = c.n.len();
    let (a, b) = (c.risk_mean[k - 3].unwrap(), c.risk_mean[k - 1].unwrap());
    (b.ln() - a.ln()) / ((c.n[k - 1] as f64).ln() - (c.n[k - 3] as f64).ln())
}

#[test]
fn limit_slope_matches_the_paper_rate_within_0_08() {
    // d = 3, σ = 0.5, n = 2^7 … 2^12, 16 seeds (docs/science.md: ≥ 16 seeds where agreement is
    // claimed). Measured: −0.509 (s = 0.5) and −0.604 (s = 0.75) when this test was written.
    for (alpha, beta) in [(0.5, 1.0), (0.75, 1.0)] {
        let r = run(&format!(
            "v=1&preset=limit&alpha={alpha}&beta={beta}&d=3&sigma=0.5&seeds=16"
        ));
        let c = &r.curves[0];
        let (slope, want) = (c.slope.unwrap(), c.predicted_slope.unwrap());
        println!(
            "limit s = {}: slope {slope:.3} [{:.3}, {:.3}], theory {want:.3}",
            alpha * beta,
            c.slope_lo.unwrap(),
            c.slope_hi.unwrap()
        );
        assert!(
            (slope - want).abs() < 0.08,
            "s = {}: slope {slope:.3}, theory {want:.3}",
            alpha * beta
        );
        assert!(c.slope_lo.unwrap() <= slope && slope <= c.slope_hi.unwrap());
        assert!(c.seeds_done.iter().all(|s| *s == 16));
        assert!(c.flags.is_empty(), "{:?}", c.flags);
    }
}

#[test]
fn scratch_is_flatter_than_limit_for_d_3() {
    let scratch = run("v=1&preset=scratch&d=3&n=64,128,256,512,1024,2048&seeds=4&steps=300");
    let limit = run("v=1&preset=limit&d=3&n=64,128,256,512,1024,2048&seeds=4");
    let (s, l) = (
        scratch.curves[0].slope.unwrap(),
        limit.curves[0].slope.unwrap(),
    );
    println!("scratch slope {s:.3}, limit slope {l:.3}");
    assert!(s > l, "scratch {s:.3} is not flatter than limit {l:.3}");
}

#[test]
fn headline_risk_falls_and_the_local_slope_steepens_with_m() {
    let r = run("v=1&preset=headline&m=300,3000,30000&methods=caulk-spline&seeds=8");
    assert_eq!(r.curves.len(), 3);
    let at_max: Vec<f64> = r
        .curves
        .iter()
        .map(|c| c.risk_mean.last().unwrap().unwrap())
        .collect();
    let local: Vec<f64> = (0..3).map(|i| last_local_slope(&r, i)).collect();
    println!("risk at the largest n {at_max:.4?}, local slopes {local:.3?}");
    assert!(
        at_max[0] > at_max[1] && at_max[1] > at_max[2],
        "risk at the largest n: {at_max:?}"
    );
    assert!(
        local[0] > local[1] && local[1] > local[2],
        "local slopes: {local:?}"
    );
}

#[test]
fn peft_adapter_beats_full_and_scratch_at_the_smallest_n() {
    let r = run("v=1&preset=peft&methods=caulk-adapter,full,scratch&n=64,256&seeds=4");
    let at = |m: Method| r.curves.iter().find(|c| c.method == m).unwrap().risk_mean[0].unwrap();
    let (adapter, full, scratch) = (
        at(Method::CaulkAdapter),
        at(Method::Full),
        at(Method::Scratch),
    );
    println!("n = 64: adapter {adapter:.4}, full {full:.4}, scratch {scratch:.4}");
    assert!(adapter < full && adapter < scratch);
    assert_eq!(r.curves[0].trainable, Some(3 * 8));
}

#[test]
fn cancelling_keeps_the_finished_points() {
    let (c, _) = Config::from_fragment("v=1&preset=limit&seeds=2&n=64,128,256,512").unwrap();
    let cancel = Cancel::new();
    let stopper = cancel.clone();
    let mut seen = 0;
    let r = pollster::block_on(run_sweep(
        &c,
        &CpuBackend,
        RATES,
        &clock,
        &mut |p: &Progress| {
            seen = p.done;
            if p.done == 7 {
                stopper.cancel();
            }
        },
        &mut |_: &str| {},
        &cancel,
    ))
    .unwrap();
    assert!(r.cancelled);
    // 2 data units, then both seeds at n = 64 and 128 (6), and the cancel comes during the
    // n = 256 batch, which finishes (all seeds of one (n, method) run together): 8 units.
    assert_eq!(seen, 8);
    let done = &r.curves[0].seeds_done;
    assert_eq!(done, &[2, 2, 2, 0], "{done:?}");
    assert!(r.curves[0].risk_mean[0].is_some());
}

#[test]
fn scratch_points_come_before_pre_training_and_the_numbers_do_not_depend_on_it() {
    // `scratch` needs no backbone, so its points are fitted before pre-training starts.
    let frag = "v=1&preset=peft&seeds=2&m=300&n=64,128&methods=scratch,caulk-adapter&steps=40";
    let (r, events) = run_with_progress(frag);
    let order: Vec<(String, Option<Method>)> = events
        .into_iter()
        .map(|p| (p.point, p.finished.map(|f| f.method)))
        .collect();
    let first_point = order.iter().position(|(_, f)| f.is_some()).unwrap();
    let first_pretraining = order
        .iter()
        .position(|(label, _)| label.starts_with("pre-training"))
        .unwrap();
    assert!(first_point < first_pretraining, "{order:?}");
    assert_eq!(order[first_point].1, Some(Method::Scratch));
    // Each method alone gives the same numbers as in the shared sweep.
    for (curve, alone) in r.curves.iter().zip(["scratch", "caulk-adapter"]) {
        let one = run(&format!(
            "v=1&preset=peft&seeds=2&m=300&n=64,128&methods={alone}&steps=40"
        ));
        assert_eq!(curve.risk_mean, one.curves[0].risk_mean, "{alone}");
    }
}

#[test]
fn scratch_is_one_curve_per_width_whatever_m_and_alone_it_pre_trains_nothing() {
    // `scratch` does not use the backbone, so several m give it one curve (m null), fitted
    // once; the sweep's units (the estimate's count) are the progress events it sends.
    let (r, events) = run_with_progress(
        "v=1&preset=peft&seeds=2&m=300,1000&width=16,32&n=64,128&methods=scratch,full&steps=40",
    );
    let curves: Vec<(Method, Option<u64>, usize, &str)> = r
        .curves
        .iter()
        .map(|c| (c.method, c.m, c.width, c.label.as_str()))
        .collect();
    assert_eq!(
        curves,
        [
            (Method::Scratch, None, 16, "scratch (W = 16)"),
            (Method::Full, Some(300), 16, "full (m = 300, W = 16)"),
            (Method::Scratch, None, 32, "scratch (W = 32)"),
            (Method::Full, Some(300), 32, "full (m = 300, W = 32)"),
            (Method::Full, Some(1000), 16, "full (m = 1000, W = 16)"),
            (Method::Full, Some(1000), 32, "full (m = 1000, W = 32)"),
        ]
    );
    // Scratch's theory is the from-scratch rate, in any preset; peft states none for the rest.
    let p = caulk::theory::TheoryParams::from_config(&r.config);
    let scratch = -2.0 * p.s_star / (2.0 * p.s_star + p.d);
    assert_eq!(r.curves[0].predicted_slope, Some(scratch));
    assert_eq!(r.curves[1].predicted_slope, None);
    assert_eq!(events.len(), r.estimate.units);
    // 2 seeds' data, 4 pre-trainings of 2 seeds, 6 curves × 2 n × 2 seeds.
    assert_eq!(r.estimate.units, 2 + 4 * 2 + 6 * 2 * 2);
    // Alone, scratch pre-trains nothing and gives the same numbers.
    let (one, events) = run_with_progress(
        "v=1&preset=peft&seeds=2&m=300,1000&width=16,32&n=64,128&methods=scratch&steps=40",
    );
    assert!(
        !events.iter().any(|e| e.point.starts_with("pre-training")),
        "{events:?}"
    );
    assert_eq!(one.curves.len(), 2);
    assert_eq!(one.curves[0].risk_mean, r.curves[0].risk_mean);
    assert_eq!(one.curves[1].risk_mean, r.curves[2].risk_mean);
}

#[test]
fn a_method_outside_the_preset_is_an_error_naming_methods() {
    let (c, _) = Config::from_fragment("v=1&preset=limit&methods=partial").unwrap();
    let err = quiet_sweep(&CpuBackend, &c).unwrap_err().to_string();
    // Ids as the link writes them.
    assert_eq!(
        err,
        "methods: partial does not belong to preset limit (allowed: caulk-adapter|caulk-spline|lora)"
    );
}

/// The caulks that fit a spline on z refuse a feature of more than one dimension before the
/// sweep starts, naming k (not one failed note per point).
#[test]
fn a_spline_caulk_on_a_multi_dimensional_feature_is_an_error_naming_k() {
    for m in ["caulk-spline", "caulk-select"] {
        let (c, _) =
            Config::from_fragment(&format!("v=1&preset=headline&k=2&methods={m}")).unwrap();
        let err = quiet_sweep(&CpuBackend, &c).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("k: {m} needs k = 1 (a one-dimensional feature)")
        );
    }
}

#[test]
fn a_sweep_beyond_the_memory_limit_is_refused_before_it_starts_and_presets_fit() {
    use caulk::config::Preset;
    use caulk::experiment::sweep::cost::{estimate, MEMORY_LIMIT};
    use caulk::experiment::sweep::plan::plan;
    let (c, _) =
        Config::from_fragment("v=1&preset=headline&width=1024&depth=6&seeds=32&m=1000000").unwrap();
    let mut units = 0;
    let err = pollster::block_on(run_sweep(
        &c,
        &CpuBackend,
        RATES,
        &clock,
        &mut |_: &Progress| units += 1,
        &mut |_: &str| {},
        &Cancel::new(),
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("memory") && err.contains("lower width"),
        "{err}"
    );
    assert_eq!(units, 0, "no work started");
    for p in Preset::ALL {
        let c = Config::for_preset(p);
        let e = estimate(&plan(&c).unwrap(), &c, RATES);
        assert!(
            e.bytes > 1e6 && e.bytes < MEMORY_LIMIT / 4.0,
            "{p:?}: {} bytes",
            e.bytes
        );
    }
}

#[test]
fn shards_of_seeds_merge_into_exactly_the_whole_sweep() {
    use caulk::experiment::{merge, shard_seeds, Shard};
    // Two groups (m), a closed form and a gradient method, 5 seeds in 3 shards (1, 2, 2).
    let frag =
        "v=1&preset=headline&seeds=5&m=300,1000&n=64,128&methods=caulk-spline,caulk-adapter&steps=30";
    let (c, _) = Config::from_fragment(frag).unwrap();
    let whole = run(frag);
    let count = 3;
    let ranges: Vec<_> = (0..count)
        .map(|index| shard_seeds(5, Shard { index, count }))
        .collect();
    assert_eq!(ranges, vec![0..1, 1..3, 3..5]);
    let parts: Vec<Results> = (0..count)
        .map(|index| cpu_shard(&c, Shard { index, count }))
        .collect();
    // Every shard has every curve, over its own seeds.
    for (p, r) in parts.iter().zip(&ranges) {
        assert_eq!(p.curves.len(), whole.curves.len());
        assert!(p.curves.iter().all(|cv| cv.seeds_done == vec![r.len(); 2]));
    }
    let merged = merge(&c, parts).unwrap();
    assert_eq!(merged.curves, whole.curves);
    assert_eq!(merged.constant_risk, whole.constant_risk);
    assert_eq!(merged.constant_risks, whole.constant_risks);
    assert!(whole.curves.iter().all(|cv| cv.seeds_done == vec![5, 5]));
    // Shards of another sweep do not merge.
    let (other, _) = Config::from_fragment(&format!("{frag}&seed=9")).unwrap();
    let odd = cpu_shard(&other, Shard { index: 0, count: 2 });
    assert!(merge(&c, vec![whole.clone(), odd]).is_err());
}

#[test]
fn a_jittered_sweep_is_reproducible_and_moves_by_less_than_its_seed_spread() {
    // `jitter` perturbs every network's starting weights by a relative 1e-6: a numerical
    // floor, far inside the seeds' spread (the interval over seeds of each point).
    let frag = "v=1&preset=headline&seeds=3&m=300&n=64,256&steps=60";
    let plain = run(frag);
    let jittered = run(&format!("{frag}&jitter=1e-6"));
    assert_eq!(jittered.config.jitter, 1e-6);
    assert_eq!(
        run(&format!("{frag}&jitter=1e-6")).curves[1].risk_mean,
        jittered.curves[1].risk_mean
    );
    let mut moved = 0;
    for (a, b) in plain.curves.iter().zip(&jittered.curves) {
        for j in 0..a.n.len() {
            let (ra, rb) = (a.risk_mean[j].unwrap(), b.risk_mean[j].unwrap());
            let spread = a.risk_hi[j].unwrap() - a.risk_lo[j].unwrap();
            assert!(
                (ra - rb).abs() < 0.1 * spread,
                "{} n={}: {ra} vs {rb}",
                a.label,
                a.n[j]
            );
            moved += usize::from(ra != rb);
        }
    }
    // It reaches the backbones (both methods) and the adapter's own training, and says so.
    assert_eq!(moved, 4, "points that moved");
    for c in &jittered.curves {
        assert!(
            c.flags
                .iter()
                .any(|f| f.contains("perturbed by up to a relative 1e-6")),
            "{}: {:?}",
            c.label,
            c.flags
        );
    }
    // `limit` trains no network: the same numbers, and a flag that says so.
    let frag = "v=1&preset=limit&seeds=2&n=64,128";
    let (plain, jittered) = (run(frag), run(&format!("{frag}&jitter=1e-3")));
    assert_eq!(plain.curves[0].risks, jittered.curves[0].risks);
    assert!(jittered.curves[0]
        .flags
        .iter()
        .any(|f| f.contains("changes nothing")));
}

#[test]
fn gradient_fits_are_as_steady_as_the_adapter_under_a_jitter_at_f32_rounding() {
    // Every single-seed risk of every gradient method moves by ≤ 10 % when the starting
    // weights (backbones and fits) are perturbed by a relative 1e-6. Before the checks every
    // 10 steps and the smaller step of `lora` and `full` (train::methods::REWRITE_LR_SCALE),
    // this sweep moved LoRA's risk at n = 64 by 211 % and `full`'s by 114 %.
    let frag = "v=1&preset=peft&methods=lora,partial,caulk-adapter,full&alpha=0.9&beta=0.9&d=3&seeds=4&seed=5&n=64,256&m=3000";
    let (plain, jittered) = (run(frag), run(&format!("{frag}&jitter=1e-6")));
    for (a, b) in plain.curves.iter().zip(&jittered.curves) {
        for (j, n) in a.n.iter().enumerate() {
            for (ra, rb) in a.risks[j].iter().zip(&b.risks[j]) {
                let moved = (rb - ra).abs() / ra;
                assert!(
                    moved <= 0.10,
                    "{} n = {n}: {ra} → {rb} ({moved:.3})",
                    a.label
                );
            }
        }
    }
}

#[test]
fn adapters_on_the_oracle_network_reach_the_rate() {
    // The gradient caulks on the oracle network (train::oracle), capacity chosen on
    // validation, in a well-conditioned basis: the adapter's hat units with knots at the
    // feature's quantiles, LoRA on the oracle's hats. With hinge units (relu(V·z + c), every
    // c = 0 at the start) the adapter's slope was −0.15 and LoRA's −0.31 on this config; now
    // all three reach −2s/(2s+1) = −0.6. Measured with this config (4 seeds): slopes −0.546,
    // −0.689, −0.558; asserted within 0.15 (4 seeds scatter a slope by ±0.1), and no curve
    // carries the flag of a slope whose interval misses the rate.
    let r = run("v=1&preset=limit&alpha=0.75&methods=caulk-spline,caulk-adapter,lora&seeds=4&n=128,256,512,1024,2048");
    let by = |id: &str| r.curves.iter().find(|c| c.method.id() == id).unwrap();
    let (spline, adapter, lora) = (by("caulk-spline"), by("caulk-adapter"), by("lora"));
    let want = spline.predicted_slope.unwrap();
    for c in [spline, adapter, lora] {
        assert!(
            (c.slope.unwrap() - want).abs() < 0.15,
            "{}: {:?} against {want}",
            c.label,
            c.slope
        );
        assert!(
            !c.flags.iter().any(|f| f.contains("misses the theory's")),
            "{}: {:?}",
            c.label,
            c.flags
        );
    }
    // At the largest n the gradient caulks are within a factor 3 of the closed-form spline.
    let last = |c: &caulk::experiment::CurveResult| c.risk_mean.last().copied().flatten().unwrap();
    for c in [adapter, lora] {
        assert!(
            last(c) < 3.0 * last(spline),
            "{}: {} vs {}",
            c.label,
            last(c),
            last(spline)
        );
    }
}

/// A sweep of `fragment`'s seeds handed the seed-points `known`, and its progress events.
fn run_with_known(
    fragment: &str,
    known: &caulk::experiment::run::cache::Known,
) -> (Results, Vec<Progress>) {
    let (c, _) = Config::from_fragment(fragment).unwrap();
    common::sweep_with_known(&c, known).unwrap()
}

/// The seed-points a sweep's events carry: key → (risk, trainable), and how many of them
/// came from the cache.
fn seed_points(events: &[Progress]) -> (caulk::experiment::run::cache::Known, usize) {
    let points: Vec<_> = events.iter().filter_map(|p| p.seed.as_ref()).collect();
    let cached = points.iter().filter(|s| s.cached).count();
    let known = caulk::experiment::run::cache::Known {
        points: points
            .into_iter()
            .map(|s| (s.key.clone(), (s.risk, s.trainable)))
            .collect(),
        backbones: Default::default(),
    };
    (known, cached)
}

/// The backbone cache: after α, β or σ moved (they shape only the target), a sweep pre-trains
/// nothing and fits on the backbones it has; its numbers equal a fresh sweep's bit for bit.
#[test]
fn backbones_are_reused_when_only_the_target_changes() {
    let frag = "v=1&preset=headline&seeds=2&m=300,3000&n=64,128&steps=30";
    let (_, events) = run_with_known(frag, &Default::default());
    let known = backbones(&events);
    assert_eq!(known.backbones.len(), 4); // 2 m × 2 seeds
    for change in ["alpha=0.6", "sigma=0.3"] {
        let moved = format!("{frag}&{change}");
        let (cached_run, events) = run_with_known(&moved, &known);
        assert!(
            events.iter().all(|p| !p.point.starts_with("pre-training")),
            "{change}: pre-trained again"
        );
        assert_eq!(cached_run.curves, run(&moved).curves, "{change}");
    }
    // s_φ changes the extractor: every backbone is trained again.
    let (_, events) = run_with_known(&format!("{frag}&s_phi=0.8"), &known);
    let pretrained = events
        .iter()
        .filter(|p| p.point.starts_with("pre-training"))
        .count();
    assert_eq!(pretrained, 4);
}

/// The point cache: a sweep handed an earlier sweep's seed-points recomputes exactly the
/// points whose own inputs changed (and pre-trains only where one of them needs a backbone),
/// and its results equal, bit for bit, a sweep of the same config without the cache.
#[test]
fn the_point_cache_recomputes_only_what_changed_and_changes_no_number() {
    let frag = "v=1&preset=headline&seeds=2&m=300,3000&n=64,128&steps=30";
    let (first, events) = run_with_known(frag, &Default::default());
    let (known, cached) = seed_points(&events);
    // 2 methods × 2 m × 2 n × 2 seeds, all computed.
    assert_eq!((known.points.len(), cached), (16, 0));

    // The same config: every seed-point from the cache, no pre-training, the same numbers.
    let (again, events) = run_with_known(frag, &known);
    assert_eq!(seed_points(&events).1, 16);
    assert!(events.iter().all(|p| !p.point.starts_with("pre-training")));
    assert_eq!(again.curves, first.curves);

    // Only the method list: nothing computed.
    let spline_only = format!("{frag}&methods=caulk-spline");
    let (_, events) = run_with_known(&spline_only, &known);
    let (points, cached) = seed_points(&events);
    assert_eq!((points.points.len(), cached), (8, 8));

    // The adapter's own knob: its 8 seed-points are computed (on backbones pre-trained
    // again), the spline's 8 come from the cache; the numbers equal a run without a cache.
    let narrower = format!("{frag}&adapter_width=4");
    let (cached_run, events) = run_with_known(&narrower, &known);
    let points: Vec<_> = events.iter().filter_map(|p| p.seed.as_ref()).collect();
    assert_eq!(points.iter().filter(|s| s.cached).count(), 8);
    assert!(points
        .iter()
        .filter(|s| !s.cached)
        .all(|s| s.key.contains("method=caulk-adapter")));
    let fresh = run(&narrower);
    assert_eq!(cached_run.curves, fresh.curves);
}

/// A sweep cut short exports its finished points in the results CSV's columns, written by
/// Rust alone: the label quoted (its `"` turned to `'`), nulls and the slopes as empty cells.
#[test]
fn a_partial_sweeps_points_export_in_the_results_csv_columns() {
    use caulk::config::Method;
    use caulk::experiment::io::results::{points_csv, CSV_HEADER};
    use caulk::experiment::FinishedPoint;
    let point = |label: &str, m, n, mean| FinishedPoint {
        label: label.into(),
        method: Method::CaulkSpline,
        m,
        width: 32,
        n,
        risk_mean: mean,
        risk_lo: mean.map(|r| r * 0.5),
        risk_hi: mean.map(|r| r * 2.0),
        seeds: 3,
        risks: vec![],
    };
    let csv = points_csv(&[
        point(
            "caulk-spline (m = 300, W = \"32\")",
            Some(300),
            64,
            Some(0.25),
        ),
        point("no pre-training", None, 128, None),
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(format!("{}\n", lines[0]), CSV_HEADER);
    assert_eq!(
        lines[1],
        "\"caulk-spline (m = 300, W = '32')\",caulk-spline,300,32,64,0.25,0.125,0.5,3,,,,"
    );
    assert_eq!(
        lines[2],
        "\"no pre-training\",caulk-spline,,32,128,,,,3,,,,"
    );
    assert_eq!(lines.len(), 3);
}

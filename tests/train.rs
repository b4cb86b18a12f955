//! Training: pre-training learns the source task, frozen parameters stay bit-identical,
//! every method runs and reports its trainable count, the oracle spline caulk beats training
//! from scratch, runs are reproducible, divergence is reported, bad sizes are refused.
#![cfg(not(target_arch = "wasm32"))]

use caulk::closed_form::{KnotRule, Spline};
use caulk::config::Method;
use caulk::data::{excess_risk, ExtractorKind, Task, TaskSpec};
use caulk::model::Arch;
use caulk::rng::{Rng, Stream};
use caulk::train::methods::{
    fit, pretrain, pretrained_mse, trainable_mask, MethodOpts, Pretrained,
};
use caulk::train::{train, Cancel, Optimizer, TrainOpts};

fn task(seed: u64) -> Task {
    Task::new(
        TaskSpec {
            d: 3,
            k: 1,
            s: 0.64,
            s_phi: 1.0,
            sigma: 0.5,
            extractor: ExtractorKind::Ridge,
        },
        seed,
    )
}

fn arch() -> Arch {
    Arch {
        d: 3,
        width: 64,
        depth: 2,
        k: 1,
        head_width: 16,
        adapter_width: 0,
        lora_rank: 0,
    }
}

fn opts(steps: usize) -> TrainOpts {
    TrainOpts {
        steps,
        lr: 3e-3,
        batch: 128,
        ..TrainOpts::default()
    }
}

fn pretrained(seed: u64, m: usize, steps: usize) -> Pretrained {
    pretrain(
        &arch(),
        &task(seed).source(m),
        &opts(steps),
        seed,
        &Cancel::new(),
    )
    .unwrap()
}

#[test]
fn pretraining_on_4096_samples_beats_the_zero_predictor_tenfold() {
    let t = task(1);
    let pre = pretrained(1, 4096, 3000);
    let test = t.source_test(4096);
    let zero = test.f.iter().map(|f| f * f).sum::<f64>() / test.len() as f64;
    let risk = pretrained_mse(&pre, &test);
    assert!(pre.report.diverged_at.is_none());
    assert!(
        risk * 10.0 <= zero,
        "pre-trained risk {risk:.4}, zero predictor {zero:.4}"
    );
}

#[test]
fn frozen_parameters_are_bit_identical_after_fine_tuning() {
    let t = task(2);
    let pre = pretrained(2, 1024, 300);
    let target = t.target(200);
    let mut rng = Rng::new(5, Stream::Init);
    for (method, aw, r) in [
        (Method::CaulkAdapter, 8, 0),
        (Method::Lora, 0, 4),
        (Method::Bitfit, 0, 0),
        (Method::Partial, 0, 0),
    ] {
        let (a, mut p) = pre.arch.extend(&pre.params, aw, r, &mut rng);
        let before = p.clone();
        let mask = trainable_mask(&a, method, 1);
        assert!(mask.iter().any(|m| *m) && mask.iter().any(|m| !*m));
        let report = train(
            &a,
            &mut p,
            &mask,
            &target.x,
            &target.y,
            None,
            &opts(200),
            &mut Rng::new(6, Stream::Batch),
            &Cancel::new(),
        )
        .unwrap();
        assert!(report.best_step > 0, "{method:?} never improved");
        for (i, (new, old)) in p.iter().zip(&before).enumerate() {
            if mask[i] {
                continue;
            }
            assert_eq!(
                new.to_bits(),
                old.to_bits(),
                "{method:?}: frozen parameter {i} moved"
            );
        }
        assert!(
            p.iter().zip(&before).any(|(a, b)| a != b),
            "{method:?}: nothing trained"
        );
    }
}

#[test]
fn every_method_fits_and_reports_its_trainable_parameters() {
    let t = task(3);
    let pre = pretrained(3, 1024, 300);
    let (target, test) = (t.target(128), t.test());
    let mo = MethodOpts {
        adapter_width: 8,
        rank: 2,
        layers: 1,
        train: opts(150),
    };
    let a = &pre.arch;
    let base = a.param_count();
    for (method, want) in [
        (Method::CaulkAdapter, 3 * 8),
        (Method::Lora, 2 * (3 + 64 + 64) + 2 * (64 + 64 + 1)),
        (Method::Partial, 64 + 1 + 16 * 2 + 16 + 1),
        // Every bias: the extractor's 64 + 64 + 1, the head's 16 + 1.
        (Method::Bitfit, 64 + 64 + 1 + 16 + 1),
        (Method::LinearProbe, 17),
        (Method::Full, base),
        (Method::Scratch, base),
    ] {
        let f = fit(method, &pre, &target, &test, &mo, 9, &Cancel::new()).unwrap();
        assert_eq!(f.trainable, want, "{method:?}");
        assert!(f.risk.is_finite() && f.risk > 0.0, "{method:?}: {}", f.risk);
    }
    let spline = fit(
        Method::CaulkSpline,
        &pre,
        &target,
        &test,
        &mo,
        9,
        &Cancel::new(),
    )
    .unwrap();
    assert!(spline.trainable >= 2 && spline.risk.is_finite());
    // A layer count beyond the depth names its key.
    let bad = MethodOpts { layers: 3, ..mo };
    assert!(fit(
        Method::Partial,
        &pre,
        &target,
        &test,
        &bad,
        9,
        &Cancel::new()
    )
    .unwrap_err()
    .to_string()
    .starts_with("layers:"));
}

#[test]
fn oracle_spline_caulk_beats_scratch_at_n_256() {
    let mut spline_risk = 0.0;
    let mut scratch_risk = 0.0;
    for seed in 0..2 {
        let t = task(10 + seed);
        let (target, test) = (t.target(256), t.test());
        let oracle = Spline::fit(&target.z, &target.y, KnotRule::LeaveOneOut).unwrap();
        let pred: Vec<f64> = test.z.iter().map(|&z| oracle.eval(z)).collect();
        spline_risk += excess_risk(&pred, &test.f);
        let pre = Pretrained::new(
            arch(),
            arch().init(&mut Rng::new(seed, Stream::Init)),
            pretrained(0, 10, 1).report,
        );
        let mo = MethodOpts {
            adapter_width: 8,
            rank: 2,
            layers: 1,
            train: opts(1000),
        };
        scratch_risk += fit(
            Method::Scratch,
            &pre,
            &target,
            &test,
            &mo,
            seed,
            &Cancel::new(),
        )
        .unwrap()
        .risk;
    }
    assert!(
        spline_risk < scratch_risk,
        "oracle spline {spline_risk:.4} vs scratch {scratch_risk:.4}"
    );
}

#[test]
fn the_same_seed_gives_bit_identical_results() {
    let t = task(4);
    let (target, test) = (t.target(100), t.test());
    let run = || {
        let pre = pretrained(4, 512, 100);
        let mo = MethodOpts {
            adapter_width: 4,
            rank: 2,
            layers: 1,
            train: opts(100),
        };
        (
            pre.params.clone(),
            fit(Method::Lora, &pre, &target, &test, &mo, 7, &Cancel::new()).unwrap(),
        )
    };
    let (pa, fa) = run();
    let (pb, fb) = run();
    assert_eq!(
        pa.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        pb.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(fa.risk.to_bits(), fb.risk.to_bits());
    assert_eq!(fa, fb);
}

#[test]
fn a_diverging_run_is_reported_not_crashed() {
    let t = task(5);
    let s = t.target(64);
    let a = arch();
    let mut p = a.init(&mut Rng::new(1, Stream::Init));
    let start = p.clone();
    let mask = vec![true; p.len()];
    let wild = TrainOpts {
        steps: 200,
        lr: 1e6,
        optimizer: Optimizer::Sgd,
        eval_every: 1,
        ..TrainOpts::default()
    };
    let report = train(
        &a,
        &mut p,
        &mask,
        &s.x,
        &s.y,
        None,
        &wild,
        &mut Rng::new(2, Stream::Batch),
        &Cancel::new(),
    )
    .unwrap();
    assert!(report.diverged_at.is_some(), "{report:?}");
    assert!(p.iter().all(|v| v.is_finite()));
    // Nothing better than the start was seen, so the start is kept.
    if report.best_step == 0 {
        assert_eq!(p, start);
    }
}

#[test]
fn out_of_range_sizes_are_refused_with_the_key() {
    let t = task(6);
    for (a, key) in [
        (Arch { width: 0, ..arch() }, "width"),
        (Arch { depth: 9, ..arch() }, "depth"),
        (
            Arch {
                lora_rank: 500,
                ..arch()
            },
            "rank",
        ),
        (
            Arch {
                adapter_width: 1000,
                ..arch()
            },
            "adapter_width",
        ),
    ] {
        let err = pretrain(&a, &t.source(10), &opts(1), 0, &Cancel::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains(key), "{err}");
    }
    let bad_lr = TrainOpts {
        lr: f64::NAN,
        ..opts(1)
    };
    let err = pretrain(&arch(), &t.source(10), &bad_lr, 0, &Cancel::new())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("lr:"), "{err}");
}

#[test]
fn a_cancelled_token_stops_training_before_the_next_step() {
    let t = task(7);
    let s = t.target(64);
    let a = arch();
    let mut p = a.init(&mut Rng::new(1, Stream::Init));
    let start = p.clone();
    let cancel = Cancel::new();
    cancel.cancel();
    let mask = vec![true; p.len()];
    let report = train(
        &a,
        &mut p,
        &mask,
        &s.x,
        &s.y,
        None,
        &opts(100),
        &mut Rng::new(2, Stream::Batch),
        &cancel,
    )
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(report.steps, 0);
    assert_eq!(p, start);
}

#[test]
fn jitter_perturbs_every_starting_weight_within_its_bound_and_zero_changes_nothing() {
    use caulk::train::jitter_start;
    let w: Vec<f64> = arch().init(&mut Rng::with_index(3, Stream::Init, 0));
    let jittered = |amount: f64, seed: u64| {
        let mut p = w.clone();
        jitter_start(&mut p, amount, seed, 0);
        p
    };
    let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&jittered(0.0, 3)), bits(&w));
    let a = jittered(1e-3, 3);
    // |w' − w| ≤ jitter·|w| for every weight, and (u uniform in [−1, 1)) no weight stays put.
    for (x, y) in w.iter().zip(&a) {
        assert!((y - x).abs() <= 1e-3 * x.abs(), "{x} → {y}");
        assert!(*x == 0.0 || x != y, "{x} unchanged");
    }
    // Its own stream: the same seed gives the same weights, another seed others; and the
    // perturbation is about uniform (mean |u| = 1/2).
    assert_eq!(bits(&jittered(1e-3, 3)), bits(&a));
    assert_ne!(bits(&jittered(1e-3, 4)), bits(&a));
    let mean_u = w
        .iter()
        .zip(&a)
        .filter(|(x, _)| **x != 0.0)
        .map(|(x, y)| ((y - x) / (1e-3 * x)).abs())
        .sum::<f64>()
        / w.iter().filter(|x| **x != 0.0).count() as f64;
    assert!((mean_u - 0.5).abs() < 0.05, "mean |u| = {mean_u}");
}

#[test]
fn a_jittered_pre_training_starts_elsewhere_and_learns_as_well() {
    let (t, seed) = (task(5), 5);
    let source = t.source(1024);
    let train_with = |jitter: f64| {
        let o = TrainOpts {
            jitter,
            ..opts(300)
        };
        pretrain(&arch(), &source, &o, seed, &Cancel::new()).unwrap()
    };
    let (plain, jittered) = (train_with(0.0), train_with(1e-6));
    assert_ne!(plain.params, jittered.params);
    let (a, b) = (
        pretrained_mse(&plain, &t.test()),
        pretrained_mse(&jittered, &t.test()),
    );
    assert!((a - b).abs() <= 0.05 * a, "test MSE {a} vs {b}");
    // Out of range: an error naming the key, before any step.
    for bad in [-1e-9, 0.5, f64::NAN] {
        let o = TrainOpts {
            jitter: bad,
            ..opts(10)
        };
        let err = pretrain(&arch(), &source, &o, seed, &Cancel::new()).unwrap_err();
        assert!(err.to_string().starts_with("jitter: "), "{err}");
    }
}

/// A backbone's kept test features are its extractor's output, bit for bit, on the inputs of
/// the first call (other inputs are computed afresh), and the head run on them predicts what
/// the whole network predicts; so a method that keeps the extractor scores the same whether
/// its test features are kept or not.
#[test]
fn kept_test_features_are_the_extractors_and_predict_the_same() {
    let pre = pretrained(3, 200, 20);
    let t = task(3);
    let (test, other) = (t.test(), t.target(50));
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let fresh = pre.arch.forward(&pre.params, &test.x);
    for _ in 0..2 {
        assert_eq!(bits(&pre.test_features(&test.x)), bits(&fresh.z));
    }
    let z_other = pre.arch.forward(&pre.params, &other.x).z;
    assert_eq!(bits(&pre.test_features(&other.x)), bits(&z_other));
    // Still the first inputs' features after the other call.
    assert_eq!(bits(&pre.test_features(&test.x)), bits(&fresh.z));
    let head = pre.arch.head_pass(&pre.params, &fresh.z, test.len());
    assert_eq!(bits(&head.out), bits(&fresh.head.out));
    assert_eq!(bits(&head.head_hidden), bits(&fresh.head.head_hidden));
    // With an adapter as well (its weights nonzero).
    let mut a2 = pre.arch.clone();
    a2.adapter_width = 4;
    let p2 = a2.init(&mut Rng::new(9, Stream::Init));
    let full = a2.forward(&p2, &test.x);
    let from_z = a2.head_pass(&p2, &a2.features(&p2, &test.x), test.len());
    assert_eq!(bits(&from_z.out), bits(&full.head.out));
}

/// The method registry's facts agree with what training does: a method keeps the extractor
/// exactly when it trains no extractor or LoRA weight and starts from the backbone (not
/// `scratch`); a closed form trains no parameter.
#[test]
fn the_registry_says_what_training_does() {
    use caulk::model::Role;
    use caulk::train::methods::{keeps_extractor, trains};
    let mut a = arch();
    a.adapter_width = 4;
    a.lora_rank = 2;
    for m in Method::ALL {
        let segments = a.segments();
        let touches = segments.iter().any(|s| {
            matches!(
                s.role,
                Role::ExtractorWeight(_) | Role::ExtractorBias(_) | Role::LoraA(_) | Role::LoraB(_)
            ) && trains(&a, m, 1, s.role)
        });
        assert_eq!(
            keeps_extractor(m),
            !touches && m != Method::Scratch,
            "{m:?}"
        );
        if !m.is_gradient() {
            assert!(segments.iter().all(|s| !trains(&a, m, 1, s.role)), "{m:?}");
        }
    }
}

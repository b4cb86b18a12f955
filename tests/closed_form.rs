//! Closed forms: the tridiagonal solver against dense algebra, the spline's exact
//! leave-one-out against refitting, constants reproduced, ridge against the normal
//! equations. (The `limit`-rate check of the spline caulk is in tests/experiment.rs.)
#![cfg(not(target_arch = "wasm32"))]

use caulk::closed_form::spline::{fit_k, knot_grid};
use caulk::closed_form::tridiagonal::Ldl;
use caulk::closed_form::{KnotRule, Ridge, Spline};
use caulk::rng::{Rng, Stream};
use nalgebra::{DMatrix, DVector};

#[test]
fn tridiagonal_solve_and_inverse_band_match_dense_algebra() {
    let mut rng = Rng::new(1, Stream::Test);
    for k in [1, 2, 5, 40] {
        let b: Vec<f64> = (0..k - 1).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
        let a: Vec<f64> = (0..k).map(|_| 2.5 + rng.uniform()).collect();
        let r: Vec<f64> = (0..k).map(|_| rng.normal()).collect();
        let dense = DMatrix::from_fn(k, k, |i, j| match i.abs_diff(j) {
            0 => a[i],
            1 => b[i.min(j)],
            _ => 0.0,
        });
        let ldl = Ldl::new(&a, &b).unwrap();
        let x = ldl.solve(&r);
        let want = dense
            .clone()
            .lu()
            .solve(&DVector::from_vec(r.clone()))
            .unwrap();
        let inv = dense.try_inverse().unwrap();
        let (diag, sup) = ldl.inverse_band();
        for i in 0..k {
            assert!((x[i] - want[i]).abs() < 1e-12);
            assert!((diag[i] - inv[(i, i)]).abs() < 1e-12);
            if i + 1 < k {
                assert!((sup[i] - inv[(i, i + 1)]).abs() < 1e-12);
            }
        }
    }
    assert!(Ldl::new(&[1.0, 1.0], &[2.0]).is_none());
}

#[test]
fn exact_leave_one_out_equals_refitting_without_each_point() {
    let mut rng = Rng::new(2, Stream::Test);
    let n = 40;
    let z: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = z
        .iter()
        .map(|v| (6.0 * v).sin() + 0.3 * rng.normal())
        .collect();
    for k in [1, 3, 7, 15] {
        let fit = Spline::fit(&z, &y, KnotRule::Fixed(k)).unwrap();
        let mut brute = 0.0;
        for i in 0..n {
            let zi: Vec<f64> = z
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, v)| *v)
                .collect();
            let yi: Vec<f64> = y
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, v)| *v)
                .collect();
            // The same knot range as the full fit, even when point i was an extreme.
            let part = fit_k(&zi, &yi, fit.lo, fit.hi, k).unwrap();
            brute += (y[i] - part.eval(z[i])).powi(2);
        }
        brute /= n as f64;
        assert!(
            (fit.loo - brute).abs() < 1e-10 * brute.max(1.0),
            "K = {k}: {} vs {brute}",
            fit.loo
        );
    }
}

#[test]
fn constants_are_reproduced_exactly_and_bad_input_is_refused() {
    let z: Vec<f64> = (0..50).map(|i| (i as f64 * 0.37) % 1.0).collect();
    let y = vec![0.42; 50];
    for rule in [
        KnotRule::LeaveOneOut,
        KnotRule::Fixed(9),
        KnotRule::Theory(0.5),
    ] {
        let fit = Spline::fit(&z, &y, rule).unwrap();
        assert!((0..=100).all(|i| (fit.eval(i as f64 / 100.0) - 0.42).abs() < 1e-12));
    }
    assert!(Spline::fit(&[0.1], &[1.0], KnotRule::LeaveOneOut).is_err());
    assert!(Spline::fit(&[0.1, f64::NAN], &[1.0, 2.0], KnotRule::LeaveOneOut).is_err());
    assert_eq!(knot_grid(4), vec![1, 2]);
    let top = *knot_grid(1_000_000).last().unwrap();
    assert!(top <= 1024 && top * 5 > 1024 * 4, "{top}");
}

#[test]
fn ridge_matches_the_normal_equations_and_recovers_a_linear_map() {
    let mut rng = Rng::new(3, Stream::Test);
    let (n, p) = (200, 3);
    let x: Vec<f64> = (0..n * p).map(|_| rng.normal()).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| 1.5 * x[i * p] - 2.0 * x[i * p + 1] + 0.5 * x[i * p + 2] + 3.0)
        .collect();
    let fit = Ridge::fit(&x, &y, p, 0.0).unwrap();
    for (w, want) in fit.w.iter().zip([1.5, -2.0, 0.5]) {
        assert!((w - want).abs() < 1e-9, "{w}");
    }
    assert!((fit.b - 3.0).abs() < 1e-9);
    // With λ > 0 the weights shrink.
    let shrunk = Ridge::fit(&x, &y, p, 1e4).unwrap();
    assert!(shrunk.w.iter().zip(&fit.w).all(|(a, b)| a.abs() < b.abs()));
    assert!(Ridge::fit(&x, &y[..10], p, 1.0).is_err());
}

/// Excess risk of `fit` against `f` on a grid of [0, 1].
fn grid_risk(fit: &Spline, f: &dyn Fn(f64) -> f64) -> f64 {
    (0..1000)
        .map(|i| (i as f64 + 0.5) / 1000.0)
        .map(|z| (fit.eval(z) - f(z)).powi(2))
        .sum::<f64>()
        / 1000.0
}

#[test]
fn the_knot_rule_is_steady_where_the_leave_one_out_curve_is_flat() {
    // At large n the LOO curve is flat over a wide range of K: a small perturbation of the
    // features (1e-3 relative; `jitter=1e-6` on a backbone's starting weights moves its
    // features by 1e-6 to 3e-2 after pre-training) moves the argmin far, and the fit's risk
    // with it (by 22 % here). The weighted rule moves the risk by < 1 %.
    let f = |z: f64| (z - 0.4).abs().sqrt() + 0.3 * (5.0 * z).sin();
    let (mut worst_rule, mut worst_argmin) = (0.0f64, 0.0f64);
    for seed in 0..12 {
        let mut rng = Rng::new(100 + seed, Stream::Test);
        let n = 2048;
        let z: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
        let y: Vec<f64> = z.iter().map(|&v| f(v) + 0.5 * rng.normal()).collect();
        let zp: Vec<f64> = z
            .iter()
            .map(|&v| v * (1.0 + 1e-3 * rng.uniform_in(-1.0, 1.0)))
            .collect();
        let (a, b) = (
            Spline::fit(&z, &y, KnotRule::LeaveOneOut).unwrap(),
            Spline::fit(&zp, &y, KnotRule::LeaveOneOut).unwrap(),
        );
        let (ra, rb) = (grid_risk(&a, &f), grid_risk(&b, &f));
        worst_rule = worst_rule.max((ra - rb).abs() / ra);
        // The plain argmin of LOO over the same grid, for comparison.
        let argmin = |z: &[f64]| {
            let (lo, hi) = (a.lo, a.hi);
            knot_grid(n)
                .into_iter()
                .map(|k| fit_k(z, &y, lo, hi, k).unwrap())
                .min_by(|p, q| p.loo.total_cmp(&q.loo))
                .unwrap()
        };
        let (ma, mb) = (grid_risk(&argmin(&z), &f), grid_risk(&argmin(&zp), &f));
        worst_argmin = worst_argmin.max((ma - mb).abs() / ma);
    }
    println!("largest relative risk move: rule {worst_rule:.2e}, argmin {worst_argmin:.2e}");
    assert!(worst_rule < 0.01, "rule moved the risk by {worst_rule}");
    // The data do hold the hazard the rule is for.
    assert!(
        worst_argmin > 0.05,
        "argmin moved the risk by {worst_argmin} only"
    );
}

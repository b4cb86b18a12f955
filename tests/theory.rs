//! Theory: slopes equal the stated exponents, hand-computed values, n_ε inverts risk(n),
//! monotonicity, and the bounds report of a config.
#![cfg(not(target_arch = "wasm32"))]

use caulk::config::Config;
use caulk::theory::bounds::{caulk_limit_rate, curve, power_law_n_eps, scratch_rate, BOUNDS};
use caulk::theory::{evaluate, log_grid, power_law, TheoryParams};

fn params(alpha: f64, beta: f64, d: u32, s_phi: f64) -> TheoryParams {
    TheoryParams::from_config(&Config {
        alpha,
        beta,
        d,
        s_phi,
        ..Config::default()
    })
}

#[test]
fn hand_computed_rates() {
    // s = 0.5: 2s/(2s+1) = 1/2; scratch with s_φ = 1, d = 3: 1/(1+3) = 1/4.
    let p = params(0.5, 1.0, 3, 1.0);
    assert!((caulk_limit_rate(&p) - 0.5).abs() < 1e-15);
    assert!((scratch_rate(&p) - 0.25).abs() < 1e-15);
    // s = 0.8·0.8 = 0.64: 1.28/2.28; scratch s* = 0.64, d = 5: 1.28/6.28.
    let p = params(0.8, 0.8, 5, 1.0);
    assert!((caulk_limit_rate(&p) - 1.28 / 2.28).abs() < 1e-15);
    assert!((scratch_rate(&p) - 1.28 / (1.28 + 5.0)).abs() < 1e-15);
    // The limit rate does not depend on d.
    assert_eq!(
        caulk_limit_rate(&params(0.7, 0.9, 1, 1.0)),
        caulk_limit_rate(&params(0.7, 0.9, 16, 1.0))
    );
}

#[test]
fn fitted_slope_on_a_log_grid_equals_the_stated_exponent() {
    for (a, b, d, sp) in [(0.5, 1.0, 3, 1.0), (0.3, 0.7, 8, 2.0), (1.0, 1.0, 1, 0.1)] {
        let p = params(a, b, d, sp);
        let grid = log_grid(4.0, 1e5, 50);
        for spec in BOUNDS {
            let c = curve(spec, &p, &grid);
            let fit = power_law(&c.n, &c.risk).unwrap();
            assert!(
                (fit.slope - c.slope).abs() < 1e-9,
                "{}: {} vs {}",
                spec.id,
                fit.slope,
                c.slope
            );
            assert!(
                c.risk.windows(2).all(|w| w[1] < w[0]),
                "{} not decreasing",
                spec.id
            );
        }
    }
}

#[test]
fn n_eps_inverts_the_risk() {
    for (c, r, eps) in [(1.0, 0.5, 0.01), (2.0, 0.25, 0.05), (1.0, 0.9, 0.3)] {
        let n = power_law_n_eps(c, r, eps).unwrap();
        assert!(c * n.powf(-r) <= eps * (1.0 + 1e-12));
        assert!(n == 1.0 || c * (n - 1.0).powf(-r) > eps);
    }
    assert_eq!(power_law_n_eps(1.0, 0.5, 0.01).unwrap(), 10_000.0);
    assert!(power_law_n_eps(1.0, 1e-4, 1e-3).is_err());
}

#[test]
fn caulking_beats_scratch_exactly_when_alpha_d_exceeds_one_for_s_phi_one() {
    // With β = 1 and s_φ = 1: 2α/(2α+1) > 2α/(2α+d) ⇔ d > 1.
    for d in 1..=16u32 {
        let p = params(0.6, 1.0, d, 1.0);
        assert_eq!(caulk_limit_rate(&p) > scratch_rate(&p), d > 1);
    }
}

#[test]
fn report_of_a_config_is_finite_and_on_its_n_window() {
    let (c, _) = Config::from_fragment("v=1&alpha=0.7&beta=0.9&d=5&n=64,128,8192").unwrap();
    let r = evaluate(&c);
    assert_eq!(r.bounds.len(), 2);
    assert_eq!(r.bounds[0].id, "caulk_limit");
    for b in &r.bounds {
        assert_eq!(b.n.first(), Some(&64.0));
        assert_eq!(b.n.last(), Some(&8192.0));
        assert!(b.risk.iter().all(|x| x.is_finite() && *x > 0.0));
        assert!(b.n_eps.is_some());
    }
    assert!((r.params.s - 0.63).abs() < 1e-12);
}

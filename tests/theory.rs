//! Theory: slopes equal the stated exponents, monotonicity in n and m, `caulk_m` → the limit,
//! n_ε inverts risk(n), the phase boundary, hand-computed values, and a finite report.
#![cfg(not(target_arch = "wasm32"))]

use caulk::config::keys::BOUND_IDS;
use caulk::config::Config;
use caulk::rng::{Rng, Stream};
use caulk::theory::bounds::{
    caulk_limit_rate, compositional_rate, curve, eps_pre, n_eps, registry, scratch_rate, spec,
    tex_num, BOUNDS,
};
use caulk::theory::phase::{caulk_rate, phase_diagram, scratch_rate_equal_beta};
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

const INF: f64 = f64::INFINITY;

#[test]
fn registry_matches_the_config_key_choices() {
    let ids: Vec<&str> = BOUNDS.iter().map(|b| b.info.id).collect();
    assert_eq!(ids, BOUND_IDS);
    assert_eq!(registry().len(), 7);
}

#[test]
fn hand_computed_rates_and_values() {
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
    // Values at points, C = 1 (defaults: k = 1, C_pre = 0.1, ν = 0.5, C_H = 10, C_F = 1).
    let p = params(0.5, 1.0, 3, 1.0);
    let risk = |id: &str, n: f64, m: f64| (spec(id).unwrap().risk)(&p, n, m);
    assert!((risk("caulk_limit", 100.0, INF) - 0.1).abs() < 1e-15);
    assert!((risk("scratch", 10_000.0, INF) - 0.1).abs() < 1e-15);
    // ε_pre(10^5) = 10^(−5·2/5) = 10^−2, floor 0.1·(10^−2)^0.5 = 0.01.
    assert!((eps_pre(&p, 1e5) - 1e-2).abs() < 1e-15);
    assert!((risk("caulk_m", 100.0, 1e5) - 0.11).abs() < 1e-14);
    // d·k/m + k/n = 3/300 + 1/100 = 0.02.
    assert!((risk("representation", 100.0, 300.0) - 0.02).abs() < 1e-15);
    // √(10/1000)/0.5 + √(1/100) = 0.2 + 0.1.
    assert!((risk("task_diversity", 100.0, 1000.0) - 0.3).abs() < 1e-15);
    // Compositional: terms 2·0.5/(1+3) = 1/4 and 2·0.5/(1+1) = 1/2; the max is n^(−1/4).
    assert!((compositional_rate(&p) - 0.25).abs() < 1e-15);
    assert!((risk("compositional", 10_000.0, INF) - 0.1).abs() < 1e-15);
}

#[test]
fn fitted_slope_on_a_log_grid_equals_the_stated_exponent() {
    for (a, b, d, sp) in [(0.5, 1.0, 3, 1.0), (0.3, 0.7, 8, 2.0), (1.0, 1.0, 1, 0.1)] {
        let p = params(a, b, d, sp);
        let grid = log_grid(4.0, 1e5, 50);
        for s in BOUNDS {
            // m → ∞ removes the m-terms; what is left is the n-term alone.
            let c = curve(s, &p, Some(INF), &grid);
            let fit = power_law(&c.n, &c.risk).unwrap();
            assert!(
                (fit.slope - c.exponent).abs() < 1e-9,
                "{}: fitted {} vs exponent {}",
                s.info.id,
                fit.slope,
                c.exponent
            );
            assert!((c.slope - c.exponent).abs() < 1e-9);
        }
    }
}

#[test]
fn monotone_in_n_and_m() {
    let p = params(0.6, 0.9, 4, 1.0);
    let grid = log_grid(4.0, 1e5, 40);
    let ms = log_grid(10.0, 1e6, 20);
    for s in BOUNDS {
        for &m in &ms {
            let r: Vec<f64> = grid.iter().map(|&n| (s.risk)(&p, n, m)).collect();
            assert!(
                r.windows(2).all(|w| w[1] < w[0]),
                "{} not falling in n",
                s.info.id
            );
        }
        let by_m: Vec<f64> = ms.iter().map(|&m| (s.risk)(&p, 100.0, m)).collect();
        if s.uses_m {
            assert!(
                by_m.windows(2).all(|w| w[1] < w[0]),
                "{} not falling in m",
                s.info.id
            );
        } else {
            assert!(
                by_m.windows(2).all(|w| w[1] == w[0]),
                "{} depends on m",
                s.info.id
            );
        }
    }
}

#[test]
fn caulk_m_tends_to_the_limit_and_its_window_slope_steepens_with_m() {
    let p = params(0.8, 0.8, 3, 1.0);
    let (m_spec, lim) = (spec("caulk_m").unwrap(), spec("caulk_limit").unwrap());
    let grid = log_grid(128.0, 4096.0, 33);
    let mut last_gap = INF;
    let mut last_slope = 0.0;
    for m in [1e2, 1e4, 1e6, 1e9, 1e12, 1e15] {
        let gap = (0..grid.len())
            .map(|i| (m_spec.risk)(&p, grid[i], m) - (lim.risk)(&p, grid[i], m))
            .fold(0.0, f64::max);
        assert!(gap < last_gap && gap >= 0.0);
        last_gap = gap;
        let slope = curve(m_spec, &p, Some(m), &grid).slope;
        assert!(slope < last_slope, "slope at m = {m} is {slope}");
        last_slope = slope;
    }
    assert!(last_gap < 1e-3);
    assert!((last_slope + caulk_limit_rate(&p)).abs() < 0.01);
}

#[test]
fn n_eps_inverts_the_risk_for_every_bound() {
    let mut rng = Rng::new(5, Stream::Test);
    for _ in 0..300 {
        let mut c = Config {
            alpha: rng.uniform_in(0.05, 1.0),
            beta: rng.uniform_in(0.05, 1.0),
            d: 1 + (rng.next_u64() % 16) as u32,
            s_phi: rng.uniform_in(0.1, 2.0),
            eps: rng.uniform_in(0.001, 0.3),
            ..Config::default()
        };
        c.c_pre = rng.uniform_in(0.0, 1.0);
        let p = TheoryParams::from_config(&c);
        let m = 10f64.powf(rng.uniform_in(1.0, 6.0));
        for s in BOUNDS {
            let risk = |n: f64| (s.risk)(&p, n, m);
            match n_eps(s, &p, m) {
                Ok(n) if n < 9e15 => {
                    assert_eq!(n, n.floor());
                    assert!(risk(n) <= p.eps, "{}: risk({n}) > ε", s.info.id);
                    assert!(
                        n == 1.0 || risk(n - 1.0) > p.eps,
                        "{}: {n} not smallest",
                        s.info.id
                    );
                }
                Ok(n) => assert!(
                    risk(n) <= p.eps * (1.0 + 1e-9)
                        && risk(n * (1.0 - 1e-9)) > p.eps * (1.0 - 1e-9)
                ),
                Err(why) => {
                    let floor = (s.floor)(&p, m);
                    assert!(
                        floor >= p.eps || why.contains("1e300"),
                        "{}: {why}",
                        s.info.id
                    );
                }
            }
        }
    }
    // Closed forms: (1/0.01)^2 = 10 000 and the floor case.
    let p = params(0.5, 1.0, 3, 1.0);
    assert_eq!(
        n_eps(
            spec("caulk_limit").unwrap(),
            &TheoryParams { eps: 0.01, ..p },
            INF
        ),
        Ok(10_000.0)
    );
    let err = n_eps(
        spec("caulk_m").unwrap(),
        &TheoryParams { eps: 0.001, ..p },
        100.0,
    )
    .unwrap_err();
    assert!(err.contains("floor"), "{err}");
}

#[test]
fn phase_boundary_lies_exactly_at_alpha_d_equals_one() {
    for beta in [0.2, 0.5, 1.0] {
        for d in 1..=16 {
            let d = d as f64;
            let a = 1.0 / d;
            // On the boundary the rates are equal ...
            let (c, s) = (caulk_rate(a, beta), scratch_rate_equal_beta(beta, d));
            assert!((c - s).abs() < 1e-12, "β = {beta}, d = {d}: {c} vs {s}");
            // ... and just off it caulking loses (α·d < 1) or wins (α·d > 1).
            if a * 0.999 > 0.0 {
                assert!(caulk_rate(a * 0.999, beta) < scratch_rate_equal_beta(beta, d));
            }
            if a * 1.001 <= 1.0 {
                assert!(caulk_rate(a * 1.001, beta) > scratch_rate_equal_beta(beta, d));
            }
        }
    }
    let diagram = phase_diagram(0.7, 1.0, 0.25, 5.0);
    assert!(diagram.caulk_wins);
    for (r, d) in diagram.d.iter().enumerate() {
        for (c, a) in diagram.alpha.iter().enumerate() {
            let product = a * d;
            if (product - 1.0).abs() > 1e-9 {
                assert_eq!(diagram.ratio[r][c] > 1.0, product > 1.0, "α = {a}, d = {d}");
            }
        }
    }
    assert!(diagram
        .boundary
        .iter()
        .all(|(a, d)| (a * d - 1.0).abs() < 1e-12));
    assert!(!phase_diagram(0.7, 1.0, 0.25, 4.0).caulk_wins);
}

#[test]
fn the_two_phase_maps_put_their_boundaries_at_alpha_d_1_and_d_min_s_phi_1() {
    for (beta, s_phi) in [(0.7, 1.0), (1.0, 2.5), (0.4, 0.5)] {
        let p = phase_diagram(beta, s_phi, 0.3, 2.0);
        let (eq, same) = (&p.maps[0], &p.maps[1]);
        assert_eq!((eq.id, same.id), ("equal_beta", "same_target"));
        for (r, d) in p.d.iter().enumerate() {
            for (c, a) in p.alpha.iter().enumerate() {
                // The gap is the difference of the two exponents of the module doc.
                let want = caulk_rate(*a, beta) - scratch_rate_equal_beta(beta, *d);
                assert!((eq.gap[r][c] - want).abs() < 1e-12);
                // s* = αβ·min(s_φ, 1): an s_φ > 1 extractor leaves the composite αβ-Hölder.
                let t = f64::min(s_phi, 1.0);
                let s_star = t * a * beta;
                let want = caulk_rate(*a, beta) - 2.0 * s_star / (2.0 * s_star + d);
                assert!((same.gap[r][c] - want).abs() < 1e-12);
                // Its sign: α·d > 1 for equal β, d > min(s_φ, 1) for the same target.
                if (a * d - 1.0).abs() > 1e-9 {
                    assert_eq!(eq.gap[r][c] > 0.0, a * d > 1.0, "α = {a}, d = {d}");
                }
                if (d - t).abs() > 1e-9 {
                    assert_eq!(
                        same.gap[r][c] > 0.0,
                        *d > t,
                        "α = {a}, d = {d}, s_φ = {s_phi}"
                    );
                }
            }
        }
        assert!(same.boundary.iter().all(|(_, d)| *d == s_phi.min(1.0)));
        assert!(eq.status.contains("Stone") && same.status.contains("paper"));
        assert!(eq.boundary.iter().all(|(a, d)| (a * d - 1.0).abs() < 1e-12));
        // At (0.3, 2): α·d = 0.6 < 1 loses the first comparison; d = 2 > min(s_φ, 1) wins
        // the second whatever s_φ.
        assert!(!eq.caulk_wins && eq.gap_now < 0.0);
        assert!(same.caulk_wins && same.gap_now > 0.0);
    }
}

#[test]
fn report_of_a_config_has_one_curve_per_m_and_only_finite_numbers() {
    let (c, _) = Config::from_fragment(
        "v=1&alpha=0.7&beta=0.9&d=5&n=64,128,8192&m=100,10000&bounds=caulk_limit,caulk_m,representation",
    )
    .unwrap();
    let r = evaluate(&c);
    let ids: Vec<&str> = r.bounds.iter().map(|b| b.info.id).collect();
    assert_eq!(
        ids,
        [
            "caulk_limit",
            "caulk_m",
            "caulk_m",
            "representation",
            "representation"
        ]
    );
    assert_eq!(r.bounds[1].m, Some(100.0));
    assert_eq!(r.bounds[0].m, None);
    for b in &r.bounds {
        assert_eq!(b.n.first(), Some(&64.0));
        assert_eq!(b.n.last(), Some(&8192.0));
        assert_eq!(b.n_eps.is_none(), b.n_eps_note.is_some());
    }
    assert_eq!(r.n_eps_vs_m.m.len(), r.n_eps_vs_m.n_eps.len());
    // Random valid configs: every number in the JSON is finite (serde_json writes NaN and
    // infinity as null, so a null may appear only where the schema allows one).
    let mut rng = Rng::new(8, Stream::Test);
    for _ in 0..200 {
        let c = Config {
            alpha: rng.uniform_in(1e-6, 1.0),
            beta: rng.uniform_in(1e-6, 1.0),
            d: 1 + (rng.next_u64() % 16) as u32,
            k: 1 + (rng.next_u64() % 2) as u32,
            s_phi: rng.uniform_in(1e-6, 2.0),
            eps: rng.uniform_in(1e-6, 10.0),
            c: rng.uniform_in(1e-6, 1e6),
            c_pre: rng.uniform_in(0.0, 1e6),
            m: vec![10, 1_000_000],
            n: vec![4, 100_000],
            bounds: BOUND_IDS.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        };
        c.validate().unwrap();
        let json = serde_json::to_value(evaluate(&c)).unwrap();
        for b in json["bounds"].as_array().unwrap() {
            for key in ["slope", "exponent", "floor"] {
                assert!(b[key].is_number(), "{key} of {b}");
            }
            for key in ["n", "risk"] {
                assert!(
                    b[key].as_array().unwrap().iter().all(|v| v.is_number()),
                    "{key}"
                );
            }
        }
        for row in json["phase"]["ratio"].as_array().unwrap() {
            assert!(row.as_array().unwrap().iter().all(|v| v.is_number()));
        }
    }
}

#[test]
fn tex_numbers_are_compact() {
    assert_eq!(tex_num(0.5), "0.5");
    assert_eq!(tex_num(0.58333333), "0.5833");
    assert_eq!(tex_num(1234.5678), "1235");
    assert_eq!(tex_num(100000.0), "1\\times10^{5}");
    assert_eq!(tex_num(0.000123), "1.23\\times10^{-4}");
    assert_eq!(tex_num(0.0), "0");
}

#[test]
fn tex_numbers_survive_limits() {
    assert_eq!(tex_num(f64::INFINITY), "\\infty");
    assert_eq!(tex_num(f64::NAN), "?");
}

/// The exponent reading (`caulk_m_rate`): n^(−2/(2+ρ(m))) with ρ(m) = 1/s + C_ρ·ε_pre(m),
/// a hand computation at one m, its exponent rising with m to the limit's, and no floor.
#[test]
fn the_exponent_reading_rises_to_the_limit_rate() {
    let p = TheoryParams {
        c_rho: 10.0,
        ..params(0.8, 0.8, 3, 1.0)
    };
    let spec = spec("caulk_m_rate").unwrap();
    // s = 0.64, ε_pre(3000) = 3000^(−2/5); ρ = 1/0.64 + 10·ε_pre.
    let eps = 3000f64.powf(-0.4);
    let rho = 1.0 / 0.64 + 10.0 * eps;
    let r = 2.0 / (2.0 + rho);
    assert!(((spec.exponent)(&p, 3000.0) + r).abs() < 1e-12);
    assert!(((spec.risk)(&p, 100.0, 3000.0) - 100f64.powf(-r)).abs() < 1e-12);
    assert_eq!((spec.floor)(&p, 3000.0), 0.0);
    // Steeper with m, the limit's exponent at m = ∞ (and C_ρ = 0 at any m).
    let e = |m: f64| (spec.exponent)(&p, m);
    assert!(e(300.0) > e(3000.0) && e(3000.0) > e(30000.0) && e(30000.0) > e(INF));
    assert!((e(INF) + caulk_limit_rate(&p)).abs() < 1e-12);
    let flat = TheoryParams { c_rho: 0.0, ..p };
    assert!(((spec.exponent)(&flat, 300.0) + caulk_limit_rate(&p)).abs() < 1e-12);
    assert_eq!(spec.info.status, caulk::theory::Status::Model);
}

/// s* = s·min(s_φ, 1): above s_φ = 1 the from-scratch exponent stops growing with s_φ.
#[test]
fn the_scratch_smoothness_caps_the_extractor_at_lipschitz() {
    let smooth = params(0.5, 1.0, 3, 2.0);
    let lipschitz = params(0.5, 1.0, 3, 1.0);
    assert_eq!(smooth.s_star, 0.5);
    assert_eq!(scratch_rate(&smooth), scratch_rate(&lipschitz));
    assert_eq!(params(0.5, 1.0, 3, 0.5).s_star, 0.25);
}

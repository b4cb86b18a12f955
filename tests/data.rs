//! Synthetic data: Hölder roughness of W_s, the source link, seeded determinism, prefix
//! property of target samples, and a pinned checksum shared with the wasm test.
#![cfg(not(target_arch = "wasm32"))]

use caulk::data::holder::Weierstrass;
use caulk::data::tasks::{source_link, source_link_inverse, TEST_POINTS};
use caulk::data::{excess_risk, fingerprint, ExtractorKind, Task, TaskSpec};
use caulk::rng::{Rng, Stream};
use caulk::theory::power_law;

fn spec(d: usize, k: usize, extractor: ExtractorKind) -> TaskSpec {
    TaskSpec {
        d,
        k,
        s: 0.5,
        s_phi: 1.0,
        sigma: 0.5,
        extractor,
    }
}

#[test]
fn weierstrass_has_the_stated_hoelder_exponent() {
    // Slope of log mean |W(z+h) − W(z)| against log h over h ∈ [2^−13, 2^−8] is s (docs/science.md:
    // within 0.046 for every seed); tolerance 0.1 as the issue states.
    for s in [0.3, 0.5, 0.7, 0.9] {
        for seed in 0..3 {
            let w = Weierstrass::new(s, &mut Rng::with_index(seed, Stream::Test, 7));
            let hs: Vec<f64> = (8..=13).map(|e| 2f64.powi(-e)).collect();
            let incr: Vec<f64> = hs
                .iter()
                .map(|&h| {
                    let pts = 4000;
                    (0..pts)
                        .map(|i| {
                            let z = i as f64 / pts as f64 * (1.0 - h);
                            (w.eval(z + h) - w.eval(z)).abs()
                        })
                        .sum::<f64>()
                        / pts as f64
                })
                .collect();
            let slope = power_law(&hs, &incr).unwrap().slope;
            assert!(
                (slope - s).abs() < 0.1,
                "s = {s}, seed {seed}: slope {slope}"
            );
        }
    }
}

#[test]
fn weierstrass_unit_stays_in_the_unit_interval() {
    let w = Weierstrass::new(0.4, &mut Rng::new(3, Stream::Test));
    assert!((0..10_000).all(|i| (0.0..=1.0).contains(&w.unit(i as f64 / 9999.0))));
}

#[test]
fn source_link_is_strictly_increasing_and_inverts() {
    let mut last = f64::NEG_INFINITY;
    for i in 0..=1000 {
        let z = i as f64 / 1000.0;
        let h = source_link(z);
        assert!(h > last);
        last = h;
        assert!((source_link_inverse(h) - z).abs() < 1e-12);
    }
}

#[test]
fn tasks_are_deterministic_prefix_consistent_and_in_range() {
    for kind in [ExtractorKind::Ridge, ExtractorKind::Teacher] {
        for k in [1, 2] {
            let a = Task::new(spec(3, k, kind), 11);
            let b = Task::new(spec(3, k, kind), 11);
            let (ta, tb) = (a.target(200), b.target(200));
            assert_eq!(ta, tb);
            let small = a.target(50);
            assert_eq!(small.y[..], ta.y[..50]);
            assert_eq!(small.x[..], ta.x[..50 * 3]);
            assert!(ta.z.iter().all(|z| (0.0..=1.0).contains(z)));
            assert!(ta.f.iter().all(|f| (0.0..=1.0).contains(f)));
            let other = Task::new(spec(3, k, kind), 12).target(200);
            assert_ne!(other.y, ta.y);
            // The source sample never moves the target sample.
            assert_eq!(a.source(10).len(), 10);
            assert_eq!(a.target(200), ta);
        }
    }
}

#[test]
fn test_set_is_noise_free_and_the_zero_predictor_has_risk_e_f2() {
    let task = Task::new(spec(3, 1, ExtractorKind::Ridge), 1);
    let test = task.test();
    assert_eq!(test.len(), TEST_POINTS);
    assert_eq!(test.y, test.f);
    let zero = vec![0.0; test.len()];
    let ef2 = test.f.iter().map(|f| f * f).sum::<f64>() / test.len() as f64;
    assert!((excess_risk(&zero, &test.f) - ef2).abs() < 1e-15);
    // The label noise of the target sample has the configured σ.
    let t = task.target(20_000);
    let resid: Vec<f64> = t.y.iter().zip(&t.f).map(|(y, f)| y - f).collect();
    let var = resid.iter().map(|r| r * r).sum::<f64>() / resid.len() as f64;
    assert!((var.sqrt() - 0.5).abs() < 0.015, "σ̂ = {}", var.sqrt());
}

/// Shared with tests/web.rs, so native and wasm provably generate the same numbers.
pub const DATA_FINGERPRINT: u64 = 5_137_253_316_110_123_826;

#[test]
fn pinned_fingerprint_of_generated_data() {
    let spec = TaskSpec {
        d: 4,
        k: 2,
        ..spec(3, 1, ExtractorKind::Ridge)
    };
    assert_eq!(
        fingerprint(&Task::new(spec, 2026).target(64)),
        DATA_FINGERPRINT
    );
}

/// Tables made from kept inputs (after α, β or σ moved, or a longer table came first) are
/// bit-identical to tables made afresh: the inputs cache changes no number.
#[test]
fn tables_from_kept_inputs_equal_fresh_ones() {
    use caulk::data::inputs::clear;
    let with = |s: f64, sigma: f64| {
        Task::new(
            TaskSpec {
                s,
                sigma,
                ..spec(3, 1, ExtractorKind::Ridge)
            },
            42,
        )
    };
    clear();
    // Fill the cache with a long target table and the test set at α·β = 0.5, σ = 0.5.
    let _ = with(0.5, 0.5).target(512);
    let _ = with(0.5, 0.5).test();
    // Another smoothness and noise, a shorter table: from the kept inputs.
    let kept = (
        with(0.7, 0.2).target(200),
        with(0.7, 0.2).test(),
        with(0.7, 0.2).source(64),
    );
    clear();
    let fresh = (
        with(0.7, 0.2).target(200),
        with(0.7, 0.2).test(),
        with(0.7, 0.2).source(64),
    );
    assert_eq!(kept, fresh);
    assert_eq!(fingerprint(&kept.0), fingerprint(&fresh.0));
}

#[test]
fn the_embedded_digits_are_the_uci_test_set() {
    // data/digits/README.md: 1,797 images of 8×8 pixels in 0-16, these class counts.
    let d = caulk::data::digits::load().unwrap();
    assert_eq!(d.len(), 1797);
    assert!(d.images.iter().all(|im| im.iter().all(|&p| p <= 16)));
    // Every value of the range occurs, and both ends.
    let max = d.images.iter().flat_map(|im| im.iter()).max().copied();
    assert_eq!(max, Some(16));
    assert_eq!(
        d.class_counts(),
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    // The first image is a 0 (its top row: 0, 0, 5, 13, 9, 1, 0, 0).
    assert_eq!(d.labels[0], 0);
    assert_eq!(&d.images[0][..8], &[0, 0, 5, 13, 9, 1, 0, 0]);
}

//! The Hölder building block (docs/science.md §3): a truncated Weierstrass function
//!
//!   W_s(z) = ½ Σ_{j=0}^{J} 2^(−js) cos(2^j π z + θ_j),   J = 13,
//!
//! s-Hölder on [0, 1] and no smoother (down to the resolution 2^−J), so the minimax rate at
//! smoothness s is attained. The phases θ_j come from the seed. [`Weierstrass::unit`] maps it
//! into [0, 1] by its range on a grid of 2^14 + 1 points (finer than its 2^−13 resolution):
//! g(z) = clamp((W_s(z) − min) / (max − min), 0, 1). (Dividing by the worst-case bound
//! 2·½Σ2^(−js) instead would shrink the signal about twofold against the label noise.)

use crate::rng::Rng;

// The cosine is [`super::cosine::cos`]: the same bits natively and in wasm.

/// Highest frequency level J of W_s.
pub const LEVELS: usize = 13;

/// W_s with fixed phases.
#[derive(Clone, Debug, PartialEq)]
pub struct Weierstrass {
    /// Hölder exponent s ∈ (0, 1].
    pub s: f64,
    /// Phases θ_0..θ_J.
    pub theta: Vec<f64>,
    /// Weights ½·2^(−js).
    weights: Vec<f64>,
    /// Range of W_s on the grid: (min, max).
    range: (f64, f64),
}

/// Grid points (minus one) on which the range of W_s is taken.
pub const RANGE_GRID: usize = 1 << 14;

impl Weierstrass {
    /// W_s with phases drawn uniformly in [0, 2π) from `rng`.
    pub fn new(s: f64, rng: &mut Rng) -> Self {
        let theta = (0..=LEVELS)
            .map(|_| rng.uniform_in(0.0, 2.0 * std::f64::consts::PI))
            .collect();
        let weights = (0..=LEVELS)
            .map(|j| 0.5 * libm::pow(2.0, -(j as f64) * s))
            .collect();
        let mut w = Weierstrass {
            s,
            theta,
            weights,
            range: (0.0, 1.0),
        };
        let (lo, hi) = (0..=RANGE_GRID)
            .map(|i| w.eval(i as f64 / RANGE_GRID as f64))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        w.range = (lo, hi.max(lo + 1e-12));
        w
    }

    /// W_s(z).
    pub fn eval(&self, z: f64) -> f64 {
        let mut freq = std::f64::consts::PI;
        let mut sum = 0.0;
        for (w, t) in self.weights.iter().zip(&self.theta) {
            sum += w * super::cosine::cos(freq * z + t);
            freq *= 2.0;
        }
        sum
    }

    /// The bound A = ½ Σ 2^(−js) ≥ |W_s|.
    pub fn bound(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// W_s(z) rescaled into [0, 1] by its range on the grid.
    pub fn unit(&self, z: f64) -> f64 {
        let (lo, hi) = self.range;
        ((self.eval(z) - lo) / (hi - lo)).clamp(0.0, 1.0)
    }
}

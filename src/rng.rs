//! Seeded random streams, identical on native and wasm (pure integer arithmetic, no
//! platform RNG).
//!
//! A [`Rng`] is xoshiro256++ seeded through SplitMix64 from `(seed, stream)`. Separate
//! [`Stream`]s (data, init, batch order, bootstrap) never share state, so changing how many
//! numbers one consumer draws never shifts another's.

/// The independent purposes a run draws randomness for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Inputs, labels and noise of the synthetic tasks.
    Data = 1,
    /// Parameter initialisation.
    Init = 2,
    /// Mini-batch order.
    Batch = 3,
    /// Resampling for intervals, and the simulated curves of the coverage benchmark
    /// (experiment::bench::coverage).
    Bootstrap = 4,
    /// Test fixtures (conformance matrices and the like).
    Test = 5,
    /// The `jitter` perturbation of starting weights.
    Jitter = 6,
}

/// xoshiro256++ (Blackman & Vigna 2019).
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

/// SplitMix64 step: expands one 64-bit seed into well-mixed state words.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The generator for `stream` of run `seed`.
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut x = seed ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Rng { s }
    }

    /// The generator for part `index` of `stream` (e.g. one seed of a sweep, one table of a
    /// task): as independent of the other parts as of other streams.
    pub fn with_index(seed: u64, stream: Stream, index: u64) -> Self {
        let mut x = index ^ 0xA076_1D64_78BD_642F;
        Rng::new(seed ^ splitmix64(&mut x), stream)
    }

    /// Standard normal (Box-Muller; one of the pair is discarded to keep the stream simple).
    pub fn normal(&mut self) -> f64 {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        // libm: the same bits natively and in wasm.
        (-2.0 * libm::log(u)).sqrt() * libm::cos(2.0 * std::f64::consts::PI * v)
    }

    /// Fisher-Yates shuffle of `v`: for i from the end, swap `v[i]` with `v[j]`, j uniform in
    /// 0..=i (by `next_u64` modulo i + 1).
    pub fn shuffle(&mut self, v: &mut [usize]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let r = self.s[0]
            .wrapping_add(self.s[3])
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        r
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn uniform_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_streams_differ() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7, Stream::Data);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(7, Stream::Data);
        let b: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(a, b);
        let mut other = Rng::new(7, Stream::Init);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn known_first_value_pins_the_algorithm() {
        // Pinned so that native and wasm (and future refactors) provably agree.
        let mut r = Rng::new(0, Stream::Data);
        let first = r.next_u64();
        let mut again = Rng::new(0, Stream::Data);
        assert_eq!(first, again.next_u64());
        assert_eq!(first, PINNED_FIRST);
    }

    #[test]
    fn uniform_mean_is_one_half() {
        let mut r = Rng::new(3, Stream::Test);
        let n = 100_000;
        let mean = (0..n).map(|_| r.uniform()).sum::<f64>() / n as f64;
        // Standard error 1/sqrt(12 n) ~ 0.0009; 5 sigma.
        assert!((mean - 0.5).abs() < 0.0046, "mean {mean}");
    }

    pub(crate) const PINNED_FIRST: u64 = 7_244_514_807_350_303_979;
}

//! A cosine that vectorizes and gives the same bits on every target.
//!
//! Data generation is dominated by cosines (a d = 3 ridge extractor evaluates 810 per row),
//! and the tables must be bit-identical natively and in wasm, so the cosine is built from
//! IEEE-754 additions and multiplications only (which Rust never contracts or reorders):
//!
//! - reduction by π: n = round(x/π) (by the 1.5·2^52 trick, so no rounding instruction is
//!   needed), r = (x − n·π_hi) − n·π_lo with π_hi the first 33 bits of π (n·π_hi is exact
//!   for |n| < 2^20), so |r| ≤ π/2 (a hair more when x/π rounds the wrong way, which the
//!   polynomial still covers);
//! - cos r = Σ_{i=0}^{11} (−1)^i r^{2i}/(2i)! by Horner in r² (truncation below
//!   (π/2)^24/24! ≈ 8·10^-20);
//! - cos x = (−1)^n cos r: the parity of n is the last mantissa bit of x/π + 1.5·2^52, moved
//!   to the sign bit.
//!
//! The absolute error is a few 10^-16 (tests check it against `libm::cos`). Arguments with
//! |x| ≥ [`FAST_LIMIT`] (never produced by the generators) fall back to `libm::cos`.

/// Largest |x| the fast path reduces exactly (|n| < 2^19 keeps n·π_hi exact).
pub const FAST_LIMIT: f64 = 1.0e6;

/// 1.5·2^52: adding it rounds a |v| < 2^51 to an integer held in the low mantissa bits.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// π rounded to 33 significant bits (2 × fdlibm's pio2_1; the low 20 mantissa bits are 0).
const PI_HI: f64 = 3.141_592_653_468_251_2;
/// π − PI_HI (2 × fdlibm's pio2_1t).
const PI_LO: f64 = 1.215_420_101_301_238_4e-10;

/// (−1)^i / (2i)! for i = 11 down to 2: cos r = 1 − r²/2 + r⁴·P(r²).
const COEF: [f64; 10] = [
    -1.0 / 1_124_000_727_777_607_680_000.0,
    1.0 / 2_432_902_008_176_640_000.0,
    -1.0 / 6_402_373_705_728_000.0,
    1.0 / 20_922_789_888_000.0,
    -1.0 / 87_178_291_200.0,
    1.0 / 479_001_600.0,
    -1.0 / 3_628_800.0,
    1.0 / 40_320.0,
    -1.0 / 720.0,
    1.0 / 24.0,
];

/// The fast path: cos x for |x| < [`FAST_LIMIT`], branch-free.
#[inline(always)]
fn fast(x: f64) -> f64 {
    let shifted = x * std::f64::consts::FRAC_1_PI + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * PI_HI) - n * PI_LO;
    let q = r * r;
    let mut p = COEF[0];
    for c in &COEF[1..] {
        p = p * q + c;
    }
    // 1 − (q/2 − q²·P): the two big terms meet last.
    let c = 1.0 - (q * 0.5 - q * q * p);
    // (−1)^n: n's parity is the lowest mantissa bit of `shifted` (exact for |n| < 2^51).
    f64::from_bits(c.to_bits() ^ (shifted.to_bits() << 63))
}

/// cos x, bit-identical on every target.
pub fn cos(x: f64) -> f64 {
    if x.abs() < FAST_LIMIT {
        fast(x)
    } else {
        libm::cos(x)
    }
}

/// `out[i] = cos(args[i])` (the same bits as [`cos`]), vectorized.
pub fn cos_into(args: &[f64], out: &mut [f64]) {
    // One branch-free pass the compiler vectorizes, then the rare far arguments again.
    let mut far = false;
    for (o, x) in out.iter_mut().zip(args) {
        far |= x.abs() >= FAST_LIMIT || x.is_nan();
        *o = fast(*x);
    }
    if far {
        for (o, x) in out.iter_mut().zip(args) {
            *o = cos(*x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_of_pi_is_exact_enough() {
        // PI_HI has 33 significant bits, so n·PI_HI is exact for |n| < 2^20.
        assert_eq!(PI_HI.to_bits() & ((1 << 20) - 1), 0);
        // PI_HI + PI_LO is π to ~1e-26: π − f64(π) = 1.2246467991473532e-16.
        let tail = (PI_HI - std::f64::consts::PI) + PI_LO;
        assert!(
            (tail - 1.224_646_799_147_353_2e-16).abs() < 1e-25,
            "{tail:e}"
        );
    }

    #[test]
    fn agrees_with_libm_within_a_few_ulp_of_one() {
        let mut worst: f64 = 0.0;
        let mut x = -2.0e4;
        while x < 2.0e4 {
            worst = worst.max((cos(x) - libm::cos(x)).abs());
            x += 0.012_345_678_9;
        }
        // Also right at the reduction boundaries, where r ≈ ±π/2 and cos x ≈ 0.
        for n in -1000..1000 {
            let x = (n as f64 + 0.5) * std::f64::consts::PI;
            for y in [x, x.next_up(), x.next_down()] {
                worst = worst.max((cos(y) - libm::cos(y)).abs());
            }
        }
        assert!(worst < 4e-16, "worst |cos − libm::cos| = {worst:e}");
    }

    #[test]
    fn known_values_and_far_or_bad_arguments() {
        assert_eq!(cos(0.0), 1.0);
        assert!((cos(std::f64::consts::PI) + 1.0).abs() < 1e-16);
        assert!(cos(std::f64::consts::FRAC_PI_2).abs() < 1e-16);
        for x in [1e7, -3e9, 1e300] {
            assert_eq!(cos(x), libm::cos(x));
        }
        assert!(cos(f64::NAN).is_nan() && cos(f64::INFINITY).is_nan());
        let args = [0.5, 2e6, f64::NAN, -7.25];
        let mut out = [0.0; 4];
        cos_into(&args, &mut out);
        for (o, a) in out.iter().zip(&args) {
            assert_eq!(o.to_bits(), cos(*a).to_bits());
        }
    }
}

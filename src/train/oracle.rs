//! The oracle network of the `limit` preset, for the gradient caulks (`caulk-adapter`,
//! `lora`): the infinite-pre-training limit written into an MLP's weights, so that the
//! adapter and LoRA can be held against the theory's rate −2s/(2s+1) as the spline caulk is.
//!
//! Its input is the true feature z = φ*(x) (k = 1, computed exactly outside the network, as
//! the spline caulk's is), and it computes the source task's head h(z) exactly up to a
//! piecewise-linear interpolation error:
//!
//! - extractor layer 0 (width × 1): hinge units u_j = relu(z − t_j), t_0 = −1 (so u_0 = z + 1
//!   on the data) and t_1 … t_{W−1} evenly over [−0.1, 1.1], spacing h;
//! - extractor layer 1 (depth ≥ 2, width ≥ 4): u_0 passed on, and the **hat functions** on the
//!   knots t_1 … t_{W−1}, each a fixed combination of three hinges,
//!   (u_{j−1} − 2u_j + u_{j+1})/h inside, (h − u_1 + u_2)/h and (u_{W−2} − u_{W−1})/h at the
//!   ends; all are ≥ 0 on the data, so the relu passes them;
//! - further middle layers: the identity;
//! - the last extractor layer reads z = u_0 − 1 out. The extractor computes φ* exactly;
//! - head layer 0: the same hinge construction on z with the head's width; head layer 1: the
//!   least-squares fit of h on 2001 points of [−0.1, 1.1] over those hinges (error below
//!   10⁻³ in value with 16 units, 10⁻⁶ in squared risk: negligible next to the risks
//!   measured).
//!
//! So the composite is h∘φ*, the target is y = h(a°(z)) + noise (data::tasks), and what the
//! caulk must learn is a° = h⁻¹∘g_s: exactly the spline caulk's problem. The adapter learns it
//! as z + U·relu(V·z + c); LoRA as low-rank changes of the layers, which make the last layer's
//! change a linear spline in z with W − 1 fixed knots. Why hats and not the hinges themselves
//! before the last layer: the same function class, but a well-conditioned basis. Hinges on
//! nearby knots are nearly collinear (Gram condition numbers 10⁴-10⁸ for 8-64 units), and
//! Adam on them crawls (LoRA's slope −0.27 against the rate −0.5 in 500 steps at s = 0.5);
//! hats overlap only their neighbours (condition number about 4).

use super::methods::{fit_batched, Fit, MethodOpts, Pretrained, SeedBatch};
use super::{Cancel, TrainReport};
use crate::closed_form::Ridge;
use crate::config::Method;
use crate::data::tasks::source_link;
use crate::data::Sample;
use crate::error::{Error, Result};
use crate::model::{Arch, Role};

/// Left end of the hinges' span (the adapted feature may leave [0, 1] a little).
const SPAN_LO: f64 = -0.1;
/// Right end of the hinges' span.
const SPAN_HI: f64 = 1.1;

/// Hinge positions for `units` units: t_0 = −1 (a unit that carries z itself), the rest
/// evenly over [SPAN_LO, SPAN_HI].
fn hinges(units: usize) -> Vec<f64> {
    (0..units)
        .map(|j| match j {
            0 => -1.0,
            _ if units == 2 => 0.5,
            _ => SPAN_LO + (SPAN_HI - SPAN_LO) * (j - 1) as f64 / (units - 2) as f64,
        })
        .collect()
}

/// The oracle network for `arch` (d = k = 1: its input is z; width ≥ 2, head width ≥ 2).
pub fn oracle_backbone(arch: &Arch) -> Result<Pretrained> {
    arch.validate()?;
    if arch.d != 1 || arch.k != 1 || arch.width < 2 || arch.head_width < 2 {
        return Err(Error::Shape(format!(
            "the oracle network needs d = k = 1 and widths ≥ 2, got d = {}, k = {}, width = {}, head width = {}",
            arch.d, arch.k, arch.width, arch.head_width
        )));
    }
    let mut p = vec![0.0; arch.param_count()];
    let mut set = |role: Role, values: &[f64]| -> Result<()> {
        let seg = arch
            .segment(role)
            .ok_or_else(|| Error::Shape(format!("no segment {role:?}")))?;
        p[seg.range()].copy_from_slice(values);
        Ok(())
    };
    let t = hinges(arch.width);
    // Layer 0: weights 1, biases −t_j.
    set(Role::ExtractorWeight(0), &vec![1.0; arch.width])?;
    set(
        Role::ExtractorBias(0),
        &t.iter().map(|t| -t).collect::<Vec<_>>(),
    )?;
    // Layer 1: u_0 and the hats on t_1 … t_{W−1} (module doc); further middle layers: the
    // identity. With one hidden layer, or too few units for hats, the hinges feed the readout.
    let w = arch.width;
    let hats = arch.depth >= 2 && w >= 4;
    for l in 1..arch.depth {
        let mut m = vec![0.0; w * w];
        let mut b = vec![0.0; w];
        if l == 1 && hats {
            let h = t[2] - t[1];
            m[0] = 1.0;
            for j in 1..w {
                let row = &mut m[j * w..(j + 1) * w];
                match j {
                    1 => {
                        b[1] = 1.0;
                        row[1] = -1.0 / h;
                        row[2] = 1.0 / h;
                    }
                    _ if j == w - 1 => {
                        row[j - 1] = 1.0 / h;
                        row[j] = -1.0 / h;
                    }
                    _ => {
                        row[j - 1] = 1.0 / h;
                        row[j] = -2.0 / h;
                        row[j + 1] = 1.0 / h;
                    }
                }
            }
        } else {
            (0..w).for_each(|i| m[i * w + i] = 1.0);
        }
        set(Role::ExtractorWeight(l), &m)?;
        set(Role::ExtractorBias(l), &b)?;
    }
    // Last layer: z = u_0 − 1.
    let mut read = vec![0.0; arch.width];
    read[0] = 1.0;
    set(Role::ExtractorWeight(arch.depth), &read)?;
    set(Role::ExtractorBias(arch.depth), &[-1.0])?;
    // Head: hinges on z, then the least-squares fit of h over them.
    let s = hinges(arch.head_width);
    set(Role::HeadWeight(0), &vec![1.0; arch.head_width])?;
    set(Role::HeadBias(0), &s.iter().map(|s| -s).collect::<Vec<_>>())?;
    let grid: Vec<f64> = (0..=2000)
        .map(|i| SPAN_LO + (SPAN_HI - SPAN_LO) * i as f64 / 2000.0)
        .collect();
    let feats: Vec<f64> = grid
        .iter()
        .flat_map(|z| s.iter().map(move |s| (z - s).max(0.0)))
        .collect();
    let target: Vec<f64> = grid.iter().map(|z| source_link(*z)).collect();
    let fit = Ridge::fit(&feats, &target, arch.head_width, 1e-10)?;
    set(Role::HeadWeight(1), &fit.w)?;
    set(Role::HeadBias(1), &[fit.b])?;
    Ok(Pretrained::new(
        arch.clone(),
        p,
        TrainReport {
            steps: 0,
            best_step: 0,
            best_loss: 0.0,
            diverged_at: None,
            cancelled: false,
        },
    ))
}

/// The capacities tried for `method` on the oracle: adapter widths 2 … 64 (a 1-D adapter
/// is a linear spline with that many hinges, and the spline caulk's best K grows like
/// n^(1/(2s+1)): 11 at n = 4096 for s = 0.5, up to 64 for n = 4096 at s = 0.25); LoRA ranks
/// 1 … 8.
pub fn capacities(method: Method) -> Vec<usize> {
    match method {
        Method::CaulkAdapter => vec![2, 4, 8, 16, 32, 64],
        Method::Lora => vec![1, 2, 4, 8],
        Method::CaulkSpline
        | Method::CaulkSelect
        | Method::Bitfit
        | Method::Partial
        | Method::LinearProbe
        | Method::Full
        | Method::Scratch => Vec::new(),
    }
}

/// A copy of `s` whose inputs are its true features z (what the oracle network reads).
pub fn in_feature_space(s: &Sample) -> Sample {
    Sample {
        x: s.z.clone(),
        ..s.clone()
    }
}

/// `method` (`caulk-adapter` or `lora`) on the oracle network of `arch` (its d and k set to
/// 1), K seeds at once through `backend`, at every capacity of [`capacities`]; per seed the
/// capacity with the lowest validation loss (the fifth of the target sample held out for
/// stopping) is kept, as the spline caulk keeps the K its leave-one-out error prefers.
/// `targets` and `tests` are in feature space ([`in_feature_space`]). One fit per seed.
pub async fn fit_oracle_batched<B: crate::backend::Backend>(
    backend: &B,
    method: Method,
    arch: &Arch,
    batch: SeedBatch<'_>,
    opts: &MethodOpts,
    cancel: &Cancel,
) -> Result<Vec<Fit>> {
    let caps = capacities(method);
    if caps.is_empty() {
        return Err(Error::Shape(format!(
            "{} has no capacity grid on the oracle network",
            method.id()
        )));
    }
    let pre = oracle_backbone(&Arch {
        d: 1,
        k: 1,
        ..arch.clone()
    })?;
    let backbones = vec![&pre; batch.targets.len()];
    let mut best: Vec<Option<Fit>> = vec![None; batch.targets.len()];
    for cap in caps {
        let mo = match method {
            Method::Lora => MethodOpts { rank: cap, ..*opts },
            Method::CaulkAdapter
            | Method::CaulkSpline
            | Method::CaulkSelect
            | Method::Bitfit
            | Method::Partial
            | Method::LinearProbe
            | Method::Full
            | Method::Scratch => MethodOpts {
                adapter_width: cap,
                ..*opts
            },
        };
        let fits = fit_batched(backend, method, &backbones, batch, &mo, cancel).await?;
        for (keep, fit) in best.iter_mut().zip(fits) {
            let loss = |f: &Fit| f.report.as_ref().map_or(f64::INFINITY, |r| r.best_loss);
            if keep.as_ref().is_none_or(|k| loss(&fit) < loss(k)) {
                *keep = Some(fit);
            }
        }
        if cancel.is_cancelled() {
            break;
        }
    }
    best.into_iter()
        .map(|f| f.ok_or_else(|| Error::Shape("no capacity was fitted".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arch(depth: usize) -> Arch {
        Arch {
            d: 1,
            width: 32,
            depth,
            k: 1,
            head_width: 16,
            adapter_width: 0,
            lora_rank: 0,
        }
    }

    #[test]
    fn the_oracle_extracts_z_exactly_and_computes_the_source_head() {
        for depth in [1, 2, 3] {
            let pre = oracle_backbone(&arch(depth)).unwrap();
            let z: Vec<f64> = (0..=200).map(|i| -0.05 + 1.1 * i as f64 / 200.0).collect();
            let cache = pre.arch.forward(&pre.params, &z);
            for (zi, ei) in z.iter().zip(&cache.z) {
                assert!((zi - ei).abs() < 1e-12, "depth {depth}: φ({zi}) = {ei}");
            }
            let worst = z
                .iter()
                .zip(&cache.head.out)
                .map(|(zi, o)| (source_link(*zi) - o).abs())
                .fold(0.0, f64::max);
            assert!(worst < 1e-3, "depth {depth}: |h − ĥ| up to {worst}");
        }
    }

    #[test]
    fn a_network_that_is_not_one_dimensional_is_refused() {
        let wide = Arch { d: 3, ..arch(2) };
        assert!(oracle_backbone(&wide).is_err());
    }
}

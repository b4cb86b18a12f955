//! Forward and backward passes of [`Arch`] networks on a batch, in f64 on the CPU (the
//! reference for the GPU path). Matrix products go through `matrixmultiply::dgemm`.
//!
//! Loss: L = (1/n) Σ_i (out_i − y_i)². Backward: with δ = ∂L/∂pre of a layer y = x·Wᵀ + b,
//! ∂L/∂W = δᵀ·x, ∂L/∂b = Σ_rows δ, ∂L/∂x = δ·W; ReLU passes δ where pre > 0, the adapter's
//! hat multiplies it by hat'(pre) ([`Act::slope`]); the adapter's
//! skip adds δ_z' to δ_z; LoRA adds ∂L/∂B = δᵀ·(x·Aᵀ), ∂L/∂A = (δ·B)ᵀ·x and
//! ∂L/∂x += (δ·B)·A.

use super::{Act, Arch, Role};

/// c (m×n) = op(a)·op(b) + beta·c, op(a) m×k, op(b) k×n, all row-major.
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f64],
    ta: bool,
    b: &[f64],
    tb: bool,
    c: &mut [f64],
    beta: f64,
) {
    assert!(
        a.len() >= m * k && b.len() >= k * n && c.len() >= m * n,
        "gemm operand too short"
    );
    let (rsa, csa) = if ta { (1, m) } else { (k, 1) };
    let (rsb, csb) = if tb { (1, k) } else { (n, 1) };
    // SAFETY: the assert above guarantees every index i·rs + j·cs (i, j inside the op
    // shapes) lies inside its slice for these strides; `c` is a unique borrow.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// y (n×out) = x (n×in)·Wᵀ + b.
fn dense(x: &[f64], n: usize, w: &[f64], b: &[f64], out: usize, inp: usize) -> Vec<f64> {
    let mut y = Vec::with_capacity(n * out);
    for _ in 0..n {
        y.extend_from_slice(b);
    }
    gemm(n, inp, out, x, false, w, true, &mut y, 1.0);
    y
}

fn relu(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| x.max(0.0)).collect()
}

/// Everything the backward pass needs from the forward pass.
#[derive(Clone, Debug)]
pub struct Cache {
    n: usize,
    /// Input of each extractor layer (h_0 = x).
    inputs: Vec<Vec<f64>>,
    /// Pre-activation of each extractor layer.
    pres: Vec<Vec<f64>>,
    /// x·Aᵀ of each LoRA layer.
    lora_mid: Vec<Vec<f64>>,
    /// The feature z (n×k).
    pub z: Vec<f64>,
    /// The caulk and the head on z.
    pub head: HeadPass,
}

/// What the caulk and the head compute from the features z (the tail of a [`Cache`]).
#[derive(Clone, Debug)]
pub struct HeadPass {
    adapter_pre: Vec<f64>,
    adapter_act: Vec<f64>,
    /// The feature after the adapter (z when there is none).
    pub z_adapted: Vec<f64>,
    head_pre: Vec<f64>,
    /// The head's hidden activations (n × W_h).
    pub head_hidden: Vec<f64>,
    /// The outputs (n).
    pub out: Vec<f64>,
}

impl Cache {
    /// The extractor's last hidden activations (n × width, after the ReLU): the input of the
    /// layer that maps to the feature z.
    pub fn last_hidden(&self) -> &[f64] {
        // `forward` keeps x and the depth hidden layers here (z is popped off), so the list is
        // never empty; with depth = 0 this is x itself.
        self.inputs.last().map_or(&[], |v| v.as_slice())
    }
}

impl Arch {
    fn seg<'a>(&self, p: &'a [f64], role: Role) -> &'a [f64] {
        match self.segment(role) {
            Some(s) => &p[s.range()],
            None => &[],
        }
    }

    /// Forward pass on `x` (n × d): the extractor ([`Arch::features`]), then the caulk and the
    /// head ([`Arch::head_pass`]).
    pub fn forward(&self, p: &[f64], x: &[f64]) -> Cache {
        let (inputs, pres, lora_mid, z) = self.extract(p, x);
        let n = x.len() / self.d;
        let head = self.head_pass(p, &z, n);
        Cache {
            n,
            inputs,
            pres,
            lora_mid,
            z,
            head,
        }
    }

    /// The extractor (with its LoRA terms) on `x` (n × d): each layer's input and
    /// pre-activation, each LoRA layer's x·Aᵀ, and the feature z (n × k).
    #[allow(clippy::type_complexity)]
    fn extract(
        &self,
        p: &[f64],
        x: &[f64],
    ) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) {
        let n = x.len() / self.d;
        let mut inputs = vec![x.to_vec()];
        let mut pres = Vec::new();
        let mut lora_mid = Vec::new();
        for l in 0..=self.depth {
            let (o, i) = self.extractor_shape(l);
            let h = &inputs[l];
            let mut pre = dense(
                h,
                n,
                self.seg(p, Role::ExtractorWeight(l)),
                self.seg(p, Role::ExtractorBias(l)),
                o,
                i,
            );
            if self.lora_rank > 0 {
                let r = self.lora_rank;
                let mut mid = vec![0.0; n * r];
                gemm(
                    n,
                    i,
                    r,
                    h,
                    false,
                    self.seg(p, Role::LoraA(l)),
                    true,
                    &mut mid,
                    0.0,
                );
                gemm(
                    n,
                    r,
                    o,
                    &mid,
                    false,
                    self.seg(p, Role::LoraB(l)),
                    true,
                    &mut pre,
                    1.0,
                );
                lora_mid.push(mid);
            }
            let next = if l == self.depth {
                pre.clone()
            } else {
                relu(&pre)
            };
            pres.push(pre);
            inputs.push(next);
        }
        let z = inputs.pop().unwrap_or_default();
        (inputs, pres, lora_mid, z)
    }

    /// The feature z (n × k) of `x`: the extractor alone.
    pub fn features(&self, p: &[f64], x: &[f64]) -> Vec<f64> {
        self.extract(p, x).3
    }

    /// The caulk (adapter, if any) and the head on the features `z` of n points: the same
    /// operations in the same order as [`Arch::forward`], so the same bits.
    pub fn head_pass(&self, p: &[f64], z: &[f64], n: usize) -> HeadPass {
        let (adapter_pre, adapter_act, z_adapted) = if self.adapter_width > 0 {
            let r = self.adapter_width;
            let pre = dense(
                z,
                n,
                self.seg(p, Role::AdapterV),
                self.seg(p, Role::AdapterC),
                r,
                self.k,
            );
            let act: Vec<f64> = pre.iter().map(|v| Act::Hat.apply(*v)).collect();
            let mut za = z.to_vec();
            gemm(
                n,
                r,
                self.k,
                &act,
                false,
                self.seg(p, Role::AdapterU),
                true,
                &mut za,
                1.0,
            );
            (pre, act, za)
        } else {
            (Vec::new(), Vec::new(), z.to_vec())
        };
        let head_pre = dense(
            &z_adapted,
            n,
            self.seg(p, Role::HeadWeight(0)),
            self.seg(p, Role::HeadBias(0)),
            self.head_width,
            self.k,
        );
        let head_hidden = relu(&head_pre);
        let out = dense(
            &head_hidden,
            n,
            self.seg(p, Role::HeadWeight(1)),
            self.seg(p, Role::HeadBias(1)),
            1,
            self.head_width,
        );
        HeadPass {
            adapter_pre,
            adapter_act,
            z_adapted,
            head_pre,
            head_hidden,
            out,
        }
    }

    /// Predictions on `x`.
    pub fn predict(&self, p: &[f64], x: &[f64]) -> Vec<f64> {
        self.forward(p, x).head.out
    }

    /// Mean squared error of the cached outputs against `y`, and its gradient with respect to
    /// every parameter (frozen ones included: the optimiser masks them).
    pub fn loss_and_grad(&self, p: &[f64], cache: &Cache, y: &[f64]) -> (f64, Vec<f64>) {
        let n = cache.n;
        let mut g = vec![0.0; p.len()];
        let loss = cache
            .head
            .out
            .iter()
            .zip(y)
            .map(|(o, t)| (o - t).powi(2))
            .sum::<f64>()
            / n as f64;
        // δ_out = 2(out − y)/n.
        let d_out: Vec<f64> = cache
            .head
            .out
            .iter()
            .zip(y)
            .map(|(o, t)| 2.0 * (o - t) / n as f64)
            .collect();
        let put = |g: &mut Vec<f64>, role: Role, value: &[f64]| {
            if let Some(s) = self.segment(role) {
                g[s.range()].copy_from_slice(value);
            }
        };
        // Head output layer.
        let wh = self.head_width;
        let mut gw = vec![0.0; wh];
        gemm(
            1,
            n,
            wh,
            &d_out,
            true,
            &cache.head.head_hidden,
            false,
            &mut gw,
            0.0,
        );
        put(&mut g, Role::HeadWeight(1), &gw);
        put(&mut g, Role::HeadBias(1), &[d_out.iter().sum()]);
        let mut d_hidden = vec![0.0; n * wh];
        gemm(
            n,
            1,
            wh,
            &d_out,
            false,
            self.seg(p, Role::HeadWeight(1)),
            false,
            &mut d_hidden,
            0.0,
        );
        for (d, pre) in d_hidden.iter_mut().zip(&cache.head.head_pre) {
            if *pre <= 0.0 {
                *d = 0.0;
            }
        }
        // Head hidden layer.
        let k = self.k;
        let mut gw = vec![0.0; wh * k];
        gemm(
            wh,
            n,
            k,
            &d_hidden,
            true,
            &cache.head.z_adapted,
            false,
            &mut gw,
            0.0,
        );
        put(&mut g, Role::HeadWeight(0), &gw);
        put(&mut g, Role::HeadBias(0), &column_sums(&d_hidden, n, wh));
        let mut d_z = vec![0.0; n * k];
        gemm(
            n,
            wh,
            k,
            &d_hidden,
            false,
            self.seg(p, Role::HeadWeight(0)),
            false,
            &mut d_z,
            0.0,
        );
        // Adapter: z' = z + act·Uᵀ, act = hat(z·Vᵀ + c).
        if self.adapter_width > 0 {
            let r = self.adapter_width;
            let mut gu = vec![0.0; k * r];
            gemm(
                k,
                n,
                r,
                &d_z,
                true,
                &cache.head.adapter_act,
                false,
                &mut gu,
                0.0,
            );
            put(&mut g, Role::AdapterU, &gu);
            let mut d_act = vec![0.0; n * r];
            gemm(
                n,
                k,
                r,
                &d_z,
                false,
                self.seg(p, Role::AdapterU),
                false,
                &mut d_act,
                0.0,
            );
            for (d, pre) in d_act.iter_mut().zip(&cache.head.adapter_pre) {
                *d *= Act::Hat.slope(*pre);
            }
            let mut gv = vec![0.0; r * k];
            gemm(r, n, k, &d_act, true, &cache.z, false, &mut gv, 0.0);
            put(&mut g, Role::AdapterV, &gv);
            put(&mut g, Role::AdapterC, &column_sums(&d_act, n, r));
            // Skip connection: δ_z = δ_z' + δ_act·V.
            gemm(
                n,
                r,
                k,
                &d_act,
                false,
                self.seg(p, Role::AdapterV),
                false,
                &mut d_z,
                1.0,
            );
        }
        // Extractor, last layer first.
        let mut delta = d_z;
        for l in (0..=self.depth).rev() {
            let (o, i) = self.extractor_shape(l);
            if l < self.depth {
                for (d, pre) in delta.iter_mut().zip(&cache.pres[l]) {
                    if *pre <= 0.0 {
                        *d = 0.0;
                    }
                }
            }
            let h = &cache.inputs[l];
            let mut gw = vec![0.0; o * i];
            gemm(o, n, i, &delta, true, h, false, &mut gw, 0.0);
            put(&mut g, Role::ExtractorWeight(l), &gw);
            put(&mut g, Role::ExtractorBias(l), &column_sums(&delta, n, o));
            let mut d_in = vec![0.0; n * i];
            if l > 0 {
                gemm(
                    n,
                    o,
                    i,
                    &delta,
                    false,
                    self.seg(p, Role::ExtractorWeight(l)),
                    false,
                    &mut d_in,
                    0.0,
                );
            }
            if self.lora_rank > 0 {
                let r = self.lora_rank;
                let mut gb = vec![0.0; o * r];
                gemm(
                    o,
                    n,
                    r,
                    &delta,
                    true,
                    &cache.lora_mid[l],
                    false,
                    &mut gb,
                    0.0,
                );
                put(&mut g, Role::LoraB(l), &gb);
                let mut d_mid = vec![0.0; n * r];
                gemm(
                    n,
                    o,
                    r,
                    &delta,
                    false,
                    self.seg(p, Role::LoraB(l)),
                    false,
                    &mut d_mid,
                    0.0,
                );
                let mut ga = vec![0.0; r * i];
                gemm(r, n, i, &d_mid, true, h, false, &mut ga, 0.0);
                put(&mut g, Role::LoraA(l), &ga);
                if l > 0 {
                    gemm(
                        n,
                        r,
                        i,
                        &d_mid,
                        false,
                        self.seg(p, Role::LoraA(l)),
                        false,
                        &mut d_in,
                        1.0,
                    );
                }
            }
            delta = d_in;
        }
        (loss, g)
    }
}

/// Σ over rows of an n × c matrix.
fn column_sums(m: &[f64], n: usize, c: usize) -> Vec<f64> {
    let mut s = vec![0.0; c];
    for row in 0..n {
        for (acc, v) in s.iter_mut().zip(&m[row * c..(row + 1) * c]) {
            *acc += v;
        }
    }
    s
}

//! A small f64 network of dense layers, for the real-data preset `digits`, whose shapes the
//! synthetic backbone ([`Arch`](crate::model::Arch): d ≤ 16, k ≤ 2, one output, squared loss)
//! does not have: 64 pixels in, a 10-class softmax out, cross-entropy in pre-training.
//!
//! A [`Net`] is a sequence of [`Layer`]s over one flat parameter vector:
//!
//! - `Dense`: y = W·x + b (W is out × in, row-major), plus an optional LoRA update
//!   B·(A·x) with A (r × in) and B (out × r) (Hu et al. 2022; B starts at zero, so the update
//!   starts at zero);
//! - `Relu`: y = max(x, 0);
//! - `Softmax`: y_c = exp(x_c − max x) / Σ_j exp(x_j − max x);
//! - `Adapter`: the residual bottleneck y = x + U·relu(V·x + c) (Houlsby et al. 2019; U starts
//!   at zero, so the adapter starts as the identity).
//!
//! [`Net::loss_and_grad`] runs a batch of rows forward, keeps every layer's input, and
//! back-propagates the loss by the chain rule, layer by layer in reverse:
//! Dense: ∂W += gyᵀx, ∂b += Σ gy, gx = Wᵀgy (LoRA: t = A·x, ∂B += gyᵀt, gt = Bᵀgy, ∂A += gtᵀx,
//! gx += Aᵀgt); Relu: gx = gy·\[x > 0\]; Softmax: gx = y ⊙ (gy − ⟨gy, y⟩); Adapter (h = V·x + c,
//! a = relu h): ∂U += gyᵀa, gh = (Uᵀgy)·\[h > 0\], ∂V += ghᵀx, ∂c += Σ gh, gx = gy + Vᵀgh.
//! Gradients of a parameter block that is frozen (its first entry's mask is false) are not
//! computed. A test checks every layer's gradient against central finite differences.
//!
//! Losses: [`Loss::CrossEntropy`] on logits, mean over rows of logsumexp(z) − z_y (its
//! gradient (softmax(z) − onehot(y))/rows); [`Loss::Squared`], mean of (ŷ − y)² (gradient
//! 2(ŷ − y)/rows). Training is [`train_loop`], the loop every network of
//! the crate trains with.

use crate::error::{Error, Result};
use crate::rng::Rng;

use super::{train_loop, Cancel, TrainOpts, TrainReport};

/// One layer; offsets index the net's parameter vector.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// y = W·x + b (+ B·A·x).
    Dense {
        /// Inputs.
        inp: usize,
        /// Outputs.
        out: usize,
        /// Offset of W (out × in).
        w: usize,
        /// Offset of b (out).
        b: usize,
        /// LoRA factors: (rank r, offset of A (r × in), offset of B (out × r)).
        lora: Option<(usize, usize, usize)>,
    },
    /// max(x, 0).
    Relu,
    /// Softmax over the row.
    Softmax,
    /// y = x + U·relu(V·x + c).
    Adapter {
        /// Width of x and y.
        dim: usize,
        /// Bottleneck width.
        width: usize,
        /// Offset of V (width × dim).
        v: usize,
        /// Offset of c (width).
        c: usize,
        /// Offset of U (dim × width).
        u: usize,
    },
}

/// Which parameters of a layer a mask ([`Net::mask`]) selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Every parameter (an adapter's too).
    All,
    /// A dense layer's LoRA factors alone (an adapter's every parameter).
    Lora,
    /// The biases alone (BitFit).
    Biases,
}

/// A sequence of layers and the length of its parameter vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Net {
    /// The layers, input first.
    pub layers: Vec<Layer>,
    /// Parameters in all.
    pub len: usize,
    /// Width of the input rows.
    pub inp: usize,
}

/// What a network is trained to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Class labels 0 … C−1 against the last layer's C logits.
    CrossEntropy,
    /// Real labels against the last layer's single output.
    Squared,
}

impl Net {
    /// An empty network taking rows of `inp` values.
    pub fn new(inp: usize) -> Net {
        Net {
            layers: Vec::new(),
            len: 0,
            inp,
        }
    }

    /// Width of the rows the network gives.
    pub fn out(&self) -> usize {
        self.layers.iter().fold(self.inp, |w, l| match l {
            Layer::Dense { out, .. } => *out,
            _ => w,
        })
    }

    fn take(&mut self, n: usize) -> usize {
        self.len += n;
        self.len - n
    }

    /// Append a dense layer to `out` outputs.
    pub fn dense(mut self, out: usize) -> Net {
        let inp = self.out();
        let w = self.take(out * inp);
        let b = self.take(out);
        self.layers.push(Layer::Dense {
            inp,
            out,
            w,
            b,
            lora: None,
        });
        self
    }

    /// Append a ReLU.
    pub fn relu(mut self) -> Net {
        self.layers.push(Layer::Relu);
        self
    }

    /// Append a softmax.
    pub fn softmax(mut self) -> Net {
        self.layers.push(Layer::Softmax);
        self
    }

    /// Append a residual adapter of bottleneck `width`.
    pub fn adapter(mut self, width: usize) -> Net {
        let dim = self.out();
        let v = self.take(width * dim);
        let c = self.take(width);
        let u = self.take(dim * width);
        self.layers.push(Layer::Adapter {
            dim,
            width,
            v,
            c,
            u,
        });
        self
    }

    /// Give every dense layer a LoRA update of rank `r` (its factors appended at the end of
    /// the parameter vector, so the other offsets keep their places).
    pub fn with_lora(mut self, r: usize) -> Net {
        for i in 0..self.layers.len() {
            if let Layer::Dense { inp, out, .. } = self.layers[i] {
                let a = self.take(r * inp);
                let b = self.take(out * r);
                if let Layer::Dense { lora, .. } = &mut self.layers[i] {
                    *lora = Some((r, a, b));
                }
            }
        }
        self
    }

    /// The ranges of every weight block, as (offset, length, fan-in, kind).
    fn blocks(&self) -> Vec<(usize, usize, usize, Block)> {
        let mut out = Vec::new();
        for l in &self.layers {
            match *l {
                Layer::Dense {
                    inp,
                    out: o,
                    w,
                    b,
                    lora,
                } => {
                    out.push((w, o * inp, inp, Block::Weight));
                    out.push((b, o, inp, Block::Zero));
                    if let Some((r, a, bb)) = lora {
                        out.push((a, r * inp, inp, Block::Weight));
                        out.push((bb, o * r, r, Block::Zero));
                    }
                }
                Layer::Adapter {
                    dim,
                    width,
                    v,
                    c,
                    u,
                } => {
                    out.push((v, width * dim, dim, Block::Weight));
                    out.push((c, width, dim, Block::Zero));
                    out.push((u, dim * width, width, Block::Zero));
                }
                Layer::Relu | Layer::Softmax => {}
            }
        }
        out
    }

    /// Fresh parameters: He-uniform weights (uniform in ±√(6/fan-in)), zero biases, zero LoRA
    /// B and adapter U (the updates start at nothing).
    pub fn init(&self, rng: &mut Rng) -> Vec<f64> {
        let mut p = vec![0.0; self.len];
        for (at, len, fan_in, kind) in self.blocks() {
            if kind == Block::Weight {
                let a = (6.0 / fan_in.max(1) as f64).sqrt();
                for w in &mut p[at..at + len] {
                    *w = rng.uniform_in(-a, a);
                }
            }
        }
        p
    }

    /// The mask of the parameter blocks of `layers` (indices into [`Net::layers`]): all of
    /// them, their LoRA factors alone, or their biases alone ([`Part`]).
    pub fn mask(&self, layers: impl Fn(usize) -> bool, part: Part) -> Vec<bool> {
        let mut mask = vec![false; self.len];
        for (i, l) in self.layers.iter().enumerate() {
            if !layers(i) {
                continue;
            }
            let mut set = |at: usize, len: usize| mask[at..at + len].fill(true);
            match *l {
                Layer::Dense {
                    inp,
                    out,
                    w,
                    b,
                    lora,
                } => match (part, lora) {
                    (Part::Lora, Some((r, a, bb))) => {
                        set(a, r * inp);
                        set(bb, out * r);
                    }
                    (Part::Lora, None) => {}
                    (Part::Biases, _) => set(b, out),
                    (Part::All, _) => {
                        set(w, out * inp);
                        set(b, out);
                    }
                },
                Layer::Adapter {
                    dim,
                    width,
                    v,
                    c,
                    u,
                } => match part {
                    Part::Biases => set(c, width),
                    Part::All | Part::Lora => {
                        set(v, width * dim);
                        set(c, width);
                        set(u, dim * width);
                    }
                },
                Layer::Relu | Layer::Softmax => {}
            }
        }
        mask
    }

    /// The rows `x` (rows × inp) through every layer: each layer's input, then the output.
    pub fn forward(&self, p: &[f64], x: &[f64]) -> Vec<Vec<f64>> {
        let rows = x.len() / self.inp.max(1);
        let mut acts = vec![x.to_vec()];
        let mut width = self.inp;
        for l in &self.layers {
            // Unwrap-free: acts starts non-empty and only grows.
            let xin = &acts[acts.len() - 1];
            let y = match *l {
                Layer::Dense {
                    inp,
                    out,
                    w,
                    b,
                    lora,
                } => {
                    let mut y = vec![0.0; rows * out];
                    for r in 0..rows {
                        let xr = &xin[r * inp..(r + 1) * inp];
                        let t: Vec<f64> = match lora {
                            Some((rank, a, _)) => (0..rank)
                                .map(|k| dot(&p[a + k * inp..a + (k + 1) * inp], xr))
                                .collect(),
                            None => Vec::new(),
                        };
                        for o in 0..out {
                            let mut s = p[b + o] + dot(&p[w + o * inp..w + (o + 1) * inp], xr);
                            if let Some((rank, _, bb)) = lora {
                                s += dot(&p[bb + o * rank..bb + (o + 1) * rank], &t);
                            }
                            y[r * out + o] = s;
                        }
                    }
                    width = out;
                    y
                }
                Layer::Relu => xin.iter().map(|v| v.max(0.0)).collect(),
                Layer::Softmax => {
                    let mut y = xin.clone();
                    for row in y.chunks_mut(width.max(1)) {
                        softmax_in_place(row);
                    }
                    y
                }
                Layer::Adapter {
                    dim,
                    width: aw,
                    v,
                    c,
                    u,
                } => {
                    let mut y = xin.clone();
                    for r in 0..rows {
                        let xr = &xin[r * dim..(r + 1) * dim];
                        let a: Vec<f64> = (0..aw)
                            .map(|j| {
                                (p[c + j] + dot(&p[v + j * dim..v + (j + 1) * dim], xr)).max(0.0)
                            })
                            .collect();
                        for i in 0..dim {
                            y[r * dim + i] += dot(&p[u + i * aw..u + (i + 1) * aw], &a);
                        }
                    }
                    y
                }
            };
            acts.push(y);
        }
        acts
    }

    /// The network's outputs for rows `x`.
    pub fn predict(&self, p: &[f64], x: &[f64]) -> Vec<f64> {
        self.forward(p, x).pop().unwrap_or_default()
    }

    /// Mean loss of rows `x` against `y` and its gradient in every parameter whose block is
    /// trainable in `mask`.
    pub fn loss_and_grad(
        &self,
        p: &[f64],
        mask: &[bool],
        x: &[f64],
        y: &[f64],
        loss: Loss,
    ) -> (f64, Vec<f64>) {
        let acts = self.forward(p, x);
        let out = acts.last().map(Vec::as_slice).unwrap_or(&[]);
        let (value, mut gy) = loss_grad(out, y, self.out(), loss);
        let rows = y.len();
        let mut grad = vec![0.0; self.len];
        let live = |at: usize| mask.get(at).copied().unwrap_or(false);
        for (li, l) in self.layers.iter().enumerate().rev() {
            let xin = &acts[li];
            let yout = &acts[li + 1];
            // The first layer needs no gradient of its input.
            let need_gx = li > 0;
            let gx = match *l {
                Layer::Dense {
                    inp,
                    out,
                    w,
                    b,
                    lora,
                } => {
                    let mut gx = vec![0.0; if need_gx { rows * inp } else { 0 }];
                    for r in 0..rows {
                        let xr = &xin[r * inp..(r + 1) * inp];
                        let g = &gy[r * out..(r + 1) * out];
                        for o in 0..out {
                            if live(w) {
                                axpy(&mut grad[w + o * inp..w + (o + 1) * inp], g[o], xr);
                            }
                            if live(b) {
                                grad[b + o] += g[o];
                            }
                            if need_gx {
                                axpy(
                                    &mut gx[r * inp..(r + 1) * inp],
                                    g[o],
                                    &p[w + o * inp..w + (o + 1) * inp],
                                );
                            }
                        }
                        if let Some((rank, a, bb)) = lora {
                            let t: Vec<f64> = (0..rank)
                                .map(|k| dot(&p[a + k * inp..a + (k + 1) * inp], xr))
                                .collect();
                            let mut gt = vec![0.0; rank];
                            for o in 0..out {
                                if live(bb) {
                                    axpy(&mut grad[bb + o * rank..bb + (o + 1) * rank], g[o], &t);
                                }
                                axpy(&mut gt, g[o], &p[bb + o * rank..bb + (o + 1) * rank]);
                            }
                            for k in 0..rank {
                                if live(a) {
                                    axpy(&mut grad[a + k * inp..a + (k + 1) * inp], gt[k], xr);
                                }
                                if need_gx {
                                    axpy(
                                        &mut gx[r * inp..(r + 1) * inp],
                                        gt[k],
                                        &p[a + k * inp..a + (k + 1) * inp],
                                    );
                                }
                            }
                        }
                    }
                    gx
                }
                Layer::Relu => gy
                    .iter()
                    .zip(xin)
                    .map(|(g, x)| if *x > 0.0 { *g } else { 0.0 })
                    .collect(),
                Layer::Softmax => {
                    let width = yout.len() / rows.max(1);
                    let mut gx = gy.clone();
                    for (gr, yr) in gx.chunks_mut(width.max(1)).zip(yout.chunks(width.max(1))) {
                        let inner = dot(gr, yr);
                        for (g, y) in gr.iter_mut().zip(yr) {
                            *g = y * (*g - inner);
                        }
                    }
                    gx
                }
                Layer::Adapter {
                    dim,
                    width: aw,
                    v,
                    c,
                    u,
                } => {
                    let mut gx = gy.clone();
                    for r in 0..rows {
                        let xr = &xin[r * dim..(r + 1) * dim];
                        let g = &gy[r * dim..(r + 1) * dim];
                        for j in 0..aw {
                            let h = p[c + j] + dot(&p[v + j * dim..v + (j + 1) * dim], xr);
                            if live(u) && h > 0.0 {
                                for i in 0..dim {
                                    grad[u + i * aw + j] += g[i] * h;
                                }
                            }
                            if h <= 0.0 {
                                continue;
                            }
                            let gh: f64 = (0..dim).map(|i| p[u + i * aw + j] * g[i]).sum();
                            if live(v) {
                                axpy(&mut grad[v + j * dim..v + (j + 1) * dim], gh, xr);
                            }
                            if live(c) {
                                grad[c + j] += gh;
                            }
                            axpy(
                                &mut gx[r * dim..(r + 1) * dim],
                                gh,
                                &p[v + j * dim..v + (j + 1) * dim],
                            );
                        }
                    }
                    gx
                }
            };
            gy = gx;
        }
        (value, grad)
    }

    /// Mean loss of rows `x` against `y`.
    pub fn loss(&self, p: &[f64], x: &[f64], y: &[f64], loss: Loss) -> f64 {
        loss_grad(&self.predict(p, x), y, self.out(), loss).0
    }

    /// Train the blocks of `mask` on (x, y) with `loss`, keeping the weights with the lowest
    /// loss on `val` (or on the training rows without one): [`train_loop`].
    #[allow(clippy::too_many_arguments)]
    pub fn train(
        &self,
        p: &mut [f64],
        mask: &[bool],
        (x, y): (&[f64], &[f64]),
        val: Option<(&[f64], &[f64])>,
        loss: Loss,
        opts: &TrainOpts,
        rng: &mut Rng,
        cancel: &Cancel,
    ) -> Result<TrainReport> {
        let (inp, n) = (self.inp, y.len());
        if n == 0 || x.len() != n * inp || mask.len() != p.len() || p.len() != self.len {
            return Err(Error::Shape(format!(
                "dense train: {n} labels, {} inputs of {inp}, {} mask entries, {} parameters for {}",
                x.len(),
                mask.len(),
                p.len(),
                self.len
            )));
        }
        let (mut bx, mut by) = (Vec::new(), Vec::new());
        let mut step = |params: &[f64], rows: &[usize]| {
            bx.clear();
            by.clear();
            for &i in rows {
                bx.extend_from_slice(&x[i * inp..(i + 1) * inp]);
                by.push(y[i]);
            }
            self.loss_and_grad(params, mask, &bx, &by, loss)
        };
        let (sx, sy) = val.unwrap_or((x, y));
        let score = |params: &[f64]| self.loss(params, sx, sy, loss);
        train_loop(p, mask, n, &mut step, &score, opts, rng, cancel)
    }
}

/// Kinds of weight block, for initialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// Drawn He-uniform.
    Weight,
    /// Starts at zero.
    Zero,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y += s·x.
fn axpy(y: &mut [f64], s: f64, x: &[f64]) {
    for (a, b) in y.iter_mut().zip(x) {
        *a += s * b;
    }
}

/// The softmax of `row`, in place (shifted by its maximum, so no exp overflows).
pub fn softmax_in_place(row: &mut [f64]) {
    let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in row.iter_mut() {
        *v /= sum;
    }
}

/// Mean loss and its gradient in the outputs `out` (rows × width).
fn loss_grad(out: &[f64], y: &[f64], width: usize, loss: Loss) -> (f64, Vec<f64>) {
    let rows = y.len().max(1) as f64;
    match loss {
        Loss::Squared => {
            let value = out.iter().zip(y).map(|(o, t)| (o - t).powi(2)).sum::<f64>() / rows;
            let g = out
                .iter()
                .zip(y)
                .map(|(o, t)| 2.0 * (o - t) / rows)
                .collect();
            (value, g)
        }
        Loss::CrossEntropy => {
            let mut g = out.to_vec();
            let mut value = 0.0;
            for (row, &label) in g.chunks_mut(width.max(1)).zip(y) {
                let class = (label as usize).min(width - 1);
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = max + row.iter().map(|z| (z - max).exp()).sum::<f64>().ln();
                value += lse - row[class];
                softmax_in_place(row);
                row[class] -= 1.0;
                for v in row.iter_mut() {
                    *v /= rows;
                }
            }
            (value / rows, g)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    /// Every layer kind's gradient against central differences, both losses.
    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(3, Stream::Test);
        let cases = [
            (
                Net::new(5).dense(4).relu().dense(3).with_lora(2),
                Loss::CrossEntropy,
            ),
            (
                Net::new(5)
                    .dense(4)
                    .relu()
                    .dense(3)
                    .softmax()
                    .adapter(2)
                    .dense(1),
                Loss::Squared,
            ),
        ];
        for (net, loss) in cases {
            let mut p = net.init(&mut rng);
            // Non-zero LoRA B and adapter U, so their paths carry gradient too.
            for v in p.iter_mut().filter(|v| **v == 0.0) {
                *v = rng.uniform_in(-0.5, 0.5);
            }
            let x: Vec<f64> = (0..15).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
            let y: Vec<f64> = match loss {
                Loss::CrossEntropy => vec![0.0, 2.0, 1.0],
                Loss::Squared => vec![0.3, -0.2, 0.9],
            };
            let mask = vec![true; net.len];
            let (_, g) = net.loss_and_grad(&p, &mask, &x, &y, loss);
            for i in 0..net.len {
                let h = 1e-6;
                let mut q = p.clone();
                q[i] += h;
                let up = net.loss(&q, &x, &y, loss);
                q[i] -= 2.0 * h;
                let down = net.loss(&q, &x, &y, loss);
                let fd = (up - down) / (2.0 * h);
                assert!(
                    (fd - g[i]).abs() < 1e-6 + 1e-5 * fd.abs(),
                    "param {i}: {fd} vs {}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn zero_updates_start_as_the_plain_network_and_frozen_blocks_get_no_gradient() {
        let mut rng = Rng::new(4, Stream::Test);
        let plain = Net::new(3).dense(4).relu().dense(2).softmax();
        let p = plain.init(&mut rng);
        let both = plain.clone().adapter(3).with_lora(1);
        let mut q = p.clone();
        q.resize(both.len, 0.0);
        // V drawn, U zero: the adapter is the identity; LoRA's B zero: no update.
        let Layer::Adapter { v, width, dim, .. } = both.layers[4] else {
            panic!("layer 4 is the adapter")
        };
        for w in &mut q[v..v + width * dim] {
            *w = 0.7;
        }
        let x = [0.1, -0.4, 0.8, 0.5, 0.2, -0.9];
        assert_eq!(plain.predict(&p, &x), both.predict(&q, &x));
        let mask = both.mask(|i| i == 4, Part::All);
        let (_, g) = both.loss_and_grad(&q, &mask, &x, &[0.0, 1.0], Loss::CrossEntropy);
        assert!(g.iter().zip(&mask).all(|(g, m)| *m || *g == 0.0));
    }
}

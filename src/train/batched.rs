//! Training K same-shaped networks at once through a [`Backend`] (the CPU kernels or the
//! wgpu/WebGPU kernels), in f32. Each parameter segment of [`Arch`] is one device buffer of
//! K stacked copies (K × rows × cols), with its gradient and Adam moments beside it; a
//! mini-batch is K × b rows gathered on the device from each model's own training table by
//! per-model index lists. Forward and backward are the same algebra as [`crate::model::net`]
//! (the f64 reference), written with the backend's batched primitives:
//!
//! - layer: pre = h·Wᵀ (+ (h·Aᵀ)·Bᵀ with LoRA), then bias_act (x + b, ReLU or identity);
//! - adapter: z' = z + hat(z·Vᵀ + c)·Uᵀ (the copy of z by bias_act with a zero bias);
//! - backward: δ_W = δᵀ·h, δ_b = col_sums(δ), δ_h = δ·W, δ ← δ·act'(pre) by act_backward
//!   (ReLU's mask, the adapter's hat slope);
//! - Adam on the trainable segments only (frozen buffers are never written).
//!
//! Nothing is read back during training except at evaluation points (the per-model losses).

use crate::backend::{AdamStep, Backend, Gather, MatmulSpec, Rows};
use crate::error::{Error, Result};
use crate::model::{Act, Arch, Role, Segment};

pub use super::schedule::ModelData;
use super::schedule::{improvements, starting_reports, BatchOrder};

/// One parameter segment on the device, for all K models.
pub struct SegmentBuffers<B: Backend> {
    /// Where it sits in a model's flat parameter vector.
    pub segment: Segment,
    /// K × len parameters.
    pub param: B::Buffer,
    grad: B::Buffer,
    m: B::Buffer,
    v: B::Buffer,
    /// Whether Adam updates it.
    pub trainable: bool,
}

/// K networks of one architecture on a backend.
pub struct BatchedNet<'a, B: Backend> {
    backend: &'a B,
    /// The shared architecture.
    pub arch: Arch,
    /// Models K.
    pub k: usize,
    /// Segments in [`Arch::segments`] order.
    pub segs: Vec<SegmentBuffers<B>>,
}

/// The extractor's activations of one forward pass: each layer's input and pre-activation,
/// each LoRA layer's x·Aᵀ, and the feature z.
struct Extracted<B: Backend> {
    inputs: Vec<B::Buffer>,
    pres: Vec<B::Buffer>,
    lora_mid: Vec<B::Buffer>,
    z: B::Buffer,
}

/// Activations of one forward pass (K × rows each), kept for the backward pass.
pub struct Forward<B: Backend> {
    rows: usize,
    inputs: Vec<B::Buffer>,
    pres: Vec<B::Buffer>,
    lora_mid: Vec<B::Buffer>,
    z: Option<B::Buffer>,
    adapter_pre: Option<B::Buffer>,
    adapter_act: Option<B::Buffer>,
    z_adapted: B::Buffer,
    head_pre: B::Buffer,
    head_hidden: B::Buffer,
    /// Outputs, K × rows.
    pub out: B::Buffer,
}

impl<'a, B: Backend> BatchedNet<'a, B> {
    /// Upload K flat parameter vectors (each `arch.param_count()` long) with a trainable mask
    /// per segment role.
    pub fn new(
        backend: &'a B,
        arch: &Arch,
        params: &[Vec<f64>],
        trainable: &dyn Fn(Role) -> bool,
    ) -> Result<Self> {
        let k = params.len();
        if k == 0 || params.iter().any(|p| p.len() != arch.param_count()) {
            return Err(Error::Shape(format!(
                "batched net needs K ≥ 1 parameter vectors of {} values",
                arch.param_count()
            )));
        }
        let mut segs = Vec::new();
        for s in arch.segments() {
            let stacked: Vec<f32> = params
                .iter()
                .flat_map(|p| p[s.range()].iter().map(|v| *v as f32))
                .collect();
            segs.push(SegmentBuffers {
                segment: s,
                param: backend.upload(&stacked)?,
                grad: backend.zeros(stacked.len())?,
                m: backend.zeros(stacked.len())?,
                v: backend.zeros(stacked.len())?,
                trainable: trainable(s.role),
            });
        }
        Ok(BatchedNet {
            backend,
            arch: arch.clone(),
            k,
            segs,
        })
    }

    fn seg(&self, role: Role) -> Result<&SegmentBuffers<B>> {
        self.segs
            .iter()
            .find(|s| s.segment.role == role)
            .ok_or_else(|| Error::Shape(format!("no segment {role:?}")))
    }

    /// h (K×rows×inp) · Wᵀ (W: K×out×inp) → K×rows×out, added to `into` when given.
    fn linear(
        &self,
        h: &B::Buffer,
        role: Role,
        rows: usize,
        out: usize,
        inp: usize,
    ) -> Result<B::Buffer> {
        let mut y = self.backend.zeros(self.k * rows * out)?;
        let spec = MatmulSpec::new(self.k, rows, inp, out).transposed(false, true);
        self.backend
            .matmul(&spec, h, &self.seg(role)?.param, &mut y)?;
        Ok(y)
    }

    /// pre ← pre + bias(role); returns act(pre).
    fn bias_act(
        &self,
        pre: &mut B::Buffer,
        role: Role,
        rows: usize,
        cols: usize,
        act: Act,
    ) -> Result<B::Buffer> {
        let mut out = self.backend.zeros(self.k * rows * cols)?;
        let s = Rows {
            batch: self.k,
            rows,
            cols,
        };
        self.backend
            .bias_act(&s, pre, &self.seg(role)?.param, &mut out, act)?;
        Ok(out)
    }

    /// Forward pass on x (K × rows × d): the extractor, then the caulk and the head.
    pub fn forward(&self, x: B::Buffer, rows: usize) -> Result<Forward<B>> {
        let e = self.extract(x, rows)?;
        self.head_pass(e, rows)
    }

    /// The feature z (K × rows × k) of x (K × rows × d): the extractor alone. Every row's z
    /// depends on that row alone (each product sums over k in one fixed order), so the
    /// features of a whole table, gathered, equal the features of the gathered rows.
    pub fn features(&self, x: B::Buffer, rows: usize) -> Result<B::Buffer> {
        Ok(self.extract(x, rows)?.z)
    }

    /// The forward pass from features z (K × rows × k) computed by [`BatchedNet::features`]:
    /// the caulk and the head. Its [`Forward`] carries no extractor activations, so the
    /// backward pass must not reach the extractor (nothing there may train).
    pub fn forward_from_features(&self, z: B::Buffer, rows: usize) -> Result<Forward<B>> {
        if self.learns_at_or_below(self.arch.depth) {
            return Err(Error::Shape(
                "a forward pass from features needs a frozen extractor".into(),
            ));
        }
        let e = Extracted {
            inputs: Vec::new(),
            pres: Vec::new(),
            lora_mid: Vec::new(),
            z,
        };
        self.head_pass(e, rows)
    }

    /// The extractor (with its LoRA terms) on x.
    fn extract(&self, x: B::Buffer, rows: usize) -> Result<Extracted<B>> {
        let a = &self.arch;
        let mut inputs = vec![x];
        let mut pres = Vec::new();
        let mut lora_mid = Vec::new();
        for l in 0..=a.depth {
            let (o, i) = a.extractor_shape(l);
            let mut pre = self.linear(&inputs[l], Role::ExtractorWeight(l), rows, o, i)?;
            if a.lora_rank > 0 {
                let r = a.lora_rank;
                let mid = self.linear(&inputs[l], Role::LoraA(l), rows, r, i)?;
                let spec = MatmulSpec::new(self.k, rows, r, o)
                    .transposed(false, true)
                    .accumulating();
                self.backend
                    .matmul(&spec, &mid, &self.seg(Role::LoraB(l))?.param, &mut pre)?;
                lora_mid.push(mid);
            }
            let act = if l < a.depth {
                Act::Relu
            } else {
                Act::Identity
            };
            let next = self.bias_act(&mut pre, Role::ExtractorBias(l), rows, o, act)?;
            pres.push(pre);
            inputs.push(next);
        }
        let z = inputs
            .pop()
            .ok_or_else(|| Error::Shape("empty extractor".into()))?;
        Ok(Extracted {
            inputs,
            pres,
            lora_mid,
            z,
        })
    }

    /// The caulk (adapter, if any) and the head on the extractor's output.
    fn head_pass(&self, e: Extracted<B>, rows: usize) -> Result<Forward<B>> {
        let a = &self.arch;
        let Extracted {
            inputs,
            pres,
            lora_mid,
            mut z,
        } = e;
        let (z, adapter_pre, adapter_act, z_adapted) = if a.adapter_width > 0 {
            let r = a.adapter_width;
            let mut pre = self.linear(&z, Role::AdapterV, rows, r, a.k)?;
            let act = self.bias_act(&mut pre, Role::AdapterC, rows, r, Act::Hat)?;
            // z' = copy of z (plus a zero bias), then += act·Uᵀ.
            let zero = self.backend.zeros(self.k * a.k)?;
            let mut za = self.backend.zeros(self.k * rows * a.k)?;
            self.backend.bias_act(
                &Rows {
                    batch: self.k,
                    rows,
                    cols: a.k,
                },
                &mut z,
                &zero,
                &mut za,
                Act::Identity,
            )?;
            let spec = MatmulSpec::new(self.k, rows, r, a.k)
                .transposed(false, true)
                .accumulating();
            self.backend
                .matmul(&spec, &act, &self.seg(Role::AdapterU)?.param, &mut za)?;
            (Some(z), Some(pre), Some(act), za)
        } else {
            (None, None, None, z)
        };
        let wh = a.head_width;
        let mut head_pre = self.linear(&z_adapted, Role::HeadWeight(0), rows, wh, a.k)?;
        let head_hidden = self.bias_act(&mut head_pre, Role::HeadBias(0), rows, wh, Act::Relu)?;
        let mut out_pre = self.linear(&head_hidden, Role::HeadWeight(1), rows, 1, wh)?;
        let out = self.bias_act(&mut out_pre, Role::HeadBias(1), rows, 1, Act::Identity)?;
        Ok(Forward {
            rows,
            inputs,
            pres,
            lora_mid,
            z,
            adapter_pre,
            adapter_act,
            z_adapted,
            head_pre,
            head_hidden,
            out,
        })
    }

    /// Write ∂L/∂W = δᵀ·h (K × out × inp) into the gradient of `role`.
    fn weight_grad(
        &mut self,
        delta: &B::Buffer,
        h: &B::Buffer,
        role: Role,
        rows: usize,
        out: usize,
        inp: usize,
    ) -> Result<()> {
        let spec = MatmulSpec::new(self.k, out, rows, inp).transposed(true, false);
        let i = self.index(role)?;
        let seg = &mut self.segs[i];
        self.backend.matmul(&spec, delta, h, &mut seg.grad)
    }

    fn bias_grad(&mut self, delta: &B::Buffer, role: Role, rows: usize, cols: usize) -> Result<()> {
        let i = self.index(role)?;
        let s = Rows {
            batch: self.k,
            rows,
            cols,
        };
        self.backend.col_sums(&s, delta, &mut self.segs[i].grad)
    }

    fn index(&self, role: Role) -> Result<usize> {
        self.segs
            .iter()
            .position(|s| s.segment.role == role)
            .ok_or_else(|| Error::Shape(format!("no segment {role:?}")))
    }

    /// δ·W (δ: K×rows×out, W: K×out×inp) → K×rows×inp, added to `into` when given.
    fn back_linear(
        &self,
        delta: &B::Buffer,
        role: Role,
        rows: usize,
        out: usize,
        inp: usize,
        into: Option<&mut B::Buffer>,
    ) -> Result<Option<B::Buffer>> {
        let w = &self.seg(role)?.param;
        match into {
            Some(acc) => {
                let spec = MatmulSpec::new(self.k, rows, out, inp).accumulating();
                self.backend.matmul(&spec, delta, w, acc)?;
                Ok(None)
            }
            None => {
                let mut d = self.backend.zeros(self.k * rows * inp)?;
                self.backend
                    .matmul(&MatmulSpec::new(self.k, rows, out, inp), delta, w, &mut d)?;
                Ok(Some(d))
            }
        }
    }

    /// Whether segment `role` trains.
    fn learns(&self, role: Role) -> bool {
        self.segs
            .iter()
            .any(|s| s.segment.role == role && s.trainable)
    }

    /// Whether a segment of extractor layer `l` or below (weight, bias, LoRA) trains.
    fn learns_at_or_below(&self, l: usize) -> bool {
        self.segs.iter().any(|s| {
            s.trainable
                && match s.segment.role {
                    Role::ExtractorWeight(j)
                    | Role::ExtractorBias(j)
                    | Role::LoraA(j)
                    | Role::LoraB(j) => j <= l,
                    Role::HeadWeight(_)
                    | Role::HeadBias(_)
                    | Role::AdapterV
                    | Role::AdapterC
                    | Role::AdapterU => false,
                }
        })
    }

    /// Backward pass from the output gradient `dout` (K × rows): fills the gradient of every
    /// trainable segment. Frozen segments get none (their buffers keep zeros), and δ goes
    /// down only as far as the lowest trainable segment: an adapter on a frozen extractor
    /// back-propagates through the head and the adapter alone. The trainable gradients are
    /// the same operations as with every segment trainable, so the same bits.
    pub fn backward(&mut self, f: &Forward<B>, dout: &B::Buffer) -> Result<()> {
        let a = self.arch.clone();
        let (rows, wh, k) = (f.rows, a.head_width, a.k);
        let be = self.backend;
        let extractor_learns = self.learns_at_or_below(a.depth);
        let adapter_learns = [Role::AdapterV, Role::AdapterC, Role::AdapterU]
            .into_iter()
            .any(|r| self.learns(r));
        let below_head = adapter_learns || extractor_learns;
        if self.learns(Role::HeadWeight(1)) {
            self.weight_grad(dout, &f.head_hidden, Role::HeadWeight(1), rows, 1, wh)?;
        }
        if self.learns(Role::HeadBias(1)) {
            self.bias_grad(dout, Role::HeadBias(1), rows, 1)?;
        }
        if !(below_head || self.learns(Role::HeadWeight(0)) || self.learns(Role::HeadBias(0))) {
            return Ok(());
        }
        let mut d_hidden = self
            .back_linear(dout, Role::HeadWeight(1), rows, 1, wh, None)?
            .ok_or_else(|| Error::Shape("head".into()))?;
        be.act_backward(
            &Rows {
                batch: self.k,
                rows,
                cols: wh,
            },
            &mut d_hidden,
            &f.head_pre,
            Act::Relu,
        )?;
        if self.learns(Role::HeadWeight(0)) {
            self.weight_grad(&d_hidden, &f.z_adapted, Role::HeadWeight(0), rows, wh, k)?;
        }
        if self.learns(Role::HeadBias(0)) {
            self.bias_grad(&d_hidden, Role::HeadBias(0), rows, wh)?;
        }
        if !below_head {
            return Ok(());
        }
        let mut d_z = self
            .back_linear(&d_hidden, Role::HeadWeight(0), rows, wh, k, None)?
            .ok_or_else(|| Error::Shape("head".into()))?;
        if let (Some(z), Some(pre), Some(act)) = (&f.z, &f.adapter_pre, &f.adapter_act) {
            let r = a.adapter_width;
            if self.learns(Role::AdapterU) {
                self.weight_grad(&d_z, act, Role::AdapterU, rows, k, r)?;
            }
            let mut d_act = self
                .back_linear(&d_z, Role::AdapterU, rows, k, r, None)?
                .ok_or_else(|| Error::Shape("adapter".into()))?;
            be.act_backward(
                &Rows {
                    batch: self.k,
                    rows,
                    cols: r,
                },
                &mut d_act,
                pre,
                Act::Hat,
            )?;
            if self.learns(Role::AdapterV) {
                self.weight_grad(&d_act, z, Role::AdapterV, rows, r, k)?;
            }
            if self.learns(Role::AdapterC) {
                self.bias_grad(&d_act, Role::AdapterC, rows, r)?;
            }
            if !extractor_learns {
                return Ok(());
            }
            // The skip connection: δ_z = δ_z' + δ_act·V.
            self.back_linear(&d_act, Role::AdapterV, rows, r, k, Some(&mut d_z))?;
        }
        if !extractor_learns {
            return Ok(());
        }
        let mut delta = d_z;
        for l in (0..=a.depth).rev() {
            let (o, i) = a.extractor_shape(l);
            if l < a.depth {
                be.act_backward(
                    &Rows {
                        batch: self.k,
                        rows,
                        cols: o,
                    },
                    &mut delta,
                    &f.pres[l],
                    Act::Relu,
                )?;
            }
            let h = &f.inputs[l];
            if self.learns(Role::ExtractorWeight(l)) {
                self.weight_grad(&delta, h, Role::ExtractorWeight(l), rows, o, i)?;
            }
            if self.learns(Role::ExtractorBias(l)) {
                self.bias_grad(&delta, Role::ExtractorBias(l), rows, o)?;
            }
            // δ goes on down only to a layer where something still learns.
            let down = l > 0 && self.learns_at_or_below(l - 1);
            let mut d_in = if down {
                self.back_linear(&delta, Role::ExtractorWeight(l), rows, o, i, None)?
            } else {
                None
            };
            if a.lora_rank > 0 {
                let r = a.lora_rank;
                if self.learns(Role::LoraB(l)) {
                    self.weight_grad(&delta, &f.lora_mid[l], Role::LoraB(l), rows, o, r)?;
                }
                if down || self.learns(Role::LoraA(l)) {
                    let d_mid = self
                        .back_linear(&delta, Role::LoraB(l), rows, o, r, None)?
                        .ok_or_else(|| Error::Shape("lora".into()))?;
                    if self.learns(Role::LoraA(l)) {
                        self.weight_grad(&d_mid, h, Role::LoraA(l), rows, r, i)?;
                    }
                    if let Some(acc) = d_in.as_mut() {
                        self.back_linear(&d_mid, Role::LoraA(l), rows, r, i, Some(acc))?;
                    }
                }
            }
            match d_in {
                Some(d) => delta = d,
                None => break,
            }
        }
        Ok(())
    }

    /// Per-model MSE loss and output gradient over the first counts_b of `rows` rows.
    pub fn loss(
        &self,
        f: &Forward<B>,
        y: &B::Buffer,
        counts: &B::Buffer,
    ) -> Result<(B::Buffer, B::Buffer)> {
        let s = Rows {
            batch: self.k,
            rows: f.rows,
            cols: 1,
        };
        let mut dout = self.backend.zeros(self.k * f.rows)?;
        let mut loss = self.backend.zeros(self.k)?;
        self.backend
            .mse_grad(&s, &f.out, y, counts, &mut dout, &mut loss)?;
        Ok((dout, loss))
    }

    /// One Adam step on every trainable segment.
    pub fn step(&mut self, step: &AdamStep) -> Result<()> {
        let be = self.backend;
        for s in self.segs.iter_mut().filter(|s| s.trainable) {
            be.adam(step, &mut s.param, &s.grad, &mut s.m, &mut s.v)?;
        }
        Ok(())
    }

    /// Gather a mini-batch: rows `idx` (K × b, as f32) of each model's table `x` (K × n × d).
    pub fn gather(
        &self,
        table: &B::Buffer,
        idx: &B::Buffer,
        n: usize,
        b: usize,
        cols: usize,
    ) -> Result<B::Buffer> {
        let mut dst = self.backend.zeros(self.k * b * cols)?;
        let s = Gather {
            batch: self.k,
            src_rows: n,
            rows: b,
            cols,
        };
        self.backend.gather_rows(&s, table, idx, &mut dst)?;
        Ok(dst)
    }

    /// The K flat parameter vectors (a readback).
    pub async fn params(&self) -> Result<Vec<Vec<f64>>> {
        self.unstack(|s| &s.param).await
    }

    /// The K gradient vectors of the last backward pass (a readback, for tests); frozen
    /// segments' are zero.
    pub async fn grads(&self) -> Result<Vec<Vec<f64>>> {
        self.unstack(|s| &s.grad).await
    }

    /// Read one buffer of every segment and split it into K flat vectors.
    async fn unstack(&self, pick: fn(&SegmentBuffers<B>) -> &B::Buffer) -> Result<Vec<Vec<f64>>> {
        let mut out = vec![vec![0.0; self.arch.param_count()]; self.k];
        for s in &self.segs {
            let stacked = self.backend.read(pick(s)).await?;
            let len = s.segment.len();
            for (b, p) in out.iter_mut().enumerate() {
                for (dst, v) in p[s.segment.range()]
                    .iter_mut()
                    .zip(&stacked[b * len..(b + 1) * len])
                {
                    *dst = *v as f64;
                }
            }
        }
        Ok(out)
    }
}

/// K tables of different row counts stacked into K × max_rows × cols (zero padded), with the
/// row counts as f32.
fn stack<B: Backend>(
    backend: &B,
    tables: &[&[f64]],
    cols: usize,
) -> Result<(B::Buffer, B::Buffer, usize)> {
    let rows: Vec<usize> = tables.iter().map(|t| t.len() / cols).collect();
    let max = rows.iter().copied().max().unwrap_or(0).max(1);
    let mut flat = vec![0.0f32; tables.len() * max * cols];
    for (b, t) in tables.iter().enumerate() {
        for (dst, v) in flat[b * max * cols..].iter_mut().zip(t.iter()) {
            *dst = *v as f32;
        }
    }
    let counts: Vec<f32> = rows.iter().map(|r| *r as f32).collect();
    Ok((backend.upload(&flat)?, backend.upload(&counts)?, max))
}

/// Train K networks at once: the loop of [`super::train`] (mini-batches, Adam with the cosine
/// schedule, decoupled weight decay, best validation weights per model, divergence per model,
/// cancellation) on a backend. `params` holds the K starting vectors and receives the kept
/// ones. Reads back only at evaluation points: K losses, and the parameters when a model
/// improved.
pub async fn train_batched<B: Backend>(
    backend: &B,
    arch: &Arch,
    params: &mut [Vec<f64>],
    trainable: &dyn Fn(Role) -> bool,
    data: &[ModelData<'_>],
    opts: &super::TrainOpts,
    cancel: &super::Cancel,
) -> Result<Vec<super::TrainReport>> {
    let k = params.len();
    let d = arch.d;
    if data.len() != k
        || data
            .iter()
            .any(|m| m.y.is_empty() || m.x.len() != m.y.len() * d)
    {
        return Err(Error::Shape(format!(
            "train_batched: {k} models need {k} non-empty tables of rows × {d}"
        )));
    }
    super::check_opts(opts)?;
    if backend.has_fused() && super::fused::fits(backend, arch, trainable, data, opts)? {
        return super::fused::train_fused(backend, arch, params, trainable, data, opts, cancel)
            .await;
    }
    let mut net = BatchedNet::new(backend, arch, params, trainable)?;
    let xs: Vec<&[f64]> = data.iter().map(|m| m.x).collect();
    let ys: Vec<&[f64]> = data.iter().map(|m| m.y).collect();
    let (x, _, n_max) = stack(backend, &xs, d)?;
    let (y, _, _) = stack(backend, &ys, 1)?;
    // Validation tables (the training tables where a model has none).
    let vxs: Vec<&[f64]> = data.iter().map(|m| m.val.map_or(m.x, |v| v.0)).collect();
    let vys: Vec<&[f64]> = data.iter().map(|m| m.val.map_or(m.y, |v| v.1)).collect();
    let (vx_table, vcounts, v_max) = stack(backend, &vxs, d)?;
    let (vy, _, _) = stack(backend, &vys, 1)?;
    let vx_flat = backend.read(&vx_table).await?;

    let mut order = BatchOrder::new(data, opts.batch);
    let batch = order.batch;
    let batch_counts = backend.upload(&vec![batch as f32; k])?;

    // With the extractor frozen (an adapter, a head), its features of the training and
    // validation tables are computed once, and every step gathers and trains from them:
    // the same numbers, since each row's features depend on that row alone.
    let frozen = !net.learns_at_or_below(arch.depth);
    let (table, vtable, cols) = match frozen {
        true => (
            net.features(x, n_max)?,
            Some(net.features(backend.upload(&vx_flat)?, v_max)?),
            arch.k,
        ),
        false => (x, None, d),
    };
    let evaluate = |net: &BatchedNet<B>| -> Result<B::Buffer> {
        let f = match &vtable {
            Some(vz) => {
                let len = k * v_max * arch.k;
                let mut z = backend.zeros(len)?;
                backend.copy(vz, 0, &mut z, 0, len)?;
                net.forward_from_features(z, v_max)?
            }
            None => net.forward(backend.upload(&vx_flat)?, v_max)?,
        };
        Ok(net.loss(&f, &vy, &vcounts)?.1)
    };
    let mut reports = starting_reports(&backend.read(&evaluate(&net)?).await?);
    let mut best: Vec<Vec<f64>> = params.to_vec();
    let mut idx = vec![0.0f32; k * batch];
    for t in 1..=opts.steps {
        if cancel.is_cancelled() {
            reports.iter_mut().for_each(|r| r.cancelled = true);
            break;
        }
        order.next(&mut idx);
        let idx_buf = backend.upload(&idx)?;
        let bx = net.gather(&table, &idx_buf, n_max, batch, cols)?;
        let by = net.gather(&y, &idx_buf, n_max, batch, 1)?;
        let f = match frozen {
            true => net.forward_from_features(bx, batch)?,
            false => net.forward(bx, batch)?,
        };
        let (dout, _) = net.loss(&f, &by, &batch_counts)?;
        net.backward(&f, &dout)?;
        let eta =
            opts.lr * 0.5 * (1.0 + (std::f64::consts::PI * t as f64 / opts.steps as f64).cos());
        net.step(&crate::backend::AdamStep {
            t: t as u32,
            lr: eta as f32,
            weight_decay: opts.weight_decay as f32,
        })?;
        reports
            .iter_mut()
            .filter(|r| r.diverged_at.is_none())
            .for_each(|r| r.steps = t);
        if t % opts.eval_every.max(1) == 0 || t == opts.steps {
            let losses = backend.read(&evaluate(&net)?).await?;
            if improvements(&mut reports, &losses, t).contains(&true) {
                let now = net.params().await?;
                for ((r, l), (keep, p)) in reports
                    .iter_mut()
                    .zip(&losses)
                    .zip(best.iter_mut().zip(now))
                {
                    let l = *l as f64;
                    if r.diverged_at.is_none() && l < r.best_loss && p.iter().all(|v| v.is_finite())
                    {
                        r.best_loss = l;
                        r.best_step = t;
                        *keep = p;
                    }
                }
            }
        }
    }
    params.clone_from_slice(&best);
    Ok(reports)
}

//! The compute seam: one [`Backend`] trait, a CPU implementation ([`cpu`]), a wgpu
//! implementation ([`wgpu`], WebGPU in the browser, Vulkan/Metal/DX12 natively), and a naive
//! f64 oracle ([`reference`](mod@reference)) that the shared [`conformance`] suite checks
//! both against.
//!
//! Backends work on batches of K same-shaped small models at once, so every primitive is
//! batched. Primitives so far:
//!
//! - **batched matmul** ([`MatmulSpec`]): for b in 0..batch, C_b = op(A_b) · op(B_b) (+ C_b
//!   when `accumulate`), where op(X) = X or Xᵀ. Row-major storage: A_b is m×k (k×m when
//!   `trans_a`), B_b is k×n (n×k when `trans_b`), C_b is m×n; the batch index is the slowest.
//! - the training primitives of [`ops`], on batches of K row-major tables: bias + activation,
//!   ReLU backward, column sums, MSE gradient with per-model row counts, Adam, row gather.
//!
//! Where a GPU fails mid-sweep, [`fallback`] moves the sweep's remaining units to the CPU.
//!
//! Readback is async (`read`): the browser can only map GPU buffers from its event loop.
//! Natively the futures are driven by `pollster`.

pub mod conformance;
pub mod cpu;
pub mod fallback;
pub mod fma_gemm;
pub mod fused;
pub mod ops;
pub mod reference;
pub mod wgpu;

use serde::Serialize;

use crate::error::{Error, Result};
pub use crate::model::Act;
pub use fused::{FusedBuffers, FusedPlan, FusedShape, Keep};
pub use ops::{AdamStep, Gather, Rows};

/// Shape of a batched matmul C_b = op(A_b) · op(B_b), b = 0..batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MatmulSpec {
    /// Number of independent products K.
    pub batch: usize,
    /// Rows of op(A) and C.
    pub m: usize,
    /// Columns of op(A) = rows of op(B).
    pub k: usize,
    /// Columns of op(B) and C.
    pub n: usize,
    /// A_b is stored k×m and used transposed.
    pub trans_a: bool,
    /// B_b is stored n×k and used transposed.
    pub trans_b: bool,
    /// Add the product to C instead of overwriting it.
    pub accumulate: bool,
}

impl MatmulSpec {
    /// C = A·B for `batch` products of m×k by k×n, no transposes, overwriting C.
    pub fn new(batch: usize, m: usize, k: usize, n: usize) -> Self {
        MatmulSpec {
            batch,
            m,
            k,
            n,
            trans_a: false,
            trans_b: false,
            accumulate: false,
        }
    }

    /// The same with op(A) = Aᵀ and/or op(B) = Bᵀ.
    pub fn transposed(self, trans_a: bool, trans_b: bool) -> Self {
        MatmulSpec {
            trans_a,
            trans_b,
            ..self
        }
    }

    /// The same, adding to C.
    pub fn accumulating(self) -> Self {
        MatmulSpec {
            accumulate: true,
            ..self
        }
    }

    /// Elements of A (all batches).
    pub fn a_len(&self) -> usize {
        self.batch * self.m * self.k
    }
    /// Elements of B (all batches).
    pub fn b_len(&self) -> usize {
        self.batch * self.k * self.n
    }
    /// Elements of C (all batches).
    pub fn c_len(&self) -> usize {
        self.batch * self.m * self.n
    }

    /// Fail with a one-line shape error unless every dimension is ≥ 1, the element counts
    /// fit in u32 (GPU indexing), and the buffers have exactly the needed lengths.
    pub fn check(&self, a: usize, b: usize, c: usize) -> Result<()> {
        if self.batch == 0 || self.m == 0 || self.k == 0 || self.n == 0 {
            return Err(Error::Shape(format!(
                "matmul dimensions must be ≥ 1, got {self:?}"
            )));
        }
        let biggest = [self.a_len(), self.b_len(), self.c_len()]
            .into_iter()
            .max()
            .unwrap_or(0);
        let overflow = [
            self.batch.checked_mul(self.m),
            self.batch.checked_mul(self.k),
            self.m.checked_mul(self.k),
            self.k.checked_mul(self.n),
            self.m.checked_mul(self.n),
        ]
        .contains(&None);
        if overflow || biggest > u32::MAX as usize {
            return Err(Error::Limit(format!(
                "matmul {self:?} has more than 2^32 elements in one operand"
            )));
        }
        let want = (self.a_len(), self.b_len(), self.c_len());
        if (a, b, c) != want {
            return Err(Error::Shape(format!(
                "matmul {}x{}x{} (batch {}) needs A, B, C of {:?} elements, got {:?}",
                self.m,
                self.k,
                self.n,
                self.batch,
                want,
                (a, b, c)
            )));
        }
        Ok(())
    }
}

/// A compute device holding f32 buffers.
///
/// The async methods are driven on one thread (the browser's event loop, or `pollster`
/// natively), so their futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// A device buffer of f32.
    type Buffer;

    /// One line naming the device, e.g. `CPU (matrixmultiply)` or `WebGPU: <adapter>`.
    fn describe(&self) -> String;

    /// Copy host data to a new device buffer.
    fn upload(&self, data: &[f32]) -> Result<Self::Buffer>;

    /// A new zero-filled buffer of `len` elements.
    fn zeros(&self, len: usize) -> Result<Self::Buffer>;

    /// Batched C_b = op(A_b) · op(B_b) (see [`MatmulSpec`]); overwrites `c`.
    fn matmul(
        &self,
        spec: &MatmulSpec,
        a: &Self::Buffer,
        b: &Self::Buffer,
        c: &mut Self::Buffer,
    ) -> Result<()>;

    /// Copy a device buffer back to the host, waiting for queued work.
    async fn read(&self, buf: &Self::Buffer) -> Result<Vec<f32>>;

    /// x ← x + bias (per model, broadcast over rows); out ← act(x). See [`ops`].
    fn bias_act(
        &self,
        s: &Rows,
        x: &mut Self::Buffer,
        bias: &Self::Buffer,
        out: &mut Self::Buffer,
        act: Act,
    ) -> Result<()>;

    /// δ ← δ · act'(pre) ([`Act::slope`]).
    fn act_backward(
        &self,
        s: &Rows,
        delta: &mut Self::Buffer,
        pre: &Self::Buffer,
        act: Act,
    ) -> Result<()>;

    /// out_b,c ← Σ_r x_b,r,c.
    fn col_sums(&self, s: &Rows, x: &Self::Buffer, out: &mut Self::Buffer) -> Result<()>;

    /// Per-model MSE over the first counts_b rows: gradient δ (K×rows) and loss (K).
    fn mse_grad(
        &self,
        s: &Rows,
        out: &Self::Buffer,
        y: &Self::Buffer,
        counts: &Self::Buffer,
        dout: &mut Self::Buffer,
        loss: &mut Self::Buffer,
    ) -> Result<()>;

    /// One Adam step over every element of p (with its gradient and moments).
    fn adam(
        &self,
        step: &AdamStep,
        p: &mut Self::Buffer,
        g: &Self::Buffer,
        m: &mut Self::Buffer,
        v: &mut Self::Buffer,
    ) -> Result<()>;

    /// dst_b,r,: ← src_b,idx_b,r,: (indices stored as f32, exact below 2^24).
    fn gather_rows(
        &self,
        s: &Gather,
        src: &Self::Buffer,
        idx: &Self::Buffer,
        dst: &mut Self::Buffer,
    ) -> Result<()>;

    /// dst[dst_at..dst_at + len] ← src[src_at..src_at + len].
    fn copy(
        &self,
        src: &Self::Buffer,
        src_at: usize,
        dst: &mut Self::Buffer,
        dst_at: usize,
        len: usize,
    ) -> Result<()>;

    /// Start the work recorded so far without waiting for it (a no-op where work runs at
    /// once).
    fn flush(&self) {}

    /// Largest buffer, in f32 elements, that one kernel can bind.
    fn max_buffer_len(&self) -> usize {
        usize::MAX
    }

    /// Whether this backend runs the fused training program of [`fused`] (one kernel for
    /// whole training steps); the others train by composing the primitives above.
    fn has_fused(&self) -> bool {
        false
    }

    /// Loop iterations one kernel invocation may run in all, where the driver silently
    /// stops an invocation's loops past a budget (Mesa's lavapipe: 65535 shared by all
    /// loops); `None` where loops run to the end. Work per dispatch is sized to stay under it.
    fn loop_budget(&self) -> Option<u64> {
        None
    }

    /// Run `steps` fused training steps numbered t0 + 1 … t0 + steps; `idx` holds each
    /// model's mini-batch rows for every step (K × steps × b, as f32).
    fn fused_train(
        &self,
        plan: &FusedPlan,
        bufs: &mut FusedBuffers<Self::Buffer>,
        t0: usize,
        steps: usize,
        idx: &[f32],
    ) -> Result<()> {
        let _ = (plan, bufs, t0, steps, idx);
        Err(Error::Gpu(format!(
            "{} has no fused trainer",
            self.describe()
        )))
    }

    /// Copy between the models' parameters and their kept slots in `bufs.best` ([`Keep`]),
    /// in one dispatch whatever K.
    fn fused_keep(
        &self,
        plan: &FusedPlan,
        bufs: &mut FusedBuffers<Self::Buffer>,
        keep: Keep<'_>,
    ) -> Result<()> {
        let _ = (plan, bufs, keep);
        Err(Error::Gpu(format!(
            "{} has no fused trainer",
            self.describe()
        )))
    }

    /// Drop what the backend keeps for the fused run that just ended.
    fn fused_finish(&self) {}

    /// Device time of the passes recorded since the last call (or since timing was switched
    /// on), in seconds, where the device measures it (wgpu with timestamp queries, while
    /// [`wgpu::GpuBackend::time_passes`] is on); `None` elsewhere. For benchmarks: it
    /// separates time on the device from time on the host.
    async fn device_seconds(&self) -> Result<Option<f64>> {
        Ok(None)
    }

    /// Write each model's validation loss into `bufs.loss`.
    fn fused_eval(&self, plan: &FusedPlan, bufs: &mut FusedBuffers<Self::Buffer>) -> Result<()> {
        let _ = (plan, bufs);
        Err(Error::Gpu(format!(
            "{} has no fused trainer",
            self.describe()
        )))
    }
}

/// Which device a page or CLI run computes on, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeviceReport {
    /// Whether a GPU opened and passed the self-check.
    pub gpu: bool,
    /// Whether sweeps train on it: not under `backend=auto` when it is a software adapter
    /// (lavapipe, SwiftShader), which is slower than the CPU kernels.
    pub sweeps_on_gpu: bool,
    /// `WebGPU: <adapter>` / `Vulkan: <adapter>` (with where sweeps run when that is the
    /// CPU), or `CPU fallback: <reason>`.
    pub line: String,
}

/// Pick the device for `choice`: the GPU when one opens and passes a small matmul
/// self-check (unless `cpu` was asked for), otherwise the CPU with the reason.
pub async fn probe_device(choice: crate::config::BackendChoice) -> DeviceReport {
    use crate::config::BackendChoice;
    let fallback = |why: String| DeviceReport {
        gpu: false,
        sweeps_on_gpu: false,
        line: format!("CPU fallback: {why}"),
    };
    if choice == BackendChoice::Cpu {
        return fallback("backend=cpu was requested".into());
    }
    let gpu = match wgpu::GpuBackend::new().await {
        Ok(g) => g,
        Err(e) => return fallback(e.to_string()),
    };
    if let Err(e) = self_check(&gpu).await {
        return fallback(format!("{} failed its self-check ({e})", gpu.describe()));
    }
    let sweeps_on_gpu = sweeps_take(choice, &gpu);
    let mut line = gpu.describe();
    if let Some(budget) = gpu.loop_budget() {
        line += &format!(
            " (its loops stop after {budget} passes per invocation: GPU work is split to fit)"
        );
    }
    if !sweeps_on_gpu {
        line += "; sweeps run on the CPU, faster than a software adapter (backend=gpu uses it)";
    }
    DeviceReport {
        gpu: true,
        sweeps_on_gpu,
        line,
    }
}

/// Whether a sweep under `choice` trains on `gpu`: `gpu` insists on it; `auto` takes it only
/// when it is hardware (a software adapter such as lavapipe or SwiftShader is slower than
/// the CPU kernels).
fn sweeps_take(choice: crate::config::BackendChoice, gpu: &wgpu::GpuBackend) -> bool {
    use crate::config::BackendChoice;
    match choice {
        BackendChoice::Cpu => false,
        BackendChoice::Gpu => true,
        BackendChoice::Auto => !gpu.is_software(),
    }
}

/// The GPU a sweep under `choice` trains on (`None`: the CPU kernels). `backend=gpu` with no
/// working GPU is an error; `auto` falls back quietly ([`probe_device`] says why).
pub async fn gpu_for_sweeps(
    choice: crate::config::BackendChoice,
) -> Result<Option<wgpu::GpuBackend>> {
    use crate::config::BackendChoice;
    let gpu = match choice {
        BackendChoice::Cpu => return Ok(None),
        BackendChoice::Gpu => wgpu::GpuBackend::new().await?,
        BackendChoice::Auto => match wgpu::GpuBackend::new().await {
            Ok(g) => g,
            Err(_) => return Ok(None),
        },
    };
    Ok(Some(gpu).filter(|g| sweeps_take(choice, g)))
}

/// A 2×3 · 3×2 product with a known answer: `[[1,2,3],[4,5,6]]·[[1,0],[0,1],[1,1]]` =
/// `[[4,5],[10,11]]`.
pub async fn self_check<B: Backend>(backend: &B) -> Result<()> {
    let spec = MatmulSpec::new(1, 2, 3, 2);
    let a = backend.upload(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
    let b = backend.upload(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0])?;
    let mut c = backend.zeros(4)?;
    backend.matmul(&spec, &a, &b, &mut c)?;
    let got = backend.read(&c).await?;
    if got == [4.0, 5.0, 10.0, 11.0] {
        Ok(())
    } else {
        Err(Error::Gpu(format!(
            "self-check gave {got:?}, want [4, 5, 10, 11]"
        )))
    }
}

//! The wgpu backend: WebGPU in the browser, Vulkan/Metal/DX12 natively (Vulkan on the Mesa
//! lavapipe driver in CI). One compute pipeline per kernel in `shaders/` (the elementwise
//! kernels end with the dispatch they share, `grid.wgsl`), created once when the backend is
//! made.
//!
//! Modules: `pipelines` (the shaders, their pipelines and bind group layouts), `submission`
//! (every dispatch into one pending encoder, one submit per readback; counters, pass timing,
//! errors), `fused` (dispatches of the fused training kernel); this file opens the device and
//! implements [`Backend`] (buffers, the composed primitives, the fused run's entry points).
//!
//! Errors: wgpu reports validation failures and device loss through callbacks; both are
//! recorded and turned into `Error::Gpu` at the next `read`, never a panic.

#[cfg(target_arch = "wasm32")]
mod browser;
mod fused;
mod pipelines;
mod submission;

pub use pipelines::{PARTS, SHADERS};
pub use submission::Counters;

use fused::FusedBinding;
use pipelines::{kernel, FusedKernel, Kernel, Kernels, THREADS, TILE};
use submission::{Timing, TIMED_PASSES};

use std::sync::{Arc, Mutex};

use super::fused::{FusedBuffers, FusedPlan, Keep};
use super::ops::{check, AdamStep, Gather, Rows};
use super::{Act, Backend, MatmulSpec};
use crate::error::{Error, Result};

/// The APIs to look for adapters on.
#[cfg(target_arch = "wasm32")]
const BACKENDS: ::wgpu::Backends = ::wgpu::Backends::BROWSER_WEBGPU;
#[cfg(not(target_arch = "wasm32"))]
const BACKENDS: ::wgpu::Backends = ::wgpu::Backends::PRIMARY;

/// Loop iterations the loop-budget probe asks for (a hardware GPU runs them in about a
/// millisecond; a budget above this counts as none).
const LOOP_PROBE: u32 = 1 << 20;

/// A GPU buffer of `len` f32.
#[derive(Debug)]
pub struct GpuBuffer {
    buf: ::wgpu::Buffer,
    len: usize,
}

impl GpuBuffer {
    /// Elements held.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether it holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A wgpu device with the compiled kernels.
pub struct GpuBackend {
    device: ::wgpu::Device,
    queue: ::wgpu::Queue,
    matmul: ::wgpu::ComputePipeline,
    matmul_layout: ::wgpu::BindGroupLayout,
    kernels: Kernels,
    /// Compiled on first use (it is large, and most backends never train).
    fused: std::cell::OnceCell<FusedKernel>,
    fused_binding: std::cell::RefCell<Option<FusedBinding>>,
    /// Commands recorded since the last submit: every dispatch goes here, and one submit per
    /// readback (or per [`MAX_PENDING`](submission::MAX_PENDING) dispatches) sends them all.
    pending: std::cell::RefCell<Option<::wgpu::CommandEncoder>>,
    counters: std::cell::Cell<Counters>,
    /// Fault injection: destroy the device when the dispatch count reaches this.
    lose_at: std::cell::Cell<Option<u64>>,
    /// Fault injection: a smaller largest buffer than the device's (floats).
    buffer_cap: std::cell::Cell<Option<usize>>,
    /// Pass timing, where the device has timestamp queries.
    timing: Option<Timing>,
    info: String,
    software: bool,
    /// What `loop_probe.wgsl` found ([`Backend::loop_budget`]).
    loop_budget: Option<u64>,
    limits: ::wgpu::Limits,
    errors: Arc<Mutex<Vec<String>>>,
}

/// `name (driver, backend)` with the empty parts left out (browsers may hide the name).
fn describe_adapter(info: &::wgpu::AdapterInfo) -> String {
    let mut name = info.name.trim().to_string();
    let details: Vec<&str> = [info.driver.trim(), info.driver_info.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if name.is_empty() {
        name = format!(
            "{:?} adapter (vendor {:#06x})",
            info.device_type, info.vendor
        );
    }
    if details.is_empty() {
        name
    } else {
        format!("{name} ({})", details.join(", "))
    }
}

/// The API the adapter speaks, as users know it.
fn api_name(backend: ::wgpu::Backend) -> &'static str {
    match backend {
        ::wgpu::Backend::BrowserWebGpu => "WebGPU",
        ::wgpu::Backend::Vulkan => "Vulkan",
        ::wgpu::Backend::Metal => "Metal",
        ::wgpu::Backend::Dx12 => "DX12",
        _ => "GPU",
    }
}

impl GpuBackend {
    /// Find an adapter and open a device; `Error::NoGpu` says why when there is none.
    pub async fn new() -> Result<Self> {
        let instance = ::wgpu::Instance::new(::wgpu::InstanceDescriptor {
            backends: BACKENDS,
            ..::wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapter = instance
            .request_adapter(&::wgpu::RequestAdapterOptions {
                power_preference: ::wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::NoGpu(format!("no adapter ({e})")))?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        // Timestamp queries only serve the benchmarks' device-time column: taken when offered.
        let features = adapter.features() & ::wgpu::Features::TIMESTAMP_QUERY;
        let (device, queue) = adapter
            .request_device(&::wgpu::DeviceDescriptor {
                label: Some("caulk"),
                required_limits: limits.clone(),
                required_features: features,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::NoGpu(format!("adapter {} refused a device ({e})", info.name)))?;

        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: ::wgpu::Error| {
            if let Ok(mut v) = sink.lock() {
                v.push(e.to_string().lines().next().unwrap_or("error").to_string());
            }
        }));
        let lost = errors.clone();
        device.set_device_lost_callback(move |reason, msg| {
            if let Ok(mut v) = lost.lock() {
                v.push(format!("device lost ({reason:?}): {msg}"));
            }
        });

        let name = describe_adapter(&info);
        // Browsers hide the adapter's name from wgpu; ask GPUAdapterInfo directly.
        #[cfg(target_arch = "wasm32")]
        let name = match info.name.trim().is_empty() {
            true => browser::adapter_label().await.unwrap_or(name),
            false => name,
        };

        let Kernel {
            pipeline: matmul,
            layout: matmul_layout,
        } = kernel(&device, "matmul.wgsl", &[true, true, false]);
        // read_only flags of each kernel's storage bindings 1, 2, ….
        let kernels = Kernels {
            bias_act: kernel(&device, "bias_act.wgsl", &[false, true, false]),
            act_backward: kernel(&device, "act_backward.wgsl", &[false, true]),
            col_sums: kernel(&device, "col_sums.wgsl", &[true, false]),
            mse_grad: kernel(&device, "mse_grad.wgsl", &[true, true, true, false, false]),
            adam: kernel(&device, "adam.wgsl", &[false, true, false, false]),
            gather_rows: kernel(&device, "gather_rows.wgsl", &[true, true, false]),
        };
        let timing = features
            .contains(::wgpu::Features::TIMESTAMP_QUERY)
            .then(|| Timing {
                set: device.create_query_set(&::wgpu::QuerySetDescriptor {
                    label: Some("pass times"),
                    ty: ::wgpu::QueryType::Timestamp,
                    count: 2 * TIMED_PASSES,
                }),
                resolve: device.create_buffer(&::wgpu::BufferDescriptor {
                    label: Some("pass times"),
                    size: 16 * TIMED_PASSES as u64,
                    usage: ::wgpu::BufferUsages::QUERY_RESOLVE | ::wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }),
                passes: std::cell::Cell::new(None),
                overflow: std::cell::Cell::new(false),
                period_ns: queue.get_timestamp_period() as f64,
            });
        let mut backend = GpuBackend {
            device,
            queue,
            matmul,
            matmul_layout,
            kernels,
            fused: std::cell::OnceCell::new(),
            fused_binding: std::cell::RefCell::new(None),
            pending: std::cell::RefCell::new(None),
            counters: std::cell::Cell::new(Counters::default()),
            lose_at: std::cell::Cell::new(None),
            buffer_cap: std::cell::Cell::new(None),
            timing,
            // Browsers report no device type; their label says when the adapter is a
            // fallback (SwiftShader).
            software: info.device_type == ::wgpu::DeviceType::Cpu
                || name.contains("software fallback")
                || name.to_lowercase().contains("swiftshader"),
            info: format!("{}: {name}", api_name(info.backend)),
            loop_budget: None,
            limits,
            errors,
        };
        backend.loop_budget = backend.probe_loop_budget().await?;
        Ok(backend)
    }

    /// The loop iterations one invocation may run in all: a loop of [`LOOP_PROBE`]
    /// iterations on the device (`loop_probe.wgsl`) says how many ran; `None` when all did.
    async fn probe_loop_budget(&self) -> Result<Option<u64>> {
        let probe = kernel(&self.device, "loop_probe.wgsl", &[false]);
        let out = self.zeros(1)?;
        self.launch(&probe, [LOOP_PROBE, 0, 0, 0, 0, 0, 0, 0], &[&out.buf], 1)?;
        // The kernel writes a u32: its bits come back as one f32.
        let ran = self.read(&out).await?.first().map_or(0, |v| v.to_bits());
        Ok((ran < LOOP_PROBE).then_some(u64::from(ran)))
    }

    /// Fault injection for tests and the page's fault drill: destroy the device (as a driver
    /// reset or `GPUDevice.destroy()` would) after `dispatches` more dispatches; 0 destroys
    /// it now. Every later operation fails with `Error::Gpu`.
    pub fn lose_device_after(&self, dispatches: u64) {
        if dispatches == 0 {
            self.device.destroy();
        } else {
            self.lose_at
                .set(Some(self.counters.get().dispatches + dispatches));
        }
    }

    /// Fault injection for tests: act as a device whose largest buffer holds `floats` f32
    /// values (runs bigger than that are refused with `Error::Limit`, as on a small GPU).
    pub fn cap_buffers(&self, floats: usize) {
        self.buffer_cap.set(Some(floats));
    }

    /// Whether the adapter is a software rasteriser (lavapipe, SwiftShader, WARP).
    pub fn is_software(&self) -> bool {
        self.software
    }

    /// A kernel whose invocations each run `passes` loop passes (their leaving tests
    /// included) must stay within the driver's loop budget: past it, its loops stop
    /// silently and the results are wrong.
    fn check_loops(&self, what: &str, passes: usize) -> Result<()> {
        match self.loop_budget {
            Some(budget) if passes as u64 > budget => Err(Error::Limit(format!(
                "{what}: {passes} loop passes per invocation, the GPU driver stops loops after {budget}"
            ))),
            _ => Ok(()),
        }
    }

    fn check_binding(&self, what: &str, len: usize) -> Result<()> {
        let bytes = (len as u64) * 4;
        let max = self.limits.max_storage_buffer_binding_size;
        if bytes > max {
            return Err(Error::Limit(format!(
                "{what} needs {bytes} bytes, the device binds at most {max}"
            )));
        }
        Ok(())
    }
}

impl GpuBackend {
    /// Run `k` with the 8-word uniform `params` over `threads` threads (2-D grid of 256-thread
    /// workgroups) with `buffers` bound at 1, 2, ….
    fn launch(
        &self,
        k: &Kernel,
        params: [u32; 8],
        buffers: &[&::wgpu::Buffer],
        threads: usize,
    ) -> Result<()> {
        if threads == 0 {
            return Ok(());
        }
        let max = self.limits.max_compute_workgroups_per_dimension as usize;
        let groups = threads.div_ceil(THREADS);
        let (gx, gy) = (groups.min(max), groups.div_ceil(max));
        if gy > max {
            return Err(Error::Limit(format!(
                "{threads} threads exceed the device's {max}×{max} workgroups"
            )));
        }
        let bind = self.bind_group("kernel", &k.layout, bytemuck::cast_slice(&params), buffers);
        self.record("kernel", &k.pipeline, &[&bind], (gx as u32, gy as u32, 1));
        Ok(())
    }
}

/// Uniform block of `matmul.wgsl` (8 × u32 = 32 bytes).
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct MatmulParams {
    batch: u32,
    m: u32,
    k: u32,
    n: u32,
    trans_a: u32,
    trans_b: u32,
    accumulate: u32,
    pad: u32,
}

const STORAGE: ::wgpu::BufferUsages = ::wgpu::BufferUsages::STORAGE
    .union(::wgpu::BufferUsages::COPY_SRC)
    .union(::wgpu::BufferUsages::COPY_DST);

impl Backend for GpuBackend {
    type Buffer = GpuBuffer;

    fn describe(&self) -> String {
        self.info.clone()
    }

    fn upload(&self, data: &[f32]) -> Result<GpuBuffer> {
        self.check_binding("buffer", data.len())?;
        if data.is_empty() {
            return self.zeros(0);
        }
        let buf = self.filled("data", bytemuck::cast_slice(data), STORAGE);
        Ok(GpuBuffer {
            buf,
            len: data.len(),
        })
    }

    fn zeros(&self, len: usize) -> Result<GpuBuffer> {
        self.check_binding("buffer", len)?;
        // wgpu zero-initialises new buffers. A binding may not be empty: keep ≥ 1 element.
        let buf = self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: None,
            size: (len.max(1) * 4) as u64,
            usage: STORAGE,
            mapped_at_creation: false,
        });
        Ok(GpuBuffer { buf, len })
    }

    fn matmul(
        &self,
        spec: &MatmulSpec,
        a: &GpuBuffer,
        b: &GpuBuffer,
        c: &mut GpuBuffer,
    ) -> Result<()> {
        spec.check(a.len, b.len, c.len)?;
        // matmul.wgsl: a loop over the k/TILE tiles, each with a loop over TILE.
        let tiles = spec.k.div_ceil(TILE);
        self.check_loops("matmul", tiles + 1 + tiles * (TILE + 1))?;
        let max_groups = self.limits.max_compute_workgroups_per_dimension as usize;
        let groups = (spec.n.div_ceil(TILE), spec.m.div_ceil(TILE), spec.batch);
        if groups.0 > max_groups || groups.1 > max_groups || groups.2 > max_groups {
            return Err(Error::Limit(format!(
                "matmul {spec:?} needs {groups:?} workgroups, the device allows {max_groups} per dimension"
            )));
        }
        let params = MatmulParams {
            batch: spec.batch as u32,
            m: spec.m as u32,
            k: spec.k as u32,
            n: spec.n as u32,
            trans_a: spec.trans_a as u32,
            trans_b: spec.trans_b as u32,
            accumulate: spec.accumulate as u32,
            pad: 0,
        };
        let bind = self.bind_group(
            "matmul",
            &self.matmul_layout,
            bytemuck::bytes_of(&params),
            &[&a.buf, &b.buf, &c.buf],
        );
        self.record(
            "matmul",
            &self.matmul,
            &[&bind],
            (groups.0 as u32, groups.1 as u32, groups.2 as u32),
        );
        Ok(())
    }

    fn bias_act(
        &self,
        s: &Rows,
        x: &mut GpuBuffer,
        bias: &GpuBuffer,
        out: &mut GpuBuffer,
        act: Act,
    ) -> Result<()> {
        check::bias_act(s, x.len, bias.len, out.len)?;
        let p = [
            s.batch as u32,
            s.rows as u32,
            s.cols as u32,
            act.code(),
            0,
            0,
            0,
            0,
        ];
        self.launch(
            &self.kernels.bias_act,
            p,
            &[&x.buf, &bias.buf, &out.buf],
            s.len(),
        )
    }

    fn act_backward(
        &self,
        s: &Rows,
        delta: &mut GpuBuffer,
        pre: &GpuBuffer,
        act: Act,
    ) -> Result<()> {
        check::act_backward(s, delta.len, pre.len)?;
        let p = [s.len() as u32, act.code(), 0, 0, 0, 0, 0, 0];
        self.launch(
            &self.kernels.act_backward,
            p,
            &[&delta.buf, &pre.buf],
            s.len(),
        )
    }

    fn col_sums(&self, s: &Rows, x: &GpuBuffer, out: &mut GpuBuffer) -> Result<()> {
        check::col_sums(s, x.len, out.len)?;
        self.check_loops("column sums", s.rows + 1)?;
        let p = [s.batch as u32, s.rows as u32, s.cols as u32, 0, 0, 0, 0, 0];
        self.launch(
            &self.kernels.col_sums,
            p,
            &[&x.buf, &out.buf],
            s.batch * s.cols,
        )
    }

    fn mse_grad(
        &self,
        s: &Rows,
        out: &GpuBuffer,
        y: &GpuBuffer,
        counts: &GpuBuffer,
        dout: &mut GpuBuffer,
        loss: &mut GpuBuffer,
    ) -> Result<()> {
        check::mse_grad(s, out.len, y.len, counts.len, dout.len, loss.len)?;
        self.check_loops("MSE", s.rows + 1)?;
        let p = [s.batch as u32, s.rows as u32, 0, 0, 0, 0, 0, 0];
        self.launch(
            &self.kernels.mse_grad,
            p,
            &[&out.buf, &y.buf, &counts.buf, &dout.buf, &loss.buf],
            s.batch,
        )
    }

    fn adam(
        &self,
        step: &AdamStep,
        p: &mut GpuBuffer,
        g: &GpuBuffer,
        m: &mut GpuBuffer,
        v: &mut GpuBuffer,
    ) -> Result<()> {
        check::adam(p.len, g.len, m.len, v.len)?;
        let (c1, c2) = step.corrections();
        let params = [
            p.len as u32,
            0,
            0,
            0,
            step.lr.to_bits(),
            step.weight_decay.to_bits(),
            c1.to_bits(),
            c2.to_bits(),
        ];
        self.launch(
            &self.kernels.adam,
            params,
            &[&p.buf, &g.buf, &m.buf, &v.buf],
            p.len,
        )
    }

    fn gather_rows(
        &self,
        s: &Gather,
        src: &GpuBuffer,
        idx: &GpuBuffer,
        dst: &mut GpuBuffer,
    ) -> Result<()> {
        check::gather_rows(s, src.len, idx.len, dst.len)?;
        let p = [
            s.batch as u32,
            s.src_rows as u32,
            s.rows as u32,
            s.cols as u32,
            0,
            0,
            0,
            0,
        ];
        self.launch(
            &self.kernels.gather_rows,
            p,
            &[&src.buf, &idx.buf, &dst.buf],
            s.batch * s.rows * s.cols,
        )
    }

    fn copy(
        &self,
        src: &GpuBuffer,
        src_at: usize,
        dst: &mut GpuBuffer,
        dst_at: usize,
        len: usize,
    ) -> Result<()> {
        check::copy(src.len, src_at, dst.len, dst_at, len)?;
        if len > 0 {
            self.encode(|e| {
                e.copy_buffer_to_buffer(
                    &src.buf,
                    (src_at * 4) as u64,
                    &dst.buf,
                    (dst_at * 4) as u64,
                    (len * 4) as u64,
                )
            });
        }
        Ok(())
    }

    fn max_buffer_len(&self) -> usize {
        let device = (self
            .limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
            / 4) as usize;
        self.buffer_cap.get().map_or(device, |cap| cap.min(device))
    }

    fn has_fused(&self) -> bool {
        true
    }

    fn loop_budget(&self) -> Option<u64> {
        self.loop_budget
    }

    fn flush(&self) {
        if self.pending.borrow().is_some() {
            self.submit(None);
        }
    }

    fn fused_train(
        &self,
        plan: &FusedPlan,
        bufs: &mut FusedBuffers<GpuBuffer>,
        t0: usize,
        steps: usize,
        idx: &[f32],
    ) -> Result<()> {
        let want = plan.shape.k * steps * plan.shape.batch;
        if idx.len() != want || steps == 0 {
            return Err(Error::Shape(format!(
                "fused train: {steps} steps need {want} batch indices, got {}",
                idx.len()
            )));
        }
        self.fused_dispatch(plan, bufs, [0, t0 as u32, steps as u32], idx)
    }

    fn fused_eval(&self, plan: &FusedPlan, bufs: &mut FusedBuffers<GpuBuffer>) -> Result<()> {
        // Chunks of the validation tables, in as many dispatches as the loop budget asks.
        let (all, per) = (
            plan.eval_chunks(),
            plan.eval_chunks_per_dispatch(self.loop_budget),
        );
        if per == 0 {
            return Err(Error::Limit(format!(
                "width: one validation chunk of the fused kernel runs more loop passes than \
                 the GPU driver allows per invocation ({})",
                self.loop_budget.unwrap_or(0)
            )));
        }
        let mut first = 0;
        while first < all {
            let n = per.min(all - first);
            self.fused_dispatch(plan, bufs, [1, first as u32, n as u32], &[])?;
            first += n;
        }
        Ok(())
    }

    fn fused_keep(
        &self,
        plan: &FusedPlan,
        bufs: &mut FusedBuffers<GpuBuffer>,
        keep: Keep<'_>,
    ) -> Result<()> {
        match keep {
            Keep::Load => self.fused_dispatch(plan, bufs, [3, 0, 0], &[]),
            Keep::Save(flags) if flags.len() != plan.shape.k => Err(Error::Shape(format!(
                "fused keep: {} models need {} flags, got {}",
                plan.shape.k,
                plan.shape.k,
                flags.len()
            ))),
            // Nothing improved: no dispatch at all.
            Keep::Save(flags) if !flags.contains(&true) => Ok(()),
            Keep::Save(flags) => {
                let flags: Vec<f32> = flags.iter().map(|&f| f32::from(u8::from(f))).collect();
                self.fused_dispatch(plan, bufs, [2, 0, 0], &flags)
            }
        }
    }

    fn fused_finish(&self) {
        self.fused_binding.borrow_mut().take();
    }

    async fn read(&self, src: &GpuBuffer) -> Result<Vec<f32>> {
        self.take_errors()?;
        if src.len == 0 {
            return Ok(Vec::new());
        }
        let bytes = self.read_bytes(&src.buf, (src.len * 4) as u64).await?;
        // Copies, so the mapped bytes need not be 4-byte aligned.
        Ok(bytemuck::pod_collect_to_vec::<u8, f32>(&bytes))
    }

    async fn device_seconds(&self) -> Result<Option<f64>> {
        let Some(t) = &self.timing else {
            return Ok(None);
        };
        let Some(n) = t.passes.get() else {
            return Ok(None);
        };
        if t.overflow.get() {
            self.time_passes(true);
            return Err(Error::Limit(format!(
                "more than {TIMED_PASSES} passes timed between two reads"
            )));
        }
        if n == 0 {
            return Ok(Some(0.0));
        }
        self.encode(|e| e.resolve_query_set(&t.set, 0..2 * n, &t.resolve, 0));
        let bytes = self.read_bytes(&t.resolve, 16 * n as u64).await?;
        self.time_passes(true);
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(&bytes);
        // Each pass's end minus its start (a driver that reorders them counts as 0).
        let sum: u64 = ticks
            .chunks_exact(2)
            .map(|p| p[1].saturating_sub(p[0]))
            .sum();
        Ok(Some(sum as f64 * t.period_ns * 1e-9))
    }
}

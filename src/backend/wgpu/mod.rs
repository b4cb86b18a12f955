//! The wgpu backend: WebGPU in the browser, Vulkan/Metal/DX12 natively (Vulkan on the Mesa
//! lavapipe driver in CI). One compute pipeline per `.wgsl` file in `shaders/`, created once
//! when the backend is made.
//!
//! Submission: every dispatch is recorded into one pending command encoder; a readback
//! submits everything before it in one go (and a submit is forced every 512 dispatches), so a
//! training step costs no submit of its own. [`GpuBackend::counters`] counts dispatches,
//! submits and readbacks.
//!
//! Errors: wgpu reports validation failures and device loss through callbacks; both are
//! recorded and turned into `Error::Gpu` at the next `read`, never a panic.

#[cfg(target_arch = "wasm32")]
mod browser;

use std::sync::{Arc, Mutex};

use super::fused::{FusedBuffers, FusedPlan, Keep};
use super::ops::{check, AdamStep, Gather, Rows};
use super::{Backend, MatmulSpec};
use crate::error::{Error, Result};

/// Every shader, by file name, for the backend and the naga validation test.
pub const SHADERS: &[(&str, &str)] = &[
    ("matmul.wgsl", include_str!("shaders/matmul.wgsl")),
    ("bias_act.wgsl", include_str!("shaders/bias_act.wgsl")),
    (
        "relu_backward.wgsl",
        include_str!("shaders/relu_backward.wgsl"),
    ),
    ("col_sums.wgsl", include_str!("shaders/col_sums.wgsl")),
    ("mse_grad.wgsl", include_str!("shaders/mse_grad.wgsl")),
    ("adam.wgsl", include_str!("shaders/adam.wgsl")),
    ("gather_rows.wgsl", include_str!("shaders/gather_rows.wgsl")),
    ("train_fused.wgsl", include_str!("shaders/train_fused.wgsl")),
];

/// The source of shader `name` (a file of [`SHADERS`]).
fn shader(name: &str) -> &'static str {
    SHADERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .unwrap_or("")
}

/// Threads per workgroup of the elementwise kernels (must match their `@workgroup_size`).
const THREADS: usize = 256;

/// Side of the square matmul workgroup tile (must match `matmul.wgsl`).
const TILE: usize = 16;

/// The APIs to look for adapters on.
#[cfg(target_arch = "wasm32")]
const BACKENDS: ::wgpu::Backends = ::wgpu::Backends::BROWSER_WEBGPU;
#[cfg(not(target_arch = "wasm32"))]
const BACKENDS: ::wgpu::Backends = ::wgpu::Backends::PRIMARY;

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

/// Dispatches recorded before a submit is forced (bounds the memory held by pending work).
const MAX_PENDING: u64 = 512;

/// Work counted since the backend was made (for benchmarks: dispatches, submits and readbacks
/// per training step).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// Compute dispatches.
    pub dispatches: u64,
    /// Queue submits.
    pub submits: u64,
    /// Buffer readbacks.
    pub readbacks: u64,
    /// Dispatches recorded since the last submit.
    pending: u64,
}

/// An elementwise kernel: its pipeline and bind group layout (binding 0 a 32-byte uniform,
/// then storage buffers in order).
struct Kernel {
    pipeline: ::wgpu::ComputePipeline,
    layout: ::wgpu::BindGroupLayout,
}

/// The training kernels, one per shader file.
struct Kernels {
    bias_act: Kernel,
    relu_backward: Kernel,
    col_sums: Kernel,
    mse_grad: Kernel,
    adam: Kernel,
    gather_rows: Kernel,
}

/// The fused training kernel: group 0 (the run's buffers, bound once per run) and group 1
/// (each dispatch's step range and mini-batch indices).
struct FusedKernel {
    pipeline: ::wgpu::ComputePipeline,
    layouts: [::wgpu::BindGroupLayout; 2],
}

/// The bind group of the run in progress, kept while its buffers and plan stay the same.
struct FusedBinding {
    buffers: [::wgpu::Buffer; 5],
    words: Vec<u32>,
    group: ::wgpu::BindGroup,
}

/// Most passes timed between two reads of [`Backend::device_seconds`] (2 queries each).
const TIMED_PASSES: u32 = 1024;

/// Timestamp queries around every pass, while switched on ([`GpuBackend::time_passes`]).
struct Timing {
    set: ::wgpu::QuerySet,
    /// Where the queries are resolved (u64 ticks), copied from there to a staging buffer.
    resolve: ::wgpu::Buffer,
    /// Passes timed since the last read; `None` while off.
    passes: std::cell::Cell<Option<u32>>,
    /// More passes than [`TIMED_PASSES`] since the last read: the sum would be short.
    overflow: std::cell::Cell<bool>,
    /// Nanoseconds per tick.
    period_ns: f64,
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
    /// readback (or per [`MAX_PENDING`] dispatches) sends them all.
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
            relu_backward: kernel(&device, "relu_backward.wgsl", &[false, true]),
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
        Ok(GpuBackend {
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
            limits,
            errors,
        })
    }

    /// A uniform buffer holding `bytes` (a kernel's parameter block).
    fn uniform(&self, bytes: &[u8]) -> ::wgpu::Buffer {
        self.filled(
            "params",
            bytes,
            ::wgpu::BufferUsages::UNIFORM | ::wgpu::BufferUsages::COPY_DST,
        )
    }

    /// A new buffer holding `bytes` (a multiple of 4 long). Written through the queue rather
    /// than mapped at creation: on a lost device that records an error instead of panicking.
    fn filled(&self, label: &str, bytes: &[u8], usage: ::wgpu::BufferUsages) -> ::wgpu::Buffer {
        let buf = self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.len().max(4) as u64,
            usage,
            mapped_at_creation: false,
        });
        self.queue.write_buffer(&buf, 0, bytes);
        buf
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

    /// Switch timing of every pass on or off (for benchmarks; see
    /// [`Backend::device_seconds`]). Returns whether the device can time passes (timestamp
    /// queries); switching on starts a new sum.
    pub fn time_passes(&self, on: bool) -> bool {
        let Some(t) = &self.timing else {
            return false;
        };
        t.passes.set(on.then_some(0));
        t.overflow.set(false);
        true
    }

    /// The timestamp writes of the next pass, while timing is on and the query set has room.
    fn next_timestamps(&self) -> Option<::wgpu::ComputePassTimestampWrites<'_>> {
        let t = self.timing.as_ref()?;
        let n = t.passes.get()?;
        if n >= TIMED_PASSES {
            t.overflow.set(true);
            return None;
        }
        t.passes.set(Some(n + 1));
        Some(::wgpu::ComputePassTimestampWrites {
            query_set: &t.set,
            beginning_of_pass_write_index: Some(2 * n),
            end_of_pass_write_index: Some(2 * n + 1),
        })
    }

    /// A bind group of `layout`: binding 0 a new uniform holding `params`, then `buffers`
    /// at 1, 2, ….
    fn bind_group(
        &self,
        label: &str,
        layout: &::wgpu::BindGroupLayout,
        params: &[u8],
        buffers: &[&::wgpu::Buffer],
    ) -> ::wgpu::BindGroup {
        let uniform = self.uniform(params);
        let mut entries = vec![::wgpu::BindGroupEntry {
            binding: 0,
            resource: uniform.as_entire_binding(),
        }];
        for (i, b) in buffers.iter().enumerate() {
            entries.push(::wgpu::BindGroupEntry {
                binding: i as u32 + 1,
                resource: b.as_entire_binding(),
            });
        }
        self.device.create_bind_group(&::wgpu::BindGroupDescriptor {
            label: Some(label),
            layout,
            entries: &entries,
        })
    }

    /// Work done so far.
    pub fn counters(&self) -> Counters {
        self.counters.get()
    }

    /// Record one dispatch of `pipeline` with `bind` into the pending encoder.
    fn record(
        &self,
        label: &str,
        pipeline: &::wgpu::ComputePipeline,
        binds: &[&::wgpu::BindGroup],
        groups: (u32, u32, u32),
    ) {
        let timestamp_writes = self.next_timestamps();
        self.encode(|encoder| {
            let mut pass = encoder.begin_compute_pass(&::wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes,
            });
            pass.set_pipeline(pipeline);
            for (i, bind) in binds.iter().enumerate() {
                pass.set_bind_group(i as u32, *bind, &[]);
            }
            pass.dispatch_workgroups(groups.0, groups.1, groups.2);
        });
        let mut c = self.counters.get();
        c.dispatches += 1;
        c.pending += 1;
        self.counters.set(c);
        if self.lose_at.get() == Some(c.dispatches) {
            self.device.destroy();
        }
        if c.pending >= MAX_PENDING {
            self.submit(None);
        }
    }

    /// Record into the pending encoder (made when there is none).
    fn encode(&self, f: impl FnOnce(&mut ::wgpu::CommandEncoder)) {
        let mut pending = self.pending.borrow_mut();
        let encoder = pending.get_or_insert_with(|| {
            self.device
                .create_command_encoder(&::wgpu::CommandEncoderDescriptor {
                    label: Some("caulk"),
                })
        });
        f(encoder);
    }

    /// Submit the pending commands, with a final copy `src` → `dst` of `size` bytes if given.
    fn submit(&self, copy: Option<(&::wgpu::Buffer, &::wgpu::Buffer, u64)>) {
        let mut encoder = self.pending.borrow_mut().take().unwrap_or_else(|| {
            self.device
                .create_command_encoder(&::wgpu::CommandEncoderDescriptor {
                    label: Some("caulk"),
                })
        });
        if let Some((src, dst, size)) = copy {
            encoder.copy_buffer_to_buffer(src, 0, dst, 0, size);
        }
        self.queue.submit([encoder.finish()]);
        let mut c = self.counters.get();
        c.submits += 1;
        c.pending = 0;
        self.counters.set(c);
    }

    /// Submit the pending work with a copy of `size` bytes of `src` to a staging buffer, wait
    /// for it and return the bytes (one readback).
    async fn read_bytes(&self, src: &::wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        let staging = self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: ::wgpu::BufferUsages::MAP_READ | ::wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.submit(Some((src, &staging, size)));
        let mut c = self.counters.get();
        c.readbacks += 1;
        self.counters.set(c);

        let (tx, rx) = futures_channel::oneshot::channel();
        staging.map_async(::wgpu::MapMode::Read, .., move |r| {
            // The receiver is alive until this future completes; a send error means the read
            // was abandoned, and then nobody needs the result.
            let _ = tx.send(r);
        });
        // Natively the map callback only runs inside poll; in the browser poll is a no-op and
        // the event loop delivers it.
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(::wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::Gpu(format!("poll: {e}")))?;
        rx.await
            .map_err(|_| Error::Gpu("readback callback dropped (device lost?)".into()))?
            .map_err(|e| Error::Gpu(format!("map: {e}")))?;
        let out = staging
            .get_mapped_range(..)
            .map_err(|e| Error::Gpu(format!("mapped range: {e}")))?
            .to_vec();
        staging.unmap();
        self.take_errors()?;
        Ok(out)
    }

    /// Whether the adapter is a software rasteriser (lavapipe, SwiftShader, WARP).
    pub fn is_software(&self) -> bool {
        self.software
    }

    /// Errors recorded since the last call, as one `Error::Gpu`.
    fn take_errors(&self) -> Result<()> {
        let mut v = self
            .errors
            .lock()
            .map_err(|_| Error::Gpu("error log poisoned".into()))?;
        if v.is_empty() {
            Ok(())
        } else {
            let all = v.join("; ");
            v.clear();
            Err(Error::Gpu(all))
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

/// Binding `binding` of a compute shader: a uniform or a storage buffer.
fn entry(binding: u32, ty: ::wgpu::BufferBindingType) -> ::wgpu::BindGroupLayoutEntry {
    ::wgpu::BindGroupLayoutEntry {
        binding,
        visibility: ::wgpu::ShaderStages::COMPUTE,
        ty: ::wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// The pipeline of shader `name` with entry point `main`, binding 0 a uniform and bindings
/// 1… storage buffers (`read_only` per binding).
fn kernel(device: &::wgpu::Device, name: &str, read_only: &[bool]) -> Kernel {
    let layout = group_layout(device, name, read_only);
    let pipeline = pipeline(device, name, &[&layout]);
    Kernel { pipeline, layout }
}

/// A bind group layout: binding 0 a uniform, bindings 1… storage (`read_only` per binding).
fn group_layout(
    device: &::wgpu::Device,
    name: &str,
    read_only: &[bool],
) -> ::wgpu::BindGroupLayout {
    let mut entries = vec![entry(0, ::wgpu::BufferBindingType::Uniform)];
    for (i, ro) in read_only.iter().enumerate() {
        entries.push(entry(
            i as u32 + 1,
            ::wgpu::BufferBindingType::Storage { read_only: *ro },
        ));
    }
    device.create_bind_group_layout(&::wgpu::BindGroupLayoutDescriptor {
        label: Some(name),
        entries: &entries,
    })
}

/// The compute pipeline of shader `name` (entry point `main`) over bind groups `layouts`.
fn pipeline(
    device: &::wgpu::Device,
    name: &str,
    layouts: &[&::wgpu::BindGroupLayout],
) -> ::wgpu::ComputePipeline {
    let layouts: Vec<Option<&::wgpu::BindGroupLayout>> = layouts.iter().map(|l| Some(*l)).collect();
    let pipeline_layout = device.create_pipeline_layout(&::wgpu::PipelineLayoutDescriptor {
        label: Some(name),
        bind_group_layouts: &layouts,
        immediate_size: 0,
    });
    let module = device.create_shader_module(::wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: ::wgpu::ShaderSource::Wgsl(shader(name).into()),
    });
    device.create_compute_pipeline(&::wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: Some(&pipeline_layout),
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    })
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

impl GpuBackend {
    /// The fused training kernel, compiled on first use.
    fn fused_kernel(&self) -> &FusedKernel {
        self.fused.get_or_init(|| {
            let layouts = [
                group_layout(
                    &self.device,
                    "train_fused",
                    &[false, true, false, false, false],
                ),
                group_layout(&self.device, "train_fused run", &[true]),
            ];
            let pipeline = pipeline(
                &self.device,
                "train_fused.wgsl",
                &[&layouts[0], &layouts[1]],
            );
            FusedKernel { pipeline, layouts }
        })
    }

    /// Record one dispatch of the fused kernel (`run` = mode, t0, steps, 0) with one
    /// workgroup per model. The run's bind group is made once and reused while its buffers
    /// and plan stay the same; each dispatch adds only its small `run` group.
    fn fused_dispatch(
        &self,
        plan: &FusedPlan,
        bufs: &FusedBuffers<GpuBuffer>,
        run: [u32; 4],
        idx: &[f32],
    ) -> Result<()> {
        let k = plan.shape.k;
        for (name, have, want) in [
            ("state", bufs.state.len, k * 4 * plan.params),
            ("data", bufs.data.len, plan.data_len),
            ("scratch", bufs.scratch.len, k * plan.scratch),
            ("loss", bufs.loss.len, k),
            ("best", bufs.best.len, k * plan.params),
        ] {
            if have != want {
                return Err(Error::Shape(format!(
                    "fused run: {name} has {have} elements, needs {want}"
                )));
            }
        }
        let max = self.limits.max_compute_workgroups_per_dimension as usize;
        if k > max {
            return Err(Error::Limit(format!(
                "{k} models exceed the device's {max} workgroups per dispatch"
            )));
        }
        let kernel = self.fused_kernel();
        let mut cache = self.fused_binding.borrow_mut();
        let buffers = [
            bufs.state.buf.clone(),
            bufs.data.buf.clone(),
            bufs.scratch.buf.clone(),
            bufs.loss.buf.clone(),
            bufs.best.buf.clone(),
        ];
        let stale = match cache.as_ref() {
            Some(b) => b.buffers != buffers || b.words != plan.words,
            None => true,
        };
        if stale {
            let refs: Vec<&::wgpu::Buffer> = buffers.iter().collect();
            let group = self.bind_group(
                "train_fused",
                &kernel.layouts[0],
                bytemuck::cast_slice(&plan.words),
                &refs,
            );
            *cache = Some(FusedBinding {
                buffers,
                words: plan.words.clone(),
                group,
            });
        }
        let Some(binding) = cache.as_ref() else {
            return Err(Error::Gpu("fused bind group missing".into()));
        };
        let idx = self.upload(if idx.is_empty() { &[0.0] } else { idx })?;
        let group = self.bind_group(
            "train_fused run",
            &kernel.layouts[1],
            bytemuck::cast_slice(&run),
            &[&idx.buf],
        );
        self.record(
            "train_fused",
            &kernel.pipeline,
            &[&binding.group, &group],
            (k as u32, 1, 1),
        );
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
        relu: bool,
    ) -> Result<()> {
        check::bias_act(s, x.len, bias.len, out.len)?;
        let p = [
            s.batch as u32,
            s.rows as u32,
            s.cols as u32,
            relu as u32,
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

    fn relu_backward(&self, s: &Rows, delta: &mut GpuBuffer, pre: &GpuBuffer) -> Result<()> {
        check::relu_backward(s, delta.len, pre.len)?;
        let p = [s.len() as u32, 0, 0, 0, 0, 0, 0, 0];
        self.launch(
            &self.kernels.relu_backward,
            p,
            &[&delta.buf, &pre.buf],
            s.len(),
        )
    }

    fn col_sums(&self, s: &Rows, x: &GpuBuffer, out: &mut GpuBuffer) -> Result<()> {
        check::col_sums(s, x.len, out.len)?;
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
        self.fused_dispatch(plan, bufs, [0, t0 as u32, steps as u32, 0], idx)
    }

    fn fused_eval(&self, plan: &FusedPlan, bufs: &mut FusedBuffers<GpuBuffer>) -> Result<()> {
        self.fused_dispatch(plan, bufs, [1, 0, 0, 0], &[])
    }

    fn fused_keep(
        &self,
        plan: &FusedPlan,
        bufs: &mut FusedBuffers<GpuBuffer>,
        keep: Keep<'_>,
    ) -> Result<()> {
        match keep {
            Keep::Load => self.fused_dispatch(plan, bufs, [3, 0, 0, 0], &[]),
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
                self.fused_dispatch(plan, bufs, [2, 0, 0, 0], &flags)
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

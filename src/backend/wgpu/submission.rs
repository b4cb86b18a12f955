//! Recording and submitting work: every dispatch goes into one pending command encoder; a
//! readback submits everything before it in one go (and a submit is forced every
//! [`MAX_PENDING`] dispatches), so a training step costs no submit of its own. Counters of
//! dispatches, submits and readbacks; timestamp queries around every pass while timing is on;
//! errors recorded by wgpu's callbacks turned into `Error::Gpu`.

use super::GpuBackend;
use crate::error::{Error, Result};

/// Dispatches recorded before a submit is forced (bounds the memory held by pending work).
pub(super) const MAX_PENDING: u64 = 512;

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
    pub(super) pending: u64,
}

/// Most passes timed between two reads of
/// [`Backend::device_seconds`](crate::backend::Backend::device_seconds) (2 queries each).
pub(super) const TIMED_PASSES: u32 = 1024;

/// Timestamp queries around every pass, while switched on ([`GpuBackend::time_passes`]).
pub(super) struct Timing {
    pub(super) set: ::wgpu::QuerySet,
    /// Where the queries are resolved (u64 ticks), copied from there to a staging buffer.
    pub(super) resolve: ::wgpu::Buffer,
    /// Passes timed since the last read; `None` while off.
    pub(super) passes: std::cell::Cell<Option<u32>>,
    /// More passes than [`TIMED_PASSES`] since the last read: the sum would be short.
    pub(super) overflow: std::cell::Cell<bool>,
    /// Nanoseconds per tick.
    pub(super) period_ns: f64,
}

impl GpuBackend {
    /// A uniform buffer holding `bytes` (a kernel's parameter block).
    pub(super) fn uniform(&self, bytes: &[u8]) -> ::wgpu::Buffer {
        self.filled(
            "params",
            bytes,
            ::wgpu::BufferUsages::UNIFORM | ::wgpu::BufferUsages::COPY_DST,
        )
    }

    /// A new buffer holding `bytes` (a multiple of 4 long). Written through the queue rather
    /// than mapped at creation: on a lost device that records an error instead of panicking.
    pub(super) fn filled(
        &self,
        label: &str,
        bytes: &[u8],
        usage: ::wgpu::BufferUsages,
    ) -> ::wgpu::Buffer {
        let buf = self.device.create_buffer(&::wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.len().max(4) as u64,
            usage,
            mapped_at_creation: false,
        });
        self.queue.write_buffer(&buf, 0, bytes);
        buf
    }

    /// Switch timing of every pass on or off (for benchmarks; see
    /// [`Backend::device_seconds`](crate::backend::Backend::device_seconds)). Returns
    /// whether the device can time passes (timestamp queries); switching on starts a new sum.
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
    pub(super) fn bind_group(
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
    pub(super) fn record(
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
    pub(super) fn encode(&self, f: impl FnOnce(&mut ::wgpu::CommandEncoder)) {
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
    pub(super) fn submit(&self, copy: Option<(&::wgpu::Buffer, &::wgpu::Buffer, u64)>) {
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
    pub(super) async fn read_bytes(&self, src: &::wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
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

    /// Errors recorded since the last call, as one `Error::Gpu`.
    pub(super) fn take_errors(&self) -> Result<()> {
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
}

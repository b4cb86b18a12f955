//! The fused training kernel's dispatches (`train_fused.wgsl`): one workgroup per model; the
//! run's buffers are bound once per run, each dispatch adds only its mode, step range and
//! mini-batch indices.

use super::pipelines::{group_layout, pipeline, FusedKernel};
use super::{GpuBackend, GpuBuffer};
use crate::backend::fused::{FusedBuffers, FusedPlan};
use crate::backend::Backend;
use crate::error::{Error, Result};

/// Passes of the loop that closes every dispatch (`run.check`): the kernel flags a spent
/// loop budget when it runs fewer.
const CHECK_PASSES: u32 = 2;

/// The bind group of the run in progress, kept while its buffers and plan stay the same.
pub(super) struct FusedBinding {
    buffers: [::wgpu::Buffer; 5],
    words: Vec<u32>,
    group: ::wgpu::BindGroup,
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

    /// Record one dispatch of the fused kernel (`run` = mode, t0, steps; the passes of the
    /// loop budget check added) with one workgroup per model. The run's bind group is made
    /// once and reused while its buffers and plan stay the same; each dispatch adds only its
    /// small `run` group.
    pub(super) fn fused_dispatch(
        &self,
        plan: &FusedPlan,
        bufs: &FusedBuffers<GpuBuffer>,
        run: [u32; 3],
        idx: &[f32],
    ) -> Result<()> {
        let k = plan.shape.k;
        for (name, have, want) in [
            ("state", bufs.state.len, k * 4 * plan.params),
            ("data", bufs.data.len, plan.data_len),
            ("scratch", bufs.scratch.len, k * plan.scratch),
            ("loss", bufs.loss.len, k + 1),
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
            bytemuck::cast_slice(&[run[0], run[1], run[2], CHECK_PASSES]),
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

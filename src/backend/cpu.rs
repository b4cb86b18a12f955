//! The CPU backend: buffers are `Vec<f32>`; matmul is `matrixmultiply::sgemm` (a blocked,
//! SIMD GEMM) called once per batch entry with strides that express the transposes, except
//! in the browser build with relaxed SIMD, where it is [`fma_gemm`](super::fma_gemm) (a
//! fused multiply-add kernel; wasm has no other FMA).

use super::ops::{self, check, AdamStep, Gather, Rows};
use super::{Act, Backend, MatmulSpec};
use crate::error::Result;

/// The matmul kernel of this build, as the CPU backend describes itself.
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
pub const KERNEL: &str = "CPU (relaxed-SIMD FMA GEMM)";
/// The matmul kernel of this build, as the CPU backend describes itself.
#[cfg(not(all(target_arch = "wasm32", target_feature = "relaxed-simd")))]
pub const KERNEL: &str = "CPU (matrixmultiply sgemm)";

/// The pure-Rust CPU backend (native and wasm).
#[derive(Clone, Debug, Default)]
pub struct CpuBackend;

impl Backend for CpuBackend {
    type Buffer = Vec<f32>;

    fn describe(&self) -> String {
        KERNEL.to_string()
    }

    fn upload(&self, data: &[f32]) -> Result<Vec<f32>> {
        Ok(data.to_vec())
    }

    fn zeros(&self, len: usize) -> Result<Vec<f32>> {
        Ok(vec![0.0; len])
    }

    fn matmul(
        &self,
        spec: &MatmulSpec,
        a: &Vec<f32>,
        b: &Vec<f32>,
        c: &mut Vec<f32>,
    ) -> Result<()> {
        spec.check(a.len(), b.len(), c.len())?;
        let MatmulSpec {
            batch,
            m,
            k,
            n,
            trans_a,
            trans_b,
            accumulate,
        } = *spec;
        #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
        {
            use super::fma_gemm::{gemm, Shape};
            let shape = Shape {
                m,
                k,
                n,
                trans_a,
                trans_b,
            };
            for bi in 0..batch {
                gemm(
                    shape,
                    &a[bi * m * k..(bi + 1) * m * k],
                    &b[bi * k * n..(bi + 1) * k * n],
                    &mut c[bi * m * n..(bi + 1) * m * n],
                    accumulate,
                );
            }
            return Ok(());
        }
        #[allow(unreachable_code)]
        let beta = if accumulate { 1.0 } else { 0.0 };
        // Row/column strides of op(A) (m×k) and op(B) (k×n) in their row-major storage.
        let (rsa, csa) = if trans_a { (1, m) } else { (k, 1) };
        let (rsb, csb) = if trans_b { (1, k) } else { (n, 1) };
        for bi in 0..batch {
            let a_b = &a[bi * m * k..(bi + 1) * m * k];
            let b_b = &b[bi * k * n..(bi + 1) * k * n];
            let c_b = &mut c[bi * m * n..(bi + 1) * m * n];
            // SAFETY: `spec.check` proved each slice holds exactly m·k, k·n and m·n elements,
            // and every index sgemm forms, i·rs + j·cs with i, j inside the op shape, lies
            // inside its slice for the strides chosen above. `c_b` is a unique borrow.
            unsafe {
                matrixmultiply::sgemm(
                    m,
                    k,
                    n,
                    1.0,
                    a_b.as_ptr(),
                    rsa as isize,
                    csa as isize,
                    b_b.as_ptr(),
                    rsb as isize,
                    csb as isize,
                    beta,
                    c_b.as_mut_ptr(),
                    n as isize,
                    1,
                );
            }
        }
        Ok(())
    }

    async fn read(&self, buf: &Vec<f32>) -> Result<Vec<f32>> {
        Ok(buf.clone())
    }

    fn bias_act(
        &self,
        s: &Rows,
        x: &mut Vec<f32>,
        bias: &Vec<f32>,
        out: &mut Vec<f32>,
        act: Act,
    ) -> Result<()> {
        check::bias_act(s, x.len(), bias.len(), out.len())?;
        ops::cpu::bias_act(s, x, bias, out, act);
        Ok(())
    }

    fn act_backward(&self, s: &Rows, delta: &mut Vec<f32>, pre: &Vec<f32>, act: Act) -> Result<()> {
        check::act_backward(s, delta.len(), pre.len())?;
        ops::cpu::act_backward(delta, pre, act);
        Ok(())
    }

    fn col_sums(&self, s: &Rows, x: &Vec<f32>, out: &mut Vec<f32>) -> Result<()> {
        check::col_sums(s, x.len(), out.len())?;
        ops::cpu::col_sums(s, x, out);
        Ok(())
    }

    fn mse_grad(
        &self,
        s: &Rows,
        out: &Vec<f32>,
        y: &Vec<f32>,
        counts: &Vec<f32>,
        dout: &mut Vec<f32>,
        loss: &mut Vec<f32>,
    ) -> Result<()> {
        check::mse_grad(s, out.len(), y.len(), counts.len(), dout.len(), loss.len())?;
        ops::cpu::mse_grad(s, out, y, counts, dout, loss);
        Ok(())
    }

    fn adam(
        &self,
        step: &AdamStep,
        p: &mut Vec<f32>,
        g: &Vec<f32>,
        m: &mut Vec<f32>,
        v: &mut Vec<f32>,
    ) -> Result<()> {
        check::adam(p.len(), g.len(), m.len(), v.len())?;
        ops::cpu::adam(step, p, g, m, v);
        Ok(())
    }

    fn gather_rows(
        &self,
        s: &Gather,
        src: &Vec<f32>,
        idx: &Vec<f32>,
        dst: &mut Vec<f32>,
    ) -> Result<()> {
        check::gather_rows(s, src.len(), idx.len(), dst.len())?;
        ops::cpu::gather_rows(s, src, idx, dst);
        Ok(())
    }

    fn copy(
        &self,
        src: &Vec<f32>,
        src_at: usize,
        dst: &mut Vec<f32>,
        dst_at: usize,
        len: usize,
    ) -> Result<()> {
        check::copy(src.len(), src_at, dst.len(), dst_at, len)?;
        dst[dst_at..dst_at + len].copy_from_slice(&src[src_at..src_at + len]);
        Ok(())
    }
}

//! Benchmarks behind `caulk bench`: K-model batching, the CPU GEMM against a peak probe, and the coverage of the intervals on simulated curves.

pub mod batching;
pub mod coverage;
pub mod gemm;

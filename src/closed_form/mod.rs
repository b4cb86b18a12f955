//! Closed-form fits: [`ridge`] regression (for `linear-probe`) and the [`spline`] caulk (for
//! `caulk-spline`), with [`tridiagonal`] solvers that make the spline and its exact
//! leave-one-out error O(n + K).

pub mod ridge;
pub mod spline;
pub mod tridiagonal;

pub use ridge::Ridge;
pub use spline::{KnotRule, Spline};

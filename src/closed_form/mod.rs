//! Closed-form fits: [`ridge`] regression (for `linear-probe`), the [`spline`] caulk (for
//! `caulk-spline`), with [`tridiagonal`] solvers that make the spline and its exact
//! leave-one-out error O(n + K), and the [`knn`] ladder of feature classes on the
//! [`pca`] directions of a backbone's last hidden layer (for `caulk-select`).

pub mod knn;
pub mod pca;
pub mod ridge;
pub mod spline;
pub mod tridiagonal;

pub use ridge::Ridge;
pub use spline::{KnotRule, Spline};

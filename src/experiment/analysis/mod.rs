//! What the measured curves say: statistics and intervals, the curve shapes, the claim against m, the fitted finite-m models and the paired differences.

pub mod claim;
pub mod curve;
pub mod model_fit;
pub mod paired;
pub mod readings;
pub mod shapes;
pub mod stats;

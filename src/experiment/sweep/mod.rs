//! What a sweep is and what it costs before it runs: the plan of a preset, the work of its units, this device's rates and the estimate.

pub mod cost;
pub mod plan;
pub mod prepare;
pub mod rates;
pub mod work;

//! What goes in and out: a sweep's results (JSON, CSV, merging shards), one's own imported curves, and baked results shipped beside the page.

pub mod baked;
pub mod import;
pub mod results;

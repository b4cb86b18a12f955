//! The page's TypeScript types of the JSON that crosses the wasm boundary, generated from the
//! Rust types themselves (ts-rs, a dev-dependency: the derives exist in test builds only) into
//! `www/src/rust-types.ts`. The test below fails when that file differs from what the Rust
//! types generate; `CAULK_WRITE_TYPES=1 cargo test --lib ts_types` writes it anew. u64 values
//! are numbers on the page (seeds stay below 2^53, the `seed` key's bound).

#[cfg(test)]
mod tests {
    use crate::config::{fragment::Parsed, keys, pins};
    use crate::experiment::analysis::{claim, curve, model_fit, paired, readings, shapes, stats};
    use crate::experiment::run::cache;
    use crate::experiment::sweep::{cost, rates};
    use crate::theory::{bounds, phase, report};
    use crate::{backend, config, experiment, train};
    use ts_rs::{Config, TS};

    /// `[T::decl(cfg), …]` for the types listed after `cfg;`.
    macro_rules! decls {
        ($cfg:expr; $($ty:ty),* $(,)?) => { [$(<$ty as TS>::decl($cfg)),*] };
    }

    /// The file's text: a header, then `export type …` for each type, in this order.
    fn generated() -> String {
        let cfg = Config::new().with_large_int("number");
        let decls = decls![&cfg;
            config::ConfigError, config::Preset, config::Method, config::BackendChoice,
            config::View, pins::PinCurve, pins::Pin, config::Config, Parsed, keys::KeyKind,
            keys::Widget, keys::Panel, keys::Affects, config::KeySpec,
            bounds::TheoryParams, bounds::Status, bounds::BoundInfo, bounds::BoundCurve,
            report::NEpsCurve, phase::PhaseMap, phase::PhaseDiagram, report::BoundsReport,
            backend::DeviceReport, experiment::FinishedPoint, cache::SeedPoint, train::TrainReport,
            cache::Backbone, experiment::Progress, stats::IntervalMethods, curve::CurveResult,
            curve::LossCurve,
            claim::ClaimRow, claim::ClaimSeries, model_fit::ModelFitRow, model_fit::ModelFit,
            paired::PairedChange, paired::MethodPair, readings::HeldOut, readings::Reading, shapes::ShapeFit, shapes::ShapeParam,
            shapes::Shapes,
            claim::Claim, experiment::Results, rates::GpuRates, experiment::Rates, cost::Estimate,
        ];
        let mut out = String::from(
            "// Generated from the Rust types by src/ts_types.rs (ts-rs): do not edit. After a change\n\
             // to a type the page reads, run `CAULK_WRITE_TYPES=1 cargo test --lib ts_types`.\n",
        );
        for d in decls {
            out.push_str("\nexport ");
            out.push_str(&d);
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_pages_types_are_the_rust_types() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/src/rust-types.ts");
        let want = generated();
        if std::env::var_os("CAULK_WRITE_TYPES").is_some() {
            std::fs::write(path, &want).expect("write www/src/rust-types.ts");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "www/src/rust-types.ts is not what the Rust types generate: run CAULK_WRITE_TYPES=1 cargo test --lib ts_types"
        );
    }
}

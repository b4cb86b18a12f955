//! The page's TypeScript types of the JSON that crosses the wasm boundary, generated from the
//! Rust types themselves (ts-rs, a dev-dependency: the derives exist in test builds only) into
//! `www/src/rust-types.ts`. The test below fails when that file differs from what the Rust
//! types generate; `CAULK_WRITE_TYPES=1 cargo test --lib ts_types` writes it anew. u64 values
//! are numbers on the page (seeds stay below 2^53, the `seed` key's bound).

#[cfg(test)]
mod tests {
    use ts_rs::{Config, TS};

    /// The file's text: a header, then `export type …` for each type, in this order.
    fn generated() -> String {
        let cfg = Config::new().with_large_int("number");
        let decls = [
            crate::config::ConfigError::decl(&cfg),
            crate::config::Preset::decl(&cfg),
            crate::config::Method::decl(&cfg),
            crate::config::BackendChoice::decl(&cfg),
            crate::config::View::decl(&cfg),
            crate::config::pins::PinCurve::decl(&cfg),
            crate::config::pins::Pin::decl(&cfg),
            crate::config::Config::decl(&cfg),
            crate::config::fragment::Parsed::decl(&cfg),
            crate::config::keys::KeyKind::decl(&cfg),
            crate::config::keys::Widget::decl(&cfg),
            crate::config::keys::Panel::decl(&cfg),
            crate::config::KeySpec::decl(&cfg),
            crate::theory::bounds::TheoryParams::decl(&cfg),
            crate::theory::bounds::Status::decl(&cfg),
            crate::theory::bounds::BoundInfo::decl(&cfg),
            crate::theory::bounds::BoundCurve::decl(&cfg),
            crate::theory::report::NEpsCurve::decl(&cfg),
            crate::theory::phase::PhaseMap::decl(&cfg),
            crate::theory::phase::PhaseDiagram::decl(&cfg),
            crate::theory::report::BoundsReport::decl(&cfg),
            crate::backend::DeviceReport::decl(&cfg),
            crate::experiment::FinishedPoint::decl(&cfg),
            crate::experiment::cache::SeedPoint::decl(&cfg),
            crate::train::TrainReport::decl(&cfg),
            crate::experiment::cache::Backbone::decl(&cfg),
            crate::experiment::Progress::decl(&cfg),
            crate::experiment::results::CurveResult::decl(&cfg),
            crate::experiment::results::LossCurve::decl(&cfg),
            crate::experiment::claim::ClaimRow::decl(&cfg),
            crate::experiment::claim::ClaimSeries::decl(&cfg),
            crate::experiment::model_fit::ModelFitRow::decl(&cfg),
            crate::experiment::model_fit::ModelFit::decl(&cfg),
            crate::experiment::claim::Claim::decl(&cfg),
            crate::experiment::Results::decl(&cfg),
            crate::experiment::rates::GpuRates::decl(&cfg),
            crate::experiment::Rates::decl(&cfg),
            crate::experiment::cost::Estimate::decl(&cfg),
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

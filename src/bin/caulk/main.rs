//! `caulk`: the native CLI. Same config, theory and compute as the page, headless.
//!
//! ```text
//! caulk config --fragment 'v=2&...'          validated config as JSON
//! caulk bounds [--fragment '...'] [--json]   theory bounds (JSON: the contract schema)
//! caulk device [--json]                      the GPU wgpu finds here, after a self-check
//! caulk run [--fragment '...'] [--json] [--out DIR]   run a preset's sweep
//! caulk bench [presets|batching|gemm] [--json] [--k 1,4,...]  preset wall times (CPU); the K-model table
//! caulk bake [--fragment '...'] [--out DIR]   results shipped with the page (DIR/<key>.json)
//! ```
//!
//! Every error is one line on stderr and a non-zero exit (2: bad input, 1: failure).
//!
//! Modules: [`args`] (the command line, `--help`, the config of `--fragment`), [`sweep`]
//! (`run`: a sweep on the GPU or in threads on the CPU, with a progress bar; its table),
//! [`bench`] (`bench presets|batching|gemm`); this file dispatches the commands.

/// `eprint!` that ignores a failed write: stderr carries notes and progress for a person
/// watching, and a closed stderr (`caulk run 2>&1 | head -1`) must neither stop a run nor
/// lose its results (`eprint!` panics there).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// [`note!`] with a newline.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod bench;
mod sweep;

use std::io::Write;
use std::process::ExitCode;

use caulk::backend::probe_device;
use caulk::config::keys::BOUND_IDS;
use caulk::config::{BackendChoice, Config};
use caulk::experiment::{self, bench::batching::KS};
use caulk::theory;

use args::{load_config, parse_args, Args, HELP, USAGE};
use bench::{batching_command, bench_command, coverage_command, gemm_command};
use sweep::{report, run_command, sweep};

/// A failure: its one-line message and exit code.
pub struct Fail(pub String, pub u8);

/// A bad-input failure (exit code 2).
pub fn usage(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), 2)
}

/// Print `text` and a newline on stdout.
pub fn emit(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|_| out.flush())
        .map_err(|e| Fail(format!("cannot write to stdout: {e}"), 1))
}

/// `v` as pretty JSON.
pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, Fail> {
    serde_json::to_string_pretty(v).map_err(|e| Fail(format!("cannot encode JSON: {e}"), 1))
}

/// `caulk bounds` without `--json`: one row per curve.
fn bounds_table(report: &theory::BoundsReport) -> String {
    let p = &report.params;
    let mut text = format!(
        "s = αβ = {:.4}, s* = {:.4}, d = {}, ε = {}, n in [{}, {}]\n{:<15} {:<9} {:>9} {:>9} {:>9} {:>12}  citation",
        p.s, p.s_star, p.d, p.eps, p.n_min, p.n_max, "bound", "status", "m", "slope", "exponent", "n_eps"
    );
    for b in &report.bounds {
        let n_eps = b.n_eps.map_or("none".to_string(), |n| format!("{n:.0}"));
        let m = b.m.map_or("-".to_string(), |m| format!("{m}"));
        let status = serde_json::to_value(b.info.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n{:<15} {:<9} {:>9} {:>9.4} {:>9.4} {:>12}  {}",
            b.info.id, status, m, b.slope, b.exponent, n_eps, b.info.citation
        ));
    }
    text
}

fn run(args: Args) -> Result<(), Fail> {
    match args.command.as_str() {
        "version" => emit(&format!("caulk {}", env!("CARGO_PKG_VERSION"))),
        "config" => {
            if args.fragment.is_none() {
                return Err(usage("config needs --fragment 'v=2&...'"));
            }
            let (c, _) = load_config(args.fragment.as_deref())?;
            emit(&to_json(&c)?)
        }
        "bounds" => {
            let (mut c, given) = load_config(args.fragment.as_deref())?;
            // The page shows the `bounds` it is asked for; headless, every bound is reported
            // unless the fragment names some.
            if !given.iter().any(|k| k == "bounds") {
                c.bounds = BOUND_IDS.iter().map(|s| s.to_string()).collect();
            }
            let report = theory::evaluate(&c);
            if args.json {
                return emit(&to_json(&report)?);
            }
            emit(&bounds_table(&report))
        }
        "run" => {
            let (c, _) = load_config(args.fragment.as_deref())?;
            run_command(&c, args.json, args.out.as_deref())
        }
        "import" => {
            let (c, _) = load_config(args.fragment.as_deref())?;
            // parse_args makes sure an import has its table.
            let file = args.table.as_deref().unwrap_or_default();
            let text = std::fs::read_to_string(file)
                .map_err(|e| Fail(format!("cannot read {file}: {e}"), 1))?;
            let results = experiment::io::import::import_table(&text, file, &c)
                .map_err(|e| Fail(format!("{file}: {e}"), 1))?;
            report(&results, args.json, args.out.as_deref())
        }
        "bake" => {
            let dir = std::path::Path::new(args.out.as_deref().unwrap_or("www/baked"));
            std::fs::create_dir_all(dir)
                .map_err(|e| Fail(format!("cannot create {}: {e}", dir.display()), 1))?;
            match args.lesson.as_deref() {
                None => {
                    let (c, _) = load_config(args.fragment.as_deref())?;
                    emit(&bake(c, dir)?.display().to_string())
                }
                Some(file) => bake_lesson(file, dir),
            }
        }
        "bench" => match args.what.as_deref() {
            None | Some("presets") => bench_command(args.json),
            Some("batching") => batching_command(args.json, args.ks.as_deref().unwrap_or(&KS)),
            Some("gemm") => gemm_command(args.json),
            Some("coverage") => coverage_command(
                args.json,
                args.ks.as_deref().unwrap_or(&[3, 4, 8, 16]),
                args.reps.unwrap_or(2000),
            ),
            Some(other) => Err(usage(format!(
                "unknown benchmark {other:?}; caulk bench [presets|batching|gemm|coverage]"
            ))),
        },
        "device" => {
            let report = pollster::block_on(probe_device(BackendChoice::Auto));
            if args.json {
                emit(&to_json(&report)?)
            } else {
                emit(&report.line)
            }
        }
        other => Err(usage(format!("unknown command {other:?}; {USAGE}"))),
    }
}

/// Bake `c`'s sweep into `dir` (its numbers key as the name); the file's path.
fn bake(mut c: Config, dir: &std::path::Path) -> Result<std::path::PathBuf, Fail> {
    // Baked numbers come from the CPU path (deterministic everywhere).
    c.backend = BackendChoice::Cpu;
    let results = sweep(&c, false)?;
    let path = dir.join(experiment::io::baked::file_name(&c));
    std::fs::write(
        &path,
        serde_json::to_string(&results).map_err(|e| Fail(format!("cannot encode JSON: {e}"), 1))?,
    )
    .map_err(|e| Fail(format!("cannot write {}: {e}", path.display()), 1))?;
    Ok(path)
}

/// Bake every step of lesson `file` that shows measured curves and has no baked file yet;
/// one line per such step.
fn bake_lesson(file: &str, dir: &std::path::Path) -> Result<(), Fail> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Fail(format!("cannot read {file}: {e}"), 1))?;
    let lesson = caulk::lesson::parse_lesson(&text).map_err(|e| Fail(format!("{file}: {e}"), 1))?;
    for (i, step) in lesson.steps.iter().enumerate() {
        if !step.measures() {
            continue;
        }
        let (c, _) = load_config(Some(&step.fragment))?;
        let path = dir.join(experiment::io::baked::file_name(&c));
        if path.exists() {
            emit(&format!(
                "step {}: {} (baked already)",
                i + 1,
                path.display()
            ))?;
        } else {
            emit(&format!("step {}: {}", i + 1, bake(c, dir)?.display()))?;
        }
    }
    Ok(())
}

/// Seconds since the first call.
pub fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

/// Mesa's Vulkan drivers (lavapipe, where there is no GPU) print "error: XDG_RUNTIME_DIR is
/// invalid or not set in the environment." to stderr when the variable is missing, as on
/// headless servers and in containers. The CLI never opens a display, so it points the
/// variable at the temp dir (where a display socket is never found) before any thread
/// starts.
fn quiet_display_probe() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none_or(|v| v.is_empty()) {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
}

fn main() -> ExitCode {
    quiet_display_probe();
    let result = parse_args(std::env::args().skip(1)).and_then(|a| match a {
        None => emit(HELP),
        Some(a) => run(a),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg, code)) => {
            noteln!("caulk: {msg}");
            ExitCode::from(code)
        }
    }
}

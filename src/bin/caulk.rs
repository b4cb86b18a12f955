//! `caulk`: the native CLI. Same config, theory and compute as the page, headless.
//!
//! ```text
//! caulk config --fragment 'v=1&...'          validated config as JSON
//! caulk bounds [--fragment '...'] [--json]   theory bounds (JSON: the contract schema)
//! caulk device [--json]                      the GPU wgpu finds here, after a self-check
//! ```
//!
//! Every error is one line on stderr and a non-zero exit (2: bad input, 1: failure).

use std::io::Write;
use std::process::ExitCode;

use caulk::backend::probe_device;
use caulk::config::keys::BOUND_IDS;
use caulk::config::{parse_fragment, BackendChoice, Config};
use caulk::theory;

const USAGE: &str = "usage: caulk <config|bounds|device> [--fragment 'v=1&key=value&...'] [--json]";

const HELP: &str = "caulk: Caulk Lab, headless

commands:
  config --fragment F        print the validated config as JSON
  bounds [--fragment F]      theoretical bounds on the config's n-window (all six, or
                             those the fragment's bounds= key names; one curve per m
                             for bounds with a source-size term)
         [--json]            as one JSON object {params, bounds: [...], n_eps_vs_m, phase}
  device [--json]            the native GPU (Vulkan/Metal/DX12) after a self-check,
                             or why the CPU is used

options:
  --fragment F   the config as a URL fragment, e.g. 'v=1&preset=limit&alpha=0.7&d=5'
                 (omitted keys take the preset's defaults)
  --json         machine-readable output
  -h, --help     this text
  -V, --version  the version";

/// A failure: its one-line message and exit code.
struct Fail(String, u8);

fn usage(msg: impl Into<String>) -> Fail {
    Fail(msg.into(), 2)
}

struct Args {
    command: String,
    fragment: Option<String>,
    json: bool,
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, Fail> {
    let mut command = None;
    let mut fragment = None;
    let mut json = false;
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "-h" | "--help" | "help" => return Ok(None),
            "-V" | "--version" => {
                command = Some("version".to_string());
            }
            "--json" => json = true,
            "--fragment" => {
                let v = raw
                    .next()
                    .ok_or_else(|| usage("--fragment needs a value, e.g. --fragment 'v=1&d=3'"))?;
                fragment = Some(v);
            }
            s if s.starts_with("--fragment=") => {
                fragment = Some(s["--fragment=".len()..].to_string());
            }
            s if s.starts_with('-') => {
                return Err(usage(format!("unknown option {s:?}; {USAGE}")));
            }
            s if command.is_none() => command = Some(s.to_string()),
            s => return Err(usage(format!("unexpected argument {s:?}; {USAGE}"))),
        }
    }
    let command = command.ok_or_else(|| usage(USAGE))?;
    Ok(Some(Args {
        command,
        fragment,
        json,
    }))
}

/// The config of `--fragment` (strict: the first error fails), warnings printed to stderr,
/// and the keys the fragment gave.
fn load_config(fragment: Option<&str>) -> Result<(Config, Vec<String>), Fail> {
    let parsed = parse_fragment(fragment.unwrap_or(""));
    if let Some(e) = parsed.errors.into_iter().next() {
        return Err(usage(format!("bad config: {e}")));
    }
    for w in parsed.warnings {
        eprintln!("caulk: warning: {w}");
    }
    Ok((parsed.config, parsed.given))
}

fn emit(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|_| out.flush())
        .map_err(|e| Fail(format!("cannot write to stdout: {e}"), 1))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, Fail> {
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
                return Err(usage("config needs --fragment 'v=1&...'"));
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

fn main() -> ExitCode {
    let result = parse_args(std::env::args().skip(1)).and_then(|a| match a {
        None => emit(HELP),
        Some(a) => run(a),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg, code)) => {
            eprintln!("caulk: {msg}");
            ExitCode::from(code)
        }
    }
}

//! The command line: `caulk COMMAND [WHAT] [--fragment F] [--json] [--out DIR] [--k LIST]`,
//! its help text, and the config a fragment gives.

use caulk::config::{parse_fragment, Config};

use crate::{usage, Fail};

pub const USAGE: &str =
    "usage: caulk <config|bounds|run|import|bake|bench [presets|batching|gemm|coverage]|device> [--fragment 'v=2&key=value&...'] [--json] [--out DIR] [--k LIST] [--lesson FILE] [--table FILE]";

pub const HELP: &str = "caulk: Caulk Lab, headless

commands:
  config --fragment F        print the validated config as JSON
  bounds [--fragment F]      theoretical bounds on the config's n-window (all seven, or
                             those the fragment's bounds= key names; one curve per m
                             for bounds with a source-size term)
         [--json]            as one JSON object {params, bounds: [...], n_eps_vs_m, phase}
  run [--fragment F]         run the preset's sweep (seeds × n × m × method) and print
         [--json]            the curves as one JSON object {config, backend, curves, ...}
         [--out DIR]         or write DIR/results.json and DIR/results.csv
  import --table FILE        your own measured curves (CSV or JSON rows of method, m,
         [--fragment F]      n, error[, lo, hi]; README: your own curves) summarised as
         [--json] [--out DIR]  a sweep's: slopes, intervals, n_ε, the calibrated bound
                             and the claim, against the fragment's theory
  bake [--fragment F]        run the sweep on the CPU and write its results where the
         [--out DIR]         page finds them: DIR/<key>.json (default www/baked/); a
                             link to exactly that config then shows them at once
         [--lesson FILE]     instead, every step of a lesson (www/lessons/NAME.json)
                             that shows measured curves, skipping those already baked
  bench [presets|batching|gemm|coverage]   presets (the default): wall time of each preset's default
                             sweep on this CPU, next to its estimate; batching: K models
                             trained at once, K = 1 … 256, on the GPU and the CPU side
                             by side (model-steps/s, scaling, dispatches, submits and
                             readbacks per step; a correctness check against the CPU);
                             gemm: the CPU GEMM's GFLOP/s against a peak probe;
                             coverage: how often the 95 % intervals hold the truth on
                             simulated curves (docs/science.md §8)
         [--k 1,4,16,...]    batching: these K (1-1024; scaling is against the first);
                             coverage: these seed counts (default 3,4,8,16)
         [--reps N]          coverage: replications per row (default 2000, 100-100000)
         [--json]            as one JSON object
  device [--json]            the native GPU (Vulkan/Metal/DX12) after a self-check,
                             or why the CPU is used

options:
  --fragment F   the config as a URL fragment, e.g. 'v=2&preset=limit&alpha=0.7&d=5'
                 (omitted keys take the preset's defaults)
  --json         machine-readable output
  -h, --help     this text
  -V, --version  the version";

/// The parsed command line.
pub struct Args {
    pub command: String,
    /// A second word (`caulk bench batching`).
    pub what: Option<String>,
    pub fragment: Option<String>,
    pub json: bool,
    pub out: Option<String>,
    /// `--k`: the K values of `caulk bench batching`.
    pub ks: Option<Vec<usize>>,
    /// `--reps`: replications of `caulk bench coverage`.
    pub reps: Option<usize>,
    /// `--lesson`: a lesson file whose steps `caulk bake` bakes.
    pub lesson: Option<String>,
    /// `--table`: the measured table `caulk import` reads.
    pub table: Option<String>,
}

/// Largest K `--k` takes (the table trains K models at once on the CPU, too).
const MAX_BENCH_K: usize = 1024;

/// `--k 1,64,132,133`: 1 to 16 model counts, each 1 to [`MAX_BENCH_K`].
fn parse_ks(v: &str) -> Result<Vec<usize>, Fail> {
    let bad = |why: String| usage(format!("--k: {why}; e.g. --k 1,4,16,64,256"));
    let ks = v
        .split(',')
        .map(|t| match t.trim().parse::<usize>() {
            Ok(k) if (1..=MAX_BENCH_K).contains(&k) => Ok(k),
            _ => Err(bad(format!(
                "{t:?} is not a model count from 1 to {MAX_BENCH_K}"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ks.len() > 16 {
        return Err(bad(format!("{} values, at most 16", ks.len())));
    }
    Ok(ks)
}

/// The command line without the program name: None for `--help`.
pub fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, Fail> {
    let mut command = None;
    let mut what = None;
    let mut fragment = None;
    let mut json = false;
    let mut out = None;
    let mut ks = None;
    let mut reps = None;
    let mut lesson = None;
    let mut table = None;
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
                    .ok_or_else(|| usage("--fragment needs a value, e.g. --fragment 'v=2&d=3'"))?;
                fragment = Some(v);
            }
            "--out" => {
                out = Some(raw.next().ok_or_else(|| usage("--out needs a directory"))?);
            }
            "--lesson" => {
                lesson = Some(raw.next().ok_or_else(|| {
                    usage("--lesson needs a lesson file, e.g. --lesson www/lessons/caulking.json")
                })?);
            }
            "--table" => {
                table = Some(raw.next().ok_or_else(|| {
                    usage("--table needs a CSV or JSON file of method, m, n, error[, lo, hi]")
                })?);
            }
            "--k" => {
                let v = raw
                    .next()
                    .ok_or_else(|| usage("--k needs a comma list, e.g. --k 1,4,16,64,256"))?;
                ks = Some(parse_ks(&v)?);
            }
            "--reps" => {
                let v = raw
                    .next()
                    .ok_or_else(|| usage("--reps needs a number, e.g. --reps 2000"))?;
                reps = Some(
                    v.parse::<usize>()
                        .ok()
                        .filter(|r| (100..=100_000).contains(r))
                        .ok_or_else(|| {
                            usage(format!("--reps {v:?}: a whole number in 100-100000"))
                        })?,
                );
            }
            s if s.starts_with("--fragment=") => {
                fragment = Some(s["--fragment=".len()..].to_string());
            }
            s if s.starts_with('-') => {
                return Err(usage(format!("unknown option {s:?}; {USAGE}")));
            }
            s if command.is_none() => command = Some(s.to_string()),
            s if command.as_deref() == Some("bench") && what.is_none() => {
                what = Some(s.to_string())
            }
            s => return Err(usage(format!("unexpected argument {s:?}; {USAGE}"))),
        }
    }
    let command = command.ok_or_else(|| usage(USAGE))?;
    if ks.is_some() && (command != "bench" || what.as_deref() != Some("batching")) {
        return Err(usage("--k applies to caulk bench batching only"));
    }
    if lesson.is_some() && (command != "bake" || fragment.is_some()) {
        return Err(usage(
            "--lesson applies to caulk bake only, without --fragment",
        ));
    }
    if table.is_some() != (command == "import") {
        return Err(usage(
            "caulk import reads --table FILE, and only import does",
        ));
    }
    Ok(Some(Args {
        command,
        what,
        fragment,
        json,
        out,
        ks,
        reps,
        lesson,
        table,
    }))
}

/// The config of `--fragment` (strict: the first error fails), warnings printed to stderr,
/// and the keys the fragment gave.
pub fn load_config(fragment: Option<&str>) -> Result<(Config, Vec<String>), Fail> {
    let parsed = parse_fragment(fragment.unwrap_or(""));
    if let Some(e) = parsed.errors.into_iter().next() {
        return Err(usage(format!("bad config: {e}")));
    }
    for w in parsed.warnings {
        noteln!("caulk: warning: {w}");
    }
    Ok((parsed.config, parsed.given))
}

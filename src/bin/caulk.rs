//! `caulk`: the native CLI. Same config, theory and compute as the page, headless.
//!
//! ```text
//! caulk config --fragment 'v=1&...'          validated config as JSON
//! caulk bounds [--fragment '...'] [--json]   theory bounds (JSON: the contract schema)
//! caulk device [--json]                      the GPU wgpu finds here, after a self-check
//! caulk run [--fragment '...'] [--json] [--out DIR]   run a preset's sweep
//! caulk bench [presets|batching|gemm] [--json] [--k 1,4,...]  preset wall times (CPU); the K-model table
//! caulk bake [--fragment '...'] [--out DIR]   results shipped with the page (DIR/<key>.json)
//! ```
//!
//! Every error is one line on stderr and a non-zero exit (2: bad input, 1: failure).

use std::io::Write;
use std::process::ExitCode;

use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::{gpu_for_sweeps, probe_device, Backend};
use caulk::config::keys::BOUND_IDS;
use caulk::config::{parse_fragment, BackendChoice, Config, Preset};
use caulk::experiment::batching::KS;
use caulk::experiment::plan::{device_rates, human_bytes};
use caulk::experiment::{self, no_pause, run_shard, run_sweep, Cancel, Results, Shard};
use caulk::theory;

const USAGE: &str =
    "usage: caulk <config|bounds|run|bake|bench [presets|batching|gemm]|device> [--fragment 'v=1&key=value&...'] [--json] [--out DIR] [--k LIST]";

const HELP: &str = "caulk: Caulk Lab, headless

commands:
  config --fragment F        print the validated config as JSON
  bounds [--fragment F]      theoretical bounds on the config's n-window (all six, or
                             those the fragment's bounds= key names; one curve per m
                             for bounds with a source-size term)
         [--json]            as one JSON object {params, bounds: [...], n_eps_vs_m, phase}
  run [--fragment F]         run the preset's sweep (seeds × n × m × method) and print
         [--json]            the curves as one JSON object {config, backend, curves, ...}
         [--out DIR]         or write DIR/results.json and DIR/results.csv
  bake [--fragment F]        run the sweep on the CPU and write its results where the
         [--out DIR]         page finds them: DIR/<key>.json (default www/baked/); a
                             link to exactly that config then shows them at once
  bench [presets|batching|gemm]   presets (the default): wall time of each preset's default
                             sweep on this CPU, next to its estimate; batching: K models
                             trained at once, K = 1 … 256, on the GPU and the CPU side
                             by side (model-steps/s, scaling, dispatches, submits and
                             readbacks per step; a correctness check against the CPU);
                             gemm: the CPU GEMM's GFLOP/s against a peak probe
         [--k 1,4,16,...]    batching: these K (1-1024; scaling is against the first)
         [--json]            as one JSON object
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
    /// A second word (`caulk bench batching`).
    what: Option<String>,
    fragment: Option<String>,
    json: bool,
    out: Option<String>,
    /// `--k`: the K values of `caulk bench batching`.
    ks: Option<Vec<usize>>,
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

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, Fail> {
    let mut command = None;
    let mut what = None;
    let mut fragment = None;
    let mut json = false;
    let mut out = None;
    let mut ks = None;
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
            "--out" => {
                out = Some(raw.next().ok_or_else(|| usage("--out needs a directory"))?);
            }
            "--k" => {
                let v = raw
                    .next()
                    .ok_or_else(|| usage("--k needs a comma list, e.g. --k 1,4,16,64,256"))?;
                ks = Some(parse_ks(&v)?);
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
    Ok(Some(Args {
        command,
        what,
        fragment,
        json,
        out,
        ks,
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
        "run" => {
            let (c, _) = load_config(args.fragment.as_deref())?;
            run_command(&c, args.json, args.out.as_deref())
        }
        "bake" => {
            let (mut c, _) = load_config(args.fragment.as_deref())?;
            // Baked numbers come from the CPU path (deterministic everywhere).
            c.backend = BackendChoice::Cpu;
            let dir = std::path::Path::new(args.out.as_deref().unwrap_or("www/baked"));
            std::fs::create_dir_all(dir)
                .map_err(|e| Fail(format!("cannot create {}: {e}", dir.display()), 1))?;
            let results = sweep(&c, false)?;
            let path = dir.join(experiment::baked::file_name(&c));
            std::fs::write(
                &path,
                serde_json::to_string(&results)
                    .map_err(|e| Fail(format!("cannot encode JSON: {e}"), 1))?,
            )
            .map_err(|e| Fail(format!("cannot write {}: {e}", path.display()), 1))?;
            emit(&path.display().to_string())
        }
        "bench" => match args.what.as_deref() {
            None | Some("presets") => bench_command(args.json),
            Some("batching") => batching_command(args.json, args.ks.as_deref().unwrap_or(&KS)),
            Some("gemm") => {
                let report = experiment::gemm::gemm_table(&clock, 0.3);
                if args.json {
                    return emit(&to_json(&report)?);
                }
                let mut text = format!(
                    "CPU GEMM (matrixmultiply sgemm), n×n·n×n; peak probe {:.1} GFLOP/s\n{:>5} {:>9} {:>8}",
                    report.peak_gflops, "n", "GFLOP/s", "of peak"
                );
                for r in &report.rows {
                    text.push_str(&format!(
                        "\n{:>5} {:>9.1} {:>8.2}",
                        r.n, r.gflops, r.of_peak
                    ));
                }
                emit(&text)
            }
            Some(other) => Err(usage(format!(
                "unknown benchmark {other:?}; caulk bench [presets|batching|gemm]"
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

/// Seconds since the first call.
fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

/// Run a sweep with a progress bar on stderr when it is a terminal.
fn sweep(c: &Config, quiet: bool) -> Result<Results, Fail> {
    use std::io::IsTerminal;
    let plan = experiment::plan(c).map_err(|e| usage(format!("bad config: {e}")))?;
    let rates = device_rates(&clock);
    let est = experiment::estimate(&plan, c, rates);
    if est.bytes > est.memory_limit {
        return Err(usage(format!(
            "bad config: the sweep needs about {} of memory, over the {} limit; lower width, depth, seeds, m or n",
            human_bytes(est.bytes),
            human_bytes(est.memory_limit)
        )));
    }
    let gpu = pollster::block_on(gpu_for_sweeps(c.backend))
        .map_err(|e| usage(format!("backend: gpu was requested but {e}")))?;
    // On the CPU the seeds are split among this many threads (the estimate is for one); the
    // GPU runs them all in one.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match gpu {
        Some(_) => 1,
        None => est.shards.clamp(1, cores),
    };
    if !quiet {
        let shares = est.shards.max(1);
        let wall = est.seconds * shares.div_ceil(threads) as f64 / shares as f64;
        let wall = match wall < 1.0 {
            true => "under 1 s".to_string(),
            false => format!("about {wall:.0} s"),
        };
        eprintln!(
            "caulk: {} units, {wall} on this CPU in {threads} thread{} ({:.2e} FLOP at {:.2e} FLOP/s, {:.2e} ridge cosines at {:.2e}/s), {} of memory",
            est.units, if threads == 1 { "" } else { "s" }, est.flops, rates.flops, est.ridges, rates.ridges, human_bytes(est.bytes)
        );
    }
    let bar = std::io::stderr().is_terminal() && !quiet;
    // Progress of every shard (done, total), drawn as one bar.
    let shown = std::sync::Mutex::new(Vec::<(usize, usize)>::new());
    let draw = |shard: usize, p: &experiment::Progress| {
        if !bar {
            return;
        }
        // A poisoned lock only means another shard's thread panicked mid-draw; the counts
        // are still plain numbers.
        let mut all = shown.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() <= shard {
            all.resize(shard + 1, (0, 0));
        }
        all[shard] = (p.done, p.total);
        let (done, total) = all.iter().fold((0, 0), |a, s| (a.0 + s.0, a.1 + s.1));
        let width = 30;
        let filled = (width * done / total.max(1)).min(width);
        eprint!(
            "\r[{}{}] {:>3}% {}/{}  {:.0} s left  {:<40.40}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            100 * done / total.max(1),
            done,
            total,
            p.eta_s,
            p.point
        );
    };
    let cancel = Cancel::new();
    let on_device = |note: &str| eprintln!("\ncaulk: {note}");
    let results = match &gpu {
        Some(g) => pollster::block_on(run_sweep(
            c,
            g,
            rates,
            &clock,
            &mut |p| draw(0, p),
            &mut |n| on_device(n),
            &cancel,
        )),
        None => {
            // On the CPU the seeds are split into shards on the cores, as the page splits
            // them among workers; the merged results equal one run of the whole sweep.
            let count = threads;
            let parts: Vec<Option<caulk::Result<Results>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..count)
                    .map(|index| {
                        let (draw, on_device, cancel) = (&draw, &on_device, &cancel);
                        scope.spawn(move || {
                            pollster::block_on(run_shard(
                                c,
                                Shard { index, count },
                                &CpuBackend,
                                rates,
                                &clock,
                                &mut |p| draw(index, p),
                                &mut |n| on_device(n),
                                &no_pause,
                                cancel,
                            ))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            });
            let parts: Option<caulk::Result<Vec<Results>>> = parts.into_iter().collect();
            parts
                .ok_or_else(|| Fail("run failed: a shard's thread stopped".into(), 1))?
                .and_then(|parts| experiment::merge(c, parts))
        }
    }
    .map_err(|e| Fail(format!("run failed: {e}"), 1))?;
    if bar {
        eprintln!();
    }
    Ok(results)
}

fn run_command(c: &Config, json: bool, out: Option<&str>) -> Result<(), Fail> {
    let results = sweep(c, false)?;
    if let Some(dir) = out {
        let dir = std::path::Path::new(dir);
        std::fs::create_dir_all(dir)
            .map_err(|e| Fail(format!("cannot create {}: {e}", dir.display()), 1))?;
        for (name, text) in [
            ("results.json", to_json(&results)?),
            ("results.csv", results.to_csv()),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .map_err(|e| Fail(format!("cannot write {}: {e}", path.display()), 1))?;
        }
        eprintln!(
            "caulk: wrote {}/results.json and results.csv",
            dir.display()
        );
    }
    if json {
        return emit(&to_json(&results)?);
    }
    if out.is_some() {
        return Ok(());
    }
    let mut text = format!(
        "{}\n{:<40} {:>8} {:>18} {:>9}  risk at n = {:?}",
        results.prediction, "curve", "slope", "95 % CI", "theory", results.config.n
    );
    for cv in &results.curves {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
        let risks: Vec<String> = cv
            .risk_mean
            .iter()
            .map(|r| r.map_or("-".into(), |x| format!("{x:.2e}")))
            .collect();
        text.push_str(&format!(
            "\n{:<40} {:>8} {:>18} {:>9}  {}",
            cv.label,
            f(cv.slope),
            format!("[{}, {}]", f(cv.slope_lo), f(cv.slope_hi)),
            f(cv.predicted_slope),
            risks.join(" ")
        ));
        for flag in cv.flags.iter().chain(&cv.notes) {
            text.push_str(&format!("\n    note: {flag}"));
        }
    }
    if let Some(r) = results.constant_risk {
        text.push_str(&format!("\nconstant predictor: {r:.2e}"));
    }
    text.push_str(&format!("\n{:.1} s", results.elapsed_ms / 1000.0));
    emit(&text)
}

fn bench_command(json: bool) -> Result<(), Fail> {
    let mut rows = Vec::new();
    for preset in [
        Preset::Limit,
        Preset::Scratch,
        Preset::Headline,
        Preset::Peft,
    ] {
        let c = Config::for_preset(preset);
        let r = sweep(&c, true)?;
        rows.push(serde_json::json!({
            "preset": c.preset,
            "runs": r.estimate.units,
            "wall_s": r.elapsed_ms / 1000.0,
            "estimated_s": r.estimate.seconds,
            "estimate_ratio": r.estimate.seconds / (r.elapsed_ms / 1000.0).max(1e-9),
        }));
        if !json {
            eprintln!(
                "caulk bench: {:?} done in {:.1} s",
                preset,
                r.elapsed_ms / 1000.0
            );
        }
    }
    let report = serde_json::json!({ "bench": "preset-defaults-cpu", "presets": rows });
    if json {
        return emit(&to_json(&report)?);
    }
    let mut text = format!(
        "{:<10} {:>6} {:>9} {:>12} {:>9}",
        "preset", "runs", "wall s", "estimated s", "est/wall"
    );
    for r in &rows {
        text.push_str(&format!(
            "\n{:<10} {:>6} {:>9.1} {:>12.1} {:>9.2}",
            r["preset"].as_str().unwrap_or("?"),
            r["runs"],
            r["wall_s"].as_f64().unwrap_or(0.0),
            r["estimated_s"].as_f64().unwrap_or(0.0),
            r["estimate_ratio"].as_f64().unwrap_or(0.0)
        ));
    }
    emit(&text)
}

/// `caulk bench batching`: the K-model table on the GPU (when one opens) and the CPU.
fn batching_command(json: bool, ks: &[usize]) -> Result<(), Fail> {
    use caulk::experiment::batching::{agreement, batching_table, Work};
    let setup = experiment::batching::BatchingSetup::default();
    let fail = |e: caulk::Error| Fail(format!("bench failed: {e}"), 1);
    let no_work = || Work::default();
    let cpu = pollster::block_on(batching_table(&CpuBackend, &setup, ks, &no_work, &clock))
        .map_err(fail)?;
    let gpu = pollster::block_on(GpuBackend::new()).ok();
    let (gpu_rows, device, check) = match &gpu {
        Some(g) => {
            let work = || Work::from(g.counters());
            g.time_passes(true);
            let rows =
                pollster::block_on(batching_table(g, &setup, ks, &work, &clock)).map_err(fail)?;
            g.time_passes(false);
            let check = pollster::block_on(agreement(g, &setup, &clock)).map_err(fail)?;
            (Some(rows), g.describe(), Some((check, g.is_software())))
        }
        None => (None, "no GPU".to_string(), None),
    };
    let report = serde_json::json!({
        "bench": "batching",
        "setup": setup,
        "gpu": device,
        "gpu_software": check.map(|c| c.1),
        "gpu_vs_cpu_best_loss_max_rel_diff": check.map(|c| c.0),
        "gpu_rows": gpu_rows,
        "cpu_rows": cpu,
    });
    if json {
        return emit(&to_json(&report)?);
    }
    let mut text = format!(
        "K models trained together, {} steps each (full fine-tuning, width {}, depth {}, batch {})\nGPU: {device}\n{:>4} {:>14} {:>8} {:>14} {:>8} {:>9} {:>11} {:>9} {:>11} {:>9}",
        setup.steps,
        setup.arch.width,
        setup.arch.depth,
        setup.batch,
        "K",
        "GPU steps/s",
        "scaling",
        "CPU steps/s",
        "scaling",
        "GPU/CPU",
        "dispatch/st",
        "submit/st",
        "readback/st",
        "GPU busy"
    );
    for (i, c) in cpu.iter().enumerate() {
        let g = gpu_rows.as_ref().and_then(|r| r.get(i));
        let f = |v: Option<f64>, p: usize| v.map_or("-".to_string(), |x| format!("{x:.p$}"));
        text.push_str(&format!(
            "\n{:>4} {:>14} {:>8} {:>14.0} {:>8.2} {:>9} {:>11} {:>9} {:>11} {:>9}",
            c.k,
            f(g.map(|g| g.model_steps_per_s), 0),
            f(g.map(|g| g.scaling), 2),
            c.model_steps_per_s,
            c.scaling,
            f(g.map(|g| g.model_steps_per_s / c.model_steps_per_s), 2),
            f(g.map(|g| g.dispatches_per_step), 2),
            f(g.map(|g| g.submits_per_step), 2),
            f(g.map(|g| g.readbacks_per_step), 2),
            f(g.and_then(|g| g.device_ms.map(|d| d / g.wall_ms)), 2),
        ));
    }
    text.push_str(
        "\nGPU busy: the device's time in the run's passes (timestamp queries) over its wall time; \
         the rest is host work and waiting (- where the device has no timestamps)",
    );
    if let Some((diff, software)) = check {
        text.push_str(&format!(
            "\ncheck: best validation losses of 4 models, GPU vs CPU: max relative difference {diff:.1e}{}",
            if software {
                " (software adapter: the rates above check correctness, not speed)"
            } else {
                ""
            }
        ));
    }
    emit(&text)
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

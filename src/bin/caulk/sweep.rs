//! `caulk run` (and `bake`'s and `bench`'s sweeps): the estimate on stderr, then the sweep
//! on the GPU (all seeds at once) or split by seed among the CPU's cores (merged into
//! exactly the whole sweep's results), with a progress bar when stderr is a terminal.

use caulk::backend::cpu::CpuBackend;
use caulk::backend::Backend;
use caulk::config::Config;
use caulk::experiment::sweep::cost::human_bytes;
use caulk::experiment::sweep::prepare::{prepare, GpuProbe, PrepareError, Prepared};
use caulk::experiment::sweep::rates::device_rates;
use caulk::experiment::{self, no_pause, run_shard, run_sweep, Cancel, Results, Shard};

use crate::{clock, emit, to_json, usage, Fail};

/// Run a sweep (with a progress bar on stderr when it is a terminal), then its steadiness
/// check where it trains a network.
pub fn sweep(c: &Config, quiet: bool) -> Result<Results, Fail> {
    let mut results = run_config(c, quiet)?;
    // Steadiness: the whole sweep again from perturbed starting weights (experiment::run::steady).
    match experiment::run::steady::twin(c, true) {
        _ if results.cancelled => {}
        experiment::run::steady::Twin::Run(twin) => {
            if !quiet {
                noteln!(
                    "caulk: checking steadiness (every seed again from starting weights perturbed by 1e-6)"
                );
            }
            let twin = run_config(&twin, true)?;
            experiment::run::steady::apply(&mut results, &twin);
        }
        experiment::run::steady::Twin::Skip(why) => results.steadiness = Some(why),
    }
    Ok(results)
}

/// One sweep of `c` on the native GPU or the CPU's cores, with a progress bar unless `quiet`.
pub fn run_config(c: &Config, quiet: bool) -> Result<Results, Fail> {
    use std::io::IsTerminal;
    let prepared = pollster::block_on(prepare(
        c,
        device_rates(&clock),
        GpuProbe::KeepDevice,
        true,
        &clock,
    ))
    .map_err(|e| match e {
        PrepareError::Probe(_) => Fail(e.to_string(), 1),
        _ => usage(e.to_string()),
    })?;
    let Prepared {
        rates,
        estimate: est,
        gpu,
        ..
    } = prepared;
    // On the CPU the seeds are split among this many threads (the estimate is for one); the
    // GPU runs them all in one.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = match gpu {
        Some(_) => 1,
        None => est.shards.clamp(1, cores),
    };
    if !quiet {
        let wall = est.wall_seconds(threads);
        let wall = match wall < 1.0 {
            true => "under 1 s".to_string(),
            false => format!("about {wall:.0} s"),
        };
        let place = match &gpu {
            Some(g) => format!("training on {}", g.describe()),
            None => format!(
                "on this CPU in {threads} thread{}",
                if threads == 1 { "" } else { "s" }
            ),
        };
        let on_gpu = match &gpu {
            Some(_) => format!(", {:.1} s of GPU training", est.gpu_s),
            None => String::new(),
        };
        noteln!(
            "caulk: {} units, {wall} {place} ({:.2e} FLOP at {:.2e} FLOP/s, {:.2e} ridge cosines at {:.2e}/s{on_gpu}), {} of memory",
            est.units, est.flops, rates.flops, est.ridges, rates.ridges, human_bytes(est.bytes)
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
        note!(
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
    let on_device = |note: &str| noteln!("\ncaulk: {note}");
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
        noteln!();
    }
    Ok(results)
}

/// `caulk run`: the sweep as a table, JSON, or files in `out`.
pub fn run_command(c: &Config, json: bool, out: Option<&str>) -> Result<(), Fail> {
    report(&sweep(c, false)?, json, out)
}

/// Results (a sweep's or an imported table's) as the table, the JSON, or files in `out`.
pub fn report(results: &Results, json: bool, out: Option<&str>) -> Result<(), Fail> {
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
        noteln!(
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
        "{}\n{:<40} {:>8} {:>18} {:>9} {:>9}  risk at n = {:?}",
        results.prediction,
        "curve",
        "slope",
        "95 % CI",
        "theory",
        format!("n_ε({})", results.config.eps),
        results.config.n
    );
    let shared = results.shared_flags();
    for flag in &shared {
        text.push_str(&format!("\nnote (every curve): {flag}"));
    }
    for cv in &results.curves {
        let f = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
        let risks: Vec<String> = cv
            .risk_mean
            .iter()
            .map(|r| r.map_or("-".into(), |x| format!("{x:.2e}")))
            .collect();
        text.push_str(&format!(
            "\n{:<40} {:>8} {:>18} {:>9} {:>9}  {}",
            cv.label,
            f(cv.slope),
            format!("[{}, {}]", f(cv.slope_lo), f(cv.slope_hi)),
            f(cv.predicted_slope),
            cv.n_eps.map_or("-".into(), |n| format!("{n:.0}")),
            risks.join(" ")
        ));
        for flag in cv
            .flags
            .iter()
            .filter(|f| !shared.contains(f))
            .chain(&cv.notes)
        {
            text.push_str(&format!("\n    note: {flag}"));
        }
    }
    if let Some(r) = results.constant_risk {
        text.push_str(&format!("\nconstant predictor: {r:.2e}"));
    }
    if let Some(s) = &results.steadiness {
        text.push_str(&format!("\n{s}"));
    }
    if let Some(claim) = &results.claim {
        text.push_str(&claim_table(claim));
    }
    text.push_str(&format!("\n{:.1} s", results.elapsed_ms / 1000.0));
    emit(&text)
}

/// The title claim as a table: per (method, width), per m the risk at one n and n_ε read off
/// the curve (with 95 % intervals; "> n_max" where ε is not reached in the grid)
/// beside the calibrated `caulk_m` bound's n_ε (where the claim has one: not on real data).
fn claim_table(claim: &caulk::experiment::analysis::claim::Claim) -> String {
    let n_max = claim.n_max;
    let bound = claim.series.iter().any(|s| s.c.is_some());
    let n_text = |v: Option<f64>| v.map_or(format!("> {n_max}"), |x| format!("{x:.0}"));
    let num = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.2e}"));
    let mut text = format!(
        "\nclaim: n_ε falls as m grows (ε = {}; risk at n = {})\n{:<28} {:>8} {:>9} {:>21} {:>9} {:>19} {:>10}",
        claim.eps, claim.n, "series", "m", "risk", "95 % CI", "n_ε", "95 % CI", if bound { "bound n_ε" } else { "" }
    );
    for s in &claim.series {
        for row in &s.rows {
            text.push_str(&format!(
                "\n{:<28} {:>8} {:>9} {:>21} {:>9} {:>19} {:>10}",
                s.label,
                row.m,
                num(row.risk),
                format!("[{}, {}]", num(row.risk_lo), num(row.risk_hi)),
                row.n_eps
                    .map_or(format!("> {n_max}"), |x| format!("{x:.0}")),
                format!("[{}, {}]", n_text(row.n_eps_lo), n_text(row.n_eps_hi)),
                match bound {
                    true => row
                        .bound_n_eps
                        .map_or("floor ≥ ε".to_string(), |x| format!("{x:.0}")),
                    false => String::new(),
                },
            ));
        }
        if s.c.is_none() {
            continue;
        }
        text.push_str(&format!(
            "\n{:<28} caulk_m calibrated: C = {}, C_pre = {}; limit rate's n_ε = {}",
            "",
            num(s.c),
            num(s.c_pre),
            s.limit_n_eps.map_or("-".into(), |x| format!("{x:.0}"))
        ));
        if let Some(f) = &s.model {
            text.push_str(&format!(
                "\n{:<28} caulk_m fit (C, C_pre shared by every m; n^{:.3}): {} of {} points inside their 95 % CI",
                "", f.exponent, f.inside, f.points
            ));
            for row in &f.rows {
                text.push_str(&format!(
                    "\n{:<28} m = {}: {}/{} inside, rms log residual {:.2}{}",
                    "",
                    row.m,
                    row.inside,
                    row.points,
                    row.log_rms,
                    row.miss
                        .as_ref()
                        .map_or(String::new(), |m| format!("; misses: {m}"))
                ));
            }
        }
    }
    text
}

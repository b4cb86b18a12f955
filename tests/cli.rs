//! The `caulk` binary as a user runs it: contract JSON, one-line errors, exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

/// Run the binary as on a headless server: no `XDG_RUNTIME_DIR` (Mesa complains without it
/// unless the CLI quiets it).
fn caulk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caulk"))
        .args(args)
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .expect("run caulk")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

#[test]
fn bounds_json_follows_the_contract() {
    let all = "caulk_limit,caulk_m,scratch,compositional,representation,task_diversity";
    let frag = format!("v=1&alpha=0.7&beta=1&d=5&m=1000&bounds={all}");
    let v = json(&caulk(&["bounds", "--fragment", &frag, "--json"]));
    assert_eq!(v["params"]["alpha"], 0.7);
    let bounds = v["bounds"].as_array().unwrap();
    let ids: Vec<&str> = bounds.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids.join(","), all);
    let status: Vec<&str> = bounds
        .iter()
        .map(|b| b["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["paper", "model", "standard", "standard", "standard", "standard"]
    );
    for b in bounds {
        for key in ["id", "status", "citation", "slope", "n", "risk", "n_eps"] {
            assert!(b.get(key).is_some(), "{key} missing");
        }
        assert_eq!(
            b["n"].as_array().unwrap().len(),
            b["risk"].as_array().unwrap().len()
        );
    }
    // s = 0.7: slope −1.4/2.4; scratch s* = 0.7, d = 5: −1.4/6.4.
    assert!((bounds[0]["slope"].as_f64().unwrap() + 1.4 / 2.4).abs() < 1e-12);
    assert!((bounds[2]["slope"].as_f64().unwrap() + 1.4 / 6.4).abs() < 1e-12);
    // caulk_m at m = 1000 has a floor above the default ε, so n_ε is null with a reason.
    assert!(bounds[1]["n_eps"].is_null());
    assert!(bounds[1]["n_eps_note"].as_str().unwrap().contains("floor"));
}

#[test]
fn bounds_json_equals_the_library_report() {
    let frag = "v=1&alpha=0.35&beta=0.9&d=7&n=10,20000&bounds=caulk_m,scratch";
    let v = json(&caulk(&["bounds", "--fragment", frag, "--json"]));
    let (c, _) = caulk::config::Config::from_fragment(frag).unwrap();
    let lib = serde_json::to_value(caulk::theory::evaluate(&c)).unwrap();
    assert_eq!(v, lib);
}

#[test]
fn bounds_lists_all_seven_unless_the_fragment_names_some() {
    let v = json(&caulk(&["bounds", "--json"]));
    assert_eq!(v["bounds"].as_array().unwrap().len(), 7);
    let v = json(&caulk(&[
        "bounds",
        "--fragment",
        "v=1&bounds=scratch",
        "--json",
    ]));
    assert_eq!(v["bounds"].as_array().unwrap().len(), 1);
    let out = caulk(&["bounds"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2 + 7);
}

#[test]
fn config_prints_the_validated_config() {
    let v = json(&caulk(&[
        "config",
        "--fragment",
        "#v=1&preset=headline&d=4",
    ]));
    assert_eq!(v["preset"], "headline");
    assert_eq!(v["d"], 4);
    assert_eq!(
        v["methods"],
        serde_json::json!(["caulk-spline", "caulk-adapter"])
    );
}

#[test]
fn bad_input_is_one_line_naming_the_key_and_a_nonzero_exit() {
    for (args, needle) in [
        (vec!["config", "--fragment", "v=1&alpha=1.5"], "alpha"),
        (vec!["config", "--fragment", "v=1&n=8,4"], "n"),
        (vec!["bounds", "--fragment", "v=1&d=abc", "--json"], "d"),
        (vec!["config", "--fragment", "v=9"], "v"),
        (vec!["config"], "--fragment"),
        (vec!["bounds", "--fragment"], "--fragment"),
        (vec!["bogus"], "bogus"),
        (vec!["bounds", "--nope"], "--nope"),
        (vec!["bench", "nope"], "nope"),
        (vec!["bench", "batching", "--k", "1,0"], "--k"),
        (vec!["bench", "batching", "--k", "4,x"], "\"x\""),
        (vec!["bench", "batching", "--k"], "--k"),
        (vec!["run", "--k", "4"], "--k"),
        (
            vec![
                "run",
                "--fragment",
                "v=1&preset=headline&width=1024&depth=6&seeds=32&m=1000000",
            ],
            "memory",
        ),
        (vec![], "usage"),
    ] {
        let out = caulk(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn unknown_keys_warn_but_succeed() {
    let out = caulk(&["config", "--fragment", "v=1&colour=blue"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("colour: unknown key"));
}

#[test]
fn device_reports_the_gpu_path() {
    let out = caulk(&["device", "--json"]);
    // Nothing on stderr: no driver noise (Mesa's "XDG_RUNTIME_DIR is invalid or not set").
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let v = json(&out);
    // CI installs lavapipe, so the GPU path must be taken; a fallback is a failure.
    assert_eq!(v["gpu"], true, "{v}");
    assert!(
        !v["line"].as_str().unwrap().starts_with("CPU fallback"),
        "{v}"
    );
    // lavapipe is a software adapter: sweeps (backend=auto) run on the CPU, and it says so.
    assert_eq!(v["sweeps_on_gpu"], false, "{v}");
    assert!(
        v["line"]
            .as_str()
            .unwrap()
            .contains("sweeps run on the CPU"),
        "{v}"
    );
}

#[test]
fn run_prints_the_contract_json_and_writes_json_and_csv() {
    let frag = "v=1&preset=limit&seeds=2&n=64,128,256,512";
    let v = json(&caulk(&["run", "--fragment", frag, "--json"]));
    for key in ["config", "backend", "curves", "elapsed_ms"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    let curve = &v["curves"][0];
    for key in [
        "label",
        "method",
        "m",
        "width",
        "n",
        "risk_mean",
        "risk_lo",
        "risk_hi",
        "slope",
        "slope_lo",
        "slope_hi",
        "predicted_slope",
    ] {
        assert!(curve.get(key).is_some(), "{key} missing");
    }
    assert_eq!(curve["method"], "caulk-spline");
    assert_eq!(curve["risk_mean"].as_array().unwrap().len(), 4);
    assert!((curve["predicted_slope"].as_f64().unwrap() + 0.5).abs() < 1e-12);

    let dir = std::env::temp_dir().join(format!("caulk-cli-{}", std::process::id()));
    let out = caulk(&["run", "--fragment", frag, "--out", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    // Same seeds, same numbers.
    assert_eq!(written["curves"][0]["risk_mean"], curve["risk_mean"]);
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("label,method,m,width,n,risk_mean"));
    assert_eq!(lines.len(), 1 + 4);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_closed_stderr_loses_neither_the_run_nor_its_results() {
    // `caulk run 2>&1 | head -1` closes stderr under a running sweep: its notes must not
    // panic (exit 101) and the results still reach stdout.
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_caulk"))
        .args([
            "run",
            "--fragment",
            "v=1&preset=limit&seeds=2&n=64,128",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run caulk");
    // Closing the read end before the first note makes every write to stderr fail (EPIPE).
    drop(child.stderr.take());
    let out = child.wait_with_output().expect("wait for caulk");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("results on stdout");
    assert_eq!(v["curves"][0]["risk_mean"].as_array().unwrap().len(), 2);
}

#[test]
fn run_refuses_preset_method_mismatches_with_one_line() {
    for (frag, key) in [
        ("v=1&preset=limit&methods=full", "methods"),
        ("v=1&preset=scratch&methods=caulk-spline", "methods"),
    ] {
        let out = caulk(&["run", "--fragment", frag]);
        assert_eq!(out.status.code(), Some(2), "{frag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(key), "{err}");
    }
}

#[test]
fn run_on_the_gpu_matches_the_cpu_kernels() {
    // A tiny scratch sweep: all seeds train together on the backend.
    let frag = "v=1&preset=scratch&n=16,32,64,128&seeds=2&steps=20&width=8";
    let cpu = json(&caulk(&[
        "run",
        "--fragment",
        &format!("{frag}&backend=cpu"),
        "--json",
    ]));
    let gpu = json(&caulk(&[
        "run",
        "--fragment",
        &format!("{frag}&backend=gpu"),
        "--json",
    ]));
    assert!(
        gpu["backend"].as_str().unwrap().starts_with("Vulkan: "),
        "{}",
        gpu["backend"]
    );
    assert!(
        cpu["backend"].as_str().unwrap().starts_with("CPU"),
        "{}",
        cpu["backend"]
    );
    let (a, b) = (
        &cpu["curves"][0]["risk_mean"],
        &gpu["curves"][0]["risk_mean"],
    );
    for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
        let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
        // Both are f32 kernels running the same algebra; only summation orders differ.
        assert!((x - y).abs() <= 0.01 * x.abs(), "CPU {x} vs GPU {y}");
    }
}

#[test]
fn run_on_several_cores_gives_exactly_the_whole_sweep() {
    use caulk::backend::cpu::CpuBackend;
    use caulk::config::Config;
    use caulk::experiment::{run_sweep, Cancel, Rates};
    // Two seeds: the CLI runs them as shards on the cores and merges them.
    let frag =
        "v=1&preset=headline&seeds=2&m=300,1000,3000&n=64,128&methods=caulk-spline&steps=40&backend=cpu";
    let v = json(&caulk(&["run", "--fragment", frag, "--json"]));
    let (c, _) = Config::from_fragment(frag).unwrap();
    let rates = Rates::cpu(1e9, 1e7);
    let whole = pollster::block_on(run_sweep(
        &c,
        &CpuBackend,
        rates,
        &|| 0.0,
        &mut |_| {},
        &mut |_| {},
        &Cancel::new(),
    ))
    .unwrap();
    assert_eq!(v["curves"], serde_json::to_value(&whole.curves).unwrap());
    assert_eq!(v["estimate"]["shards"], 2);
    // The merged estimate counts the work of the whole sweep once.
    assert_eq!(v["estimate"]["units"], whole.estimate.units);
    let flops = v["estimate"]["flops"].as_f64().unwrap();
    assert!(
        (flops / whole.estimate.flops - 1.0).abs() < 1e-12,
        "{flops}"
    );
}

#[test]
fn the_table_says_a_flag_of_every_curve_once_and_n_eps_per_curve() {
    // Three n: every curve's slope rests on 3 points; the table says so once, above them.
    let out = caulk(&[
        "run",
        "--fragment",
        "v=1&preset=peft&seeds=1&m=300&n=64,128,256&methods=caulk-spline,linear-probe",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.matches("rests on 3 points").count(), 1, "{table}");
    assert!(
        table.contains("\nnote (every curve): the slope rests on 3 points"),
        "{table}"
    );
    // n_ε read off each curve, for the config's ε (0.02 by default).
    assert!(table.contains("theory n_ε(0.02)  risk at n"), "{table}");
}

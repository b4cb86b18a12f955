//! The registry of excess-risk bounds (docs/science.md §2). Each is a pure function of n (and m
//! for the bounds with a pre-training term), times a scale constant C.
//!
//! | id | risk / C | n-exponent | status | source |
//! |---|---|---|---|---|
//! | `caulk_limit` | n^(−2s/(2s+1)), s = αβ | −2s/(2s+1) | paper | Fukuchi, Hataya, Matsui (AISTATS 2026) |
//! | `caulk_m` | n^(−2s/(2s+1)) + C_pre·ε_pre(m)^s, ε_pre(m) = m^(−2s_φ/(2s_φ+d)) | −2s/(2s+1), floor C_pre·ε_pre(m)^s | model | this app's "floor" reading of the o(1) term |
//! | `caulk_m_rate` | n^(−r(m)), r(m) = 2/(2+ρ(m)), ρ(m) = 1/s + C_ρ·ε_pre(m) | −r(m) → −2s/(2s+1) as m → ∞ | model | this app's "exponent" reading: the caulk class simpler as m grows |
//! | `scratch` | n^(−2s*/(2s*+d)), s* = s·min(s_φ, 1) | −2s*/(2s*+d) | standard | Stone (1982) |
//! | `compositional` | max_i n^(−2β*_i/(2β*_i+t_i)) for f = g_1∘g_0 | the slowest term | standard | Schmidt-Hieber (2020) |
//! | `representation` | d·k/m + k/n | −1 | standard | Du, Hu, Kakade, Lee, Lei (2021) |
//! | `task_diversity` | √(C_H/m)/ν + √(C_F/n) | −1/2 | standard | Tripuraneni, Jordan, Jin (2020) |
//!
//! For `compositional` the target y = g_s(φ*(x)) is the composition g_1∘g_0 with
//! g_0 = φ*: \[0,1\]^d → \[0,1\]^k (β_0 = s_φ, t_0 = d) and g_1 = g_s: \[0,1\]^k → ℝ (β_1 = s,
//! t_1 = k), so β*_0 = s_φ·min(s, 1) and β*_1 = s.
//!
//! `caulk_m_rate` (docs/science.md §2, "the exponent reading"): least squares over a class
//! whose metric entropy is log N(δ) ≍ δ^(−ρ) (0 < ρ < 2) has excess risk n^(−2/(2+ρ)) (van de
//! Geer 2000, Thm 9.1; Birgé and Massart 1993). An s-Hölder caulk-and-head on one feature has
//! ρ = 1/s, whence 2s/(2s+1); the s*-Hölder map on \[0,1\]^d has ρ = d/s*, whence Stone's
//! rate. The model lets the class the caulk needs after pre-training on m samples have
//! ρ(m) = 1/s + C_ρ·ε_pre(m): richer while the extractor is off by ε_pre(m), and ρ → 1/s as
//! m → ∞, so the n-exponent itself rises toward the limit rate as m grows.

use serde::Serialize;

use super::fit::power_law;
use super::n_window;
use crate::config::Config;

/// Where a bound comes from (docs/science.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stated in the paper's abstract/summary.
    Paper,
    /// A published result of another paper.
    Standard,
    /// A labelled modelling assumption of this app.
    Model,
}

/// The parameters the bounds read, taken from a [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TheoryParams {
    /// Caulk Hölder exponent α ∈ (0, 1].
    pub alpha: f64,
    /// Head Hölder exponent β ∈ (0, 1].
    pub beta: f64,
    /// Composite smoothness s = αβ.
    pub s: f64,
    /// Extractor smoothness s_φ.
    pub s_phi: f64,
    /// Smoothness of the whole map from scratch, s* = s·min(s_φ, 1): an s-Hölder map of an
    /// s_φ-Hölder one is s·s_φ-Hölder for s_φ ≤ 1, and only s-Hölder for s_φ > 1.
    pub s_star: f64,
    /// Input dimension d.
    pub d: f64,
    /// Feature dimension k.
    pub k: f64,
    /// Target excess risk ε for n_ε.
    pub eps: f64,
    /// Scale constant C of every bound.
    pub c: f64,
    /// Constant C_pre of the pre-training term of `caulk_m`.
    pub c_pre: f64,
    /// Constant C_ρ of `caulk_m_rate`: how much richer the caulk class is per unit of the
    /// extractor's error ε_pre(m).
    pub c_rho: f64,
    /// Task diversity ν of `task_diversity`.
    pub nu: f64,
    /// Complexity C_H of the shared representation class (`task_diversity`).
    pub c_h: f64,
    /// Complexity C_F of the task-specific head class (`task_diversity`).
    pub c_f: f64,
    /// Smallest n drawn.
    pub n_min: f64,
    /// Largest n drawn.
    pub n_max: f64,
}

impl TheoryParams {
    /// The parameters of `c` (valid, so every exponent is positive and finite).
    pub fn from_config(c: &Config) -> Self {
        let s = c.alpha * c.beta;
        let (n_min, n_max) = n_window(c);
        TheoryParams {
            alpha: c.alpha,
            beta: c.beta,
            s,
            s_phi: c.s_phi,
            s_star: s_star(s, c.s_phi),
            d: c.d as f64,
            k: c.k as f64,
            eps: c.eps,
            c: c.c,
            c_pre: c.c_pre,
            c_rho: c.c_rho,
            nu: c.nu,
            c_h: c.c_h,
            c_f: c.c_f,
            n_min,
            n_max,
        }
    }
}

/// What identifies and documents a bound, before any evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BoundInfo {
    /// Stable id (JSON, URL, CSS).
    pub id: &'static str,
    /// Human name.
    pub name: &'static str,
    /// Provenance.
    pub status: Status,
    /// Source.
    pub citation: &'static str,
    /// KaTeX formula of the risk, symbolic.
    pub formula: &'static str,
    /// When the bound applies.
    pub conditions: &'static str,
}

/// A bound of the registry. `risk(p, n, m)` includes the constant C; bounds without an
/// m-term ignore `m`.
#[derive(Clone, Copy, Debug)]
pub struct BoundSpec {
    /// Id, name, provenance, formula.
    pub info: BoundInfo,
    /// Whether the bound depends on the source size m (one curve per m).
    pub uses_m: bool,
    /// Excess risk at n target and m source samples.
    pub risk: fn(&TheoryParams, f64, f64) -> f64,
    /// The exponent of n in the n-term at source size m (negative; m = ∞ for bounds without
    /// an m-term).
    pub exponent: fn(&TheoryParams, f64) -> f64,
    /// lim_{n→∞} risk: the part no amount of target data removes.
    pub floor: fn(&TheoryParams, f64) -> f64,
    /// The formula with the current numbers substituted (KaTeX).
    pub formula_values: fn(&TheoryParams, f64) -> String,
    /// A violated condition, if any.
    pub violated: fn(&TheoryParams) -> Option<String>,
}

/// s* = s·min(s_φ, 1): the smoothness of an s-Hölder map of an s_φ-Hölder extractor (s ≤ 1),
/// s·s_φ for s_φ ≤ 1 and only s above.
pub fn s_star(s: f64, s_phi: f64) -> f64 {
    s * s_phi.min(1.0)
}

/// r = 2s/(2s+1): the caulking limit rate, free of d.
pub fn caulk_limit_rate(p: &TheoryParams) -> f64 {
    2.0 * p.s / (2.0 * p.s + 1.0)
}

/// r = 2s*/(2s*+d): the minimax rate of learning an s*-smooth map on \[0,1\]^d from scratch.
pub fn scratch_rate(p: &TheoryParams) -> f64 {
    2.0 * p.s_star / (2.0 * p.s_star + p.d)
}

/// ε_pre(m) = m^(−2s_φ/(2s_φ+d)): the extractor's error after pre-training on m samples
/// (the minimax rate of an s_φ-smooth map in d dimensions).
pub fn eps_pre(p: &TheoryParams, m: f64) -> f64 {
    m.powf(-2.0 * p.s_phi / (2.0 * p.s_phi + p.d))
}

/// ρ(m) = 1/s + C_ρ·ε_pre(m): the entropy exponent of the caulk class needed at source size m
/// in the exponent reading (module doc); 1/s at m = ∞.
pub fn caulk_rho(p: &TheoryParams, m: f64) -> f64 {
    let extra = if m.is_finite() {
        p.c_rho * eps_pre(p, m)
    } else {
        0.0
    };
    1.0 / p.s + extra
}

/// r(m) = 2/(2+ρ(m)): the n-exponent of `caulk_m_rate`, rising to 2s/(2s+1) as m → ∞.
pub fn caulk_m_rate(p: &TheoryParams, m: f64) -> f64 {
    2.0 / (2.0 + caulk_rho(p, m))
}

/// The pre-training floor of `caulk_m` without C: C_pre·ε_pre(m)^s.
pub fn caulk_m_floor(p: &TheoryParams, m: f64) -> f64 {
    p.c_pre * eps_pre(p, m).powf(p.s)
}

/// (β*_i, t_i) of the composition g_1∘g_0 (module doc).
pub fn compositional_terms(p: &TheoryParams) -> [(f64, f64); 2] {
    [(p.s_phi * p.s.min(1.0), p.d), (p.s, p.k)]
}

/// The slowest rate min_i 2β*_i/(2β*_i+t_i).
pub fn compositional_rate(p: &TheoryParams) -> f64 {
    compositional_terms(p)
        .iter()
        .map(|(b, t)| 2.0 * b / (2.0 * b + t))
        .fold(f64::INFINITY, f64::min)
}

/// A number for KaTeX: 4 significant digits, scientific outside [10^-3, 10^4).
pub fn tex_num(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "?".into()
        } else if x > 0.0 {
            r"\infty".into()
        } else {
            r"-\infty".into()
        };
    }
    let a = x.abs();
    if (1e-3..1e4).contains(&a) {
        let digits = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{x:.digits$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        return s;
    }
    let e = a.log10().floor();
    let mant = x / 10f64.powf(e);
    format!("{}\\times10^{{{}}}", tex_num(mant), e as i64)
}

fn never(_: &TheoryParams) -> Option<String> {
    None
}

fn no_floor(_: &TheoryParams, _: f64) -> f64 {
    0.0
}

/// `C \cdot` prefix, left out when C = 1.
fn tex_c(p: &TheoryParams) -> String {
    if p.c == 1.0 {
        String::new()
    } else {
        format!("{}\\cdot", tex_num(p.c))
    }
}

/// Every bound, in display order.
pub const BOUNDS: &[BoundSpec] = &[
    BoundSpec {
        info: BoundInfo {
            id: "caulk_limit",
            name: "Caulking, limit rate",
            status: Status::Paper,
            citation: "Fukuchi, Hataya, Matsui (AISTATS 2026): the rate as its published summaries state it (s = αβ is this app's reading)",
            formula: r"C\,n^{-\frac{2s}{2s+1}},\quad s=\alpha\beta",
            conditions: "an upper bound, as summarised: a caulkable target, a caulk class that gets simpler as m grows, the limit m → ∞; α, β ∈ (0, 1]",
        },
        uses_m: false,
        risk: |p, n, _| p.c * n.powf(-caulk_limit_rate(p)),
        exponent: |p, _| -caulk_limit_rate(p),
        floor: no_floor,
        formula_values: |p, _| format!("{}n^{{-{}}}", tex_c(p), tex_num(caulk_limit_rate(p))),
        violated: never,
    },
    BoundSpec {
        info: BoundInfo {
            id: "caulk_m",
            name: "Caulking at finite m, floor",
            status: Status::Model,
            citation: "this app's model (floor reading): an additive m-term, the exponent fixed",
            formula: r"C\left(n^{-\frac{2s}{2s+1}} + C_{\mathrm{pre}}\,\varepsilon_{\mathrm{pre}}(m)^{s}\right),\quad \varepsilon_{\mathrm{pre}}(m)=m^{-\frac{2s_\varphi}{2s_\varphi+d}}",
            conditions: "a modelling assumption: the extractor's pre-training error enters through the s-Hölder caulk as an additive floor; its n-exponent does not move with m, the shape the paper says cannot explain the phenomenon",
        },
        uses_m: true,
        risk: |p, n, m| p.c * (n.powf(-caulk_limit_rate(p)) + caulk_m_floor(p, m)),
        exponent: |p, _| -caulk_limit_rate(p),
        floor: |p, m| p.c * caulk_m_floor(p, m),
        formula_values: |p, m| {
            format!(
                "{}\\left(n^{{-{}}} + {}\\right),\\ m={}",
                tex_c(p),
                tex_num(caulk_limit_rate(p)),
                tex_num(caulk_m_floor(p, m)),
                tex_num(m)
            )
        },
        violated: never,
    },
    BoundSpec {
        info: BoundInfo {
            id: "caulk_m_rate",
            name: "Caulking, rising exponent",
            status: Status::Model,
            citation: "this app's model (exponent reading) of the paper's mechanism: the caulk class simpler as m grows",
            formula: r"C\,n^{-\frac{2}{2+\rho(m)}},\quad \rho(m)=\frac{1}{s}+C_\rho\,\varepsilon_{\mathrm{pre}}(m)",
            conditions: "a modelling assumption: the entropy exponent ρ(m) of the caulk class needed falls to 1/s as the extractor's error ε_pre(m) vanishes (least squares over a class of entropy δ^(−ρ) has rate n^(−2/(2+ρ)))",
        },
        uses_m: true,
        risk: |p, n, m| p.c * n.powf(-caulk_m_rate(p, m)),
        exponent: |p, m| -caulk_m_rate(p, m),
        floor: no_floor,
        formula_values: |p, m| {
            format!(
                "{}n^{{-{}}},\\ \\rho={},\\ m={}",
                tex_c(p),
                tex_num(caulk_m_rate(p, m)),
                tex_num(caulk_rho(p, m)),
                tex_num(m)
            )
        },
        violated: never,
    },
    BoundSpec {
        info: BoundInfo {
            id: "scratch",
            name: "From scratch (minimax)",
            status: Status::Standard,
            citation: "Stone (1982), Ann. Statist.",
            formula: r"C\,n^{-\frac{2s^*}{2s^*+d}},\quad s^*=\alpha\beta\min(s_\varphi,1)",
            conditions: "the minimax rate over s*-Hölder regression functions on [0,1]^d, no pre-training: the worst case of the class, not a bound for every target",
        },
        uses_m: false,
        risk: |p, n, _| p.c * n.powf(-scratch_rate(p)),
        exponent: |p, _| -scratch_rate(p),
        floor: no_floor,
        formula_values: |p, _| format!("{}n^{{-{}}}", tex_c(p), tex_num(scratch_rate(p))),
        violated: never,
    },
    BoundSpec {
        info: BoundInfo {
            id: "compositional",
            name: "Deep ReLU nets, compositional",
            status: Status::Standard,
            citation: "Schmidt-Hieber (2020), Ann. Statist. 48(4)",
            formula: r"C\max_i n^{-\frac{2\beta^*_i}{2\beta^*_i+t_i}},\quad \beta^*_i=\beta_i\prod_{l>i}\min(\beta_l,1)",
            conditions: "f = g_1∘g_0 with g_0 = φ* (β_0 = s_φ, t_0 = d) and g_1 = head∘caulk (β_1 = s, t_1 = k)",
        },
        uses_m: false,
        risk: |p, n, _| {
            p.c * compositional_terms(p)
                .iter()
                .map(|(b, t)| n.powf(-2.0 * b / (2.0 * b + t)))
                .fold(0.0, f64::max)
        },
        exponent: |p, _| -compositional_rate(p),
        floor: no_floor,
        formula_values: |p, _| {
            let [(b0, t0), (b1, t1)] = compositional_terms(p);
            format!(
                "{}\\max\\left(n^{{-{}}},\\ n^{{-{}}}\\right)",
                tex_c(p),
                tex_num(2.0 * b0 / (2.0 * b0 + t0)),
                tex_num(2.0 * b1 / (2.0 * b1 + t1))
            )
        },
        violated: never,
    },
    BoundSpec {
        info: BoundInfo {
            id: "representation",
            name: "Shared linear representation",
            status: Status::Standard,
            citation: "Du, Hu, Kakade, Lee, Lei (2021), ICLR",
            formula: r"C\left(\frac{d\,k}{m} + \frac{k}{n}\right)",
            conditions: "a linear k-dimensional representation shared by source and target, k ≤ d",
        },
        uses_m: true,
        risk: |p, n, m| p.c * (p.d * p.k / m + p.k / n),
        exponent: |_, _| -1.0,
        floor: |p, m| p.c * p.d * p.k / m,
        formula_values: |p, m| {
            format!(
                "{}\\left({} + \\frac{{{}}}{{n}}\\right),\\ m={}",
                tex_c(p),
                tex_num(p.d * p.k / m),
                tex_num(p.k),
                tex_num(m)
            )
        },
        violated: |p| (p.k > p.d).then(|| format!("needs k ≤ d, here k = {} > d = {}", p.k, p.d)),
    },
    BoundSpec {
        info: BoundInfo {
            id: "task_diversity",
            name: "Task diversity",
            status: Status::Standard,
            citation: "Tripuraneni, Jordan, Jin (2020), NeurIPS",
            formula: r"C\left(\frac{1}{\nu}\sqrt{\frac{C_H}{m}} + \sqrt{\frac{C_F}{n}}\right)",
            conditions: "ν-diverse source tasks; C_H, C_F the complexities of the representation and head classes",
        },
        uses_m: true,
        risk: |p, n, m| p.c * ((p.c_h / m).sqrt() / p.nu + (p.c_f / n).sqrt()),
        exponent: |_, _| -0.5,
        floor: |p, m| p.c * (p.c_h / m).sqrt() / p.nu,
        formula_values: |p, m| {
            format!(
                "{}\\left({} + \\sqrt{{\\frac{{{}}}{{n}}}}\\right),\\ m={}",
                tex_c(p),
                tex_num((p.c_h / m).sqrt() / p.nu),
                tex_num(p.c_f),
                tex_num(m)
            )
        },
        violated: never,
    },
];

/// Every bound's [`BoundInfo`], in display order.
pub fn registry() -> Vec<BoundInfo> {
    BOUNDS.iter().map(|b| b.info).collect()
}

/// The spec of `id`.
pub fn spec(id: &str) -> Option<&'static BoundSpec> {
    BOUNDS.iter().find(|b| b.info.id == id)
}

/// Largest n_ε reported; beyond it n_ε is null with a reason.
pub const N_EPS_MAX: f64 = 1e300;

/// Sample complexity: the smallest integer n ≥ 1 with risk(n) ≤ ε (exact below 2^53, to
/// relative 1e-12 above). `Err(reason)` when the floor is at or above ε, or n_ε > 1e300.
pub fn n_eps(spec: &BoundSpec, p: &TheoryParams, m: f64) -> Result<f64, String> {
    let eps = p.eps;
    let risk = |n: f64| (spec.risk)(p, n, m);
    let floor = (spec.floor)(p, m);
    if floor >= eps {
        return Err(format!(
            "the floor {:.3e} (the m-term, left as n → ∞) is at or above ε = {eps}",
            floor
        ));
    }
    if risk(1.0) <= eps {
        return Ok(1.0);
    }
    // Invariant: risk(lo) > ε ≥ risk(hi).
    let (mut lo, mut hi) = (1.0f64, 2.0f64);
    while risk(hi) > eps {
        lo = hi;
        hi *= 2.0;
        if hi > N_EPS_MAX {
            return Err(format!(
                "n_eps exceeds 1e300 (the bound falls too slowly for ε = {eps})"
            ));
        }
    }
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if hi <= EXACT {
        while hi - lo > 1.0 {
            let mid = ((lo + hi) / 2.0).floor();
            if risk(mid) <= eps {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    } else {
        for _ in 0..200 {
            let mid = lo * (hi / lo).sqrt(); // geometric mean without overflow
            if risk(mid) <= eps {
                hi = mid;
            } else {
                lo = mid;
            }
            if hi / lo < 1.0 + 1e-12 {
                break;
            }
        }
        hi = hi.ceil();
    }
    Ok(hi)
}

/// One bound evaluated on the n grid (for one m when the bound has an m-term).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BoundCurve {
    /// Id, name, status, citation, formula, conditions (flattened into the JSON object).
    #[serde(flatten)]
    pub info: BoundInfo,
    /// Legend text: the name, with m when the bound depends on it.
    pub label: String,
    /// KaTeX formula with the current numbers.
    pub formula_values: String,
    /// The violated condition, if any (the curve is still drawn, marked).
    pub violated: Option<String>,
    /// Source size of this curve, null for bounds without an m-term.
    pub m: Option<f64>,
    /// Effective log-log slope over the n-window (least squares on the grid).
    pub slope: f64,
    /// Exponent of n in the n-term.
    pub exponent: f64,
    /// lim_{n→∞} risk.
    pub floor: f64,
    /// Grid of n.
    pub n: Vec<f64>,
    /// Risk on the grid.
    pub risk: Vec<f64>,
    /// Smallest integer n with risk ≤ ε, or null.
    pub n_eps: Option<f64>,
    /// Why `n_eps` is null, when it is.
    pub n_eps_note: Option<String>,
}

/// Evaluate one bound on `grid` at source size `m` (`None` for bounds without an m-term).
pub fn curve(spec: &BoundSpec, p: &TheoryParams, m: Option<f64>, grid: &[f64]) -> BoundCurve {
    let mv = m.unwrap_or(f64::INFINITY);
    let risk: Vec<f64> = grid.iter().map(|&n| (spec.risk)(p, n, mv)).collect();
    let (n_eps, n_eps_note) = match n_eps(spec, p, mv) {
        Ok(n) => (Some(n), None),
        Err(why) => (None, Some(why)),
    };
    let exponent = (spec.exponent)(p, mv);
    let slope = power_law(grid, &risk).map_or(exponent, |f| f.slope);
    BoundCurve {
        info: spec.info,
        label: match m {
            Some(m) => format!("{} (m = {})", spec.info.name, m),
            None => spec.info.name.to_string(),
        },
        formula_values: (spec.formula_values)(p, mv),
        violated: (spec.violated)(p),
        m,
        slope,
        exponent,
        floor: (spec.floor)(p, mv),
        n: grid.to_vec(),
        risk,
        n_eps,
        n_eps_note,
    }
}

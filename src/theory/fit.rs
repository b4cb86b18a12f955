//! Power-law fits: y ≈ e^b · x^a by ordinary least squares of ln y on ln x.

use serde::Serialize;

/// Result of a log-log least-squares fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PowerLawFit {
    /// a: the log-log slope.
    pub slope: f64,
    /// b: the intercept of ln y at ln x = 0.
    pub intercept: f64,
}

/// Fit ln y = a ln x + b over the pairs with x > 0 and y > 0. `None` with fewer than two
/// such pairs or when all x are equal.
pub fn power_law(x: &[f64], y: &[f64]) -> Option<PowerLawFit> {
    let pts: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| **a > 0.0 && **b > 0.0 && a.is_finite() && b.is_finite())
        .map(|(a, b)| (a.ln(), b.ln()))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let k = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / k;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / k;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some(PowerLawFit {
        slope,
        intercept: my - slope * mx,
    })
}

/// Effective slope of y(x) over the window [lo, hi]: the least-squares log-log slope of the
/// points inside it (`None` with fewer than two).
pub fn effective_slope(x: &[f64], y: &[f64], lo: f64, hi: f64) -> Option<f64> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, _)| **a >= lo && **a <= hi)
        .map(|(a, b)| (*a, *b))
        .unzip();
    power_law(&xs, &ys).map(|f| f.slope)
}

/// Calibrate a bound's scale constant to measured points with its shape fixed: the C that
/// minimises Σ (ln y_i − ln(C·g_i))², i.e. ln C = mean(ln y_i − ln g_i), where `model` holds
/// g_i (the bound with C = 1) at the measured n_i. `None` without a positive finite pair.
pub fn calibrate_scale(model: &[f64], measured: &[f64]) -> Option<f64> {
    let logs: Vec<f64> = model
        .iter()
        .zip(measured)
        .filter(|(g, y)| **g > 0.0 && **y > 0.0 && g.is_finite() && y.is_finite())
        .map(|(g, y)| y.ln() - g.ln())
        .collect();
    if logs.is_empty() {
        return None;
    }
    Some((logs.iter().sum::<f64>() / logs.len() as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_an_exact_power_law() {
        let x: Vec<f64> = (1..20).map(|i| i as f64 * 3.0).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.5 * v.powf(-0.37)).collect();
        let f = power_law(&x, &y).unwrap();
        assert!((f.slope + 0.37).abs() < 1e-12);
        assert!((f.intercept - 2.5f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn calibration_recovers_the_constant_and_minimises_log_error() {
        let g: Vec<f64> = [100.0f64, 200.0, 400.0]
            .iter()
            .map(|n| n.powf(-0.5))
            .collect();
        let y: Vec<f64> = g.iter().map(|v| 3.0 * v).collect();
        assert!((calibrate_scale(&g, &y).unwrap() - 3.0).abs() < 1e-12);
        // With noise, C is the geometric mean of y/g: here (2·8)^(1/2) = 4.
        assert!((calibrate_scale(&[1.0, 1.0], &[2.0, 8.0]).unwrap() - 4.0).abs() < 1e-12);
        assert_eq!(calibrate_scale(&[1.0], &[0.0]), None);
    }

    #[test]
    fn effective_slope_uses_only_the_window() {
        let x = [1.0, 10.0, 100.0, 1000.0];
        let y = [1.0, 0.1, 0.01, 0.5];
        assert!((effective_slope(&x, &y, 1.0, 100.0).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert_eq!(power_law(&[1.0], &[1.0]), None);
        assert_eq!(power_law(&[2.0, 2.0], &[1.0, 3.0]), None);
        assert_eq!(power_law(&[1.0, 2.0], &[0.0, -1.0]), None);
    }
}

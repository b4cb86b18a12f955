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
    fn degenerate_inputs_give_none() {
        assert_eq!(power_law(&[1.0], &[1.0]), None);
        assert_eq!(power_law(&[2.0, 2.0], &[1.0, 3.0]), None);
        assert_eq!(power_law(&[1.0, 2.0], &[0.0, -1.0]), None);
    }
}

//! How a value is written: quoted in a one-line message (short, escaped) and rounded as a
//! link writes a measured number. The key table, the pins and imported tables all write
//! values this way.

/// A value as it may be quoted in a one-line message: at most 40 characters, control and
/// non-ASCII characters escaped.
pub fn quote(value: &str) -> String {
    let short: String = value.chars().take(40).collect();
    let more = if value.chars().count() > 40 {
        "…"
    } else {
        ""
    };
    format!("{}{more}", short.escape_default())
}

/// `x` rounded to 4 significant digits, as the link writes it.
pub fn round4(x: f64) -> f64 {
    format!("{x:.3e}").parse().unwrap_or(x)
}

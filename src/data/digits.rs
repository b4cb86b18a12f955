//! The UCI handwritten digits (data/digits/README.md: 1,797 images of 8×8 pixels in 0-16 with
//! their digit, CC BY 4.0), embedded as the gzip file scikit-learn ships, for the planned
//! real-data preset `digits` (issue 22, part 3: not wired into a preset yet).
//!
//! The file is decoded here without a gzip library: the gzip header (RFC 1952: magic 1f 8b,
//! method 8, flags for an extra field, a name, a comment, a header CRC) is skipped, the raw
//! DEFLATE stream inflated by `miniz_oxide`, and its length checked against the trailer's
//! ISIZE; every line is then 64 pixels and a digit.

use crate::error::{Error, Result};

/// The embedded file.
const GZ: &[u8] = include_bytes!("../../data/digits/digits.csv.gz");
/// Pixels per image.
pub const PIXELS: usize = 64;
/// Largest pixel value (a count of on-pixels in a 4×4 block).
pub const MAX_PIXEL: u8 = 16;

/// The images and their digits, in the file's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    /// Images, row-major 8×8, values 0-16.
    pub images: Vec<[u8; PIXELS]>,
    /// Their digits, 0-9.
    pub labels: Vec<u8>,
}

impl Digits {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// How many images show each digit.
    pub fn class_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

/// The embedded data set.
pub fn load() -> Result<Digits> {
    parse(&gunzip(GZ)?)
}

fn bad(what: impl Into<String>) -> Error {
    Error::Shape(format!("digits data: {}", what.into()))
}

/// The payload of a gzip member (RFC 1952), its length checked against ISIZE.
fn gunzip(gz: &[u8]) -> Result<Vec<u8>> {
    if gz.len() < 18 || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8 {
        return Err(bad("not a gzip file with DEFLATE"));
    }
    let flags = gz[3];
    let mut at = 10;
    let skip_zero_terminated = |at: usize| -> Result<usize> {
        gz[at..]
            .iter()
            .position(|&b| b == 0)
            .map(|p| at + p + 1)
            .ok_or_else(|| bad("unterminated header field"))
    };
    if flags & 4 != 0 {
        let len = u16::from_le_bytes([gz[at], gz[at + 1]]) as usize;
        at += 2 + len;
    }
    if flags & 8 != 0 {
        at = skip_zero_terminated(at)?;
    }
    if flags & 16 != 0 {
        at = skip_zero_terminated(at)?;
    }
    if flags & 2 != 0 {
        at += 2;
    }
    let end = gz.len() - 8;
    if at >= end {
        return Err(bad("truncated gzip header"));
    }
    let out = miniz_oxide::inflate::decompress_to_vec(&gz[at..end])
        .map_err(|e| bad(format!("inflate failed: {e:?}")))?;
    let isize = u32::from_le_bytes([gz[end + 4], gz[end + 5], gz[end + 6], gz[end + 7]]);
    if out.len() as u32 != isize {
        return Err(bad(format!(
            "{} bytes inflated, the trailer says {isize}",
            out.len()
        )));
    }
    Ok(out)
}

/// Lines of 64 pixels (0-16) and a digit (0-9).
fn parse(text: &[u8]) -> Result<Digits> {
    let text = std::str::from_utf8(text).map_err(|_| bad("not UTF-8"))?;
    let mut out = Digits {
        images: Vec::new(),
        labels: Vec::new(),
    };
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let values: Vec<u8> = line
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= 255.0)
                    .map(|x| x as u8)
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                bad(format!(
                    "line {}: a value is not a small whole number",
                    i + 1
                ))
            })?;
        if values.len() != PIXELS + 1 {
            return Err(bad(format!(
                "line {}: {} values, want {} pixels and a digit",
                i + 1,
                values.len(),
                PIXELS
            )));
        }
        let mut image = [0u8; PIXELS];
        image.copy_from_slice(&values[..PIXELS]);
        if image.iter().any(|&p| p > MAX_PIXEL) || values[PIXELS] > 9 {
            return Err(bad(format!(
                "line {}: a pixel over 16 or a digit over 9",
                i + 1
            )));
        }
        out.images.push(image);
        out.labels.push(values[PIXELS]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_and_lines_are_refused_with_a_reason() {
        assert!(gunzip(b"not gzip at all, not at all").is_err());
        assert!(parse(b"1,2,3\n")
            .unwrap_err()
            .to_string()
            .contains("line 1: 3 values"));
        let mut line = vec!["0"; PIXELS];
        line.push("7");
        let ok = line.join(",");
        assert_eq!(parse(ok.as_bytes()).unwrap().labels, vec![7]);
        let over = ok.replacen('0', "17", 1);
        assert!(parse(over.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("over 16"));
    }
}

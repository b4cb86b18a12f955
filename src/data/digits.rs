//! The UCI handwritten digits (data/digits/README.md: 1,797 images of 8×8 pixels in 0-16 with
//! their digit, CC BY 4.0), embedded as the gzip file scikit-learn ships, for the real-data
//! preset `digits` ([`crate::experiment`]'s digits sweep).
//!
//! Each seed splits the images at random ([`Split::of`]) into a source pool of
//! [`SOURCE_POOL`] images (pre-training takes its first m: a larger m holds every image of a
//! smaller one), a target pool of [`TARGET_POOL`] (a fit on n takes its first n) and the
//! remaining [`TEST_SIZE`] target images as the test set. The source task is the digit (10
//! classes); the target task is its parity, y = digit mod 2 ∈ {0, 1}, a different function of
//! the same digit (docs/science.md §6's check: with the class probabilities as the feature the caulk
//! sees, the probe's error falls with m; a target of other classes than the source's does
//! not). Pixels enter networks as value / 16 ∈ [0, 1].
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

/// Images in the source pool of every split.
pub const SOURCE_POOL: usize = 1000;
/// Images in the target pool (the largest n).
pub const TARGET_POOL: usize = 400;
/// Target images held out for testing: the rest.
pub const TEST_SIZE: usize = 1797 - SOURCE_POOL - TARGET_POOL;

/// The embedded data set, decoded once per thread (a worker of the page, a thread of the
/// CLI) and shared after.
pub fn load() -> Result<Digits> {
    thread_local! {
        static DECODED: std::cell::OnceCell<std::result::Result<Digits, String>> =
            const { std::cell::OnceCell::new() };
    }
    DECODED.with(|cell| {
        cell.get_or_init(|| {
            gunzip(GZ)
                .and_then(|t| parse(&t))
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(Error::Shape)
    })
}

/// The target label of a digit: its parity.
pub fn target_label(digit: u8) -> f64 {
    f64::from(digit % 2)
}

/// One seed's partition of the images (indices into [`Digits`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Source pool, [`SOURCE_POOL`] images.
    pub source: Vec<usize>,
    /// Target pool, [`TARGET_POOL`] images.
    pub target: Vec<usize>,
    /// Test images, [`TEST_SIZE`].
    pub test: Vec<usize>,
}

impl Split {
    /// The split of `len` images for `seed`: a Fisher-Yates permutation from the seed's data
    /// stream, cut into source, target and test.
    pub fn of(len: usize, seed: u64) -> Split {
        let mut order: Vec<usize> = (0..len).collect();
        let mut rng = crate::rng::Rng::with_index(seed, crate::rng::Stream::Data, 0xD161);
        rng.shuffle(&mut order);
        let source_end = SOURCE_POOL.min(len);
        let target_end = (SOURCE_POOL + TARGET_POOL).min(len);
        Split {
            source: order[..source_end].to_vec(),
            target: order[source_end..target_end].to_vec(),
            test: order[target_end..].to_vec(),
        }
    }
}

impl Digits {
    /// The pixels of images `idx` as rows of 64 values in [0, 1] (value / 16).
    pub fn pixels(&self, idx: &[usize]) -> Vec<f64> {
        idx.iter()
            .flat_map(|&i| {
                self.images[i]
                    .iter()
                    .map(|&v| f64::from(v) / f64::from(MAX_PIXEL))
            })
            .collect()
    }

    /// The digits of images `idx`, as f64 (class labels for pre-training).
    pub fn digits(&self, idx: &[usize]) -> Vec<f64> {
        idx.iter().map(|&i| f64::from(self.labels[i])).collect()
    }

    /// The target labels of images `idx` ([`target_label`]).
    pub fn targets(&self, idx: &[usize]) -> Vec<f64> {
        idx.iter().map(|&i| target_label(self.labels[i])).collect()
    }
}

/// One image as the page draws it: 64 pixels (0-16, row-major 8×8), its digit (the source
/// task's label) and its parity (the target task's label).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Preview {
    /// Pixels, row by row.
    pub pixels: Vec<u8>,
    /// The digit, 0-9.
    pub digit: u8,
    /// Its parity, 0 or 1 ([`target_label`]).
    pub parity: u8,
}

/// What a student is shown of one seed's data: the first images of its source pool (what
/// pre-training sees, labelled by digit) and of its target pool (what the caulk sees the
/// first n of, labelled by parity).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Previews {
    /// The first `count` source-pool images of the split.
    pub source: Vec<Preview>,
    /// The first `count` target-pool images.
    pub target: Vec<Preview>,
}

/// The first `count` images of the source and of the target pool of `seed`'s [`Split`] (the
/// seed of a sweep's seed, as the run derives it), at most the pool's size.
pub fn preview(seed: u64, count: usize) -> Result<Previews> {
    let data = load()?;
    let split = Split::of(data.len(), seed);
    let take = |idx: &[usize]| -> Vec<Preview> {
        idx.iter()
            .take(count)
            .map(|&i| Preview {
                pixels: data.images[i].to_vec(),
                digit: data.labels[i],
                parity: data.labels[i] % 2,
            })
            .collect()
    };
    Ok(Previews {
        source: take(&split.source),
        target: take(&split.target),
    })
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
    fn a_split_partitions_every_image_once_and_depends_on_the_seed() {
        let a = Split::of(1797, 1);
        let mut all: Vec<usize> = [&a.source[..], &a.target, &a.test].concat();
        assert_eq!(
            (a.source.len(), a.target.len(), a.test.len()),
            (SOURCE_POOL, TARGET_POOL, TEST_SIZE)
        );
        all.sort_unstable();
        assert_eq!(all, (0..1797).collect::<Vec<_>>());
        assert_eq!(Split::of(1797, 1), a);
        assert_ne!(Split::of(1797, 2).source, a.source);
    }

    #[test]
    fn the_preview_shows_the_splits_first_source_and_target_images_with_their_labels() {
        let data = load().unwrap();
        let split = Split::of(data.len(), 9);
        let p = preview(9, 6).unwrap();
        assert_eq!((p.source.len(), p.target.len()), (6, 6));
        for (shown, &i) in p.source.iter().zip(&split.source) {
            assert_eq!(shown.pixels, data.images[i].to_vec());
            assert_eq!(shown.digit, data.labels[i]);
        }
        for (shown, &i) in p.target.iter().zip(&split.target) {
            assert_eq!(shown.pixels, data.images[i].to_vec());
            assert_eq!(f64::from(shown.parity), target_label(data.labels[i]));
        }
        // At most the pool: the target pool has 400 images.
        assert_eq!(preview(9, 5000).unwrap().target.len(), TARGET_POOL);
    }

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

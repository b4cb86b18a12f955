//! The inputs of a task's tables, kept between sweeps: for one table (a task seed, its
//! extractor's d, k, s_φ and kind, and the part: source, target, test), the inputs x, the
//! true features z = φ*(x) and the standard normal draws ε of its rows. Evaluating φ* (sums
//! of hundreds of ridge cosines per point) is most of making a table, and none of the three
//! depends on α, β or σ: the labels are y = g(z) + σ·ε, with the head g (α, β) and σ applied
//! afresh each time. So a sweep after a change of α, β or σ in the same worker makes its data
//! from the kept inputs, with bit-identical results (the same f64 operations in the same
//! order; `tests/data.rs` checks).
//!
//! A table of n rows is a prefix of one of n' > n rows (each table is one stream), so the
//! longest made is kept and shorter ones are its prefixes. The cache is per thread (a page's
//! worker; a CLI thread) and holds at most [`MAX_VALUES`] values, the oldest dropped first.
//!
//! The extractors themselves are kept too ([`extractor`], at most [`MAX_EXTRACTORS`]): making
//! one (its ridges, and the quantiles that rescale it) takes about as long as evaluating it
//! on the test set.

use std::cell::RefCell;
use std::rc::Rc;

use super::extractor::Extractor;

/// Values (f64) the cache holds per thread: 12 M, 96 MB.
pub const MAX_VALUES: usize = 12_000_000;

/// What identifies a table's inputs: the task seed, d, k, s_φ's bits, the extractor kind
/// and the table's stream part.
pub type InputsKey = (u64, usize, usize, u64, u8, u64);

/// A table's inputs, row-major: x is n × d, z is n × k, eps is n.
#[derive(Debug)]
pub struct Inputs {
    /// Inputs.
    pub x: Vec<f64>,
    /// True features φ*(x).
    pub z: Vec<f64>,
    /// The standard normal draw of each row's label noise.
    pub eps: Vec<f64>,
}

impl Inputs {
    /// Rows held.
    pub fn rows(&self) -> usize {
        self.eps.len()
    }

    fn values(&self) -> usize {
        self.x.len() + self.z.len() + self.eps.len()
    }
}

thread_local! {
    static CACHE: RefCell<Vec<(InputsKey, Rc<Inputs>)>> = const { RefCell::new(Vec::new()) };
}

/// The inputs of table `key` with at least `n` rows: the kept ones, or `make(n)`'s (then
/// kept, unless larger than the whole cache).
pub fn inputs(key: InputsKey, n: usize, make: impl FnOnce(usize) -> Inputs) -> Rc<Inputs> {
    let kept = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, v)| *k == key && v.rows() >= n)
            .map(|(_, v)| v.clone())
    });
    if let Some(v) = kept {
        return v;
    }
    let made = Rc::new(make(n));
    if made.values() <= MAX_VALUES {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.retain(|(k, _)| *k != key);
            c.push((key, made.clone()));
            let mut total: usize = c.iter().map(|(_, v)| v.values()).sum();
            while total > MAX_VALUES && !c.is_empty() {
                total -= c[0].1.values();
                c.remove(0);
            }
        });
    }
    made
}

/// Extractors kept per thread.
pub const MAX_EXTRACTORS: usize = 32;

/// A shared extractor.
pub type SharedExtractor = std::sync::Arc<dyn Extractor + Send + Sync>;

thread_local! {
    static EXTRACTORS: RefCell<Vec<(InputsKey, SharedExtractor)>> = const { RefCell::new(Vec::new()) };
}

/// The extractor of `key` (its part field unused): the kept one, or `make()`'s (then kept).
pub fn extractor(key: InputsKey, make: impl FnOnce() -> SharedExtractor) -> SharedExtractor {
    if let Some(e) = EXTRACTORS.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, e)| e.clone())
    }) {
        return e;
    }
    let made = make();
    EXTRACTORS.with(|c| {
        let mut c = c.borrow_mut();
        c.push((key, made.clone()));
        if c.len() > MAX_EXTRACTORS {
            c.remove(0);
        }
    });
    made
}

/// Drop every kept table and extractor of this thread.
pub fn clear() {
    CACHE.with(|c| c.borrow_mut().clear());
    EXTRACTORS.with(|c| c.borrow_mut().clear());
}

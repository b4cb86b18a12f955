//! The fused kernel's loop passes per invocation, for drivers that stop an invocation's loops
//! past a budget ([`crate::backend::Backend::loop_budget`]). Mesa's lavapipe (llvmpipe) does:
//! every loop of an invocation decrements one counter of 65535 at each pass, the pass that
//! fails the loop's test included (its SIMD code runs a leaving lane's last pass masked),
//! and once the counter is spent every loop leaves after one pass, silently. A training
//! dispatch of many steps then computes wrong steps from some step on; that was seen as
//! "past about 2.4·10^7 FLOP per dispatch", and it is exactly this budget.
//!
//! This module counts what `train_fused.wgsl` runs, loop by loop, for thread 0 of a
//! workgroup (its SIMD lanes have the most active elements in every strided loop, and all
//! other loops have uniform trip counts). A loop of t passes costs t + 1. It is a model of
//! what the driver's compiler makes of the loops: it counts loops of constant trip count
//! that may be unrolled, and the driver counts passes this does not see, so it lands
//! within about 11 % of the driver either way (tests/loop_budget.rs finds the driver's
//! count by bisection), and dispatches are planned to half the budget. Only the fused
//! kernel has long loops: the other kernels loop over one reduction each, checked where
//! they are launched.
//!
//! Read from the uniform block ([`FusedPlan::words`]), as the kernel reads it.

use super::FusedPlan;

/// The share of a driver's budget that dispatches are planned to: the counts here were
/// within 11 % of lavapipe's own (tests/loop_budget.rs), over or under, so half leaves
/// room; the kernel's closing check catches a dispatch that spends the budget anyway.
const PLANNED: u64 = 2;

/// The part of a driver's loop budget that dispatches are planned to use.
fn usable(budget: u64) -> u64 {
    budget / PLANNED
}

/// Threads per workgroup of the fused kernel (`WG` in the shader).
const WG: u64 = 256;
/// Columns per reduction tile of the tiled product (`TC`).
const TC: u64 = 16;
/// Rows and columns of the tiled product's output tile.
const TILE: u64 = 32;

/// A loop of `trips` passes: each pass, and the test that leaves it, costs one.
fn passes(trips: u64) -> u64 {
    trips + 1
}

/// `for base = 0; base < total; base += WG` with `body` passes inside each.
fn strided(total: u64, body: u64) -> u64 {
    let t = total.div_ceil(WG);
    passes(t) + t * body
}

/// `lin`: rows × outw outputs over inw inputs (narrow: one output per thread; tiled).
fn lin(rows: u64, outw: u64, inw: u64) -> u64 {
    if inw < TC || outw < 8 {
        return strided(rows * outw, passes(inw));
    }
    let c = inw.div_ceil(TC);
    let tile = passes(c) + c * (passes(2) + passes(TC)) + passes(4);
    let (r, j) = (rows.div_ceil(TILE), outw.div_ceil(TILE));
    passes(r) + r * (passes(j) + j * tile)
}

/// `bias_act` over rows × w.
fn bias_act(rows: u64, w: u64) -> u64 {
    strided(rows * w, 0)
}

/// `wgrad`: outw × inw weights, each a sum over the rows.
fn wgrad(rows: u64, outw: u64, inw: u64) -> u64 {
    strided(outw * inw, passes(rows))
}

/// `bgrad`: w biases, each a sum over the rows.
fn bgrad(rows: u64, w: u64) -> u64 {
    strided(w, passes(rows))
}

/// `dlin`: rows × inw deltas, each a sum over outw.
fn dlin(rows: u64, outw: u64, inw: u64) -> u64 {
    strided(rows * inw, passes(outw))
}

impl FusedPlan {
    fn word(&self, at: usize) -> u64 {
        u64::from(self.words[at])
    }

    /// Whether the parameter at `offset` trains (`trains` in the shader).
    fn trains_at(&self, offset: u64) -> bool {
        self.mask.get(offset as usize).is_some_and(|m| *m > 0.0)
    }

    /// Extractor layer `l`'s (W, b, out width, in width), and its LoRA (A, B).
    fn layer(&self, l: usize) -> ([u64; 4], [u64; 2]) {
        let at = |base: usize| self.word(base + 4 * l);
        let ly = [at(44), at(45), at(46), at(47)];
        let lora = 44 + 4 * super::MAX_LAYERS;
        (ly, [at(lora), at(lora + 1)])
    }

    /// `forward(rows)`.
    fn forward_loops(&self, rows: u64) -> u64 {
        let nl = self.word(3) as usize;
        let (k, wh, ra, rank) = (self.word(8), self.word(9), self.word(10), self.word(11));
        let mut n = passes(nl as u64);
        for l in 0..nl {
            let ([_, _, o, i], _) = self.layer(l);
            n += lin(rows, o, i) + bias_act(rows, o);
            if rank > 0 {
                n += lin(rows, rank, i) + lin(rows, o, rank);
            }
        }
        if ra > 0 {
            n += lin(rows, ra, k) + bias_act(rows, ra) + strided(rows * k, 0) + lin(rows, k, ra);
        }
        n + lin(rows, wh, k) + bias_act(rows, wh) + lin(rows, 1, wh) + bias_act(rows, 1)
    }

    /// `backward(rows)`: the gradients of the trainable segments and the deltas they need.
    fn backward_loops(&self, rows: u64) -> u64 {
        let nl = self.word(3);
        let (k, wh, ra, rank) = (self.word(8), self.word(9), self.word(10), self.word(11));
        let (lowest, adapter_trains) = (self.word(22), self.word(23) & 1 != 0);
        let [av, ac, au] = [self.word(24), self.word(25), self.word(26)];
        let [w0, b0, w1, b1] = [self.word(28), self.word(29), self.word(30), self.word(31)];
        let when = |trains: bool, loops: u64| if trains { loops } else { 0 };
        let mut n = when(self.trains_at(w1), wgrad(rows, 1, wh))
            + when(self.trains_at(b1), bgrad(rows, 1))
            + dlin(rows, 1, wh)
            + when(self.trains_at(w0), wgrad(rows, wh, k))
            + when(self.trains_at(b0), bgrad(rows, wh));
        let below = lowest < nl;
        let adapter_back = ra > 0 && (adapter_trains || below);
        n += when(adapter_back || below, dlin(rows, wh, k));
        if adapter_back {
            n += when(self.trains_at(au), wgrad(rows, k, ra))
                + dlin(rows, k, ra)
                + when(self.trains_at(av), wgrad(rows, ra, k))
                + when(self.trains_at(ac), bgrad(rows, ra))
                + when(below, dlin(rows, ra, k));
        }
        n += passes(nl.saturating_sub(lowest));
        for li in lowest..nl {
            let ([w, b, o, i], [la, lb]) = self.layer(li as usize);
            let down = li > lowest;
            n += when(self.trains_at(w), wgrad(rows, o, i))
                + when(self.trains_at(b), bgrad(rows, o));
            if rank > 0 {
                n += when(self.trains_at(lb), wgrad(rows, o, rank))
                    + dlin(rows, o, rank)
                    + when(down, dlin(rows, o, i))
                    + when(self.trains_at(la), wgrad(rows, rank, i))
                    + when(down, dlin(rows, rank, i));
            } else {
                n += when(down, dlin(rows, o, i));
            }
        }
        n
    }

    /// `adam`: one strided loop per trainable range.
    fn adam_loops(&self) -> u64 {
        let ranges = self.word(27) as usize;
        let at = 44 + 12 * super::MAX_LAYERS;
        passes(ranges as u64)
            + (0..ranges)
                .map(|q| strided(self.word(at + 2 * q + 1), 0))
                .sum::<u64>()
    }

    /// Loop passes of one training step (`train_step`, with its pass of the steps loop).
    pub fn step_loops(&self) -> u64 {
        let (d, b) = (self.word(2), self.word(4));
        let gather = strided(b * d, 0) + strided(b, 0);
        1 + gather
            + self.forward_loops(b)
            + strided(b, 0)
            + self.backward_loops(b)
            + self.adam_loops()
    }

    /// Loop passes of a train dispatch of `steps` steps.
    pub fn train_loops(&self, steps: u64) -> u64 {
        // The steps loop's leaving test, then each step.
        1 + steps * self.step_loops()
    }

    /// The most training steps one dispatch runs within a driver's loop `budget` (0 when
    /// not even one fits).
    pub fn steps_within(&self, budget: u64) -> u64 {
        usable(budget).saturating_sub(self.train_loops(0)) / self.step_loops().max(1)
    }

    /// Validation chunks (of R rows) of the largest validation table.
    pub fn eval_chunks(&self) -> u64 {
        self.word(6).div_ceil(self.word(7).max(1))
    }

    /// Loop passes of an eval dispatch over `chunks` chunks of R rows (the reduction
    /// included; the last chunk counted as a full one).
    pub fn eval_loops(&self, chunks: u64) -> u64 {
        let (d, r) = (self.word(2), self.word(7));
        let chunk = strided(r * d, 0) + strided(r, 0) + self.forward_loops(r) + strided(r, 0);
        passes(chunks) + chunks * chunk + passes(WG.ilog2().into())
    }

    /// Loop passes of a save or load dispatch (`keep`: P parameters in steps of WG).
    pub fn keep_loops(&self) -> u64 {
        passes(self.word(0).div_ceil(WG))
    }

    /// The most validation chunks one eval dispatch runs within a driver's loop `budget`
    /// (all of them without one); 0 when not even one fits.
    pub fn eval_chunks_per_dispatch(&self, budget: Option<u64>) -> u64 {
        let all = self.eval_chunks();
        match budget {
            None => all,
            Some(b) => {
                let one = self.eval_loops(1) - self.eval_loops(0);
                (usable(b).saturating_sub(self.eval_loops(0)) / one.max(1)).min(all)
            }
        }
    }

    /// Whether the fused kernel can run this plan within a driver's loop `budget`: one
    /// training step, one validation chunk and a keep each fit one dispatch (more work
    /// splits into several).
    pub fn fits_loop_budget(&self, budget: Option<u64>) -> bool {
        budget.is_none_or(|b| {
            self.steps_within(b) >= 1
                && self.eval_chunks_per_dispatch(Some(b)) >= 1
                && self.keep_loops() <= usable(b)
        })
    }
}

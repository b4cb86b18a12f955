//! The `digits` sweep: real data instead of a synthetic task ([`crate::data::digits`]).
//!
//! Per seed: a split of the 1,797 images into a source pool, a target pool and a test set.
//! Per group (m, width) and seed: a digit classifier 64 → width (× depth, ReLU) → 10 logits
//! pre-trained by softmax cross-entropy on the first m source images
//! ([`digits_pretrain_steps`] Adam steps, no validation: a fixed budget, as pre-training on
//! the synthetic tasks). The target is the digit's parity y ∈ {0, 1}; every method fits the
//! squared loss on the first n target images (a fifth of them held out for validation), and
//! is scored on the test images by its misclassification rate (ŷ ≥ ½ read as odd: the curve's
//! risk) and its squared loss (the curve's `squared_loss`).
//!
//! **Caulking** (`caulk-adapter`) keeps the head frozen, as the paper's framework has it: the
//! source classifier's softmax and a fixed parity map π(p) = Σ_{c odd} p_c, so
//! ŷ = π(softmax(l + U·relu(V·l + c))) with l the classifier's logits, and only the caulk
//! (U, V, c) is fitted. U starts at 0, so the caulk starts as the identity: with a perfect
//! extractor the identity is the caulk needed, and the better the classifier (the larger m),
//! the less the caulk has to do. Every other method trains a new read-out on the class
//! probabilities p = softmax(l): probing, kept as baselines.
//!
//! | method | network on the target | trains |
//! |---|---|---|
//! | `linear-probe` | ŷ = wᵀp + b (a baseline: probing) | closed form: ridge, λ by exact leave-one-out ([`fit_validated`]) |
//! | `caulk-adapter` | ŷ = π(softmax(l + U·relu(V·l + c))), π and softmax frozen | U, V, c only |
//! | `lora` | the classifier with W + B·A on every layer, then softmax and the read-out | A, B and the read-out |
//! | `partial` | the classifier, then softmax and the read-out | its last `layers` layers and the read-out |
//! | `full` | the same | everything |
//! | `scratch` | 64 → width (× depth) → 1 on the pixels, from random weights | everything |
//!
//! The read-out starts at the ridge probe fitted on the training part, so every caulk starts
//! at the probe and can only move from it where validation says it helps. Every network
//! trains on the host in f64 ([`crate::train::dense`]): the digit classifier's 64 inputs and
//! 10 outputs are not shapes of the backend's batched kernels, so a CPU run and a GPU run of
//! the same link give the same numbers by construction. No theory line is held against
//! these curves: the rates of the paper are for regression on Hölder classes.

use super::*;
use crate::closed_form::ridge::fit_validated;
use crate::data::digits::{self, Digits, Split, PIXELS};
use crate::experiment::sweep::cost::{digits_fit_cost, digits_pretrain_cost};
use crate::experiment::sweep::plan::{digits_pretrain_steps, DIGITS_BATCH, DIGITS_CLASSES};
use crate::train::dense::{Loss, Net, Part};
use crate::train::{jitter_start, methods::train_opts};

/// One seed's images: the split's pixels and labels, made once for every group.
struct DigitsSeed {
    i: usize,
    seed: u64,
    split: Split,
    /// The target pool's pixels and parities (a fit on n takes the first n).
    pool_x: Vec<f64>,
    pool_y: Vec<f64>,
    /// The test images' pixels and parities.
    test_x: Vec<f64>,
    test_y: Vec<f64>,
}

/// A seed's pre-trained classifier, its class probabilities and its logits on the target
/// pool and test.
struct Classifier {
    params: Vec<f64>,
    pool_p: Vec<f64>,
    test_p: Vec<f64>,
    pool_l: Vec<f64>,
    test_l: Vec<f64>,
}

/// The frozen parity map π(p) = Σ_{c odd} p_c as the weights of a dense layer 10 → 1.
fn parity_map() -> Vec<f64> {
    (0..DIGITS_CLASSES)
        .map(|c| if c % 2 == 1 { 1.0 } else { 0.0 })
        .collect()
}

/// Which parameters a method trains in its network.
type MaskOf = dyn Fn(&Net) -> Vec<bool>;

/// A network to train on a seed's target images: the method (its step size), the network and
/// its trainable mask, its inputs for the target pool and the test images (rows of
/// `net.inp`), and the batch stream's tag.
struct Fitting<'a> {
    method: Method,
    net: &'a Net,
    mask: &'a [bool],
    x: &'a [f64],
    test_x: &'a [f64],
    batch_stream: u64,
}

/// The network 64 pixels → width (× depth, ReLU) → `out`: the classifier (10 logits) and
/// `scratch` (1 output).
fn mlp(width: usize, depth: usize, out: usize) -> Net {
    let mut net = Net::new(PIXELS);
    for _ in 0..depth.max(1) {
        net = net.dense(width).relu();
    }
    net.dense(out)
}

/// Misclassification rate of ŷ (≥ ½ read as 1) and squared loss against 0/1 labels y.
fn scores(pred: &[f64], y: &[f64]) -> (f64, f64) {
    let n = y.len().max(1) as f64;
    let wrong = pred
        .iter()
        .zip(y)
        .filter(|(p, t)| (**p >= 0.5) != (**t >= 0.5))
        .count();
    let sq = pred
        .iter()
        .zip(y)
        .map(|(p, t)| (p - t).powi(2))
        .sum::<f64>()
        / n;
    (wrong as f64 / n, sq)
}

/// The training and validation parts of the first n rows (`width` values each): the first
/// four fifths and the rest, as everywhere in the crate.
fn cut(n: usize) -> usize {
    n - (n / 5).max(1)
}

impl<B: Backend> Sweep<'_, B> {
    /// The curves of a `digits` sweep over `seeds` into `accs`, and each seed's constant
    /// predictor's error (the minority share of the test images' parities). A cancel stops
    /// it early; `accs` then hold what finished.
    pub(in crate::experiment) async fn digits(
        &mut self,
        seeds: std::ops::Range<usize>,
        accs: &mut Vec<Acc>,
    ) -> Result<Vec<f64>> {
        let images = digits::load()?;
        let mut data = Vec::new();
        for i in seeds {
            if self.cancel.is_cancelled() {
                break;
            }
            let seed = run_seed(self.c.seed, i);
            let split = Split::of(images.len(), seed);
            data.push(DigitsSeed {
                i,
                seed,
                pool_x: images.pixels(&split.target),
                pool_y: images.targets(&split.target),
                test_x: images.pixels(&split.test),
                test_y: images.targets(&split.test),
                split,
            });
            self.ticker
                .tick(format!("data seed {i}"), Cost::default(), None, None);
            self.checkpoint().await;
        }
        let constant = data
            .iter()
            .map(|sd| {
                let odd = mean(&sd.test_y).unwrap_or(0.5);
                odd.min(1.0 - odd)
            })
            .collect();
        let plan = self.plan;
        for g in 0..plan.groups.len() {
            let first = accs.len();
            accs.extend(group_accs(plan, g));
            if self
                .digits_group(g, &images, &data, &mut accs[first..])
                .await
                .is_none()
            {
                break;
            }
        }
        Ok(constant)
    }

    /// Group `g` (m, width): each seed's classifier where a method uses it, then every
    /// method at every n. None when cancelled.
    async fn digits_group(
        &mut self,
        g: usize,
        images: &Digits,
        data: &[DigitsSeed],
        accs: &mut [Acc],
    ) -> Option<()> {
        let plan = self.plan;
        let (m, width) = plan.groups[g];
        let depth = self.c.depth as usize;
        let mut pre: Vec<Option<std::result::Result<Classifier, String>>> = Vec::new();
        for sd in data {
            let needed = plan.group_pretrains(g);
            pre.push(match (m, needed) {
                (Some(m), true) => {
                    if self.cancel.is_cancelled() {
                        return None;
                    }
                    let out = self.pretrain_digits(images, sd, m as usize, width, depth);
                    if let Err(e) = &out {
                        for acc in accs.iter_mut().filter(|a| plan.uses_backbone(a.method)) {
                            acc.notes
                                .push(format!("seed {}: pre-training failed: {e}", sd.i));
                        }
                    }
                    self.ticker.tick(
                        format!("pre-training m={m} width={width} seed {}", sd.i),
                        digits_pretrain_cost(self.c, m, width),
                        None,
                        None,
                    );
                    self.checkpoint().await;
                    Some(out)
                }
                _ => None,
            });
        }
        let ids: Vec<usize> = data.iter().map(|sd| sd.i).collect();
        for (j, &n) in plan.n.iter().enumerate() {
            for slot in accs.iter_mut() {
                let method = slot.method;
                let mut outcomes = Vec::new();
                let mut losses = Vec::new();
                for (sd, pre) in data.iter().zip(&pre) {
                    if self.cancel.is_cancelled() {
                        return None;
                    }
                    let fit = match (plan.uses_backbone(method), pre) {
                        (true, Some(Ok(cl))) => {
                            self.fit_digits(method, sd, Some(cl), n as usize, width)
                        }
                        (true, Some(Err(e))) => Err(format!("no backbone ({e})")),
                        (true, None) => Err("no backbone".to_string()),
                        (false, _) => self.fit_digits(method, sd, None, n as usize, width),
                    };
                    let (outcome, loss) = match fit {
                        Ok((outcome, loss)) => (Ok(outcome), loss),
                        Err(e) => (Err(e), f64::NAN),
                    };
                    outcomes.push(outcome);
                    losses.push(loss);
                }
                let keys: Vec<(String, bool)> = ids
                    .iter()
                    .map(|&i| (point_key(self.c, method, slot.m, slot.width, n, i), false))
                    .collect();
                let cost = digits_fit_cost(plan, self.c, method, n, width);
                let kept = self.record(slot, j, n, &ids, outcomes, cost, &keys)?;
                slot.losses[j].extend(losses.iter().zip(kept).filter(|(_, k)| *k).map(|(l, _)| *l));
                self.checkpoint().await;
            }
        }
        Some(())
    }

    /// Seed `sd`'s classifier pre-trained on its first m source images.
    fn pretrain_digits(
        &self,
        images: &Digits,
        sd: &DigitsSeed,
        m: usize,
        width: usize,
        depth: usize,
    ) -> std::result::Result<Classifier, String> {
        let net = mlp(width, depth, DIGITS_CLASSES);
        let mut params = net.init(&mut Rng::with_index(
            sd.seed,
            Stream::Init,
            0xD161_0000 + width as u64,
        ));
        jitter_start(&mut params, self.c.jitter, sd.seed, 0);
        let source = &sd.split.source[..m.min(sd.split.source.len())];
        let (x, y) = (images.pixels(source), images.digits(source));
        let steps = digits_pretrain_steps(m as u64);
        let opts = TrainOpts {
            steps,
            lr: PRETRAIN_LR,
            batch: DIGITS_BATCH,
            eval_every: 50,
            jitter: self.c.jitter,
            ..TrainOpts::default()
        };
        let mask = vec![true; net.len];
        let mut rng = Rng::with_index(sd.seed, Stream::Batch, m as u64);
        let report = net
            .train(
                &mut params,
                &mask,
                (&x, &y),
                None,
                Loss::CrossEntropy,
                &opts,
                &mut rng,
                self.cancel,
            )
            .map_err(|e| e.to_string())?;
        if let Some(t) = report.diverged_at {
            return Err(format!("pre-training diverged at step {t}"));
        }
        let probs = net.clone().softmax();
        Ok(Classifier {
            pool_p: probs.predict(&params, &sd.pool_x),
            test_p: probs.predict(&params, &sd.test_x),
            pool_l: net.predict(&params, &sd.pool_x),
            test_l: net.predict(&params, &sd.test_x),
            params,
        })
    }

    /// One method on seed `sd`'s first n target images: its outcome and test squared loss.
    fn fit_digits(
        &self,
        method: Method,
        sd: &DigitsSeed,
        cl: Option<&Classifier>,
        n: usize,
        width: usize,
    ) -> std::result::Result<(Outcome, f64), String> {
        let k = DIGITS_CLASSES;
        let y = &sd.pool_y[..n];
        let c = cut(n);
        let Some(cl) = cl.filter(|_| method != Method::Scratch) else {
            return self.fit_scratch(sd, n, width);
        };
        let p = &cl.pool_p[..n * k];
        if method == Method::CaulkAdapter {
            return self.fit_caulk(sd, cl, n);
        }
        if method == Method::LinearProbe {
            let (fit, _) = fit_validated(p, y, k).map_err(|e| e.to_string())?;
            let pred: Vec<f64> = cl.test_p.chunks(k).map(|row| fit.predict(row)).collect();
            let (err, sq) = scores(&pred, &sd.test_y);
            return Ok(((err, k + 1, None, None), sq));
        }
        // The read-out starts at the probe of the training part.
        let (probe, _) = fit_validated(&p[..c * k], &y[..c], k).map_err(|e| e.to_string())?;
        let depth = self.c.depth as usize;
        // lora, partial, full: the classifier (fine-tuned as the method says), its softmax and a
        // new read-out.
        let base = mlp(width, depth, DIGITS_CLASSES);
        let base = match method {
            Method::Lora => base.with_lora(self.c.rank as usize),
            Method::CaulkAdapter
            | Method::CaulkSpline
            | Method::CaulkSelect
            | Method::Bitfit
            | Method::Partial
            | Method::LinearProbe
            | Method::Full
            | Method::Scratch => base,
        };
        let layers = self.c.layers as usize;
        let net = base.softmax().dense(1);
        let (x, test_x) = (&sd.pool_x[..n * PIXELS], &sd.test_x);
        let mask_of: Box<MaskOf> = Box::new(move |net: &Net| {
            let head = net.layers.len() - 1;
            let body = match method {
                Method::Lora => net.mask(|i| i < head, Part::Lora),
                // The classifier's biases (BitFit).
                Method::Bitfit => net.mask(|i| i < head, Part::Biases),
                // Dense layer q sits at index 2q (q = 0 … depth): the last `layers` of them
                // are those with q + layers > depth.
                Method::Partial => net.mask(
                    |i| i < head && i % 2 == 0 && i / 2 + layers > depth.max(1),
                    Part::All,
                ),
                // `full` (and any other): the whole classifier.
                Method::CaulkAdapter
                | Method::CaulkSpline
                | Method::CaulkSelect
                | Method::LinearProbe
                | Method::Full
                | Method::Scratch => net.mask(|i| i < head, Part::All),
            };
            let readout = net.mask(|i| i == head, Part::All);
            body.iter().zip(readout).map(|(a, b)| *a || b).collect()
        });
        let mut params = net.init(&mut Rng::with_index(
            sd.seed,
            Stream::Init,
            0xD162_0000 + n as u64,
        ));
        params[..cl.params.len()].copy_from_slice(&cl.params);
        // The read-out is the last dense layer's k weights and bias.
        let at = params.len() - (k + 1);
        params[at..at + k].copy_from_slice(&probe.w);
        params[at + k] = probe.b;
        jitter_start(&mut params, self.c.jitter, sd.seed, 1);
        let mask = mask_of(&net);
        let fit = Fitting {
            method,
            net: &net,
            mask: &mask,
            x,
            test_x,
            batch_stream: 0xD163_0000,
        };
        self.train_and_score(sd, n, fit, params)
    }

    /// Train `fit.net` from `params` on seed `sd`'s first n target rows (the first four
    /// fifths; the rest validate), as `fit.method` trains, and score it on the test images:
    /// its outcome (error rate, trainable count, report) and test squared loss.
    fn train_and_score(
        &self,
        sd: &DigitsSeed,
        n: usize,
        fit: Fitting<'_>,
        mut params: Vec<f64>,
    ) -> std::result::Result<(Outcome, f64), String> {
        let Fitting {
            method,
            net,
            mask,
            x,
            test_x,
            batch_stream,
        } = fit;
        let (y, c, inp) = (&sd.pool_y[..n], cut(n), net.inp);
        let opts = TrainOpts {
            eval_every: crate::experiment::sweep::plan::FINETUNE_EVAL_EVERY,
            ..train_opts(method, &self.plan.finetune)
        };
        let mut rng = Rng::with_index(sd.seed, Stream::Batch, batch_stream + n as u64);
        let report = net
            .train(
                &mut params,
                mask,
                (&x[..c * inp], &y[..c]),
                Some((&x[c * inp..n * inp], &y[c..])),
                Loss::Squared,
                &opts,
                &mut rng,
                self.cancel,
            )
            .map_err(|e| e.to_string())?;
        let (err, sq) = scores(&net.predict(&params, test_x), &sd.test_y);
        let trainable = mask.iter().filter(|t| **t).count();
        Ok(((err, trainable, Some(report), None), sq))
    }

    /// `caulk-adapter`: the caulk l ↦ l + U·relu(V·l + c) on the classifier's logits under the
    /// frozen softmax and parity map (module doc); only U, V, c train, from the identity.
    fn fit_caulk(
        &self,
        sd: &DigitsSeed,
        cl: &Classifier,
        n: usize,
    ) -> std::result::Result<(Outcome, f64), String> {
        let k = DIGITS_CLASSES;
        let net = Net::new(k)
            .adapter(self.c.adapter_width as usize)
            .softmax()
            .dense(1);
        let mut params = net.init(&mut Rng::with_index(
            sd.seed,
            Stream::Init,
            0xD165_0000 + n as u64,
        ));
        // The head: the parity map's k weights and a zero bias, frozen.
        let at = params.len() - (k + 1);
        params[at..at + k].copy_from_slice(&parity_map());
        params[at + k] = 0.0;
        jitter_start(&mut params, self.c.jitter, sd.seed, 1);
        // Layer 0 is the adapter: the only trainable block.
        let mask = net.mask(|i| i == 0, Part::All);
        let fit = Fitting {
            method: Method::CaulkAdapter,
            net: &net,
            mask: &mask,
            x: &cl.pool_l,
            test_x: &cl.test_l,
            batch_stream: 0xD165_0000,
        };
        self.train_and_score(sd, n, fit, params)
    }

    /// `scratch`: 64 → width (× depth) → 1 on the pixels from random weights, the output's
    /// bias at the training part's mean label.
    fn fit_scratch(
        &self,
        sd: &DigitsSeed,
        n: usize,
        width: usize,
    ) -> std::result::Result<(Outcome, f64), String> {
        let net = mlp(width, self.c.depth as usize, 1);
        let (y, c) = (&sd.pool_y[..n], cut(n));
        let mut params = net.init(&mut Rng::with_index(
            sd.seed,
            Stream::Init,
            0xD164_0000 + n as u64,
        ));
        let last = params.len() - 1;
        params[last] = mean(&y[..c]).unwrap_or(0.5);
        jitter_start(&mut params, self.c.jitter, sd.seed, 1);
        let mask = vec![true; net.len];
        let fit = Fitting {
            method: Method::Scratch,
            net: &net,
            mask: &mask,
            x: &sd.pool_x,
            test_x: &sd.test_x,
            batch_stream: 0xD164_0000,
        };
        self.train_and_score(sd, n, fit, params)
    }
}

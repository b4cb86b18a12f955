//! What the two K-model trainers share ([`batched`](super::batched), composed from the
//! backend's primitives, and [`fused`](super::fused), whole steps per dispatch): each model's
//! data, its mini-batch order, and the bookkeeping of evaluations.
//!
//! Batch order: model i draws its mini-batches from epochs of its own table, each epoch a
//! fresh shuffle from the batch stream of the model's seed, so every backend and both
//! trainers see the same rows. Evaluations: a model improves when its validation loss falls
//! below its best so far (its weights are then kept); a non-finite loss marks it diverged.

use super::TrainReport;

/// One model's training data for [`train_batched`](super::batched::train_batched): inputs
/// (rows × d) and labels, and an optional validation split.
pub struct ModelData<'d> {
    /// Training inputs, rows × d.
    pub x: &'d [f64],
    /// Training labels.
    pub y: &'d [f64],
    /// Validation inputs and labels.
    pub val: Option<(&'d [f64], &'d [f64])>,
    /// Seed of this model's batch order.
    pub seed: u64,
}

/// Each model's mini-batch order: epochs reshuffled from the model's own batch stream (the
/// same order on every backend, so the CPU and GPU paths see the same batches).
pub(crate) struct BatchOrder {
    rngs: Vec<crate::rng::Rng>,
    orders: Vec<Vec<usize>>,
    cursors: Vec<usize>,
    /// Rows per mini-batch: the requested size capped at the smallest table.
    pub batch: usize,
}

impl BatchOrder {
    /// The orders of `data`'s models for mini-batches of `batch` rows.
    pub fn new(data: &[ModelData<'_>], batch: usize) -> Self {
        use crate::rng::{Rng, Stream};
        let counts: Vec<usize> = data.iter().map(|m| m.y.len()).collect();
        BatchOrder {
            rngs: data
                .iter()
                .map(|m| Rng::with_index(m.seed, Stream::Batch, 2))
                .collect(),
            orders: counts.iter().map(|n| (0..*n).collect()).collect(),
            batch: batch.clamp(1, counts.iter().copied().min().unwrap_or(1)),
            cursors: counts,
        }
    }

    /// Fill `idx` (K × batch, as f32) with every model's next mini-batch rows.
    pub fn next(&mut self, idx: &mut [f32]) {
        self.next_steps(1, idx);
    }

    /// Fill `idx` (K × steps × batch, as f32, model after model) with every model's rows for
    /// its next `steps` mini-batches: the rows `steps` calls of [`BatchOrder::next`] give.
    pub fn next_steps(&mut self, steps: usize, idx: &mut [f32]) {
        let per_model = steps * self.batch;
        for (rows, ((order, cursor), rng)) in idx.chunks_exact_mut(per_model.max(1)).zip(
            self.orders
                .iter_mut()
                .zip(self.cursors.iter_mut())
                .zip(self.rngs.iter_mut()),
        ) {
            for slot in rows {
                if *cursor == order.len() {
                    rng.shuffle(order);
                    *cursor = 0;
                }
                *slot = order[*cursor] as f32;
                *cursor += 1;
            }
        }
    }
}

/// Record the validation losses of an evaluation at step t: a non-finite loss marks its model
/// diverged. Returns which models improved on their best loss (the caller keeps their weights
/// and updates `best_loss` and `best_step`).
pub(crate) fn improvements(reports: &mut [TrainReport], losses: &[f32], t: usize) -> Vec<bool> {
    reports
        .iter_mut()
        .zip(losses)
        .map(|(r, l)| {
            let l = *l as f64;
            if r.diverged_at.is_some() {
                return false;
            }
            if !l.is_finite() {
                r.diverged_at = Some(t);
                return false;
            }
            l < r.best_loss
        })
        .collect()
}

/// The first evaluation's reports: nothing trained yet, the starting loss kept.
pub(crate) fn starting_reports(losses: &[f32]) -> Vec<TrainReport> {
    losses
        .iter()
        .map(|l| TrainReport {
            steps: 0,
            best_step: 0,
            best_loss: *l as f64,
            diverged_at: None,
            cancelled: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{BatchOrder, ModelData};

    /// Three models with tables of 5, 7 and 9 rows (epochs end at different steps).
    fn orders() -> BatchOrder {
        let tables: Vec<Vec<f64>> = [5, 7, 9].iter().map(|&n| vec![0.0; n]).collect();
        let data: Vec<ModelData> = tables
            .iter()
            .enumerate()
            .map(|(i, y)| ModelData {
                x: y,
                y,
                val: None,
                seed: 40 + i as u64,
            })
            .collect();
        BatchOrder::new(&data, 4)
    }

    #[test]
    fn many_steps_at_once_give_the_rows_of_one_step_at_a_time() {
        let (k, b, steps) = (3, 4, 6);
        let mut one_by_one = orders();
        let mut want = vec![0.0f32; k * steps * b];
        let mut one = vec![0.0f32; k * b];
        for s in 0..steps {
            one_by_one.next(&mut one);
            for m in 0..k {
                want[(m * steps + s) * b..(m * steps + s + 1) * b]
                    .copy_from_slice(&one[m * b..(m + 1) * b]);
            }
        }
        let mut got = vec![0.0f32; k * steps * b];
        orders().next_steps(steps, &mut got);
        assert_eq!(got, want);
        // Each model's epoch is a permutation of its rows.
        let first: Vec<usize> = got[..5].iter().map(|&r| r as usize).collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..5).collect::<Vec<_>>(), "{first:?}");
    }
}

//! K networks trained at once through the backend primitives: gradients equal the f64
//! reference network's for every segment and architecture (adapter, LoRA), on the CPU
//! backend and on the GPU (Vulkan; lavapipe in CI); Adam steps lower every model's loss and
//! never touch frozen segments.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::{AdamStep, Backend};
use caulk::model::Role;
use caulk::rng::{Rng, Stream};
use caulk::train::batched::BatchedNet;

mod common;

use common::{arch, problem, MODELS};

const ROWS: usize = 11;

fn flat32(v: &[Vec<f64>]) -> Vec<f32> {
    v.iter().flatten().map(|x| *x as f32).collect()
}

fn gradients_match_reference<B: Backend>(backend: &B) {
    let mut rng = Rng::new(3, Stream::Test);
    for (aw, r) in [(0, 0), (3, 0), (0, 2), (3, 2)] {
        for k in [1, 2] {
            let a = arch(k, aw, r);
            let (params, xs, ys) = problem(&a, ROWS, &mut rng);
            let mut net = BatchedNet::new(backend, &a, &params, &|_| true).unwrap();
            let f = net
                .forward(backend.upload(&flat32(&xs)).unwrap(), ROWS)
                .unwrap();
            let counts = backend.upload(&[ROWS as f32; MODELS]).unwrap();
            let (dout, loss) = net
                .loss(&f, &backend.upload(&flat32(&ys)).unwrap(), &counts)
                .unwrap();
            net.backward(&f, &dout).unwrap();
            let grads = pollster::block_on(net.grads()).unwrap();
            let losses = pollster::block_on(backend.read(&loss)).unwrap();
            for i in 0..MODELS {
                let cache = a.forward(&params[i], &xs[i]);
                let (want_loss, want) = a.loss_and_grad(&params[i], &cache, &ys[i]);
                assert!(
                    (losses[i] as f64 - want_loss).abs() < 1e-4 * want_loss.max(1.0),
                    "{}: loss",
                    backend.describe()
                );
                for s in a.segments() {
                    for j in s.range() {
                        let (g, w) = (grads[i][j], want[j]);
                        assert!(
                            (g - w).abs() <= 1e-4 + 2e-3 * w.abs(),
                            "{} {:?}[{}] model {i} (adapter {aw}, rank {r}, k {k}): {g} vs {w}",
                            backend.describe(),
                            s.role,
                            j - s.offset
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn batched_gradients_match_the_f64_network_on_cpu() {
    gradients_match_reference(&CpuBackend);
}

#[test]
fn batched_gradients_match_the_f64_network_on_gpu() {
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    gradients_match_reference(&gpu);
}

fn adam_lowers_every_loss_and_keeps_frozen_segments<B: Backend>(backend: &B) {
    let mut rng = Rng::new(4, Stream::Test);
    let a = arch(1, 4, 0);
    let (params, xs, ys) = problem(&a, ROWS, &mut rng);
    // The extractor is frozen; adapter and head train (an adapter alone can be dead for a
    // random model: ReLU off on every row).
    let trains = |role: Role| !matches!(role, Role::ExtractorWeight(_) | Role::ExtractorBias(_));
    let mut net = BatchedNet::new(backend, &a, &params, &trains).unwrap();
    let x = backend.upload(&flat32(&xs)).unwrap();
    let y = backend.upload(&flat32(&ys)).unwrap();
    let counts = backend.upload(&[ROWS as f32; MODELS]).unwrap();
    // Mini-batches of 8 rows gathered on the device, a different order per model.
    let batch = 8;
    let full_loss = |net: &BatchedNet<B>| {
        let xs_again = backend.upload(&flat32(&xs)).unwrap();
        let f = net.forward(xs_again, ROWS).unwrap();
        let (_, loss) = net.loss(&f, &y, &counts).unwrap();
        pollster::block_on(backend.read(&loss)).unwrap()
    };
    let before = full_loss(&net);
    for t in 1..=150u32 {
        let idx: Vec<f32> = (0..MODELS * batch)
            .map(|_| (rng.next_u64() % ROWS as u64) as f32)
            .collect();
        let idx = backend.upload(&idx).unwrap();
        let bx = net.gather(&x, &idx, ROWS, batch, a.d).unwrap();
        let by = net.gather(&y, &idx, ROWS, batch, 1).unwrap();
        let f = net.forward(bx, batch).unwrap();
        let (dout, _) = net
            .loss(&f, &by, &backend.upload(&[batch as f32; MODELS]).unwrap())
            .unwrap();
        net.backward(&f, &dout).unwrap();
        net.step(&AdamStep {
            t,
            lr: 0.02,
            weight_decay: 0.0,
        })
        .unwrap();
    }
    let after = full_loss(&net);
    for i in 0..MODELS {
        assert!(
            after[i] < before[i],
            "{}: model {i} loss {} → {}",
            backend.describe(),
            before[i],
            after[i]
        );
    }
    let trained = pollster::block_on(net.params()).unwrap();
    for (i, p) in trained.iter().enumerate() {
        for s in a.segments().iter().filter(|s| !trains(s.role)) {
            for j in s.range() {
                assert_eq!(
                    p[j] as f32, params[i][j] as f32,
                    "{:?} of model {i} moved",
                    s.role
                );
            }
        }
    }
}

#[test]
fn adam_through_the_primitives_trains_every_model_on_cpu_and_gpu() {
    adam_lowers_every_loss_and_keeps_frozen_segments(&CpuBackend);
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    adam_lowers_every_loss_and_keeps_frozen_segments(&gpu);
}

#[test]
fn a_diverging_model_is_reported_and_the_others_keep_training_on_cpu_and_gpu() {
    a_diverging_model_is_reported(&CpuBackend);
    // The GPU trains through its fused kernel.
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    a_diverging_model_is_reported(&gpu);
}

fn a_diverging_model_is_reported<B: Backend>(backend: &B) {
    use caulk::train::batched::{train_batched, ModelData};
    use caulk::train::{Cancel, TrainOpts};
    let mut rng = Rng::new(5, Stream::Test);
    let a = arch(1, 0, 0);
    let (mut params, xs, mut ys) = problem(&a, ROWS, &mut rng);
    // Model 1's labels are huge: with this learning rate its loss overflows f32.
    ys[1] = ys[1].iter().map(|v| v * 1e30).collect();
    let data: Vec<ModelData> = (0..MODELS)
        .map(|i| ModelData {
            x: &xs[i],
            y: &ys[i],
            val: None,
            seed: i as u64,
        })
        .collect();
    let opts = TrainOpts {
        steps: 60,
        lr: 0.01,
        batch: 8,
        eval_every: 10,
        ..TrainOpts::default()
    };
    let reports = pollster::block_on(train_batched(
        backend,
        &a,
        &mut params,
        &|_| true,
        &data,
        &opts,
        &Cancel::new(),
    ))
    .unwrap();
    assert!(reports[1].diverged_at.is_some(), "{:?}", reports[1]);
    assert!(reports[0].diverged_at.is_none() && reports[2].diverged_at.is_none());
    assert!(reports[0].best_step > 0 && reports[2].best_step > 0);
    assert!(params.iter().flatten().all(|v| v.is_finite()));
}

/// With only some segments trainable, each trainable gradient has the same bits as with every
/// segment trainable, and the frozen ones stay zero (the backward pass skips them and stops
/// below the lowest trainable layer); the forward pass from a whole table's features, gathered,
/// equals the forward pass on the gathered rows.
fn frozen_segments_cost_nothing_and_change_nothing<B: Backend>(backend: &B) {
    let mut rng = Rng::new(6, Stream::Test);
    let masks: [(&str, &dyn Fn(Role) -> bool); 4] = [
        ("adapter", &|r| {
            matches!(r, Role::AdapterV | Role::AdapterC | Role::AdapterU)
        }),
        ("head", &|r| {
            matches!(r, Role::HeadWeight(_) | Role::HeadBias(_))
        }),
        ("lora", &|r| matches!(r, Role::LoraA(_) | Role::LoraB(_))),
        ("top layer", &|r| {
            matches!(
                r,
                Role::ExtractorWeight(2) | Role::ExtractorBias(2) | Role::HeadBias(1)
            )
        }),
    ];
    let a = arch(1, 3, 2);
    let (params, xs, ys) = problem(&a, ROWS, &mut rng);
    let grads_with = |mask: &dyn Fn(Role) -> bool| {
        let mut net = BatchedNet::new(backend, &a, &params, mask).unwrap();
        let f = net
            .forward(backend.upload(&flat32(&xs)).unwrap(), ROWS)
            .unwrap();
        let counts = backend.upload(&[ROWS as f32; MODELS]).unwrap();
        let (dout, _) = net
            .loss(&f, &backend.upload(&flat32(&ys)).unwrap(), &counts)
            .unwrap();
        net.backward(&f, &dout).unwrap();
        pollster::block_on(net.grads()).unwrap()
    };
    let all = grads_with(&|_| true);
    for (name, mask) in masks {
        let some = grads_with(mask);
        for i in 0..MODELS {
            for s in a.segments() {
                for j in s.range() {
                    let want = if mask(s.role) { all[i][j] } else { 0.0 };
                    assert_eq!(
                        some[i][j].to_bits(),
                        want.to_bits(),
                        "{} {name}: {:?}[{}] of model {i}",
                        backend.describe(),
                        s.role,
                        j - s.offset
                    );
                }
            }
        }
    }
    // Features of the whole table, gathered, then the head: the same outputs as the whole
    // forward pass on the gathered rows.
    let frozen = |r: Role| matches!(r, Role::AdapterV | Role::AdapterC | Role::AdapterU);
    let a = arch(1, 3, 0);
    let (params, xs, _) = problem(&a, ROWS, &mut rng);
    let net = BatchedNet::new(backend, &a, &params, &frozen).unwrap();
    let batch = 8;
    let idx: Vec<f32> = (0..MODELS * batch)
        .map(|_| (rng.next_u64() % ROWS as u64) as f32)
        .collect();
    let idx = backend.upload(&idx).unwrap();
    let x = backend.upload(&flat32(&xs)).unwrap();
    let direct = net
        .forward(net.gather(&x, &idx, ROWS, batch, a.d).unwrap(), batch)
        .unwrap();
    let z = net
        .features(backend.upload(&flat32(&xs)).unwrap(), ROWS)
        .unwrap();
    let via = net
        .forward_from_features(net.gather(&z, &idx, ROWS, batch, a.k).unwrap(), batch)
        .unwrap();
    let (direct, via) = (
        pollster::block_on(backend.read(&direct.out)).unwrap(),
        pollster::block_on(backend.read(&via.out)).unwrap(),
    );
    assert_eq!(
        direct.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        via.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        "{}",
        backend.describe()
    );
    // Where the extractor trains, a forward pass from features is refused.
    let open = BatchedNet::new(backend, &a, &params, &|_| true).unwrap();
    assert!(open.forward_from_features(z, ROWS).is_err());
}

#[test]
fn frozen_segments_cost_nothing_and_change_nothing_on_cpu_and_gpu() {
    frozen_segments_cost_nothing_and_change_nothing(&CpuBackend);
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    frozen_segments_cost_nothing_and_change_nothing(&gpu);
}

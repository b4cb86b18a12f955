//! The network: gradients of every segment (base, adapter, LoRA) against central finite
//! differences in f64, adapters and LoRA at initialisation reproduce the base network
//! exactly, parameter counts.
#![cfg(not(target_arch = "wasm32"))]

use caulk::model::{Arch, Role};
use caulk::rng::{Rng, Stream};

fn arch(adapter_width: usize, lora_rank: usize) -> Arch {
    Arch {
        d: 3,
        width: 7,
        depth: 2,
        k: 1,
        head_width: 5,
        adapter_width,
        lora_rank,
    }
}

fn batch(rng: &mut Rng, n: usize, d: usize) -> (Vec<f64>, Vec<f64>) {
    let x = (0..n * d).map(|_| rng.uniform()).collect();
    let y = (0..n).map(|_| rng.normal()).collect();
    (x, y)
}

#[test]
fn gradients_match_central_differences_for_every_segment() {
    let mut rng = Rng::new(1, Stream::Test);
    for (aw, r) in [(0, 0), (4, 0), (0, 2), (3, 2)] {
        for k in [1, 2] {
            let a = Arch { k, ..arch(aw, r) };
            let mut p = a.init(&mut rng);
            // Zero-initialised U and B would hide their partners' gradients: perturb them.
            for v in &mut p {
                if *v == 0.0 {
                    *v = 0.3 * rng.normal();
                }
            }
            let (x, y) = batch(&mut rng, 11, a.d);
            let cache = a.forward(&p, &x);
            let (_, g) = a.loss_and_grad(&p, &cache, &y);
            let loss = |q: &[f64]| {
                let c = a.forward(q, &x);
                a.loss_and_grad(q, &c, &y).0
            };
            for s in a.segments() {
                for i in s.range() {
                    let h = 1e-6;
                    let mut q = p.clone();
                    q[i] += h;
                    let up = loss(&q);
                    q[i] -= 2.0 * h;
                    let down = loss(&q);
                    let fd = (up - down) / (2.0 * h);
                    let err = (fd - g[i]).abs() / fd.abs().max(g[i].abs()).max(1e-3);
                    assert!(
                        err < 1e-4,
                        "{:?}[{}] (adapter {aw}, rank {r}, k {k}): fd {fd}, grad {}",
                        s.role,
                        i - s.offset,
                        g[i]
                    );
                }
            }
        }
    }
}

#[test]
fn adapter_and_lora_at_initialisation_reproduce_the_base_network_exactly() {
    let mut rng = Rng::new(2, Stream::Test);
    let base = arch(0, 0);
    let p = base.init(&mut rng);
    let (x, _) = batch(&mut rng, 50, 3);
    let want = base.predict(&p, &x);
    for (aw, r) in [(8, 0), (0, 4), (8, 4)] {
        let (ext, q) = base.extend(&p, aw, r, &mut rng);
        assert_eq!(ext.predict(&q, &x), want, "adapter {aw}, rank {r}");
        // The base segments are copied bit for bit.
        for s in base.segments() {
            assert_eq!(q[ext.segment(s.role).unwrap().range()], p[s.range()]);
        }
    }
}

#[test]
fn parameter_counts_follow_the_shapes() {
    // 3→7→7→1 extractor: 28 + 56 + 8 = 92; head 1→5→1: 10 + 6 = 16.
    assert_eq!(arch(0, 0).param_count(), 108);
    // Adapter r = 4, k = 1: V 4 + c 4 + U 4.
    assert_eq!(arch(4, 0).param_count(), 120);
    // LoRA r = 2: A (2·3 + 2·7 + 2·7) + B (7·2 + 7·2 + 1·2) = 34 + 30.
    assert_eq!(arch(0, 2).param_count(), 108 + 64);
    assert_eq!(arch(0, 0).segment(Role::HeadBias(1)).unwrap().len(), 1);
    assert!(Arch {
        width: 5000,
        ..arch(0, 0)
    }
    .validate()
    .unwrap_err()
    .to_string()
    .contains("width"));
}

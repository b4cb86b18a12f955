//! The GPU → CPU fallback policy of a sweep: its units run on the sweep's backend until the
//! GPU fails (every later unit then runs on the CPU), and a unit too big for the GPU's limits
//! runs on the CPU alone. Finished points are kept either way; the user is told once, in one
//! line, naming what was running. The sweep (`experiment::run`) hands each unit
//! over as two futures, one per backend; the one not needed never runs.

use crate::error::{Error, Result};

/// Where a sweep's units run: on its backend until the GPU fails, then on the CPU.
pub struct Fallback<'a> {
    /// Why the sweep left the GPU, once it has.
    pub lost: Option<String>,
    /// Whether some runs were too big for the GPU.
    pub limited: bool,
    /// Told once of either, in one line.
    on_device: &'a mut dyn FnMut(&str),
}

impl<'a> Fallback<'a> {
    /// On the sweep's own backend, with `on_device` to tell of a move to the CPU.
    pub fn new(on_device: &'a mut dyn FnMut(&str)) -> Self {
        Fallback {
            lost: None,
            limited: false,
            on_device,
        }
    }

    /// Run a unit: `on_backend` unless the GPU is already lost, and `on_cpu` where that
    /// failed on the GPU or was skipped. A GPU failure (now, or earlier) sends this unit and
    /// every later one to the CPU; a device limit (a buffer too big to bind) sends this unit
    /// alone. Either is told through `on_device` once, naming `what` was running. (Futures
    /// do nothing until awaited: the one not needed never runs.)
    pub async fn run<T>(
        &mut self,
        what: &str,
        on_backend: impl std::future::Future<Output = Result<T>>,
        on_cpu: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        if self.lost.is_some() {
            return on_cpu.await;
        }
        match on_backend.await {
            Err(Error::Gpu(why)) => {
                let note = format!(
                    "The GPU failed {what} ({why}); continuing on the CPU, finished points kept."
                );
                (self.on_device)(&note);
                self.lost = Some(note);
                on_cpu.await
            }
            Err(Error::Limit(why)) => {
                if !self.limited {
                    self.limited = true;
                    (self.on_device)(&format!(
                        "The GPU cannot hold the runs {what} ({why}); runs too big for it go to the CPU."
                    ));
                }
                on_cpu.await
            }
            other => other,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// A GPU failure sends that unit and every later one to the CPU, told once; a limit sends
    /// only its own unit, told once however often it happens.
    #[test]
    fn a_lost_gpu_moves_every_later_unit_and_a_limit_only_its_own() {
        let mut told = Vec::new();
        let mut on_device = |s: &str| told.push(s.to_string());
        let mut f = Fallback::new(&mut on_device);
        let gpu = |r: Result<&'static str>| async move { r };
        let cpu = || async { Ok("cpu") };
        let run = |f: &mut Fallback, what, r| pollster::block_on(f.run(what, gpu(r), cpu()));
        assert_eq!(run(&mut f, "a", Ok("gpu")).unwrap(), "gpu");
        assert_eq!(
            run(&mut f, "b", Err(Error::Limit("too big".into()))).unwrap(),
            "cpu"
        );
        assert_eq!(
            run(&mut f, "c", Err(Error::Limit("too big".into()))).unwrap(),
            "cpu"
        );
        assert_eq!(run(&mut f, "d", Ok("gpu")).unwrap(), "gpu");
        assert!(f.limited && f.lost.is_none());
        assert_eq!(
            run(&mut f, "e", Err(Error::Gpu("device lost".into()))).unwrap(),
            "cpu"
        );
        // Lost: even a unit the GPU would have run goes to the CPU now.
        assert_eq!(run(&mut f, "f", Ok("gpu")).unwrap(), "cpu");
        assert!(f
            .lost
            .as_deref()
            .unwrap()
            .contains("failed e (device lost)"));
        drop(f);
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].contains("cannot hold the runs b"));
        assert!(told[1].contains("continuing on the CPU"));
    }
}

//! The couplings of each realization, built once and shared by its batches.
//!
//! A realization's batches (its quick batch, then its chunks) may run at once on several threads
//! or one after another. The first batch to need realization `r` builds its couplings (and, in the
//! adiabatic model, the interaction `J` on first use, inside [`Couplings`]); later batches of `r`
//! get the same `Arc`. The entry is dropped when the last batch of `r` finishes, and at most
//! [`SHARED_COUPLINGS_BYTES`] are kept waiting for later batches: beyond that a batch builds a
//! private copy. Every copy is drawn from the realization's own stream, so results are the same
//! bits whichever way a batch got its couplings.

use super::batch::{BatchSpec, realization_couplings};
use crate::physics::{AdiabaticForm, Couplings, Model, Params, SHARED_COUPLINGS_BYTES};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Default)]
struct Entry {
    couplings: Option<Arc<Couplings>>,
    batches_left: usize,
}

/// Per-realization couplings of one run.
pub struct SharedCouplings<'p> {
    params: &'p Params,
    entries: Vec<Mutex<Entry>>,
    kept_bytes: AtomicU64,
}

fn lock(m: &Mutex<Entry>) -> MutexGuard<'_, Entry> {
    // An entry is a plain value: a panic elsewhere cannot leave it half-written.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<'p> SharedCouplings<'p> {
    /// Entries for the realizations of `specs`, each expecting its number of batches.
    pub fn new(params: &'p Params, specs: &[BatchSpec]) -> Self {
        let mut entries: Vec<Mutex<Entry>> = (0..params.realizations)
            .map(|_| Mutex::new(Entry::default()))
            .collect();
        for spec in specs {
            if let Some(entry) = entries.get_mut(spec.realization) {
                entry
                    .get_mut()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .batches_left += 1;
            }
        }
        Self {
            params,
            entries,
            kept_bytes: AtomicU64::new(0),
        }
    }

    /// The couplings of `realization`, built by the first caller (others wait for it rather than
    /// build them twice).
    pub fn acquire(&self, realization: usize) -> Arc<Couplings> {
        let Some(entry) = self.entries.get(realization) else {
            return Arc::new(self.build(realization));
        };
        let mut entry = lock(entry);
        if let Some(c) = &entry.couplings {
            return Arc::clone(c);
        }
        let couplings = Arc::new(self.build(realization));
        if entry.batches_left > 1 && self.reserve() {
            entry.couplings = Some(Arc::clone(&couplings));
        }
        couplings
    }

    /// A batch of `realization` finished: after its last batch the entry is dropped.
    pub fn release(&self, realization: usize) {
        if let Some(entry) = self.entries.get(realization) {
            let mut entry = lock(entry);
            entry.batches_left = entry.batches_left.saturating_sub(1);
            if entry.batches_left == 0 && entry.couplings.take().is_some() {
                self.kept_bytes
                    .fetch_sub(self.params.couplings_bytes(), Ordering::Relaxed);
            }
        }
    }

    fn build(&self, realization: usize) -> Couplings {
        let couplings = realization_couplings(self.params, realization);
        let p = self.params;
        if p.model == Model::Adiabatic
            && AdiabaticForm::cheaper(p.ns(), p.nb()) == AdiabaticForm::Interaction
        {
            couplings.interaction(p.self_interaction);
        }
        couplings
    }

    /// Count one more realization's couplings as kept, if the budget allows.
    fn reserve(&self) -> bool {
        let bytes = self.params.couplings_bytes();
        self.kept_bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |kept| {
                (kept + bytes <= SHARED_COUPLINGS_BYTES).then_some(kept + bytes)
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::batch_specs;

    #[test]
    fn batches_of_a_realization_share_one_copy_until_the_last_ends() {
        let p = Params {
            nt: 60,
            realizations: 3,
            trajectories_per_realization: 40, // quick batch of 8, then two chunks
            model: Model::Adiabatic,
            ..Params::default()
        };
        let specs = batch_specs(&p);
        let shared = SharedCouplings::new(&p, &specs);
        let batches_of_0 = specs.iter().filter(|s| s.realization == 0).count();
        assert_eq!(batches_of_0, 3);
        let first = shared.acquire(0);
        let second = shared.acquire(0);
        assert!(Arc::ptr_eq(&first, &second));
        // J was made with the couplings, once.
        assert_eq!(
            first.interaction(false).as_ptr(),
            second.interaction(false).as_ptr()
        );
        let fresh = realization_couplings(&p, 0);
        assert_eq!(first.g()[(3, 5)].to_bits(), fresh.g()[(3, 5)].to_bits());
        for _ in 0..batches_of_0 {
            shared.release(0);
        }
        assert!(!Arc::ptr_eq(&first, &shared.acquire(0)));
        assert_eq!(shared.kept_bytes.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn beyond_the_budget_batches_build_their_own() {
        // 4 realizations x 2 chunks with couplings of ~190 MiB each: only two fit the budget.
        let p = Params {
            nt: 7_000,
            alpha: 1.0,
            realizations: 4,
            trajectories_per_realization: 64,
            ..Params::default()
        };
        let bytes = p.couplings_bytes();
        assert!(bytes > SHARED_COUPLINGS_BYTES / 3 && bytes <= SHARED_COUPLINGS_BYTES / 2);
        let specs: Vec<BatchSpec> = (0..4)
            .map(|r| BatchSpec {
                index: r,
                realization: r,
                first_trajectory: 0,
                width: 2,
            })
            .chain((0..4).map(|r| BatchSpec {
                index: 4 + r,
                realization: r,
                first_trajectory: 2,
                width: 2,
            }))
            .collect();
        let shared = SharedCouplings::new(&p, &specs);
        for r in 0..2 {
            assert!(shared.reserve(), "{r}");
        }
        assert!(!shared.reserve());
        assert_eq!(shared.kept_bytes.load(Ordering::Relaxed), 2 * bytes);
    }
}

//! spinboson: far-from-equilibrium dynamics of disordered spin-boson systems (DTWA + TWA), after
//! Kelly, Rey and Marino, PRL 126, 133603 (2021). See `PHYSICS.md` for the conventions.
//!
//! - [`physics`]: the model, sampling, the exact splitting integrator, observables, timescales;
//! - [`sim`]: ensembles over rayon and the job runner used by every front end;
//! - [`analysis`]: relaxation-law fits with jackknife errors, the local exponent;
//! - [`io`]: presets, CSV/JSON export and safe file writes;
//! - [`sweep`]: parameter grids, per-point seeds, shards, resumable sweep files and merging;
//! - [`cli`]: the headless commands;
//! - `app` (feature `gui`): the desktop explorer.

pub mod analysis;
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod io;
pub mod physics;
pub mod sim;
pub mod sweep;

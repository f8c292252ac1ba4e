//! The explorer's session without egui: the family queue, pins, stale partials, failed runs.
//! Messages are delivered by hand (a manual session), except where a real worker is the point.

use spinboson::io::{CURRENT_COLOR, PALETTE};
use spinboson::physics::Params;
use spinboson::sim::{
    Ensemble, ErrorBasis, Family, FamilyParameter, JobOutcome, JobRunner, MAX_PINS, Origin,
    PinError, Progress, RunProblem, Session, SessionError, SessionEvent, SimError, StopReason,
    WorkerMsg, run_job,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn small() -> Params {
    Params {
        nt: 40,
        alpha: 3.0,
        t_max: 5.0,
        points: 20,
        realizations: 2,
        trajectories_per_realization: 8,
        ..Params::default()
    }
}

fn ensemble(sx: f64, trajectories: usize) -> Ensemble {
    let n = 5;
    let mean: [Vec<f64>; 5] = std::array::from_fn(|k| vec![if k == 0 { sx } else { 0.0 }; n]);
    let stderr: [Vec<f64>; 5] = std::array::from_fn(|_| vec![0.01; n]);
    Ensemble {
        t: (0..n).map(|k| k as f64).collect(),
        mean,
        stderr,
        trajectories,
        units: 2,
        error_basis: ErrorBasis::Realizations,
        unit_curves: Default::default(),
    }
}

fn partial(job_id: u64, sx: f64) -> WorkerMsg {
    WorkerMsg::Progress(Progress {
        job_id,
        trajectories_done: 8,
        trajectories_total: 16,
        steps_done: 10,
        steps_total: 20,
        elapsed: Duration::from_millis(10),
        partial: Some(Arc::new(ensemble(sx, 8))),
    })
}

fn finished(job_id: u64, stop: StopReason, sx: f64) -> WorkerMsg {
    WorkerMsg::Finished {
        job_id,
        result: Ok(Box::new(JobOutcome {
            job_id,
            ensemble: Some(ensemble(sx, 16)),
            stop,
            trajectories_completed: 16,
            steps_done: 20,
            elapsed: Duration::from_millis(20),
        })),
    }
}

fn current_id(s: &Session) -> u64 {
    s.current_job().expect("a job").job_id
}

/// Finish the running job and return the event.
fn complete(s: &mut Session, sx: f64) -> Option<SessionEvent> {
    let id = current_id(s);
    s.deliver(finished(id, StopReason::Completed, sx))
}

#[test]
fn stale_partials_are_dropped_and_the_current_one_shown() {
    let mut s = Session::manual(2);
    let first = s.start(small());
    let second = s.start(Params {
        sigma: 1.5,
        ..small()
    });
    assert!(s.history()[0].is_cancelled());
    assert_eq!(s.deliver(partial(first, 0.9)), None);
    assert_eq!(s.stale_dropped(), 1);
    assert!(s.current().is_none(), "a stale partial is not shown");
    s.deliver(partial(second, 0.4));
    let c = s.current().expect("current");
    assert_eq!(c.ensemble.mean[0][0], 0.4);
    assert_eq!(c.params.sigma, 1.5);
    // A finished message of the old job is stale too.
    s.deliver(finished(first, StopReason::Cancelled, 0.1));
    assert_eq!(s.stale_dropped(), 2);
    assert!(s.in_flight());
    // A new start marks the shown curve as the previous run's until its first partial.
    s.start(small());
    assert!(s.current_is_stale());
    assert!(s.fresh_current().is_none());
}

#[test]
fn a_family_runs_in_order_pins_each_member_and_returns_the_base() {
    let mut s = Session::manual(2);
    let base = small();
    let family = Family {
        parameter: FamilyParameter::OmegaOverH,
        values: vec![3.6, 5.0, 10.0],
    };
    s.start_family(&family, &base).expect("starts");
    assert_eq!(s.history().len(), 1);
    assert_eq!(s.current_job().expect("job").params.omega, 3.6);
    assert_eq!(s.family_progress().map(|p| (p.0, p.1)), Some((1, 3)));
    // A cancelled member does not advance the family.
    let mut events = Vec::new();
    for (k, sx) in [0.5, 0.6, 0.7].into_iter().enumerate() {
        let id = current_id(&s);
        s.deliver(partial(id, sx));
        events.push(complete(&mut s, sx));
        assert_eq!(s.pins().len(), k + 1);
    }
    assert_eq!(
        events[0],
        Some(SessionEvent::MemberStarted(Params {
            omega: 5.0,
            ..base.clone()
        }))
    );
    assert_eq!(
        events[2],
        Some(SessionEvent::FamilyFinished {
            base: base.clone(),
            members: 3
        })
    );
    assert!(
        s.current().is_none(),
        "the last member is pinned, not repeated"
    );
    assert!(s.family_progress().is_none());
    let legend: Vec<String> = s.legend().iter().map(|(c, _)| c.label(&base)).collect();
    assert_eq!(legend, ["ω/h = 3.6", "ω/h = 5", "ω/h = 10"]);
    // Member k takes palette color k, as `spinboson figure` draws it.
    let colors: Vec<_> = s.legend().iter().map(|(c, _)| c.color).collect();
    assert_eq!(colors, PALETTE[..3].to_vec());
}

#[test]
fn the_users_curve_comes_back_after_a_family_and_an_edit_that_ends_one_says_so() {
    let mut s = Session::manual(2);
    let base = small();
    let id = s.start(base.clone());
    s.deliver(finished(id, StopReason::Completed, 0.33));
    let family = Family {
        parameter: FamilyParameter::Alpha,
        values: vec![1.0, 2.0],
    };
    s.start_family(&family, &base).expect("starts");
    complete(&mut s, 0.5);
    let event = complete(&mut s, 0.6);
    assert!(matches!(event, Some(SessionEvent::FamilyFinished { .. })));
    let back = s.current().expect("the user's curve is back");
    assert_eq!(back.params, base);
    assert_eq!(back.ensemble.mean[0][0], 0.33);
    // A parameter change in the middle of a family ends it, and the session says so.
    s.start_family(&family, &base).expect("starts again");
    s.start(Params { sigma: 1.0, ..base });
    assert_eq!(
        s.problem(),
        Some(&RunProblem::FamilyInterrupted { left: 2 })
    );
    assert!(s.warnings()[0].contains("2 member(s) not run"));
}

#[test]
fn a_new_family_replaces_the_old_familys_pins_and_keeps_manual_pins() {
    let mut s = Session::manual(2);
    let base = small();
    let id = s.start(Params {
        sigma: 1.0,
        nt: 400,
        ..base.clone()
    });
    s.deliver(finished(id, StopReason::Completed, 0.3));
    s.pin_current().expect("pin");
    let first = Family {
        parameter: FamilyParameter::OmegaOverH,
        values: vec![3.6, 5.0],
    };
    s.start_family(&first, &base).expect("first family");
    complete(&mut s, 0.5);
    complete(&mut s, 0.6);
    assert_eq!(s.pins().len(), 3);
    let second = Family {
        parameter: FamilyParameter::SigmaOverSqrtH,
        values: vec![2.1, 3.0, 4.0],
    };
    s.start_family(&second, &base).expect("second family");
    assert_eq!(s.pins().len(), 1, "the first family's pins are gone");
    for sx in [0.1, 0.2, 0.3] {
        complete(&mut s, sx);
    }
    let labels: Vec<String> = s.legend().iter().map(|(c, _)| c.label(&base)).collect();
    // Family order first, then the manual pin, which says what differs from the controls.
    assert_eq!(
        labels,
        ["σ/√h = 2.1", "σ/√h = 3", "σ/√h = 4", "pin: σ/√h=1 Nt=400"]
    );
    let manual = s
        .pins()
        .iter()
        .find(|p| p.origin == Origin::Manual)
        .expect("manual pin");
    assert_eq!(
        manual.color,
        PALETTE[MAX_PINS - 1],
        "manual pins color from the end"
    );
}

#[test]
fn pins_are_refused_never_dropped_when_full() {
    let mut s = Session::manual(2);
    assert_eq!(s.pin_current(), Err(PinError::NothingToPin));
    for k in 0..MAX_PINS {
        let id = s.start(Params {
            seed: k as u64 + 1,
            ..small()
        });
        s.deliver(finished(id, StopReason::Completed, 0.1 * k as f64));
        s.pin_current().expect("room");
    }
    let before: Vec<u64> = s.pins().iter().map(|p| p.serial).collect();
    let id = s.start(Params {
        seed: 99,
        ..small()
    });
    s.deliver(finished(id, StopReason::Completed, 0.9));
    assert_eq!(s.pin_current(), Err(PinError::Full));
    let after: Vec<u64> = s.pins().iter().map(|p| p.serial).collect();
    assert_eq!(before, after, "no pin was dropped");
    let mut colors: Vec<_> = s.pins().iter().map(|p| p.color).collect();
    colors.sort_by_key(|c| (c.0, c.1, c.2));
    colors.dedup();
    assert_eq!(colors.len(), MAX_PINS, "eight pins, eight colors");
    assert!(!colors.contains(&CURRENT_COLOR));
    // A family that does not fit beside the manual pins is refused and changes nothing.
    let family = Family {
        parameter: FamilyParameter::Alpha,
        values: vec![1.0, 2.0],
    };
    let err = s.start_family(&family, &small()).unwrap_err();
    assert!(
        matches!(
            err,
            SessionError::TooManyPins {
                needed: 2,
                kept: 8,
                free: 0
            }
        ),
        "{err}"
    );
    assert_eq!(s.pins().len(), MAX_PINS);
    assert!(s.family_progress().is_none());
}

#[test]
fn pins_keep_their_fits_and_a_new_window_refits_every_curve() {
    let mut s = Session::manual(2);
    let id = s.start(small());
    s.deliver(finished(id, StopReason::Completed, 0.5));
    s.pin_current().expect("pin");
    let fit = s.pins()[0].fit.clone().expect("pinned with its fit");
    assert_ne!(
        fit.window.end,
        spinboson::analysis::WindowEnd::User,
        "the default window"
    );
    s.set_fit_window(Some((1.0, 3.0)));
    for curve in [s.pins()[0].clone(), s.current().expect("current").clone()] {
        let w = curve.fit.expect("refitted").window;
        assert_eq!((w.t_start, w.t_end), (1.0, 3.0));
        assert_eq!(w.end, spinboson::analysis::WindowEnd::User);
    }
    s.set_fit_window(None);
    assert_eq!(
        s.pins()[0].fit.as_ref().map(|f| f.window.end),
        Some(fit.window.end)
    );
}

#[test]
fn a_partial_pin_says_how_many_trajectories_it_holds() {
    let mut s = Session::manual(2);
    let id = s.start(small());
    s.deliver(partial(id, 0.5));
    s.pin_current().expect("pin");
    let label = s.pins()[0].label(&small());
    assert_eq!(label, "pin: as the controls (8 traj.)");
}

#[test]
fn a_diverged_run_says_where_and_ends_the_family() {
    let mut s = Session::manual(2);
    let family = Family {
        parameter: FamilyParameter::Alpha,
        values: vec![1.0, 2.0],
    };
    s.start_family(&family, &small()).expect("starts");
    let id = current_id(&s);
    assert_eq!(
        s.deliver(finished(id, StopReason::Diverged { t: 3.5 }, 0.2)),
        None
    );
    assert_eq!(s.problem(), Some(&RunProblem::Diverged { t: 3.5 }));
    let warnings = s.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("diverged at t = 3.5000")),
        "{warnings:?}"
    );
    assert!(s.family_progress().is_none());
    assert_eq!(s.history().len(), 1, "no next member");
    // A new run clears the message.
    s.start(small());
    assert!(s.problem().is_none());
}

#[test]
fn energy_drift_is_no_warning_with_photon_loss() {
    let drifting = |kappa: f64| {
        let mut s = Session::manual(2);
        let id = s.start(Params { kappa, ..small() });
        let mut e = ensemble(0.5, 16);
        e.mean[4] = vec![0.0, 0.1, 0.3, 0.5, 0.8]; // energy drift per particle
        s.deliver(WorkerMsg::Finished {
            job_id: id,
            result: Ok(Box::new(JobOutcome {
                job_id: id,
                ensemble: Some(e),
                stop: StopReason::Completed,
                trajectories_completed: 16,
                steps_done: 20,
                elapsed: Duration::from_millis(20),
            })),
        });
        s.warnings()
    };
    assert!(drifting(0.0).iter().any(|w| w.contains("energy drift")));
    assert!(drifting(0.1).is_empty(), "{:?}", drifting(0.1));
}

/// fig3_center's alpha = 0.5 member at the automatic dt: its first 8-trajectory partial drifts by
/// up to 2.6e-3 per particle (measured, README), 1.3e-3 of its energy scale (sigma = 5), while sx
/// agrees with a 4x smaller step. No warning; a drift of O(1) (a step past stability) warns.
#[test]
fn energy_drift_is_judged_against_the_energy_scale() {
    let p = spinboson::io::builtin_preset("fig3_center")
        .expect("built in")
        .expect("parses")
        .params;
    let p = Params { alpha: 0.5, ..p };
    let scale = p.energy_scale();
    assert!((scale - 2.03).abs() < 0.01, "{scale}");
    let warn = |drift: f64| {
        let mut s = Session::manual(2);
        let id = s.start(p.clone());
        let mut e = ensemble(0.5, 8);
        e.mean[4] = vec![0.0, drift, drift, drift, drift];
        s.deliver(WorkerMsg::Progress(Progress {
            job_id: id,
            trajectories_done: 8,
            trajectories_total: 256,
            steps_done: 10,
            steps_total: 100,
            elapsed: Duration::from_millis(10),
            partial: Some(Arc::new(e)),
        }));
        !s.warnings().is_empty()
    };
    assert!(!warn(2.6e-3));
    assert!(warn(1.88));
}

/// A real worker whose first job panics: the session says so, and the next run works.
#[test]
fn a_panicking_job_is_reported_and_the_next_run_works() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let runner: JobRunner = Arc::new(move |request, cancel, on_progress| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("injected failure");
        }
        run_job(request, cancel, on_progress)
    });
    let mut s = Session::spawn_with(1, 0, Arc::new(|| {}), runner).expect("worker");
    let wait = |s: &mut Session| {
        let start = Instant::now();
        while s.in_flight() && start.elapsed() < Duration::from_secs(30) {
            s.poll(Duration::from_millis(5));
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    s.start(small());
    wait(&mut s);
    match s.problem() {
        Some(RunProblem::Failed(SimError::Panicked(m))) => assert!(m.contains("injected")),
        other => panic!("expected the panic reported, got {other:?}"),
    }
    assert!(s.warnings()[0].contains("internal error"));
    s.start(small());
    wait(&mut s);
    assert_eq!(
        s.status().and_then(|st| st.finished.clone()),
        Some(Ok(StopReason::Completed))
    );
    assert!(s.problem().is_none());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

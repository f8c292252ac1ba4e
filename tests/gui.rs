//! The explorer's behaviour, driven through the accessibility tree with egui_kittest (no
//! display needed). Most tests run without a simulation thread and feed worker messages by hand,
//! so they are deterministic; one runs the real worker end to end.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spinboson::app::{AxisMode, Explorer, ExplorerOptions, WorkerMsg};
use spinboson::physics::{Params, Precision};
use spinboson::sim::{Ensemble, ErrorBasis, Progress};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Parameters small enough for a real run to finish in well under a second.
fn small_params() -> Params {
    Params {
        nt: 40,
        alpha: 3.0,
        t_max: 5.0,
        points: 40,
        realizations: 2,
        trajectories_per_realization: 8,
        ..Params::default()
    }
}

fn harness(options: ExplorerOptions) -> Harness<'static, Explorer> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut Explorer| app.ui(ui), Explorer::new(options))
}

fn manual() -> Harness<'static, Explorer> {
    harness(ExplorerOptions {
        simulate: false,
        params: Some(small_params()),
        ..ExplorerOptions::default()
    })
}

/// A partial average for `job_id` with a recognisable sx.
fn partial(job_id: u64, sx: f64) -> WorkerMsg {
    let n = 5;
    let mut mean: [Vec<f64>; 5] = Default::default();
    let mut stderr: [Vec<f64>; 5] = Default::default();
    for k in 0..5 {
        mean[k] = vec![if k == 0 { sx } else { 0.1 }; n];
        stderr[k] = vec![0.01; n];
    }
    let ensemble = Ensemble {
        t: (0..n).map(|k| k as f64).collect(),
        mean,
        stderr,
        trajectories: 8,
        units: 2,
        error_basis: ErrorBasis::Realizations,
        unit_curves: Default::default(),
    };
    WorkerMsg::Progress(Progress {
        job_id,
        trajectories_done: 8,
        trajectories_total: 16,
        steps_done: 100,
        steps_total: 200,
        elapsed: Duration::from_millis(50),
        partial: Some(Arc::new(ensemble)),
    })
}

#[test]
fn starts_the_default_run_at_once() {
    let mut h = manual();
    h.run();
    let app = h.state();
    assert_eq!(app.job_history().len(), 1);
    assert_eq!(app.current_job().map(|j| &j.params), Some(&small_params()));
    assert!(app.job_status().is_some_and(|s| s.in_flight()));
}

#[test]
fn sigma_slider_restarts_and_cancels_the_old_job() {
    let mut h = manual();
    h.run();
    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(2.5);
    // The change waits for the debounce (150 ms); each harness step advances 0.25 s.
    h.step();
    h.run_steps(2);
    let app = h.state();
    let jobs = app.job_history();
    assert_eq!(jobs.len(), 2, "exactly one restart");
    assert!(jobs[0].is_cancelled(), "the old job was cancelled");
    assert!(!jobs[1].is_cancelled());
    assert_eq!(jobs[1].params.sigma, 2.5);
    assert_eq!(app.params().sigma, 2.5);
}

#[test]
fn precision_choice_restarts_in_mixed_precision() {
    let mut h = manual();
    h.run();
    h.get_by_label("mixed (f32 GEMMs)").click();
    h.step();
    h.run_steps(2);
    let app = h.state();
    let jobs = app.job_history();
    assert_eq!(jobs.len(), 2, "exactly one restart");
    assert_eq!(jobs[0].params.precision, Precision::F64);
    assert_eq!(jobs[1].params.precision, Precision::Mixed);
    assert_eq!(app.params().precision, Precision::Mixed);
}

#[test]
fn unchanged_parameters_do_not_restart() {
    let mut h = manual();
    h.run();
    let sigma = h.state().params().sigma;
    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(sigma + 1.0);
    h.step();
    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(sigma);
    h.run_steps(3);
    assert_eq!(
        h.state().job_history().len(),
        1,
        "back to the running value"
    );
}

#[test]
fn axis_mode_changes_without_a_restart() {
    let mut h = manual();
    h.run();
    assert_eq!(h.state().display().axis, AxisMode::LogX);
    h.get_by_role_and_label(Role::Button, "log-log").click();
    h.run_steps(3);
    assert_eq!(h.state().display().axis, AxisMode::LogLog);
    h.get_by_role_and_label(Role::Button, "linear").click();
    h.get_by_label("error bands").click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.display().axis, AxisMode::Linear);
    assert!(!app.display().show_error_bands);
    assert_eq!(app.job_history().len(), 1, "display settings never restart");
    assert!(!app.job_history()[0].is_cancelled());
}

#[test]
fn stale_partials_are_ignored() {
    let mut h = manual();
    h.run();
    let old = h.state().current_job().map(|j| j.job_id).expect("a job");
    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(1.5);
    h.run_steps(3);
    let new = h.state().current_job().map(|j| j.job_id).expect("a job");
    assert_ne!(old, new);

    h.state_mut().deliver(partial(old, 0.7));
    h.run_steps(1);
    assert!(h.state().current_curve().is_none(), "stale partial shown");
    assert_eq!(h.state().stale_messages_ignored(), 1);

    h.state_mut().deliver(partial(new, 0.3));
    h.run_steps(1);
    let curve = h.state().current_curve().expect("current partial shown");
    assert_eq!(curve.ensemble.mean[0][0], 0.3);
    assert_eq!(curve.params.sigma, 1.5);
}

#[test]
fn pinned_curve_survives_a_new_run() {
    let mut h = manual();
    h.run();
    let job = h.state().current_job().map(|j| j.job_id).expect("a job");
    h.state_mut().deliver(partial(job, 0.42));
    h.run_steps(1);
    h.get_by_label("Pin").click();
    h.run_steps(1);
    assert_eq!(h.state().pins().len(), 1);

    h.get_by_role_and_label(Role::Slider, "ω")
        .set_value_accesskit(4.0);
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.job_history().len(), 2, "a new run started");
    let pin = app.pins().first().expect("pin kept");
    assert_eq!(pin.ensemble.mean[0][0], 0.42);
    assert_eq!(pin.params.omega, small_params().omega);
    // The legend says what differs from the controls (ω moved to 4 after the pin).
    let label = pin.label(app.params());
    assert!(label.contains("ω/h=1"), "{label}");
    // Pinned before its run completed: the label says how many trajectories it holds.
    assert!(label.ends_with("(8 traj.)"), "{label}");
    h.get_by_label_contains(&label);
}

#[test]
fn invalid_alpha_and_nt_show_an_inline_error_and_start_nothing() {
    let mut h = manual();
    h.run();
    h.get_by_role_and_label(Role::Slider, "Nt")
        .set_value_accesskit(40.0);
    h.get_by_role_and_label(Role::Slider, "α")
        .set_value_accesskit(80.0);
    h.run_steps(4);
    let message = "alpha = 80 leaves no spins at nt = 40";
    let err = h.state().validation_error().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.starts_with(message)),
        "{err:?}"
    );
    // The error is on screen next to the controls.
    h.get_by_label_contains(message);
    assert_eq!(h.state().job_history().len(), 1, "no run started");
    h.get_by_label("▶ Run").click();
    h.run_steps(2);
    assert_eq!(
        h.state().job_history().len(),
        1,
        "Run refuses invalid parameters"
    );
}

#[test]
fn family_runs_members_in_turn_and_pins_each() {
    let mut h = manual();
    h.run();
    h.get_by_label("Family run").click_accesskit();
    h.run_steps(1);
    // The editor starts with the paper's Fig. 2 left family, omega/h = 3.6, 5, 7.5, 10.
    h.get_by_label("Run family").click_accesskit();
    h.run_steps(1);
    for (k, omega) in [3.6, 5.0, 7.5, 10.0].into_iter().enumerate() {
        let job = h.state().current_job().cloned().expect("member running");
        assert_eq!(job.params.omega, omega);
        finish_current(&mut h, 0.1 * (k + 1) as f64);
    }
    let labels: Vec<String> = h.state().legend().into_iter().map(|(l, _)| l).collect();
    let expected: Vec<String> = ["3.6", "5", "7.5", "10"]
        .iter()
        .map(|v| format!("ω/h = {v}"))
        .collect();
    assert_eq!(labels, expected);
    // The controls show the parameters the user had before the family (ω/h = 1), and say so.
    assert_eq!(h.state().params(), &small_params());
    h.get_by_label_contains("family finished: 4 curves pinned");
    assert_eq!(
        h.state().job_history().len(),
        5,
        "the first run and four members"
    );
    assert!(
        !h.state().job_status().is_some_and(|s| s.in_flight()),
        "family done"
    );
}

#[test]
fn corrupt_saved_state_falls_back_with_a_notice() {
    let mut h = harness(ExplorerOptions {
        simulate: false,
        saved: Some("(params: (nt: \"lots\"".into()),
        ..ExplorerOptions::default()
    });
    h.run();
    assert_eq!(h.state().params(), &Params::default());
    assert!(h.state().notice().is_some());
    h.get_by_label_contains("could not be read");
    h.get_by_label("dismiss").click();
    h.run();
    assert!(h.state().notice().is_none());
}

#[test]
fn saved_state_is_restored() {
    let mut app = Explorer::new(ExplorerOptions {
        simulate: false,
        params: Some(small_params()),
        ..ExplorerOptions::default()
    });
    app.display_mut().axis = AxisMode::LogY;
    let text = app.saved_state().to_ron().expect("serializes");
    let restored = Explorer::new(ExplorerOptions {
        simulate: false,
        saved: Some(text),
        ..ExplorerOptions::default()
    });
    assert_eq!(restored.params(), &small_params());
    assert_eq!(restored.display().axis, AxisMode::LogY);
    assert!(restored.notice().is_none());
}

#[test]
fn real_worker_streams_partials_and_finishes() {
    let mut h = harness(ExplorerOptions {
        simulate: true,
        threads: 2,
        params: Some(small_params()),
        ..ExplorerOptions::default()
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().job_status().is_some_and(|s| s.in_flight()) {
        assert!(Instant::now() < deadline, "the run did not finish");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    let app = h.state();
    let status = app.job_status().expect("a job");
    assert_eq!(
        status
            .finished
            .as_ref()
            .map(|r| r.as_ref().map(|s| s.name())),
        Some(Ok("completed"))
    );
    let curve = app.current_curve().expect("final curve");
    assert_eq!(curve.ensemble.trajectories, 16);
    assert_eq!(curve.ensemble.t.len(), small_params().points);
    // sx starts at 1 (all spins along x).
    assert!((curve.ensemble.mean[0][0] - 1.0).abs() < 1e-12);
}

#[test]
fn choosing_a_builtin_preset_changes_parameters_and_starts_a_run() {
    let mut h = manual();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "preset").click();
    h.run_steps(2);
    h.get_by_label("fig2_center").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.params().nt, 1000);
    assert_eq!(app.params().omega, 1.0);
    assert_eq!(app.display().axis, AxisMode::LogLog);
    let jobs = app.job_history();
    assert_eq!(jobs.len(), 2, "the preset's run started");
    assert!(jobs[0].is_cancelled());
    // The preset's family runs, starting with its first member, sigma/sqrt(h) = 2.1.
    assert_eq!(jobs[1].params.sigma, 2.1);
    assert_eq!(jobs[1].params.nt, 1000);
}

#[test]
fn presets_save_and_load_through_the_path_box_and_bad_files_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mine.ron");
    let mut h = manual();
    h.run();
    let path_box = h.get_by_label("path");
    path_box.focus();
    path_box.type_text(file.to_str().expect("utf8"));
    h.run_steps(1);
    h.get_by_label("Save preset…").click();
    h.run_steps(1);
    let saved = spinboson::io::Preset::load(&file).expect("saved preset loads");
    assert_eq!(saved.preset.params, small_params());
    assert!(saved.unknown_fields.is_empty());

    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(7.0);
    h.run_steps(3);
    assert_eq!(h.state().params().sigma, 7.0);
    h.get_by_label("Load preset…").click();
    h.run_steps(2);
    assert_eq!(h.state().params(), &small_params(), "loaded back");

    // A malformed file reports line and column and keeps the current state.
    std::fs::write(&file, "(params: (nt: 12,\n sigma: oops))").expect("write");
    let jobs = h.state().job_history().len();
    h.get_by_label("Load preset…").click();
    h.run_steps(2);
    assert_eq!(h.state().params(), &small_params());
    assert_eq!(h.state().job_history().len(), jobs);
    h.get_by_label_contains("line 2");

    // Saving over an existing file asks first.
    h.get_by_label("Save preset…").click();
    h.run_steps(1);
    h.get_by_label_contains("exists. Overwrite?");
    h.get_by_label("Cancel").click();
    h.run_steps(1);
    assert!(
        std::fs::read_to_string(&file)
            .expect("read")
            .contains("oops"),
        "kept"
    );
}

#[test]
fn export_csv_writes_every_visible_curve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("curves.csv");
    let mut h = manual();
    h.run();
    let job = h.state().current_job().map(|j| j.job_id).expect("a job");
    h.state_mut().deliver(partial(job, 0.42));
    h.run_steps(1);
    h.get_by_label("Pin").click();
    h.run_steps(1);
    let path_box = h.get_by_label("path");
    path_box.focus();
    path_box.type_text(file.to_str().expect("utf8"));
    h.run_steps(1);
    h.get_by_label("Export CSV…").click();
    h.run_steps(1);
    let mut reader = csv::Reader::from_path(&file).expect("csv written");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, spinboson::io::TIDY_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2 * 5, "current and pinned curve, 5 times each");
    // Legend order: the pin, then the current run; the CSV's series names are the legend's.
    let legend: Vec<String> = h.state().legend().into_iter().map(|(l, _)| l).collect();
    assert_eq!(&rows[0][0], legend[0].as_str());
    assert_eq!(&rows[5][0], legend[1].as_str());
    assert!(
        !rows[5][0].starts_with("current"),
        "no prefix: {}",
        &rows[5][0]
    );
    assert_eq!(rows[0][10].parse::<f64>().expect("sx"), 0.42);
    let sidecar = std::fs::read_to_string(file.with_extension("json")).expect("sidecar");
    assert!(
        sidecar.contains("\"color\": \"#1e6ee6\""),
        "the current curve's color"
    );
    assert!(file.with_extension("json").exists());
}

/// A file dropped on the window, as the native integration hands it to egui.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_preset_file_loads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("dropped.ron");
    let preset = spinboson::io::Preset {
        name: "dropped".into(),
        params: Params {
            sigma: 1.25,
            ..small_params()
        },
        ..spinboson::io::Preset::default()
    };
    std::fs::write(&file, preset.to_ron().expect("serializes")).expect("write");
    let mut h = manual();
    h.run();
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(file.clone())));
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.params().sigma, 1.25);
    assert_eq!(app.job_history().len(), 2, "the dropped preset runs");
    assert_eq!(app.saved_state().recent_presets, vec![file]);
}

#[test]
fn export_figure_writes_an_svg_of_the_visible_curves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("figure"); // the extension is added
    let mut h = manual();
    h.run();
    let job = h.state().current_job().map(|j| j.job_id).expect("a job");
    h.state_mut().deliver(partial(job, 0.42));
    h.run_steps(1);
    let path_box = h.get_by_label("path");
    path_box.focus();
    path_box.type_text(file.to_str().expect("utf8"));
    h.run_steps(1);
    h.get_by_label("Export figure…").click();
    h.run_steps(1);
    let svg = std::fs::read_to_string(file.with_extension("svg")).expect("svg written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    // The legend names the curve by its parameters, without a "current:" prefix.
    assert!(texts.iter().any(|t| t.contains("σ/√h=3")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("current:")), "{texts:?}");
    // The curve has its on-screen color in the figure.
    assert!(
        svg.contains("#1E6EE6") || svg.contains("#1e6ee6"),
        "color missing"
    );
}

/// Finish the running job with a curve whose sx is `sx`.
fn finish_current(h: &mut Harness<'static, Explorer>, sx: f64) {
    let job = h.state().current_job().cloned().expect("a job");
    let WorkerMsg::Progress(p) = partial(job.job_id, sx) else {
        unreachable!()
    };
    let outcome = spinboson::sim::JobOutcome {
        job_id: job.job_id,
        ensemble: p.partial.as_deref().cloned(),
        stop: spinboson::sim::StopReason::Completed,
        trajectories_completed: 16,
        steps_done: 200,
        elapsed: Duration::from_millis(100),
    };
    h.state_mut().deliver(WorkerMsg::Finished {
        job_id: job.job_id,
        result: Ok(Box::new(outcome)),
    });
    h.run_steps(1);
}

fn choose_preset(h: &mut Harness<'static, Explorer>, name: &str) {
    h.get_by_role_and_label(Role::ComboBox, "preset").click();
    h.run_steps(2);
    h.get_by_label(name).click();
    h.run_steps(2);
}

/// A finished run pinned by hand, then `preset`'s four-member family run to the end.
fn pin_then_run_family(preset: &str) -> Harness<'static, Explorer> {
    let mut h = manual();
    h.run();
    finish_current(&mut h, 0.9);
    h.get_by_label("Pin").click();
    h.run_steps(1);
    choose_preset(&mut h, preset);
    for k in 0..4 {
        finish_current(&mut h, 0.1 * (k + 1) as f64);
    }
    h
}

#[test]
fn legend_entries_carry_their_colours_in_family_order() {
    let h = pin_then_run_family("fig3_center");
    let app = h.state();
    let legend = app.legend();
    let labels: Vec<&str> = legend.iter().map(|(l, _)| l.as_str()).collect();
    // Family order first (the preset's values, not alphabetical), then the manual pin.
    assert_eq!(&labels[..4], ["α = 0.1", "α = 0.2", "α = 0.5", "α = 1"]);
    assert!(labels[4].starts_with("pin: "), "{labels:?}");
    // Each entry has its curve's color: the palette in family order, as `spinboson figure`.
    let colors: Vec<_> = legend.iter().map(|(_, c)| *c).collect();
    assert_eq!(&colors[..4], &spinboson::io::PALETTE[..4]);
    for pin in app.pins() {
        let label = pin.label(app.params());
        let entry = legend.iter().find(|(l, _)| *l == label).expect("in legend");
        assert_eq!(entry.1, pin.color);
    }
    // The entries are on screen (pins with their fitted verdict's letter appended).
    for label in labels {
        h.get_by_label_contains(label);
    }
}

#[test]
fn a_family_preset_replaces_the_old_familys_pins_and_keeps_a_manual_pin() {
    let mut h = pin_then_run_family("fig2_left");
    assert_eq!(h.state().pins().len(), 5);
    choose_preset(&mut h, "fig2_center");
    let app = h.state();
    assert_eq!(app.pins().len(), 1, "fig2_left's pins are gone");
    let manual = &app.pins()[0];
    assert_eq!(manual.origin, spinboson::sim::Origin::Manual);
    // Its label says what differs from fig2_center's parameters.
    let label = manual.label(app.params());
    assert!(
        label.contains("Nt=40") && label.contains("σ/√h=3"),
        "{label}"
    );
    // Loading a preset without a family keeps no family list either.
    choose_preset(&mut h, "default");
    assert_eq!(h.state().to_preset("x").family, None);
}

#[test]
fn a_ninth_pin_is_refused_with_a_message() {
    let mut h = manual();
    h.run();
    for k in 0..8 {
        h.state_mut().set_params(Params {
            seed: 100 + k,
            ..small_params()
        });
        finish_current(&mut h, 0.05 * k as f64);
        h.get_by_label("Pin").click();
        h.run_steps(1);
    }
    assert_eq!(h.state().pins().len(), 8);
    let before: Vec<u64> = h.state().pins().iter().map(|p| p.serial).collect();
    h.state_mut().set_params(Params {
        seed: 7,
        ..small_params()
    });
    finish_current(&mut h, 0.8);
    h.get_by_label("Pin").click();
    h.run_steps(1);
    let after: Vec<u64> = h.state().pins().iter().map(|p| p.serial).collect();
    assert_eq!(before, after, "nothing dropped");
    h.get_by_label_contains("8 curves are pinned already: remove one first");
}

#[test]
fn photon_loss_shows_no_dt_warning() {
    let mut h = manual();
    h.run();
    choose_preset(&mut h, "photon_loss");
    for (k, drift) in [1e-5, 0.2, 0.5, 0.8].into_iter().enumerate() {
        // Members with loss change their energy physically: a large "drift".
        let job = h.state().current_job().cloned().expect("member");
        let WorkerMsg::Progress(mut p) = partial(job.job_id, 0.2) else {
            unreachable!()
        };
        let mut e = p.partial.as_deref().cloned().expect("ensemble");
        e.mean[4] = vec![0.0, drift, drift, drift, drift];
        p.partial = Some(Arc::new(e));
        h.state_mut().deliver(WorkerMsg::Progress(p));
        h.run_steps(1);
        let warnings = h.state().warnings();
        assert!(warnings.is_empty(), "member {k}: {warnings:?}");
        if job.params.kappa > 0.0 {
            h.get_by_label_contains("energy not conserved (κ > 0)");
        }
        finish_current(&mut h, 0.2);
    }
}

#[test]
fn a_huge_run_asks_first_and_cancel_starts_nothing() {
    let mut h = manual();
    h.run();
    assert_eq!(h.state().job_history().len(), 1);
    // The example: t_max = 1e6 at the paper's size, a run of days.
    h.get_by_role_and_label(Role::Slider, "Nt")
        .set_value_accesskit(1000.0);
    h.get_by_role_and_label(Role::Slider, "t_max")
        .set_value_accesskit(1e6);
    h.run_steps(3);
    assert!(
        matches!(
            h.state().pending_confirmation(),
            Some(spinboson::app::PendingStart::Run(_))
        ),
        "asks"
    );
    h.run_steps(1);
    h.get_by_label("Start a long run?");
    h.get_by_label_contains("is estimated to take");
    assert_eq!(h.state().job_history().len(), 1, "nothing started yet");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().pending_confirmation().is_none());
    assert_eq!(h.state().job_history().len(), 1, "Cancel starts nothing");
    h.get_by_label_contains("not started");
    // Run asks again, and Start starts it.
    h.get_by_label("▶ Run").click();
    h.run_steps(2);
    h.get_by_label("Start").click();
    h.run_steps(2);
    assert_eq!(h.state().job_history().len(), 2);
    assert_eq!(h.state().job_history()[1].params.t_max, 1e6);
    assert!(
        h.state().estimate(&spinboson::app::PendingStart::Run(
            h.state().params().clone()
        )) > 3600.0
    );
}

#[test]
fn letters_typed_into_a_value_box_show_a_message() {
    let mut h = manual();
    h.run();
    let sigma = h.state().params().sigma;
    // The slider's value box becomes a text field, with the focus, once clicked.
    h.get_by_role_and_label(Role::SpinButton, "σ").click();
    h.run_steps(1);
    h.input_mut().events.push(egui::Event::Text("abc".into()));
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().params().sigma, sigma, "value kept");
    let typed = h.state().typed_error().expect("a message");
    assert_eq!(typed.text, "abc");
    h.get_by_label_contains("\"abc\" is not a number: σ keeps its value");
}

fn press(h: &mut Harness<'static, Explorer>, pos: egui::Pos2, pressed: bool) {
    h.input_mut().events.push(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    });
}

#[test]
fn dragging_sigma_moves_the_map_marker_at_once_and_restarts_on_release() {
    let mut h = manual();
    h.run();
    let before = h.state().map_marker();
    let rect = h.get_by_role_and_label(Role::Slider, "σ").rect();
    let start = rect.center();
    h.input_mut().events.push(egui::Event::PointerMoved(start));
    h.run_steps(1);
    press(&mut h, start, true);
    h.run_steps(1);
    for dx in [10.0, 20.0, 30.0] {
        h.input_mut()
            .events
            .push(egui::Event::PointerMoved(start + egui::vec2(dx, 0.0)));
        h.run_steps(2);
    }
    // Still dragging: the marker (and the inset map) follows, nothing restarted.
    let during = h.state().map_marker();
    assert!(during.1 > before.1 + 0.5, "{before:?} -> {during:?}");
    assert_eq!(during.0, before.0);
    assert_eq!(h.state().job_history().len(), 1, "no run during the drag");
    press(&mut h, start + egui::vec2(30.0, 0.0), false);
    h.run_steps(3);
    let jobs = h.state().job_history();
    assert_eq!(jobs.len(), 2, "one run on release");
    assert_eq!(jobs[1].params.sigma, during.1);
}

#[test]
fn clicking_the_full_map_sets_omega_and_sigma_and_restarts_once() {
    let mut h = manual();
    h.run();
    h.get_by_label("Phase map (Fig. 1)").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), spinboson::app::View::PhaseMap);
    let h_field = h.state().params().h;
    // The map's centre: log10(omega/h) = 0.5, sigma/sqrt(h) = 5 (axes 0.1..100 by 0..10).
    h.get_by_label("phase map (Fig. 1)").click();
    h.run_steps(4);
    let app = h.state();
    let (omega_over_h, sigma_over_sqrt_h) = app.map_marker();
    assert!((omega_over_h - 10f64.sqrt()).abs() < 0.05, "{omega_over_h}");
    assert!(
        (sigma_over_sqrt_h - 5.0).abs() < 0.05,
        "{sigma_over_sqrt_h}"
    );
    assert_eq!(app.params().h, h_field, "h kept");
    let jobs = app.job_history();
    assert_eq!(jobs.len(), 2, "exactly one restart");
    assert!(jobs[0].is_cancelled());
    assert_eq!(jobs[1].params.omega, app.params().omega);
    // The Fig. 3 map sets alpha and omega.
    h.get_by_label("α–ω map (Fig. 3)").click();
    h.run_steps(2);
    h.get_by_label("frustration map (Fig. 3)").click();
    h.run_steps(4);
    let p = h.state().params();
    // Centre: log10(alpha) = 0, log10(h/omega) = -0.5.
    assert!((p.alpha - 1.0).abs() < 0.02, "{}", p.alpha);
    assert!((p.omega / p.h - 10f64.sqrt()).abs() < 0.05, "{}", p.omega);
    assert_eq!(h.state().job_history().len(), 3);
}

#[test]
fn overlay_thermal_fit_and_local_exponent_toggles_never_restart() {
    let mut h = harness(ExplorerOptions {
        simulate: false,
        params: Some(Params {
            sigma: 0.7,
            ..small_params()
        }),
        ..ExplorerOptions::default()
    });
    h.run();
    let job = h.state().current_job().map(|j| j.job_id).expect("a job");
    h.state_mut().deliver(partial(job, 0.4));
    h.run_steps(1);
    let before = h.state().display().clone();
    for label in ["map inset", "thermal sz", "local exponent", "fit"] {
        h.get_by_label(label).click();
        h.run_steps(2);
    }
    let app = h.state();
    let after = app.display();
    assert_eq!(after.show_map_inset, !before.show_map_inset);
    assert_eq!(after.show_thermal, !before.show_thermal);
    assert_eq!(after.show_local_exponent, !before.show_local_exponent);
    assert_eq!(after.show_fit, !before.show_fit);
    assert_eq!(app.job_history().len(), 1, "display settings never restart");
    assert!(!app.job_history()[0].is_cancelled());
}

#[test]
fn a_finished_run_shows_its_verdict_in_the_status_bar() {
    let params = Params {
        nt: 100,
        alpha: 10.0,
        sigma: 3.0,
        omega: 1.0,
        t_max: 30.0,
        points: 60,
        realizations: 4,
        trajectories_per_realization: 8,
        ..Params::default()
    };
    let mut h = harness(ExplorerOptions {
        simulate: true,
        threads: 2,
        params: Some(params),
        ..ExplorerOptions::default()
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().job_status().is_some_and(|s| s.in_flight()) {
        assert!(Instant::now() < deadline, "the run did not finish");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
    let verdict = h.state().verdict_text().expect("a verdict");
    assert!(!verdict.contains("provisional"), "{verdict}");
    assert!(
        verdict.contains(" on ["),
        "the window is reported: {verdict}"
    );
    h.get_by_label(&format!("· fit: {verdict}"));
    // The law table names the three laws.
    for law in ["logarithmic", "algebraic", "exponential"] {
        h.get_by_label(law);
    }
}

/// A small map over omega/h 0.3..5 by sigma/sqrt(h) 0.5..4, `n x n` points of `nt` particles
/// with 4 realizations of `traj` trajectories, every cell computed.
fn map_settings(h: &mut Harness<'static, Explorer>, n: usize, nt: usize, traj: usize) {
    let s = &mut h.state_mut().computed_map_mut().settings;
    s.omega = (0.3, 5.0, n);
    s.sigma = (0.5, 4.0, n);
    s.nt = nt;
    s.realizations = 4;
    s.trajectories_per_realization = traj;
    s.fill = true;
}

/// Step the harness until the computed map stops running (bounded).
fn wait_for_map(h: &mut Harness<'static, Explorer>) {
    h.run_steps(1); // a click on Compute is handled in the next frame
    let deadline = Instant::now() + Duration::from_secs(120);
    while h.state().computed_map().is_running() {
        assert!(Instant::now() < deadline, "the map did not finish");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

#[test]
fn compute_phase_map_writes_the_sweep_rows_saves_loads_and_a_click_loads_a_point() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = manual();
    h.run();
    h.get_by_label("Phase map (Fig. 1)").click();
    h.run_steps(2);
    // A bad grid is named before anything starts.
    h.state_mut().computed_map_mut().settings.omega.2 = 1;
    h.run_steps(2);
    h.get_by_label_contains("ω/h points must be 2 to");
    map_settings(&mut h, 3, 12, 2);
    h.run_steps(2);
    h.get_by_label_contains("9 of 9 points to compute: about");
    h.get_by_label("Compute phase map").click();
    h.run_steps(1);
    assert!(h.state().computed_map().is_running());
    wait_for_map(&mut h);
    let table = h.state().computed_map().table().expect("a map").clone();
    assert!(table.is_complete(), "{} of 9", table.points.len());
    h.get_by_label_contains("map done: 9 of 9 points");

    // The same sweep on the command line gives the same file, byte for byte.
    let cli = dir.path().join("cli.csv");
    let p = small_params();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_spinboson"))
        .args(["sweep", "--quiet", "--out"])
        .arg(&cli)
        .args(["--nt", "12", "--realizations", "4", "--traj", "2"])
        .args([
            "--alpha",
            &p.alpha.to_string(),
            "--t-max",
            &p.t_max.to_string(),
        ])
        .args(["--points", &p.points.to_string()])
        .args(["--axis", "omega=0.3:5:log:3", "--axis", "sigma=0.5:4:lin:3"])
        .status()
        .expect("runs");
    assert!(status.success());
    let cli_bytes = std::fs::read(&cli).expect("cli csv");
    assert_eq!(table.text().as_bytes(), &cli_bytes[..]);

    // Save through the path box: the sweep CSV (resumable by `spinboson sweep`) and a sidecar.
    // The path has no extension: Save map adds .csv, Export map .svg.
    let stem = dir.path().join("map");
    let saved = stem.with_extension("csv");
    let path_box = h.get_by_label("path");
    path_box.focus();
    path_box.type_text(stem.to_str().expect("utf8"));
    h.run_steps(1);
    h.get_by_label("Save map…").click();
    h.run_steps(2);
    assert_eq!(std::fs::read(&saved).expect("saved"), cli_bytes);
    assert!(saved.with_extension("json").exists());
    h.get_by_label("Export map…").click();
    h.run_steps(2);
    let svg = std::fs::read_to_string(stem.with_extension("svg")).expect("svg written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    // The caption counts the points; the model's regimes are named over the cells.
    assert!(texts.iter().any(|t| t.contains("9 of 9")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("paramagnet")), "{texts:?}");

    // Clicking the centre cell loads that point (its seed and the map's size) and runs it.
    let center = table.points[&4].values.clone();
    let canvas = h.get_by_label("phase map (Fig. 1)").rect();
    let fx = ((center[0].log10() + 1.0) / 3.0) as f32;
    let fy = (center[1] / 10.0) as f32;
    let pos = egui::pos2(
        canvas.left() + fx * canvas.width(),
        canvas.bottom() - fy * canvas.height(),
    );
    let jobs = h.state().job_history().len();
    h.input_mut().events.push(egui::Event::PointerMoved(pos));
    h.run_steps(1);
    press(&mut h, pos, true);
    h.run_steps(1);
    press(&mut h, pos, false);
    h.run_steps(3);
    let app = h.state();
    assert_eq!(
        app.params().seed,
        table.points[&4].seed,
        "the point's own seed"
    );
    assert_eq!(app.params().nt, 12);
    assert!((app.params().omega / app.params().h - center[0]).abs() < 1e-12);
    assert_eq!(
        app.job_history().len(),
        jobs + 1,
        "one run of the loaded point"
    );

    // Loading a file that is not a sweep keeps the map and says why.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "t,sx\n0,1\n").expect("write");
    let loaded = h.state_mut().computed_map_mut().load(&bad);
    assert!(loaded.is_err_and(|e| e.contains("not a sweep CSV") && e.contains("map unchanged")));
    let text = |h: &Harness<'static, Explorer>| h.state().computed_map().table().map(|t| t.text());
    assert_eq!(text(&h), Some(table.text()));
    // And the saved file loads back to the same map.
    let loaded = h.state_mut().computed_map_mut().load(&saved);
    assert!(loaded.is_ok_and(|m| m.contains("9 of 9 points")));
    assert_eq!(text(&h), Some(table.text()));
}

#[test]
fn stopping_the_map_keeps_finished_points_and_compute_resumes() {
    let mut h = manual();
    h.run();
    h.get_by_label("Phase map (Fig. 1)").click();
    h.run_steps(2);
    map_settings(&mut h, 5, 300, 8);
    h.run_steps(1);
    h.get_by_label("Compute phase map").click();
    let deadline = Instant::now() + Duration::from_secs(60);
    while h
        .state()
        .computed_map()
        .table()
        .is_none_or(|t| t.points.is_empty())
    {
        assert!(Instant::now() < deadline, "no point finished");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.get_by_label("■ Stop map").click();
    h.run_steps(2);
    let map = h.state().computed_map();
    assert!(!map.is_running());
    let kept = map.table().map_or(0, |t| t.points.len());
    assert!((1..25).contains(&kept), "{kept}");
    h.get_by_label_contains("stopped:");
    // Compute again resumes the same sweep: the finished points stay, the rest are added.
    h.get_by_label("Compute phase map").click();
    h.run_steps(1);
    h.get_by_label_contains("resuming the map");
    wait_for_map(&mut h);
    assert!(
        h.state()
            .computed_map()
            .table()
            .is_some_and(|t| t.is_complete())
    );
}

#[test]
fn sliders_on_the_map_axes_keep_the_map_and_other_changes_ask_before_discarding_it() {
    let mut h = manual();
    h.run();
    h.get_by_label("Phase map (Fig. 1)").click();
    h.run_steps(2);
    map_settings(&mut h, 3, 12, 2);
    h.get_by_label("Compute phase map").click();
    wait_for_map(&mut h);
    let text = |h: &Harness<'static, Explorer>| h.state().computed_map().table().map(|t| t.text());
    let first = text(&h).expect("a map");
    // sigma and omega are the map's axes: moving them changes nothing about the map.
    h.get_by_role_and_label(Role::Slider, "σ")
        .set_value_accesskit(1.7);
    h.run_steps(3);
    h.get_by_label_contains("all 9 points of this map are computed");
    h.get_by_label("Compute phase map").click();
    wait_for_map(&mut h);
    assert_eq!(text(&h).as_ref(), Some(&first));
    // A changed alpha is another map: Compute asks, and Cancel keeps the map.
    h.get_by_role_and_label(Role::Slider, "α")
        .set_value_accesskit(4.0);
    h.run_steps(3);
    h.get_by_label("Compute phase map").click();
    h.run_steps(2);
    h.get_by_label_contains("would discard the 9 point(s) on screen");
    assert!(!h.state().computed_map().is_running());
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(text(&h).as_ref(), Some(&first));
    // Resume continues the map at its own parameters (complete: nothing to run).
    h.get_by_label("Compute phase map").click();
    h.run_steps(2);
    h.get_by_label("Resume the map on screen").click();
    wait_for_map(&mut h);
    assert_eq!(text(&h).as_ref(), Some(&first));
    // A new map discards it, only when asked to.
    h.get_by_label("Compute phase map").click();
    h.run_steps(2);
    h.get_by_label("New map (discard 9 points)").click();
    wait_for_map(&mut h);
    let new = h.state().computed_map().table().expect("the new map");
    assert!(new.is_complete() && new.text() != first);
    assert!(new.points.values().all(|p| p.regime.is_some()));
}

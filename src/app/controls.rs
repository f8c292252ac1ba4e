//! The left panel: parameter sliders with typed-value boxes, inline errors and read-outs.

use crate::cli::human_seconds;
use crate::physics::{
    Displacement, GridSpacing, Integrator, Model, ParamError, Params, Precision, t_h,
    t_omega_bounds,
};
use crate::sim::{CostModel, JobStatus};
use egui::{RichText, Slider, SliderClamping, Ui};
use std::cell::RefCell;

/// What the user did to the parameters this frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct Edit {
    /// A value changed.
    pub changed: bool,
    /// A slider is being dragged: wait for the release.
    pub dragging: bool,
    /// A drag ended this frame: commit at once.
    pub released: bool,
}

impl Edit {
    pub fn merge(&mut self, other: Edit) {
        self.changed |= other.changed;
        self.dragging |= other.dragging;
        self.released |= other.released;
    }

    fn track(&mut self, response: &egui::Response) {
        self.changed |= response.changed();
        self.dragging |= response.dragged();
        self.released |= response.drag_stopped();
    }
}

/// Color of inline errors.
fn error_text(ui: &Ui, text: String) -> RichText {
    RichText::new(text).color(ui.visuals().error_fg_color)
}

/// Show `error` under the control(s) named in `fields`.
fn inline_error(ui: &mut Ui, error: Option<&ParamError>, fields: &[&str]) {
    if let Some(e) = error.filter(|e| fields.contains(&e.field())) {
        ui.label(error_text(ui, format!("! {e}")));
    }
}

/// Text typed into a value box that is not a number: the control's name and the text.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedError {
    pub control: String,
    pub text: String,
}

impl std::fmt::Display for TypedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a number: {} keeps its value (type e.g. 2.5 or 1e-3)",
            self.text, self.control
        )
    }
}

/// Parse a typed value as egui does (whitespace ignored, `−` as minus), remembering a failure.
fn parse_typed(text: &str, control: &str, failed: &RefCell<Option<TypedError>>) -> Option<f64> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let value = clean.parse::<f64>().ok();
    if value.is_none() {
        *failed.borrow_mut() = Some(TypedError {
            control: control.to_string(),
            text: text.to_string(),
        });
    }
    value
}

/// A slider whose value box reports text that is not a number (egui would revert it silently).
fn slider_with_check<N: egui::emath::Numeric>(
    ui: &mut Ui,
    value: &mut N,
    range: std::ops::RangeInclusive<N>,
    name: &str,
    log: bool,
    typed: &mut Option<TypedError>,
) -> egui::Response {
    let failed = RefCell::new(None);
    let response = ui.add(
        Slider::new(value, range)
            .logarithmic(log)
            .clamping(SliderClamping::Never)
            .text(name)
            .custom_parser(|text| parse_typed(text, name, &failed)),
    );
    if let Some(e) = failed.into_inner() {
        *typed = Some(e);
    } else if response.changed() && typed.as_ref().is_some_and(|e| e.control == name) {
        *typed = None;
    }
    if let Some(e) = typed.as_ref().filter(|e| e.control == name) {
        ui.label(error_text(ui, format!("! {e}")));
    }
    response
}

/// The physical parameters: sigma, omega, h, alpha, Nt.
pub fn model_ui(
    ui: &mut Ui,
    p: &mut Params,
    error: Option<&ParamError>,
    typed: &mut Option<TypedError>,
) -> Edit {
    let mut edit = Edit::default();
    let r = slider_with_check(ui, &mut p.sigma, 0.0..=10.0, "σ", false, typed);
    edit.track(&r.on_hover_text(
        "Disorder strength σ: couplings have variance σ²ω/(2Nt). With h = 1 this is the paper's σ/√h.",
    ));
    inline_error(ui, error, &["sigma"]);
    let r = slider_with_check(ui, &mut p.omega, 0.05..=100.0, "ω", true, typed);
    edit.track(&r.on_hover_text("Cavity mode frequency ω (the paper's ω/h when h = 1)."));
    inline_error(ui, error, &["omega"]);
    let r = slider_with_check(ui, &mut p.h, 0.1..=10.0, "h", true, typed);
    edit.track(&r.on_hover_text("Transverse field h: the unit of frequency."));
    inline_error(ui, error, &["h"]);
    let r = slider_with_check(ui, &mut p.alpha, 0.02..=100.0, "α", true, typed);
    edit.track(&r.on_hover_text("Frustration α = Nb/Ns."));
    let r = slider_with_check(ui, &mut p.nt, 10..=5000, "Nt", true, typed);
    edit.track(&r.on_hover_text("Total particles Nt = Ns + Nb."));
    inline_error(ui, error, &["alpha", "nt"]);

    ui.horizontal(|ui| {
        ui.label("Model");
        let r = ui.radio_value(&mut p.model, Model::SpinBoson, "spin-boson");
        edit.track(&r);
        let r = ui.radio_value(&mut p.model, Model::Adiabatic, "adiabatic");
        edit.track(&r);
    });
    // The adiabatic switch sits in the same row in both models, so the panel keeps its width.
    ui.add_enabled_ui(p.model == Model::Adiabatic, |ui| {
        let r = ui.checkbox(&mut p.self_interaction, "self-interaction (j = k)");
        edit.track(&r.on_hover_text(
            "Adiabatic model: keep the classical j = k term of Eq. 3, which the full model's \
             large-ω limit has in DTWA (see the README).",
        ));
    });
    let note = if p.model == Model::Adiabatic {
        "Photons eliminated (ω → ∞, Eq. 3)."
    } else {
        "Spins and photon modes evolved together (DTWA + TWA)."
    };
    ui.add(egui::Label::new(RichText::new(note).small()).wrap());
    edit
}

/// Photon loss and the initial photon state.
pub fn photons_ui(
    ui: &mut Ui,
    p: &mut Params,
    error: Option<&ParamError>,
    typed: &mut Option<TypedError>,
) -> Edit {
    let mut edit = Edit::default();
    let r = slider_with_check(ui, &mut p.kappa, 0.0..=5.0, "κ", false, typed);
    edit.track(&r.on_hover_text("Photon loss rate κ (0: closed system)."));
    inline_error(ui, error, &["kappa"]);
    let mut kind = match p.displacement {
        Displacement::None => 0,
        Displacement::Paper => 1,
        Displacement::Value(_) => 2,
    };
    let before = kind;
    ui.horizontal(|ui| {
        ui.label("Initial displacement");
        edit.track(&ui.radio_value(&mut kind, 0, "none"));
        edit.track(&ui.radio_value(&mut kind, 1, "paper"));
        edit.track(&ui.radio_value(&mut kind, 2, "value"));
    });
    if kind != before {
        p.displacement = match kind {
            0 => Displacement::None,
            1 => Displacement::Paper,
            _ => Displacement::Value(p.displacement_amplitude()),
        };
    }
    if let Displacement::Value(v) = &mut p.displacement {
        ui.horizontal(|ui| {
            let label = ui.label("displacement");
            let r = ui
                .add(egui::DragValue::new(v).speed(0.01))
                .labelled_by(label.id);
            edit.track(&r);
        });
    }
    inline_error(ui, error, &["displacement"]);
    edit
}

/// Ensemble size, seed, output grid, time step and integrator.
pub fn numerics_ui(
    ui: &mut Ui,
    p: &mut Params,
    error: Option<&ParamError>,
    typed: &mut Option<TypedError>,
) -> Edit {
    let mut edit = Edit::default();
    let r = slider_with_check(
        ui,
        &mut p.trajectories_per_realization,
        1..=1024,
        "trajectories",
        true,
        typed,
    );
    edit.track(&r.on_hover_text("Trajectories (phase-space samples) per disorder realization."));
    inline_error(ui, error, &["trajectories_per_realization"]);
    let r = slider_with_check(
        ui,
        &mut p.realizations,
        1..=256,
        "realizations",
        true,
        typed,
    );
    edit.track(&r.on_hover_text("Independent coupling matrices; error bars are across them."));
    inline_error(ui, error, &["realizations"]);
    ui.horizontal(|ui| {
        let label = ui.label("seed");
        let r = ui
            .add(egui::DragValue::new(&mut p.seed))
            .labelled_by(label.id);
        edit.track(&r);
        if ui.button("new seed").clicked() {
            p.seed = rand::random::<u64>() >> 16;
            edit.changed = true;
        }
    });

    let r = slider_with_check(ui, &mut p.t_max, 0.1..=1e6, "t_max", true, typed);
    edit.track(&r);
    inline_error(ui, error, &["t_max"]);
    ui.horizontal(|ui| {
        ui.label("Grid");
        edit.track(&ui.radio_value(&mut p.grid, GridSpacing::Log, "log"));
        edit.track(&ui.radio_value(&mut p.grid, GridSpacing::Linear, "linear"));
    });
    let r = slider_with_check(ui, &mut p.points, 10..=4000, "points", true, typed);
    edit.track(&r);
    inline_error(ui, error, &["points"]);
    if p.grid == GridSpacing::Log {
        let r = slider_with_check(ui, &mut p.t_min, 1e-4..=1.0, "t_min", true, typed);
        edit.track(&r.on_hover_text("First nonzero output time of the log grid."));
        inline_error(ui, error, &["t_min"]);
    }

    ui.horizontal(|ui| {
        ui.label("Integrator");
        edit.track(&ui.radio_value(&mut p.integrator, Integrator::Strang, "Strang"));
        edit.track(&ui.radio_value(&mut p.integrator, Integrator::Yoshida4, "Yoshida 4"));
    });
    ui.horizontal(|ui| {
        ui.label("Precision");
        let f64 = ui.radio_value(&mut p.precision, Precision::F64, "f64");
        edit.track(&f64.on_hover_text("Everything in double precision."));
        let mixed = ui.radio_value(&mut p.precision, Precision::Mixed, "mixed (f32 GEMMs)");
        edit.track(&mixed.on_hover_text(
            "The coupling products in single precision, the state, rotations and sums in double: \
             about 1.45x faster at Nt = 1000 and 1.8x at Nt = 3000, no faster at Nt = 220. \
             Trajectories differ from f64 after a while (chaos); \
             ensemble averages agree within their error bars. Uses a little more memory (f32 \
             copies of the couplings). With Yoshida 4 at a small dt, f32 round-off (about 1e-8 \
             per particle in the energy) hides the fourth-order accuracy: use f64 there.",
        ));
    });
    let mut auto_dt = p.dt.is_none();
    let r = ui.checkbox(&mut auto_dt, "automatic dt");
    edit.track(&r);
    if auto_dt {
        p.dt = None;
    } else {
        let mut dt = p.dt.unwrap_or_else(|| p.effective_dt());
        let r = slider_with_check(ui, &mut dt, 1e-5..=1.0, "dt", true, typed);
        edit.track(&r);
        p.dt = Some(dt);
    }
    inline_error(ui, error, &["dt"]);
    edit
}

/// Derived quantities under the controls; `running` is the status of the job running these very
/// parameters, if one is, so the cost row and the status bar's ETA say the same.
pub fn readouts_ui(
    ui: &mut Ui,
    p: &Params,
    valid: bool,
    cost: &CostModel,
    threads: usize,
    running: Option<&JobStatus>,
) {
    if !valid {
        ui.label(RichText::new("Fix the parameter marked in red to run.").italics());
        return;
    }
    let (lo, hi) = t_omega_bounds(p.sigma, p.omega, p.h, p.alpha);
    egui::Grid::new("readouts").num_columns(2).show(ui, |ui| {
        let mut row = |name: &str, value: String, hover: &str| {
            ui.label(name).on_hover_text(hover);
            ui.label(value);
            ui.end_row();
        };
        let collective = p.model == Model::SpinBoson && p.simulated_modes() < p.nb();
        row(
            "Ns, Nb",
            if collective {
                format!(
                    "{}, {} ({} collective)",
                    p.ns(),
                    p.nb(),
                    p.simulated_modes()
                )
            } else {
                format!("{}, {}", p.ns(), p.nb())
            },
            "Spins and photon modes. All modes share one frequency, so only Ns combinations of \
             them (the span of the couplings' rows) ever act on the spins: the engine integrates \
             those collective modes (the number in brackets), the same dynamics at alpha times \
             fewer flops, and keeps the rest, which rotate and decay on their own, in the photon \
             number and energy.",
        );
        row(
            "σ/√h, ω/h",
            format!("{:.3}, {:.3}", p.sigma / p.h.sqrt(), p.omega / p.h),
            "The paper's axes.",
        );
        row(
            "t_h",
            format!("{:.4}", t_h(p.sigma, p.h, p.alpha)),
            "Perturbative relaxation time (Eq. 4).",
        );
        row(
            "t_ω band",
            format!("{lo:.3e} … {hi:.3e}"),
            "Photon timescale bounds (Eq. 7).",
        );
        row(
            "dt",
            format!(
                "{:.3e}{}",
                p.effective_dt(),
                if p.dt.is_none() { " (auto)" } else { "" }
            ),
            "Time step (auto: 0.1/w_max for Strang, 0.25/w_max for Yoshida 4).",
        );
        let secs = cost.seconds(p, threads);
        let left = running
            .map(|s| {
                format!(
                    " ({} left)",
                    human_seconds(cost.seconds_left(p, threads, s.steps_done))
                )
            })
            .unwrap_or_default();
        let steps = p.steps_per_trajectory() as f64 * p.n_trajectories() as f64;
        row(
            "cost",
            format!(
                "{}{left}{}",
                human_seconds(secs),
                if cost.calibrated { "" } else { " (guess)" }
            ),
            &format!(
                "Estimated wall time on this machine: the GEMM and elementwise work of a step \
                 (from Ns, Nb, the integrator and loss) at the rate measured on the runs so far, \
                 its batches scheduled over the simulation threads. The status bar's ETA uses \
                 the same model. The run is {steps:.2e} trajectory-steps."
            ),
        );
        row(
            "memory",
            format!(
                "{:.1} MiB",
                p.memory_estimate(threads) as f64 / (1u64 << 20) as f64
            ),
            "Working memory of the run.",
        );
    });
}

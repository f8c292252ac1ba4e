//! The left panel: parameter sliders with typed-value boxes, inline errors and read-outs.

use super::jobs::RateEstimate;
use crate::physics::{
    Displacement, GridSpacing, Integrator, Model, ParamError, Params, t_h, t_omega_bounds,
};
use egui::{RichText, Slider, SliderClamping, Ui};

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

fn log_slider<'a, N: egui::emath::Numeric>(
    value: &'a mut N,
    range: std::ops::RangeInclusive<N>,
    name: &str,
) -> Slider<'a> {
    Slider::new(value, range)
        .logarithmic(true)
        .clamping(SliderClamping::Never)
        .text(name)
}

/// The physical parameters: sigma, omega, h, alpha, Nt.
pub fn model_ui(ui: &mut Ui, p: &mut Params, error: Option<&ParamError>) -> Edit {
    let mut edit = Edit::default();
    let r = ui.add(
        Slider::new(&mut p.sigma, 0.0..=10.0)
            .clamping(SliderClamping::Never)
            .text("sigma"),
    );
    edit.track(&r.on_hover_text("Disorder strength: couplings have variance σ²ω/(2Nt)."));
    inline_error(ui, error, &["sigma"]);
    let r = ui.add(log_slider(&mut p.omega, 0.05..=100.0, "omega"));
    edit.track(&r.on_hover_text("Cavity mode frequency ω."));
    inline_error(ui, error, &["omega"]);
    let r = ui.add(log_slider(&mut p.h, 0.1..=10.0, "h"));
    edit.track(&r.on_hover_text("Transverse field h."));
    inline_error(ui, error, &["h"]);
    let r = ui.add(log_slider(&mut p.alpha, 0.02..=100.0, "alpha"));
    edit.track(&r.on_hover_text("Frustration α = Nb/Ns."));
    let r = ui.add(log_slider(&mut p.nt, 10..=5000, "Nt"));
    edit.track(&r.on_hover_text("Total particles Nt = Ns + Nb."));
    inline_error(ui, error, &["alpha", "nt"]);

    ui.horizontal(|ui| {
        ui.label("Model");
        let r = ui.radio_value(&mut p.model, Model::SpinBoson, "spin-boson");
        edit.track(&r);
        let r = ui.radio_value(&mut p.model, Model::Adiabatic, "adiabatic");
        edit.track(&r);
    });
    if p.model == Model::Adiabatic {
        let r = ui.checkbox(&mut p.self_interaction, "self-interaction (j = k term)");
        edit.track(&r);
        ui.label(
            RichText::new(
                "Photons eliminated (ω → ∞, Eq. 3). Keep the j = k term to match the full model's \
                 large-ω limit.",
            )
            .small(),
        );
    } else {
        ui.label(RichText::new("Spins and photon modes evolved together (DTWA + TWA).").small());
    }
    edit
}

/// Photon loss and the initial photon state.
pub fn photons_ui(ui: &mut Ui, p: &mut Params, error: Option<&ParamError>) -> Edit {
    let mut edit = Edit::default();
    let r = ui.add(
        Slider::new(&mut p.kappa, 0.0..=5.0)
            .clamping(SliderClamping::Never)
            .text("kappa"),
    );
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
pub fn numerics_ui(ui: &mut Ui, p: &mut Params, error: Option<&ParamError>) -> Edit {
    let mut edit = Edit::default();
    let r = ui.add(log_slider(
        &mut p.trajectories_per_realization,
        1..=1024,
        "trajectories",
    ));
    edit.track(&r.on_hover_text("Trajectories (phase-space samples) per disorder realization."));
    inline_error(ui, error, &["trajectories_per_realization"]);
    let r = ui.add(log_slider(&mut p.realizations, 1..=256, "realizations"));
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

    let r = ui.add(log_slider(&mut p.t_max, 0.1..=10_000.0, "t_max"));
    edit.track(&r);
    inline_error(ui, error, &["t_max"]);
    ui.horizontal(|ui| {
        ui.label("Grid");
        edit.track(&ui.radio_value(&mut p.grid, GridSpacing::Log, "log"));
        edit.track(&ui.radio_value(&mut p.grid, GridSpacing::Linear, "linear"));
    });
    let r = ui.add(log_slider(&mut p.points, 10..=4000, "points"));
    edit.track(&r);
    inline_error(ui, error, &["points"]);
    if p.grid == GridSpacing::Log {
        let r = ui.add(log_slider(&mut p.t_min, 1e-4..=1.0, "t_min"));
        edit.track(&r.on_hover_text("First nonzero output time of the log grid."));
        inline_error(ui, error, &["t_min"]);
    }

    ui.horizontal(|ui| {
        ui.label("Integrator");
        edit.track(&ui.radio_value(&mut p.integrator, Integrator::Strang, "Strang"));
        edit.track(&ui.radio_value(&mut p.integrator, Integrator::Yoshida4, "Yoshida 4"));
    });
    let mut auto_dt = p.dt.is_none();
    let r = ui.checkbox(&mut auto_dt, "automatic dt");
    edit.track(&r);
    if auto_dt {
        p.dt = None;
    } else {
        let mut dt = p.dt.unwrap_or_else(|| p.effective_dt());
        let r = ui.add(log_slider(&mut dt, 1e-5..=1.0, "dt"));
        edit.track(&r);
        p.dt = Some(dt);
    }
    inline_error(ui, error, &["dt"]);
    edit
}

/// Derived quantities under the controls: sizes, ratios, timescales, cost.
pub fn readouts_ui(ui: &mut Ui, p: &Params, valid: bool, rate: &RateEstimate, threads: usize) {
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
        row(
            "Ns, Nb",
            format!("{}, {}", p.ns(), p.nb()),
            "Spins and photon modes.",
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
        let secs = rate.seconds(p);
        row(
            "cost",
            format!(
                "{} · {:.2e} traj-steps{}",
                human_seconds(secs),
                p.steps_per_trajectory() as f64 * p.n_trajectories() as f64,
                if rate.measured { "" } else { " (guess)" }
            ),
            "Estimated run time at the rate measured on this machine's last run.",
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

/// `1.2 s`, `3 min 20 s`, `1 h 05 min`.
pub fn human_seconds(secs: f64) -> String {
    if !secs.is_finite() {
        "?".into()
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!("{} min {:02} s", (secs / 60.0) as u64, (secs % 60.0) as u64)
    } else {
        format!(
            "{} h {:02} min",
            (secs / 3600.0) as u64,
            ((secs % 3600.0) / 60.0) as u64
        )
    }
}

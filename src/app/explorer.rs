//! The explorer's state and frame: controls on the left, plots in the middle, status at the
//! bottom. Parameter edits restart the simulation (debounced); display settings never do.

use super::controls::{self, Edit, human_seconds};
use super::curves::{CURRENT_COLOR, Curve, MAX_PINS, Pins, params_label};
use super::files::{self, FileAction, FileRequest, Files};
use super::jobs::{Delivery, JobRecord, JobStatus, Jobs, RateEstimate};
use super::plots::{self, Shown};
use super::settings::{AxisMode, DisplaySettings, SavedState};
use super::worker::{Waker, Worker, WorkerMsg};
use crate::io::{CurveRecord, FigureCurve, Preset, write_tidy_export};
use crate::physics::{Observable, ParamError, Params};
use crate::sim::{Ensemble, Family, FamilyParameter, JobRequest, StopReason};
use egui::{RichText, Ui};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Seconds after the last change before a run restarts (a drag release restarts at once).
pub const DEBOUNCE_SECONDS: f64 = 0.15;

/// Longest time a frame spends draining worker messages.
const DRAIN_BUDGET: Duration = Duration::from_millis(4);

/// Energy drift per particle above which the status bar warns that dt is too large.
pub const DRIFT_WARNING: f64 = 1e-3;

/// How the explorer is set up.
#[derive(Clone, Debug, Default)]
pub struct ExplorerOptions {
    /// Run simulations on a worker thread. Tests that feed messages by hand turn this off.
    pub simulate: bool,
    /// Threads of the simulation pool (0: one per core).
    pub threads: usize,
    /// The state saved by the previous launch, as stored.
    pub saved: Option<String>,
    /// Start from these parameters instead of the saved or default ones.
    pub params: Option<Params>,
    /// Try native file dialogs (rfd) before the path box. Tests turn this off.
    pub file_dialogs: bool,
}

/// A family run in progress: the members still to run.
#[derive(Debug, Default)]
struct FamilyRun {
    parameter: FamilyParameter,
    queue: VecDeque<(f64, Params)>,
    /// The running member's job and value.
    running: Option<(u64, f64)>,
    total: usize,
}

/// The family editor's fields.
#[derive(Debug)]
struct FamilyEditor {
    parameter: FamilyParameter,
    values: String,
    error: Option<String>,
}

impl Default for FamilyEditor {
    fn default() -> Self {
        Self {
            parameter: FamilyParameter::OmegaOverH,
            values: "3.6, 5, 7.5, 10".into(),
            error: None,
        }
    }
}

/// The desktop explorer.
pub struct Explorer {
    params: Params,
    display: DisplaySettings,
    /// Shown at the top of the plots until dismissed (e.g. a corrupt saved state).
    notice: Option<String>,
    /// Input time of the last edit not yet committed.
    pending_since: Option<f64>,
    validation: Result<(), ParamError>,
    jobs: Jobs,
    /// The newest average of the current job, or the previous job's curve until one arrives.
    current: Option<Curve>,
    current_is_stale: bool,
    pins: Pins,
    family: FamilyRun,
    family_editor: FamilyEditor,
    rate: RateEstimate,
    worker: Option<Worker>,
    threads: usize,
    /// Filled with the egui context on the first frame; the worker's waker repaints through it.
    repaint: Arc<OnceLock<egui::Context>>,
    /// Why the last run failed or stopped early, if it did.
    run_message: Option<String>,
    /// Screen rect of the plots in the last frame (for cropped screenshots).
    plot_rect: egui::Rect,
    files: Files,
    /// Name of the preset the parameters came from (`custom` once edited).
    preset_name: String,
    /// The last family run (from the editor or a preset); saved presets carry it.
    last_family: Option<Family>,
}

impl Explorer {
    /// Build the explorer and start the first run.
    pub fn new(options: ExplorerOptions) -> Self {
        let repaint: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        let mut notice = None;
        let saved = match options.saved.as_deref().map(SavedState::from_ron) {
            None => SavedState::default(),
            Some(Ok(state)) => state,
            Some(Err(e)) => {
                notice = Some(format!(
                    "The saved state could not be read ({e}); starting from the defaults."
                ));
                SavedState::default()
            }
        };
        let mut worker = None;
        if options.simulate {
            let slot = repaint.clone();
            let waker: Waker = Arc::new(move || {
                if let Some(ctx) = slot.get() {
                    ctx.request_repaint();
                }
            });
            match Worker::spawn(options.threads, waker) {
                Ok(w) => worker = Some(w),
                Err(e) => notice = Some(format!("Simulations are unavailable: {e}")),
            }
        }
        let threads = worker.as_ref().map_or_else(
            || {
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .max(options.threads)
            },
            Worker::threads,
        );
        let params = options.params.unwrap_or(saved.params);
        let mut explorer = Self {
            validation: params.validate(),
            params,
            display: saved.display,
            notice,
            pending_since: None,
            jobs: Jobs::default(),
            current: None,
            current_is_stale: false,
            pins: Pins::default(),
            family: FamilyRun::default(),
            family_editor: FamilyEditor::default(),
            rate: RateEstimate::guess(threads),
            worker,
            threads,
            repaint,
            run_message: None,
            plot_rect: egui::Rect::NOTHING,
            files: Files::new(options.file_dialogs, saved.recent_presets),
            preset_name: saved.preset_name,
            last_family: None,
        };
        explorer.commit();
        explorer
    }

    // ---- read access (tests, export) ----

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn display(&self) -> &DisplaySettings {
        &self.display
    }

    pub fn display_mut(&mut self) -> &mut DisplaySettings {
        &mut self.display
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The error that keeps the current parameters from running, if any.
    pub fn validation_error(&self) -> Option<&ParamError> {
        self.validation.as_ref().err()
    }

    /// Every job started (the newest last), with its cancel flag.
    pub fn job_history(&self) -> &[JobRecord] {
        self.jobs.history()
    }

    pub fn current_job(&self) -> Option<&JobRecord> {
        self.jobs.current()
    }

    pub fn job_status(&self) -> Option<&JobStatus> {
        self.jobs.status()
    }

    /// Messages of older jobs ignored so far.
    pub fn stale_messages_ignored(&self) -> u64 {
        self.jobs.stale_dropped()
    }

    pub fn current_curve(&self) -> Option<&Curve> {
        self.current.as_ref()
    }

    pub fn pins(&self) -> &Pins {
        &self.pins
    }

    pub fn saved_state(&self) -> SavedState {
        SavedState {
            params: self.params.clone(),
            display: self.display.clone(),
            recent_presets: self.files.recent.clone(),
            preset_name: self.preset_name.clone(),
        }
    }

    /// Screen rect of the plot area in the last frame.
    pub fn plot_rect(&self) -> egui::Rect {
        self.plot_rect
    }

    // ---- actions ----

    /// Validate the edited parameters and restart the run if they differ from the running job's.
    fn commit(&mut self) {
        self.pending_since = None;
        self.validation = self.params.validate();
        if self.validation.is_err() {
            return;
        }
        let unchanged = self
            .jobs
            .current()
            .is_some_and(|job| job.params == self.params);
        if !unchanged {
            self.family = FamilyRun::default(); // a manual change ends a family run
            self.start(self.params.clone());
        }
    }

    /// Start a job with `params`, cancelling the running one at once.
    fn start(&mut self, params: Params) -> u64 {
        if let Some(previous) = self.jobs.current() {
            previous.cancel.store(true, Ordering::Relaxed);
        }
        let job_id = self.jobs.next_id();
        let cancel = match self.worker.as_mut() {
            Some(worker) => worker.start(JobRequest {
                job_id,
                params: params.clone(),
            }),
            None => Arc::new(AtomicBool::new(false)),
        };
        let id = self.jobs.begin(params, cancel);
        debug_assert_eq!(id, job_id);
        self.current_is_stale = self.current.is_some();
        self.run_message = None;
        id
    }

    /// Restart the current parameters even if they are unchanged (the Run button).
    pub fn run_now(&mut self) {
        self.validation = self.params.validate();
        if self.validation.is_ok() {
            self.family = FamilyRun::default();
            self.start(self.params.clone());
        }
    }

    /// Stop the running job (the Stop button); a family run ends too.
    pub fn stop(&mut self) {
        self.family = FamilyRun::default();
        if let Some(job) = self.jobs.current() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        if self.worker.is_none() {
            self.jobs.abandon();
        }
    }

    /// Pin the current curve so it stays while the next run proceeds.
    pub fn pin_current(&mut self) -> bool {
        let Some(curve) = self.current.as_ref().filter(|_| !self.current_is_stale) else {
            return false;
        };
        // A curve pinned before its run completed says how many trajectories it holds.
        let label = match curve.stop {
            Some("completed") => params_label(&curve.params),
            _ => format!(
                "{} ({} traj.)",
                params_label(&curve.params),
                curve.ensemble.trajectories
            ),
        };
        let stop = curve.stop;
        self.pins
            .pin(label, curve.params.clone(), curve.ensemble.clone())
            .stop = stop;
        true
    }

    /// Set the edited parameters (a preset, a test) and commit them at once.
    pub fn set_params(&mut self, params: Params) {
        self.params = params;
        self.commit();
    }

    /// Run `family` over the current parameters, member by member; each finished member is
    /// pinned with its value in the legend.
    pub fn start_family(&mut self, family: &Family) -> Result<(), crate::sim::FamilyError> {
        let members = family.members(&self.params)?;
        self.last_family = Some(family.clone());
        let queue = family.values.iter().copied().zip(members).collect();
        self.family = FamilyRun {
            parameter: family.parameter,
            queue,
            running: None,
            total: family.values.len(),
        };
        self.next_family_member();
        Ok(())
    }

    fn next_family_member(&mut self) {
        let Some((value, params)) = self.family.queue.pop_front() else {
            self.family.running = None;
            return;
        };
        self.params = params.clone();
        self.validation = Ok(());
        let parameter = self.family.parameter;
        let job_id = self.start(params);
        self.family = FamilyRun {
            running: Some((job_id, value)),
            parameter,
            ..std::mem::take(&mut self.family)
        };
    }

    /// Apply one worker message (stale ones are ignored).
    pub fn deliver(&mut self, msg: WorkerMsg) {
        let Some(job) = self.jobs.current().cloned() else {
            return;
        };
        match self.jobs.deliver(msg) {
            Delivery::Stale | Delivery::Progress(None) => {}
            Delivery::Progress(Some(partial)) => self.show_partial(&job, partial),
            Delivery::Finished(Err(e)) => {
                self.run_message = Some(format!("run failed: {e}"));
                self.family = FamilyRun::default();
            }
            Delivery::Finished(Ok(outcome)) => {
                if let Some(ensemble) = outcome.ensemble {
                    self.show_partial(&job, Arc::new(ensemble));
                }
                if let Some(curve) = self.current.as_mut() {
                    curve.stop = Some(outcome.stop.name());
                }
                self.rate
                    .observe(&job.params, outcome.steps_done, outcome.elapsed);
                match outcome.stop {
                    StopReason::Completed => {
                        if let Some((job_id, value)) = self.family.running
                            && job_id == job.job_id
                        {
                            self.pin_family_member(value);
                            self.next_family_member();
                        }
                    }
                    StopReason::Cancelled => {}
                    StopReason::Diverged { t } => {
                        self.run_message = Some(format!(
                            "a trajectory diverged at t = {t}: lower dt or check the parameters"
                        ));
                        self.family = FamilyRun::default();
                    }
                }
            }
        }
    }

    fn show_partial(&mut self, job: &JobRecord, ensemble: Arc<Ensemble>) {
        let label = format!("current: {}", params_label(&job.params));
        self.current = Some(Curve::new(
            label,
            job.params.clone(),
            ensemble,
            CURRENT_COLOR,
        ));
        self.current_is_stale = false;
    }

    fn pin_family_member(&mut self, value: f64) {
        if let Some(curve) = &self.current {
            let label = self.family.parameter.member_label(value);
            let stop = curve.stop;
            self.pins
                .pin(label, curve.params.clone(), curve.ensemble.clone())
                .stop = stop;
        }
    }

    fn drain_worker(&mut self) {
        let started = Instant::now();
        while started.elapsed() < DRAIN_BUDGET {
            let Some(msg) = self.worker.as_ref().and_then(Worker::try_recv) else {
                break;
            };
            self.deliver(msg);
        }
        if self.jobs.in_flight() && self.worker.as_ref().is_some_and(Worker::is_dead) {
            self.jobs.abandon();
            self.run_message = Some("the simulation thread stopped unexpectedly".into());
        }
    }

    /// Apply a preset: parameters, display settings and family (run at once), or report why not.
    pub fn apply_preset(&mut self, preset: &Preset, source: &str) -> Result<(), String> {
        preset
            .validate(std::path::Path::new(source))
            .map_err(|e| format!("{e} (nothing changed)"))?;
        self.params = preset.params.clone();
        self.display = preset.display.clone();
        self.preset_name = preset.name.clone();
        self.validation = Ok(());
        self.pending_since = None;
        match &preset.family {
            Some(family) => {
                self.family_editor.parameter = family.parameter;
                self.family_editor.values = family
                    .values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.family_editor.error = None;
                self.start_family(family).map_err(|e| e.to_string())?;
            }
            None => self.commit(),
        }
        Ok(())
    }

    fn handle_file_request(&mut self, ctx: &egui::Context, request: FileRequest) {
        match request {
            FileRequest::Apply {
                preset,
                source,
                path,
                warning,
            } => match self.apply_preset(&preset, &source) {
                Ok(()) => {
                    if let Some(path) = &path {
                        self.files.remember(path);
                    }
                    match warning {
                        Some(w) => self.files.error(format!("loaded {source}; {w}")),
                        None => self.files.info(format!("loaded {source}")),
                    }
                }
                Err(e) => self.files.error(e),
            },
            FileRequest::Write(action, path) => {
                let result = self.write(ctx, action, &path);
                match result {
                    Ok(Some(done)) => self.files.info(done),
                    Ok(None) => {} // finishes later (screenshot)
                    Err(e) => self.files.error(e),
                }
            }
        }
    }

    /// The curves on screen, the current one first, for export.
    fn visible_curves(&self) -> Vec<&Curve> {
        let current = self.current.as_ref().filter(|_| !self.current_is_stale);
        current
            .into_iter()
            .chain(self.pins.iter().map(|p| &p.curve))
            .collect()
    }

    /// The preset the explorer's state amounts to.
    pub fn to_preset(&self, name: &str) -> Preset {
        let family = self.last_family.clone();
        Preset {
            name: name.to_string(),
            description: format!(
                "Saved from the spinboson explorer: {}",
                params_label(&self.params)
            ),
            params: self.params.clone(),
            family,
            display: self.display.clone(),
            ..Preset::default()
        }
    }

    fn write(
        &mut self,
        ctx: &egui::Context,
        action: FileAction,
        path: &std::path::Path,
    ) -> Result<Option<String>, String> {
        let curves = self.visible_curves();
        if action != FileAction::SavePreset && curves.is_empty() {
            return Err("no curve to export yet".into());
        }
        match action {
            FileAction::LoadPreset => Ok(None),
            FileAction::SavePreset => {
                let name = path
                    .file_stem()
                    .map_or("preset".into(), |s| s.to_string_lossy().into_owned());
                files::save_preset(path, &self.to_preset(&name))?;
                self.files.remember(path);
                self.preset_name = name;
                Ok(Some(format!("saved preset {}", path.display())))
            }
            FileAction::ExportCsv => {
                let records: Vec<CurveRecord<'_>> = curves
                    .iter()
                    .map(|c| CurveRecord {
                        name: &c.label,
                        params: &c.params,
                        ensemble: &c.ensemble,
                        stop: c.stop,
                    })
                    .collect();
                let sidecar = write_tidy_export(path, &records).map_err(|e| e.to_string())?;
                Ok(Some(format!(
                    "exported {} curve(s) to {} and {}",
                    records.len(),
                    path.display(),
                    sidecar.display()
                )))
            }
            FileAction::ExportFigure => {
                let figure: Vec<FigureCurve<'_>> = curves
                    .iter()
                    .map(|c| FigureCurve {
                        label: &c.label,
                        params: &c.params,
                        ensemble: &c.ensemble,
                    })
                    .collect();
                let title = format!("spinboson: {}", self.preset_name);
                crate::io::write_figure(path, &figure, &self.display, &title)
                    .map_err(|e| e.to_string())?;
                Ok(Some(format!("wrote the figure {}", path.display())))
            }
            FileAction::SavePlotPng => {
                let rect = self.plot_rect;
                if !rect.is_positive() {
                    return Err("no plot on screen to save".into());
                }
                let ppp = ctx.pixels_per_point();
                let done = self.files.screenshot_results.0.clone();
                let (path, repaint) = (path.to_path_buf(), ctx.clone());
                ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                    egui::ScreenshotCallback::new(move |image| {
                        let result = files::write_png_region(&image, rect, ppp, &path)
                            .map(|()| path.clone());
                        done.send(result).ok(); // the explorer may have closed meanwhile
                        repaint.request_repaint();
                    }),
                ));
                Ok(None)
            }
        }
    }

    // ---- the frame ----

    /// Draw one frame into `ui` (the whole window).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.repaint.get_or_init(|| {
            install_fonts(ui.ctx());
            ui.ctx().clone()
        });
        self.drain_worker();

        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let edit = egui::Panel::left("controls")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .show(ui, |ui| self.controls_ui(ui))
                    .inner
            })
            .inner;
        egui::CentralPanel::default().show(ui, |ui| self.plots_area_ui(ui));

        self.debounce(ui, edit);
        let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
            {
                if let Some(request) = self.files.read_preset(&path) {
                    self.handle_file_request(ui.ctx(), request);
                }
            } else {
                self.files.error(format!(
                    "{}: only .ron presets can be dropped here",
                    path.display()
                ));
            }
        }
        if self.jobs.in_flight() && self.worker.is_some() {
            // The waker repaints on every report; this only covers a report sent before the
            // context was known.
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
    }

    fn debounce(&mut self, ui: &Ui, edit: Edit) {
        let now = ui.input(|i| i.time);
        if edit.changed {
            self.preset_name = "custom".into();
            self.pending_since = Some(now);
            self.validation = self.params.validate();
        }
        let Some(since) = self.pending_since else {
            return;
        };
        if edit.dragging && !edit.released {
            return; // wait for the release
        }
        let waited = now - since;
        if edit.released || waited >= DEBOUNCE_SECONDS {
            self.commit();
        } else {
            ui.ctx()
                .request_repaint_after(Duration::from_secs_f64(DEBOUNCE_SECONDS - waited));
        }
    }

    fn controls_ui(&mut self, ui: &mut Ui) -> Edit {
        ui.horizontal(|ui| {
            if ui
                .button("▶ Run")
                .on_hover_text("Restart the run")
                .clicked()
            {
                self.run_now();
            }
            let running = self.jobs.in_flight();
            if ui
                .add_enabled(running, egui::Button::new("■ Stop"))
                .clicked()
            {
                self.stop();
            }
            let can_pin = self.current.is_some() && !self.current_is_stale;
            if ui
                .add_enabled(can_pin, egui::Button::new("Pin"))
                .on_hover_text("Keep this curve while the next run proceeds (up to 8)")
                .clicked()
            {
                self.pin_current();
            }
        });
        ui.separator();
        let request = egui::CollapsingHeader::new("Presets & export")
            .default_open(true)
            .show(ui, |ui| self.files.ui(ui, &self.preset_name))
            .body_returned
            .flatten();
        if let Some(request) = request {
            self.handle_file_request(ui.ctx(), request);
        }
        ui.separator();
        let error = self.validation.as_ref().err().cloned();
        let error = error.as_ref();
        let mut edit = Edit::default();
        let mut merge = |e: Edit| {
            edit.changed |= e.changed;
            edit.dragging |= e.dragging;
            edit.released |= e.released;
        };
        ui.heading("Model");
        merge(controls::model_ui(ui, &mut self.params, error));
        egui::CollapsingHeader::new("Photons")
            .default_open(false)
            .show(ui, |ui| {
                merge(controls::photons_ui(ui, &mut self.params, error))
            });
        egui::CollapsingHeader::new("Ensemble, grid and integrator")
            .default_open(true)
            .show(ui, |ui| {
                merge(controls::numerics_ui(ui, &mut self.params, error))
            });
        ui.separator();
        controls::readouts_ui(
            ui,
            &self.params,
            self.validation.is_ok(),
            &self.rate,
            self.threads,
        );
        ui.separator();
        egui::CollapsingHeader::new("Family run")
            .default_open(false)
            .show(ui, |ui| self.family_ui(ui));
        egui::CollapsingHeader::new(format!("Pinned curves ({}/{MAX_PINS})", self.pins.len()))
            .default_open(true)
            .show(ui, |ui| self.pins_ui(ui));
        edit
    }

    fn family_ui(&mut self, ui: &mut Ui) {
        let editor = &mut self.family_editor;
        egui::ComboBox::from_label("family parameter")
            .selected_text(editor.parameter.label())
            .show_ui(ui, |ui| {
                for p in FamilyParameter::ALL {
                    ui.selectable_value(&mut editor.parameter, p, p.label());
                }
            });
        ui.horizontal(|ui| {
            let label = ui.label("values");
            ui.text_edit_singleline(&mut editor.values)
                .labelled_by(label.id);
        });
        ui.label(RichText::new("Each member runs in turn and is pinned when it finishes.").small());
        let running = self.family.running.is_some();
        ui.horizontal(|ui| {
            if ui.button("Run family").clicked() {
                let editor = &mut self.family_editor;
                let result = Family::parse_values(&editor.values).map(|values| Family {
                    parameter: editor.parameter,
                    values,
                });
                let result = result.and_then(|family| self.start_family(&family));
                self.family_editor.error = result.err().map(|e| e.to_string());
            }
            if running {
                let done = self.family.total - self.family.queue.len() - 1;
                ui.label(format!("member {} of {}", done + 1, self.family.total));
            }
        });
        if let Some(e) = &self.family_editor.error {
            ui.label(RichText::new(format!("! {e}")).color(ui.visuals().error_fg_color));
        }
    }

    fn pins_ui(&mut self, ui: &mut Ui) {
        if self.pins.is_empty() {
            ui.label(RichText::new("Pin a curve to compare runs.").small());
            return;
        }
        let mut remove = None;
        for pin in self.pins.iter() {
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, pin.curve.color);
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this pinned curve")
                    .clicked()
                {
                    remove = Some(pin.serial);
                }
                ui.label(RichText::new(&pin.curve.label).small());
            });
        }
        if let Some(serial) = remove {
            self.pins.remove(serial);
        }
        if ui.button("Clear pins").clicked() {
            self.pins.clear();
        }
    }

    fn plots_area_ui(&mut self, ui: &mut Ui) {
        if let Some(notice) = self.notice.clone() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(notice.clone()).color(ui.visuals().warn_fg_color));
                if ui.small_button("dismiss").clicked() {
                    self.notice = None;
                }
            });
        }
        ui.horizontal(|ui| {
            ui.label("Axes");
            for mode in AxisMode::ALL {
                ui.selectable_value(&mut self.display.axis, mode, mode.label());
            }
            ui.separator();
            ui.checkbox(&mut self.display.show_sx, "sx");
            ui.checkbox(&mut self.display.show_sz, "sz");
            ui.checkbox(&mut self.display.show_extra, "photons & drift");
            ui.checkbox(&mut self.display.show_error_bands, "error bands");
            ui.checkbox(&mut self.display.show_timescales, "t_h, t_ω");
        });
        let axis = self.display.axis;
        if let Some(c) = self.current.as_mut() {
            c.prepare(axis);
        }
        for pin in self.pins.iter_mut() {
            pin.curve.prepare(axis);
        }
        let mut shown: Vec<Shown<'_>> = Vec::new();
        if let Some(c) = &self.current {
            shown.push(Shown {
                curve: c,
                faded: self.current_is_stale,
            });
        }
        shown.extend(self.pins.iter().map(|p| Shown {
            curve: &p.curve,
            faded: false,
        }));
        let markers = self.current.as_ref().map(|c| &c.params);
        if shown.is_empty() {
            ui.centered_and_justified(|ui| {
                let text = if self.validation.is_err() {
                    "Fix the parameter marked in red in the left panel to start a run."
                } else {
                    "Waiting for the first trajectories…"
                };
                ui.label(text);
            });
            return;
        }
        // The scope's rect covers the plots with their axes and labels (the screenshot's crop).
        let display = &self.display;
        self.plot_rect = ui
            .scope(|ui| plots::plots_ui(ui, &shown, display, markers))
            .response
            .rect;
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let Some(status) = self.jobs.status() else {
                ui.label("No run yet.");
                return;
            };
            let state = match &status.finished {
                None => "running".to_string(),
                Some(Ok(stop)) => stop.to_string(),
                Some(Err(_)) => "failed".to_string(),
            };
            ui.label(format!(
                "{state} · {}/{} trajectories · {}",
                status.trajectories_done,
                status.trajectories_total,
                human_seconds(status.elapsed.as_secs_f64())
            ));
            if status.in_flight()
                && let Some(eta) = status.eta()
            {
                ui.label(format!("· ETA {}", human_seconds(eta)));
            }
            if let Some(rate) = status.steps_per_second() {
                ui.label(format!("· {rate:.3e} traj-steps/s"));
            }
            if let Some(curve) = self.current.as_ref().filter(|_| !self.current_is_stale) {
                ui.label(format!("· max |ΔE|/Nt {:.1e}", max_drift(&curve.ensemble)));
            }
            if let Some(family) = self.family.running.map(|(_, v)| v) {
                ui.label(format!(
                    "· family {} = {family}",
                    self.family.parameter.label()
                ));
            }
            for warning in self.warnings() {
                ui.label(RichText::new(format!("! {warning}")).color(ui.visuals().warn_fg_color));
            }
        });
    }

    /// Warnings about the current curve: energy drift (dt too large) and error bars larger than
    /// the late-time signal, plus why the last run failed, if it did.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(msg) = &self.run_message {
            out.push(msg.clone());
        }
        let Some(curve) = self.current.as_ref().filter(|_| !self.current_is_stale) else {
            return out;
        };
        let e = &curve.ensemble;
        let drift = max_drift(e);
        if drift > DRIFT_WARNING {
            out.push(format!(
                "energy drift {drift:.1e} > {DRIFT_WARNING:.0e}: dt is too large, lower it"
            ));
        }
        // Late-time signal against its error bar (last quarter of the grid).
        let n = e.t.len();
        let tail = n - n / 4;
        let mean = &e.mean_of(Observable::Sx)[tail..];
        let err = &e.stderr_of(Observable::Sx)[tail..];
        let k = mean.len().max(1) as f64;
        let signal = mean.iter().map(|v| v.abs()).sum::<f64>() / k;
        let noise = err.iter().filter(|v| v.is_finite()).sum::<f64>() / k;
        if noise > signal {
            out.push(format!(
                "late-time sx ({signal:.2e}) is below its error bar ({noise:.2e}): add trajectories or realizations"
            ));
        }
        out
    }
}

/// Largest |energy drift per particle| over the output times.
fn max_drift(e: &Ensemble) -> f64 {
    e.mean_of(Observable::EnergyDrift)
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
}

/// egui's default fonts, with Hack as a fallback of the proportional family: it has the
/// superscript minus of log-axis labels (`10⁻²`) and the ▶ ■ of the buttons.
fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.insert(1, "Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

impl eframe::App for Explorer {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        Explorer::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = self.saved_state().to_ron() {
            storage.set_string(super::settings::STORAGE_KEY, text);
        }
    }
}

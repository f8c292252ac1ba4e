//! The explorer's frame: controls on the left (Run, Stop and Pin always in view), the legend and
//! plots in the middle, status at the bottom. The runs, pins and family queue live in a
//! [`Session`] (no egui); this file is the eframe glue: the debounce, the panels, the
//! confirmation before huge runs and the file actions.

use super::computed_map::ComputedMap;
use super::controls::{self, Edit, TypedError};
use super::curves::{PlotCache, color32};
use super::files::{self, FileAction, FileRequest, Files};
use super::phase_map::{MapEdit, MapTextures, Marker, map_ui, verdict_letter};
use super::plots::{self, FitOverlay, Overlays, Shown, ThermalLine};
use super::settings::{AxisMode, DisplaySettings, SavedState};
use crate::analysis::{FitReport, Law, Verdict, local_exponent};
use crate::cli::human_seconds;
use crate::io::{CurveView, MapKind, MapSpec, Preset, write_tidy_export};
use crate::physics::{ParamError, Params};
use crate::sim::{
    Family, FamilyParameter, JobRecord, JobStatus, MAX_PINS, Session, SessionCurve, SessionError,
    SessionEvent, max_drift,
};
use egui::{RichText, Ui};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Seconds after the last change before a run restarts (a drag release restarts at once).
pub const DEBOUNCE_SECONDS: f64 = 0.15;

/// Longest time a frame spends draining worker messages.
const DRAIN_BUDGET: Duration = Duration::from_millis(4);

/// Runs estimated to take longer than this ask before they start.
pub const CONFIRM_SECONDS: f64 = 600.0;

/// Scheduling priority of the simulation threads: the UI thread keeps its normal priority, so
/// it gets a core at once while a run takes every core.
pub const WORKER_NICE: i32 = 10;

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
    /// Open on this preset (its family runs at once).
    pub preset: Option<Preset>,
    /// Scheduling priority of the simulation threads ([`WORKER_NICE`] in the app; 0 in tests).
    pub nice: i32,
    /// Record frame intervals while input arrives, and print them with each run's rate on exit.
    pub frame_stats: bool,
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

impl FamilyEditor {
    fn show(family: &Family) -> Self {
        Self {
            parameter: family.parameter,
            values: family
                .values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            error: None,
        }
    }
}

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Curves,
    /// The paper's Fig. 1: omega/h by sigma/sqrt(h).
    PhaseMap,
    /// The paper's Fig. 3 left: alpha by h/omega.
    FrustrationMap,
}

impl View {
    pub const ALL: [View; 3] = [View::Curves, View::PhaseMap, View::FrustrationMap];

    pub fn label(self) -> &'static str {
        match self {
            View::Curves => "Curves",
            View::PhaseMap => "Phase map (Fig. 1)",
            View::FrustrationMap => "α–ω map (Fig. 3)",
        }
    }
}

/// A start that waits for the user's confirmation (estimated above [`CONFIRM_SECONDS`]).
#[derive(Clone, Debug, PartialEq)]
pub enum PendingStart {
    Run(Params),
    Family { family: Family, base: Params },
}

/// The desktop explorer.
pub struct Explorer {
    /// The parameters on the controls.
    params: Params,
    display: DisplaySettings,
    /// Shown at the top of the plots until dismissed (e.g. a corrupt saved state).
    notice: Option<String>,
    /// Input time of the last edit not yet committed.
    pending_since: Option<f64>,
    validation: Result<(), ParamError>,
    session: Session,
    cache: PlotCache,
    family_editor: FamilyEditor,
    /// Filled with the egui context on the first frame; the worker's waker repaints through it.
    repaint: Arc<OnceLock<egui::Context>>,
    /// Screen rect of the plots in the last frame (for cropped screenshots).
    plot_rect: egui::Rect,
    files: Files,
    /// Name of the preset the parameters came from (`custom` once edited).
    preset_name: String,
    /// The last family run (from the editor or a preset); saved presets carry it.
    last_family: Option<Family>,
    /// A short message about the last action (a refused pin, a finished family).
    message: Option<String>,
    /// A start waiting for confirmation.
    confirm: Option<PendingStart>,
    /// Text typed into a value box that is not a number.
    typed_error: Option<TypedError>,
    view: View,
    maps: MapTextures,
    /// The fit window as typed: `None` for each curve's default window.
    fit_window: Option<(f64, f64)>,
    frame_stats: Option<FrameStats>,
    /// The computed phase map and its background sweep.
    computed: ComputedMap,
    /// Scheduling priority of simulation threads (the map's too).
    nice: i32,
}

/// Frame intervals while input arrives and the runs' rates, for the responsiveness measurement
/// (`SPINBOSON_FRAME_STATS=1`); printed to stderr every 5 s, after each run and on exit.
#[derive(Default)]
struct FrameStats {
    last_frame: Option<std::time::Instant>,
    last_print: Option<std::time::Instant>,
    /// Seconds between a frame with input and the frame before it.
    input_intervals: Vec<f64>,
    /// (trajectory-steps per second, seconds) of every completed run.
    runs: Vec<(f64, f64)>,
    reported_job: u64,
}

impl FrameStats {
    fn frame(&mut self, had_input: bool, session: &Session) {
        let now = std::time::Instant::now();
        if let Some(last) = self.last_frame
            && had_input
        {
            self.input_intervals.push((now - last).as_secs_f64());
        }
        self.last_frame = Some(now);
        if let (Some(job), Some(status)) = (session.current_job(), session.status())
            && job.job_id != self.reported_job
            && matches!(status.finished, Some(Ok(crate::sim::StopReason::Completed)))
        {
            self.reported_job = job.job_id;
            let secs = status.elapsed.as_secs_f64();
            self.runs
                .push((status.steps_done as f64 / secs.max(1e-9), secs));
            self.print();
        }
        if self
            .last_print
            .is_none_or(|t| (now - t).as_secs_f64() > 5.0)
        {
            self.last_print = Some(now);
            self.print();
        }
    }

    fn print(&self) {
        let mut v = self.input_intervals.clone();
        v.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            v.get(((v.len() as f64 - 1.0) * q).round() as usize)
                .copied()
        };
        eprintln!(
            "frame intervals with input: n = {}, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            v.len(),
            1e3 * pick(0.5).unwrap_or(f64::NAN),
            1e3 * pick(0.95).unwrap_or(f64::NAN),
            1e3 * v.last().copied().unwrap_or(f64::NAN)
        );
        for (rate, secs) in &self.runs {
            eprintln!("run: {rate:.4e} trajectory-steps/s over {secs:.2} s");
        }
    }
}

impl Drop for FrameStats {
    fn drop(&mut self) {
        self.print();
    }
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
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let session = if options.simulate {
            let slot = repaint.clone();
            let waker: crate::sim::Waker = Arc::new(move || {
                if let Some(ctx) = slot.get() {
                    ctx.request_repaint();
                }
            });
            match Session::spawn(options.threads, options.nice, waker) {
                Ok(s) => s,
                Err(e) => {
                    notice = Some(format!("Simulations are unavailable: {e}"));
                    Session::manual(cores)
                }
            }
        } else {
            let threads = if options.threads == 0 {
                cores
            } else {
                options.threads
            };
            Session::manual(threads)
        };
        let params = options.params.unwrap_or(saved.params);
        let mut explorer = Self {
            validation: params.validate_for(session.threads()),
            params,
            display: saved.display,
            notice,
            pending_since: None,
            session,
            cache: PlotCache::default(),
            family_editor: FamilyEditor::default(),
            repaint,
            plot_rect: egui::Rect::NOTHING,
            files: Files::new(options.file_dialogs, saved.recent_presets),
            preset_name: saved.preset_name,
            last_family: None,
            message: None,
            confirm: None,
            typed_error: None,
            view: View::Curves,
            maps: MapTextures::default(),
            fit_window: None,
            frame_stats: options.frame_stats.then(FrameStats::default),
            computed: ComputedMap::default(),
            nice: options.nice,
        };
        match &options.preset {
            Some(preset) => {
                if let Err(e) = explorer.apply_preset(preset, &preset.name) {
                    explorer.notice = Some(format!("The preset could not be opened: {e}"));
                    explorer.commit();
                }
            }
            None => explorer.commit(),
        }
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

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The error that keeps the current parameters from running, if any.
    pub fn validation_error(&self) -> Option<&ParamError> {
        self.validation.as_ref().err()
    }

    /// Every job started (the newest last), with its cancel flag.
    pub fn job_history(&self) -> &[JobRecord] {
        self.session.history()
    }

    pub fn current_job(&self) -> Option<&JobRecord> {
        self.session.current_job()
    }

    pub fn job_status(&self) -> Option<&JobStatus> {
        self.session.status()
    }

    /// Messages of older jobs ignored so far.
    pub fn stale_messages_ignored(&self) -> u64 {
        self.session.stale_dropped()
    }

    pub fn current_curve(&self) -> Option<&SessionCurve> {
        self.session.current()
    }

    pub fn pins(&self) -> &[SessionCurve] {
        self.session.pins()
    }

    /// What the central area shows.
    pub fn view(&self) -> View {
        self.view
    }

    pub fn set_view(&mut self, view: View) {
        self.view = view;
    }

    /// The current parameters' point on the Fig. 1 map: `(omega/h, sigma/sqrt(h))`. It follows
    /// the controls at once, before any run restarts.
    pub fn map_marker(&self) -> (f64, f64) {
        (
            self.params.omega / self.params.h,
            self.params.sigma / self.params.h.sqrt(),
        )
    }

    /// The verdict shown in the status bar: the current curve's fit.
    pub fn verdict_text(&self) -> Option<String> {
        let curve = self.session.fresh_current()?;
        Some(verdict_summary(curve.fit.as_deref()?, curve.stop.is_none()))
    }

    /// Set the fit window (`None`: each curve's default) and refit every curve.
    pub fn set_fit_window(&mut self, window: Option<(f64, f64)>) {
        self.fit_window = window;
        self.session.set_fit_window(window);
    }

    /// The message about the last action, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The start waiting for confirmation, if any.
    pub fn pending_confirmation(&self) -> Option<&PendingStart> {
        self.confirm.as_ref()
    }

    /// Text typed into a value box that is not a number, and its message.
    pub fn typed_error(&self) -> Option<&TypedError> {
        self.typed_error.as_ref()
    }

    /// The legend in order, each entry with its label and color (tests read it).
    pub fn legend(&self) -> Vec<(String, crate::io::Rgb)> {
        self.session
            .legend()
            .into_iter()
            .map(|(c, _)| (c.label(&self.params), c.color))
            .collect()
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
        self.validation = self.params.validate_for(self.session.threads());
        if self.validation.is_err() {
            return;
        }
        let unchanged = self
            .session
            .current_job()
            .is_some_and(|job| job.params == self.params);
        if !unchanged {
            self.request(PendingStart::Run(self.params.clone()));
        }
    }

    /// Estimated seconds of a start.
    pub fn estimate(&self, start: &PendingStart) -> f64 {
        let threads = self.session.threads();
        let cost = self.session.cost();
        match start {
            PendingStart::Run(p) => cost.seconds(p, threads),
            PendingStart::Family { family, base } => family
                .members(base)
                .map_or(0.0, |m| m.iter().map(|p| cost.seconds(p, threads)).sum()),
        }
    }

    /// Start now, or ask first when the estimate is above [`CONFIRM_SECONDS`].
    fn request(&mut self, start: PendingStart) {
        if self.estimate(&start) > CONFIRM_SECONDS {
            self.confirm = Some(start);
        } else {
            self.launch(start);
        }
    }

    fn launch(&mut self, start: PendingStart) {
        self.confirm = None;
        self.message = None;
        match start {
            PendingStart::Run(params) => {
                self.session.start(params);
            }
            PendingStart::Family { family, base } => {
                if let Err(e) = self.begin_family(&family, &base) {
                    self.family_editor.error = Some(e.to_string());
                    self.message = Some(e.to_string());
                }
            }
        }
    }

    /// Confirm the start waiting for it (the dialog's *Start*).
    pub fn confirm_start(&mut self) {
        if let Some(start) = self.confirm.take() {
            self.launch(start);
        }
    }

    /// Drop the start waiting for confirmation (the dialog's *Cancel*): nothing starts.
    pub fn cancel_start(&mut self) {
        if self.confirm.take().is_some() {
            self.message = Some(
                "not started: the run was too long (change the parameters, or Run and confirm)"
                    .into(),
            );
        }
    }

    /// Restart the current parameters even if they are unchanged (the Run button).
    pub fn run_now(&mut self) {
        self.validation = self.params.validate_for(self.session.threads());
        if self.validation.is_ok() {
            self.request(PendingStart::Run(self.params.clone()));
        }
    }

    /// Stop the running job (the Stop button); a family run ends too.
    pub fn stop(&mut self) {
        self.session.stop();
    }

    /// Pin the current curve; a refusal (all pins in use) is shown as a message.
    pub fn pin_current(&mut self) -> bool {
        match self.session.pin_current() {
            Ok(()) => true,
            Err(e) => {
                self.message = Some(e.to_string());
                false
            }
        }
    }

    /// Set the edited parameters (a preset, a test) and commit them at once.
    pub fn set_params(&mut self, params: Params) {
        self.params = params;
        self.commit();
    }

    /// Run `family` over the current parameters, member by member; each finished member is
    /// pinned with its value in the legend, replacing the previous family's pins. A family
    /// estimated above [`CONFIRM_SECONDS`] waits for confirmation instead.
    pub fn start_family(&mut self, family: &Family) -> Result<(), SessionError> {
        let start = PendingStart::Family {
            family: family.clone(),
            base: self.params.clone(),
        };
        family.members(&self.params)?;
        if self.estimate(&start) > CONFIRM_SECONDS {
            self.confirm = Some(start);
            return Ok(());
        }
        self.confirm = None;
        self.message = None;
        let base = self.params.clone();
        self.begin_family(family, &base)
    }

    fn begin_family(&mut self, family: &Family, base: &Params) -> Result<(), SessionError> {
        self.session.start_family(family, base)?;
        self.last_family = Some(family.clone());
        self.family_editor.error = None;
        if let Some(p) = self.session.family_member_params() {
            self.params = p.clone();
            self.validation = Ok(());
        }
        Ok(())
    }

    /// Apply one worker message (stale ones are ignored).
    pub fn deliver(&mut self, msg: crate::sim::WorkerMsg) {
        if let Some(event) = self.session.deliver(msg) {
            self.follow(event);
        }
    }

    fn follow(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::MemberStarted(params) => {
                self.params = params;
                self.validation = Ok(());
            }
            SessionEvent::FamilyFinished { base, members } => {
                self.params = base;
                self.validation = self.params.validate_for(self.session.threads());
                self.message = Some(format!(
                    "family finished: {members} curves pinned; the controls show your parameters again"
                ));
            }
        }
    }

    /// Apply a preset: parameters, display settings and family (run at once), or report why not.
    /// The previous family's pins go (the preset's family replaces them); manual pins stay.
    pub fn apply_preset(&mut self, preset: &Preset, source: &str) -> Result<(), String> {
        preset
            .validate(std::path::Path::new(source))
            .map_err(|e| format!("{e} (nothing changed)"))?;
        if let Some(family) = &preset.family {
            // Refuse before anything changes when the family would not fit beside manual pins.
            self.session
                .check_room_for_family(family.values.len())
                .map_err(|e| e.to_string())?;
        }
        self.params = preset.params.clone();
        self.display = preset.display.clone();
        self.preset_name = preset.name.clone();
        self.validation = Ok(());
        self.pending_since = None;
        self.session.drop_family_pins();
        self.set_fit_window(None); // a window typed for other parameters would not fit these
        self.last_family = preset.family.clone();
        self.family_editor = preset
            .family
            .as_ref()
            .map_or_else(FamilyEditor::default, FamilyEditor::show);
        match &preset.family {
            Some(family) => self.request(PendingStart::Family {
                family: family.clone(),
                base: preset.params.clone(),
            }),
            None => self.request(PendingStart::Run(self.params.clone())),
        }
        Ok(())
    }

    fn poll(&mut self) {
        for event in self.session.poll(DRAIN_BUDGET) {
            self.follow(event);
        }
        self.computed.poll();
    }

    /// The computed phase map (tests).
    pub fn computed_map(&self) -> &ComputedMap {
        &self.computed
    }

    pub fn computed_map_mut(&mut self) -> &mut ComputedMap {
        &mut self.computed
    }

    /// Repaints the window from another thread.
    fn waker(&self) -> crate::sim::Waker {
        let slot = self.repaint.clone();
        Arc::new(move || {
            if let Some(ctx) = slot.get() {
                ctx.request_repaint();
            }
        })
    }

    /// Start (or resume) computing the phase map over the current parameters.
    pub fn compute_map(&mut self) {
        let waker = self.waker();
        let threads = self.session.threads();
        if let Err(e) = self.computed.start(&self.params, threads, self.nice, waker) {
            self.computed.message = Some((true, e));
        }
    }

    /// The curves on screen, in legend order, with their labels, for export.
    fn visible_curves(&self) -> Vec<(&SessionCurve, String)> {
        self.session
            .legend()
            .into_iter()
            .filter(|(_, stale)| !stale)
            .map(|(c, _)| (c, c.label(&self.params)))
            .collect()
    }

    /// The preset the explorer's state amounts to.
    pub fn to_preset(&self, name: &str) -> Preset {
        let family = self.last_family.clone();
        Preset {
            name: name.to_string(),
            description: format!(
                "Saved from the spinboson explorer: {}",
                crate::sim::params_label(&self.params)
            ),
            params: self.params.clone(),
            family,
            display: self.display.clone(),
            ..Preset::default()
        }
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
            FileRequest::Read(action, path) => {
                let result = match action {
                    FileAction::LoadMap => self.computed.load(&path),
                    _ => Err(format!("{}: nothing reads this", path.display())),
                };
                self.map_file_result(result);
            }
            FileRequest::Write(action @ (FileAction::SaveMap | FileAction::ExportMap), path) => {
                let result = match action {
                    FileAction::SaveMap => self.computed.save(&path),
                    _ => self.computed.export(&path, &self.params),
                };
                self.map_file_result(result);
            }
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

    /// Report a map file action beside the map (and in the files section).
    fn map_file_result(&mut self, result: Result<String, String>) {
        match &result {
            Ok(done) => self.files.info(done.clone()),
            Err(e) => self.files.error(e.clone()),
        }
        self.computed.message = Some(match result {
            Ok(done) => (false, done),
            Err(e) => (true, e),
        });
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
        let views: Vec<CurveView<'_>> = curves.iter().map(|(c, label)| c.view(label)).collect();
        match action {
            FileAction::LoadPreset
            | FileAction::LoadMap
            | FileAction::SaveMap
            | FileAction::ExportMap => Ok(None),
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
                let sidecar = write_tidy_export(path, &views).map_err(|e| e.to_string())?;
                Ok(Some(format!(
                    "exported {} curve(s) to {} and {}",
                    views.len(),
                    path.display(),
                    sidecar.display()
                )))
            }
            FileAction::ExportFigure => {
                let title = format!("spinboson: {}", self.preset_name);
                crate::io::write_figure(path, &views, &self.display, &title)
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
        self.poll();
        if let Some(stats) = self.frame_stats.as_mut() {
            let had_input = ui.input(|i| !i.events.is_empty());
            stats.frame(had_input, &self.session);
        }

        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        let edit = egui::Panel::left("controls")
            .resizable(true)
            .default_size(340.0)
            .size_range(300.0..=520.0)
            .show(ui, |ui| {
                self.run_buttons_ui(ui);
                ui.separator();
                egui::ScrollArea::vertical()
                    .show(ui, |ui| self.controls_ui(ui))
                    .inner
            })
            .inner;
        egui::CentralPanel::default().show(ui, |ui| self.plots_area_ui(ui));
        self.confirm_ui(ui);

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
        if let Some(request) = self.files.poll_dialog() {
            self.handle_file_request(ui.ctx(), request);
        }
        if self.session.in_flight() || self.computed.is_running() {
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
            self.validation = self.params.validate_for(self.session.threads());
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

    /// Run, Stop and Pin: above the scrolling controls, always in view.
    fn run_buttons_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if ui
                .button("▶ Run")
                .on_hover_text("Restart the run")
                .clicked()
            {
                self.run_now();
            }
            let running = self.session.in_flight();
            if ui
                .add_enabled(running, egui::Button::new("■ Stop"))
                .on_hover_text("Stop the run (finished trajectories stay)")
                .clicked()
            {
                self.stop();
            }
            let can_pin = self.session.fresh_current().is_some();
            if ui
                .add_enabled(can_pin, egui::Button::new("Pin"))
                .on_hover_text(format!(
                    "Keep this curve while the next run proceeds (up to {MAX_PINS})"
                ))
                .clicked()
            {
                self.pin_current();
            }
            ui.label(format!("{}/{MAX_PINS} pinned", self.session.pins().len()));
        });
        if let Some(message) = &self.message {
            ui.label(RichText::new(message).italics());
        }
    }

    fn controls_ui(&mut self, ui: &mut Ui) -> Edit {
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
        let typed = &mut self.typed_error;
        ui.heading("Model");
        edit.merge(controls::model_ui(ui, &mut self.params, error, typed));
        egui::CollapsingHeader::new("Photons")
            .default_open(false)
            .show(ui, |ui| {
                edit.merge(controls::photons_ui(ui, &mut self.params, error, typed))
            });
        egui::CollapsingHeader::new("Ensemble, grid and integrator")
            .default_open(true)
            .show(ui, |ui| {
                edit.merge(controls::numerics_ui(ui, &mut self.params, error, typed))
            });
        ui.separator();
        let running = self
            .session
            .current_job()
            .filter(|j| j.params == self.params && self.session.in_flight())
            .and_then(|_| self.session.status());
        controls::readouts_ui(
            ui,
            &self.params,
            self.validation.is_ok(),
            self.session.cost(),
            self.session.threads(),
            running,
        );
        ui.separator();
        egui::CollapsingHeader::new("Relaxation fit")
            .default_open(true)
            .show(ui, |ui| self.fit_ui(ui));
        egui::CollapsingHeader::new("Family run")
            .default_open(false)
            .show(ui, |ui| self.family_ui(ui));
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
        ui.label(
            RichText::new(
                "Each member runs in turn and is pinned when it finishes; the previous family's \
                 pins are replaced, your own pins stay. The controls return to your parameters \
                 at the end.",
            )
            .small(),
        );
        ui.horizontal(|ui| {
            if ui.button("Run family").clicked() {
                let editor = &mut self.family_editor;
                let result = Family::parse_values(&editor.values).map(|values| Family {
                    parameter: editor.parameter,
                    values,
                });
                match result {
                    Ok(family) => {
                        self.family_editor.error = None;
                        self.request(PendingStart::Family {
                            family,
                            base: self.params.clone(),
                        });
                    }
                    Err(e) => self.family_editor.error = Some(e.to_string()),
                }
            }
            if let Some((k, n, _, _)) = self.session.family_progress() {
                ui.label(format!("member {k} of {n}"));
            }
        });
        if let Some(e) = &self.family_editor.error {
            ui.label(RichText::new(format!("! {e}")).color(ui.visuals().error_fg_color));
        }
    }

    /// The fit window (automatic or typed) and the law table of the current curve.
    fn fit_ui(&mut self, ui: &mut Ui) {
        let mut auto = self.fit_window.is_none();
        let mut window = self.fit_window.unwrap_or_else(|| {
            self.session
                .fresh_current()
                .and_then(|c| c.fit.as_ref())
                .map_or((1.0, 10.0), |f| (f.window.t_start, f.window.t_end))
        });
        let mut changed = false;
        ui.horizontal(|ui| {
            changed |= ui
                .checkbox(&mut auto, "automatic window")
                .on_hover_text(
                    "From t_h to where sx drops within 2 standard errors of 0 or, with fast \
                     photons, to the paper's lower bound of t_ω, ω²/(σ²h²).",
                )
                .changed();
        });
        ui.add_enabled_ui(!auto, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("from t");
                changed |= ui
                    .add(
                        egui::DragValue::new(&mut window.0)
                            .speed(0.05)
                            .range(0.0..=1e7),
                    )
                    .labelled_by(l.id)
                    .changed();
                let l = ui.label("to t");
                changed |= ui
                    .add(
                        egui::DragValue::new(&mut window.1)
                            .speed(0.5)
                            .range(0.0..=1e7),
                    )
                    .labelled_by(l.id)
                    .changed();
            });
        });
        if changed {
            if auto {
                self.set_fit_window(None);
            } else if window.1 > window.0 {
                self.set_fit_window(Some(window));
            } else {
                // Keep the typed ends on screen and the last valid window in use.
                self.fit_window = Some(window);
            }
        }
        if let Some((t0, t1)) = self.fit_window
            && t1 <= t0
        {
            ui.label(
                RichText::new(format!(
                    "! the window needs from t < to t ({t0} ≥ {t1}); the fits keep the last valid window"
                ))
                .color(ui.visuals().error_fg_color),
            );
        }
        let Some(curve) = self.session.fresh_current() else {
            let text = if self.session.pins().is_empty() {
                "No curve yet."
            } else {
                "No current run (press Run); the pinned curves keep their fits."
            };
            ui.label(RichText::new(text).small());
            return;
        };
        let Some(fit) = curve.fit.as_deref() else {
            return;
        };
        law_table_ui(ui, fit, curve.stop.is_none());
    }

    /// The one legend of every plot, above them: each curve's line in its color and its label
    /// (relative to the controls), in legend order; pins can be removed here.
    fn legend_ui(&mut self, ui: &mut Ui) {
        let mut remove = None;
        let mut clear = false;
        ui.horizontal_wrapped(|ui| {
            for (curve, stale) in self.session.legend() {
                let label = curve.label(&self.params);
                let color = color32(curve.color).gamma_multiply(if stale { 0.35 } else { 1.0 });
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
                let width = if curve.origin == crate::sim::Origin::Current {
                    3.0
                } else {
                    2.0
                };
                ui.painter().line_segment(
                    [rect.left_center(), rect.right_center()],
                    egui::Stroke::new(width, color),
                );
                let mut text = match (curve.origin, stale) {
                    (crate::sim::Origin::Current, true) => format!("{label} (previous run)"),
                    (crate::sim::Origin::Current, false) if curve.stop.is_none() => {
                        format!("{label} (running)")
                    }
                    _ => label,
                };
                if curve.origin != crate::sim::Origin::Current
                    && let Some(fit) = curve.fit.as_deref()
                {
                    text.push_str(&format!(" [{}]", verdict_letter(&fit.verdict)));
                }
                ui.label(text);
                if curve.origin != crate::sim::Origin::Current
                    && ui
                        .small_button("×")
                        .on_hover_text("Remove this pinned curve")
                        .clicked()
                {
                    remove = Some(curve.serial);
                }
                ui.add_space(10.0);
            }
            if !self.session.pins().is_empty() && ui.small_button("clear pins").clicked() {
                clear = true;
            }
        });
        if let Some(serial) = remove {
            self.session.unpin(serial);
        }
        if clear {
            self.session.clear_pins();
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
            for view in View::ALL {
                ui.selectable_value(&mut self.view, view, view.label());
            }
        });
        let edit = match self.view {
            View::Curves => {
                self.curves_view_ui(ui);
                return;
            }
            View::PhaseMap => self.full_map_ui(ui, MapKind::Fig1),
            View::FrustrationMap => self.full_map_ui(ui, MapKind::Fig3),
        };
        self.apply_map_edit(ui, edit);
    }

    /// The regime map for the current parameters.
    fn map_spec(&self, kind: MapKind) -> MapSpec {
        let p = &self.params;
        MapSpec {
            kind,
            alpha: p.alpha,
            sigma_over_sqrt_h: p.sigma / p.h.sqrt(),
            t_max_times_h: p.t_max * p.h,
            point: None,
        }
    }

    /// The map's markers: the controls' parameters (a ring), then every pin in its color with
    /// its fitted verdict.
    fn map_markers(&self) -> Vec<Marker> {
        let p = &self.params;
        let current_verdict = self
            .session
            .fresh_current()
            .filter(|c| c.params == self.params)
            .and_then(|c| c.fit.as_ref().map(|f| f.verdict));
        let mut markers: Vec<Marker> = self
            .session
            .pins()
            .iter()
            .map(|c| Marker {
                omega_over_h: c.params.omega / c.params.h,
                sigma_over_sqrt_h: c.params.sigma / c.params.h.sqrt(),
                alpha: c.params.alpha,
                color: color32(c.color),
                current: false,
                verdict: c.fit.as_ref().map(|f| f.verdict),
            })
            .collect();
        markers.push(Marker {
            omega_over_h: p.omega / p.h,
            sigma_over_sqrt_h: p.sigma / p.h.sqrt(),
            alpha: p.alpha,
            color: egui::Color32::BLACK,
            current: true,
            verdict: current_verdict,
        });
        markers
    }

    fn full_map_ui(&mut self, ui: &mut Ui, kind: MapKind) -> MapEdit {
        let mut spec = self.map_spec(kind);
        if kind == MapKind::Fig1
            && let Some((alpha, t_max_times_h)) = self.computed.base_alpha_tmax()
        {
            // The regime model at the computed map's own alpha and window.
            spec.alpha = alpha;
            spec.t_max_times_h = t_max_times_h;
        }
        let markers = self.map_markers();
        let text = match kind {
            MapKind::Fig1 => format!(
                "Regimes after the paper's Fig. 1 at α = {:.3}, t_max·h = {:.0}: soft bands, since \
                 Fig. 1 is a qualitative portrait. Click or drag to set ω and σ (h kept); the run \
                 restarts on release. Ring: the controls; dots: pinned curves with their fitted \
                 law (L log, A algebraic, E exponential, ? undetermined).",
                spec.alpha, spec.t_max_times_h
            ),
            MapKind::Fig3 => format!(
                "Regimes after the paper's Fig. 3 (left) at σ/√h = {:.3}: exponential relaxation \
                 below α_c. Click or drag to set α and ω (h kept).",
                spec.sigma_over_sqrt_h
            ),
        };
        ui.add(egui::Label::new(RichText::new(text).small()).wrap());
        let overlay = if kind == MapKind::Fig1 {
            self.computed_map_bar_ui(ui);
            Some(self.computed.overlay(&spec))
        } else {
            None
        };
        let size = ui.available_size();
        let side = egui::vec2(size.x.min(size.y * 1.5), size.y.min(size.x / 1.2));
        let (rect, _) = ui.allocate_exact_size(side, egui::Sense::hover());
        map_ui(ui, &mut self.maps, rect, &spec, &markers, true, overlay)
    }

    /// The computed map's settings, its Compute/Stop button with the cost estimate or the
    /// progress, its file buttons and its colour key.
    fn computed_map_bar_ui(&mut self, ui: &mut Ui) {
        let running = self.computed.is_running();
        let settings_before = self.computed.settings.clone();
        let s = &mut self.computed.settings;
        let value = |ui: &mut Ui, label: &str, v: &mut f64, speed: f64, min: f64| {
            let l = ui.label(label);
            ui.add_enabled(
                !running,
                egui::DragValue::new(v)
                    .speed(speed)
                    .range(min..=1e4)
                    .max_decimals(3),
            )
            .labelled_by(l.id);
        };
        let count = |ui: &mut Ui, label: &str, n: &mut usize, max: usize| {
            let l = ui.label(label);
            ui.add_enabled(!running, egui::DragValue::new(n).range(1..=max).speed(0.1))
                .labelled_by(l.id);
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Computed map").strong())
                .on_hover_text(
                    "A sweep over ω/h (log) × σ/√h at the current parameters, reduced to the size \
                 below; each point is run, fitted and painted by its verdict. The same points, \
                 seeds and CSV rows as `spinboson sweep`.",
                );
            value(ui, "ω/h from", &mut s.omega.0, 0.01, 1e-3);
            value(ui, "to", &mut s.omega.1, 0.1, 1e-3);
            count(
                ui,
                "ω points",
                &mut s.omega.2,
                super::computed_map::MAX_MAP_AXIS,
            );
            ui.separator();
            value(ui, "σ/√h from", &mut s.sigma.0, 0.01, 0.0);
            value(ui, "to ", &mut s.sigma.1, 0.05, 0.0);
            count(
                ui,
                "σ points",
                &mut s.sigma.2,
                super::computed_map::MAX_MAP_AXIS,
            );
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("each point at the current parameters with").on_hover_text(
                "A map point is a full run: keep it small (Nt 200 with 8 × 8 trajectories runs a \
                 point in about a second here)",
            );
            count(ui, "map Nt", &mut s.nt, 100_000);
            count(ui, "realizations", &mut s.realizations, 10_000);
            count(
                ui,
                "× trajectories",
                &mut s.trajectories_per_realization,
                10_000,
            );
        });
        if self.computed.settings != settings_before
            && matches!(self.computed.message, Some((true, _)))
        {
            self.computed.message = None; // an error about the old settings
        }
        let mut request = None;
        ui.horizontal_wrapped(|ui| {
            if running {
                if ui
                    .button("■ Stop map")
                    .on_hover_text("Stop computing; finished points stay, Compute resumes")
                    .clicked()
                {
                    self.computed.stop();
                }
            } else if ui
                .button("Compute phase map")
                .on_hover_text(
                    "Run the map's points in the background: a coarse lattice first, then \
                     where neighbouring verdicts differ",
                )
                .clicked()
            {
                self.compute_map();
            }
            ui.add_enabled(
                !self.computed.is_running(),
                egui::Checkbox::new(&mut self.computed.settings.fill, "every cell"),
            )
            .on_hover_text(
                "Also compute the cells whose neighbours agree (after the disputed ones)",
            );
            ui.checkbox(&mut self.computed.show, "show computed");
            for action in [
                FileAction::SaveMap,
                FileAction::LoadMap,
                FileAction::ExportMap,
            ] {
                if ui
                    .button(action.button())
                    .on_hover_text(action.hover())
                    .clicked()
                {
                    request = self.files.start(action);
                }
            }
            let info = match self.computed.progress_text() {
                Some(p) => p,
                None => match self.computed.settings.grid(&self.params) {
                    Ok(grid) => {
                        let on_screen = self.computed.table_of(&grid);
                        let has = |i: usize| on_screen.is_some_and(|t| t.points.contains_key(&i));
                        let done = on_screen.map_or(0, |t| t.points.len());
                        let (all, coarse) = super::computed_map::ComputedMap::estimate(
                            &grid,
                            self.session.cost(),
                            self.session.threads(),
                            has,
                        );
                        if done == grid.len() {
                            format!("all {} points of this map are computed", grid.len())
                        } else {
                            format!(
                                "{} of {} points to compute: about {} for all, {} for the coarse \
                                 pass (when the machine is otherwise idle)",
                                grid.len() - done,
                                grid.len(),
                                human_seconds(all),
                                human_seconds(coarse)
                            )
                        }
                    }
                    Err(e) => format!("! {e}"),
                },
            };
            ui.label(RichText::new(info).small());
        });
        if let Some(request) = request {
            self.handle_file_request(ui.ctx(), request);
        }
        if let Some((what, grid)) = self.computed.pending().cloned() {
            let points = self.computed.table().map_or(0, |t| t.points.len());
            ui.label(
                RichText::new(format!(
                    "{what}. A new map of {} points would discard the {points} point(s) on screen.",
                    grid.len()
                ))
                .color(ui.visuals().warn_fg_color),
            );
            ui.horizontal(|ui| {
                let (threads, nice, waker) = (self.session.threads(), self.nice, self.waker());
                if self.computed.can_resume()
                    && ui
                        .button("Resume the map on screen")
                        .on_hover_text("Continue the map at its own parameters and grid")
                        .clicked()
                    && let Err(e) = self.computed.resume(threads, nice, waker.clone())
                {
                    self.computed.message = Some((true, e));
                }
                if ui
                    .button(format!("New map (discard {points} points)"))
                    .on_hover_text("Save map… first to keep them")
                    .clicked()
                    && let Err(e) = self.computed.start_new(threads, nice, waker)
                {
                    self.computed.message = Some((true, e));
                }
                if ui.button("Cancel").clicked() {
                    self.computed.cancel_pending();
                }
            });
        }
        if let Some((is_error, text)) = &self.computed.message {
            let color = if *is_error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.label(RichText::new(text).color(color).small());
        }
        if self.computed.table().is_some() && self.computed.show {
            ui.horizontal_wrapped(|ui| {
                for v in crate::io::LEGEND_VERDICTS {
                    let c = crate::io::verdict_color(v);
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(r, 2.0, egui::Color32::from_rgb(c.0, c.1, c.2));
                    ui.label(RichText::new(crate::io::verdict_legend(v)).small());
                }
                ui.label(
                    RichText::new(
                        "· opacity: jackknife confidence · faint: not computed · lines: the \
                         regime model's boundaries",
                    )
                    .small(),
                );
            });
        }
    }

    /// A press or drag on a full map sets the parameters like a slider: restart on release. A
    /// click on a computed cell loads that point instead.
    fn apply_map_edit(&mut self, ui: &Ui, edit: MapEdit) {
        if let Some(index) = edit.cell
            && let Some(p) = self.computed.params_of(index, &self.params)
        {
            self.message = Some(format!(
                "loaded map point {index}: {}",
                crate::sim::params_label(&p)
            ));
            self.params = p;
            self.preset_name = "custom".into();
            self.validation = self.params.validate_for(self.session.threads());
            self.pending_since = None;
            self.commit();
            return;
        }
        if let Some((omega_over_h, sigma_over_sqrt_h, alpha)) = edit.set {
            let h = self.params.h;
            let round = |v: f64| {
                let scale = 10f64.powi(3 - v.abs().log10().ceil() as i32);
                (v * scale).round() / scale
            };
            match self.view {
                View::FrustrationMap => {
                    self.params.alpha = round(alpha);
                    self.params.omega = round(omega_over_h) * h;
                }
                _ => {
                    self.params.omega = round(omega_over_h) * h;
                    self.params.sigma = round(sigma_over_sqrt_h.max(0.0)) * h.sqrt();
                }
            }
        }
        self.debounce(
            ui,
            Edit {
                changed: edit.set.is_some(),
                dragging: edit.dragging,
                released: edit.released,
            },
        );
    }

    fn curves_view_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Axes")
                .on_hover_text("Wheel: zoom around the pointer · drag: pan · double-click: reset");
            for mode in AxisMode::ALL {
                ui.selectable_value(&mut self.display.axis, mode, mode.label());
            }
            ui.separator();
            ui.checkbox(&mut self.display.show_sx, "sx");
            ui.checkbox(&mut self.display.show_sz, "sz");
            ui.checkbox(&mut self.display.show_extra, "photons & drift");
            ui.checkbox(&mut self.display.show_error_bands, "error bands");
            ui.checkbox(&mut self.display.show_timescales, "t_h, t_ω");
            ui.separator();
            ui.checkbox(&mut self.display.show_map_inset, "map inset")
                .on_hover_text("The Fig. 1 regime map in the corner of the sx plot");
            ui.checkbox(&mut self.display.show_fit, "fit")
                .on_hover_text("The fitted relaxation law over its window (dashed)");
            ui.checkbox(&mut self.display.show_thermal, "thermal sz")
                .on_hover_text("The paramagnet's thermal sz (σ/√h < 1) on the sz plot");
            ui.checkbox(&mut self.display.show_local_exponent, "local exponent")
                .on_hover_text("-d ln sx / d ln t: a plateau at γ for a power law");
        });
        let legend_top = ui.cursor().top();
        self.legend_ui(ui);
        let axis = self.display.axis;
        let legend = self.session.legend();
        for (curve, _) in &legend {
            self.cache.prepare(curve, axis);
        }
        self.cache.sweep();
        let labels: Vec<String> = legend.iter().map(|(c, _)| c.label(&self.params)).collect();
        let shown: Vec<Shown<'_>> = legend
            .iter()
            .zip(&labels)
            .map(|((curve, stale), label)| Shown {
                label,
                color: color32(curve.color),
                series: std::array::from_fn(|o| {
                    self.cache
                        .series(curve.serial, crate::physics::Observable::ALL[o])
                }),
                faded: *stale,
                current: curve.origin == crate::sim::Origin::Current,
            })
            .collect();
        let markers = self
            .session
            .current()
            .map(|c| (&c.params, c.ensemble.t.as_slice()));
        if shown.is_empty() {
            ui.centered_and_justified(|ui| {
                let text = if self.validation.is_err() {
                    "Fix the parameter marked in red in the left panel to start a run."
                } else if self.session.in_flight() {
                    "Waiting for the first trajectories…"
                } else {
                    "No curve: press Run."
                };
                ui.label(text);
            });
            return;
        }
        let overlays = self.overlays(&legend, &labels);
        let display = &self.display;
        let scope = ui.scope(|ui| plots::plots_ui(ui, &shown, display, markers, &overlays));
        // The screenshot's crop: the legend and the plots with their axes and labels.
        let mut rect = scope.response.rect;
        rect.min.y = rect.min.y.min(legend_top);
        self.plot_rect = rect;
        if let Some(frame) = scope.inner.filter(|_| self.display.show_map_inset) {
            let size = egui::vec2(
                (frame.width() * 0.28).clamp(150.0, 300.0),
                (frame.height() * 0.42).clamp(90.0, 190.0),
            );
            // sx starts at 1 (top left) and decays to the right. On a log time axis the early
            // plateau leaves the bottom left empty; on a linear one the decay is fast and the
            // curves run along the bottom, leaving the top right empty.
            let inset = if self.display.axis.log_x() {
                egui::Rect::from_min_size(
                    egui::pos2(frame.left() + 6.0, frame.bottom() - size.y - 6.0),
                    size,
                )
            } else {
                egui::Rect::from_min_size(
                    egui::pos2(frame.right() - size.x - 6.0, frame.top() + 6.0),
                    size,
                )
            };
            let spec = self.map_spec(MapKind::Fig1);
            let markers = self.map_markers();
            map_ui(ui, &mut self.maps, inset, &spec, &markers, false, None);
        }
    }

    /// The fit of the current curve, the thermal line and the local exponents, as the display
    /// settings ask.
    fn overlays<'a>(&self, legend: &[(&SessionCurve, bool)], labels: &'a [String]) -> Overlays<'a> {
        let mut overlays = Overlays::default();
        let current = self.session.fresh_current();
        if self.display.show_fit
            && let Some(c) = current
            && let Some(fit) = c.fit.as_deref()
            && let Some(law) = fit.best.and_then(|l| fit.law(l))
        {
            let (t0, t1) = (fit.window.t_start, fit.window.t_end);
            let points = c
                .ensemble
                .t
                .iter()
                .filter(|t| **t >= t0 && **t <= t1)
                .map(|&t| (t, law.eval(t)))
                .collect();
            overlays.fit = Some(FitOverlay {
                window: (t0, t1),
                points,
                color: color32(c.color).gamma_multiply(0.9),
                label: verdict_summary(fit, c.stop.is_none()),
            });
        }
        let p = &self.params;
        if self.display.show_thermal && p.sigma * p.sigma < p.h {
            let state =
                |photons| crate::physics::thermal_sz(p.omega / p.h, p.alpha, photons).map(|t| t.sz);
            if let (Ok(classical), Ok(quantum)) = (
                state(crate::physics::PhotonStatistics::ClassicalField),
                state(crate::physics::PhotonStatistics::Bose),
            ) {
                overlays.thermal = Some(ThermalLine { classical, quantum });
            }
        }
        if self.display.show_local_exponent {
            overlays.local_exponent = legend
                .iter()
                .zip(labels)
                .map(|((c, _), label)| {
                    let e = &c.ensemble;
                    let points = local_exponent(
                        &e.t,
                        e.mean_of(crate::physics::Observable::Sx),
                        crate::analysis::LOCAL_EXPONENT_HALF_WIDTH,
                    );
                    (color32(c.color), label.as_str(), points)
                })
                .collect();
        }
        overlays
    }

    /// The confirmation before a run estimated above [`CONFIRM_SECONDS`].
    fn confirm_ui(&mut self, ui: &mut Ui) {
        let Some(start) = self.confirm.clone() else {
            return;
        };
        let seconds = self.estimate(&start);
        let what = match &start {
            PendingStart::Run(p) => crate::sim::params_label(p),
            PendingStart::Family { family, .. } => format!(
                "a family of {} runs over {}",
                family.values.len(),
                family.parameter.label()
            ),
        };
        let mut decision = None;
        egui::Modal::new(egui::Id::unique("confirm-huge-run")).show(ui.ctx(), |ui| {
            ui.set_max_width(420.0);
            ui.heading("Start a long run?");
            ui.label(format!(
                "{what} is estimated to take {} on {} threads ({}).",
                human_seconds(seconds),
                self.session.threads(),
                if self.session.cost().calibrated {
                    "at the rate measured on this machine"
                } else {
                    "a first guess: no run has been timed yet"
                }
            ));
            ui.horizontal(|ui| {
                if ui.button("Start").clicked() {
                    decision = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    decision = Some(false);
                }
            });
        });
        match decision {
            Some(true) => self.confirm_start(),
            Some(false) => self.cancel_start(),
            None => {}
        }
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let Some(status) = self.session.status() else {
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
                && let Some(job) = self.session.current_job()
            {
                let left = self.session.cost().seconds_left(
                    &job.params,
                    self.session.threads(),
                    status.steps_done,
                );
                ui.label(format!("· ETA {}", human_seconds(left)));
            }
            if let Some(rate) = status.steps_per_second() {
                ui.label(format!("· {rate:.3e} traj-steps/s"));
            }
            if let Some(curve) = self.session.fresh_current() {
                if curve.params.kappa > 0.0 {
                    ui.label("· energy not conserved (κ > 0)")
                        .on_hover_text("With photon loss the energy changes physically; its drift says nothing about dt.");
                } else {
                    ui.label(format!("· max |ΔE|/Nt {:.1e}", max_drift(&curve.ensemble)));
                }
            }
            if let Some((signal, noise)) = self.session.late_signal() {
                ui.label(format!("· late sx {signal:.1e} ± {noise:.1e}"))
                    .on_hover_text(
                        "Mean |sx| over the last quarter of the times, and its standard error. \
                         An error bar as large as the signal means sx is consistent with 0 there.",
                    );
            }
            if let Some(verdict) = self.verdict_text() {
                ui.label(format!("· fit: {verdict}"))
                    .on_hover_text("The relaxation law of lowest AIC on the fit window, with the fraction of jackknife resamples that agree; see Relaxation fit in the left panel.");
            }
            if let Some((k, n, parameter, value)) = self.session.family_progress() {
                ui.label(format!(
                    "· family member {k}/{n}: {}",
                    parameter.member_label(value)
                ));
            }
            for warning in self.session.warnings() {
                ui.label(RichText::new(format!("! {warning}")).color(ui.visuals().warn_fg_color));
            }
        });
    }

    /// Warnings about the current curve and why the last run failed, if it did.
    pub fn warnings(&self) -> Vec<String> {
        self.session.warnings()
    }
}

/// `algebraic, γ = 0.78 ± 0.03 (93 % of resamples) on [4.3, 100]`, or why undetermined.
pub fn verdict_summary(fit: &FitReport, provisional: bool) -> String {
    let window = format!("on [{:.3}, {:.3}]", fit.window.t_start, fit.window.t_end);
    let mut s = match fit.verdict {
        Verdict::Law(law) => {
            let detail = fit.law(law).map_or(String::new(), |f| match law {
                Law::Logarithmic => format!(", b = {:.3} ± {:.3}", f.q, f.q_err),
                Law::Algebraic => format!(", γ = {:.3} ± {:.3}", f.q, f.q_err),
                Law::Exponential => format!(", τ = {:.3} ± {:.3}", f.q, f.q_err),
            });
            format!(
                "{}{detail} ({:.0}% of resamples) {window}",
                law.name(),
                100.0 * fit.confidence
            )
        }
        Verdict::Undetermined(reason) => format!("undetermined: {} {window}", reason.describe()),
    };
    if provisional {
        s.push_str(" (provisional)");
    }
    s
}

/// The three laws with their parameters, jackknife errors and AIC, and the verdict.
fn law_table_ui(ui: &mut Ui, fit: &FitReport, provisional: bool) {
    let dof = fit.window.n_points.saturating_sub(2).max(1) as f64;
    egui::Grid::new("law-table")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new("law").strong());
            ui.label(RichText::new("parameters (jackknife)").strong());
            ui.label(RichText::new("ΔAIC").strong());
            ui.label(RichText::new("χ²/dof").strong()).on_hover_text(
                "Goodness of each fit. Early oscillations of sx often make it large: the verdict \
                 ranks the laws, it does not say the best one fits well.",
            );
            ui.end_row();
            let best_aic = fit.laws.iter().map(|f| f.aic).fold(f64::INFINITY, f64::min);
            for f in &fit.laws {
                let [p, q] = f.parameter_names();
                let name = if Some(f.law) == fit.best {
                    RichText::new(f.law.name()).strong()
                } else {
                    RichText::new(f.law.name())
                };
                ui.label(name).on_hover_text(f.law.formula());
                ui.label(format!(
                    "{p} {:.3} ± {:.3}\n{q} {:.3} ± {:.3}",
                    f.p, f.p_err, f.q, f.q_err
                ));
                ui.label(format!("{:.1}", f.aic - best_aic));
                ui.label(format!("{:.1}", f.chi2 / dof));
                ui.end_row();
            }
        });
    let text = verdict_summary(fit, provisional);
    ui.add(egui::Label::new(format!("Verdict: {text}")).wrap())
        .on_hover_text(format!(
            "Lowest AIC wins when it leads by at least {} and wins in at least {:.0}% of the \
             jackknife resamples ({}); otherwise undetermined. The time points share \
             trajectories, so errors come from deleting whole units, never from a \
             least-squares formula.",
            crate::analysis::MIN_AIC_MARGIN,
            100.0 * crate::analysis::MIN_CONFIDENCE,
            fit.error_method
        ));
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

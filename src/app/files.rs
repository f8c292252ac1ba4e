//! Presets and exports in the explorer: the preset picker, load/save through native dialogs
//! (or a path box where no desktop portal answers), dropped `.ron` files, and exports of the
//! visible curves as a tidy CSV, a publication figure (SVG/PNG) or a screenshot of the plot.
//!
//! Every write goes through a temporary file and a rename; writing over an existing file typed
//! into the path box asks first (a native save dialog asks by itself).

use crate::io::{Preset, builtin_preset, write_atomic};
use crossbeam_channel::{Receiver, Sender, unbounded};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most recently used preset files remembered.
pub const MAX_RECENT: usize = 8;

/// A dialog that returns faster than this without a path is taken as "no portal answered".
const NO_PORTAL_WITHIN: Duration = Duration::from_millis(300);

/// Where a screenshot was written, or why not.
pub type ScreenshotResult = Result<PathBuf, String>;

/// Something the user asked to read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileAction {
    LoadPreset,
    SavePreset,
    ExportCsv,
    ExportFigure,
    SavePlotPng,
    /// The computed phase map as its sweep CSV (and JSON sidecar).
    SaveMap,
    /// A sweep CSV onto the phase map.
    LoadMap,
    /// The computed phase map as a figure, with the model's boundaries.
    ExportMap,
}

impl FileAction {
    pub fn button(self) -> &'static str {
        match self {
            FileAction::LoadPreset => "Load preset…",
            FileAction::SavePreset => "Save preset…",
            FileAction::ExportCsv => "Export CSV…",
            FileAction::ExportFigure => "Export figure…",
            FileAction::SavePlotPng => "Save plot PNG…",
            FileAction::SaveMap => "Save map…",
            FileAction::LoadMap => "Load map…",
            FileAction::ExportMap => "Export map…",
        }
    }

    pub fn hover(self) -> &'static str {
        match self {
            FileAction::LoadPreset => {
                "Read a preset (.ron); dropping a .ron file on the window does the same"
            }
            FileAction::SavePreset => {
                "Save the parameters, family and display settings as a preset (.ron)"
            }
            FileAction::ExportCsv => {
                "Every visible curve as one tidy CSV, with a JSON sidecar of the full provenance"
            }
            FileAction::ExportFigure => {
                "The visible curves drawn at publication quality (.svg or .png, by extension)"
            }
            FileAction::SavePlotPng => "A screenshot of the plot area as it is on screen (.png)",
            FileAction::SaveMap => {
                "The computed map as a sweep CSV (+ JSON sidecar): `spinboson sweep` with the same \
                 axes resumes it, `spinboson figure --sweep` draws it"
            }
            FileAction::LoadMap => {
                "A sweep CSV over omega and sigma (from `spinboson sweep`, a cluster run or Save \
                 map) onto the phase map"
            }
            FileAction::ExportMap => {
                "The computed map with the regime model's boundaries (.svg or .png, by extension)"
            }
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileAction::LoadPreset | FileAction::SavePreset => &["ron"],
            FileAction::ExportCsv | FileAction::SaveMap | FileAction::LoadMap => &["csv"],
            FileAction::ExportFigure | FileAction::ExportMap => &["svg", "png"],
            FileAction::SavePlotPng => &["png"],
        }
    }

    fn writes(self) -> bool {
        !matches!(self, FileAction::LoadPreset | FileAction::LoadMap)
    }

    /// `path` with this action's extension when it has none of the allowed ones.
    pub fn with_extension(self, path: &Path) -> PathBuf {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext
            .as_deref()
            .is_some_and(|e| self.extensions().contains(&e))
        {
            path.to_path_buf()
        } else {
            path.with_extension(self.extensions()[0])
        }
    }
}

/// A request the explorer carries out (it owns the state the files come from and go to).
#[derive(Clone, Debug, PartialEq)]
pub enum FileRequest {
    /// Apply a preset (already parsed); `source` names it in messages and the recent list.
    Apply {
        preset: Box<Preset>,
        source: String,
        path: Option<PathBuf>,
        warning: Option<String>,
    },
    Write(FileAction, PathBuf),
    /// Read a file other than a preset (a map).
    Read(FileAction, PathBuf),
}

/// The files section's state.
pub struct Files {
    /// The path box: the fallback where no native dialog answers.
    pub path: String,
    pub recent: Vec<PathBuf>,
    /// Last outcome: `(is_error, text)`.
    pub message: Option<(bool, String)>,
    /// A write over an existing file, waiting for confirmation.
    pub confirm: Option<(FileAction, PathBuf)>,
    /// Native dialogs are tried until one returns at once without a path.
    pub dialogs: bool,
    dialog: Option<(FileAction, Instant, Receiver<Option<PathBuf>>)>,
    /// Results of screenshot writes (they finish on another thread).
    pub screenshot_results: (Sender<ScreenshotResult>, Receiver<ScreenshotResult>),
}

impl Files {
    pub fn new(dialogs: bool, recent: Vec<PathBuf>) -> Self {
        Self {
            path: String::new(),
            recent,
            message: None,
            confirm: None,
            dialogs,
            dialog: None,
            screenshot_results: unbounded(),
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some((false, text.into()));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some((true, text.into()));
    }

    /// Remember a preset file at the top of the recent list.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    /// Read and parse a preset file into an apply request, or report the error (state kept).
    pub fn read_preset(&mut self, path: &Path) -> Option<FileRequest> {
        match Preset::load(path) {
            Ok(loaded) => Some(FileRequest::Apply {
                warning: loaded.warning(),
                preset: Box::new(loaded.preset),
                source: path.display().to_string(),
                path: Some(path.to_path_buf()),
            }),
            Err(e) => {
                self.error(format!("{e} (nothing changed)"));
                None
            }
        }
    }

    /// The preset picker, the buttons and the path box. Returns what to do.
    pub fn ui(&mut self, ui: &mut Ui, current_name: &str) -> Option<FileRequest> {
        let mut request = None;
        egui::ComboBox::from_label("preset")
            .selected_text(current_name)
            .show_ui(ui, |ui| {
                for (name, _) in crate::io::BUILTIN_PRESETS {
                    if ui.selectable_label(current_name == name, name).clicked() {
                        request = match builtin_preset(name) {
                            Some(Ok(preset)) => Some(FileRequest::Apply {
                                preset: Box::new(preset),
                                source: format!("built-in preset {name}"),
                                path: None,
                                warning: None,
                            }),
                            Some(Err(e)) => {
                                self.error(e.to_string());
                                None
                            }
                            None => None,
                        };
                    }
                }
                if !self.recent.is_empty() {
                    ui.separator();
                    for path in self.recent.clone() {
                        let name = path.file_name().map_or_else(
                            || path.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        if ui
                            .selectable_label(false, format!("recent: {name}"))
                            .on_hover_text(path.display().to_string())
                            .clicked()
                        {
                            request = self.read_preset(&path);
                        }
                    }
                }
            });

        ui.horizontal_wrapped(|ui| {
            for action in [FileAction::LoadPreset, FileAction::SavePreset] {
                if ui
                    .button(action.button())
                    .on_hover_text(action.hover())
                    .clicked()
                {
                    request = request.take().or_else(|| self.start(action));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            for action in [
                FileAction::ExportCsv,
                FileAction::ExportFigure,
                FileAction::SavePlotPng,
            ] {
                if ui
                    .button(action.button())
                    .on_hover_text(action.hover())
                    .clicked()
                {
                    request = request.take().or_else(|| self.start(action));
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("path");
            ui.add(
                egui::TextEdit::singleline(&mut self.path)
                    .hint_text("file for the buttons above")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "Used by the buttons above when no file dialog is available (no desktop portal)",
            );
        });
        if let Some(r) = self.poll_dialog() {
            request = Some(r);
        }
        if let Some((action, path)) = self.confirm.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("{} exists. Overwrite?", path.display()))
                        .color(ui.visuals().warn_fg_color),
                );
                if ui.button("Overwrite").clicked() {
                    self.confirm = None;
                    request = Some(FileRequest::Write(action, path));
                }
                if ui.button("Cancel").clicked() {
                    self.confirm = None;
                    self.info("nothing written");
                }
            });
        }
        while let Ok(result) = self.screenshot_results.1.try_recv() {
            match result {
                Ok(path) => self.info(format!("saved the plot to {}", path.display())),
                Err(e) => self.error(e),
            }
        }
        if let Some((is_error, text)) = &self.message {
            let color = if *is_error {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.label(RichText::new(text).color(color).small());
        }
        if self.dialog.is_some() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        request
    }

    /// A button was pressed: a path typed in the box is used as it is; otherwise open a native
    /// dialog (or, where no desktop portal answers, ask for a path in the box).
    pub fn start(&mut self, action: FileAction) -> Option<FileRequest> {
        if self.dialogs && self.dialog.is_none() && self.path.trim().is_empty() {
            let (tx, rx) = unbounded();
            let start_dir = std::env::current_dir().ok();
            let spawned = std::thread::Builder::new()
                .name("file-dialog".into())
                .spawn(move || {
                    let mut dialog = rfd::FileDialog::new()
                        .set_title(action.button().trim_end_matches('…'))
                        .add_filter(action.extensions()[0], action.extensions());
                    if let Some(dir) = start_dir {
                        dialog = dialog.set_directory(dir);
                    }
                    let path = if action.writes() {
                        dialog.save_file()
                    } else {
                        dialog.pick_file()
                    };
                    tx.send(path).ok(); // the explorer may have closed meanwhile
                });
            if spawned.is_ok() {
                self.dialog = Some((action, Instant::now(), rx));
                return None;
            }
        }
        self.from_path_box(action)
    }

    pub fn poll_dialog(&mut self) -> Option<FileRequest> {
        let (action, opened, rx) = self.dialog.as_ref()?;
        let (action, opened) = (*action, *opened);
        let answer = rx.try_recv().ok()?;
        self.dialog = None;
        match answer {
            Some(path) => {
                let path = action.with_extension(&path);
                self.path = path.display().to_string();
                if action.writes() {
                    // The native dialog has already asked about overwriting.
                    Some(FileRequest::Write(action, path))
                } else if action == FileAction::LoadPreset {
                    self.read_preset(&path)
                } else {
                    Some(FileRequest::Read(action, path))
                }
            }
            None if opened.elapsed() < NO_PORTAL_WITHIN => {
                self.dialogs = false;
                self.info(
                    "No file dialog answered (no desktop portal): type a path in the box and \
                     press the button again.",
                );
                None
            }
            None => {
                self.info("cancelled");
                None
            }
        }
    }

    /// Carry out `action` on the path box's file.
    pub fn from_path_box(&mut self, action: FileAction) -> Option<FileRequest> {
        let typed = self.path.trim();
        if typed.is_empty() {
            self.error(format!(
                "type a file name ({}) in the path box first",
                action
                    .extensions()
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
            return None;
        }
        let typed_path = Path::new(typed);
        if matches!(action, FileAction::ExportFigure | FileAction::ExportMap)
            && let Some(ext) = typed_path.extension().and_then(|e| e.to_str())
            && !action
                .extensions()
                .contains(&ext.to_ascii_lowercase().as_str())
        {
            self.error(format!(
                "{}: the extension must be .svg or .png (nothing written)",
                typed_path.display()
            ));
            return None;
        }
        let path = action.with_extension(typed_path);
        if action == FileAction::LoadPreset {
            return self.read_preset(&path);
        }
        if !action.writes() {
            return Some(FileRequest::Read(action, path));
        }
        if path.exists() {
            self.confirm = Some((action, path));
            return None;
        }
        Some(FileRequest::Write(action, path))
    }
}

/// Write a preset file atomically.
pub fn save_preset(path: &Path, preset: &Preset) -> Result<(), String> {
    let text = preset
        .to_ron()
        .map_err(|e| format!("cannot encode the preset: {e}"))?;
    write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// Crop a screenshot to `rect` (points) and write it as PNG, atomically.
pub fn write_png_region(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &Path,
) -> Result<(), String> {
    let region = image.region(&rect, Some(pixels_per_point));
    let [w, h] = region.size;
    let rgba: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &rgba,
        w as u32,
        h as u32,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    write_atomic(path, &png).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_added_when_missing() {
        let p = FileAction::ExportFigure.with_extension(Path::new("fig"));
        assert_eq!(p, PathBuf::from("fig.svg"));
        let p = FileAction::ExportFigure.with_extension(Path::new("fig.PNG"));
        assert_eq!(p, PathBuf::from("fig.PNG"));
        let p = FileAction::SavePreset.with_extension(Path::new("a.csv"));
        assert_eq!(p, PathBuf::from("a.ron"));
    }

    #[test]
    fn a_figure_with_another_format_is_refused_not_renamed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut files = Files::new(false, Vec::new());
        files.path = dir.path().join("map.pdf").display().to_string();
        assert_eq!(files.from_path_box(FileAction::ExportMap), None);
        assert!(
            files
                .message
                .as_ref()
                .is_some_and(|(err, m)| *err && m.contains("must be .svg or .png"))
        );
        files.path = dir.path().join("map").display().to_string();
        assert_eq!(
            files.from_path_box(FileAction::ExportMap),
            Some(FileRequest::Write(
                FileAction::ExportMap,
                dir.path().join("map.svg")
            ))
        );
    }

    #[test]
    fn path_box_asks_before_overwriting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("x.csv");
        let mut files = Files::new(false, Vec::new());
        files.path = target.display().to_string();
        assert_eq!(
            files.from_path_box(FileAction::ExportCsv),
            Some(FileRequest::Write(FileAction::ExportCsv, target.clone()))
        );
        std::fs::write(&target, "old").expect("write");
        assert_eq!(files.from_path_box(FileAction::ExportCsv), None);
        assert_eq!(files.confirm, Some((FileAction::ExportCsv, target)));
    }

    #[test]
    fn a_malformed_preset_is_an_error_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("bad.ron");
        std::fs::write(&bad, "(params: (nt: ").expect("write");
        let mut files = Files::new(false, Vec::new());
        assert_eq!(files.read_preset(&bad), None);
        assert!(
            files
                .message
                .as_ref()
                .is_some_and(|(err, m)| *err && m.contains("line 1"))
        );
    }
}

//! The regime maps in the explorer: the paper's Fig. 1 (omega/h by sigma/sqrt(h)) and Fig. 3
//! left (alpha by h/omega), shaded by the soft regime model ([`crate::io::MapSpec::raster`]),
//! with the current parameters and the pinned curves as markers. Drawn full size (click or drag
//! to set the parameters) or as a translucent inset in the sx plot.

use super::computed_map::MapOverlay;
use crate::analysis::{Law, Verdict};
use crate::io::{MapKind, MapSpec};
use crate::physics::{Regime, alpha_c, regime};
use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, Vec2};

/// Cells of the shaded raster (x, y).
const CELLS: (usize, usize) = (150, 100);

/// A point on the map.
#[derive(Clone, Debug)]
pub struct Marker {
    pub omega_over_h: f64,
    pub sigma_over_sqrt_h: f64,
    pub alpha: f64,
    pub color: Color32,
    /// The current parameters (a ring) rather than a pinned curve (a dot).
    pub current: bool,
    /// The fitted verdict, once known.
    pub verdict: Option<Verdict>,
}

/// A letter for a verdict: L (logarithmic), A (algebraic), E (exponential), ? (undetermined).
pub fn verdict_letter(v: &Verdict) -> &'static str {
    match v {
        Verdict::Law(Law::Logarithmic) => "L",
        Verdict::Law(Law::Algebraic) => "A",
        Verdict::Law(Law::Exponential) => "E",
        Verdict::Undetermined(_) => "?",
    }
}

/// What the user did on a full-size map: the parameters under the pointer while pressing or
/// dragging, `(omega/h, sigma/sqrt(h), alpha)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct MapEdit {
    pub set: Option<(f64, f64, f64)>,
    pub dragging: bool,
    pub released: bool,
    /// A click (not a drag) on a computed map's cell: its point index.
    pub cell: Option<usize>,
}

/// A regime's label and where it goes (plotted units).
type RegimeLabel = (Regime, f64, f64);

/// The shaded map as a texture, rebuilt only when what it depends on changes.
#[derive(Default)]
pub struct MapTextures {
    cached: Vec<(String, egui::TextureHandle, Vec<RegimeLabel>)>,
}

impl MapTextures {
    fn get(&mut self, ctx: &egui::Context, spec: &MapSpec) -> (egui::TextureId, Vec<RegimeLabel>) {
        let key = format!(
            "{:?}/{}/{}/{}",
            spec.kind, spec.alpha, spec.sigma_over_sqrt_h, spec.t_max_times_h
        );
        if let Some((_, tex, labels)) = self.cached.iter().find(|(k, _, _)| *k == key) {
            return (tex.id(), labels.clone());
        }
        let raster = spec.raster(CELLS.0, CELLS.1);
        let pixels: Vec<Color32> = raster
            .colors
            .iter()
            .map(|c| Color32::from_rgb(c[0], c[1], c[2]))
            .collect();
        let image = egui::ColorImage::new([raster.nx, raster.ny], pixels);
        let tex = ctx.load_texture(
            format!("regime-map {key}"),
            image,
            egui::TextureOptions::LINEAR,
        );
        let id = tex.id();
        // Two maps at a time (Fig. 1 and Fig. 3, or the inset's): keep the newest few.
        if self.cached.len() >= 4 {
            drop(self.cached.remove(0)); // frees the oldest texture
        }
        self.cached.push((key, tex, raster.labels.clone()));
        (id, raster.labels)
    }
}

/// Maps plotted units to the screen rect and back.
struct Frame {
    rect: Rect,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn to_screen(&self, x: f64, y: f64) -> Pos2 {
        let fx = ((x - self.x.0) / (self.x.1 - self.x.0)) as f32;
        let fy = ((y - self.y.0) / (self.y.1 - self.y.0)) as f32;
        Pos2::new(
            self.rect.left() + fx * self.rect.width(),
            self.rect.bottom() - fy * self.rect.height(),
        )
    }

    fn plotted_at(&self, p: Pos2) -> (f64, f64) {
        let fx = f64::from((p.x - self.rect.left()) / self.rect.width()).clamp(0.0, 1.0);
        let fy = f64::from((self.rect.bottom() - p.y) / self.rect.height()).clamp(0.0, 1.0);
        (
            self.x.0 + fx * (self.x.1 - self.x.0),
            self.y.0 + fy * (self.y.1 - self.y.0),
        )
    }
}

/// The map's accessible name.
pub fn map_name(kind: MapKind) -> &'static str {
    match kind {
        MapKind::Fig1 => "phase map (Fig. 1)",
        MapKind::Fig3 => "frustration map (Fig. 3)",
    }
}

fn axis_titles(kind: MapKind) -> (&'static str, &'static str) {
    match kind {
        MapKind::Fig1 => ("ω/h", "σ/√h"),
        MapKind::Fig3 => ("α = Nb/Ns", "h/ω"),
    }
}

/// Draw a map into `rect`. `full`: axes, labels, hover explanations and click/drag to set the
/// parameters; otherwise a translucent inset (no interaction). A computed `overlay` paints its
/// cells over a faded regime map, with the model's boundaries drawn over them.
pub fn map_ui(
    ui: &mut Ui,
    textures: &mut MapTextures,
    rect: Rect,
    spec: &MapSpec,
    markers: &[Marker],
    full: bool,
    overlay: Option<&MapOverlay>,
) -> MapEdit {
    let overlay = overlay.filter(|o| !o.cells.is_empty());
    let (x, y) = spec.ranges();
    // Full size: room for the tick labels and titles (left, bottom) and the last labels.
    let (left, bottom, top, right) = if full {
        (52.0, 40.0, 8.0, 18.0)
    } else {
        (0.0, 0.0, 0.0, 0.0)
    };
    let plot = Rect::from_min_max(
        Pos2::new(rect.left() + left, rect.top() + top),
        Pos2::new(rect.right() - right, rect.bottom() - bottom),
    );
    let frame = Frame { rect: plot, x, y };
    let (texture, labels) = textures.get(ui.ctx(), spec);
    let painter = ui.painter_at(rect);
    let alpha = match (full, overlay.is_some()) {
        (_, true) => 90,
        (true, false) => 255,
        (false, false) => 200,
    };
    if overlay.is_some() {
        // The faded regime map over white, so the computed cells read as on paper.
        painter.rect_filled(plot, 0.0, Color32::WHITE);
    }
    painter.image(
        texture,
        plot,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::from_white_alpha(alpha),
    );
    painter.rect_stroke(
        plot,
        0.0,
        Stroke::new(1.0, Color32::from_gray(90)),
        egui::StrokeKind::Inside,
    );
    if let Some(o) = overlay {
        cells_ui(&painter, &frame, o);
    }
    let text_color = Color32::from_rgb(25, 25, 25);
    let label_font = egui::FontId::proportional(if full { 15.0 } else { 10.5 });
    for (r, lx, ly) in &labels {
        painter.text(
            frame.to_screen(*lx, *ly),
            egui::Align2::CENTER_CENTER,
            r.name(),
            label_font.clone(),
            text_color,
        );
    }
    if spec.kind == MapKind::Fig3 {
        let xc = alpha_c(spec.sigma_over_sqrt_h).log10();
        painter.line_segment(
            [frame.to_screen(xc, y.0), frame.to_screen(xc, y.1)],
            Stroke::new(1.5, text_color),
        );
        painter.text(
            frame.to_screen(xc, y.1) + Vec2::new(4.0, 4.0),
            egui::Align2::LEFT_TOP,
            format!("α_c = {:.2}", alpha_c(spec.sigma_over_sqrt_h)),
            egui::FontId::proportional(if full { 13.0 } else { 10.0 }),
            text_color,
        );
    }
    if full {
        axes_ui(&painter, &frame, spec.kind, ui.visuals().text_color());
    } else {
        painter.text(
            plot.left_top() + Vec2::new(3.0, 2.0),
            egui::Align2::LEFT_TOP,
            "σ/√h ↑   ω/h →",
            egui::FontId::proportional(9.5),
            text_color,
        );
    }
    for m in markers {
        let (mx, my) = spec.position((m.omega_over_h, m.sigma_over_sqrt_h, m.alpha));
        if !(mx.is_finite() && my.is_finite()) {
            continue;
        }
        let inside = mx >= x.0 && mx <= x.1 && my >= y.0 && my <= y.1;
        let p = frame.to_screen(mx.clamp(x.0, x.1), my.clamp(y.0, y.1));
        let size = if full { 1.0 } else { 0.7 };
        if m.current {
            painter.circle_stroke(p, 8.0 * size, Stroke::new(3.0, Color32::WHITE));
            painter.circle_stroke(p, 8.0 * size, Stroke::new(1.8, Color32::BLACK));
        } else {
            painter.circle_filled(p, 6.0 * size, m.color);
            painter.circle_stroke(p, 6.0 * size, Stroke::new(1.0, Color32::BLACK));
        }
        if let Some(v) = &m.verdict {
            painter.text(
                p + Vec2::new(9.0 * size, -9.0 * size),
                egui::Align2::LEFT_BOTTOM,
                verdict_letter(v),
                egui::FontId::monospace(if full { 14.0 } else { 11.0 }),
                if m.current { Color32::BLACK } else { m.color },
            );
        }
        if !inside && full {
            painter.text(
                p + Vec2::new(0.0, 10.0),
                egui::Align2::CENTER_TOP,
                "(off the map)",
                egui::FontId::proportional(11.0),
                text_color,
            );
        }
    }
    if !full {
        return MapEdit::default();
    }
    let name = map_name(spec.kind);
    let response = ui
        .interact(plot, ui.scope_id().with(name), Sense::click_and_drag())
        .on_hover_cursor(egui::CursorIcon::Crosshair);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name));
    let mut edit = MapEdit::default();
    let cell_at = |pos: Pos2| {
        let (px, py) = frame.plotted_at(pos);
        overlay.and_then(|o| {
            o.cells.iter().find(|c| {
                !(c.running && c.color == Color32::TRANSPARENT)
                    && (c.x.0..=c.x.1).contains(&px)
                    && (c.y.0..=c.y.1).contains(&py)
            })
        })
    };
    if let Some(pos) = response.hover_pos() {
        let (px, py) = frame.plotted_at(pos);
        let (w, s, a) = spec.params_at(px, py);
        let here = regime(w, s, a, spec.t_max_times_h);
        let text = match cell_at(pos) {
            Some(c) => c.text.clone(),
            None => format!(
                "ω/h = {w:.3}, σ/√h = {s:.3}, α = {a:.3}\n{}\nClick or drag to run here.",
                here.explanation()
            ),
        };
        response.clone().on_hover_text_at_pointer(text);
    }
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
    {
        edit.cell = cell_at(pos).map(|c| c.index);
    }
    let pressed = response.is_pointer_button_down_on() || response.clicked();
    if pressed && let Some(pos) = response.interact_pointer_pos() {
        let (px, py) = frame.plotted_at(pos);
        edit.set = Some(spec.params_at(px, py));
    }
    edit.dragging = response.dragged();
    edit.released = response.drag_stopped() || response.clicked();
    edit
}

/// The computed cells (verdict colour, confidence as opacity; a ring on the point being
/// computed) and the regime model's boundaries over them.
fn cells_ui(painter: &egui::Painter, frame: &Frame, overlay: &MapOverlay) {
    for c in &overlay.cells {
        let r = Rect::from_two_pos(frame.to_screen(c.x.0, c.y.0), frame.to_screen(c.x.1, c.y.1))
            .intersect(frame.rect);
        if !r.is_positive() {
            continue;
        }
        if c.color != Color32::TRANSPARENT {
            painter.rect_filled(r, 0.0, c.color);
        }
        if c.running {
            painter.rect_stroke(
                r.shrink(1.0),
                0.0,
                Stroke::new(2.0, Color32::BLACK),
                egui::StrokeKind::Inside,
            );
        } else if !c.inferred {
            painter.rect_stroke(
                r,
                0.0,
                Stroke::new(0.5, Color32::from_white_alpha(140)),
                egui::StrokeKind::Inside,
            );
        }
    }
    let line = Stroke::new(1.6, Color32::from_rgb(20, 20, 20));
    for [a, b] in &overlay.boundaries {
        painter.line_segment([frame.to_screen(a.0, a.1), frame.to_screen(b.0, b.1)], line);
    }
}

/// Ticks and titles of a full-size map: decades on log axes, whole numbers on sigma.
fn axes_ui(painter: &egui::Painter, frame: &Frame, kind: MapKind, color: Color32) {
    let font = egui::FontId::proportional(12.0);
    let (x_title, y_title) = axis_titles(kind);
    let decade = |v: f64| {
        let s = format!("{:.3}", 10f64.powf(v));
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let mut k = frame.x.0.ceil();
    while k <= frame.x.1 + 1e-9 {
        let p = frame.to_screen(k, frame.y.0);
        painter.line_segment([p, p + Vec2::new(0.0, 4.0)], Stroke::new(1.0, color));
        painter.text(
            p + Vec2::new(0.0, 6.0),
            egui::Align2::CENTER_TOP,
            decade(k),
            font.clone(),
            color,
        );
        k += 1.0;
    }
    let (step, log_y) = match kind {
        MapKind::Fig1 => (2.0, false),
        MapKind::Fig3 => (1.0, true),
    };
    let mut v = (frame.y.0 / step).ceil() * step;
    while v <= frame.y.1 + 1e-9 {
        let p = frame.to_screen(frame.x.0, v);
        painter.line_segment([p, p - Vec2::new(4.0, 0.0)], Stroke::new(1.0, color));
        let label = if log_y { decade(v) } else { format!("{v}") };
        painter.text(
            p - Vec2::new(6.0, 0.0),
            egui::Align2::RIGHT_CENTER,
            label,
            font.clone(),
            color,
        );
        v += step;
    }
    let bottom = frame.rect.center_bottom() + Vec2::new(0.0, 22.0);
    painter.text(
        bottom,
        egui::Align2::CENTER_TOP,
        x_title,
        egui::FontId::proportional(14.0),
        color,
    );
    let left = frame.rect.left_center() - Vec2::new(44.0, 0.0);
    painter.text(
        left,
        egui::Align2::LEFT_CENTER,
        y_title,
        egui::FontId::proportional(14.0),
        color,
    );
}

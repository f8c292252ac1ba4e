//! Presentation kept once: the curve colors and the curve view that the explorer, the figure
//! renderer and the CSV export all take, so the screen, an exported figure and the CSV's series
//! names cannot drift apart.

use crate::analysis::FitReport;
use crate::physics::Params;
use crate::sim::{Ensemble, StopReason};
use serde::Serialize;

/// An sRGB color.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#1e6ee6`, for the JSON sidecar (matplotlib and most tools read it).
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The running (or single) curve.
pub const CURRENT_COLOR: Rgb = Rgb(30, 110, 230);

/// Colors of family members (member `k` takes `PALETTE[k]`) and pinned curves, distinct from
/// [`CURRENT_COLOR`] and from each other (Tableau 10 without its blue and grey).
pub const PALETTE: [Rgb; 8] = [
    Rgb(230, 85, 13),
    Rgb(49, 163, 84),
    Rgb(214, 39, 40),
    Rgb(148, 103, 189),
    Rgb(140, 86, 75),
    Rgb(227, 119, 194),
    Rgb(188, 189, 34),
    Rgb(23, 190, 207),
];

/// One curve as every front end shows it: the label (legend entry and CSV series name), the
/// parameters and averages, why its run stopped (`None` while it runs) and its color.
#[derive(Clone, Copy, Debug)]
pub struct CurveView<'a> {
    pub label: &'a str,
    pub params: &'a Params,
    pub ensemble: &'a Ensemble,
    pub stop: Option<StopReason>,
    pub color: Rgb,
    /// The relaxation fit of its sx, if one was made.
    pub fit: Option<&'a FitReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_colors_are_distinct() {
        let mut all: Vec<Rgb> = PALETTE.to_vec();
        all.push(CURRENT_COLOR);
        let n = all.len();
        all.sort_by_key(|c| (c.0, c.1, c.2));
        all.dedup();
        assert_eq!(all.len(), n);
        assert_eq!(CURRENT_COLOR.hex(), "#1e6ee6");
    }
}

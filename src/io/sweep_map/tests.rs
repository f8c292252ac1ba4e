use super::*;
use crate::analysis::{Law, Reason, Verdict};
use crate::sweep::Axis;

fn axis(s: &str) -> Axis {
    Axis::parse(s).expect("valid axis")
}

/// A sweep row with the given verdict (`law` or `undetermined` + reason) and confidence; the
/// other results are placeholders (the map reads only the verdict and the confidence).
fn fake_row(grid: &Grid, index: usize, verdict: &str, reason: &str, confidence: f64) -> String {
    let p = grid.params(index).expect("valid point");
    let values: Vec<String> = grid.point(index).iter().map(f64::to_string).collect();
    let regime = crate::analysis::predicted_regime(&p);
    format!(
        "{index},{},{regime},{verdict},{reason},{confidence},0.8,0.01,10,1,0.2,0.01,1,2,3,1,50,0.3,0.01,-0.2,0.01,64,{},completed\n",
        values.join(","),
        p.seed
    )
}

fn base() -> Params {
    Params {
        nt: 200,
        realizations: 8,
        trajectories_per_realization: 8,
        ..Params::default()
    }
}

/// A 2 x 2 grid with points 0, 1, 3 computed (2 missing).
fn partial_map(axes: &[&str]) -> (Grid, SweepMap) {
    let grid = Grid::new(base(), axes.iter().map(|a| axis(a)).collect()).expect("grid");
    let mut text = grid.preamble();
    text.push_str(&fake_row(&grid, 0, "algebraic", "", 1.0));
    text.push_str(&fake_row(&grid, 1, "logarithmic", "", 0.5));
    text.push_str(&fake_row(&grid, 3, "undetermined", "flat_curve", 0.4));
    let table = SweepTable::parse(text.as_bytes(), "fake.csv").expect("parses");
    let map = SweepMap::new(table, base());
    (grid, map)
}

fn close(a: f64, b: f64) -> bool {
    // Plotted values go through log10 and midpoints: a few ulps of error.
    (a - b).abs() < 1e-12
}

#[test]
fn cell_edges_are_midpoints_and_half_steps_beyond_the_ends() {
    let e = cell_edges(&[-1.0, 0.0, 1.0]);
    assert_eq!(e, vec![(-1.5, -0.5), (-0.5, 0.5), (0.5, 1.5)]);
    // Uneven and descending grids: each cell still (low, high) and they tile the range.
    let e = cell_edges(&[3.0, 2.0, 0.0]);
    assert_eq!(e, vec![(2.5, 3.5), (1.0, 2.5), (-1.0, 1.0)]);
    assert_eq!(cell_edges(&[7.0]), vec![(6.5, 7.5)]);
    assert_eq!(extent(&[(2.0, 2.0), (2.0, 2.0)]), (1.5, 2.5));
}

#[test]
fn an_omega_sigma_sweep_puts_log_omega_on_x_in_either_axis_order() {
    let (_, map) = partial_map(&["omega=0.1:10:log:2", "sigma=0.5:3:lin:2"]);
    assert!(map.is_fig1_plane());
    let ((x0, x1), (y0, y1)) = map.ranges();
    // log10 omega: -1 and 1, step 2, so the cells reach one unit beyond; sigma step 2.5.
    assert!(close(x0, -2.0) && close(x1, 2.0), "{x0} {x1}");
    // Half a step below sigma = 0.5 would be -0.75: the cell stops at 0.
    assert!(close(y0, 0.0) && close(y1, 4.25), "{y0} {y1}");
    let cells = map.cells();
    assert_eq!(cells.len(), 4);
    // Point 1 is omega 0.1, sigma 3: the left, upper cell.
    let c1 = cells[1];
    assert!(close(c1.x.0, -2.0) && close(c1.x.1, 0.0) && close(c1.y.0, 1.75));
    assert_eq!(cells[2].fill, None, "point 2 is not in the file");
    assert_eq!(map.counts(), (3, 4));

    let (_, swapped) = partial_map(&["sigma=0.5:3:lin:2", "omega=0.1:10:log:2"]);
    assert!(swapped.is_fig1_plane());
    assert_eq!(swapped.ranges(), map.ranges());
    // Index 1 of the swapped grid is sigma 0.5, omega 10: the right, lower cell.
    let s1 = swapped.cells()[1];
    assert!(close(s1.x.0, 0.0) && close(s1.y.1, 1.75), "{s1:?}");
}

#[test]
fn fills_blend_the_verdict_color_over_white_by_confidence() {
    let (_, map) = partial_map(&["omega=0.1:10:log:2", "sigma=0.5:3:lin:2"]);
    let cells = map.cells();
    // Algebraic at confidence 1: the verdict color itself (opacity 1).
    assert_eq!(
        cells[0].fill,
        Some(verdict_color(Some(Verdict::Law(Law::Algebraic))))
    );
    // Logarithmic at confidence 0.5: opacity 0.3, so 255 - 0.3 (255 - c) per channel.
    let Rgb(r, g, b) = verdict_color(Some(Verdict::Law(Law::Logarithmic)));
    let faint = |c: u8| (255.0 - 0.3 * (255.0 - f64::from(c))).round() as u8;
    assert_eq!(cells[1].fill, Some(Rgb(faint(r), faint(g), faint(b))));
    // Undetermined: opacity 0.75 whatever the confidence.
    let Rgb(r, g, b) = verdict_color(Some(Verdict::Undetermined(Reason::FlatCurve)));
    let mid = |c: u8| (255.0 - 0.75 * (255.0 - f64::from(c))).round() as u8;
    assert_eq!(cells[3].fill, Some(Rgb(mid(r), mid(g), mid(b))));
}

#[test]
fn model_boundaries_lie_in_range_and_include_the_paramagnet_line() {
    let (_, map) = partial_map(&["omega=0.1:30:log:4", "sigma=0.3:6:lin:4"]);
    let ((x0, x1), (y0, y1)) = map.ranges();
    let segments = map.model_boundaries();
    assert!(!segments.is_empty());
    for [(xa, ya), (xb, yb)] in &segments {
        for (x, y) in [(xa, ya), (xb, yb)] {
            assert!(*x >= x0 - 1e-9 && *x <= x1 + 1e-9 && *y >= y0 - 1e-9 && *y <= y1 + 1e-9);
        }
        assert!(xa == xb || ya == yb, "axis-aligned: {xa} {ya} {xb} {yb}");
    }
    // The paramagnet boundary, sigma/sqrt(h) = 1 at every omega, is one horizontal line across
    // the whole map after joining, within one staircase cell of 1.
    let dy = (y1 - y0) / BOUNDARY_CELLS.1 as f64;
    let line = segments
        .iter()
        .find(|[(_, ya), (_, yb)]| ya == yb && (ya - 1.0).abs() <= dy)
        .expect("a horizontal boundary near sigma = 1");
    assert!(close(line[0].0, x0) && close(line[1].0, x1), "{line:?}");
    let labels = map.model_labels();
    let paramagnet = labels
        .iter()
        .find(|l| l.0 == Regime::Paramagnet)
        .expect("paramagnet named");
    assert!(paramagnet.2 < 1.0, "{paramagnet:?}");
    for (r, x, y) in &labels {
        assert_eq!(
            regime(10f64.powf(*x), *y, 10.0, 100.0),
            *r,
            "label in its region"
        );
    }
}

#[test]
fn other_axis_pairs_and_single_axes_have_no_model_overlay() {
    let (_, map) = partial_map(&["alpha=1:10:log:2", "sigma=0.5:3:lin:2"]);
    assert!(!map.is_fig1_plane());
    assert_eq!(map.plot_axes().0.name, AxisName::Alpha);
    assert!(map.model_boundaries().is_empty() && map.model_labels().is_empty());
    assert!(
        !map.title().contains("alpha ="),
        "alpha is swept: {}",
        map.title()
    );

    let grid = Grid::new(base(), vec![axis("omega=0.1:10:log:3")]).expect("grid");
    let text = grid.preamble() + &fake_row(&grid, 1, "algebraic", "", 1.0);
    let table = SweepTable::parse(text.as_bytes(), "one.csv").expect("parses");
    let map = SweepMap::new(table, base());
    assert!(!map.is_fig1_plane());
    let cells = map.cells();
    assert!(cells.iter().all(|c| c.y == (0.0, 1.0)));
    assert_eq!(map.caption(), "1 of 3 points (hatched: not computed)");
    let svg = render_sweep_map_svg(&map).expect("renders");
    assert!(svg.contains("omega / h (log scale)"));
}

#[test]
fn the_base_is_verified_against_the_fingerprint() {
    let (_, map) = partial_map(&["omega=0.1:10:log:2", "sigma=0.5:3:lin:2"]);
    assert!(map.base_verified);
    assert!(!map.caption().contains("assumed"));
    let other = SweepMap::new(
        map.table.clone(),
        Params {
            alpha: 5.0,
            ..base()
        },
    );
    assert!(!other.base_verified);
    assert!(other.caption().contains("base parameters assumed"));
}

#[test]
fn the_svg_has_cells_hatching_boundaries_labels_and_legend() {
    let (_, map) = partial_map(&["omega=0.1:30:log:2", "sigma=0.3:6:lin:2"]);
    let svg = render_sweep_map_svg(&map).expect("renders");
    let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
    let hex = |c: Rgb| c.hex();
    let fills: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill").map(str::to_ascii_lowercase))
        .collect();
    for cell in map.cells().iter().filter_map(|c| c.fill) {
        assert!(fills.contains(&hex(cell)), "cell fill {} drawn", hex(cell));
    }
    let strokes = |c: Rgb| {
        doc.descendants()
            .filter(|n| {
                n.attribute("stroke")
                    .is_some_and(|s| s.eq_ignore_ascii_case(&hex(c)))
            })
            .count()
    };
    // 3 diagonals of the one missing cell, and the legend's swatch and diagonal.
    assert_eq!(strokes(MISSING_HATCH_COLOR), 5);
    // The boundaries and the legend's line sample.
    assert_eq!(strokes(MODEL_LINE_COLOR), map.model_boundaries().len() + 1);
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("|");
    for expected in [
        "paramagnet",
        "algebraic: 1",
        "logarithmic: 1",
        "no decay (flat): 1",
        "exponential: 0",
        "not computed: 1",
        "3 of 4 points",
        "Nt = 200, 64 trajectories (8 x 8), t_max h = 100, alpha = 10",
        "regime model boundary",
        "0.1",
        "10",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
}

#[test]
fn log_ticks_read_as_values() {
    assert_eq!(log_tick_label(-1.0), "0.1");
    assert_eq!(log_tick_label(0.0), "1");
    assert_eq!(log_tick_label(1.0), "10");
    assert_eq!(log_tick_label(0.5f64.log10()), "0.5");
    assert_eq!(log_tick_label(2.5f64.log10()), "2.5");
}

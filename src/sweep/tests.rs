use super::*;

fn axis(s: &str) -> Axis {
    Axis::parse(s).expect("valid axis")
}

#[test]
fn axis_parsing_and_values() {
    let a = axis("omega=0.1:30:log:12");
    assert_eq!(a.name, AxisName::Omega);
    assert_eq!(a.spacing, Spacing::Log);
    let v = a.values();
    assert_eq!(v.len(), 12);
    assert_eq!(v[0], 0.1);
    assert_eq!(v[11], 30.0);
    let ratio = v[1] / v[0];
    for w in v.windows(2) {
        assert!((w[1] / w[0] - ratio).abs() < 1e-12, "{v:?}");
    }
    let s = axis("sigma=0.3:6:lin:12").values();
    assert_eq!(s.len(), 12);
    assert_eq!((s[0], s[11]), (0.3, 6.0));
    assert!((s[1] - s[0] - 5.7 / 11.0).abs() < 1e-12);
    assert_eq!(axis("alpha=2:2:lin:1").values(), vec![2.0]);
    assert_eq!(axis("nt=40:400:log:3").values(), vec![40.0, 126.0, 400.0]);
    assert_eq!(
        axis(" kappa = 0 : 1 : lin : 3").values(),
        vec![0.0, 0.5, 1.0]
    );
    assert_eq!(a.spec(), "omega=0.1:30:log:12");
}

#[test]
fn bad_axes_are_named() {
    for (bad, needle) in [
        ("omega", "NAME="),
        ("foo=1:2:lin:3", "unknown axis \"foo\""),
        ("omega=1:2:lin", "got 3 field"),
        ("omega=1:2:lin:0", "at least 1"),
        ("omega=1:2:cubic:3", "neither log nor lin"),
        ("omega=0:2:log:3", "log axis needs"),
        ("omega=a:2:lin:3", "START \"a\""),
        ("omega=1:inf:lin:3", "END"),
        ("omega=1:2:lin:-1", "COUNT"),
    ] {
        let e = Axis::parse(bad).expect_err(bad).to_string();
        assert!(e.contains(needle), "{bad}: {e}");
    }
}

#[test]
fn grid_is_row_major_first_axis_slowest() {
    let g = Grid::new(
        Params::default(),
        vec![axis("omega=1:3:lin:3"), axis("sigma=1:2:lin:2")],
    )
    .expect("grid");
    assert_eq!(g.len(), 6);
    assert_eq!(g.point(0), vec![1.0, 1.0]);
    assert_eq!(g.point(1), vec![1.0, 2.0]);
    assert_eq!(g.point(2), vec![2.0, 1.0]);
    assert_eq!(g.point(5), vec![3.0, 2.0]);
    // Omega and sigma are in units of h.
    let base = Params {
        h: 4.0,
        ..Params::default()
    };
    let g = Grid::new(base, vec![axis("omega=1:3:lin:3"), axis("sigma=1:2:lin:2")]).expect("grid");
    let p = g.params(5).expect("valid");
    assert_eq!((p.omega, p.sigma), (12.0, 4.0));
    // h applied first, whatever the order of the axes.
    let g = Grid::new(
        Params::default(),
        vec![axis("sigma=2:2:lin:1"), axis("h=4:9:lin:2")],
    )
    .expect("grid");
    assert_eq!(g.params(1).expect("valid").sigma, 6.0);
    assert!(Grid::new(Params::default(), vec![]).is_err());
    assert!(
        Grid::new(
            Params::default(),
            vec![axis("h=1:2:lin:2"), axis("h=1:2:lin:2")]
        )
        .is_err()
    );
    let three = vec![axis("h=1:2:lin:2"); 3];
    assert_eq!(
        Grid::new(Params::default(), three),
        Err(SweepError::AxisCount(3))
    );
}

#[test]
fn seeds_depend_on_base_seed_and_index_only() {
    let a = point_seed(1, 7);
    assert_eq!(a, point_seed(1, 7));
    assert_ne!(a, point_seed(2, 7));
    let seeds: std::collections::BTreeSet<u64> = (0..10_000).map(|i| point_seed(1, i)).collect();
    assert_eq!(seeds.len(), 10_000);
    // A point's parameters are the same in a grid of any size around it.
    let small = Grid::new(Params::default(), vec![axis("omega=1:2:lin:2")]).expect("grid");
    let big = Grid::new(Params::default(), vec![axis("omega=1:2:lin:2")]).expect("grid");
    assert_eq!(small.params(1), big.params(1));
    assert_eq!(small.params(1).expect("valid").seed, point_seed(1, 1));
}

#[test]
fn shards_partition_the_points() {
    assert_eq!(Shard::parse("1/3"), Ok(Shard { k: 1, n: 3 }));
    for bad in ["3/3", "1", "a/3", "0/0", "-1/3"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    let shards: Vec<Shard> = (0..3).map(|k| Shard { k, n: 3 }).collect();
    for i in 0..20 {
        assert_eq!(shards.iter().filter(|s| s.contains(i)).count(), 1);
        assert!(shards[i % 3].contains(i));
    }
    assert!((0..20).all(|i| Shard::ALL.contains(i)));
}

#[test]
fn fingerprint_changes_with_base_and_axes() {
    let g = |p: Params, a: &str| Grid::new(p, vec![axis(a)]).expect("grid").fingerprint();
    let f = g(Params::default(), "omega=1:2:lin:2");
    assert_eq!(f.len(), 16);
    assert_eq!(f, g(Params::default(), "omega=1:2:lin:2"));
    assert_ne!(f, g(Params::default(), "omega=1:2:lin:3"));
    let p = Params {
        seed: 2,
        ..Params::default()
    };
    assert_ne!(f, g(p, "omega=1:2:lin:2"));
    // The base's value of a swept parameter is not part of the sweep's identity.
    let p = Params {
        omega: 7.0,
        ..Params::default()
    };
    assert_eq!(f, g(p.clone(), "omega=1:2:lin:2"));
    // ... but an unswept one is.
    assert_ne!(
        g(Params::default(), "sigma=1:2:lin:2"),
        g(p, "sigma=1:2:lin:2")
    );
}

fn fake_file(g: &Grid, indices: &[usize], torn: bool) -> String {
    let fields = columns(&g.axes).len();
    let mut s = g.preamble();
    for i in indices {
        s.push_str(&format!("{i}{}\n", ",x".repeat(fields - 1)));
    }
    if torn {
        s.push_str("9,x,x");
    }
    s
}

#[test]
fn scan_finds_rows_torn_lines_and_foreign_files() {
    let g = Grid::new(Params::default(), vec![axis("omega=1:2:lin:10")]).expect("grid");
    let pre = g.preamble();
    let s = scan(b"", "f", &pre).expect("empty");
    assert!(s.fresh);
    let s = scan(&pre.as_bytes()[..5], "f", &pre).expect("partial preamble");
    assert!(s.fresh);
    let text = fake_file(&g, &[0, 1, 2], true);
    let s = scan(text.as_bytes(), "f", &pre).expect("scan");
    assert!(s.torn && !s.fresh && s.ordered);
    assert_eq!(s.rows.keys().copied().collect::<Vec<_>>(), vec![0, 1, 2]);
    assert_eq!(s.valid_len as usize, fake_file(&g, &[0, 1, 2], false).len());
    let other = Grid::new(Params::default(), vec![axis("omega=1:2:lin:9")]).expect("grid");
    let e = scan(text.as_bytes(), "f", &other.preamble()).expect_err("mismatch");
    assert!(matches!(e, SweepError::Mismatch { .. }), "{e}");
    let line1 = pre.lines().next().expect("line 1");
    let e = scan(format!("{line1}\nindex,other\n").as_bytes(), "f", &pre).expect_err("header");
    assert!(matches!(e, SweepError::Corrupt { line: 2, .. }), "{e}");
    let e = scan(b"t,sx\n1,2\n", "f", &pre).expect_err("foreign");
    assert!(matches!(e, SweepError::NotASweep { .. }), "{e}");
    let bad = format!("{pre}1,2\n");
    assert!(matches!(
        scan(bad.as_bytes(), "f", &pre),
        Err(SweepError::Corrupt { line: 3, .. })
    ));
}

#[test]
fn merge_orders_and_checks_points() {
    let g = Grid::new(Params::default(), vec![axis("omega=1:2:lin:5")]).expect("grid");
    let full = fake_file(&g, &[0, 1, 2, 3, 4], false);
    let a = ("a".to_owned(), fake_file(&g, &[0, 3], false).into_bytes());
    let b = ("b".to_owned(), fake_file(&g, &[4, 1], false).into_bytes());
    let c = ("c".to_owned(), fake_file(&g, &[2], false).into_bytes());
    assert_eq!(
        merge(&[a.clone(), b.clone(), c.clone()]).expect("merge"),
        full
    );
    assert_eq!(
        merge(&[a.clone(), b.clone()]),
        Err(SweepError::Missing {
            index: 2,
            missing: 1,
            total: 5
        })
    );
    assert!(matches!(
        merge(&[a.clone(), b.clone(), c.clone(), c.clone()]),
        Err(SweepError::Duplicate { index: 2, .. })
    ));
    let other = Grid::new(Params::default(), vec![axis("omega=1:2:lin:6")]).expect("grid");
    let d = ("d".to_owned(), fake_file(&other, &[2], false).into_bytes());
    assert!(matches!(
        merge(&[a.clone(), b.clone(), d]),
        Err(SweepError::MergeMismatch { .. })
    ));
    let torn = ("t".to_owned(), fake_file(&g, &[2], true).into_bytes());
    assert!(matches!(merge(&[a, b, torn]), Err(SweepError::Torn { .. })));
}

#[test]
fn a_diverged_point_has_a_full_width_row_without_results() {
    let g = Grid::new(Params::default(), vec![axis("omega=1:2:lin:2")]).expect("grid");
    let p = g.params(1).expect("valid");
    let outcome = JobOutcome {
        job_id: 1,
        ensemble: None,
        stop: StopReason::Diverged { t: 3.5 },
        trajectories_completed: 7,
        steps_done: 10,
        elapsed: std::time::Duration::from_millis(5),
    };
    let r = row(
        1,
        &g.point(1),
        &p,
        &outcome,
        fit_point(&outcome, &p).as_ref(),
    );
    let f: Vec<&str> = r.trim_end().split(',').collect();
    assert_eq!(f.len(), columns(&g.axes).len(), "{r}");
    assert_eq!(f[..2], ["1", "2"]);
    assert_eq!(f[f.len() - 1], "diverged");
    assert_eq!(f[f.len() - 2], point_seed(1, 1).to_string());
    assert!(f[4..f.len() - 2].iter().all(|x| x.is_empty()), "{r}");
    assert!(r.ends_with('\n') && !r.contains("3.5"));
}

#[test]
fn reason_names_are_the_json_names() {
    use crate::analysis::{Reason, Verdict};
    for r in Reason::ALL {
        assert_eq!(
            serde_json::to_value(r).expect("json"),
            serde_json::Value::String(r.name().into())
        );
        assert_eq!(Reason::from_name(r.name()), Some(r));
        assert_eq!(
            Verdict::from_names("undetermined", r.name()),
            Some(Verdict::Undetermined(r))
        );
    }
    assert_eq!(
        Verdict::from_names("algebraic", ""),
        Some(Verdict::Law(Law::Algebraic))
    );
    assert_eq!(Verdict::from_names("", ""), None);
}

/// Tiny, quick parameters for real runs (4 realizations: enough units for a fit).
fn tiny() -> Params {
    Params {
        nt: 12,
        alpha: 2.0,
        t_max: 8.0,
        points: 24,
        realizations: 4,
        trajectories_per_realization: 2,
        ..Params::default()
    }
}

/// The rows of every point of `g`, computed one by one as `spinboson sweep` does.
fn sequential_rows(g: &Grid) -> BTreeMap<usize, String> {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    (0..g.len())
        .map(|i| {
            let p = g.params(i).expect("valid");
            let request = crate::sim::JobRequest {
                job_id: i as u64,
                params: p.clone(),
            };
            let outcome = crate::sim::run_job(&request, &cancel, &|_| {}).expect("runs");
            let fit = fit_point(&outcome, &p);
            (i, row(i, &g.point(i), &p, &outcome, fit.as_ref()))
        })
        .collect()
}

#[test]
fn a_table_reads_back_what_a_sweep_writes() {
    let g = Grid::new(
        tiny(),
        vec![axis("omega=0.5:4:log:2"), axis("sigma=0.5:3:lin:2")],
    )
    .expect("grid");
    let rows = sequential_rows(&g);
    let file = assemble(&g.preamble(), &rows);
    let t = SweepTable::parse(file.as_bytes(), "f.csv").expect("parses");
    assert_eq!(t.fingerprint, g.fingerprint());
    assert_eq!(t.axes, g.axes);
    assert_eq!((t.total, t.shape()), (4, vec![2, 2]));
    assert!(t.is_complete());
    assert_eq!(t.text(), file);
    for (i, p) in &t.points {
        assert_eq!(p.values, g.point(*i));
        assert_eq!(p.seed, point_seed(1, *i));
        assert_eq!(p.stop, "completed");
        assert_eq!(p.trajectories, 8);
        let fields: Vec<&str> = rows[i].split(',').collect();
        assert_eq!(p.class(), fields[4], "verdict column");
        assert!(
            p.sx_final.0.is_finite() && p.window.0 <= p.window.1,
            "{}",
            rows[i]
        );
        assert!(p.describe().contains("regime model"));
    }
    // A torn last line is left out; an empty table takes rows one by one.
    let torn = format!("{file}3,0.5");
    let t2 = SweepTable::parse(torn.as_bytes(), "f.csv").expect("torn");
    assert_eq!(t2.text(), file);
    let mut e = SweepTable::empty(&g.preamble()).expect("empty");
    assert!(e.points.is_empty() && !e.is_complete());
    for r in rows.values().rev() {
        e.insert_row(r).expect("row");
    }
    assert_eq!(e.text(), file);
    // Not a sweep, or a different column layout: named errors.
    assert!(matches!(
        SweepTable::parse(b"t,sx\n", "x.csv"),
        Err(SweepError::NotASweepFile { .. })
    ));
    let old = file.replacen(",reason", "", 1);
    assert!(matches!(
        SweepTable::parse(old.as_bytes(), "x.csv"),
        Err(SweepError::Corrupt { line: 2, .. })
    ));
    let bad = file.replacen("points=4", "points=5", 1);
    assert!(SweepTable::parse(bad.as_bytes(), "x.csv").is_err());
}

#[test]
fn the_background_map_writes_the_rows_of_the_sweep() {
    // A 3 x 3 map with every cell filled, on one thread and on two: the rows equal the
    // sequential sweep's byte for byte, whatever order the refiner chose.
    let g = Grid::new(
        tiny(),
        vec![axis("omega=0.3:5:log:3"), axis("sigma=0.5:4:lin:3")],
    )
    .expect("grid");
    let expected = assemble(&g.preamble(), &sequential_rows(&g));
    for threads in [1, 2] {
        let runner = MapRunner::spawn(
            g.clone(),
            vec![None; g.len()],
            true,
            threads,
            0,
            std::sync::Arc::new(|| {}),
        )
        .expect("spawn");
        let mut table = SweepTable::empty(&g.preamble()).expect("empty");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            match runner.try_recv() {
                Some(MapMsg::Point { row, .. }) => {
                    table.insert_row(&row).expect("row");
                }
                Some(MapMsg::Done { cancelled, error }) => {
                    assert!(!cancelled && error.is_none(), "{error:?}");
                    break;
                }
                Some(_) => {}
                None => {
                    assert!(std::time::Instant::now() < deadline, "map did not finish");
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
        }
        assert_eq!(table.text(), expected, "{threads} thread(s)");
    }
    // Points already known are not recomputed; a cancelled runner stops.
    let runner = MapRunner::spawn(
        g.clone(),
        vec![Some("algebraic"); g.len()],
        true,
        1,
        0,
        std::sync::Arc::new(|| {}),
    )
    .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match runner.try_recv() {
            Some(MapMsg::Done { cancelled, error }) => {
                assert!(!cancelled && error.is_none());
                break;
            }
            Some(m) => panic!("nothing to do, got {m:?}"),
            None => {
                assert!(std::time::Instant::now() < deadline);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
}

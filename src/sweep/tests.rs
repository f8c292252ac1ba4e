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
    assert_eq!(axis("alpha=2:5:lin:1").values(), vec![2.0]);
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

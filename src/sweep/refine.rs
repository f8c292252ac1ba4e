//! The order in which an interactive map computes its points: a coarse lattice first, then
//! finer lattices only where the finished neighbours disagree, then (optionally) the rest.
//!
//! On an `n0 x n1` grid the coarse stride `s0` is the largest power of two that leaves at least
//! three lattice points per axis; lattice `s` holds the indices `0, s, 2s, ...` and the last one.
//! A point first on lattice `s` (and not on `2s`) is *disputed* when the finished points within
//! `s` of it (in either index) do not all have the same class (e.g. the fitted verdict). The
//! next point is the first coarse point not done; else the disputed point of the coarsest
//! lattice; else, when filling, the first undone point of the coarsest lattice.

/// Chooses the next point of a two-axis map.
#[derive(Clone, Debug)]
pub struct Refiner {
    n0: usize,
    n1: usize,
    /// Also compute points where the neighbours agree, once no point is disputed.
    pub fill: bool,
    s0: usize,
}

/// The lattice indices of stride `s` on an axis of `n` points: multiples of `s` and `n - 1`.
fn on_lattice(i: usize, n: usize, s: usize) -> bool {
    i.is_multiple_of(s) || i + 1 == n
}

impl Refiner {
    /// A grid of `n0 x n1` points (row-major, `index = i0 * n1 + i1`).
    pub fn new(n0: usize, n1: usize, fill: bool) -> Refiner {
        let mut s0 = 1;
        while (n0.max(1) - 1) / (2 * s0) >= 2 && (n1.max(1) - 1) / (2 * s0) >= 2 {
            s0 *= 2;
        }
        Refiner { n0, n1, fill, s0 }
    }

    /// The coarse stride.
    pub fn coarse_stride(&self) -> usize {
        self.s0
    }

    /// The coarsest lattice stride a point is on.
    fn level(&self, i0: usize, i1: usize) -> usize {
        let mut s = self.s0;
        while s > 1 && !(on_lattice(i0, self.n0, s) && on_lattice(i1, self.n1, s)) {
            s /= 2;
        }
        s
    }

    /// Points of the coarse lattice.
    pub fn coarse_points(&self) -> Vec<usize> {
        (0..self.n0 * self.n1)
            .filter(|&k| self.level(k / self.n1, k % self.n1) == self.s0)
            .collect()
    }

    /// The next point to compute, given each point's class (`None`: not finished) and which
    /// points are running or queued already (`busy`). `None` when nothing is left to do.
    pub fn next<C: PartialEq>(
        &self,
        class: impl Fn(usize) -> Option<C>,
        busy: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let n = self.n0 * self.n1;
        let todo = |k: usize| class(k).is_none() && !busy(k);
        // Coarse lattice first.
        if let Some(k) =
            (0..n).find(|&k| todo(k) && self.level(k / self.n1, k % self.n1) == self.s0)
        {
            return Some(k);
        }
        let mut best_disputed: Option<(usize, usize)> = None;
        let mut best_fill: Option<(usize, usize)> = None;
        for k in (0..n).filter(|&k| todo(k)) {
            let (i0, i1) = (k / self.n1, k % self.n1);
            let s = self.level(i0, i1);
            if best_disputed.is_some_and(|(bs, _)| bs >= s) {
                continue;
            }
            let mut seen: Option<C> = None;
            let mut disputed = false;
            'scan: for j0 in i0.saturating_sub(s)..=(i0 + s).min(self.n0 - 1) {
                for j1 in i1.saturating_sub(s)..=(i1 + s).min(self.n1 - 1) {
                    if let Some(c) = class(j0 * self.n1 + j1) {
                        match &seen {
                            Some(first) if *first != c => {
                                disputed = true;
                                break 'scan;
                            }
                            Some(_) => {}
                            None => seen = Some(c),
                        }
                    }
                }
            }
            if disputed {
                best_disputed = Some((s, k));
            } else if best_fill.is_none_or(|(bs, _)| s > bs) {
                best_fill = Some((s, k));
            }
        }
        best_disputed
            .or(if self.fill { best_fill } else { None })
            .map(|(_, k)| k)
    }

    /// The class shown for point `k`: its own when finished, else that of the nearest finished
    /// point (index distance, ties to the lower index), marked as inferred (`true`).
    pub fn shown<C: Clone>(
        &self,
        k: usize,
        class: impl Fn(usize) -> Option<C>,
    ) -> Option<(C, bool)> {
        if let Some(c) = class(k) {
            return Some((c, false));
        }
        let (i0, i1) = ((k / self.n1) as i64, (k % self.n1) as i64);
        (0..self.n0 * self.n1)
            .filter_map(|j| {
                let c = class(j)?;
                let (j0, j1) = ((j / self.n1) as i64, (j % self.n1) as i64);
                Some(((j0 - i0).pow(2) + (j1 - i1).pow(2), j, c))
            })
            .min_by_key(|(d, j, _)| (*d, *j))
            .map(|(_, _, c)| (c, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run the refiner to the end against a known class function; returns the order.
    fn run(r: &Refiner, truth: impl Fn(usize) -> u8) -> Vec<usize> {
        let n = r.n0 * r.n1;
        let mut done: Vec<Option<u8>> = vec![None; n];
        let mut order = Vec::new();
        while let Some(k) = r.next(|j| done[j], |_| false) {
            assert!(done[k].is_none(), "point {k} chosen twice");
            done[k] = Some(truth(k));
            order.push(k);
            assert!(order.len() <= n);
        }
        order
    }

    #[test]
    fn coarse_lattice_first_then_only_the_boundary() {
        // 9 x 9, classes split by a vertical line between columns 5 and 6.
        let r = Refiner::new(9, 9, false);
        assert_eq!(r.coarse_stride(), 4);
        let coarse = r.coarse_points();
        assert_eq!(coarse.len(), 9); // {0, 4, 8}^2
        let truth = |k: usize| u8::from(k % 9 > 5);
        let order = run(&r, truth);
        assert_eq!(order[..9], coarse[..]);
        // Not every point: the uniform left part is never refined.
        assert!(order.len() < 81, "{}", order.len());
        // Every column next to the boundary is computed in every row.
        for i0 in 0..9 {
            for i1 in [5, 6] {
                assert!(order.contains(&(i0 * 9 + i1)), "({i0}, {i1}) not computed");
            }
        }
        // The inferred map is exactly the truth.
        let mut done = [None; 81];
        for &k in &order {
            done[k] = Some(truth(k));
        }
        for k in 0..81 {
            assert_eq!(
                r.shown(k, |j| done[j]).map(|(c, _)| c),
                Some(truth(k)),
                "{k}"
            );
        }
    }

    #[test]
    fn fill_computes_everything_once_with_disputes_first() {
        let r = Refiner::new(9, 7, true);
        let truth = |k: usize| u8::from(k / 7 >= 3);
        let order = run(&r, truth);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..63).collect::<Vec<_>>());
        // Rows 2 and 3 (the boundary) are done before the far corner (8, 5).
        let pos = |k: usize| order.iter().position(|&o| o == k).unwrap_or(usize::MAX);
        assert!(pos(2 * 7 + 3) < pos(8 * 7 + 5) && pos(3 * 7 + 3) < pos(8 * 7 + 5));
    }

    #[test]
    fn small_and_busy_grids() {
        // Too small to coarsen: every point, in order.
        let r = Refiner::new(2, 3, false);
        assert_eq!(r.coarse_stride(), 1);
        assert_eq!(run(&r, |_| 0), vec![0, 1, 2, 3, 4, 5]);
        // Busy points are skipped.
        let r = Refiner::new(1, 4, false);
        assert_eq!(r.next(|_| None::<u8>, |k| k < 2), Some(2));
    }
}

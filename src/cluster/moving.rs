//! Local moving, the one skeleton under both community methods of the graph clustering: visit the
//! nodes in a seeded random order, move each to the neighbouring community that gains it most,
//! sweep until nothing moves, then merge each community into one node and start again on that
//! smaller graph, until a level moves nothing. What a move gains is the objective's:
//! [`louvain`] (modularity at a resolution) or [`vector_cpm`] (Σ over pairs of cos − γ).

use std::collections::BTreeMap;

use super::knn::Knn;

/// A symmetric weighted graph in compressed rows (self-loops allowed, after aggregation).
#[derive(Debug, Clone)]
pub struct Graph {
    start: Vec<usize>,
    nbr: Vec<u32>,
    pub(super) w: Vec<f64>,
}

impl Graph {
    /// The union of the directed kNN edges, weight max(cos, 0); an edge both ways keeps the larger.
    pub fn from_knn(nn: &Knn, n: usize) -> Graph {
        let mut edges: Vec<(u32, u32, f64)> = Vec::with_capacity(n * nn.k * 2);
        for i in 0..n {
            for (j, s) in nn.of(i) {
                let w = s.max(0.0) as f64;
                if w > 0.0 {
                    edges.push((i as u32, j as u32, w));
                    edges.push((j as u32, i as u32, w));
                }
            }
        }
        Graph::from_edges(n, edges)
    }

    pub(super) fn from_edges(n: usize, mut edges: Vec<(u32, u32, f64)>) -> Graph {
        edges.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.total_cmp(&a.2)));
        edges.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1); // keeps the first, the larger weight
        let mut start = vec![0usize; n + 1];
        for e in &edges {
            start[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Graph { start, nbr: edges.iter().map(|e| e.1).collect(), w: edges.iter().map(|e| e.2).collect() }
    }

    pub(super) fn len(&self) -> usize {
        self.start.len() - 1
    }

    pub(super) fn edges(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.start[i]..self.start[i + 1];
        self.nbr[r.clone()].iter().zip(&self.w[r]).map(|(j, w)| (*j as usize, *w))
    }

    /// The graph of communities: summed weights, including self-loops.
    pub(super) fn aggregate(&self, comm: &[usize], count: usize) -> Graph {
        let mut sums: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        for i in 0..self.len() {
            for (j, w) in self.edges(i) {
                *sums.entry((comm[i] as u32, comm[j] as u32)).or_default() += w;
            }
        }
        let edges = sums.into_iter().map(|((a, b), w)| (a, b, w)).collect();
        Graph::from_edges(count, edges)
    }
}

/// A small deterministic generator (SplitMix64): visiting orders here, resamples in
/// [`crate::eval::desk::purity_interval`].
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// What an objective tells the skeleton. A level starts with every node alone; a node leaves its
/// community, the objective names the best community for it (its own when no other gains more),
/// and it joins that one.
trait Objective {
    /// Each node of `g` its own community.
    fn start_level(&mut self, g: &Graph);
    /// Node `i` leaves community `c`.
    fn remove(&mut self, i: usize, c: usize);
    /// The best community for node `i` (out of `own`, for now) given the others' communities.
    fn best(&mut self, g: &Graph, i: usize, own: usize, comm: &[usize]) -> usize;
    /// Node `i` joins community `c`.
    fn insert(&mut self, i: usize, c: usize);
    /// The level is done: node `i` of it becomes node `dense[i]` of the next, of `count`.
    fn aggregate(&mut self, dense: &[usize], count: usize);
}

/// The levels of local moving over `graph` for `objective`; one community label per node.
fn local_moving(graph: &Graph, seed: u64, objective: &mut impl Objective) -> Vec<usize> {
    let mut rng = Rng(seed);
    let mut labels: Vec<usize> = (0..graph.len()).collect();
    let mut g = graph.clone();
    loop {
        let n = g.len();
        let mut comm: Vec<usize> = (0..n).collect();
        objective.start_level(&g);
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let mut moved_any = false;
        for _sweep in 0..100 {
            let mut moved = 0;
            for &i in &order {
                let own = comm[i];
                objective.remove(i, own);
                let best = objective.best(&g, i, own, &comm);
                objective.insert(i, best);
                if best != own {
                    comm[i] = best;
                    moved += 1;
                }
            }
            if moved == 0 {
                break;
            }
            moved_any = true;
        }
        if !moved_any {
            break;
        }
        let dense = super::renumber(comm.iter().copied());
        let count = dense.iter().copied().max().map_or(0, |m| m + 1);
        labels.iter_mut().for_each(|l| *l = dense[*l]);
        objective.aggregate(&dense, count);
        g = g.aggregate(&dense, count);
    }
    labels
}

/// Modularity at a resolution: a move to `c` gains the weight of the links to `c` less resolution ×
/// the node's degree × `c`'s degree / the total weight.
struct Modularity {
    resolution: f64,
    m2: f64,
    deg: Vec<f64>,
    cdeg: Vec<f64>,
    links: BTreeMap<usize, f64>,
}

impl Objective for Modularity {
    fn start_level(&mut self, g: &Graph) {
        self.deg = (0..g.len()).map(|i| g.edges(i).map(|(_, w)| w).sum()).collect();
        self.cdeg = self.deg.clone();
    }

    fn remove(&mut self, i: usize, c: usize) {
        self.cdeg[c] -= self.deg[i];
    }

    fn best(&mut self, g: &Graph, i: usize, own: usize, comm: &[usize]) -> usize {
        self.links.clear();
        for (j, w) in g.edges(i) {
            if j != i {
                *self.links.entry(comm[j]).or_default() += w;
            }
        }
        let gain = |c: usize, l: f64| l - self.resolution * self.deg[i] * self.cdeg[c] / self.m2;
        let mut best = own;
        let mut best_gain = gain(own, self.links.get(&own).copied().unwrap_or(0.0));
        for (&c, &l) in &self.links {
            let g = gain(c, l);
            if g > best_gain + 1e-12 {
                best = c;
                best_gain = g;
            }
        }
        best
    }

    fn insert(&mut self, i: usize, c: usize) {
        self.cdeg[c] += self.deg[i];
    }

    fn aggregate(&mut self, _dense: &[usize], _count: usize) {}
}

/// Louvain on modularity with a resolution; one community label per node.
pub fn louvain(graph: &Graph, resolution: f64, seed: u64) -> Vec<usize> {
    let m2: f64 = graph.w.iter().sum();
    if m2 <= 0.0 {
        return (0..graph.len()).collect();
    }
    let mut objective = Modularity { resolution, m2, deg: Vec::new(), cdeg: Vec::new(), links: BTreeMap::new() };
    local_moving(graph, seed, &mut objective)
}

/// Vector CPM: a move of node `a` to `c` gains Σ over `c`'s members of cos(a, member) − γ × the
/// sizes, read from `c`'s vector sum in O(d).
struct VectorCpm {
    gamma: f64,
    d: usize,
    vecs: Vec<Vec<f64>>,
    size: Vec<f64>,
    sums: Vec<Vec<f64>>,
    csize: Vec<f64>,
}

impl Objective for VectorCpm {
    fn start_level(&mut self, _g: &Graph) {
        self.sums = self.vecs.clone();
        self.csize = self.size.clone();
    }

    fn remove(&mut self, a: usize, c: usize) {
        self.sums[c].iter_mut().zip(&self.vecs[a]).for_each(|(s, x)| *s -= x);
        self.csize[c] -= self.size[a];
    }

    fn best(&mut self, g: &Graph, a: usize, own: usize, comm: &[usize]) -> usize {
        let mut cands: Vec<usize> = g.edges(a).map(|(j, _)| comm[j]).collect();
        cands.push(own);
        cands.sort_unstable();
        cands.dedup();
        let gain = |c: usize| {
            self.sums[c].iter().zip(&self.vecs[a]).map(|(s, x)| s * x).sum::<f64>() - self.gamma * self.size[a] * self.csize[c]
        };
        let mut best = own;
        let mut best_gain = gain(own);
        for &c in &cands {
            let g = gain(c);
            if g > best_gain + 1e-9 {
                best = c;
                best_gain = g;
            }
        }
        best
    }

    fn insert(&mut self, a: usize, c: usize) {
        self.sums[c].iter_mut().zip(&self.vecs[a]).for_each(|(s, x)| *s += x);
        self.csize[c] += self.size[a];
    }

    fn aggregate(&mut self, dense: &[usize], count: usize) {
        let mut new_vecs = vec![vec![0f64; self.d]; count];
        let mut new_size = vec![0f64; count];
        for a in 0..self.vecs.len() {
            new_vecs[dense[a]].iter_mut().zip(&self.vecs[a]).for_each(|(s, x)| *s += x);
            new_size[dense[a]] += self.size[a];
        }
        self.vecs = new_vecs;
        self.size = new_size;
    }
}

/// Vector-CPM Louvain: maximises Σ_C Σ_{i≠j ∈ C} (zᵢ·zⱼ − γ), moving nodes only towards the
/// clusters of their graph neighbours. `z` holds the unit vectors of the nodes (flattened).
pub fn vector_cpm(z: &[f32], d: usize, graph: &Graph, gamma: f64, seed: u64) -> Vec<usize> {
    let n0 = graph.len();
    let vecs: Vec<Vec<f64>> = (0..n0).map(|i| z[i * d..(i + 1) * d].iter().map(|x| *x as f64).collect()).collect();
    let mut objective = VectorCpm { gamma, d, vecs, size: vec![1.0; n0], sums: Vec::new(), csize: Vec::new() };
    local_moving(graph, seed, &mut objective)
}

//! k nearest neighbours by cosine similarity, without an n×n matrix.
//!
//! - Up to [`EXACT_LIMIT`] vectors: exact, in blocks of rows multiplied against all vectors with a
//!   blocked SIMD matrix product (ndarray over `matrixmultiply`), blocks in parallel.
//! - Above: overlapping partitions. Spherical k-means on a sample finds √n coarse centroids; every
//!   vector goes into the lists of its [`PROBES`] nearest centroids; each list is solved exactly; a
//!   vector's neighbours are the best over its lists. A true neighbour is missed only when the two
//!   share none of their three nearest centroids. Cost about n · (3n/√n) · d instead of n² · d.
//!
//! Vectors are unit length, so a dot product is the cosine similarity. Results are sorted by falling
//! similarity, ties by index; the same input gives the same output.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

/// Largest set solved exactly.
pub const EXACT_LIMIT: usize = 20_000;
/// Coarse lists each vector joins above [`EXACT_LIMIT`].
pub const PROBES: usize = 3;
/// Rows multiplied at once in the exact method.
const BLOCK: usize = 256;

/// The neighbours of every vector: `idx[i*k..(i+1)*k]` with similarities `sim[..]` (fewer than `k`
/// real ones are padded with `u32::MAX` and `f32::MIN`).
#[derive(Debug, Clone)]
pub struct Knn {
    pub k: usize,
    pub idx: Vec<u32>,
    pub sim: Vec<f32>,
}

impl Knn {
    /// The neighbours of `i`, best first, without padding.
    pub fn of(&self, i: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let r = i * self.k..(i + 1) * self.k;
        self.idx[r.clone()].iter().zip(&self.sim[r]).filter(|(j, _)| **j != u32::MAX).map(|(j, s)| (*j as usize, *s))
    }
}

/// `c[rows × cols] = a[rows × d] · b[cols × d]ᵀ`, all row-major (ndarray's blocked SIMD product).
pub(crate) fn gemm_nt(a: &[f32], rows: usize, b: &[f32], cols: usize, d: usize, c: &mut [f32]) {
    let a = ArrayView2::from_shape((rows, d), &a[..rows * d]).expect("rows × d");
    let b = ArrayView2::from_shape((cols, d), &b[..cols * d]).expect("cols × d");
    let mut c = ArrayViewMut2::from_shape((rows, cols), &mut c[..rows * cols]).expect("rows × cols");
    general_mat_mul(1.0, &a, &b.t(), 0.0, &mut c);
}

/// The best `k` of `(index, similarity)` candidates: highest similarity, ties by lower index.
fn top_k(cands: &mut Vec<(u32, f32)>, k: usize) {
    let better = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if cands.len() > k {
        cands.select_nth_unstable_by(k, better);
        cands.truncate(k);
    }
    cands.sort_by(better);
}

/// k nearest neighbours (self excluded) of `n` unit vectors of dimension `d`, flattened row-major.
pub fn knn(data: &[f32], d: usize, k: usize) -> Knn {
    let n = data.len().checked_div(d).unwrap_or(0);
    if n <= EXACT_LIMIT {
        exact(data, d, k, &(0..n as u32).collect::<Vec<_>>())
    } else {
        partitioned(data, d, k)
    }
}

/// Exact k nearest neighbours within the subset `ids` (results are global indexes), blocks of rows
/// in parallel.
fn exact(data: &[f32], d: usize, k: usize, ids: &[u32]) -> Knn {
    let sub = gather(data, d, ids);
    let rows = (0..ids.len())
        .into_par_iter()
        .step_by(BLOCK)
        .flat_map_iter(|start| block_top_k(&sub, ids, d, k, start, &mut Vec::new()))
        .collect();
    into_knn(rows, k)
}

/// [`exact`] on one thread (each coarse list is one task already), reusing one product buffer.
fn exact_serial(data: &[f32], d: usize, k: usize, ids: &[u32]) -> Knn {
    let sub = gather(data, d, ids);
    let mut c = Vec::new();
    let rows = (0..ids.len()).step_by(BLOCK).flat_map(|start| block_top_k(&sub, ids, d, k, start, &mut c)).collect();
    into_knn(rows, k)
}

/// The rows of `ids`, copied together.
fn gather(data: &[f32], d: usize, ids: &[u32]) -> Vec<f32> {
    ids.iter().flat_map(|&i| data[i as usize * d..(i as usize + 1) * d].iter().copied()).collect()
}

/// The best `k` neighbours (self excluded) of the rows `start..start + BLOCK` of `sub` among all of
/// its rows; `c` is the scratch buffer for their products.
fn block_top_k(sub: &[f32], ids: &[u32], d: usize, k: usize, start: usize, c: &mut Vec<f32>) -> Vec<Vec<(u32, f32)>> {
    let m = ids.len();
    let r = BLOCK.min(m - start);
    c.resize(r * m, 0.0);
    gemm_nt(&sub[start * d..], r, sub, m, d, c);
    // One candidate buffer for the block: each row keeps only its k best, so 20k rows hold 20k × k
    // pairs rather than 20k × 20k of spare capacity (3.2 GB).
    let mut cands: Vec<(u32, f32)> = Vec::with_capacity(m);
    (0..r)
        .map(|i| {
            let row = &c[i * m..(i + 1) * m];
            cands.clear();
            cands.extend(row.iter().enumerate().filter(|(j, _)| *j != start + i).map(|(j, s)| (ids[j], *s)));
            top_k(&mut cands, k);
            cands.clone()
        })
        .collect()
}

/// Per-row neighbour lists into the flat, padded form.
pub(super) fn into_knn(rows: Vec<Vec<(u32, f32)>>, k: usize) -> Knn {
    let mut out = Knn { k, idx: vec![u32::MAX; rows.len() * k], sim: vec![f32::MIN; rows.len() * k] };
    for (i, row) in rows.into_iter().enumerate() {
        for (slot, (j, s)) in row.into_iter().enumerate() {
            out.idx[i * k + slot] = j;
            out.sim[i * k + slot] = s;
        }
    }
    out
}

/// Approximate k nearest neighbours through overlapping coarse partitions.
fn partitioned(data: &[f32], d: usize, k: usize) -> Knn {
    let n = data.len() / d;
    let lists = (n as f64).sqrt().round() as usize;
    let centroids = coarse_centroids(data, d, lists, 8);
    // Each vector's PROBES nearest centroids.
    let probes: Vec<[u32; PROBES]> = (0..n)
        .into_par_iter()
        .step_by(BLOCK)
        .flat_map_iter(|start| {
            let r = BLOCK.min(n - start);
            let mut c = vec![0f32; r * lists];
            gemm_nt(&data[start * d..], r, &centroids, lists, d, &mut c);
            (0..r)
                .map(|i| {
                    let mut cands: Vec<(u32, f32)> = c[i * lists..(i + 1) * lists].iter().enumerate().map(|(j, s)| (j as u32, *s)).collect();
                    top_k(&mut cands, PROBES);
                    let mut p = [u32::MAX; PROBES];
                    for (slot, (j, _)) in cands.into_iter().enumerate() {
                        p[slot] = j;
                    }
                    p
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); lists];
    for (i, p) in probes.iter().enumerate() {
        for &l in p.iter().filter(|&&l| l != u32::MAX) {
            members[l as usize].push(i as u32);
        }
    }
    // Solve every list exactly; each vector gathers candidates from its lists.
    let partial: Vec<Knn> = members.par_iter().filter(|m| m.len() > 1).map(|m| exact_serial(data, d, k, m)).collect();
    let mut cands: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
    for (m, part) in members.iter().filter(|m| m.len() > 1).zip(&partial) {
        for (slot, &i) in m.iter().enumerate() {
            cands[i as usize].extend(part.of(slot).map(|(j, s)| (j as u32, s)));
        }
    }
    let rows = cands
        .into_iter()
        .map(|mut c| {
            c.sort_by_key(|&(j, _)| j);
            c.dedup_by_key(|&mut (j, _)| j);
            top_k(&mut c, k);
            c
        })
        .collect();
    into_knn(rows, k)
}

/// Spherical k-means on a deterministic sample: `lists` unit centroids, flattened.
fn coarse_centroids(data: &[f32], d: usize, lists: usize, rounds: usize) -> Vec<f32> {
    let n = data.len() / d;
    // A deterministic spread of the input: every (n / sample)-th vector.
    let sample_n = n.min(lists * 64);
    let step = n as f64 / sample_n as f64;
    let sample: Vec<usize> = (0..sample_n).map(|i| (i as f64 * step) as usize).collect();
    let seeds_step = sample_n as f64 / lists as f64;
    let mut cent: Vec<f32> =
        (0..lists).flat_map(|c| { let i = sample[(c as f64 * seeds_step) as usize]; data[i * d..(i + 1) * d].iter().copied() }).collect();
    let flat: Vec<f32> = sample.iter().flat_map(|&i| data[i * d..(i + 1) * d].iter().copied()).collect();
    for _ in 0..rounds {
        let assign: Vec<usize> = (0..sample_n)
            .into_par_iter()
            .step_by(BLOCK)
            .flat_map_iter(|start| {
                let r = BLOCK.min(sample_n - start);
                let mut c = vec![0f32; r * lists];
                gemm_nt(&flat[start * d..], r, &cent, lists, d, &mut c);
                (0..r)
                    .map(|i| {
                        c[i * lists..(i + 1) * lists]
                            .iter()
                            .enumerate()
                            .fold((0, f32::MIN), |b, (j, &s)| if s > b.1 { (j, s) } else { b })
                            .0
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut sums = vec![0f32; lists * d];
        let mut counts = vec![0usize; lists];
        for (s, &c) in assign.iter().enumerate() {
            counts[c] += 1;
            sums[c * d..(c + 1) * d].iter_mut().zip(&flat[s * d..(s + 1) * d]).for_each(|(a, x)| *a += x);
        }
        for c in 0..lists {
            if counts[c] == 0 {
                continue; // keep the old centroid
            }
            let v = &mut sums[c * d..(c + 1) * d];
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(f32::MIN_POSITIVE);
            cent[c * d..(c + 1) * d].iter_mut().zip(v.iter()).for_each(|(a, x)| *a = x / norm);
        }
    }
    cent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_unit(n: usize, d: usize, seed: u64) -> Vec<f32> {
        let mut seq = crate::hash::Sequence::new(seed);
        let mut out = Vec::with_capacity(n * d);
        for _ in 0..n {
            let v: Vec<f32> = (0..d).map(|_| seq.centred()).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            out.extend(v.iter().map(|x| x / norm));
        }
        out
    }

    #[test]
    fn exact_matches_brute_force() {
        let (n, d, k) = (300, 16, 5);
        let data = random_unit(n, d, 7);
        let got = knn(&data, d, k);
        for i in [0, 17, 299] {
            let mut all: Vec<(u32, f32)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (j as u32, data[i * d..(i + 1) * d].iter().zip(&data[j * d..(j + 1) * d]).map(|(a, b)| a * b).sum()))
                .collect();
            top_k(&mut all, k);
            let want: Vec<u32> = all.iter().map(|x| x.0).collect();
            let have: Vec<u32> = got.of(i).map(|(j, _)| j as u32).collect();
            assert_eq!(have, want);
        }
    }

    #[test]
    fn partitions_find_most_true_neighbours() {
        // Clustered data, as embeddings are: 60 centres, 50 noisy copies each.
        let (d, k) = (32, 10);
        let centres = random_unit(60, d, 3);
        let noise = random_unit(3000, d, 11);
        let mut data = Vec::with_capacity(3000 * d);
        for i in 0..3000 {
            let c = i % 60;
            let v: Vec<f32> = (0..d).map(|x| centres[c * d + x] + 0.35 * noise[i * d + x]).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            data.extend(v.iter().map(|x| x / norm));
        }
        let truth = exact(&data, d, k, &(0..3000).collect::<Vec<_>>());
        let approx = partitioned(&data, d, k);
        let mut hit = 0;
        for i in 0..3000 {
            let t: std::collections::HashSet<usize> = truth.of(i).map(|(j, _)| j).collect();
            hit += approx.of(i).filter(|(j, _)| t.contains(j)).count();
        }
        let recall = hit as f64 / (3000 * k) as f64;
        assert!(recall > 0.9, "recall {recall}");
    }
}

//! Vector math shared by the stages that compare texts (embed, cluster, draft, search): unit
//! length and the dot product over pooled vectors, and the per-token states token matching reads.

/// L2-normalises a vector, so a dot product is the cosine similarity.
pub fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// The vectors minus their mean, re-normalised, flattened row-major.
pub fn centre(vectors: &[Vec<f32>]) -> Vec<f32> {
    let n = vectors.len();
    let d = vectors.first().map_or(0, Vec::len);
    let mut mean = vec![0f64; d];
    for v in vectors {
        mean.iter_mut().zip(v).for_each(|(m, x)| *m += *x as f64);
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut out = Vec::with_capacity(n * d);
    for v in vectors {
        let c: Vec<f64> = v.iter().zip(&mean).map(|(x, m)| *x as f64 - m).collect();
        let norm = c.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        out.extend(c.iter().map(|x| (x / norm) as f32));
    }
    out
}

/// The dot product: the cosine of two unit vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// [`dot`] summed in eight lanes, which the compiler turns into vector instructions: twice as
/// fast over a long scan (100,000 questions of 384 dimensions: 36 → 16 ms, memory-bound after
/// that). The order of the sum differs, so the last bits may; for scans that only rank.
pub fn dot_wide(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac.remainder().iter().zip(bc.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ac.zip(bc) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// A question's content tokens as the model saw them (not `<s>`, the prefix or `</s>`): their ids
/// and their last hidden states, `ids.len() × dimension` in half precision. Token matching
/// (`cluster::tokens`) compares questions word by word with them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenStates {
    pub ids: Vec<u32>,
    pub states: Vec<half::f16>,
}

impl TokenStates {
    /// The cache's encoding: ids as little-endian u32, then the states as little-endian f16.
    pub fn to_bytes(&self) -> (Vec<u8>, Vec<u8>) {
        (
            self.ids.iter().flat_map(|x| x.to_le_bytes()).collect(),
            self.states.iter().flat_map(|x| x.to_le_bytes()).collect(),
        )
    }

    /// Reads [`TokenStates::to_bytes`]; `None` when the two do not fit together.
    pub fn from_bytes(ids: &[u8], states: &[u8]) -> Option<TokenStates> {
        if ids.len() % 4 != 0 || states.len() % 2 != 0 {
            return None;
        }
        let ids: Vec<u32> = ids.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let states: Vec<half::f16> = states.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]])).collect();
        if (ids.is_empty() && !states.is_empty()) || (!ids.is_empty() && states.len() % ids.len() != 0) {
            return None;
        }
        Some(TokenStates { ids, states })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_wide_dot_is_the_dot() {
        for n in [0, 1, 7, 8, 9, 384, 385] {
            let a: Vec<f32> = (0..n).map(|i| ((i * 7919) % 97) as f32 / 97.0 - 0.5).collect();
            let b: Vec<f32> = (0..n).map(|i| ((i * 104_729) % 89) as f32 / 89.0 - 0.5).collect();
            assert!((super::dot(&a, &b) - super::dot_wide(&a, &b)).abs() < 1e-4, "{n}");
        }
    }
}

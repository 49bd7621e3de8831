//! What `kbforge clusters list|show` reads: clusters with their size, class, label, representatives,
//! members and the article drafted from them.

use serde::Serialize;

use crate::store::Store;

/// One cluster as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterInfo {
    pub id: String,
    pub size: i64,
    pub kind: String,
    pub topic: String,
    pub label: String,
    /// The questions closest to the centroid.
    pub representatives: Vec<String>,
    /// The article drafted from this cluster, if any.
    pub article: Option<String>,
}

/// One member question of a cluster.
#[derive(Debug, Clone, Serialize)]
pub struct MemberInfo {
    pub ticket_id: String,
    pub similarity: f64,
    pub question: String,
}

/// A `clusters` row joined with its draft: id, size, kind, topic, label, representatives, article.
type Row = (String, i64, String, String, String, String, Option<String>);

/// Every cluster, largest first (ties by id).
pub async fn list(store: &Store) -> anyhow::Result<Vec<ClusterInfo>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.size, c.kind, c.topic, c.label, c.representatives, d.article_id
         FROM clusters c LEFT JOIN drafts d ON d.cluster_id = c.id
         ORDER BY c.size DESC, c.id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, size, kind, topic, label, reps, article) in rows {
        let ids: Vec<String> = serde_json::from_str(&reps).unwrap_or_default();
        let mut representatives = Vec::new();
        for ticket in ids {
            let q: Option<(String,)> = sqlx::query_as("SELECT question FROM qa_pairs WHERE ticket_id = $1")
                .bind(&ticket)
                .fetch_optional(store.pool())
                .await?;
            representatives.extend(q.map(|(q,)| q));
        }
        out.push(ClusterInfo { id, size, kind, topic, label, representatives, article });
    }
    Ok(out)
}

/// One cluster and its members, most typical first.
pub async fn show(store: &Store, id: &str) -> anyhow::Result<Option<(ClusterInfo, Vec<MemberInfo>)>> {
    let Some(info) = list(store).await?.into_iter().find(|c| c.id == id) else {
        return Ok(None);
    };
    let members: Vec<(String, f64, String)> = sqlx::query_as(
        "SELECT m.ticket_id, m.similarity, q.question FROM cluster_members m JOIN qa_pairs q ON q.ticket_id = m.ticket_id
         WHERE m.cluster_id = $1 ORDER BY m.similarity DESC, m.ticket_id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let members = members.into_iter().map(|(ticket_id, similarity, question)| MemberInfo { ticket_id, similarity, question }).collect();
    Ok(Some((info, members)))
}

/// A cluster near another, for an editor deciding whether they ask one thing.
#[derive(Debug, Clone, Serialize)]
pub struct Near {
    pub id: String,
    pub size: i64,
    pub kind: String,
    pub label: String,
    /// Its most typical question.
    pub question: String,
    /// The article drafted from it, if any.
    pub article: Option<String>,
    /// [`Centroid::similarity`] to the cluster asked about.
    pub similarity: f32,
}

/// The `n` clusters most alike cluster `id` ([`Centroid::similarity`], as the pairs method compares
/// tickets), most alike first; `undrafted` keeps only those without an article (the tickets an
/// editor may gather into a draft). A ranking, not a verdict: the editor reads and decides.
pub async fn near(store: &Store, id: &str, n: usize, undrafted: bool) -> anyhow::Result<Vec<Near>> {
    near_among(store, &centred_centroids(store).await?, id, n, undrafted).await
}

/// [`near`] over centroids already loaded ([`centred_centroids`]).
pub async fn near_among(store: &Store, centroids: &std::collections::HashMap<String, Centroid>, id: &str, n: usize, undrafted: bool) -> anyhow::Result<Vec<Near>> {
    let Some(own) = centroids.get(id) else { return Ok(Vec::new()) };
    let mut ranked: Vec<(&String, f32)> = centroids.iter().filter(|(other, _)| other.as_str() != id).map(|(other, c)| (other, own.similarity(c))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.size, c.kind, c.topic, c.label, c.representatives, d.article_id FROM clusters c LEFT JOIN drafts d ON d.cluster_id = c.id",
    )
    .fetch_all(store.pool())
    .await?;
    let rows: std::collections::HashMap<&str, &Row> = rows.iter().map(|r| (r.0.as_str(), r)).collect();
    let mut out = Vec::with_capacity(n);
    for (other, similarity) in ranked {
        let Some((id, size, kind, _, label, reps, article)) = rows.get(other.as_str()).copied() else { continue };
        if undrafted && article.is_some() {
            continue;
        }
        let first = serde_json::from_str::<Vec<String>>(reps).unwrap_or_default().into_iter().next().unwrap_or_default();
        let question: Option<(String,)> = sqlx::query_as("SELECT question FROM qa_pairs WHERE ticket_id = $1").bind(&first).fetch_optional(store.pool()).await?;
        out.push(Near {
            id: id.clone(),
            size: *size,
            kind: kind.clone(),
            label: label.clone(),
            question: question.map(|(q,)| q).unwrap_or_default(),
            article: article.clone(),
            similarity,
        });
        if out.len() == n {
            break;
        }
    }
    Ok(out)
}

/// A cluster's centred centroids: its questions' and, where its tickets have answers that take
/// part, its staff answers'.
#[derive(Debug, Clone)]
pub struct Centroid {
    pub question: Vec<f32>,
    pub answer: Option<Vec<f32>>,
}

impl Centroid {
    /// How alike two clusters are, as the pairs method compares tickets: the mean of the question
    /// and the answer cosines where both clusters have answers, else the question cosine alone.
    /// On the demo desk clustered by questions alone, the two clusters of one intent score
    /// 0.56–0.80 and clusters of two intents at most 0.37, while the question cosine alone gives
    /// 0.43–0.81 against up to 0.47 (docs/BENCHMARKS.md).
    pub fn similarity(&self, other: &Centroid) -> f32 {
        if self.question.len() != other.question.len() {
            return 0.0;
        }
        let q = crate::vector::dot(&self.question, &other.question);
        match (&self.answer, &other.answer) {
            (Some(a), Some(b)) if a.len() == b.len() => (q + crate::vector::dot(a, b)) / 2.0,
            _ => q,
        }
    }
}

/// Every cluster's centroids, centred: the size-weighted mean of all centroids (the direction every
/// sentence embedding shares) is subtracted and the rest re-normalised, so that cosines separate
/// intents (raw e5 centroids of unrelated questions are 0.97 alike; centred, 0.1–0.5, and 0.55–0.8
/// for two clusters of one intent on the demo desk). Questions and answers are centred apart.
pub async fn centred_centroids(store: &Store) -> anyhow::Result<std::collections::HashMap<String, Centroid>> {
    let rows: Vec<(String, i64, Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT id, size, centroid, answer_centroid FROM clusters").fetch_all(store.pool()).await?;
    let questions = centred(rows.iter().map(|(id, n, c, _)| (id.as_str(), *n, c.as_slice())));
    let mut answers = centred(rows.iter().map(|(id, n, _, a)| (id.as_str(), *n, a.as_slice())));
    Ok(questions.into_iter().map(|(id, question)| {
        let answer = answers.remove(&id);
        (id, Centroid { question, answer })
    }).collect())
}

/// Centres stored centroids (id, cluster size, bytes) on their size-weighted mean; empty ones and
/// ones of another dimension than the first are left out.
fn centred<'a>(rows: impl Iterator<Item = (&'a str, i64, &'a [u8])>) -> std::collections::HashMap<String, Vec<f32>> {
    let vectors: Vec<(String, i64, Vec<f32>)> =
        rows.filter(|(_, _, c)| !c.is_empty()).map(|(id, n, c)| (id.to_string(), n, crate::store::vector_from_bytes(c))).collect();
    let Some(dim) = vectors.first().map(|v| v.2.len()) else { return std::collections::HashMap::new() };
    let mut mean = vec![0f32; dim];
    for (_, n, v) in vectors.iter().filter(|v| v.2.len() == dim) {
        mean.iter_mut().zip(v).for_each(|(m, x)| *m += *n as f32 * x);
    }
    let total: f32 = vectors.iter().filter(|v| v.2.len() == dim).map(|v| v.1 as f32).sum::<f32>().max(1.0);
    mean.iter_mut().for_each(|m| *m /= total);
    vectors
        .into_iter()
        .filter(|v| v.2.len() == dim)
        .map(|(id, _, v)| (id, crate::vector::normalize(v.iter().zip(&mean).map(|(x, m)| x - m).collect())))
        .collect()
}

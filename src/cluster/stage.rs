//! The cluster stage over the store: every non-empty question with its answer and class in,
//! clusters with their members, labels, representatives and class out, ids kept stable.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use super::*;
use crate::embed::Embedder;
use crate::kind::Kind;
use crate::stage::{count, StageReport};
use crate::store::{now, Store};

/// The stage: clusters every non-empty question and stores clusters with their members, labels and
/// representatives. Incremental when few questions are new (see [`stable`]); a full re-clustering
/// otherwise, whose clusters inherit the old ids by overlap.
pub async fn run(store: &Store, embedder: &Embedder, config: &ClusterConfig) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT ticket_id, question, kind, topic, answer FROM qa_pairs WHERE kind <> 'empty' AND question <> '' ORDER BY ticket_id",
    )
    .fetch_all(store.pool())
    .await?;
    let texts: Vec<String> = rows.iter().map(|r| embedder.question_text(&r.1)).collect();
    let previous: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members")
            .fetch_all(store.pool())
            .await?
            .into_iter()
            .collect();
    let keys: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    // The answers that take part (the embed stage cached their vectors; any it missed are embedded
    // now), and with them the method `auto` stands for.
    // The question methods do not cluster by them, but every cluster keeps its answer centroid.
    let answer_texts: Vec<Option<String>> = rows.iter().map(|r| embedder.answer_text(Kind::parse(&r.2), &r.4)).collect();
    let present: Vec<String> = answer_texts.iter().flatten().cloned().collect();
    // The answers' token states for the pairs method's token matching, each distinct text's once
    // (a template's are read once): missing ones come with their vectors from the same inference.
    let mut answer_states = None;
    let mut answer_tokens_embedded = 0;
    let mut too_many_answers = None;
    if !present.is_empty() && wants_tokens(config).answered == crate::embed::Keep::Answers {
        let (distinct, text_of) = matching::AnswerStates::distinct_texts(&answer_texts);
        if distinct.len() > crate::embed::MAX_ANSWER_STATES {
            too_many_answers = Some(distinct.len());
        } else {
            let (states, embedded) = crate::embed::token_states_cached(store, embedder, &distinct).await?;
            answer_states = Some(matching::AnswerStates { states, text_of });
            answer_tokens_embedded = embedded;
        }
    }
    let (answer_vectors, mut answer_stats) = crate::embed::embed_cached(store, embedder, &present).await?;
    answer_stats.computed += answer_tokens_embedded;
    let mut answer_vectors = answer_vectors.into_iter();
    let answer_vectors: Vec<Option<Vec<f32>>> = answer_texts.iter().map(|t| t.as_ref().and_then(|_| answer_vectors.next())).collect();
    let method = resolve(config.method, answer_vectors.iter().any(Option::is_some));
    // Token states first: missing ones come with their vectors from the same inference. An
    // incremental run clusters new questions only, so it reads theirs only.
    let mut states: Vec<TokenStates> = Vec::new();
    let mut tokens_embedded = 0;
    if method == Method::Graph && config.graph.token_match > 0.0 {
        let (incremental, fresh) = split_fresh(&keys, &previous, config);
        let wanted: Vec<usize> = if incremental { fresh } else { (0..keys.len()).collect() };
        let wanted_texts: Vec<String> = wanted.iter().map(|&i| texts[i].clone()).collect();
        let (got, embedded) = crate::embed::token_states_cached(store, embedder, &wanted_texts).await?;
        states = vec![TokenStates::default(); keys.len()];
        wanted.into_iter().zip(got).for_each(|(i, t)| states[i] = t);
        tokens_embedded = embedded;
    }
    let (vectors, mut stats) = crate::embed::embed_cached(store, embedder, &texts).await?;
    stats.computed += tokens_embedded + answer_stats.computed;
    let answers: Vec<String> = rows.iter().map(|r| r.4.clone()).collect();
    let kinds: Vec<Kind> = rows.iter().map(|r| Kind::parse(&r.2).unwrap_or(Kind::Other)).collect();
    let anchored: HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT cluster_id FROM drafts").fetch_all(store.pool()).await?.into_iter().map(|(c,)| c).collect();
    let lexical: Vec<String> = rows.iter().map(|r| crate::clean::for_embedding(&r.1)).collect();
    let lexical: Vec<&str> = lexical.iter().map(String::as_str).collect();
    let pinned: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_pins").fetch_all(store.pool()).await?.into_iter().collect();
    let pins: Vec<Option<String>> = keys.iter().map(|k| pinned.get(*k).cloned()).collect();
    let questions =
        Questions { keys: &keys, vectors: &vectors, answer_vectors: &answer_vectors, texts: &lexical, states, answer_states, answers: &answers, kinds: &kinds, pins: &pins };
    let plan = assign(questions, &previous, &anchored, config);

    // Group by id, in order of first appearance.
    let mut order: Vec<&str> = Vec::new();
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, id) in plan.ids.iter().enumerate() {
        members.entry(id.as_str()).or_insert_with(|| {
            order.push(id.as_str());
            Vec::new()
        }).push(i);
    }
    let groups: Vec<(&str, &Vec<usize>)> = order.iter().map(|id| (*id, &members[id])).collect();
    let cluster_texts: Vec<Vec<&str>> = groups.iter().map(|(_, idx)| idx.iter().map(|&i| rows[i].1.as_str()).collect()).collect();
    let cluster_labels = label::labels(&cluster_texts);

    let built = build(&groups, &Rows { rows: &rows, vectors: &vectors, answer_vectors: &answer_vectors }, &cluster_texts, &cluster_labels)?;
    let mut tx = store.pool().begin().await?;
    sqlx::query("DELETE FROM cluster_members").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM clusters").execute(&mut *tx).await?;
    write(&mut tx, &built).await?;
    tx.commit().await?;
    let (by_kind, multi) = (built.by_kind, built.multi);
    let mut report = StageReport::new("cluster", started);
    report.processed = rows.len();
    report.written = groups.len();
    let how = if plan.incremental {
        format!("incremental: {} new, {} joined existing clusters", count(plan.new), count(plan.joined))
    } else {
        match plan.method {
            Method::Pairs => "full: by question and answer".to_string(),
            _ => format!("full: {} by question alone, regrouped by staff answer templates", count(plan.by_question)),
        }
    };
    report.summary = format!(
        "{} questions into {} clusters ({how}; {} ids kept); {} with 2+ questions; {} flat, {} needs-action, {} other{}",
        count(rows.len()),
        count(groups.len()),
        count(plan.kept),
        count(multi),
        by_kind.get(&Kind::Flat).unwrap_or(&0),
        by_kind.get(&Kind::NeedsAction).unwrap_or(&0),
        by_kind.get(&Kind::Other).unwrap_or(&0),
        if stats.computed > 0 { format!(", {} new embeddings", stats.computed) } else { String::new() }
    );
    if let Some(distinct) = too_many_answers.filter(|_| plan.method == Method::Pairs) {
        // Said where it is decided (`embed::MAX_ANSWER_STATES`), and here, in the run's summary.
        report.summary += &format!("; answers by their cosine alone, no token matching: {} distinct, over {}", count(distinct), count(crate::embed::MAX_ANSWER_STATES));
    }
    Ok(report.finish(started))
}

/// The classes (`clusters.kind`) of the clusters `ids` that have a row.
pub async fn kinds_of(store: &Store, ids: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!("SELECT kind FROM clusters WHERE id IN ({})", crate::store::placeholders(1, chunk.len()));
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        out.extend(q.fetch_all(store.pool()).await?.into_iter().map(|(k,)| k));
    }
    Ok(out)
}

/// After an editor's correction ([`super::edit`]): the rows of the clusters it touched, built
/// again from their members as [`run`] builds them, and nothing else read or written but every
/// member's question (a label weighs a cluster's terms against all clusters'). Tickets the last
/// run did not cluster wait for the next run. On a 100,000-ticket desk this takes about a second
/// where the stage takes six (docs/BENCHMARKS.md).
pub async fn refresh(store: &Store, embedder: &Embedder, touched: &[String]) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let touched: Vec<&str> = touched.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let everyone: Vec<(String, String)> =
        sqlx::query_as("SELECT m.cluster_id, q.question FROM cluster_members m JOIN qa_pairs q ON q.ticket_id = m.ticket_id ORDER BY q.ticket_id")
            .fetch_all(store.pool())
            .await?;
    let mut texts_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (c, q) in &everyone {
        texts_of.entry(c.as_str()).or_default().push(q.as_str());
    }
    let mut rows: Vec<(String, String, String, String, String)> = Vec::new();
    let mut cluster_of: Vec<String> = Vec::new();
    for chunk in touched.chunks(300) {
        let sql = format!(
            "SELECT q.ticket_id, q.question, q.kind, q.topic, q.answer, m.cluster_id FROM cluster_members m JOIN qa_pairs q ON q.ticket_id = m.ticket_id
             WHERE m.cluster_id IN ({}) ORDER BY q.ticket_id",
            crate::store::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, String, String, String, String, String)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for (t, question, kind, topic, answer, cluster) in q.fetch_all(store.pool()).await? {
            rows.push((t, question, kind, topic, answer));
            cluster_of.push(cluster);
        }
    }
    let texts: Vec<String> = rows.iter().map(|r| embedder.question_text(&r.1)).collect();
    let (vectors, _) = crate::embed::embed_cached(store, embedder, &texts).await?;
    let answer_texts: Vec<Option<String>> = rows.iter().map(|r| embedder.answer_text(Kind::parse(&r.2), &r.4)).collect();
    let present: Vec<String> = answer_texts.iter().flatten().cloned().collect();
    let (answer_vectors, _) = crate::embed::embed_cached(store, embedder, &present).await?;
    let mut answer_vectors = answer_vectors.into_iter();
    let answer_vectors: Vec<Option<Vec<f32>>> = answer_texts.iter().map(|t| t.as_ref().and_then(|_| answer_vectors.next())).collect();

    // Labels over every cluster, as the stage computes them; kept for the touched ones.
    let all_ids: Vec<&str> = texts_of.keys().copied().collect();
    let all_texts: Vec<Vec<&str>> = all_ids.iter().map(|c| texts_of[c].clone()).collect();
    let all_labels: HashMap<&str, String> = all_ids.iter().copied().zip(label::labels(&all_texts)).collect();
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cluster_of.iter().enumerate() {
        members.entry(c.as_str()).or_default().push(i);
    }
    let groups: Vec<(&str, &Vec<usize>)> = touched.iter().filter_map(|c| members.get_key_value(c).map(|(k, v)| (*k, v))).collect();
    let cluster_texts: Vec<Vec<&str>> = groups.iter().map(|(_, idx)| idx.iter().map(|&i| rows[i].1.as_str()).collect()).collect();
    let cluster_labels: Vec<String> = groups.iter().map(|(c, _)| all_labels.get(c).cloned().unwrap_or_default()).collect();
    let built = build(&groups, &Rows { rows: &rows, vectors: &vectors, answer_vectors: &answer_vectors }, &cluster_texts, &cluster_labels)?;

    let mut tx = store.pool().begin().await?;
    for chunk in touched.chunks(crate::store::rows_per_statement(1)) {
        for table in ["cluster_members WHERE cluster_id", "clusters WHERE id"] {
            let sql = format!("DELETE FROM {table} IN ({})", crate::store::placeholders(1, chunk.len()));
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *tx).await?;
        }
    }
    write(&mut tx, &built).await?;
    tx.commit().await?;
    let mut report = StageReport::new("cluster", started);
    report.processed = rows.len();
    report.written = groups.len();
    report.summary = format!(
        "{} questions of {} clusters the correction touched ({} emptied), rebuilt",
        count(rows.len()),
        count(touched.len()),
        touched.len() - groups.len()
    );
    Ok(report.finish(started))
}

/// The members of the clusters being built: rows `(ticket, question, kind, topic, answer)` with
/// their question and answer vectors, by index.
struct Rows<'a> {
    rows: &'a [(String, String, String, String, String)],
    vectors: &'a [Vec<f32>],
    answer_vectors: &'a [Option<Vec<f32>>],
}

/// The `clusters` and `cluster_members` rows of some clusters, and their count by class.
struct Built {
    clusters: Vec<[String; 8]>,
    extra: Vec<(f64, Vec<u8>, Vec<u8>)>,
    members: Vec<(String, String, f64)>,
    by_kind: BTreeMap<Kind, usize>,
    multi: usize,
}

/// Centroids, medoid, class, topic, representatives and member similarities of each group `(id,
/// member indices into rows)`; `texts[g]` and `labels[g]` are group `g`'s questions and label.
fn build(groups: &[(&str, &Vec<usize>)], r: &Rows, texts: &[Vec<&str>], labels: &[String]) -> anyhow::Result<Built> {
    let Rows { rows, vectors, answer_vectors } = *r;
    let mut out = Built { clusters: Vec::with_capacity(groups.len()), extra: Vec::with_capacity(groups.len()), members: Vec::new(), by_kind: BTreeMap::new(), multi: 0 };
    let stamp = now();
    for (g, (id, idx)) in groups.iter().enumerate() {
        let centroid = normalize(mean(idx.iter().map(|&i| vectors[i].as_slice())));
        let sims: Vec<f32> = idx.iter().map(|&i| dot(&vectors[i], &centroid)).collect();
        let medoid = idx[sims.iter().enumerate().fold(0, |b, (j, s)| if *s > sims[b] { j } else { b })];
        let consistency = answers::consistency(&idx.iter().map(|&i| rows[i].4.as_str()).collect::<Vec<_>>());
        let kind = cluster_kind(idx.iter().filter_map(|&i| Kind::parse(&rows[i].2)), consistency);
        let topic = majority(idx.iter().map(|&i| rows[i].3.clone()).filter(|t| !t.is_empty())).unwrap_or_default();
        *out.by_kind.entry(kind).or_default() += 1;
        if idx.len() > 1 {
            out.multi += 1;
        }
        let reps: Vec<&str> = label::representatives(&texts[g], &sims).into_iter().map(|j| rows[idx[j]].0.as_str()).collect();
        out.clusters.push([
            id.to_string(),
            idx.len().to_string(),
            kind.as_str().to_string(),
            topic,
            rows[medoid].0.clone(),
            stamp.clone(),
            labels[g].clone(),
            serde_json::to_string(&reps)?,
        ]);
        let answered: Vec<&[f32]> = idx.iter().filter_map(|&i| answer_vectors[i].as_deref()).collect();
        let answer_centroid = if answered.is_empty() { Vec::new() } else { normalize(mean(answered.into_iter())) };
        out.extra.push((consistency, crate::store::vector_to_bytes(&centroid), crate::store::vector_to_bytes(&answer_centroid)));
        out.members.extend(idx.iter().zip(&sims).map(|(&i, s)| (rows[i].0.clone(), id.to_string(), *s as f64)));
    }
    Ok(out)
}

/// Inserts what [`build`] made.
async fn write(tx: &mut sqlx::Transaction<'_, sqlx::Any>, built: &Built) -> anyhow::Result<()> {
    for (chunk, extra) in built.clusters.chunks(crate::store::rows_per_statement(11)).zip(built.extra.chunks(crate::store::rows_per_statement(11))) {
        let sql = format!(
            "INSERT INTO clusters (id, size, kind, topic, medoid, updated_at, label, representatives, consistency, centroid, answer_centroid) VALUES {}",
            crate::store::values_rows(chunk.len(), 11)
        );
        let mut q = sqlx::query(&sql);
        for ([id, size, kind, topic, medoid, updated, label, reps], (consistency, centroid, answer_centroid)) in chunk.iter().zip(extra) {
            q = q
                .bind(id)
                .bind(size.parse::<i64>()?)
                .bind(kind)
                .bind(topic)
                .bind(medoid)
                .bind(updated)
                .bind(label)
                .bind(reps)
                .bind(*consistency)
                .bind(centroid.clone())
                .bind(answer_centroid.clone());
        }
        q.execute(&mut **tx).await?;
    }
    for chunk in built.members.chunks(crate::store::rows_per_statement(3)) {
        let sql = format!("INSERT INTO cluster_members (ticket_id, cluster_id, similarity) VALUES {}", crate::store::values_rows(chunk.len(), 3));
        let mut q = sqlx::query(&sql);
        for (ticket, id, sim) in chunk {
            q = q.bind(ticket).bind(id).bind(*sim);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

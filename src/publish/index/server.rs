//! The bot index on a Qdrant server or cluster, through qdrant-client (gRPC), used when
//! `[index] url` is set. The same collections, points, payloads, sparse BM25 vectors and queries
//! as the embedded shards (the ranking is [`super::search`]'s, on either); the API key comes from the environment variable
//! `[index] api-key-env` names (default `QDRANT_API_KEY`).

use std::collections::HashMap;

use qdrant_client::qdrant::{
    point_id::PointIdOptions, with_payload_selector, Condition, CreateCollectionBuilder, CreateFieldIndexCollectionBuilder, DeletePointsBuilder,
    Distance, FieldType, Filter, GetPointsBuilder, Modifier, NamedVectors, PayloadIncludeSelector, PointId, PointStruct,
    PointsIdsList, Query, QueryPointsBuilder, ScrollPointsBuilder, SparseVectorParamsBuilder, SparseVectorsConfigBuilder,
    UpsertPointsBuilder, Vector, VectorInput, VectorParamsBuilder, VectorsConfigBuilder,
};
use qdrant_client::{Payload, Qdrant};

use super::{SearchFilters, DENSE, INDEXED, SPARSE};

/// One collection on a Qdrant server.
pub struct ServerCollection {
    client: Qdrant,
    name: String,
}

/// A point to write: id, dense vector, sparse vector, payload.
pub type NewPoint = (u64, Vec<f32>, (Vec<u32>, Vec<f32>), serde_json::Value);

impl ServerCollection {
    /// Connects and makes sure the collection exists with kbforge's vectors and payload indexes.
    pub async fn open(url: &str, api_key: Option<String>, name: &str, dim: usize) -> anyhow::Result<ServerCollection> {
        use anyhow::Context as _;
        let client = Qdrant::from_url(url).api_key(api_key).skip_compatibility_check().build()?;
        let exists = client.collection_exists(name).await.with_context(|| format!("Qdrant server at {url} ([index] url)"))?;
        if !exists {
            let mut vectors = VectorsConfigBuilder::default();
            vectors.add_named_vector_params(DENSE, VectorParamsBuilder::new(dim as u64, Distance::Cosine));
            let mut sparse = SparseVectorsConfigBuilder::default();
            sparse.add_named_vector_params(SPARSE, SparseVectorParamsBuilder::default().modifier(Modifier::Idf));
            client.create_collection(CreateCollectionBuilder::new(name).vectors_config(vectors).sparse_vectors_config(sparse)).await?;
            for field in INDEXED {
                client.create_field_index(CreateFieldIndexCollectionBuilder::new(name, field, FieldType::Keyword).wait(true)).await?;
            }
        }
        Ok(ServerCollection { client, name: name.to_string() })
    }

    /// Ids and content hashes of every point.
    pub async fn existing(&self) -> anyhow::Result<HashMap<u64, String>> {
        let mut out = HashMap::new();
        let mut offset: Option<PointId> = None;
        loop {
            let mut request = ScrollPointsBuilder::new(&self.name).limit(1000).with_payload(true).with_vectors(false);
            if let Some(o) = offset.take() {
                request = request.offset(o);
            }
            let page = self.client.scroll(request).await?;
            for p in page.result {
                let Some(PointIdOptions::Num(id)) = p.id.and_then(|i| i.point_id_options) else { continue };
                let hash = p.payload.get("content_hash").and_then(|v| v.as_str()).map(|s| s.to_string()).unwrap_or_default();
                out.insert(id, hash);
            }
            match page.next_page_offset {
                Some(next) => offset = Some(next),
                None => return Ok(out),
            }
        }
    }

    pub async fn upsert(&self, points: Vec<NewPoint>) -> anyhow::Result<()> {
        let mut batch = Vec::with_capacity(points.len());
        for (id, dense, (indices, values), payload) in points {
            let vectors = NamedVectors::default().add_vector(DENSE, Vector::new_dense(dense)).add_vector(SPARSE, Vector::new_sparse(indices, values));
            let payload = Payload::try_from(payload)?;
            batch.push(PointStruct::new(id, vectors, payload));
        }
        for chunk in batch.chunks(256) {
            self.client.upsert_points(UpsertPointsBuilder::new(&self.name, chunk.to_vec()).wait(true)).await?;
        }
        Ok(())
    }

    pub async fn delete(&self, ids: Vec<u64>) -> anyhow::Result<()> {
        let ids: Vec<PointId> = ids.into_iter().map(PointId::from).collect();
        self.client.delete_points(DeletePointsBuilder::new(&self.name).points(PointsIdsList { ids }).wait(true)).await?;
        Ok(())
    }

    /// The nearest points to a dense or a sparse query vector, within point kinds and articles
    /// and the search's filters. Returns (score, payload) best first.
    pub async fn nearest(
        &self,
        dense: Option<Vec<f32>>,
        sparse: Option<(Vec<u32>, Vec<f32>)>,
        kinds: &[&str],
        articles: Option<&[String]>,
        filters: &SearchFilters,
        limit: usize,
    ) -> anyhow::Result<Vec<(f32, u64, serde_json::Map<String, serde_json::Value>)>> {
        let mut conditions: Vec<Condition> = [("topic", &filters.topic), ("language", &filters.language)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| Condition::matches(k, v.clone())))
            .collect();
        if !kinds.is_empty() {
            conditions.push(Condition::matches("kind", kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>()));
        }
        if let Some(ids) = articles {
            conditions.push(Condition::matches("article_id", ids.to_vec()));
        }
        let (query, using) = match (dense, sparse) {
            (Some(v), _) => (Query::new_nearest(v), DENSE),
            (None, Some((i, w))) => (Query::new_nearest(VectorInput::new_sparse(i, w)), SPARSE),
            (None, None) => return Ok(Vec::new()),
        };
        let mut request = QueryPointsBuilder::new(&self.name)
            .query(query)
            .using(using)
            .limit(limit as u64)
            .with_payload(with_payload_selector::SelectorOptions::Include(PayloadIncludeSelector { fields: vec!["article_id".into(), "kind".into()] }));
        if !conditions.is_empty() {
            request = request.filter(Filter::must(conditions));
        }
        let response = self.client.query(request).await?;
        Ok(response
            .result
            .into_iter()
            .filter_map(|p| {
                let Some(PointIdOptions::Num(id)) = p.id.and_then(|i| i.point_id_options) else { return None };
                let payload: serde_json::Map<String, serde_json::Value> =
                    p.payload.into_iter().map(|(k, v)| (k, serde_json::Value::from(v))).collect();
                Some((p.score, id, payload))
            })
            .collect())
    }

    /// The whole payloads of some points.
    pub async fn payloads(&self, ids: &[u64]) -> anyhow::Result<HashMap<u64, serde_json::Map<String, serde_json::Value>>> {
        let ids: Vec<PointId> = ids.iter().map(|&i| PointId::from(i)).collect();
        let response = self.client.get_points(GetPointsBuilder::new(&self.name, ids).with_payload(true)).await?;
        Ok(response
            .result
            .into_iter()
            .filter_map(|p| {
                let Some(PointIdOptions::Num(id)) = p.id.and_then(|i| i.point_id_options) else { return None };
                Some((id, p.payload.into_iter().map(|(k, v)| (k, serde_json::Value::from(v))).collect()))
            })
            .collect())
    }
}

impl ServerCollection {
    /// Deletes the collection (tests clean up after themselves with it).
    pub async fn drop_collection(self) -> anyhow::Result<()> {
        self.client.delete_collection(&self.name).await?;
        Ok(())
    }
}

//! `kbforge init`: a new workspace with a commented config, a pipeline, and an empty knowledge base.

use std::path::{Path, PathBuf};

/// The commented `kbforge.toml` that `kbforge init` writes. Every key is listed with its default.
pub const EXAMPLE_CONFIG: &str = r#"# kbforge workspace settings. Every key is shown with its default value; uncomment to change.
# Pipelines in pipelines/*.toml may override any section for their own runs.

[store]
# Database URL. DATABASE_URL in the environment overrides it.
# SQLite (default, a file in this workspace) or Postgres: "postgres://user@host:5432/db".
# url = "sqlite://.kbforge/kbforge.sqlite"

[kb]
# The knowledge base folder: Markdown articles with front matter, the editors' workspace.
# dir = "kb"

[ingest]
# Ticket sources, read in order. format: "omnidesk-export" (a folder of recorded Omnidesk API
# responses), "jsonl" (one ticket per line), "csv" (one message per row, with a `columns` table),
# "omnidesk-api" or "zendesk-api" (the live APIs, see below). Paths are relative to this folder.
# encoding: "auto" (default), "utf-8", "utf-16" or "windows-1251".
# sources = [
#     { format = "omnidesk-export", path = "exports/omnidesk" },
#     { format = "csv", path = "exports/tickets.csv", encoding = "windows-1251",
#       columns = { ticket-id = "Номер", body = "Текст", author = "Автор", created-at = "Дата",
#                   subject = "Тема", status = "Статус", internal = "Заметка", tags = "Метки",
#                   customer-values = ["клиент"] } },
#     { format = "omnidesk-api" },
# ]
# Folders of internal regulations (Markdown or text). They are never published.
# regulations = ["regulations"]

[ingest.omnidesk]
# The Omnidesk API, for sources with format = "omnidesk-api" and `kbforge ingest omnidesk`.
# The API key comes only from the environment: OMNIDESK_API_KEY.
# subdomain = "yourdesk"            # https://yourdesk.omnidesk.ru
# base-url = ""                     # instead of the subdomain: a proxy or a test server
# staff-email = "api@example.com"   # the staff member the key belongs to
# statuses = ["closed"]
# requests-per-minute = 20          # until a response announces the account's limit
#                                   # (rate_limit_per_minute), which then sets the pace
# start = "2010-01-01T00:00:00Z"    # where the first run starts; windows adapt to the desk
# max-retries = 6                   # on 429 and 5xx
# backoff-ms = 2000                 # doubled on each retry; retry_after wins

[ingest.zendesk]
# The Zendesk incremental ticket export, for sources with format = "zendesk-api" and
# `kbforge ingest zendesk`. The API token comes only from the environment: ZENDESK_API_TOKEN.
# subdomain = "yourdesk"            # https://yourdesk.zendesk.com
# base-url = ""
# email = "admin@example.com"       # an admin: the incremental export is for admins only
# start = "2010-01-01T00:00:00Z"
# page-size = 1000
# export-requests-per-minute = 10   # the incremental export's limit
# comment-requests-per-minute = 150 # the smallest plan allows 200 for the whole account
# max-retries = 6
# backoff-ms = 2000

[clean]
# Extra regular expressions for this desk's certificate codes, redacted as [CODE] on top of the
# built-in formats (XXXX-XXXX-XXXX-XXXX and the like).
# code-patterns = ["\\bGC\\d{10}\\b"]
# The organisation's own @handles, profile links and mail domains, which stay in the text. Role
# mailboxes (help@, support@, noreply@, b2b@, ...) always stay: they name a function, not a person.
# public-profiles = ["@podarokplus", "vk.com/podarokplus", "podarokplus.ru"]
# Brands and places named like people, which stay in the text (names are found by context and by
# a first-name lexicon, so "Глория Джинс" would otherwise read as a person).
# not-names = ["Глория Джинс", "Ив Роше"]

[classify]
# Regular expressions that mark a staff reply as a manual action (resend, refund, ...).
# The default list covers Russian and English; setting this key replaces it.
# action-phrases = ["оформили возврат", "re-?sent"]
# Regular expressions that mark a staff reply as acknowledging thanks, feedback or an offer (`other`).
# other-phrases = ["спасибо за отзыв"]
# Regular expressions that mark a sentence of a staff reply as sending the customer to a private
# channel or asking for their details; a reply of such sentences and courtesy alone is `needs-action`.
# private-phrases = ["пришлите номер заказа", "create a support ticket"]

[embed]
# Folder with model.onnx and tokenizer.json. KBFORGE_MODEL_DIR overrides it.
# Unset: fastembed downloads MultilingualE5Small from the model hub.
# model-dir = "models/multilingual-e5-small"
# Path to libonnxruntime. ORT_DYLIB_PATH overrides it. Unset: fetched from PyPI on first use.
# onnxruntime = "/opt/onnxruntime/libonnxruntime.so.1.32.0"
# batch-size = 64
# Prefixes before questions and documents. Unset: the model's own settings (the prompts of its
# config_sentence_transformers.json; "query: " and "passage: " for the e5 family).
# query-prefix = "query: "
# passage-prefix = "passage: "
# max-tokens = 512
# threads = 2

[cluster]
# "auto": "pairs" when tickets carry staff answers (every helpdesk does), else "graph" (a bare list
# of questions). "pairs": question and answer together, average linkage, one threshold. "graph":
# questions alone, centred kNN graph + Louvain + coherence split. Both scale to 100k+.
# "average-linkage": questions alone, cut at `threshold` (the old default).
# method = "auto"
# For the question methods: staff answers sharing this share of words (Jaccard) are one template,
# so one intent. 0 = off. The pairs method has the answers in its similarity and does not regroup.
# answer-merge = 0.4
# New questions join existing clusters while they are at most this share of the clustered ones;
# above it, everything is re-clustered and the old ids carried over by overlap.
# incremental = true
# full-recluster-share = 0.2
# A new question joins a cluster only this similar to its centroid or more (cosine).
# join-floor = 0.85
# For method = "average-linkage": the cosine cut, and the largest set clustered exactly.
# threshold = 0.88
# refine-rounds = 5
# exact-limit = 20000

[cluster.pairs]
# Two tickets' similarity is the mean of their question cosine and their answer similarity (both
# centred); a ticket whose answer says nothing (under 8 words, a needs-action reply, none) counts
# by its question. The answer similarity blends the answers' cosine with their token matching
# (word by word, as the graph method's `token-match`; 0 = cosine alone; past 10,000 distinct
# answers, the cosine alone, as their states would not fit the stage's memory). Clusters merge, best pair
# first, while their mean similarity is at least `threshold`; `k` neighbours per ticket say which
# clusters are compared.
# threshold = 0.275
# k = 15
# token-match = 0.5

[cluster.graph]
# For method = "graph". Strongest directions removed from the centred embeddings: broad axes that make neighbouring
# intents look alike (0 = none).
# drop-directions = 1
# Neighbours per question, modularity resolution (higher: smaller clusters), the mean pairwise
# cosine under which a community is split, the pair cosine worth keeping together when splitting,
# the least mean cosine for a lone question to join a neighbouring cluster (or to pair up with
# another lone one), the seed of Louvain's visiting orders.
# k = 15
# resolution = 3.0
# coherence = 0.26
# cpm-gamma = 0.36
# attach = 0.32
# seed = 0
# How neighbours are chosen among the `candidates` nearest by embedding: the weight of the
# questions' words (TF-IDF over stems) and of token matching (each word of one question against
# the words of the other, by the model's token states, which the embed stage then keeps in the
# store); the embeddings weigh the rest. token-match = 0 turns it off and keeps no token states.
# `token-dims` projects the token states onto their strongest directions (0 = keep all).
# lexical = 0.3
# token-match = 0.5
# token-dims = 0
# candidates = 50
# Neighbouring clusters (2+ questions, linked by a neighbour edge) merge, best pair first, while
# their mean cross similarity is at least `merge` (0 = never); that similarity weighs the words
# against the centred embeddings by `merge-lexical`.
# merge = 0.29
# merge-lexical = 0.8

[draft]
# Smallest flat cluster that becomes an article.
# min-cluster-size = 3
# max-also-asked = 8
# max-sources = 50
# Needs-action clusters become scenario candidates (scenarios.jsonl, scenarios.yaml) and empty
# requests a clarifying question (clarifying.yaml), in this folder.
# exports-dir = "exports"
# A new cluster this similar to an approved article's cluster proposes an update to that article
# (its phrasings and sources) instead of a duplicate draft; review flags drafts this similar as
# near-duplicates. Similarity: the mean of the centred cosines of the clusters' question centroids
# and staff-answer centroids (the question cosine alone where a cluster has no answers).
# update-threshold = 0.55

# Optional: draft article bodies through an OpenAI-compatible endpoint. Off by default; when on, the
# model sees only redacted text. The key is read from the environment variable below.
[draft.llm]
# enabled = false
# url = "https://api.openai.com/v1"
# model = "gpt-4o-mini"
# api-key-env = "KBFORGE_LLM_API_KEY"
# timeout-secs = 60
# max-answers = 5
# temperature = 0.2
# concurrency = 4          # requests in flight at once, from the stage and from each worker
# retries = 2              # for 429 and 5xx answers, after Retry-After or 1 s, 2 s, ...

[serve]
# The review app and the retrieval API: `kbforge serve`.
# listen = "127.0.0.1:8080"
# Mark session cookies `Secure` (behind HTTPS).
# secure-cookies = false

[queue]
# Share the embedding work, and the [draft.llm] requests, with `kbforge worker` processes (any
# number, on any machine) through a job queue in the store. Needs a Postgres store.
# enabled = false
# job-size = 256           # texts per embed job
# lease-secs = 600         # a job claimed longer ago than this is handed out again
# work-in-runner = true    # the process running the pipeline works on the queue too

[site]
# out-dir = "site"
# title = ""              # default: the language's own, «Центр помощи» or "Help center"
# description = ""
# titles = {}              # the name in the other language's version, e.g. { en = "Example Help Center" }
# descriptions = {}        # the description there, e.g. { en = "Answers about …" }
# language = "ru"          # "ru" or "en": the help center's UI strings
# contact-url = ""         # the "didn't help? contact support" link
# show-also-asked = false  # show "also asked" phrasings on article pages (search and the bot use them anyway)
# base-url = ""            # the public address: canonical URLs, OpenGraph, sitemap.xml
# theme-dir = "theme"      # base.html, index.html, article.html, category.html, 404.html or style.css here replace the default theme
# image-hosts = []         # hosts article images may load from besides the site itself, e.g. ["cdn.example.com"]
# feedback-url = ""        # the address of `kbforge serve`: article pages then ask "Was this helpful?"

[index]
# dir = ".kbforge/index"
# collection = "public"
# chunk-tokens = 256

[routing]
# What /api/search and `kbforge search --json` tell the bot to do with a question: clarify an
# empty one, hand off what is like a needs-action cluster or has no confident article, answer
# the rest.
# answer-similarity = 0.88    # least cosine to the top article's closest question or passage
# cluster-similarity = 0.9    # least cosine to a cluster's nearest question for its class to decide
# Learned routing (`kbforge routing suggest`, then `apply`): a topic's answers go to the bot alone
# when at least min-accuracy of at least min-ratings rated answers were correct.
# min-accuracy = 0.8
# min-ratings = 30
# [routing.topics] is written by `kbforge routing apply`.

[feedback]
# Searches, operators' ratings (POST /api/feedback) and help-center votes are kept this many days.
# retention-days = 365
"#;

/// The pipeline that `kbforge init` writes.
pub const EXAMPLE_PIPELINE: &str = r#"# A pipeline: the stages to run, in order, and settings that override kbforge.toml for this run.
[pipeline]
name = "main"
# All stages, in order. Drop the ones you do not want.
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site", "publish-index"]

[ingest]
# sources = [{ format = "omnidesk-export", path = "exports/omnidesk" }]
# regulations = ["regulations"]
"#;

const KB_README: &str = "# Knowledge base\n\nOne Markdown file per article, with YAML front matter (`id`, `title`, `status`, `topic`, `audience`).\nDrafts written by `kbforge run` land here; editors review them with `kbforge review`.\nArticles written by hand in the same format are published like generated ones.\n";

/// Creates the workspace files in `dir`; existing files are left alone. Returns the files created.
pub fn init(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let files: [(&str, &str); 4] = [
        (super::CONFIG_FILE, EXAMPLE_CONFIG),
        ("pipelines/main.toml", EXAMPLE_PIPELINE),
        ("kb/README.md", KB_README),
        (".gitignore", "/.kbforge/\n/site/\n"),
    ];
    let mut created = Vec::new();
    for (name, content) in files {
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, content)?;
        created.push(path);
    }
    Ok(created)
}

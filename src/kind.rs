//! The class of a question–answer pair, of a cluster and of a search query: the classify stage
//! decides it; clustering, drafting, the embedding of answers and routing act on it.

/// The class of a ticket or a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Flat,
    NeedsAction,
    Empty,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Flat => "flat",
            Kind::NeedsAction => "needs-action",
            Kind::Empty => "empty",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "flat" => Kind::Flat,
            "needs-action" => Kind::NeedsAction,
            "empty" => Kind::Empty,
            "other" => Kind::Other,
            _ => return None,
        })
    }
}

//! Failed logins, counted per account and per client address: after [`MAX_FAILURES`] within
//! [`WINDOW`], the account (or the address) is locked for [`LOCK`] from its last failure, and the
//! login answers 429 with `Retry-After`, without checking the password. Password guessing then
//! gets ten tries a quarter of an hour, per account and per address, instead of as many as the
//! server can hash. Kept in memory: a restart forgets, which only helps an attacker who can restart
//! the server.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures that lock.
pub const MAX_FAILURES: usize = 10;
/// The span they are counted over.
pub const WINDOW: Duration = Duration::from_secs(10 * 60);
/// How long a lock lasts after the last failure.
pub const LOCK: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most; past it, the ones whose last failure is oldest are forgotten first, so
/// made-up account names cannot fill the memory.
const MAX_KEYS: usize = 50_000;

/// Failed logins by key (`user:<name>`, `addr:<ip>`).
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    /// How long the first locked key of `keys` stays locked, if any is.
    pub fn locked(&self, keys: &[String], now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .filter_map(|k| failures.get(k))
            .filter_map(|times| {
                let last = *times.back()?;
                let recent = times.iter().filter(|&&t| last.duration_since(t) <= WINDOW).count();
                let until = last + LOCK;
                (recent >= MAX_FAILURES && until > now).then(|| until - now)
            })
            .max()
    }

    /// Records a failed login under every key.
    pub fn fail(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            times.push_back(now);
            while times.front().is_some_and(|&t| now.duration_since(t) > WINDOW) || times.len() > MAX_FAILURES {
                times.pop_front();
            }
        }
        if failures.len() > MAX_KEYS {
            failures.retain(|_, times| times.back().is_some_and(|&t| now.duration_since(t) <= WINDOW.max(LOCK)));
        }
    }

    /// Forgets an account's failures after it logged in.
    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_for_a_quarter_of_an_hour() {
        let t = Throttle::default();
        let keys = vec!["user:maria".to_string(), "addr:127.0.0.1".to_string()];
        let start = Instant::now();
        for i in 0..MAX_FAILURES - 1 {
            t.fail(&keys, start + Duration::from_secs(i as u64));
        }
        assert_eq!(t.locked(&keys, start + Duration::from_secs(10)), None, "nine are not ten");
        t.fail(&keys, start + Duration::from_secs(10));
        let left = t.locked(&keys, start + Duration::from_secs(11)).expect("locked");
        assert!(left > Duration::from_secs(14 * 60) && left <= LOCK, "{left:?}");
        // Another account from the same address is locked too; from elsewhere it is not.
        assert!(t.locked(&["user:ivan".into(), "addr:127.0.0.1".into()], start + Duration::from_secs(12)).is_some());
        assert!(t.locked(&["user:ivan".into(), "addr:10.0.0.2".into()], start + Duration::from_secs(12)).is_none());
        // The lock ends 15 minutes after the last failure.
        assert!(t.locked(&keys, start + Duration::from_secs(10) + LOCK + Duration::from_secs(1)).is_none());
    }

    #[test]
    fn failures_spread_over_more_than_the_window_do_not_lock() {
        let t = Throttle::default();
        let keys = vec!["user:maria".to_string()];
        let start = Instant::now();
        for i in 0..20u64 {
            t.fail(&keys, start + Duration::from_secs(i * 90));
        }
        // Every ten consecutive failures span 13.5 minutes.
        assert!(t.locked(&keys, start + Duration::from_secs(19 * 90 + 1)).is_none());
        t.clear("user:maria");
        assert!(t.locked(&keys, start).is_none());
    }
}

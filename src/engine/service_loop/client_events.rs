//! The crm client's own reports (retries, 429 waits, sign-in prompts)
//! forwarded as engine events, so the console shows a wait as a wait and
//! not as a hang.

use crate::engine::interface::note::Note;
use crate::engine::run::schedule::to_second;
use tokio::sync::mpsc;

use crate::crm::ClientEvent;
use crate::engine::effects::emit::Emitter;
use crate::engine::interface::event::Event;

/// Forwards until the client (every clone holding the sender) is gone.
pub(crate) async fn forward(mut rx: mpsc::UnboundedReceiver<ClientEvent>, emitter: Emitter) {
    while let Some(ev) = rx.recv().await {
        match ev {
            ClientEvent::Retry {
                what,
                attempt,
                reason,
                wait,
            } => {
                let reason = format!("{what}: {reason}");
                // The live status counts the retry at once: a run stuck
                // retrying one request must not read "0 retries".
                let until = chrono::Utc::now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                emitter.status(|s| {
                    if let Some(r) = s.running.as_mut() {
                        r.retries += 1;
                        r.requests += 1;
                        r.retry_until = Some(to_second(until));
                        r.retry_reason = Some(format!("attempt {attempt}, {reason}"));
                    }
                });
                emitter.emit(Event::Retry {
                    attempt,
                    reason,
                    wait,
                });
            }
            ClientEvent::Throttled { retry_after, .. } => {
                let until = chrono::Utc::now()
                    + chrono::Duration::from_std(retry_after).unwrap_or(chrono::Duration::zero());
                // The 429 was a request: the live counters count it at
                // once, as the run's history row will.
                emitter.status(|s| {
                    if let Some(r) = s.running.as_mut() {
                        r.requests += 1;
                        r.throttled += 1;
                        r.throttled_until = Some(to_second(until));
                    }
                });
                emitter.emit(Event::Throttled { retry_after });
            }
            ClientEvent::HeldByThrottle { wait } => {
                let until = to_second(
                    chrono::Utc::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero()),
                );
                emitter.status(|s| {
                    if let Some(r) = s.running.as_mut()
                        && r.throttled_until.as_ref().is_none_or(|t| *t < until)
                    {
                        r.throttled_until = Some(until);
                    }
                });
            }
            ClientEvent::DeviceCode(p) => emitter.emit(Event::DeviceCode {
                user_code: p.user_code,
                verification_uri: p.verification_uri,
                message: p.message,
                expires_in: p.expires_in,
            }),
            ClientEvent::Renewing { .. } => {
                let since = to_second(chrono::Utc::now());
                let mut shown = false;
                emitter.status(|s| {
                    if let Some(r) = s.running.as_mut() {
                        r.renewing_since = Some(since);
                        shown = true;
                    }
                });
                if shown {
                    emitter.emit(Event::RenewingSignIn);
                }
            }
            ClientEvent::RenewalEnded => emitter.status(|s| {
                if let Some(r) = s.running.as_mut() {
                    r.renewing_since = None;
                }
            }),
            ClientEvent::TokenRefreshed { reason } => {
                emitter.note(tracing::Level::INFO, Note::TokenRenewed { reason })
            }
            ClientEvent::DeltaFallback { entity_set, reason } => emitter.note(
                tracing::Level::WARN,
                Note::DeltaFallback {
                    table: entity_set.to_string(),
                    reason: reason.to_string(),
                },
            ),
            ClientEvent::Budget(budget) => emitter.status(|s| s.api_budget = Some(budget)),
            ClientEvent::DevicePollSlowedDown { interval } => emitter.note(
                tracing::Level::INFO,
                Note::PollSlowed {
                    secs: interval.as_secs(),
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::interface::event::{Phase, RunProgress, Status};
    use crate::store::runs::RunMode;

    /// Issue 14, defect 4: the live status said "0 requests · 0 retries"
    /// while the log showed retry 5 of a failing request.
    #[tokio::test]
    async fn a_retry_shows_in_the_live_status_with_its_wait() {
        let running = RunProgress {
            phase: Phase::Contacts,
            ..RunProgress::starting(1, RunMode::Full)
        };
        let (emitter, _events, status) = Emitter::new(Status {
            running: Some(running),
            ..Status::default()
        });
        let (tx, rx) = mpsc::unbounded_channel();
        for attempt in 1..=5 {
            tx.send(ClientEvent::Retry {
                what: "contacts".into(),
                attempt,
                reason: "503 from the CRM".into(),
                wait: Duration::from_secs(8),
            })
            .unwrap();
        }
        drop(tx);
        forward(rx, emitter).await;
        let r = status.borrow().running.clone().unwrap();
        assert_eq!((r.requests, r.retries), (5, 5));
        assert!(r.retry_until.is_some());
        assert_eq!(
            r.retry_reason.as_deref(),
            Some("attempt 5, contacts: 503 from the CRM")
        );
    }

    /// Issue 21: a run whose requests wait at a gate an earlier 429 closed
    /// (a dry run during a normal run's wait) shows that wait too, and a
    /// shorter hold never shortens the wait already shown.
    #[tokio::test]
    async fn a_request_held_by_an_earlier_429_shows_the_wait() {
        let (emitter, _events, status) = Emitter::new(Status {
            running: Some(RunProgress::starting(2, RunMode::DryRun)),
            ..Status::default()
        });
        let (tx, rx) = mpsc::unbounded_channel();
        for secs in [25, 3] {
            tx.send(ClientEvent::HeldByThrottle {
                wait: Duration::from_secs(secs),
            })
            .unwrap();
        }
        drop(tx);
        forward(rx, emitter).await;
        let r = status.borrow().running.clone().unwrap();
        let until = r.throttled_until.expect("the wait is shown");
        assert!(until > chrono::Utc::now() + chrono::Duration::seconds(20));
        assert_eq!(r.throttled, 0, "a hold is not a 429 of this run");
    }
}

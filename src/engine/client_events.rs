//! The crm client's own reports (retries, 429 waits, sign-in prompts)
//! forwarded as engine events, so the console shows a wait as a wait and
//! not as a hang.

use tokio::sync::mpsc;

use super::emit::Emitter;
use super::event::Event;
use crate::crm::ClientEvent;

/// Forwards until the client (every clone holding the sender) is gone.
pub async fn forward(mut rx: mpsc::UnboundedReceiver<ClientEvent>, emitter: Emitter) {
    while let Some(ev) = rx.recv().await {
        match ev {
            ClientEvent::Retry {
                what,
                attempt,
                reason,
                wait,
            } => emitter.emit(Event::Retry {
                attempt,
                reason: format!("{what}: {reason}"),
                wait,
            }),
            ClientEvent::Throttled { retry_after, .. } => {
                let until = chrono::Utc::now()
                    + chrono::Duration::from_std(retry_after).unwrap_or(chrono::Duration::zero());
                emitter.status(|s| {
                    if let Some(r) = s.running.as_mut() {
                        r.throttled_until = Some(super::schedule::rfc3339(until));
                    }
                });
                emitter.emit(Event::Throttled { retry_after });
            }
            ClientEvent::DeviceCode(p) => emitter.emit(Event::DeviceCode {
                user_code: p.user_code,
                verification_uri: p.verification_uri,
                message: p.message,
                expires_in: p.expires_in,
            }),
            ClientEvent::TokenRefreshed { reason } => emitter.emit(Event::Log {
                level: tracing::Level::INFO,
                message: format!("CRM access token renewed ({reason})"),
            }),
            ClientEvent::DeltaFallback { entity_set, reason } => emitter.emit(Event::Log {
                level: tracing::Level::WARN,
                message: format!("{entity_set}: change tracking unusable ({reason}); full read"),
            }),
            ClientEvent::DevicePollSlowedDown { interval } => emitter.emit(Event::Log {
                level: tracing::Level::INFO,
                message: format!(
                    "sign-in server asked to poll every {} s",
                    interval.as_secs()
                ),
            }),
        }
    }
}

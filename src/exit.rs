//! Process exit codes, part of the interface for cron and systemd (listed
//! in the README), and the one place an error class becomes a code.

use std::process::ExitCode;

use crate::engine::ErrorClass;
use crate::engine::interface::health::Health;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    ConnectionError = 3,
    CrmApiError = 4,
    InsufficientPrivileges = 5,
    ObjectsUnreadable = 6,
    NotConnected = 7,
    Busy = 8,
    /// Not a CRM navsync supports (on-premise, before 8.2, a sandbox,
    /// writeback prerequisites missing).
    Unsupported = 9,
}

impl ExitStatus {
    /// Every code, in order: the man page's EXIT STATUS lists them all.
    pub const ALL: [ExitStatus; 10] = [
        Self::Ok,
        Self::Failure,
        Self::Usage,
        Self::ConnectionError,
        Self::CrmApiError,
        Self::InsufficientPrivileges,
        Self::ObjectsUnreadable,
        Self::NotConnected,
        Self::Busy,
        Self::Unsupported,
    ];
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s as u8)
    }
}

impl From<ErrorClass> for ExitStatus {
    fn from(c: ErrorClass) -> Self {
        match c {
            ErrorClass::Connection => Self::ConnectionError,
            ErrorClass::CrmApi => Self::CrmApiError,
            ErrorClass::InsufficientPrivileges => Self::InsufficientPrivileges,
            ErrorClass::ObjectsUnreadable => Self::ObjectsUnreadable,
            ErrorClass::Unsupported => Self::Unsupported,
            // The next step is the same as never connected: `navsync connect`.
            ErrorClass::SignInNeeded => Self::NotConnected,
            ErrorClass::Other => Self::Failure,
        }
    }
}

impl ExitStatus {
    /// `status --check`: the monitoring-plugin convention, 0 ok,
    /// 1 degraded, 2 failing, 3 offline.
    pub(crate) fn of_health(h: Health) -> Self {
        match h {
            Health::Ok => Self::Ok,
            Health::Degraded => Self::Failure,
            Health::Failing => Self::Usage,
            Health::Offline => Self::ConnectionError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_documented_code_and_keys_round_trip() {
        for (class, code) in [
            (ErrorClass::Connection, 3),
            (ErrorClass::CrmApi, 4),
            (ErrorClass::InsufficientPrivileges, 5),
            (ErrorClass::ObjectsUnreadable, 6),
            (ErrorClass::Unsupported, 9),
            (ErrorClass::SignInNeeded, 7),
            (ErrorClass::Other, 1),
        ] {
            assert_eq!(ExitStatus::from(class) as u8, code, "{class:?}");
        }
    }

    #[test]
    fn health_codes_follow_the_monitoring_plugin_convention() {
        for h in [
            Health::Ok,
            Health::Degraded,
            Health::Failing,
            Health::Offline,
        ] {
            assert_eq!(ExitStatus::of_health(h) as u8, h.level());
        }
    }
}

//! The domain's words as types: what the store keeps, the engine sends,
//! `status --json` prints and the faces put in the reader's language.
//! Each word has one stable name (its TEXT in the store, its name in the
//! config and in JSON), given once here by [`words!`], so renaming a
//! variant can never change what is stored or sent. Nothing here is
//! prose: the faces (`ui`, `commands`) say the words, in `i18n::word`.
//! (A check's verdict stays its `passed` flag, the name scripts read in
//! `status --json`.)

pub mod check;

/// Declares a word enum: each variant with its stable name. The names are
/// its TEXT in the store (`ToSql`/`FromSql`), its serde name (config, JSON,
/// the socket) and its `Display`; `ALL` lists the variants in order, and
/// `PREFIX` is the catalog prefix of the words (`"phase"` for
/// `phase-saved-lists`).
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $prefix:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// The stable name (store TEXT, config, JSON).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text ),+
                }
            }

            /// The word whose stable name is `name`.
            pub fn from_name(name: &str) -> ::std::option::Option<Self> {
                match name {
                    $( $text => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }

        impl $crate::vocab::Word for $name {
            const PREFIX: &'static str = $prefix;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocab::UnknownWord;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::from_name(s).ok_or_else(|| $crate::vocab::UnknownWord {
                    what: $prefix,
                    name: s.to_string(),
                    expected: &[$($text),+],
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::from_name(&name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&name, &[$($text),+]))
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(
                v: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                s.parse()
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}
pub(crate) use words;

/// A word of the domain: its stable name and the catalog prefix the faces
/// find its translation under.
pub trait Word: Copy + 'static {
    const PREFIX: &'static str;
    /// Every variant, in declaration order. A trait's constant, so a word
    /// whose variants nobody lists is not dead code.
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
}

/// A stored or sent name no word has (a newer navsync's, or damage).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {name:?} (expected one of {})", expected.join(", "))]
pub struct UnknownWord {
    pub what: &'static str,
    pub name: String,
    pub expected: &'static [&'static str],
}

words! {
    /// A language of the messages, the config's `lang`; the seed's own
    /// wording is Spanish.
    #[derive(Default)]
    pub enum Lang in "lang" {
        #[default]
        En = "en",
        Es = "es",
    }
}

words! {
    /// The kinds of workspace activity that can be written back.
    pub enum ActivityKind in "kind" {
        Inmail = "inmail",
        Message = "message",
        Note = "note",
        /// A label a seat holder put on a member ("Decision maker").
        Tag = "tag",
    }
}

impl ActivityKind {
    /// Kinds that are part of a conversation and may carry a `thread`.
    pub(crate) fn in_threads(self) -> bool {
        matches!(self, Self::Inmail | Self::Message)
    }

    /// The kind an import line or a config value names, in any case.
    pub fn parse(s: &str) -> Option<Self> {
        Self::from_name(&s.trim().to_ascii_lowercase())
    }
}

words! {
    /// Where an activity stands on its way to the CRM.
    pub enum ActivityState in "state" {
        /// Imported, not yet considered for writeback.
        New = "new",
        /// Kept out of the CRM (copy off, kind not chosen, seat off).
        Excluded = "excluded",
        /// In the outbox, being written.
        Queued = "queued",
        /// Written as a closed activity regarding a matched contact.
        WrittenClosed = "written_closed",
        /// Written open, waiting in the unresolved queue.
        WrittenOpen = "written_open",
        /// Was open, then linked to a contact and closed.
        Resolved = "resolved",
        /// The CRM refused it for good; see `last_error`.
        Failed = "failed",
        /// A message gathered into its conversation (`conversation_id`),
        /// which is written in its place.
        InThread = "in_thread",
    }
}

words! {
    /// How a run reads the CRM.
    pub enum RunMode in "mode" {
        Full = "full",
        Incremental = "incremental",
        DryRun = "dry_run",
    }
}

words! {
    /// How a run ended (or that it has not yet).
    pub enum Outcome in "outcome" {
        Running = "running",
        Ok = "ok",
        Error = "error",
        Cancelled = "cancelled",
    }
}

words! {
    /// Sync phases, in run order; the console draws one gauge per phase.
    pub enum Phase in "phase" {
        Users = "users",
        Opportunities = "opportunities",
        Accounts = "accounts",
        Contacts = "contacts",
        SavedLists = "saved_lists",
        Writeback = "writeback",
    }
}

words! {
    /// The seed's four error classes, an unsupported organisation (set by
    /// the connection checks: the client itself never meets one), `Other`
    /// for local setup, and `SignInNeeded` when Microsoft Entra ID will not
    /// renew the sign-in (only an admin signing in again helps). The
    /// client, the engine, the store and the faces use the same enum.
    pub enum ErrorClass in "error-class" {
        Connection = "connection",
        CrmApi = "crm_api",
        InsufficientPrivileges = "insufficient_privileges",
        ObjectsUnreadable = "objects_unreadable",
        /// Not a CRM navsync supports: on-premise, before 8.2, a sandbox,
        /// or writeback prerequisites missing.
        Unsupported = "unsupported",
        /// No usable sign-in: the refresh token was refused
        /// (`invalid_grant`, e.g. MFA now required) or there is none.
        SignInNeeded = "sign_in_needed",
        Other = "other",
    }
}

words! {
    /// How an unresolved activity was linked to its contact.
    pub enum ResolveHow in "resolved-how" {
        /// One of the ranked candidates.
        Candidate = "candidate",
        /// A contact found by a CRM search.
        Search = "search",
        /// A contact created from the member's profile.
        Created = "created",
    }
}

words! {
    /// A seat's licence.
    pub enum Licence in "licence" {
        Admin = "admin",
        Member = "member",
    }
}

words! {
    /// A seat's edition.
    pub enum Edition in "edition" {
        Team = "team",
        Enterprise = "enterprise",
    }
}

words! {
    /// The stored state of the CRM connection.
    pub enum ConnState in "conn-state" {
        Connected = "connected",
        Disconnected = "disconnected",
        Error = "error",
    }
}

words! {
    /// The engine's health: one verdict every face shows.
    pub enum Health in "health" {
        Ok = "ok",
        /// Syncing, but not everything went through: the last run's writes
        /// were refused or paused, or the CRM is throttling now.
        Degraded = "degraded",
        /// Not syncing: the last run failed, sign-in is needed, or there is
        /// no connection.
        Failing = "failing",
        /// The face cannot reach its engine.
        Offline = "offline",
    }
}

words! {
    /// Why the health verdict is what it is.
    pub enum HealthReason in "health-reason" {
        /// The last run finished clean.
        Synced = "synced",
        /// Connected, no run finished yet.
        NeverSynced = "never_synced",
        NotConnected = "not_connected",
        /// The last run failed before its writes.
        RunFailed = "run_failed",
        /// Microsoft Entra ID refused to renew the sign-in (`invalid_grant`,
        /// e.g. MFA now required): nothing syncs until an admin signs in
        /// again.
        SignInNeeded = "sign_in_needed",
        /// The last run was stopped before its end.
        RunCancelled = "run_cancelled",
        /// The last run read everything, but writes were refused or paused.
        WritesHeld = "writes_held",
        /// The CRM asked to slow down and requests wait now.
        Throttled = "throttled",
        EngineUnreachable = "engine_unreachable",
    }
}

words! {
    /// What the CRM said to a write, as the audit log keeps it.
    pub enum AuditResult in "audit-result" {
        Ok = "ok",
        /// Already written (a re-send after a crash): counted as done.
        Exists = "exists",
        Error = "error",
    }
}

words! {
    /// Which prerequisite check of a connection.
    pub enum CheckId in "check" {
        SignIn = "sign_in",
        Online = "online",
        Version = "version",
        NotSandbox = "not_sandbox",
        WhoAmI = "who_am_i",
        ObjectsReadable = "objects_readable",
        Privileges = "privileges",
        Writeback = "writeback",
    }
}

words! {
    /// Whom navsync signs in to the CRM as.
    pub enum UserKind in "user-kind" {
        /// An application (integration) user: the seed's recommendation.
        Application = "application",
        /// A person's own account.
        Interactive = "interactive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_reads_back_from_its_name_everywhere() {
        for &p in Phase::ALL {
            assert_eq!(p.as_str().parse::<Phase>(), Ok(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<Phase>(&json).unwrap(), p);
        }
        assert_eq!(
            serde_json::to_string(&RunMode::DryRun).unwrap(),
            "\"dry_run\""
        );
        assert!("dry run".parse::<RunMode>().is_err());
        assert!(serde_json::from_str::<Licence>("\"owner\"").is_err());
    }

    #[test]
    fn a_word_is_stored_as_its_name() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: ErrorClass = conn
            .query_row("SELECT ?1", [ErrorClass::SignInNeeded], |r| r.get(0))
            .unwrap();
        assert_eq!(back, ErrorClass::SignInNeeded);
        let text: String = conn
            .query_row("SELECT ?1", [ErrorClass::SignInNeeded], |r| r.get(0))
            .unwrap();
        assert_eq!(text, "sign_in_needed");
        let bad = conn.query_row("SELECT 'nope'", [], |r| r.get::<_, ErrorClass>(0));
        assert!(bad.is_err());
    }
}

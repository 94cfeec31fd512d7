//! Every user-facing CRM text, named: the words are in the catalogs
//! (`locales/*/navsync.ftl`, `crm-*`), in English and in the seed's own
//! Spanish wording.

use crate::config::Lang;

/// A user-facing text; some carry the names they must mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg<'a> {
    ConnectionError,
    ConnectionNext,
    ApiError,
    ApiNext,
    PrivilegesError,
    /// Names the missing privilege when the CRM said which.
    PrivilegesNext(Option<&'a str>),
    ObjectsError,
    /// Names each unreadable object.
    ObjectsNext(&'a [String]),
    SignInError,
    SignInNext,
    DeviceCodeExpired,
    DeviceCodeExpiredNext,
    DeviceCodeDeclined,
    NotSignedIn,
    NotSignedInNext,
    LocalSetupError,
    /// `chmod 600 FILE`.
    InsecureFileNext(&'a str),
    LocalSetupNext,
    Cancelled,
    CancelledNext,
    /// The seed's success line.
    Connected,
    OnPremise,
    Sandbox,
    VersionTooOld(&'a str),
    /// Integration user recommended; creator and owner explained.
    RecommendIntegrationUser(&'a str),
    CreatorAndOwner(&'a str),
}

/// The text of `m` in `lang`.
pub fn text(m: &Msg<'_>, lang: Lang) -> String {
    use crate::i18n::Arg;
    let (id, args): (&str, Vec<(&str, Arg)>) = match m {
        Msg::ConnectionError => ("crm-connection-error", vec![]),
        Msg::ConnectionNext => ("crm-connection-next", vec![]),
        Msg::ApiError => ("crm-api-error", vec![]),
        Msg::ApiNext => ("crm-api-next", vec![]),
        Msg::PrivilegesError => ("crm-privileges-error", vec![]),
        Msg::PrivilegesNext(None) => ("crm-privileges-next", vec![]),
        Msg::PrivilegesNext(Some(p)) => (
            "crm-privileges-next-named",
            vec![("privilege", Arg::from(*p))],
        ),
        Msg::ObjectsError => ("crm-objects-error", vec![]),
        Msg::ObjectsNext(objects) => (
            "crm-objects-next",
            vec![("objects", Arg::from(objects.join(", ")))],
        ),
        Msg::SignInError => ("crm-sign-in-error", vec![]),
        Msg::SignInNext => ("crm-sign-in-next", vec![]),
        Msg::DeviceCodeExpired => ("crm-device-code-expired", vec![]),
        Msg::DeviceCodeExpiredNext => ("crm-device-code-expired-next", vec![]),
        Msg::DeviceCodeDeclined => ("crm-device-code-declined", vec![]),
        Msg::NotSignedIn => ("crm-not-signed-in", vec![]),
        Msg::NotSignedInNext => ("crm-not-signed-in-next", vec![]),
        Msg::LocalSetupError => ("crm-local-setup-error", vec![]),
        Msg::InsecureFileNext(path) => ("crm-insecure-file-next", vec![("path", Arg::from(*path))]),
        Msg::LocalSetupNext => ("crm-local-setup-next", vec![]),
        Msg::Cancelled => ("crm-cancelled", vec![]),
        Msg::CancelledNext => ("crm-cancelled-next", vec![]),
        Msg::Connected => ("crm-connected", vec![]),
        Msg::OnPremise => ("crm-on-premise", vec![]),
        Msg::Sandbox => ("crm-sandbox", vec![]),
        Msg::VersionTooOld(v) => ("crm-version-too-old", vec![("version", Arg::from(*v))]),
        Msg::RecommendIntegrationUser(user) => (
            "crm-recommend-integration-user",
            vec![("user", Arg::from(*user))],
        ),
        Msg::CreatorAndOwner(user) => ("crm-creator-and-owner", vec![("user", Arg::from(*user))]),
    };
    crate::i18n::text_in(lang, id, &args)
}

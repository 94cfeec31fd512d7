//! Text shaping shared by the generators: ASCII folding, comparison keys,
//! slugs for domains, mailboxes and profile URLs.

use deunicode::deunicode;

/// The key two names are "the same" under: accents, case, punctuation and
/// spacing ignored. The generator keeps names unique under this key
/// wherever it does not mean to create an ambiguity.
pub(super) fn name_key(s: &str) -> String {
    words(s).join(" ")
}

/// `s` as lowercase ASCII words, apostrophes dropped inside words
/// ("O'Brien & Walsh" -> ["obrien", "walsh"]).
pub(super) fn words(s: &str) -> Vec<String> {
    deunicode(s)
        .to_lowercase()
        .replace('\'', "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `s` as lowercase ASCII words joined by `sep`.
pub(super) fn slug(s: &str, sep: &str) -> String {
    words(s).join(sep)
}

/// Whether `s` has a character that ASCII folding changes.
pub(super) fn has_accent(s: &str) -> bool {
    s.chars().any(|c| !c.is_ascii() && c.is_alphabetic())
}

/// `s` with accents dropped, keeping case and punctuation ("José" -> "Jose").
pub(super) fn drop_accents(s: &str) -> String {
    deunicode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_accents_case_and_apostrophes() {
        assert_eq!(name_key("José  O'Brien-García"), "jose obrien garcia");
        assert_eq!(
            name_key("JOSE OBRIEN GARCIA"),
            name_key("José O'Brien García")
        );
        assert_eq!(
            slug("Nordlicht Logistik & Söhne", "-"),
            "nordlicht-logistik-sohne"
        );
    }

    #[test]
    fn accents_are_detected_and_dropped() {
        assert!(has_accent("Zoë"));
        assert!(!has_accent("O'Brien"));
        assert_eq!(drop_accents("Müller Weiß"), "Muller Weiss");
    }
}

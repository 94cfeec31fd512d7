//! Turning the free text of a LinkedIn profile and of a CRM row into keys
//! that compare equal when a person would say "same thing": case, accents,
//! punctuation, legal suffixes and URL decoration all ignored.

/// Legal-form words dropped from the end of a company name, so "Acme Inc."
/// and "ACME" meet. Compared after dots are removed ("S.A." -> "sa").
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "sa",
    "sl",
    "slu",
    "sas",
    "srl",
    "gmbh",
    "ag",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "bv",
    "nv",
    "oy",
    "ab",
];

/// Mail providers whose domain says nothing about the employer.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
];

/// Lowercase ASCII words of `s`: accents transliterated (deunicode), dots
/// and apostrophes dropped inside words ("S.A." -> "sa", "O'Neil" ->
/// "oneil"), every other non-alphanumeric a separator.
pub fn words(s: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            cur.push(ch);
        } else if ch == '.' || ch == '\'' {
            continue;
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A person's name as compared: its words joined by one space. Same
/// words as [`words`], built in one string (it runs for every contact).
pub(crate) fn person_name(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut gap = false;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch != '.' && ch != '\'' {
            gap = true;
        }
    }
    out
}

/// Given name (first word) and family name (last word) of a normalised
/// name; middle names are ignored because CRMs and profiles disagree on
/// them more often than on either end.
pub(crate) fn given_and_family(name: &str) -> (&str, &str) {
    let given = name.split(' ').next().unwrap_or("");
    let family = name.rsplit(' ').next().unwrap_or("");
    (given, family)
}

/// The company key: normalised words with trailing legal forms removed.
/// A name made only of legal words ("Company Ltd") keeps its words.
pub(crate) fn company_key(s: &str) -> String {
    let mut w = words(s);
    let all = w.clone();
    while w
        .last()
        .is_some_and(|t| LEGAL_SUFFIXES.contains(&t.as_str()))
    {
        w.pop();
    }
    if w.is_empty() { all } else { w }.join(" ")
}

/// The registrable-looking host of a website: scheme, `www.`, port, path
/// and query dropped, lowercase. `None` when there is no host.
pub(crate) fn website_domain(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let tld = host.rsplit('.').next()?;
    (host.contains('.') && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(host)
}

/// The employer's domain from an e-mail address; free-mail providers give
/// `None`.
pub(crate) fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let d = domain.to_ascii_lowercase();
    (!d.is_empty() && !FREE_MAIL.contains(&d.as_str())).then_some(d)
}

/// E-mail as compared: trimmed, lowercase.
pub fn email(s: &str) -> Option<String> {
    let e = s.trim().to_lowercase();
    e.contains('@').then_some(e)
}

/// The `in/<slug>` of a LinkedIn profile URL, lowercase and percent-decoded,
/// so scheme, host variant (`www.`, country subdomains), trailing slash,
/// query and fragment do not matter. `None` for anything that is not a
/// member profile URL.
pub(crate) fn profile_slug(s: &str) -> Option<String> {
    let s = s.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    if !(host == "linkedin.com" || host.ends_with(".linkedin.com")) {
        return None;
    }
    let mut segs = url.path_segments()?.filter(|p| !p.is_empty());
    if segs.next()? != "in" {
        return None;
    }
    let slug = segs.next()?;
    let decoded: String = url::form_urlencoded::parse(format!("s={slug}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| slug.to_string());
    Some(format!("in/{}", decoded.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_accents_case_and_punctuation() {
        assert_eq!(person_name("  José-María  Núñez "), "jose maria nunez");
        assert_eq!(person_name("Siobhán O'Neil"), "siobhan oneil");
        assert_eq!(person_name("Zoë  Müller"), "zoe muller");
        for name in [
            "  José-María  Núñez ",
            "Dr. J. R. R. Tolkien",
            "O'Neil, Siobhán",
            "李 小龍",
            "",
        ] {
            assert_eq!(person_name(name), words(name).join(" "), "{name}");
        }
    }

    #[test]
    fn company_key_drops_legal_suffixes() {
        assert_eq!(company_key("Acme, Inc."), "acme");
        assert_eq!(company_key("ACME Ltd"), "acme");
        assert_eq!(company_key("Telefónica S.A."), "telefonica");
        assert_eq!(
            company_key("Construcciones Pérez S.L."),
            "construcciones perez"
        );
        assert_eq!(company_key("Siemens AG"), "siemens");
        assert_eq!(company_key("Müller GmbH"), "muller");
        assert_eq!(company_key("Big Data Corp"), "big data");
        assert_eq!(company_key("Barclays PLC"), "barclays");
        assert_eq!(company_key("Acme Holdings LLC"), "acme holdings");
        // Only legal words: kept rather than emptied.
        assert_eq!(company_key("Company Ltd"), "company ltd");
    }

    #[test]
    fn domains_from_websites_and_emails() {
        assert_eq!(
            website_domain("https://www.Acme.com/about?x=1").as_deref(),
            Some("acme.com")
        );
        assert_eq!(website_domain("acme.co.uk").as_deref(), Some("acme.co.uk"));
        assert_eq!(website_domain("Acme Inc"), None);
        assert_eq!(website_domain("Acme"), None);
        assert_eq!(email_domain("Ana@Acme.COM").as_deref(), Some("acme.com"));
        assert_eq!(email_domain("ana@gmail.com"), None);
    }

    #[test]
    fn profile_urls_reduce_to_the_slug() {
        let want = Some("in/ana-perez-1a2b".to_string());
        assert_eq!(
            profile_slug("https://www.linkedin.com/in/ana-perez-1a2b/"),
            want
        );
        assert_eq!(
            profile_slug("http://es.linkedin.com/in/Ana-Perez-1a2b?trk=x#y"),
            want
        );
        assert_eq!(profile_slug("linkedin.com/in/ana-perez-1a2b"), want);
        assert_eq!(
            profile_slug("https://www.linkedin.com/in/jos%C3%A9").as_deref(),
            Some("in/josé")
        );
        assert_eq!(profile_slug("https://www.linkedin.com/company/acme"), None);
        assert_eq!(profile_slug("https://example.com/in/ana"), None);
    }
}

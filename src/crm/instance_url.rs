//! Which URLs the client may be pointed at: a Dynamics 365 online
//! instance and an Entra authority over https, or the emulator on this
//! machine. The rules are Dataverse's and Entra's, so they live with the
//! client; a refusal is a type, which the config puts in words.

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlRefusal {
    /// Not a URL at all.
    NotAUrl(url::ParseError),
    /// An instance over another scheme than https, away from this machine.
    NotHttps { scheme: String, host: String },
    /// Under dynamics.com, but not an instance's own host.
    NotInstanceHost { host: String },
    /// Not a Dynamics 365 online host: on-premises, or something else.
    OnPremise { host: String },
    /// An authority over another scheme than https, away from this machine.
    AuthorityNotHttps,
}

/// Accepts Dynamics 365 online hosts (`ORG.crm.dynamics.com`, regional
/// `ORG.crmN.dynamics.com`) over https, and loopback over http for the
/// emulator; the URL comes back without path, query or fragment.
pub fn instance_url(s: &str) -> Result<url::Url, UrlRefusal> {
    let url = parse_instance_url(s.trim()).map_err(UrlRefusal::NotAUrl)?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if is_loopback(&url) {
        return Ok(normalise_base(url));
    }
    if url.scheme() != "https" {
        return Err(UrlRefusal::NotHttps {
            scheme: url.scheme().to_string(),
            host,
        });
    }
    if is_dynamics_online_host(&host) {
        return Ok(normalise_base(url));
    }
    if host.ends_with(".dynamics.com") {
        return Err(UrlRefusal::NotInstanceHost { host });
    }
    Err(UrlRefusal::OnPremise { host })
}

/// A bare host (`contoso.crm.dynamics.com`, what the Power Platform admin
/// center shows as the environment URL without its scheme) is read as
/// https: it is the only scheme an online instance answers on.
fn parse_instance_url(s: &str) -> Result<url::Url, url::ParseError> {
    match url::Url::parse(s) {
        Err(url::ParseError::RelativeUrlWithoutBase) if !s.is_empty() && !s.contains("://") => {
            url::Url::parse(&format!("https://{s}"))
        }
        parsed => parsed,
    }
}

/// The Entra authority the client signs in at: https, or the emulator on
/// this machine.
pub fn authority_url(s: &str) -> Result<url::Url, UrlRefusal> {
    let url = url::Url::parse(s.trim()).map_err(UrlRefusal::NotAUrl)?;
    if url.scheme() == "https" || is_loopback(&url) {
        Ok(normalise_base(url))
    } else {
        Err(UrlRefusal::AuthorityNotHttps)
    }
}

/// http(s) to this machine (the emulator): the only place plain http is
/// allowed. Any other scheme is refused whatever the host.
fn is_loopback(url: &url::Url) -> bool {
    let host = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    matches!(url.scheme(), "http" | "https") && host
}

/// `ORG.crm.dynamics.com` or `ORG.crm<N>.dynamics.com`.
pub(crate) fn is_dynamics_online_host(host: &str) -> bool {
    let Some(rest) = host.strip_suffix(".dynamics.com") else {
        return false;
    };
    let mut parts = rest.rsplitn(2, '.');
    let (Some(region), Some(org)) = (parts.next(), parts.next()) else {
        return false;
    };
    let region_ok = region == "crm"
        || region
            .strip_prefix("crm")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    region_ok && !org.is_empty() && !org.contains('.')
}

/// Drops path, query and fragment so `https://org.crm.dynamics.com/main.aspx`
/// and `.../` give the same instance.
fn normalise_base(mut url: url::Url) -> url::Url {
    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_or_https_to_this_machine_is_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://localhost",
        ] {
            assert!(is_loopback(&url::Url::parse(ok).unwrap()), "{ok}");
        }
        for no in [
            "ftp://localhost/x",
            "file://localhost/etc/passwd",
            "ws://[::1]:9",
            "http://10.0.0.1",
            "http://localhost.example.com",
        ] {
            assert!(!is_loopback(&url::Url::parse(no).unwrap()), "{no}");
        }
    }

    #[test]
    fn dynamics_hosts() {
        assert!(is_dynamics_online_host("contoso.crm.dynamics.com"));
        assert!(is_dynamics_online_host("contoso.crm4.dynamics.com"));
        assert!(!is_dynamics_online_host("crm.dynamics.com"));
        assert!(!is_dynamics_online_host("contoso.crmx.dynamics.com"));
        assert!(!is_dynamics_online_host("a.b.crm.dynamics.com"));
    }
}

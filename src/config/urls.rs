//! Which URLs the client may be pointed at: Dynamics 365 online instances
//! and Entra authorities over https, and the emulator on loopback.

/// Accepts Dynamics 365 online hosts (`ORG.crm.dynamics.com`, regional
/// `ORG.crmN.dynamics.com`) over https, and loopback over http for the
/// emulator. Anything else is refused with the reason.
pub fn validate_instance_url(s: &str) -> Result<url::Url, String> {
    let url = parse_instance_url(s.trim())
        .map_err(|e| crate::t!("cfg-not-a-url-instance", error = e.to_string()))?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if is_loopback(&url) {
        return Ok(normalise_base(url));
    }
    if url.scheme() != "https" {
        return Err(crate::t!(
            "cfg-not-https",
            scheme = url.scheme().to_string(),
            host = host
        ));
    }
    if is_dynamics_online_host(&host) {
        return Ok(normalise_base(url));
    }
    if host.ends_with(".dynamics.com") {
        return Err(crate::t!("cfg-not-instance-host", host = host));
    }
    Err(crate::t!("cfg-on-premise", host = host))
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

pub(super) fn validate_authority(s: &str) -> Result<url::Url, String> {
    let url =
        url::Url::parse(s.trim()).map_err(|e| crate::t!("cfg-not-a-url", error = e.to_string()))?;
    if url.scheme() == "https" || is_loopback(&url) {
        Ok(normalise_base(url))
    } else {
        Err(crate::t!("cfg-authority-https"))
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

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback;

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
}

/// `ORG.crm.dynamics.com` or `ORG.crm<N>.dynamics.com`.
pub fn is_dynamics_online_host(host: &str) -> bool {
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
    fn dynamics_hosts() {
        assert!(is_dynamics_online_host("contoso.crm.dynamics.com"));
        assert!(is_dynamics_online_host("contoso.crm4.dynamics.com"));
        assert!(!is_dynamics_online_host("crm.dynamics.com"));
        assert!(!is_dynamics_online_host("contoso.crmx.dynamics.com"));
        assert!(!is_dynamics_online_host("a.b.crm.dynamics.com"));
    }
}

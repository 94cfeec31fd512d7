//! The rules for single values that are not URLs: schedules, and the ids
//! Entra gives a tenant and an application.

use std::time::Duration;

use super::{MAX_INTERVAL, MIN_INTERVAL};

/// Parses `30m`, `6h`, `1d` (minimum five minutes: a tighter schedule only
/// burns the CRM's service-protection budget; at most [`MAX_INTERVAL`]).
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let allowed = crate::t!("cfg-allowed-interval");
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| allowed.clone())?;
    let unit_secs: u64 = match unit.trim() {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(allowed),
    };
    let d = Duration::from_secs(n.checked_mul(unit_secs).ok_or_else(|| allowed.clone())?);
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&d) {
        return Err(allowed);
    }
    Ok(d)
}

/// Parses `45s`, `1m`, `10m`: the first wait after a failed run, from one
/// second (tests, the emulator) to one hour.
pub fn parse_retry_after_failure(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let allowed = || crate::t!("cfg-allowed-retry-after-failure");
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| allowed())?;
    let secs = match unit.trim() {
        "s" => n,
        "m" | "min" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(allowed()),
    };
    if !(1..=3600).contains(&secs) {
        return Err(allowed());
    }
    Ok(Duration::from_secs(secs))
}

/// An Entra tenant as the token endpoint takes it: its id (a GUID) or one
/// of its verified domain names (`contoso.onmicrosoft.com`); a URL, a
/// path or a made-up word is refused with what is expected.
pub fn validate_tenant_id(s: &str) -> Result<String, String> {
    let t = s.trim();
    if is_guid(t) || is_domain_name(t) {
        Ok(t.to_string())
    } else {
        Err(crate::t!("cfg-bad-tenant", answer = format!("{t:?}")))
    }
}

/// An application (client) id: always a GUID in Entra.
pub fn validate_client_id(s: &str) -> Result<String, String> {
    let c = s.trim();
    if is_guid(c) {
        Ok(c.to_string())
    } else {
        Err(crate::t!("cfg-bad-client", answer = format!("{c:?}")))
    }
}

/// The 8-4-4-4-12 hyphenated form Entra prints (no braces, no URN).
fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.contains('-') && uuid::Uuid::try_parse(s).is_ok()
}

/// At least two dot-separated labels of letters, digits and inner hyphens.
fn is_domain_name(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && s.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_units() {
        assert_eq!(parse_interval("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_interval("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_interval("365d").unwrap(), MAX_INTERVAL);
        for out_of_range in ["366d", "142620660199513663d", "18446744073709551615m", "4m"] {
            assert!(parse_interval(out_of_range).is_err(), "{out_of_range}");
        }
        assert!(parse_interval("1m").is_err());
        assert!(parse_interval("fast").is_err());
        assert_eq!(
            parse_retry_after_failure("45s").unwrap(),
            Duration::from_secs(45)
        );
        assert_eq!(
            parse_retry_after_failure("2m").unwrap(),
            Duration::from_secs(120)
        );
        for bad in ["0s", "2h", "soon", "99999999999999999999m"] {
            assert!(parse_retry_after_failure(bad).is_err(), "{bad}");
        }
    }
}

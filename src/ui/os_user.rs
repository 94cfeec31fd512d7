//! Who runs this console, as the resolved view names it: the login name
//! from `USER` or `LOGNAME` (what `whoami` shows for an ordinary login),
//! else the effective uid.

use std::sync::LazyLock;

/// A name longer than this is cut: it comes from the environment.
const MAX: usize = 64;

static NAME: LazyLock<String> = LazyLock::new(|| {
    from_env(|k| std::env::var(k).ok())
        .unwrap_or_else(|| format!("uid {}", rustix::process::geteuid().as_raw()))
});

/// The OS user running this console.
pub fn name() -> String {
    NAME.clone()
}

/// The first of `USER`, `LOGNAME` that holds a printable name, at most
/// `MAX` characters of it.
fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["USER", "LOGNAME"].into_iter().find_map(|k| {
        let v: String = var(k)?
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX)
            .collect();
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_first_then_logname_and_control_characters_never() {
        let env = |user: Option<&str>, logname: Option<&str>| {
            let (user, logname) = (user.map(String::from), logname.map(String::from));
            from_env(move |k| {
                if k == "USER" {
                    user.clone()
                } else {
                    logname.clone()
                }
            })
        };
        assert_eq!(env(Some("ana"), Some("root")).as_deref(), Some("ana"));
        assert_eq!(env(Some(" "), Some("root")).as_deref(), Some("root"));
        assert_eq!(env(None, None), None);
        assert_eq!(env(Some("a\u{1b}[2Jb"), None).as_deref(), Some("a[2Jb"));
        assert_eq!(
            env(Some(&"x".repeat(500)), None).map(|n| n.len()),
            Some(MAX)
        );
    }
}

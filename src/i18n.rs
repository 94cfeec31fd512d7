//! The words a user reads, in the user's language: Fluent catalogs
//! (`locales/<lang>/navsync.ftl`, built into the binary so navsync runs
//! from any directory) looked up by message id, with Fluent's plural rules
//! and each language's own way of writing numbers and dates.
//!
//! The language is chosen once per process (`set`); a thread may choose
//! another (`set_for_thread`), which is how tests draw the same screen in
//! several languages side by side.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU8, Ordering};

use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

pub use fluent_bundle::FluentValue as Arg;

const EN: &str = include_str!("../locales/en/navsync.ftl");
const ES: &str = include_str!("../locales/es/navsync.ftl");

/// Message languages: a word of the domain, since the config, the crm
/// client (labels read in the CRM) and the faces all name it.
pub use crate::vocab::Lang;

/// What texts come out in: a user's language, or the test-only
/// pseudo-locale, which is English with every message wrapped in ⟦ ⟧ so a
/// test can find the text on screen that did not come from a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Lang(Lang),
    #[doc(hidden)]
    Pseudo,
}

/// Marks around each message in the pseudo-locale.
pub const PSEUDO_OPEN: char = '⟦';
pub const PSEUDO_CLOSE: char = '⟧';

static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Locale>> = const { Cell::new(None) };
    static BUNDLES: RefCell<Option<[FluentBundle<FluentResource>; 2]>> = const { RefCell::new(None) };
}

fn encode(l: Locale) -> u8 {
    match l {
        Locale::Lang(Lang::En) => 0,
        Locale::Lang(Lang::Es) => 1,
        Locale::Pseudo => 2,
    }
}

fn decode(n: u8) -> Locale {
    match n {
        1 => Locale::Lang(Lang::Es),
        2 => Locale::Pseudo,
        _ => Locale::Lang(Lang::En),
    }
}

/// The language of this process (from the config or the environment).
pub fn set(lang: Lang) {
    PROCESS.store(encode(Locale::Lang(lang)), Ordering::Relaxed);
}

/// This thread's locale instead of the process's; `None` goes back.
pub fn set_for_thread(locale: Option<Locale>) {
    THREAD.with(|t| t.set(locale));
}

/// `f` with this thread's texts in `locale`, then back as they were.
pub fn with_locale<T>(locale: Locale, f: impl FnOnce() -> T) -> T {
    let before = THREAD.with(|t| t.replace(Some(locale)));
    let out = f();
    THREAD.with(|t| t.set(before));
    out
}

/// The locale texts come out in on this thread.
pub fn current() -> Locale {
    THREAD
        .with(Cell::get)
        .unwrap_or_else(|| decode(PROCESS.load(Ordering::Relaxed)))
}

/// The language the environment asks for: the first of `LC_ALL`,
/// `LC_MESSAGES`, `LANG` that is set and not empty decides, as POSIX
/// orders them; any `es` locale (`es_ES.UTF-8`, `es_MX`, `es`) is Spanish.
pub(crate) fn lang_from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    let chosen = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()));
    match chosen {
        Some(v) if v == "es" || v.starts_with("es_") || v.starts_with("es.") => Lang::Es,
        _ => Lang::En,
    }
}

/// The message `id` in the current locale, with `args` filled in.
pub fn text(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    decorate(raw(id, args))
}

/// The message `id` in `lang`, whatever this thread's locale: for texts
/// made for a language chosen elsewhere (what writeback writes into the
/// CRM, in the configured language).
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    raw_in(lang, id, args)
}

/// Whether the catalogs have a message `id` (for ids made from data, such
/// as a check's name, which fall back to the data).
pub fn has(id: &str) -> bool {
    with_bundles(|[en, _]| en.has_message(id))
}

/// The thread's bundles, English then Spanish, made on first use (a
/// FluentBundle is not Sync; each thread parses the small catalogs once).
fn with_bundles<T>(f: impl FnOnce(&[FluentBundle<FluentResource>; 2]) -> T) -> T {
    BUNDLES.with(|b| {
        let mut b = b.borrow_mut();
        f(b.get_or_insert_with(|| [bundle(Lang::En), bundle(Lang::Es)]))
    })
}

/// A message's first words, up to its first ':', '(' or ',' ("sync now"
/// of "sync now: …"): the key hints of the footer.
pub fn short(id: &str) -> String {
    let whole = raw(id, &[]);
    let head = whole.split([':', '(', ',']).next().unwrap_or(&whole).trim();
    decorate(head.to_string())
}

fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::Lang(l) => l,
        Locale::Pseudo => Lang::En,
    }
}

fn decorate(s: String) -> String {
    match current() {
        Locale::Pseudo => format!("{PSEUDO_OPEN}{s}{PSEUDO_CLOSE}"),
        Locale::Lang(_) => s,
    }
}

fn raw(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    raw_in(lang_of(current()), id, args)
}

fn raw_in(lang: Lang, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let out = with_bundles(|bundles| {
        let bundle = &bundles[usize::from(lang == Lang::Es)];
        format(bundle, id, args).or_else(|| format(&bundles[0], id, args))
    });
    // A missing id is a bug the catalog tests catch; the id itself is the
    // most useful thing to show meanwhile.
    out.unwrap_or_else(|| id.to_string())
}

/// A word kept in English where it is stored or sent ("incremental",
/// "objects_readable", "saved lists") as the catalog has it under
/// `prefix`, else the word itself with spaces for underscores.
pub fn stored_word(prefix: &str, raw: &str) -> String {
    let id = format!("{prefix}-{}", raw.replace(['_', ' '], "-"));
    if has(&id) {
        text(&id, &[])
    } else {
        raw.replace('_', " ")
    }
}

/// A word of the domain in the current locale (`phase-saved-lists`), or
/// its stable name in words where the catalog has none.
pub fn word<W: crate::vocab::Word>(w: W) -> String {
    stored_word(W::PREFIX, w.name())
}

/// `t!("id")`, `t!("id", count = n, name = s)`: `text` with named args.
#[macro_export]
macro_rules! t {
    ($id:expr) => {
        $crate::i18n::text($id, &[])
    };
    ($id:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// `t_in!(lang, "id", name = value)`: `text_in` with named args.
#[macro_export]
macro_rules! t_in {
    ($lang:expr, $id:expr) => {
        $crate::i18n::text_in($lang, $id, &[])
    };
    ($lang:expr, $id:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text_in($lang, $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

fn format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: &[(&str, Arg<'_>)],
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let args: FluentArgs = args.iter().map(|(k, v)| (*k, v.clone())).collect();
    let mut errors = Vec::new();
    let s = bundle.format_pattern(pattern, Some(&args), &mut errors);
    Some(s.into_owned())
}

/// A catalog as a bundle. The catalogs are part of the binary and checked
/// by the tests, so a syntax error cannot reach a user; should one slip
/// through, the messages that parsed still work.
fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let (tag, source) = match lang {
        Lang::En => ("en", EN),
        Lang::Es => ("es", ES),
    };
    let langid = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![langid]);
    // Bidi isolation marks would show as stray cells in a terminal.
    bundle.set_use_isolating(false);
    let formatter: fn(&FluentValue, &_) -> Option<String> = match lang {
        Lang::En => |v, _| number_value(v, Lang::En),
        Lang::Es => |v, _| number_value(v, Lang::Es),
    };
    bundle.set_formatter(Some(formatter));
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

fn number_value(v: &FluentValue, lang: Lang) -> Option<String> {
    match v {
        FluentValue::Number(n) if n.options.use_grouping => Some(number_in(n.value, lang)),
        _ => None,
    }
}

/// A count as `lang` writes it: "1,297" in English, "1.297" in Spanish
/// (as the seed's screens write it), with a decimal comma there too.
pub(crate) fn number_in(n: f64, lang: Lang) -> String {
    let (group, decimal) = match lang {
        Lang::En => (',', '.'),
        Lang::Es => ('.', ','),
    };
    let raw = n.abs().to_string();
    let (int, frac) = raw.split_once('.').unwrap_or((&raw, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

/// A fraction with `digits` decimals in the current language ("0.92",
/// "0,92").
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    match lang_of(current()) {
        Lang::En => s,
        Lang::Es => s.replace('.', ","),
    }
}

/// A count in the current language.
pub fn number(n: impl Into<f64>) -> String {
    number_in(n.into(), lang_of(current()))
}

/// A day as the current language writes it ("2026-11-26", "26 nov 2026").
pub fn date(at: DateTime<Utc>) -> String {
    t!(
        "date",
        year = at.year().to_string(),
        mon = month_abbr(at),
        mm = format!("{:02}", at.month()),
        dd = format!("{:02}", at.day()),
        day = at.day()
    )
}

fn month_abbr(at: DateTime<Utc>) -> String {
    raw("month-abbr", &[("month", Arg::from(at.month()))])
}

/// A day and time of day in UTC ("2026-11-26 06:10 UTC").
pub(crate) fn date_time(at: DateTime<Utc>) -> String {
    t!(
        "date-time",
        date = date(at),
        time = format!("{:02}:{:02}", at.hour(), at.minute())
    )
}

/// A day and time of day to the second in UTC (a log line's time).
pub(crate) fn date_time_seconds(at: DateTime<Utc>) -> String {
    t!(
        "date-time",
        date = date(at),
        time = format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
    )
}

/// Month, day and time of day in UTC, for tight places ("11-26 06:10",
/// "26 nov 06:10").
pub(crate) fn short_date_time(at: DateTime<Utc>) -> String {
    t!(
        "date-time-short",
        mon = month_abbr(at),
        mm = format!("{:02}", at.month()),
        dd = format!("{:02}", at.day()),
        day = at.day(),
        time = format!("{:02}:{:02}", at.hour(), at.minute())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        let resource = match FluentResource::try_new(source.to_string()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("catalog does not parse: {errors:?}"),
        };
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
                _ => None,
            })
            .collect()
    }

    /// Every message of the English catalog is in the Spanish one and the
    /// Spanish one has none English lacks (an orphan would be a message
    /// no code asks for, or a typo in an id).
    #[test]
    fn catalogs_have_the_same_ids() {
        let en = ids(EN);
        let es = ids(ES);
        let missing: Vec<_> = en.difference(&es).collect();
        let orphans: Vec<_> = es.difference(&en).collect();
        assert!(missing.is_empty(), "missing in es: {missing:?}");
        assert!(orphans.is_empty(), "only in es: {orphans:?}");
        assert!(en.len() > 100, "{} ids", en.len());
    }

    /// The variables each message uses ("$count"), by message id, read
    /// from the catalog's text: an entry starts at `id =`, its indented
    /// and `}` lines continue it.
    fn variables(source: &str) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let mut out = std::collections::BTreeMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            let starts = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if starts && let Some((id, _)) = line.split_once(" =") {
                current = Some(id.trim().to_string());
            } else if !(line.starts_with(' ') || line.starts_with('}')) {
                current = None;
            }
            let Some(id) = &current else { continue };
            let vars: &mut BTreeSet<String> = out.entry(id.clone()).or_default();
            for part in line.split('$').skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                vars.insert(name);
            }
        }
        out
    }

    /// A Spanish message uses only variables its English one does (one
    /// the code never passes would show as "{$name}"). The date messages
    /// get every part of the day and each language picks its own.
    #[test]
    fn spanish_messages_use_only_variables_the_code_passes() {
        let en = variables(EN);
        let es = variables(ES);
        let day_parts: BTreeSet<String> = ["year", "mon", "mm", "dd", "day", "time"]
            .map(String::from)
            .into();
        let unknown: Vec<_> = es
            .iter()
            .filter_map(|(id, vars)| {
                let passed = if id == "date" || id == "date-time-short" {
                    &day_parts
                } else {
                    en.get(id)?
                };
                let extra: Vec<_> = vars.difference(passed).collect();
                (!extra.is_empty()).then(|| format!("{id}: {extra:?}"))
            })
            .collect();
        assert!(unknown.is_empty(), "{unknown:#?}");
    }

    /// Every message is asked for by the code: its id is written in
    /// src/ (as "id"), or it is one of the families whose ids the code
    /// makes from a stored word or an enum (`stored_word("phase", ..)`,
    /// "tab-{id}", "error-title-{class}"). An orphan is a message no screen
    /// shows, or a typo on one side.
    #[test]
    fn every_message_is_used() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push_str(&std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let mut code = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut code,
        );
        const FAMILIES: [&str; 17] = [
            "keycap-",
            "tab-",
            "check-",
            "phase-",
            "mode-",
            "outcome-",
            "licence-",
            "edition-",
            "switch-",
            "kind-",
            "error-title-",
            "error-console-next-",
            "month-",
            "date",
            "resolved-how-",
            "token-reason-",
            "unassignable-",
        ];
        let unused: Vec<_> = ids(EN)
            .into_iter()
            .filter(|id| !code.contains(&format!("\"{id}\"")))
            .filter(|id| !FAMILIES.iter().any(|f| id.starts_with(f)))
            .collect();
        assert!(unused.is_empty(), "{unused:#?}");
    }

    /// Both catalogs load into a bundle with no error (no duplicate id).
    #[test]
    fn catalogs_load_whole() {
        for (lang, source) in [(Lang::En, EN), (Lang::Es, ES)] {
            let resource = FluentResource::try_new(source.to_string()).unwrap();
            let mut bundle: FluentBundle<FluentResource> = FluentBundle::new(vec![]);
            assert!(bundle.add_resource(resource).is_ok(), "{lang:?}");
        }
    }

    #[test]
    fn language_comes_from_the_environment_in_posix_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(lang_from_env(env(&[("LANG", "es_ES.UTF-8")])), Lang::Es);
        assert_eq!(lang_from_env(env(&[("LANG", "es_MX")])), Lang::Es);
        assert_eq!(lang_from_env(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(lang_from_env(env(&[])), Lang::En);
        assert_eq!(
            lang_from_env(env(&[("LC_ALL", "C"), ("LANG", "es_ES.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            lang_from_env(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "es_ES"),
                ("LANG", "C")
            ])),
            Lang::Es
        );
        assert_eq!(lang_from_env(env(&[("LANG", "estonian")])), Lang::En);
    }

    #[test]
    fn numbers_dates_and_plurals_follow_the_language() {
        let at = DateTime::parse_from_rfc3339("2026-11-26T06:10:00Z")
            .unwrap()
            .with_timezone(&Utc);
        set_for_thread(Some(Locale::Lang(Lang::Es)));
        assert_eq!(number(1297), "1.297");
        assert_eq!(date(at), "26 nov 2026");
        assert_eq!(t!("count-rows", count = 1), "1 fila");
        assert_eq!(t!("count-rows", count = 1297), "1.297 filas");
        assert_eq!(
            t!("engine-seat-sync", on = "off", count = 1, changed = 0),
            "Sincronización con el CRM desactivada para 1 licencia; 0 cambiadas"
        );
        set_for_thread(Some(Locale::Lang(Lang::En)));
        assert_eq!(number(1297), "1,297");
        assert_eq!(date(at), "2026-11-26");
        assert_eq!(t!("count-rows", count = 1297), "1,297 rows");
        set_for_thread(Some(Locale::Pseudo));
        assert_eq!(t!("count-rows", count = 2), "⟦2 rows⟧");
        set_for_thread(None);
    }
}

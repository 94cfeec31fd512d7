//! The headless commands as a newcomer meets them (issue 14, defect 10):
//! what one command prints, the next one takes; a batch is not lost to
//! one typo; errors are in the user's words. Real binary, real store.

use std::path::{Path, PathBuf};
use std::process::Command;

use navsync::store::mirror::{self, SystemUser};
use navsync::store::{Store, seats};

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&navsync::paths::store_file(dir.path())).unwrap();
    for (member, name, email) in [
        ("m-ana", "Ana Pérez", "Ana.Perez@contoso.example"),
        ("m-luis", "Luis Gómez", "luis.gomez@contoso.example"),
    ] {
        seats::upsert(
            store.conn(),
            &crate::support::seat(member, name, Some(email), false),
        )
        .unwrap();
    }
    for (id, name) in [("u-eva", "Eva Ruiz"), ("u-tom", "Tom Berg")] {
        mirror::upsert_systemuser(
            store.conn(),
            &SystemUser {
                systemuserid: id.into(),
                fullname: name.into(),
                email: Some(format!("{id}@contoso.example")),
                isdisabled: false,
                is_application_user: false,
                modifiedon: None,
            },
        )
        .unwrap();
    }
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    Env { dir, config }
}

impl Env {
    fn run(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
            .env("LC_ALL", "C")
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn seat(&self, member: &str) -> seats::Seat {
        let store = Store::open_readonly(&navsync::paths::store_file(self.dir.path())).unwrap();
        seats::list(store.conn())
            .unwrap()
            .into_iter()
            .find(|s| s.member_id == member)
            .unwrap()
    }
}

#[test]
fn seats_list_shows_the_email_and_enable_takes_it() {
    let e = env();
    let (code, out, err) = e.run(&["seats", "list"]);
    assert_eq!(code, Some(0), "{err}");
    let header = out.lines().next().unwrap();
    assert!(header.contains("EMAIL"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Ana Pérez") && l.contains("Ana.Perez@contoso.example")),
        "{out}"
    );
    // The e-mail `activities import` accepts as a seat, any case.
    let (code, out, err) = e.run(&["seats", "enable", "ana.perez@CONTOSO.example"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(e.seat("m-ana").sync_enabled);
}

#[test]
fn import_takes_the_seat_id_that_seats_list_prints() {
    let e = env();
    let id = e.seat("m-luis").id;
    let (_, out, _) = e.run(&["seats", "list"]);
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with(&format!("{id} ")) && l.contains("Luis Gómez")),
        "{out}"
    );
    let file = e.dir.path().join("a.jsonl");
    std::fs::write(
        &file,
        format!(
            r#"{{"kind":"note","seat":"{id}","member_name":"Jo Doe","occurred_at":"2025-03-01T09:30:00Z"}}"#
        ) + "\n",
    )
    .unwrap();
    let (code, out, err) = e.run(&["activities", "import", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("imported 1"), "{out}{err}");
}

#[test]
fn one_unknown_user_does_not_abort_an_assign_batch() {
    let e = env();
    let (code, out, err) = e.run(&[
        "seats",
        "assign",
        "u-eva",
        "nobody@contoso.example",
        "u-tom",
    ]);
    assert_eq!(
        code,
        Some(2),
        "the unknown user makes the exit non-zero\n{out}{err}"
    );
    assert!(
        err.contains("no CRM user \"nobody@contoso.example\""),
        "{err}"
    );
    assert!(
        out.contains("created seat") && out.contains("Eva Ruiz"),
        "{out}"
    );
    assert!(out.contains("Tom Berg"), "{out}");
    // The engine's answer (the summary and the refusal) goes to stderr,
    // as any refused command's does.
    assert!(err.contains("2 seats created"), "{out}{err}");
}

#[test]
fn csv_and_config_errors_are_in_the_users_words() {
    let e = env();
    let file = e.dir.path().join("a.csv");
    std::fs::write(
        &file,
        "kind,seat,member_name,member_company,occurred_at\nnote,m-ana,Jo Doe, Acme, Inc.,2025-03-01T09:30:00Z\nnote\n",
    )
    .unwrap();
    let (_, out, err) = e.run(&["activities", "import", file.to_str().unwrap()]);
    assert!(!err.contains("fields where the header has"), "{err}");
    assert!(
        err.contains("this line has 6 value(s) but the header names 5 column(s)"),
        "{out}{err}"
    );
    assert!(
        err.contains("put values that contain commas in double quotes"),
        "{err}"
    );

    let config = e.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[crm]\ninstance_url = \"https://contoso.crm.dynamics.com\"\nmax_concurrency = \"8\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(e.dir.path())
        .args(["seats", "list"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("i64"), "{err}");
    assert!(
        err.contains("expected a whole number, without quotes"),
        "{err}"
    );
    assert!(err.contains("config.toml:3:"), "{err}");
}

// ---- first run, completions, man page, env, value enums ----

fn navsync(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .args(args)
        .env_remove("NAVSYNC_CONFIG")
        .env_remove("NAVSYNC_DATA_DIR")
        .output()
        .unwrap()
}

#[test]
fn init_writes_a_private_config_that_loads() {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("navsync/config.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&path)
        .arg("init")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"http://crm.contoso.local\nhttps://contoso.crm.dynamics.com\ncontoso.onmicrosoft.com\n0f0e0d0c-0000-4000-8000-000000000001\n\n\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("only reachable over https"),
        "the bad URL is refused\n{said}"
    );
    assert!(said.contains("export NAVSYNC_CLIENT_SECRET"), "{said}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let cfg = navsync::config::load(Some(&path), true).unwrap();
    assert_eq!(cfg.crm.tenant_id, "contoso.onmicrosoft.com");
    // A second init leaves it alone.
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&path)
        .arg("init")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definitions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = navsync(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in ["navsync", "seats", "activities", "completions"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    let bash = String::from_utf8_lossy(&navsync(&["completions", "bash"]).stdout).into_owned();
    assert!(bash.contains("tiny demo large"), "scale values complete");
    assert!(bash.contains("admin member"), "licence values complete");
    let out = navsync(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH navsync"),
        "{page}"
    );
    assert!(
        page.contains("NAVSYNC_CONFIG"),
        "the env vars are documented"
    );
}

#[test]
fn the_env_vars_reach_clap_and_bad_values_list_the_choices() {
    let e = env();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .env("NAVSYNC_CONFIG", &e.config)
        .env("NAVSYNC_DATA_DIR", e.dir.path())
        .args(["seats", "list"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Luis Gómez"),
        "the store of $NAVSYNC_DATA_DIR\n{stdout}"
    );
    let help = String::from_utf8_lossy(&navsync(&["--help"]).stdout).into_owned();
    assert!(help.contains("[env: NAVSYNC_CONFIG=]"), "{help}");
    assert!(help.contains("[env: NAVSYNC_DATA_DIR=]"), "{help}");
    for (args, values) in [
        (
            &["seats", "assign", "u-eva", "--licence", "gold"][..],
            "admin, member",
        ),
        (
            &["seats", "assign", "u-eva", "--edition", "gold"][..],
            "team, enterprise",
        ),
        (&["sim", "--scale", "huge"][..], "tiny, demo, large"),
        (&["demo", "--scale", "huge"][..], "tiny, demo, large"),
    ] {
        let out = navsync(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(values), "{args:?}: {err}");
    }
}

#[test]
fn the_console_refuses_a_keymap_clash_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys]\nsync_now = \"c\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
        .env("LC_ALL", "C")
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("config.toml:2:12: key `keys.sync_now`: c is bound to both"),
        "{err}"
    );
}

/// The language the commands speak: `lang` in the config, else the first
/// of LC_ALL, LC_MESSAGES, LANG that is set (any es_* is Spanish), else
/// English.
#[test]
fn commands_speak_the_configs_language_else_the_environments() {
    let e = env();
    let example = std::fs::read_to_string(&e.config).unwrap();
    let with_lang = |lang: &str| {
        let path = e.dir.path().join(format!("config-{lang}.toml"));
        std::fs::write(&path, format!("lang = \"{lang}\"\n{example}")).unwrap();
        path
    };
    let status = |config: &Path, vars: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_navsync"))
            .env("LC_ALL", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .envs(vars.iter().copied())
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(e.dir.path())
            .arg("status")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "not connected");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let spanish = "estado:       Sin conectar (ejecuta `navsync connect`)";
    let english = "state:        Not connected (run `navsync connect`)";
    for (config, vars, want) in [
        (e.config.clone(), vec![], english),
        (e.config.clone(), vec![("LANG", "es_ES.UTF-8")], spanish),
        (
            e.config.clone(),
            vec![("LC_ALL", "C.UTF-8"), ("LANG", "es_ES.UTF-8")],
            english,
        ),
        (
            e.config.clone(),
            vec![("LC_MESSAGES", "es_MX"), ("LANG", "en_US.UTF-8")],
            spanish,
        ),
        (with_lang("en"), vec![("LANG", "es_ES.UTF-8")], english),
        (with_lang("es"), vec![], spanish),
    ] {
        let out = status(&config, &vars);
        assert!(out.contains(want), "{vars:?} {config:?}:\n{out}");
    }
}

//! `navsync man`: one self-contained man page (roff) from the clap
//! definitions. clap_mangen's own command list points at one page per
//! subcommand (`navsync-demo(1)` …), which would not exist; here every
//! subcommand is described in this page instead, followed by what cron and
//! systemd users look up: EXIT STATUS, FILES and ENVIRONMENT. The page is
//! English, like `--help`.

use std::io::Write;

use crate::exit::ExitStatus;

/// Writes the page of `cli`, the whole command line as clap defines it.
pub fn run(cli: clap::Command) -> ExitStatus {
    match render(cli, &mut std::io::stdout().lock()) {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("navsync: cannot write the man page: {e}");
            ExitStatus::Failure
        }
    }
}

/// The whole page.
pub fn render(mut cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command(out, sub)?;
    }
    exit_status(out)?;
    writeln!(out, "{FILES_AND_ENVIRONMENT}")?;
    man.render_version_section(out)
}

/// A subcommand: its usage line, what it does, its own options and, for
/// `seats` and `activities`, their subcommands.
fn command(out: &mut dyn Write, cmd: &clap::Command) -> std::io::Result<()> {
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    writeln!(out, ".TP\n\\fB{}\\fR", escape(usage.trim()))?;
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        writeln!(out, "{}", escape(&about.to_string()))?;
    }
    let args: Vec<_> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "help")
        .collect();
    if !args.is_empty() {
        writeln!(out, ".RS")?;
        for a in args {
            let value = a
                .get_action()
                .takes_values()
                .then(|| match a.get_value_names() {
                    Some(v) => v
                        .iter()
                        .map(|n| format!("<{n}>"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    None => format!("<{}>", a.get_id().as_str().to_uppercase()),
                });
            let flag = match (a.get_short(), a.get_long()) {
                (Some(s), Some(l)) => Some(format!("-{s}, --{l}")),
                (None, Some(l)) => Some(format!("--{l}")),
                (Some(s), None) => Some(format!("-{s}")),
                (None, None) => None,
            };
            let name = match (flag, value) {
                (Some(f), Some(v)) => format!("{f} {v}"),
                (Some(f), None) => f,
                (None, Some(v)) => v,
                (None, None) => a.get_id().as_str().to_string(),
            };
            writeln!(out, ".TP\n\\fB{}\\fR", escape(&name).replace('-', "\\-"))?;
            let mut help = a
                .get_long_help()
                .or_else(|| a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                help.push_str(&format!(" [values: {}]", values.join(", ")));
            }
            if let Some(d) = a
                .get_default_values()
                .first()
                .filter(|_| a.get_action().takes_values())
            {
                help.push_str(&format!(" [default: {}]", d.to_string_lossy()));
            }
            writeln!(out, "{}", escape(help.trim()))?;
        }
        writeln!(out, ".RE")?;
    }
    let subs: Vec<_> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        writeln!(out, ".RS")?;
        for sub in subs {
            command(out, sub)?;
        }
        writeln!(out, ".RE")?;
    }
    Ok(())
}

/// What each code means, for cron and systemd (`RestartPreventExitStatus=`).
fn meaning(s: ExitStatus) -> &'static str {
    match s {
        ExitStatus::Ok => "Success.",
        ExitStatus::Failure => {
            "Any other failure (local files, sign-in, a run that failed for another reason)."
        }
        ExitStatus::Usage => {
            "Usage or config error: a bad argument or config file, or no config (status: unconfigured)."
        }
        ExitStatus::ConnectionError => "CRM connection error: the CRM could not be reached.",
        ExitStatus::CrmApiError => {
            "CRM API error: the CRM answered with an error (e.g. 5xx, or 429 beyond the retries)."
        }
        ExitStatus::InsufficientPrivileges => "The CRM user lacks a privilege the sync needs.",
        ExitStatus::ObjectsUnreadable => "Required CRM objects could not be read.",
        ExitStatus::NotConnected => {
            "Not connected (never connected, or disconnected), or the sign-in must be renewed: run navsync connect."
        }
        ExitStatus::Busy => "Another engine holds the data dir (a second serve).",
        ExitStatus::Unsupported => {
            "Unsupported organisation: on-premise, before 8.2, a sandbox, or writeback prerequisites missing."
        }
    }
}

fn exit_status(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    writeln!(
        out,
        "A run's code covers every phase, writeback included; status exits with the code of the stored error."
    )?;
    for s in ExitStatus::ALL {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", s as u8, escape(meaning(s)))?;
    }
    Ok(())
}

const FILES_AND_ENVIRONMENT: &str = r#".SH FILES
.TP
\fI~/.config/navsync/config.toml\fR
The config file (\fB--config\fR or \fBNAVSYNC_CONFIG\fR choose another, e.g. \fI/etc/navsync/ORG.toml\fR for the system service). A secret written in it requires mode 0600.
.TP
\fI~/.local/share/navsync/\fR
The data dir (\fB--data-dir\fR or \fBNAVSYNC_DATA_DIR\fR choose another, e.g. \fI/var/lib/navsync/ORG\fR), mode 0700. It holds:
.RS
.TP
\fInavsync.db\fR
The SQLite store (with its \fI-wal\fR and \fI-shm\fR files).
.TP
\fInavsync.sock\fR
The running engine's Unix socket, mode 0600; consoles and commands attach to it.
.TP
\fInavsync.lock\fR
Held by the one engine that owns the data dir.
.TP
\fItoken-cache.json\fR
The OAuth token cache, mode 0600; a cache others can read is refused.
.TP
\fIlogs/\fR
Daily log files (\fBnavsync logs\fR prints them).
.TP
\fIdemo/\fR
The data dir of \fBnavsync demo\fR, recreated at each start.
.RE
.SH ENVIRONMENT
.TP
\fBNAVSYNC_CONFIG\fR
The config file, as \fB--config\fR.
.TP
\fBNAVSYNC_DATA_DIR\fR
The data dir, as \fB--data-dir\fR.
.TP
\fBNAVSYNC_CLIENT_SECRET\fR
The client secret when the config says \fBclient_secret_env = "NAVSYNC_CLIENT_SECRET"\fR (any name may be configured).
.TP
\fBNO_COLOR\fR
Set and not empty: the console uses no colour.
.TP
\fBLC_ALL\fR, \fBLC_MESSAGES\fR, \fBLANG\fR
The language of the console and the messages when the config sets no \fBlang\fR: the first of them that is set and not empty; an \fBes\fR locale means Spanish, anything else English.
.TP
\fBXDG_CONFIG_HOME\fR, \fBXDG_DATA_HOME\fR
Where the default config file and data dir are (\fI~/.config\fR and \fI~/.local/share\fR when unset)."#;

/// Text as roff shows it: backslashes kept, and no line read as a request.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn page() -> String {
        let mut out = Vec::new();
        render(crate::cli::Cli::command(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_page_names_no_other_page_and_documents_every_subcommand() {
        let page = page();
        assert!(
            !page.contains("navsync-") && !page.contains("(1)"),
            "a reference to a page that does not exist:\n{page}"
        );
        for sub in crate::cli::Cli::command().get_subcommands() {
            assert!(
                page.contains(&format!("navsync {}", sub.get_name())),
                "{} missing",
                sub.get_name()
            );
        }
        assert!(page.contains("navsync seats assign"), "{page}");
    }

    #[test]
    fn exit_status_files_and_environment_are_there_with_every_code() {
        let page = page();
        for section in [".SH \"EXIT STATUS\"", ".SH FILES", ".SH ENVIRONMENT"] {
            assert!(page.contains(section), "{section}");
        }
        let exit = &page[page.find("EXIT STATUS").unwrap()..page.find(".SH FILES").unwrap()];
        let codes: Vec<u8> = ExitStatus::ALL.iter().map(|s| *s as u8).collect();
        assert_eq!(codes, (0..=9).collect::<Vec<u8>>());
        for code in codes {
            assert!(exit.contains(&format!(".TP\n\\fB{code}\\fR\n")), "{code}");
        }
        for word in [
            "NAVSYNC_CONFIG",
            "NAVSYNC_DATA_DIR",
            "NO_COLOR",
            "LC_ALL",
            "LANG",
            "XDG_CONFIG_HOME",
            "navsync.sock",
            "token-cache.json",
            "logs/",
            "config.toml",
        ] {
            assert!(page.contains(word), "{word}");
        }
    }
}

//! Command line: clap definitions and dispatch to the subcommands. Exit codes
//! are part of the interface for cron and systemd (see `ExitStatus`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::activities::ActivitiesCommand;
use crate::commands::demo::DemoArgs;
use crate::commands::seats::SeatsCommand;
use crate::commands::serve::ServeArgs;
use crate::commands::sim::SimArgs;
use crate::commands::sync::SyncArgs;
use crate::exit::ExitStatus;

#[derive(Debug, Parser)]
#[command(
    name = "navsync",
    version,
    about = "Two-way sync between a sales-prospecting workspace and Microsoft Dynamics 365 online",
    long_about = "Two-way sync between a sales-prospecting workspace and Microsoft Dynamics 365 online.\n\nWith no subcommand, opens the full-screen console (needs a terminal). The subcommands run headless for scripts, cron and systemd."
)]
pub(crate) struct Cli {
    /// Config file, also given by $NAVSYNC_CONFIG (default:
    /// ~/.config/navsync/config.toml).
    #[arg(long, global = true, value_name = "PATH", env = "NAVSYNC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory holding the store, token cache and logs, also given
    /// by $NAVSYNC_DATA_DIR (default: ~/.local/share/navsync).
    #[arg(long, global = true, value_name = "PATH", env = "NAVSYNC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the built-in Dynamics 365 emulator and open the console against it.
    Demo(DemoArgs),
    /// Run a sync cycle without the console (for cron and systemd); through
    /// the running service when there is one.
    Sync(SyncArgs),
    /// Run the engine as a long-running service (systemd): schedule, inbox,
    /// writeback; consoles and commands attach to it. SIGTERM stops it.
    Serve(ServeArgs),
    /// Print connection state, CRM user, org version, last sync and last error.
    Status {
        /// Print one JSON object (stable schema, see README).
        #[arg(long, conflicts_with = "check")]
        json: bool,
        /// For monitoring: print the health verdict on one line and exit
        /// 0 ok, 1 degraded, 2 failing, 3 offline.
        #[arg(long, conflicts_with = "watch")]
        check: bool,
        /// Keep watching: print again whenever something changes (with
        /// --json, one object per line), until Ctrl-C or end of input.
        #[arg(long)]
        watch: bool,
    },
    /// Print the log (the last lines, or one run's), and follow it with -f.
    Logs {
        /// Keep printing new lines as they are written, until Ctrl-C.
        #[arg(short, long)]
        follow: bool,
        /// How many of the last lines to print.
        #[arg(short = 'n', long, default_value_t = 200, value_name = "N")]
        lines: usize,
        /// Only the lines written while run N ran (`navsync status` and the
        /// console's Sync tab number the runs).
        #[arg(long, value_name = "N")]
        run: Option<i64>,
    },
    /// Check this host the way support would (files and their modes, the
    /// service, the clock, the CRM and sign-in reachable), and optionally
    /// write a support bundle holding no secret or token.
    Doctor {
        /// Write a support archive (tar) to FILE: config with secrets
        /// removed, status, the last runs, the last log lines, versions.
        #[arg(long, value_name = "FILE")]
        bundle: Option<PathBuf>,
    },
    /// Connect to the CRM: sign in, run the prerequisite checks, store the connection.
    Connect {
        /// Switch without asking when connected with another sign-in
        /// (e.g. to the integration user); seats, settings and queued
        /// writes are kept.
        #[arg(long)]
        yes: bool,
    },
    /// Stop syncing with the CRM.
    Disconnect {
        /// Also remove every row imported from the CRM ("Yes, clean up all
        /// previously imported CRM data"); workspace data is kept.
        #[arg(long)]
        purge: bool,
    },
    /// List seats, switch their sync, assign seats from CRM users.
    #[command(subcommand)]
    Seats(SeatsCommand),
    /// Bring InMails, messages and notes into the workspace.
    #[command(subcommand)]
    Activities(ActivitiesCommand),
    /// Run the Dataverse + Entra ID emulator alone and print how to connect to it.
    Sim(SimArgs),
    /// Run a benchmark and print its figures against a baseline measured in the same run.
    Bench {
        #[arg(value_enum)]
        which: BenchKind,
        /// `bench scale`: only these parts (the pulls need about 10 GB
        /// for the xl emulator; the others need none).
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<crate::bench::scale::Part>,
        /// `bench scale`: the console part reads the xl store kept in this
        /// directory by an earlier run, or pulls one and keeps it there.
        #[arg(long, value_name = "DIR")]
        console_store: Option<PathBuf>,
        /// `bench scale`'s child process: writes the matching tenant into
        /// a store here and exits.
        #[arg(long, hide = true)]
        fill_matching: Option<PathBuf>,
    },
    /// Write a config file: asks for the instance, tenant, client id and
    /// sign-in method, checks each answer, writes it readable by you only.
    Init,
    /// Print a shell completion script (e.g. `navsync completions bash >
    /// /etc/bash_completion.d/navsync`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `navsync man > navsync.1`.
    Man,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BenchKind {
    /// Full pull of the large tenant vs a download-and-discard floor.
    Pull,
    /// 10k activities written back vs one POST per activity.
    Writeback,
    /// Matching 50k activities against 200k contacts.
    Match,
    /// Frame times of the big tables.
    Ui,
    /// The pull, the incremental run and matching at the large tenant and
    /// at ten times it (xl).
    Scale,
}

/// Parses the arguments and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli).into()
}

fn run(cli: Cli) -> ExitStatus {
    // The environment's language until the config (which may name one) is
    // read: `init` and config errors speak it too.
    crate::i18n::set(crate::i18n::lang_from_env(|k| std::env::var(k).ok()));
    // Commands about navsync itself read no config and touch no data dir.
    match cli.command {
        Some(Command::Init) => return crate::commands::init::run(cli.config.as_deref()),
        Some(Command::Completions { shell }) => return completions(shell),
        Some(Command::Man) => {
            return crate::commands::man::run(<Cli as clap::CommandFactory>::command());
        }
        _ => {}
    }
    // `status` answers without a config too ("unconfigured").
    let needs_config = !matches!(
        cli.command,
        Some(
            Command::Demo(_)
                | Command::Sim(_)
                | Command::Bench { .. }
                | Command::Status { .. }
                | Command::Logs { .. }
                | Command::Doctor { .. }
        )
    );
    let config = match crate::config::load(cli.config.as_deref(), needs_config) {
        Ok(c) => c,
        // The console on a first run offers to write the config.
        Err(crate::config::ConfigError::Missing(path))
            if cli.command.is_none() && interactive() =>
        {
            let stdin = std::io::stdin();
            if !crate::commands::init::offer(&path, &mut stdin.lock(), &mut std::io::stdout()) {
                return ExitStatus::Usage;
            }
            match crate::config::load(Some(&path), true) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("navsync: {e}");
                    return ExitStatus::Usage;
                }
            }
        }
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Usage;
        }
    };
    crate::i18n::set(config.lang);
    let data_dir = crate::paths::data_dir(cli.data_dir.as_deref());
    if let Err(e) = crate::paths::ensure_private_dir(&data_dir) {
        eprintln!("navsync: {}", data_dir_message(&e));
        return if e.is_refusal() {
            ExitStatus::Usage
        } else {
            ExitStatus::Failure
        };
    }
    let stderr = if matches!(cli.command, Some(Command::Serve(_))) {
        crate::logging::Stderr::On
    } else {
        crate::logging::Stderr::Off
    };
    let _log = match crate::logging::init_with(&data_dir, &config.log_level, stderr) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!(
                "navsync: logging disabled: cannot write to {}: {e}",
                data_dir.display()
            );
            None
        }
    };
    tracing::info!(command = ?cli.command.as_ref().map(command_name), "navsync starting");
    match cli.command {
        None => crate::commands::console::run(config, &data_dir),
        Some(Command::Demo(args)) => crate::commands::demo::run(&args, &config, &data_dir),
        Some(Command::Status { json, check, watch }) => {
            use crate::commands::status::Form;
            let configured = config.source.is_some();
            let form = match (json, check) {
                (_, true) => Form::Check,
                (true, false) => Form::Json,
                (false, false) => Form::Text,
            };
            if watch {
                crate::commands::status::watch(json, &data_dir, configured)
            } else {
                crate::commands::status::run(form, &data_dir, configured)
            }
        }
        Some(Command::Logs { follow, lines, run }) => crate::commands::logs::run(
            crate::commands::logs::LogsArgs { follow, lines, run },
            &data_dir,
        ),
        Some(Command::Doctor { bundle }) => {
            crate::commands::doctor::run(&config, &data_dir, bundle.as_deref())
        }
        Some(Command::Sync(args)) => crate::commands::sync::run(&args, config, &data_dir),
        Some(Command::Serve(args)) => crate::commands::serve::run(&args, config, &data_dir),
        Some(Command::Connect { yes }) => crate::commands::connect::run(config, yes, &data_dir),
        Some(Command::Disconnect { purge }) => {
            crate::commands::disconnect::run(config, purge, &data_dir)
        }
        Some(Command::Seats(c)) => crate::commands::seats::run(c, &config, &data_dir),
        Some(Command::Activities(c)) => crate::commands::activities::run(c, config, &data_dir),
        Some(Command::Sim(a)) => crate::commands::sim::run(&a),
        Some(Command::Bench {
            which,
            only,
            console_store,
            fill_matching,
        }) => match which {
            BenchKind::Match => crate::bench::matching::run(),
            BenchKind::Writeback => crate::bench::writeback::run(),
            BenchKind::Ui => crate::bench::ui::run(),
            BenchKind::Pull => crate::bench::pull::run(),
            BenchKind::Scale => match fill_matching {
                Some(path) => crate::bench::scale::fill_matching(&path),
                None => crate::bench::scale::run(&only, console_store.as_deref()),
            },
        },
        // Answered above, before the config is read.
        Some(Command::Init | Command::Completions { .. } | Command::Man) => ExitStatus::Ok,
    }
}

/// Why the data dir cannot be used, and what to do about it.
fn data_dir_message(e: &crate::paths::DataDirError) -> String {
    use crate::paths::DataDirError as E;
    match e {
        E::NotADirectory { dir } => {
            crate::t!("data-dir-not-dir", dir = dir.display().to_string())
        }
        E::ForeignOwner { dir, owner, own } => crate::t!(
            "data-dir-foreign",
            dir = dir.display().to_string(),
            owner = owner.to_string(),
            own = own.to_string()
        ),
        E::Writable { dir, mode } => crate::t!(
            "data-dir-writable",
            dir = dir.display().to_string(),
            mode = format!("{mode:o}")
        ),
        E::Io { dir, source } => crate::t!(
            "data-dir-io",
            dir = dir.display().to_string(),
            error = source.to_string()
        ),
    }
}

/// `navsync completions SHELL`: generated from these clap definitions, so
/// it always knows every subcommand, option and value.
fn completions(shell: clap_complete::Shell) -> ExitStatus {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "navsync", &mut std::io::stdout());
    ExitStatus::Ok
}

/// Whether a person is at the keyboard (both ends are a terminal).
fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Demo(_) => "demo",
        Command::Sync(_) => "sync",
        Command::Serve(_) => "serve",
        Command::Status { .. } => "status",
        Command::Logs { .. } => "logs",
        Command::Doctor { .. } => "doctor",
        Command::Connect { .. } => "connect",
        Command::Disconnect { .. } => "disconnect",
        Command::Seats(_) => "seats",
        Command::Activities(_) => "activities",
        Command::Sim(_) => "sim",
        Command::Bench { .. } => "bench",
        Command::Init => "init",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `ExecStart=` command line of a shipped unit file, `%i` / `%h`
    /// filled in as systemd would.
    fn exec_start(unit: &str) -> Vec<String> {
        let line = unit
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("an ExecStart line");
        line.replace("%i", "contoso")
            .replace("%h", "/home/admin")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_shipped_unit_files_start_navsync_serve() {
        for unit in [
            include_str!("../assets/systemd/navsync@.service"),
            include_str!("../assets/systemd/navsync.user.service"),
        ] {
            let cli = Cli::try_parse_from(exec_start(unit)).expect("navsync accepts it");
            assert!(matches!(cli.command, Some(Command::Serve(_))));
            assert!(unit.contains("KillSignal=SIGTERM"));
            assert!(
                unit.lines()
                    .any(|l| l.starts_with("RestartPreventExitStatus=")
                        && l.split(['=', ' '])
                            .any(|c| c == (ExitStatus::Busy as u8).to_string())),
                "a second engine (exit 8) is not restarted in a loop"
            );
        }
        let system = exec_start(include_str!("../assets/systemd/navsync@.service"));
        let cli = Cli::try_parse_from(system).unwrap();
        assert_eq!(
            cli.data_dir,
            Some(PathBuf::from("/var/lib/navsync/contoso"))
        );
        assert_eq!(cli.config, Some(PathBuf::from("/etc/navsync/contoso.toml")));
    }
}

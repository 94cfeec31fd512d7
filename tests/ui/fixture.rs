//! Fixed console state: a connected tenant with seats, a queue, runs and
//! settings, as the reader would load them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use navsync::config::ActivityKind;
use navsync::engine::interface::event::{Phase, RunProgress};
use navsync::engine::interface::note::Reply;
use navsync::engine::interface::summary::RunSummary;
use navsync::engine::usecases::settings::{Effective, FromConsole};
use navsync::engine::{Command, Event, Status};
use navsync::store::activities::{Activity, ActivityState, NewActivity};
use navsync::store::connection::{ConnState, ConnectionRow};
use navsync::store::mirror::{SystemUser, Table};
use navsync::store::runs::{Outcome, Run, RunMode};
use navsync::store::seats::{Edition, Licence, Seat};
use navsync::store::settings::{Choice, CrmChoices};
use navsync::store::unresolved::{Candidate, NamedCandidate, QueueRow};
use navsync::ui::loader::{ConnectionData, Detail, PurgeCounts, SeatsData, SettingsData, Snapshot};
use navsync::ui::theme::Theme;
use navsync::ui::{App, Clock, ConsoleOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub const NOW: &str = "2026-11-25T07:00:00Z";

pub fn seat(id: i64, name: &str, licence: Licence, user: Option<&str>, sync: bool) -> Seat {
    Seat {
        id,
        member_id: format!("m{id}"),
        name: name.into(),
        email: Some(format!(
            "{}@contoso.com",
            name.split(' ').next().unwrap().to_lowercase()
        )),
        licence,
        edition: if id % 2 == 0 {
            Edition::Enterprise
        } else {
            Edition::Team
        },
        crm_user_id: user.map(str::to_string),
        sync_enabled: sync,
    }
}

fn user(id: &str, name: &str, disabled: bool, app: bool) -> SystemUser {
    SystemUser {
        systemuserid: id.into(),
        fullname: name.into(),
        email: Some(format!("{}@contoso.com", id)),
        isdisabled: disabled,
        is_application_user: app,
        modifiedon: None,
    }
}

pub fn seats_data() -> SeatsData {
    SeatsData {
        seats: vec![
            seat(1, "Ana Pérez", Licence::Admin, Some("u-ana"), true),
            seat(2, "Bruno Díaz", Licence::Member, Some("u-bruno"), false),
            seat(3, "Carla Gómez", Licence::Member, None, false),
            seat(4, "Diego Ruiz", Licence::Member, Some("u-diego"), true),
        ],
        users: vec![
            user("u-ana", "Ana Pérez", false, false),
            user("u-bruno", "Bruno Díaz", false, false),
            user("u-diego", "Diego Ruiz", false, false),
            user("u-elena", "Elena Mora", false, false),
            user("u-fer", "Fernando Gil", false, false),
            user("u-old", "Old Leaver", true, false),
            user("u-app", "navsync integration", false, true),
        ],
        auto_sync_all: false,
        // Bruno has activities on their way to the CRM.
        waiting: [(
            2,
            navsync::store::seats::Waiting {
                undecided: 3,
                queued: 1,
            },
        )]
        .into(),
    }
}

pub fn queue() -> Vec<QueueRow> {
    let row = |id: i64, name: &str, company: Option<&str>, kind: &str, holder: &str, at: &str| {
        QueueRow {
            activity_id: id,
            member_name: name.into(),
            member_company: company.map(str::to_string),
            kind: kind.parse().unwrap(),
            seat_holder: holder.into(),
            queued_at: t(at),
            dismissed: false,
            // Written five minutes before it was queued.
            occurred_at: t(at) - chrono::Duration::minutes(5),
            reason: match company {
                Some(c) => navsync::store::reason::Reason::NoContactAt {
                    account: Some(c.into()),
                },
                None => navsync::store::reason::Reason::NoCompany,
            },
            messages: None,
            top_candidate: (id == 101).then(|| ("c-lucia".into(), Some("Lucía Fernández".into()))),
            // The CRM has the first two; it refused the third (403).
            state: if id == 103 {
                ActivityState::Queued
            } else {
                ActivityState::WrittenOpen
            },
            last_error: (id == 103).then(|| {
                "insufficient CRM privileges: POST tasks: HTTP 403: Principal user is missing prvCreateActivity privilege".into()
            }),
        }
    };
    vec![
        row(
            101,
            "Lucía Fernández Soto",
            Some("Fabrikam S.A."),
            "inmail",
            "Ana Pérez",
            "2026-11-22T09:00:00Z",
        ),
        row(
            102,
            "Marco Rossi",
            Some("Northwind"),
            "message",
            "Bruno Díaz",
            "2026-11-24T18:30:00Z",
        ),
        row(
            103,
            "Sven Larsen",
            None,
            "note",
            "Ana Pérez",
            "2026-11-25T06:40:00Z",
        ),
    ]
}

pub fn detail_101() -> Detail {
    Detail {
        activity: Activity {
            id: 101,
            new: NewActivity {
                external_id: "x-101".into(),
                seat_id: 1,
                kind: ActivityKind::Inmail,
                member_name: "Lucía Fernández Soto".into(),
                member_company: Some("Fabrikam S.A.".into()),
                member_title: Some("Head of Procurement".into()),
                member_email: Some("lucia.fernandez@fabrikam.example".into()),
                member_profile_url: None,
                subject: "Renewal next quarter".into(),
                body: "Hi Lucía,\nfollowing up on our call about the renewal.".into(),
                occurred_at: "2026-11-22T08:55:00Z".into(),
                copy_to_crm: true,
                thread: None,
                tag: None,
                sender: None,
            },
            state: ActivityState::WrittenOpen,
            crm_activity_id: Some("act-101".into()),
            matched_contactid: None,
            match_reason: None,
            attempts: 1,
            last_error: None,
            conversation_id: None,
            messages: None,
            version: 0,
        },
        candidates: vec![
            NamedCandidate {
                candidate: Candidate {
                    contactid: "c-lucia".into(),
                    score: 0.91,
                    reason: navsync::store::reason::Reason::NameCompany { score: 0.91 },
                },
                fullname: Some("Lucía Fernández".into()),
                email: Some("lfernandez@fabrikam.example".into()),
                jobtitle: Some("Procurement Lead".into()),
                company: Some("Fabrikam S.A.".into()),
                owner: Some("Ana Pérez".into()),
                createdon: Some(t("2024-03-12T09:30:00Z")),
            },
            NamedCandidate {
                candidate: Candidate {
                    contactid: "c-lucia2".into(),
                    score: 0.74,
                    reason: navsync::store::reason::Reason::NameElsewhere {
                        score: 0.74,
                        account: Some("Contoso".into()),
                    },
                },
                fullname: Some("Lucia Soto".into()),
                email: None,
                jobtitle: None,
                company: Some("Contoso".into()),
                owner: None,
                createdon: None,
            },
        ],
    }
}

/// What a purge would remove, as the confirmation's read counts it.
pub fn purge_counts() -> PurgeCounts {
    PurgeCounts {
        mirrored: vec![
            (Table::SystemUsers, 12),
            (Table::Opportunities, 1_480),
            (Table::Accounts, 2_310),
            (Table::Contacts, 15_022),
        ],
        saved_accounts: 640,
        saved_leads: 3_905,
    }
}

pub fn connection() -> ConnectionData {
    ConnectionData {
        row: Some(ConnectionRow {
            state: ConnState::Connected,
            instance_url: "https://contoso.crm4.dynamics.com".into(),
            tenant_id: "t".into(),
            client_id: "c".into(),
            auth_method: "client_secret".into(),
            crm_user_id: Some("u-int".into()),
            crm_user_name: Some("navsync integration".into()),
            is_integration_user: true,
            organization_id: Some("org".into()),
            organization_name: Some("Contoso".into()),
            org_version: Some("9.2.24104.196".into()),
            // As a connect stored them before checks were typed (id,
            // passed, detail in words): they read back as stored.
            checks: serde_json::from_str(r#"[{"id":"online","passed":true,"detail":""},{"id":"version","passed":true,"detail":"9.2 (8.2 or later needed)"},{"id":"not_sandbox","passed":true,"detail":""},{"id":"objects_readable","passed":false,"detail":"cannot read: opportunity"}]"#).unwrap(),
            connected_at: Some(t("2026-11-20T10:00:00Z")),
            updated_at: t("2026-11-25T06:48:00Z"),
            last_error_kind: None,
            last_error_detail: None,
        }),
        switch_to: None,
    }
}

/// Saved lists of two seats: CRM-saved items with their opportunity,
/// a manual save, and one saved both ways.
/// The Saved tab's lines of `rows`, as the console's reader sends them.
pub fn saved(rows: Vec<navsync::store::saved::WorkspaceRow>) -> Snapshot {
    Snapshot::Saved(Box::new(navsync::ui::tabs::saved::SavedData::from_rows(
        rows,
    )))
}

pub fn saved_rows() -> Vec<navsync::store::saved::WorkspaceRow> {
    use navsync::store::saved::{ItemKind, WorkspaceRow};
    let row = |seat: i64,
               holder: &str,
               kind,
               name: &str,
               company: Option<&str>,
               opp: Option<(&str, &str, &str)>,
               manual| WorkspaceRow {
        seat_id: seat,
        seat_holder: holder.into(),
        kind,
        item_id: format!("id-{name}"),
        name: name.into(),
        company: company.map(Into::into),
        manual,
        from_crm: opp.is_some(),
        opportunity: opp.map(|o| o.0.into()),
        stage: opp.map(|o| o.1.into()),
        owner: opp.map(|o| o.2.into()),
    };
    vec![
        row(
            1,
            "Ana Pérez",
            ItemKind::Account,
            "Fabrikam S.A.",
            None,
            Some(("Fabrikam renewal", "2-Develop", "Ana Pérez")),
            false,
        ),
        row(
            1,
            "Ana Pérez",
            ItemKind::Contact,
            "Lucía Fernández",
            Some("Fabrikam S.A."),
            Some(("Fabrikam renewal", "2-Develop", "Ana Pérez")),
            false,
        ),
        row(
            1,
            "Ana Pérez",
            ItemKind::Account,
            "Northwind",
            None,
            None,
            true,
        ),
        row(
            4,
            "Diego Ruiz",
            ItemKind::Account,
            "Contoso Ltd",
            None,
            Some(("Contoso expansion", "3-Propose", "Diego Ruiz")),
            true,
        ),
        row(
            4,
            "diego Ruiz",
            ItemKind::Contact,
            "Ömer Yıldız",
            Some("Contoso Ltd"),
            Some(("Contoso expansion", "3-Propose", "Diego Ruiz")),
            false,
        ),
    ]
}

pub fn runs() -> Vec<Run> {
    let run = |id: i64, when: &str, mode: &str, outcome: Outcome, req: i64| Run {
        id,
        started_at: t(when),
        finished_at: Some(t(when)),
        mode: mode.parse().unwrap(),
        outcome,
        requests: req,
        retries: id % 3,
        throttle_waits: i64::from(id == 3),
        error_kind: None,
        error_detail: None,
        phases: vec![(Phase::Accounts, 120 * id), (Phase::Contacts, 300 * id)],
    };
    vec![
        run(4, "2026-11-25T06:45:00Z", "incremental", Outcome::Ok, 42),
        run(3, "2026-11-25T05:45:00Z", "incremental", Outcome::Error, 17),
        run(2, "2026-11-24T22:00:00Z", "dry_run", Outcome::Ok, 380),
        run(1, "2026-11-24T21:00:00Z", "full", Outcome::Ok, 1_204),
    ]
}

pub fn settings() -> SettingsData {
    SettingsData {
        effective: Effective {
            auto_sync_all_seats: false,
            pipeline_stage: Some(1),
            won_value_field: None,
            writeback_enabled: true,
            writeback_kinds: vec![
                ActivityKind::Inmail,
                ActivityKind::Message,
                ActivityKind::Note,
            ],
            sync_interval: Duration::from_secs(15 * 60),
        },
        choices: Some(CrmChoices {
            stages: vec![
                Choice {
                    value: Some(0),
                    label: "1 - Qualify".into(),
                },
                Choice {
                    value: Some(1),
                    label: "2 - Develop".into(),
                },
                Choice {
                    value: Some(2),
                    label: "3 - Propose".into(),
                },
            ],
            won_value_fields: vec![
                Choice {
                    value: Some("actualvalue".into()),
                    label: "Actual Revenue".into(),
                },
                Choice {
                    value: Some("estimatedvalue".into()),
                    label: "Est. Revenue".into(),
                },
            ],
            read_at: "2026-11-25T06:45:12Z".into(),
        }),
        from_console: FromConsole {
            pipeline_stage: true,
            ..FromConsole::default()
        },
        file: Some((
            "/home/admin/.config/navsync/config.toml".into(),
            [Some(4), Some(5), None, Some(9), Some(10), Some(3)],
        )),
    }
}

pub fn status(running: bool) -> Status {
    Status {
        connected: true,
        instance_url: Some("https://contoso.crm4.dynamics.com".into()),
        crm_user: Some("navsync integration".into()),
        org_version: Some("9.2.24104.196".into()),
        last_sync: Some(t("2026-11-25T06:48:00Z")),
        next_sync: Some(t("2026-11-25T07:03:00Z")),
        next_after_failure: false,
        schedule_paused: false,
        running: running.then(|| RunProgress {
            run_id: 5,
            mode: RunMode::Incremental,
            phase: Phase::Contacts,
            done: 1_200,
            total: Some(4_000),
            requests: 58,
            retries: 2,
            throttled: 3,
            throttled_until: Some(t("2026-11-25T07:00:12Z")),
            retry_until: None,
            retry_reason: None,
            renewing_since: None,
        }),
        last_error: None,
        last_run: None,
        engine_lost: false,
        api_budget: None,
    }
}

/// The app with everything loaded, and the receiver of its commands.
pub fn app_with(theme: Theme, running: bool) -> (App, mpsc::UnboundedReceiver<Command>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut app = App::new(tx, theme, Clock::Fixed(t(NOW)), ConsoleOptions::default());
    app.pending_loads.clear();
    app.on_status(status(running));
    app.on_snapshot(Snapshot::Connection(Box::new(connection())));
    app.on_snapshot(Snapshot::Purge(purge_counts()));
    app.on_snapshot(Snapshot::Sync(runs()));
    app.on_snapshot(Snapshot::Seats(seats_data()));
    app.on_snapshot(Snapshot::Queue(queue()));
    app.on_snapshot(Snapshot::Detail(Box::new(detail_101())));
    app.on_snapshot(Snapshot::Settings(Box::new(settings())));
    app.on_snapshot(saved(saved_rows()));
    if running {
        for ev in [
            Event::RunStarted {
                run_id: 5,
                mode: RunMode::Incremental,
            },
            Event::PhaseFinished {
                run_id: 5,
                phase: Phase::Users,
                rows: 12,
            },
            Event::PhaseFinished {
                run_id: 5,
                phase: Phase::Opportunities,
                rows: 310,
            },
            Event::PhaseFinished {
                run_id: 5,
                phase: Phase::Accounts,
                rows: 205,
            },
        ] {
            app.on_event(ev);
        }
        for (i, rate) in [120.0, 340.0, 510.0, 480.0, 620.0].into_iter().enumerate() {
            app.on_event(Event::Progress {
                run_id: 5,
                phase: Phase::Contacts,
                done: 300 * (i as u64 + 1),
                total: Some(4_000),
                rows_per_sec: rate,
            });
        }
    }
    let lines = [
        (
            tracing::Level::INFO,
            "sync ok: imported 12 accounts, 40 leads; wrote 3 activities",
        ),
        (tracing::Level::WARN, "retry 1 in 2 s: 503 from the CRM"),
        (
            tracing::Level::ERROR,
            "CRM API error — check CRM uptime (500 on contacts)",
        ),
    ];
    for (level, msg) in lines {
        log_line(&mut app, level, msg);
    }
    app.pending_loads.clear();
    (app, rx)
}

pub fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| navsync::ui::render::draw(f, app)).unwrap();
    term.backend().buffer().clone()
}

/// The buffer as plain text, one line per row, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    text(&draw(app, w, h))
}

/// Drains the commands the app has sent so far.
pub fn sent(rx: &mut mpsc::UnboundedReceiver<Command>) -> Vec<Command> {
    let mut out = Vec::new();
    while let Ok(c) = rx.try_recv() {
        out.push(c);
    }
    out
}

/// All of the fixture's data as text (its string values only, not the
/// field names): a word on screen found here is data (a name, a company,
/// a stage label), not a message to translate.
pub fn data_text() -> String {
    let debug = format!(
        "{:?}",
        (
            status(true),
            connection(),
            runs(),
            seats_data(),
            queue(),
            detail_101(),
            settings(),
            saved_rows(),
        )
    );
    // The quoted parts of the Debug text are the strings (whose own
    // quotes, in the checks' JSON, Debug escapes).
    debug
        .replace("\\\"", "'")
        .split('"')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A log line with these words (an inbox problem is said as it is).
pub fn log_line(app: &mut App, level: tracing::Level, words: &str) {
    app.on_event(Event::Log {
        level,
        note: navsync::engine::interface::note::Note::InboxProblem {
            problem: words.into(),
        },
    });
}

/// A run's summary: nothing done, then what `f` sets.
pub fn summary(f: impl FnOnce(&mut RunSummary)) -> RunSummary {
    let mut s = RunSummary {
        dry_run: false,
        accounts_added: 0,
        leads_added: 0,
        accounts_removed: 0,
        leads_removed: 0,
        rows: 0,
        requests: 0,
        reread: Vec::new(),
        writeback: None,
        outcome: Outcome::Ok,
    };
    f(&mut s);
    s
}

/// A reply said as these words (a failure underneath is said as it is).
pub fn said(words: &str) -> Reply {
    Reply::Refused(navsync::engine::interface::note::Refusal::Failed {
        error: words.into(),
    })
}

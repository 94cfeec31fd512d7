//! `navsync sim`: generate a tenant, serve it on 127.0.0.1 and print how to
//! connect (the client secret included: it is this emulator's own secret,
//! and printing it is the point).

use std::time::Duration;

use serde_json::Value;

use crate::exit::ExitStatus;
use crate::sim::tenant::{self, Scale};
use crate::sim::{SimConfig, SimServer};
use clap::Args;

/// The details a client needs, as one JSON object in the documented key
/// order (serde_json's map would sort the keys).
fn details(server: &SimServer) -> String {
    let id = server.identity();
    let fields = [
        ("instance_url", server.instance_url()),
        ("tenant", id.tenant_id.clone()),
        ("client_id", id.client_id.clone()),
        ("client_secret", id.client_secret.clone()),
        ("application_user_id", id.application_user_id.clone()),
        ("token_url", server.token_url()),
        ("control_url", server.control_url()),
    ];
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::from(*k), Value::from(v.as_str())))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn print_text(server: &SimServer, scale: &str, seed: u64) {
    let id = server.identity();
    let url = server.instance_url();
    println!(
        "navsync emulator: Dynamics 365 (Dataverse Web API) + Entra ID, {scale} tenant, seed {seed}"
    );
    println!("  instance URL   {url}   (Web API under {url}/api/data/v9.2/)");
    println!("  tenant id      {}", id.tenant_id);
    println!("  client id      {}", id.client_id);
    println!(
        "  client secret  {}   (this emulator's own secret)",
        id.client_secret
    );
    println!("  token URL      {}", server.token_url());
    println!("  control URL    {}", server.control_url());
    println!();
    println!("Point navsync at it with a config file containing:");
    println!("  [crm]");
    println!("  instance_url = \"{url}\"");
    println!("  authority_url = \"{}\"", server.authority_url());
    println!("  tenant_id = \"{}\"", id.tenant_id);
    println!("  client_id = \"{}\"", id.client_id);
    println!("  client_secret_env = \"NAVSYNC_CLIENT_SECRET\"");
    println!("and export NAVSYNC_CLIENT_SECRET={}", id.client_secret);
    println!(
        "Device-code sign-ins are approved automatically after 3 s. Ctrl-C stops the emulator."
    );
}

/// Resolves on SIGINT or SIGTERM. Built before the details are printed, so
/// a supervisor that signals as soon as it reads them is still heard.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {},
                _ = term.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

pub fn run(args: &SimArgs) -> ExitStatus {
    let Some(scale) = Scale::parse(&args.scale) else {
        eprintln!(
            "navsync sim: unknown scale '{}'; use tiny, demo or large",
            args.scale
        );
        return ExitStatus::Usage;
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("navsync sim: cannot start the async runtime: {e}");
            return ExitStatus::Failure;
        }
    };
    runtime.block_on(async {
        let tenant = tenant::generate(scale, args.seed);
        let cfg = SimConfig {
            port: args.port,
            device_auto_approve: Some(Duration::from_secs(3)),
            cost: args.cost.model(),
            ..SimConfig::default()
        };
        let server = match crate::sim::start(tenant, cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "navsync sim: cannot listen on 127.0.0.1:{}: {e}; pick another --port (0 = any free port)",
                    args.port
                );
                return ExitStatus::Failure;
            }
        };
        let stopped = match stop_signal() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("navsync sim: cannot listen for SIGTERM: {e}");
                return ExitStatus::Failure;
            }
        };
        if args.json {
            println!("{}", details(&server));
        } else {
            print_text(&server, &args.scale, args.seed);
        }
        stopped.await;
        server.shutdown().await;
        ExitStatus::Ok
    })
}

/// The emulator's tenant sizes (see `sim::generator::Scale`).
pub(crate) const SCALES: [&str; 4] = ["tiny", "demo", "large", "xl"];

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Tenant size.
    #[arg(long, default_value = "demo", value_parser = clap::builder::PossibleValuesParser::new(SCALES))]
    pub scale: String,
    /// Seed of the generated tenant.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Print one JSON line with the connection details instead of text.
    #[arg(long)]
    pub json: bool,
    /// Server time per request, row and write: `realistic` (an online
    /// tenant, with x-ms-dop-hint) or `instant`.
    #[arg(long, value_enum, default_value_t = SimCost::Realistic)]
    pub cost: SimCost,
}

/// How much server time the emulator charges (see `navsync::sim::cost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimCost {
    Realistic,
    Instant,
}

impl SimCost {
    pub fn model(self) -> crate::sim::CostModel {
        match self {
            Self::Realistic => crate::sim::CostModel::realistic(),
            Self::Instant => crate::sim::CostModel::instant(),
        }
    }
}

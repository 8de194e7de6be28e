//! The command line. Operators and scripts rely on its commands, options and output (a token or
//! an id alone on stdout, exit codes of `sync run`): add new ones, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use homeroom_schema::Store;
use homeroom_schema::enums::TokenRole;

use crate::cli_ids::row_id_opt;
use crate::config::{Overrides, Settings};
use homeroom_core::ids::NodeKind;
use homeroom_service::tokens::{self, NewToken};

/// Homeroom keeps a school district's rosters and family links in sync and serves them over
/// GraphQL.
#[derive(Debug, Parser)]
#[command(name = "homeroom", version, about)]
pub struct Cli {
    /// TOML settings file (keys in snake_case without the HOMEROOM_ prefix); also
    /// `homeroom serve --config FILE` or env HOMEROOM_CONFIG. (Not global: `connector add`
    /// takes `--config JSON` for the connector's own configuration.)
    #[arg(long, value_name = "FILE", env = "HOMEROOM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: HOMEROOM_DATABASE_URL].
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (GraphQL at /graphql).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage API tokens.
    Token {
        /// Token action.
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// The GraphQL schema.
    Schema {
        /// Schema action.
        #[command(subcommand)]
        action: SchemaCommand,
    },
    /// Manage SIS connectors.
    Connector {
        /// Connector action.
        #[command(subcommand)]
        action: ConnectorCommand,
    },
    /// Run syncs.
    Sync {
        /// Sync action.
        #[command(subcommand)]
        action: SyncCommand,
    },
    /// Import spreadsheets.
    Import {
        /// What to import.
        #[command(subcommand)]
        action: ImportCommand,
    },
    /// Write a synthetic district as OneRoster 1.1 CSV: DIR/day1, and DIR/day2 with --churn.
    GenerateDistrict(GenerateArgs),
    /// Manage people's sign-in accounts.
    Account {
        /// Account action.
        #[command(subcommand)]
        action: AccountCommand,
    },
}

/// `homeroom account …`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Set a staff member's password (read from standard input, one line; never an argument,
    /// which other users of the machine could see): their account is claimed, so they can sign
    /// in with their email address; their existing sessions end.
    SetPassword(SetPasswordArgs),
}

/// `homeroom account set-password` options.
#[derive(Debug, Args)]
pub struct SetPasswordArgs {
    /// The person (global id as the API shows it, or the raw id).
    pub person: String,
    /// District (default: the database's default district).
    #[arg(long, value_name = "ID")]
    pub district: Option<String>,
}

/// `homeroom generate-district` options.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of students.
    #[arg(long)]
    pub students: usize,
    /// Output folder (DIR/day1, DIR/day2).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Percent of students that change on day 2 (adds, updates, removals).
    #[arg(long, value_name = "PCT")]
    pub churn: Option<f64>,
}

/// `homeroom import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import guardian–student links from a CSV file (columns parent_email, student_email or
    /// student_id, relationship_type). Exit 0 when imported (or, with --dry-run, when every row
    /// is valid), 1 when rows are invalid and nothing was imported or the job failed.
    Relationships(ImportRelationshipsArgs),
}

/// `homeroom import relationships` options.
#[derive(Debug, Args)]
pub struct ImportRelationshipsArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Validate and preview only; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Invite the imported families once the import commits.
    #[arg(long)]
    pub invite: bool,
    /// Import the valid rows even when some rows are invalid.
    #[arg(long)]
    pub only_valid_rows: bool,
    /// Print the final job as JSON.
    #[arg(long)]
    pub json: bool,
    /// District (default: the database's default district).
    #[arg(long, value_name = "ID")]
    pub district: Option<String>,
}

/// `homeroom connector …`.
#[derive(Debug, Subcommand)]
pub enum ConnectorCommand {
    /// Add a connector and print its id (only the id, on stdout).
    Add(ConnectorAddArgs),
    /// Upload a OneRoster CSV export (.zip) as the file a oneroster-csv connector reads: it is
    /// stored in the district's folder under the import root, checked, and the connector is
    /// pointed at it.
    Upload {
        /// The connector (global id as the API shows it, or the raw id).
        connector: String,
        /// The zip file.
        file: PathBuf,
    },
}

/// `homeroom connector add` options.
#[derive(Debug, Args)]
pub struct ConnectorAddArgs {
    /// Kind: oneroster-csv, oneroster-rest, clever, classlink, aeries.
    pub kind: String,
    /// Name, unique in the district.
    #[arg(long)]
    pub name: String,
    /// Configuration as JSON, e.g. '{"path": "district.zip"}'.
    #[arg(long, value_name = "JSON")]
    pub config: String,
    /// District (default: the database's default district).
    #[arg(long, value_name = "ID")]
    pub district: Option<String>,
    /// Cron schedule for automatic syncs, e.g. "0 2 * * *".
    #[arg(long, value_name = "CRON")]
    pub schedule: Option<String>,
}

/// `homeroom sync …`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Run a sync now and wait for it: exit 0 when it succeeded, 2 when held, 1 when it failed.
    Run(SyncRunArgs),
}

/// Sync modes on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CliMode {
    /// A full snapshot (removals apply after a complete one).
    Full,
    /// Changes since the last sync.
    Delta,
}

/// `homeroom sync run` options.
#[derive(Debug, Args)]
pub struct SyncRunArgs {
    /// The connector's id.
    pub connector_id: String,
    /// Full snapshot or delta.
    #[arg(long, value_enum, default_value = "full")]
    pub mode: CliMode,
    /// Compute the report without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `homeroom serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [env: HOMEROOM_LISTEN] [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Load the sample district (if the database has none) and print an admin token.
    #[arg(long)]
    pub demo: bool,
    /// TOML settings file (same as `homeroom --config FILE serve`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `homeroom token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (only the token, on stdout).
    Create(TokenCreateArgs),
    /// List tokens and sessions (never their secrets): id, district, role, person or
    /// partner, label, created, last used, revoked.
    List,
    /// Revoke a token or session by id; it stops working at once.
    Revoke {
        /// The token's id (from `homeroom token list`).
        id: String,
    },
}

/// Roles on the command line (the GraphQL role names in snake_case).
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CliRole {
    /// Student.
    Student,
    /// Teacher.
    Teacher,
    /// Aide.
    Aide,
    /// Staff.
    Staff,
    /// School admin.
    SchoolAdmin,
    /// District admin.
    DistrictAdmin,
    /// Guardian.
    Guardian,
    /// Integration partner (with --scope).
    Partner,
}

impl From<CliRole> for TokenRole {
    fn from(r: CliRole) -> Self {
        match r {
            CliRole::Student => TokenRole::Student,
            CliRole::Teacher => TokenRole::Teacher,
            CliRole::Aide => TokenRole::Aide,
            CliRole::Staff => TokenRole::Staff,
            CliRole::SchoolAdmin => TokenRole::SchoolAdmin,
            CliRole::DistrictAdmin => TokenRole::DistrictAdmin,
            CliRole::Guardian => TokenRole::Guardian,
            CliRole::Partner => TokenRole::Partner,
        }
    }
}

/// `homeroom token create` options.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// Role the token acts with.
    #[arg(long, value_enum)]
    pub role: CliRole,
    /// Person the token stands for (required except for district_admin and partner).
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// District (default: the database's default district).
    #[arg(long, value_name = "ID")]
    pub district: Option<String>,
    /// Partner scope, repeatable (e.g. roster:read, connectors:write, webhooks:write).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Partner name.
    #[arg(long, value_name = "NAME")]
    pub partner: Option<String>,
    /// Free-text label.
    #[arg(long)]
    pub label: Option<String>,
}

/// `homeroom schema …`.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the GraphQL SDL.
    Print,
}

/// Runs the parsed command line; the exit code is 0 on success.
pub async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let (listen, serve_config) = match &cli.command {
        Command::Serve(args) => (args.listen.clone(), args.config.clone()),
        _ => (None, None),
    };
    let settings = Settings::load(
        serve_config.as_deref().or(cli.config.as_deref()),
        &Overrides {
            database_url: cli.database_url.clone(),
            listen,
        },
    )?;
    crate::telemetry::init(&settings.log, &settings.log_format);
    match cli.command {
        Command::Schema {
            action: SchemaCommand::Print,
        } => {
            print!("{}", homeroom_graphql::sdl());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let store = Store::open(&settings.database_url)?;
            let applied = store.migrate().await?;
            tracing::info!(count = applied.len(), "migrations applied");
            for name in applied {
                eprintln!("applied {name}");
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Token {
            action: TokenCommand::Create(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            let (_, secret) = tokens::create(
                &store,
                NewToken {
                    district_id: row_id_opt(NodeKind::District, args.district.as_deref())?,
                    role: args.role.into(),
                    person_id: row_id_opt(NodeKind::Person, args.person.as_deref())?,
                    partner_name: args.partner,
                    scopes: args.scopes,
                    label: args.label,
                },
            )
            .await?;
            println!("{secret}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Token {
            action: TokenCommand::List,
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            let fmt =
                |t: Option<i64>| t.map_or_else(|| "-".to_owned(), homeroom_graphql::time::rfc3339);
            for t in tokens::list_all(&store).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\tcreated {}\tused {}\t{}",
                    t.id,
                    t.district_id,
                    t.role,
                    t.person_id
                        .as_deref()
                        .or(t.partner_name.as_deref())
                        .unwrap_or("-"),
                    t.label.as_deref().unwrap_or("-"),
                    fmt(Some(t.created_at)),
                    fmt(t.last_used_at),
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "live"
                    },
                );
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Token {
            action: TokenCommand::Revoke { id },
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            if tokens::revoke_by_operator(&store, &id).await? {
                eprintln!("revoked {id}");
                Ok(std::process::ExitCode::SUCCESS)
            } else {
                eprintln!("no live token {id}");
                Ok(std::process::ExitCode::from(1))
            }
        }
        Command::Serve(args) => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            let key = match crate::secret_key::existing(&settings, &store)? {
                Some(key) => Some(key),
                None if args.demo => Some(homeroom_core::secrets::SecretKey::generate().0),
                None => None,
            };
            let import_root = settings.import_root();
            // The default import folder beside the SQLite file is made on first start, so a
            // district knows where to put its export; a folder the operator named is theirs.
            if settings.import_dir.is_none()
                && settings.database_url.starts_with("sqlite:")
                && !import_root.exists()
            {
                std::fs::create_dir_all(&import_root).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create the import folder {}: {e}",
                        import_root.display()
                    )
                })?;
                tracing::info!(folder = %import_root.display(), "created the import folder (HOMEROOM_IMPORT_DIR)");
            }
            let sync = homeroom_service::sync::SyncService::new(store.clone(), key)
                .with_import_root(import_root);
            if args.demo {
                crate::demo::prepare(&store, &sync, &settings).await?;
            }
            crate::server::serve(store, sync, &settings, args.demo).await?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::GenerateDistrict(args) => {
            let report = homeroom_district_gen::generate_to_dir(
                homeroom_district_gen::GenerateOptions {
                    students: args.students,
                    seed: args.seed,
                    churn_pct: args.churn,
                },
                &args.out,
            )?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Connector {
            action: ConnectorCommand::Add(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            crate::commands::connector_add(&store, &settings, args).await
        }
        Command::Connector {
            action: ConnectorCommand::Upload { connector, file },
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            crate::commands::connector_upload(&store, &settings, &connector, &file).await
        }
        Command::Import {
            action: ImportCommand::Relationships(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            crate::import_cmd::import_relationships(&store, &settings.public_url, args).await
        }
        Command::Sync {
            action: SyncCommand::Run(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            crate::commands::sync_run(&store, &settings, args).await
        }
        Command::Account {
            action: AccountCommand::SetPassword(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            crate::commands::account_set_password(&store, args).await
        }
    }
}

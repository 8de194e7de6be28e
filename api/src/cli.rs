//! The command line, exactly as `operations.md` names it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use homeroom_schema::Store;
use homeroom_schema::enums::TokenRole;

use crate::config::{Overrides, Settings};
use crate::service::tokens::{self, NewToken};

/// Homeroom keeps a school district's rosters and family links in sync and serves them over
/// GraphQL.
#[derive(Debug, Parser)]
#[command(name = "homeroom", version, about)]
pub struct Cli {
    /// TOML config file (keys in snake_case without the HOMEROOM_ prefix).
    #[arg(long, global = true, value_name = "FILE")]
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
}

/// `homeroom token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (only the token, on stdout).
    Create(TokenCreateArgs),
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
    /// Partner scope, repeatable (e.g. roster:read, connectors:write).
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

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve(args) => args.listen.clone(),
        _ => None,
    };
    let settings = Settings::load(
        cli.config.as_deref(),
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
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let store = Store::open(&settings.database_url)?;
            let applied = store.migrate().await?;
            tracing::info!(count = applied.len(), "migrations applied");
            for name in applied {
                eprintln!("applied {name}");
            }
            Ok(())
        }
        Command::Token {
            action: TokenCommand::Create(args),
        } => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            let (_, secret) = tokens::create(
                &store,
                NewToken {
                    district_id: args.district,
                    role: args.role.into(),
                    person_id: args.person,
                    partner_name: args.partner,
                    scopes: args.scopes,
                    label: args.label,
                },
            )
            .await?;
            println!("{secret}");
            Ok(())
        }
        Command::Serve(args) => {
            let store = Store::open_and_migrate(&settings.database_url).await?;
            if args.demo {
                crate::demo::prepare(&store, &settings).await?;
            }
            crate::server::serve(store, &settings.listen).await
        }
    }
}

//! The `homeroom` binary.

use clap::Parser;

/// mimalloc instead of glibc's malloc: a GraphQL answer is built from many small allocations,
/// and glibc's allocator took over a quarter of the server's CPU on a class roster (perf, 50k
/// students); mimalloc's thread-local free lists make each a few instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = homeroom::cli::Cli::parse();
    match homeroom::cli::run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

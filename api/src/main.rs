use clap::Parser;

// A request allocates and frees thousands of small values (parsed documents, rows, JSON); glibc's
// allocator took a quarter of the server's CPU in the load test's profile (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    jobboard::cli::run(jobboard::cli::Cli::parse()).await
}

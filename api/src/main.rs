use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    jobboard::cli::run(jobboard::cli::Cli::parse()).await
}

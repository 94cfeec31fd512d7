#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    navsync::cli::main()
}

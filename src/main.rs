fn main() -> std::process::ExitCode {
    navsync::cli::main()
}

//! Headless subcommands, one module each; `cli` parses and dispatches here.

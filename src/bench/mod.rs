//! `navsync bench`: each benchmark measures a part of navsync against a
//! baseline taken in the same run and prints the ratio with its target.
//! They drive the engine, the console and the emulator from outside, as a
//! user's run would; none of those layers depends on them.

mod console;
pub mod matching;
pub mod pull;
pub mod scale;
pub mod ui;
pub mod writeback;

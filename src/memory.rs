//! Gives the system back the memory a run freed.
//!
//! glibc keeps what a thread freed in that thread's arena and returns
//! pages only from the top of a heap. A full pull of a million contacts
//! parses its pages on the runtime's threads and frees them on the
//! writer's, so after it the process stayed at 160 MB with most of it
//! free, and writeback's matching index (built on the writer's thread,
//! from its own arena) came on top of that. `malloc_trim(0)` hands every
//! arena's free pages back: measured at xl, 159 MB resident became 90 MB.
//! Other allocators (musl's, macOS's) return memory themselves or have
//! no such call, so elsewhere this does nothing.

/// Returns the free pages of every allocator arena to the system. It
/// walks and locks each arena in turn, so it is called between phases,
/// off the async threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release_freed() {
    // SAFETY: malloc_trim takes no pointers and has no preconditions;
    // glibc locks each arena while it trims it.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}

/// Keeps glibc from moving large blocks into its arenas.
///
/// glibc maps a block of 128 KiB or more on its own and unmaps it when
/// it is freed, but each time it frees one it raises that threshold to
/// the block's size (up to 32 MB). After a pull's first pages, their
/// multi-MB buffers, and later the matching index's growing arrays, were
/// carved from the arenas instead, where each outgrown copy and each
/// hole stayed resident. Fixed at 128 KiB, measured with `bench scale`:
/// the xl pull's peak went from 177 to 147 MB, and `bench pull`'s from
/// 130 to 116 MB, at the same speed. Set once, before the runtime's
/// threads start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn map_large_blocks() {
    /// glibc's own starting threshold.
    const MAPPED_FROM: libc::c_int = 128 << 10;
    // SAFETY: mallopt takes two integers and has no preconditions; called
    // before other threads allocate.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn map_large_blocks() {}

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

/// While a run holds it, blocks of 128 KiB and more get mappings of
/// their own, given back when freed; when the last run drops it, blocks
/// up to 32 MB come from the allocator's arenas again.
///
/// glibc maps a block of 128 KiB or more on its own, but each time it
/// frees one it raises that threshold to the block's size (up to 32 MB),
/// and its trim threshold to twice that. After a pull's first pages,
/// their multi-MB buffers and then the matching index's growing arrays
/// were carved from the arenas, where outgrown copies and holes stayed
/// resident. Fixed at 128 KiB for a run, measured with `bench scale`:
/// the xl pull's peak went from 177 to 137-147 MB, and matching's (with
/// smaller store chunks) from 229 to 147-152 MB; `bench pull`'s from 130
/// to 116 MB, at the same speed. Between
/// runs the console filters a million lines per keystroke into buffers
/// of up to 9 MB: from an arena they are the last keystroke's pages,
/// mapped anew they were 2-3 ms of page faults per keystroke.
pub struct LargeBlocksMapped(());

/// Runs holding [`LargeBlocksMapped`] (tests run engines side by side);
/// the setting changes under this lock, so a run that starts as the
/// last one ends cannot be left with the threshold set between runs.
static RUNS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

impl LargeBlocksMapped {
    pub fn new() -> Self {
        let mut runs = RUNS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *runs == 0 {
            mmap_threshold(128 << 10);
        }
        *runs += 1;
        Self(())
    }
}

impl Default for LargeBlocksMapped {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for LargeBlocksMapped {
    fn drop(&mut self) {
        let mut runs = RUNS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *runs = runs.saturating_sub(1);
        if *runs == 0 {
            mmap_threshold(32 << 20);
        }
    }
}

/// Fixes glibc's mmap threshold at `bytes` (and its trim threshold at
/// its own default, no longer raised with it).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn mmap_threshold(bytes: libc::c_int) {
    // SAFETY: mallopt takes two integers and has no preconditions; glibc
    // takes its lock to change the setting.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn mmap_threshold(_bytes: i32) {}

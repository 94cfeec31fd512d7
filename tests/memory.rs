//! The run gives its freed memory back (`navsync::memory`). Its own test
//! binary, so no other test allocates while one reads this process's
//! resident memory; its tests take [`ALONE`] for the same reason.

/// Held by each test while it allocates and reads the resident memory.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// This process's resident memory in KiB, from /proc.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// 64 MB in small blocks, allocated on one thread and freed on another
/// (as the pull's pages are), stay resident until released.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn memory_freed_on_another_thread_is_given_back() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let blocks: Vec<Vec<u8>> =
        std::thread::spawn(|| (0..65_536).map(|i| vec![i as u8; 1000]).collect())
            .join()
            .unwrap();
    // Kept: one block in 64, so the arena cannot shrink from its top.
    let kept: Vec<Vec<u8>> = blocks.into_iter().step_by(64).collect();
    let before = resident_kb();
    navsync::memory::release_freed();
    let after = resident_kb();
    assert!(
        before.saturating_sub(after) > 32 * 1024,
        "resident {before} KiB before the release, {after} KiB after"
    );
    assert_eq!(kept.len(), 1024);
}

/// After an 8 MB block was freed, glibc's own rule takes blocks up to
/// that size from an arena, where freed ones below a live block stay
/// resident: 12 MB of 512 KiB blocks would stay. While a run holds
/// `LargeBlocksMapped` they are mapped on their own and go back when
/// freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn large_blocks_go_back_when_freed_during_a_run() {
    let _alone = ALONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _run = navsync::memory::LargeBlocksMapped::new();
    drop(std::hint::black_box(vec![1u8; 8 << 20]));
    let blocks: Vec<Vec<u8>> = (0..24).map(|i| vec![i as u8 | 1; 512 << 10]).collect();
    // A live block after them, so they cannot go back as the arena's top.
    let guard = std::hint::black_box(vec![7u8; 64]);
    let held = resident_kb();
    drop(blocks);
    let after = resident_kb();
    assert!(
        held.saturating_sub(after) > 8 * 1024,
        "resident {held} KiB with the blocks, {after} KiB after they were freed"
    );
    assert_eq!(guard.len(), 64);
}

//! The run gives its freed memory back (`navsync::memory`). Its own test
//! binary, so no other test allocates while it reads this process's
//! resident memory.

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

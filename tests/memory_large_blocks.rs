//! Large blocks are given back as soon as they are freed while a run
//! holds `navsync::memory::LargeBlocksMapped`. Its own test binary: the
//! setting is the process's, and no other test may allocate while this
//! one reads the resident memory.

/// This process's resident memory in KiB, from /proc.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// After an 8 MB block was freed, glibc's own rule takes blocks up to
/// that size from an arena, where freed ones below a live block stay
/// resident: 12 MB of 512 KiB blocks would stay. Mapped on their own,
/// they go back when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn large_blocks_go_back_when_freed_after_a_larger_one() {
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

//! A plain POSIX ustar archive of small text files, for `doctor --bundle`:
//! `tar xf` opens it anywhere, and the few lines here spare a dependency.
//! The file is created new (never overwriting) and readable by its owner
//! only.

use std::io::Write;
use std::path::Path;

const BLOCK: usize = 512;

/// Writes `files` (name, text) to a new archive at `path`.
pub fn write(path: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    let mtime = chrono::Utc::now().timestamp().max(0) as u64;
    for (name, text) in files {
        out.write_all(&header(name, text.len() as u64, mtime)?)?;
        out.write_all(text.as_bytes())?;
        let pad = (BLOCK - text.len() % BLOCK) % BLOCK;
        out.write_all(&vec![0; pad])?;
    }
    // The end: two empty blocks.
    out.write_all(&[0; 2 * BLOCK])?;
    out.sync_all()
}

/// A ustar header for a regular file of `size` bytes, mode 0600.
fn header(name: &str, size: u64, mtime: u64) -> std::io::Result<[u8; BLOCK]> {
    if name.len() > 100 || !name.is_ascii() {
        return Err(std::io::Error::other(format!(
            "archive name too long: {name}"
        )));
    }
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], 0o600);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], mtime);
    h[148..156].fill(b' ');
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    let field = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(field.as_bytes());
    Ok(h)
}

/// `n` in octal, zero-padded, NUL-terminated, filling `field`.
fn octal(field: &mut [u8], n: u64) {
    let width = field.len() - 1;
    let text = format!("{n:0width$o}");
    field[..width].copy_from_slice(&text.as_bytes()[text.len() - width..]);
    field[width] = 0;
}

#[cfg(any(test, feature = "testkit"))]
/// The files of an archive [`write`] made: for tests and checks.
pub fn read(bytes: &[u8]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut at = 0;
    while at + BLOCK <= bytes.len() && bytes[at] != 0 {
        let h = &bytes[at..at + BLOCK];
        let name = String::from_utf8_lossy(&h[..100])
            .trim_end_matches('\0')
            .to_string();
        let size_text = String::from_utf8_lossy(&h[124..135]).to_string();
        let size = usize::from_str_radix(size_text.trim_matches(['\0', ' ']), 8).unwrap_or(0);
        let start = at + BLOCK;
        let end = (start + size).min(bytes.len());
        files.push((
            name,
            String::from_utf8_lossy(&bytes[start..end]).into_owned(),
        ));
        at = start + size.div_ceil(BLOCK) * BLOCK;
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip_and_the_system_tar_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.tar");
        let files = vec![
            ("x/a.txt".to_string(), "hello\n".to_string()),
            ("x/big.txt".to_string(), "é".repeat(700)),
        ];
        write(&path, &files).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() % BLOCK, 0);
        assert_eq!(read(&bytes), files);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(write(&path, &files).is_err(), "never overwritten");
        // Where a tar program exists, it agrees.
        if let Ok(out) = std::process::Command::new("tar")
            .arg("tf")
            .arg(&path)
            .output()
        {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&out.stdout), "x/a.txt\nx/big.txt\n");
        }
    }
}

//! A data dir someone else owns or can write is refused before anything
//! is read from it or written to it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn status(data: &Path) -> std::process::Output {
    let cfg = data.parent().unwrap_or(Path::new("/")).join("config.toml");
    let mut c = Command::new(env!("CARGO_BIN_EXE_navsync"));
    c.env("LC_ALL", "C")
        .env_remove("NAVSYNC_CONFIG")
        .arg("--config")
        .arg(cfg)
        .arg("--data-dir")
        .arg(data)
        .arg("status");
    crate::finish(c)
}

#[test]
fn a_data_dir_of_another_uid_or_writable_by_others_is_refused_and_a_new_one_is_private() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg =
        "[crm]\ninstance_url = \"http://127.0.0.1:9\"\ntenant_id = \"t\"\nclient_id = \"c\"\n";
    std::fs::write(tmp.path().join("config.toml"), cfg).unwrap();
    std::fs::create_dir(tmp.path().join("new")).unwrap();
    std::fs::write(tmp.path().join("new/config.toml"), cfg).unwrap();
    // Another uid's dir: one we give away when running as root, else the
    // root directory, which is root's.
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    let foreign = match std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)) {
        Ok(()) => foreign,
        Err(_) => Path::new("/").to_path_buf(),
    };
    let before = std::fs::metadata(&foreign).unwrap().permissions().mode();
    let out = status(&foreign);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("belongs to uid"), "{stderr}");
    assert!(stderr.contains("data dir of your own"), "{stderr}");
    assert_eq!(
        std::fs::metadata(&foreign).unwrap().permissions().mode(),
        before,
        "a refused dir is not chmod-ed"
    );
    assert!(!foreign.join("logs").exists(), "nothing was written to it");

    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = status(&shared);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("can be written by others (mode 777)"),
        "{stderr}"
    );
    assert!(stderr.contains("chmod 700"), "{stderr}");

    let new = tmp.path().join("new/data");
    let out = status(&new);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(crate::mode(&new), 0o700);
}

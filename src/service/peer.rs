//! Who may talk to the engine: only processes of the uid the engine runs
//! as. The socket file is 0600 in a 0700 data dir, so the kernel already
//! keeps others out; the peer-credential check (SO_PEERCRED) holds even if
//! someone loosens those modes, since the socket gives full control of the
//! CRM connection and the workspace.

use tokio::net::UnixStream;

/// Why a peer was turned away.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerRefused {
    #[error("uid {peer} may not use the navsync engine of uid {own}")]
    OtherUser { peer: u32, own: u32 },
    #[error("the peer's credentials could not be read: {0}")]
    Unknown(String),
}

/// The uid this process runs as (the engine's owner).
pub(crate) fn own_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The rule itself: the same uid only (root is not special: a root admin
/// runs `sudo -u navsync navsync`).
pub fn check(peer_uid: u32, own: u32) -> Result<(), PeerRefused> {
    if peer_uid == own {
        Ok(())
    } else {
        Err(PeerRefused::OtherUser {
            peer: peer_uid,
            own,
        })
    }
}

/// Reads the peer's uid from the kernel and applies [`check`].
pub(crate) fn check_stream(stream: &UnixStream) -> Result<(), PeerRefused> {
    let cred = stream
        .peer_cred()
        .map_err(|e| PeerRefused::Unknown(e.to_string()))?;
    check(cred.uid(), own_uid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_of_another_uid_is_refused_and_named() {
        let own = 1000;
        assert_eq!(check(1000, own), Ok(()));
        let err = check(1001, own).unwrap_err();
        assert_eq!(err, PeerRefused::OtherUser { peer: 1001, own });
        assert!(err.to_string().contains("uid 1001"), "{err}");
        assert!(check(0, own).is_err(), "root is another uid too");
        assert!(check(1000, 0).is_err());
    }

    #[tokio::test]
    async fn a_peer_of_the_same_uid_is_accepted_through_the_kernel() {
        let (a, b) = UnixStream::pair().unwrap();
        assert_eq!(check_stream(&a), Ok(()));
        assert_eq!(check_stream(&b), Ok(()));
    }
}

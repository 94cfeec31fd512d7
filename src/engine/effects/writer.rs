//! The single writer connection, owned by one thread. SQLite calls block,
//! so they run here rather than on the async runtime; the command loop and
//! a running sync both hand it closures and await the answer, which keeps
//! every write in one place and in order.

use std::path::Path;
use std::sync::mpsc as std_mpsc;

use tokio::sync::oneshot;

use crate::engine::EngineError;
use crate::store::{Store, StoreError};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A cheap, cloneable handle to the writer thread. The thread ends when the
/// last handle is dropped, closing the store.
#[derive(Clone)]
pub struct Writer {
    jobs: std_mpsc::Sender<Job>,
}

/// The writer thread is gone (it only stops when every handle is dropped,
/// or if a job panicked).
#[derive(Debug, thiserror::Error)]
#[error("the store writer has stopped")]
pub struct WriterGone;

// Here rather than beside `EngineError`, so the interface does not import
// the writer that imports it.
impl From<WriterGone> for EngineError {
    fn from(_: WriterGone) -> Self {
        Self::WriterGone
    }
}

impl Writer {
    /// Opens (migrating) the store at `path` on a new thread.
    pub fn open(path: &Path) -> Result<Self, EngineError> {
        Self::spawn(Store::open(path)?)
    }

    /// Runs an already open store on a new thread.
    pub fn spawn(mut store: Store) -> Result<Self, EngineError> {
        let (jobs, rx) = std_mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("navsync-store".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut store);
                }
                store.commit_pending_or_warn();
            })
            .map_err(EngineError::Thread)?;
        Ok(Self { jobs })
    }

    /// Runs `f` on the writer thread and returns its result.
    pub async fn call<T, E>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<WriterGone> + Send + 'static,
    {
        self.submit(f).await
    }

    /// Queues `f` now and returns a future of its result, so the caller
    /// can do other work (fetch the next page) while the store writes.
    /// Re-readable writes left uncommitted are committed before `f` runs.
    pub(crate) fn submit<T, E>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, E>> + Send + 'static
    where
        T: Send + 'static,
        E: From<WriterGone> + Send + 'static,
    {
        self.submit_rereadable(move |s| {
            s.commit_pending_or_warn();
            f(s)
        })
    }

    /// Like [`submit`](Self::submit) for a write that goes through
    /// [`Store::rereadable`] and may share its transaction with the
    /// re-readable writes before it.
    pub(crate) fn submit_rereadable<T, E>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, E>> + Send + 'static
    where
        T: Send + 'static,
        E: From<WriterGone> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let sent = self
            .jobs
            .send(Box::new(move |s| {
                let _ = tx.send(f(s));
            }))
            .is_ok();
        async move {
            if !sent {
                return Err(WriterGone.into());
            }
            rx.await.map_err(|_| WriterGone)?
        }
    }

    /// Queues `f` and returns at once: store upkeep nobody waits for (a
    /// run's checkpoint), which the next job queues behind. A failure is
    /// logged, as `what`.
    pub(crate) fn queue(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Store) -> Result<(), StoreError> + Send + 'static,
    ) {
        let job: Job = Box::new(move |s| {
            s.commit_pending_or_warn();
            if let Err(e) = f(s) {
                tracing::warn!(error = %e, "{what} failed");
            }
        });
        // A writer already gone has nothing left to keep up.
        let _ = self.jobs.send(job);
    }

    /// Like [`call`](Self::call) inside one transaction.
    pub async fn tx<T, E>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<WriterGone> + From<StoreError> + Send + 'static,
    {
        self.call(move |s| s.transaction(f)).await
    }
}

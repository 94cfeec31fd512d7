//! The metrics port's listener: at most [`MAX_CONNECTIONS`] connections at
//! once, each closed after [`IDLE`] without a byte moving either way. Any
//! local user can connect to a loopback TCP port, and idle connections
//! held open by the thousand would otherwise use up the service's file
//! descriptors, so that even the engine's socket stops accepting. Past the
//! cap, new connections wait in the kernel's backlog for a place.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Metrics connections open at once, at most.
pub(crate) const MAX_CONNECTIONS: usize = 32;
/// A metrics connection with no traffic for this long is closed.
pub(crate) const IDLE: Duration = Duration::from_secs(10);

pub(crate) struct CappedListener {
    inner: TcpListener,
    places: Arc<Semaphore>,
}

impl CappedListener {
    pub fn new(inner: TcpListener) -> Self {
        Self {
            inner,
            places: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
        }
    }
}

impl axum::serve::Listener for CappedListener {
    type Io = IdleLimited;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok(place) = self.places.clone().acquire_owned().await else {
                // Never closed; wait for the task to be stopped.
                std::future::pending::<()>().await;
                continue;
            };
            match self.inner.accept().await {
                Ok((io, addr)) => return (IdleLimited::new(io, place), addr),
                Err(e) => {
                    tracing::warn!("metrics endpoint: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that fails with `TimedOut` once nothing moved for
/// [`IDLE`]; it holds its place under the cap until dropped.
pub(crate) struct IdleLimited {
    io: TcpStream,
    idle: Pin<Box<Sleep>>,
    _place: OwnedSemaphorePermit,
}

impl IdleLimited {
    fn new(io: TcpStream, place: OwnedSemaphorePermit) -> Self {
        Self {
            io,
            idle: Box::pin(tokio::time::sleep(IDLE)),
            _place: place,
        }
    }

    /// What an I/O call that made no progress returns: still pending, or
    /// the idle error once the deadline passed.
    fn pending_or_idle<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        ready!(self.idle.as_mut().poll(cx));
        Poll::Ready(Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "idle metrics connection closed",
        )))
    }

    fn moved(&mut self) {
        self.idle.as_mut().reset(Instant::now() + IDLE);
    }
}

impl AsyncRead for IdleLimited {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.moved();
                Poll::Ready(r)
            }
            Poll::Pending => this.pending_or_idle(cx),
        }
    }
}

impl AsyncWrite for IdleLimited {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.moved();
                Poll::Ready(r)
            }
            Poll::Pending => this.pending_or_idle(cx),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Ready(r) => Poll::Ready(r),
            Poll::Pending => this.pending_or_idle(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_is_closed_and_its_place_given_to_the_next() {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut listener = CappedListener::new(tcp);
        let _clients: Vec<TcpStream> = {
            let mut v = Vec::new();
            for _ in 0..MAX_CONNECTIONS + 1 {
                v.push(TcpStream::connect(addr).await.unwrap());
            }
            v
        };
        let mut held = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            held.push(axum::serve::Listener::accept(&mut listener).await.0);
        }
        assert_eq!(listener.places.available_permits(), 0);
        // The last client waits for a place; the first goes idle.
        let mut first = held.remove(0);
        let mut byte = [0u8; 1];
        let err = first.read(&mut byte).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        drop(first);
        let (_next, _) = axum::serve::Listener::accept(&mut listener).await;
        assert_eq!(listener.places.available_permits(), 0);
    }
}

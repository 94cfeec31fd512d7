//! A console on a TestBackend that publishes what each frame shows, so a
//! test waits for what a user would wait for, never for time to pass.

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use tokio::sync::watch;

/// The screen's text: a line per row, trailing blanks cut.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A TestBackend that publishes the text of every frame it finishes.
pub struct Watched {
    inner: TestBackend,
    frames: watch::Sender<String>,
}

impl Watched {
    /// The backend, and where its frames are read.
    pub fn new(width: u16, height: u16) -> (Self, watch::Receiver<String>) {
        let (frames, rx) = watch::channel(String::new());
        let inner = TestBackend::new(width, height);
        (Self { inner, frames }, rx)
    }

    pub fn buffer(&self) -> &Buffer {
        self.inner.buffer()
    }
}

/// Waits for a frame whose text passes `shows` (the newest frame first)
/// and returns that text.
pub async fn frame_showing(
    frames: &mut watch::Receiver<String>,
    shows: impl Fn(&str) -> bool,
) -> String {
    loop {
        {
            let screen = frames.borrow_and_update();
            if shows(&screen) {
                return screen.clone();
            }
        }
        frames.changed().await.expect("the console stopped drawing");
    }
}

impl Backend for Watched {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    /// The loop ends each frame here.
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        self.frames.send_replace(text(self.inner.buffer()));
        Ok(())
    }
}

//! How far a long run is. The pipeline reports stages and the services it has finished through
//! this trait; the CLI decides whether and how to show it (the library never prints). Progress
//! never changes what a run produces.

/// A receiver of progress, shared by the threads of a run.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// A stage of `total` steps begins, e.g. `("checking", 10_000)` services.
    fn start(&self, stage: &str, total: u64);
    /// One step of the current stage is done.
    fn advance(&self);
    /// The run has nothing more to report.
    fn finish(&self);
}

/// Calls into an optional receiver.
pub(crate) fn start(p: Option<&dyn Progress>, stage: &str, total: usize) {
    if let Some(p) = p {
        p.start(stage, total as u64);
    }
}

pub(crate) fn advance(p: Option<&dyn Progress>) {
    if let Some(p) = p {
        p.advance();
    }
}

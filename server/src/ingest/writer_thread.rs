//! The SQLite writer's own thread (see `commit_queue`): the one writer never waits behind
//! request handlers for a turn on the shared runtime's threads, which under load paces every
//! batch (the measurements are in docs/BENCHMARKS.md).

/// The writer thread's name, as the benchmark finds it in /proc (at most 15 bytes there).
pub const WRITER_THREAD_NAME: &str = "waybill-writer";

/// Runs the single (SQLite) writer on a thread of its own with a one-thread runtime. Each
/// statement is a hand-off to sqlx's SQLite worker thread and back; woken from there, a
/// task on the shared runtime waits in its global queue behind the HTTP tasks, while this
/// thread is simply woken. Falls back to the shared runtime if no runtime can be built; if
/// the thread cannot start, the writer is gone and deliveries are answered 503.
pub fn spawn(writer: impl std::future::Future<Output = ()> + Send + 'static) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    match runtime {
        Ok(runtime) => {
            let started = std::thread::Builder::new().name(WRITER_THREAD_NAME.into()).spawn(move || runtime.block_on(writer));
            if let Err(error) = started {
                tracing::error!(%error, "cannot start the writer thread");
            }
        }
        Err(error) => {
            tracing::warn!(%error, "no runtime of its own for the writer; it runs on the shared one");
            tokio::spawn(writer);
        }
    }
}

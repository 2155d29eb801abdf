//! Interruption: when the run is stopped with SIGINT, SIGTERM or SIGHUP, no temporary file or
//! folder outlives it.
//!
//! The signal handlers only set a flag (`signal_hook::flag`: no `unsafe` here, and nothing but
//! an atomic store runs in the handler). A thread looks at the flags every
//! [`POLL`] and, when one is set, takes the write side of [`GATE`], which every write of a
//! temporary file holds the read side of for as long as the file exists: writes in flight
//! finish (each renames or removes its temporary file), later ones wait forever. It then
//! removes the registered temporary folders and ends the process with the same signal, so the
//! shell sees an interrupted process.
//!
//! Why not `sigwait` in a thread: that needs the signals blocked in every thread, and child
//! processes (`git`) inherit the mask, so Ctrl-C would no longer stop them. Why not a
//! self-pipe woken by the handler: signal-hook's pipe and iterator use sockets, and flinkform
//! makes no network system call at all (tests/security.rs). Handlers are reset when a child
//! process starts a program, so children get the default behaviour.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard};

static GATE: RwLock<()> = RwLock::new(());
static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Held while a temporary file or folder is being made, written or removed.
pub(super) fn writing() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary folder to remove if the run is interrupted.
pub(super) fn register(dir: &Path) {
    DIRS.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(dir.to_path_buf());
}

pub(super) fn unregister(dir: &Path) {
    DIRS.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|d| d != dir);
}

/// Waits for the writes in flight, keeps every later one waiting, and removes the temporary
/// folders.
fn clean_up() {
    let gate = GATE.write().unwrap_or_else(PoisonError::into_inner);
    // Never released: the process ends next.
    std::mem::forget(gate);
    let dirs = std::mem::take(&mut *DIRS.lock().unwrap_or_else(PoisonError::into_inner));
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// How often the interrupt thread looks at the signal flags: short enough that Ctrl-C feels
/// immediate, long enough to cost nothing.
const POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Installs the handlers for SIGINT, SIGTERM and SIGHUP and starts the thread that acts on
/// them.
#[cfg(unix)]
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let signals = [SIGINT, SIGTERM, SIGHUP];
    let flags: Vec<Arc<AtomicBool>> = signals.iter().map(|_| Arc::default()).collect();
    for (s, f) in signals.iter().zip(&flags) {
        signal_hook::flag::register(*s, Arc::clone(f))?;
    }
    std::thread::Builder::new()
        .name("flinkform-interrupt".into())
        .spawn(move || {
            let signal = loop {
                std::thread::sleep(POLL);
                if let Some(i) = flags.iter().position(|f| f.load(Ordering::SeqCst)) {
                    break signals[i];
                }
            };
            clean_up();
            // The default action of these signals ends the process, as if flinkform had not
            // caught it (the shell sees "interrupted", exit status 128 + signal).
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        })?;
    Ok(())
}

/// Elsewhere the process ends on interruption as the platform decides; temporary files of
/// dead runs are removed by the next run ([`super::is_stale_temp`]).
#[cfg(not(unix))]
pub fn install() -> std::io::Result<()> {
    Ok(())
}

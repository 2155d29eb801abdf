//! Interruption: when the run is stopped with SIGINT, SIGTERM or SIGHUP, no temporary file or
//! folder outlives it.
//!
//! The signals are blocked in every thread (the mask is inherited by threads spawned later,
//! so [`install`] runs first thing in `main`) and one thread waits for them with `sigwait`:
//! no signal handler runs arbitrary code, no `unsafe`, and no self-pipe or socket is needed.
//! Child processes start with an empty mask (the standard library resets it), so `git`
//! still stops on Ctrl-C. When a signal comes, the waiting thread takes the write side of
//! [`GATE`], which every write of a temporary file holds the read side of for as long as the
//! file exists: writes in flight finish (each renames or removes its temporary file), later
//! ones wait forever. It then removes the registered temporary folders and ends the process
//! with the same signal, so the shell sees an interrupted process.

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

/// Blocks SIGINT, SIGTERM and SIGHUP and starts the thread that handles them. Call it before
/// any other thread starts (threads inherit the mask).
#[cfg(unix)]
pub fn install() -> std::io::Result<()> {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(s);
    }
    set.thread_block().map_err(std::io::Error::from)?;
    let spawned = std::thread::Builder::new()
        .name("flinkform-interrupt".into())
        .spawn(move || {
            let signal = loop {
                if let Ok(s) = set.wait() {
                    break s;
                }
            };
            clean_up();
            // The default action of these signals ends the process, as if flinkform had never
            // caught it (the shell sees "interrupted", exit status 128 + signal).
            let _ = set.thread_unblock();
            let _ = nix::sys::signal::raise(signal);
            std::process::exit(128 + signal as i32);
        });
    if let Err(e) = spawned {
        let _ = set.thread_unblock();
        return Err(e);
    }
    Ok(())
}

/// Elsewhere the process ends on interruption as the platform decides; temporary files of
/// dead runs are removed by the next run ([`super::is_stale_temp`]).
#[cfg(not(unix))]
pub fn install() -> std::io::Result<()> {
    Ok(())
}

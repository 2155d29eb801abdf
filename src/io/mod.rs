//! The IO edge: the only module that touches the file system. Every read and write of the
//! product goes through it (a test, `tests/io_edge.rs`, fails when code elsewhere in `src/`
//! names `std::fs`, `File`, `walkdir` or a path method that asks the file system), so the
//! trust boundary rests on this one module.
//!
//! Every file in the repository may come from a hostile pull request. What this module
//! guarantees, and why:
//!
//! * **Only regular files are read, without blocking.** A file is opened with `O_NONBLOCK`
//!   (and `O_CLOEXEC`), and its handle is checked with `fstat` before a byte is read: a FIFO
//!   or a device is refused instead of hanging the run or streaming forever
//!   ([`open_regular`]). Checking the handle, not the path, leaves no gap between the check
//!   and the read.
//! * **Reads are bounded.** The size is checked on the handle before reading, and at most
//!   `limit + 1` bytes are ever read from it ([`read_bounded`]), so a 3 GB file costs nothing
//!   and a file that grows while it is read is still refused.
//! * **Links are not followed where the repository names the path** ([`Links::Refuse`]): the
//!   last component is opened with `O_NOFOLLOW`, and every folder above it was reached by a
//!   walk that does not follow links ([`walk`], [`list`]) or checked one component at a time
//!   ([`first_non_folder`]). A link to `.git/config`, `/proc/self/environ` or `/dev/zero`
//!   is reported, never opened. Paths the user typed (`lint FILE`, `--output`, `-C`,
//!   `--crd`) are the user's own choice: links in them are followed ([`Links::Follow`]),
//!   but the file must still be regular and is still read within a bound.
//! * **Writes never go through links and are atomic.** Folders are created one component at
//!   a time and a link on the way is refused ([`Folders`]); a file is written to a
//!   temporary file beside it and renamed over it ([`replace`]) or linked into place only if
//!   nothing is there ([`create_new`]), so a reader sees the old file or the new one.
//! * **Temporary files are private, unique and removed on interruption.** They get random
//!   names (created with `O_EXCL`; process ids collide across containers), mode `0600`
//!   (folders `0700`) and hold a lock while they are live, so that a later run can tell a
//!   dead run's leftovers from a running writer's file ([`is_stale_temp`]). On SIGINT,
//!   SIGTERM or SIGHUP (handled once [`install_interrupt_cleanup`] ran), writes in flight
//!   finish, every temporary folder ([`PrivateDir`]) is removed, and the process ends with
//!   the signal.
//! * **A name that is not UTF-8 is a finding about that path** ([`utf8_relative`]), not a
//!   reason to stop the run.
//!
//! Refusals are data ([`Refusal`]): the caller turns them into a diagnostic at the path (or
//! at the line of `flinkform.yaml` that named it) for repository content, and into an
//! operational error for what the user typed.
//!
//! Cost: a spec is read with `open` + `fstat` + `read` (+ the `read` that sees its end), the
//! same number of system calls as `std::fs::read`; folders are looked at with one `lstat`
//! per component, once per run, never with `canonicalize` per file (docs/performance.md).

/// The largest repository file read whole (a spec, the platform config, a linted manifest):
/// a spec is a page of YAML, and the bound keeps memory small whatever a pull request adds.
pub const MAX_FILE_BYTES: usize = 1 << 20;

mod interrupt;
mod open;
mod refusal;
mod temp;
mod tree;
mod write;

pub use interrupt::install as install_interrupt_cleanup;
pub use open::{Links, open_regular, read_bounded, read_prefix};
pub use refusal::{Kind, ReadError, Refusal};
pub use temp::{PrivateDir, TEMP_SUFFIX, is_stale_temp};
pub use tree::{
    Entry, WalkEntry, WalkError, canonicalize, display, first_non_folder, kind, kind_following,
    list, utf8_relative, walk,
};
pub use write::{
    Folders, create_new, create_new_below, remove_empty_dir, remove_file, replace, write_user_file,
};

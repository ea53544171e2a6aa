//! Whole files read and written safely, for data, model and config files alike.
//!
//! Reading refuses what is not a regular file (a directory, a device such as /dev/zero, a
//! socket) and stops at a byte cap, saying which cap was hit; a FIFO or pipe is read through
//! the same cap, with a note on stderr when nothing writes to it yet instead of a silent wait.
//!
//! Writing goes to a temporary file beside the target, synced, named `.NAME.PID.tmp` once
//! complete (on Linux it is written unnamed until then, so a process killed mid-write leaves
//! nothing), then renamed over it, so a crash never leaves half a file. It replaces only regular files (never a device such as
//! /dev/full, a FIFO or a directory), writes through a symlink to its target rather than
//! replacing the link, keeps the replaced file's permissions, removes its temporary file on
//! every error path, and clears the temporary files of earlier processes that were killed
//! before they could.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Symlinks followed before giving up, as Linux's own limit.
const MAX_SYMLINKS: usize = 40;

/// The most bytes a read may return, and what kind of file the limit is for (named in the
/// message when it is hit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub bytes: u64,
    /// e.g. "a model file"; the message reads "… the limit for a model file".
    pub what: &'static str,
}

/// Why a file could not be read or written. The message follows the file's name: it reads as
/// "PATH: is a directory, not a regular file".
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A directory, device, FIFO or socket where a regular file is needed.
    #[error("is {kind}, not a regular file")]
    NotRegular { kind: &'static str },
    /// A symlink (chain) whose target is not a regular file.
    #[error("is a symlink to {}, which is {kind}, not a regular file", target.display())]
    LinkToNonRegular { target: PathBuf, kind: &'static str },
    #[error("is a chain of more than {MAX_SYMLINKS} symlinks")]
    SymlinkLoop,
    #[error("is larger than {}, the limit for {}", bytes(cap.bytes), cap.what)]
    TooLarge { cap: Cap },
    /// Line `line` (1-based) holds bytes that are not UTF-8.
    #[error("line {line} is not valid UTF-8 text; save the file as UTF-8")]
    NotUtf8 { line: usize },
    #[error("is not a file path (it names a directory)")]
    NotAFilePath,
    #[error("the directory {} does not exist; create it first", .0.display())]
    NoDirectory(PathBuf),
    #[error("cannot be read: {0}")]
    Read(io::Error),
    #[error("cannot create a file in {}: {source}", dir.display())]
    Create { dir: PathBuf, source: io::Error },
    #[error("cannot be written: {0}")]
    Write(io::Error),
}

/// `n` bytes as "8 MB (8000000 bytes)" when a whole number of MB, else "N bytes".
fn bytes(n: u64) -> String {
    const MB: u64 = 1_000_000;
    if n >= MB && n % MB == 0 {
        format!("{} MB ({n} bytes)", n / MB)
    } else {
        format!("{n} bytes")
    }
}

/// What a non-regular file is, for messages.
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(unix)]
fn is_fifo(meta: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &Metadata) -> bool {
    false
}

/// Reads a whole file of at most `cap.bytes` bytes. A regular file larger than the cap is
/// refused before reading; a FIFO or pipe is read until the cap.
pub fn read_bytes(path: &Path, cap: Cap) -> Result<Vec<u8>, FileError> {
    // stat, not open: opening a FIFO would already wait for a writer.
    let meta = fs::metadata(path).map_err(FileError::Read)?;
    let (mut out, file) = if meta.is_file() {
        if meta.len() > cap.bytes {
            return Err(FileError::TooLarge { cap });
        }
        (Vec::new(), File::open(path).map_err(FileError::Read)?)
    } else if is_fifo(&meta) {
        open_fifo(path)?
    } else {
        return Err(FileError::NotRegular {
            kind: kind_of(&meta),
        });
    };
    // One byte past the cap tells a file that is exactly at the cap from one beyond it.
    let room = (cap.bytes + 1).saturating_sub(out.len() as u64);
    file.take(room)
        .read_to_end(&mut out)
        .map_err(FileError::Read)?;
    if out.len() as u64 > cap.bytes {
        return Err(FileError::TooLarge { cap });
    }
    Ok(out)
}

/// Reads a whole UTF-8 text file of at most `cap.bytes` bytes (see [`read_bytes`]), without
/// its byte-order mark if it has one.
pub fn read_text(path: &Path, cap: Cap) -> Result<String, FileError> {
    let bytes = read_bytes(path, cap)?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        FileError::NotUtf8 {
            line: upto.iter().filter(|&&b| b == b'\n').count() + 1,
        }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Opens a FIFO for reading, returning any bytes already read from it and the open file. With
/// a writer already there (a pipe, `<(command)`), at once; with none, after saying on stderr
/// that it waits for one, so the wait is never silent.
#[cfg(unix)]
fn open_fifo(path: &Path) -> Result<(Vec<u8>, File), FileError> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    // A non-blocking open never waits; a first read then tells whether a writer is there:
    // data or "would block" means one is, end-of-file means none.
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(FileError::Read)?;
    let mut first = [0u8; 1];
    let mut said = false;
    let head = loop {
        match file.read(&mut first) {
            // No writer yet. Keep this descriptor and poll it, rather than reopen blocking: a
            // writer that came, wrote and left in between would be missed, and the reopen
            // would then wait forever.
            Ok(0) => {
                if !said {
                    eprintln!(
                        "reluscope: note: {} is a FIFO and nothing writes to it yet; waiting \
                         for a writer (Ctrl-C to stop)",
                        path.display()
                    );
                    said = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(_) => break vec![first[0]],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Vec::new(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FileError::Read(e)),
        }
    };
    // Back to blocking reads for the rest.
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function owns, with flags it just read.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags == -1 || libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == -1 {
            return Err(FileError::Read(io::Error::last_os_error()));
        }
    }
    Ok((head, file))
}

#[cfg(not(unix))]
fn open_fifo(path: &Path) -> Result<(Vec<u8>, File), FileError> {
    Ok((Vec::new(), File::open(path).map_err(FileError::Read)?))
}

/// The file a write to `path` would replace, following symlinks, and its metadata if it
/// exists. Anything but a regular file (or nothing yet) is refused.
fn resolve_target(path: &Path) -> Result<(PathBuf, Option<Metadata>), FileError> {
    if path.as_os_str().is_empty()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR)
        || path.file_name().is_none()
    {
        return Err(FileError::NotAFilePath);
    }
    let mut p = path.to_path_buf();
    for _ in 0..=MAX_SYMLINKS {
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((p, None)),
            Err(e) => return Err(FileError::Write(e)),
        };
        if meta.file_type().is_symlink() {
            let link = fs::read_link(&p).map_err(FileError::Write)?;
            p = match p.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
            continue;
        }
        if meta.is_file() {
            return Ok((p, Some(meta)));
        }
        let kind = kind_of(&meta);
        return Err(if p == path {
            FileError::NotRegular { kind }
        } else {
            FileError::LinkToNonRegular { target: p, kind }
        });
    }
    Err(FileError::SymlinkLoop)
}

/// The directory a target lives in and its file name.
fn dir_and_name(target: &Path) -> Result<(PathBuf, std::ffi::OsString), FileError> {
    let name = target.file_name().ok_or(FileError::NotAFilePath)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(FileError::NoDirectory(dir));
    }
    Ok((dir, name.to_os_string()))
}

/// `.NAME.PID.tmp` in `dir`.
fn temp_path(dir: &Path, name: &std::ffi::OsStr, pid: u32) -> PathBuf {
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{pid}.tmp"));
    dir.join(tmp)
}

/// Removes the `.NAME.PID.tmp` files that processes no longer running left in `dir` (a
/// `kill -9` mid-save). Those of running processes, which may be saving right now, stay.
fn remove_stale_temps(dir: &Path, name: &std::ffi::OsStr) {
    let Some(name) = name.to_str() else { return };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    // Without a way to ask, assume it runs: a leftover file is better than a lost save.
    true
}

/// A temporary file removed when dropped, unless it was renamed into place. On Linux it is
/// written unnamed (`O_TMPFILE`) and gets its `.NAME.PID.tmp` name only once complete, so a
/// process killed mid-write (kill -9, a power cut) leaves nothing behind, however large.
struct TempFile {
    path: PathBuf,
    keep: bool,
    /// Written without a name yet: [`TempFile::name`] links it to `path`.
    unnamed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl TempFile {
    /// Creates the temporary file for `name` in `dir`, replacing only a leftover of an earlier
    /// process that had this process's id.
    fn create(dir: &Path, name: &std::ffi::OsStr) -> Result<(TempFile, File), FileError> {
        let path = temp_path(dir, name, std::process::id());
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed_in(dir) {
            let temp = TempFile {
                path,
                keep: false,
                unnamed: true,
            };
            return Ok((temp, file));
        }
        let open = || OpenOptions::new().write(true).create_new(true).open(&path);
        let file = match open() {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&path);
                open()
            }
            other => other,
        }
        .map_err(|source| FileError::Create {
            dir: dir.to_path_buf(),
            source,
        })?;
        let temp = TempFile {
            path,
            keep: false,
            unnamed: false,
        };
        Ok((temp, file))
    }

    /// Gives the complete, synced `file` its temporary name, ready to be renamed or linked
    /// into place.
    fn name(&mut self, file: &File) -> Result<(), FileError> {
        if !self.unnamed {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            let _ = fs::remove_file(&self.path);
            link_unnamed(file, &self.path).map_err(FileError::Write)?;
        }
        #[cfg(not(target_os = "linux"))]
        let _ = file;
        self.unnamed = false;
        Ok(())
    }
}

/// An unnamed file in `dir`, if the file system can make one (`O_TMPFILE`).
#[cfg(target_os = "linux")]
fn unnamed_in(dir: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .mode(0o666)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)
        .ok()
}

/// Links the unnamed `file` to `path` (through /proc/self/fd, which needs no privilege).
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, path: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    let to = CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that live across the call; linkat only reads
    // them.
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Checks, before any long work, that [`write_atomic`] to `path` can succeed: the target is a
/// regular file or nothing yet, its directory exists, and a temporary file can be created
/// there (it is created and removed). Returns the file that would be written (the symlink's
/// target for a symlink).
pub fn check_writable(path: &Path) -> Result<PathBuf, FileError> {
    let (target, _) = resolve_target(path)?;
    let (dir, name) = dir_and_name(&target)?;
    remove_stale_temps(&dir, &name);
    let (temp, file) = TempFile::create(&dir, &name)?;
    drop(file);
    drop(temp);
    Ok(target)
}

/// Writes `contents` to `path` atomically (see the module's documentation) and returns the
/// file written: `path` itself, or a symlink's target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<PathBuf, FileError> {
    let (target, existing) = resolve_target(path)?;
    let (dir, name) = dir_and_name(&target)?;
    remove_stale_temps(&dir, &name);
    let (mut temp, mut file) = TempFile::create(&dir, &name)?;
    if let Some(meta) = existing {
        file.set_permissions(meta.permissions())
            .map_err(FileError::Write)?;
    }
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(FileError::Write)?;
    temp.name(&file)?;
    drop(file);
    fs::rename(&temp.path, &target).map_err(FileError::Write)?;
    temp.keep = true;
    // The rename itself survives a crash only once the directory is synced; best effort.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(target)
}

/// The names [`write_new`] tries after `path` itself is taken, at most.
const FRESH_NAMES: u32 = 9999;

/// `STEM-n.EXT` beside `path` (`model-2.json`).
fn numbered(path: &Path, n: u32) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// Writes `contents` to a new file and never replaces one: `path` if nothing is there yet,
/// else the first free `STEM-2.EXT`, `STEM-3.EXT`, … beside it. Returns the file written.
/// As atomic as [`write_atomic`]: the synced temporary file is linked into place, and a link
/// fails rather than replace a name another process took meanwhile.
pub fn write_new(path: &Path, contents: &[u8]) -> Result<PathBuf, FileError> {
    if path.file_name().is_none() {
        return Err(FileError::NotAFilePath);
    }
    // A directory, a device or a FIFO there is not a taken name to number around: writing
    // "beside" /dev/full or a directory is not what was asked (as --save refuses them too).
    resolve_target(path)?;
    let (dir, name) = dir_and_name(path)?;
    remove_stale_temps(&dir, &name);
    let (mut temp, mut file) = TempFile::create(&dir, &name)?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(FileError::Write)?;
    temp.name(&file)?;
    drop(file);
    for n in 1..=FRESH_NAMES {
        let target = if n == 1 {
            path.to_path_buf()
        } else {
            numbered(path, n)
        };
        match fs::hard_link(&temp.path, &target) {
            Ok(()) => {
                drop(temp);
                if let Ok(d) = File::open(&dir) {
                    let _ = d.sync_all();
                }
                return Ok(target);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: check, then rename (a name taken in between
            // would be replaced; there is no better way there).
            Err(_) if fs::symlink_metadata(&target).is_err() => {
                let mut temp = temp;
                fs::rename(&temp.path, &target).map_err(FileError::Write)?;
                temp.keep = true;
                return Ok(target);
            }
            Err(_) => continue,
        }
    }
    Err(FileError::Write(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{FRESH_NAMES} numbered names beside it are taken"),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        assert_eq!(write_new(&p, b"one").unwrap(), p);
        assert_eq!(write_new(&p, b"two").unwrap(), dir.path().join("m-2.json"));
        assert_eq!(
            write_new(&p, b"three").unwrap(),
            dir.path().join("m-3.json")
        );
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(fs::read(dir.path().join("m-2.json")).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        assert!(matches!(
            write_new(&dir.path().join("no/m.json"), b"x"),
            Err(FileError::NoDirectory(_))
        ));
    }

    /// A device or a directory at the name is refused, not written around as `full-2`.
    #[test]
    fn write_new_refuses_devices_and_directories() {
        let e = write_new(Path::new("/dev/full"), b"x").unwrap_err();
        assert!(matches!(e, FileError::NotRegular { .. }), "{e}");
        assert!(!Path::new("/dev/full-2").exists());
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sv");
        fs::create_dir(&sub).unwrap();
        let e = write_new(&sub, b"x").unwrap_err().to_string();
        assert!(e.contains("directory"), "{e}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing beside it"
        );
    }

    const CAP: Cap = Cap {
        bytes: 10,
        what: "a test file",
    };

    #[test]
    fn reads_up_to_the_cap_and_not_beyond() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_bytes(&p, CAP).unwrap().len(), 10);
        fs::write(&p, "0123456789x").unwrap();
        let e = read_bytes(&p, CAP).unwrap_err().to_string();
        assert_eq!(e, "is larger than 10 bytes, the limit for a test file");
    }

    #[test]
    fn text_loses_its_byte_order_mark_and_names_the_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, "\u{feff}a,b").unwrap();
        assert_eq!(read_text(&p, CAP).unwrap(), "a,b");
        fs::write(&p, b"a\nb\n\xff").unwrap();
        assert!(matches!(
            read_text(&p, CAP),
            Err(FileError::NotUtf8 { line: 3 })
        ));
    }

    /// While a file is being written nothing of it is in the directory (on Linux): a process
    /// killed then leaves nothing behind; named once complete, it is renamed into place.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_being_written_has_no_name_until_it_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let (mut temp, mut file) = TempFile::create(dir.path(), "h.rlh".as_ref()).unwrap();
        file.write_all(&[7; 100_000]).unwrap();
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no name while writing"
        );
        temp.name(&file).unwrap();
        assert_eq!(fs::read(&temp.path).unwrap().len(), 100_000);
        drop(file);
        drop(temp);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "removed unless kept"
        );
    }

    #[test]
    fn a_temporary_file_is_removed_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (mut temp, file) = TempFile::create(dir.path(), "m.json".as_ref()).unwrap();
        temp.name(&file).unwrap();
        let path = temp.path.clone();
        assert!(path.exists());
        assert!(path.ends_with(format!(".m.json.{}.tmp", std::process::id())));
        drop(temp);
        assert!(!path.exists());
    }

    #[test]
    fn check_writable_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("m.json");
        assert_eq!(check_writable(&target).unwrap(), target);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(matches!(
            check_writable(&dir.path().join("no/m.json")),
            Err(FileError::NoDirectory(_))
        ));
    }
}

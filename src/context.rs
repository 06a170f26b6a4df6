//! `Context`: a shared, reference-counted handle to one libzmq context.

use std::fmt;
use std::os::raw::c_void;
use std::sync::{Arc, Mutex, RwLock};

use crate::error::{check, last_error, Error, Result};

/// Where a context is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Usable.
    Live,
    /// `zmq_ctx_term` was called and was interrupted (`EINTR`): it must be called again, but
    /// nothing else may use the pointer any more.
    Terminating,
    /// `zmq_ctx_term` completed; the pointer is freed and never used again.
    Terminated,
}

/// The state shared by every clone of a [`Context`] and every socket made from it.
struct Shared {
    /// The `void*` from `zmq_ctx_new`, or the errno of its failure.
    raw: std::result::Result<RawCtx, Error>,
    /// Short calls on the pointer hold the read side while `Live`; termination takes the write
    /// side only to change the state, so it never waits on a lock a socket owner might hold.
    state: RwLock<State>,
    /// Serialises `zmq_ctx_term` calls (two clones may call `destroy` at once).
    term_lock: Mutex<()>,
}

#[derive(Clone, Copy)]
struct RawCtx(*mut c_void);

// SAFETY: a libzmq context is thread-safe: every zmq_ctx_* call and zmq_socket may be made
// from any thread. The pointer is only freed by zmq_ctx_term, which `Shared` guards (see
// `state`), so sharing the pointer across threads is sound.
unsafe impl Send for RawCtx {}
// SAFETY: as above.
unsafe impl Sync for RawCtx {}

impl Shared {
    fn state(&self) -> State {
        *self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn set_state(&self, state: State) {
        *self.state.write().unwrap_or_else(|p| p.into_inner()) = state;
    }

    /// One `zmq_ctx_term` (with `retry`, repeated while it is interrupted). Terminating twice
    /// never reaches libzmq; an interrupted termination can be resumed by calling again.
    fn term(&self, retry: bool) -> Result<()> {
        let raw = self.raw?;
        let _serial = self.term_lock.lock().unwrap_or_else(|p| p.into_inner());
        if self.state() == State::Terminated {
            return Ok(());
        }
        // From here on no new call on the pointer starts, and none is in flight: they run
        // under the read lock while `Live`, and this write waits for them.
        self.set_state(State::Terminating);
        loop {
            // SAFETY: `term_lock` makes this the only zmq_ctx_term in progress, the state
            // (not `Terminated`) says the pointer was not freed yet, and no other call uses it
            // (see above). Calling it again after EINTR is what libzmq asks for.
            let rc = unsafe { zmq_sys::zmq_ctx_term(raw.0) };
            if rc == 0 {
                self.set_state(State::Terminated);
                return Ok(());
            }
            let error = last_error();
            if error != Error::EINTR {
                // Only an invalid pointer fails otherwise; never try it again.
                self.set_state(State::Terminated);
                return Err(error);
            }
            if !retry {
                return Err(error);
            }
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last handle: terminate (or finish terminating) unless that already happened.
        // The error, if any, has nobody to go to.
        let _ = self.term(true);
    }
}

/// A ZeroMQ context: the container of a process's sockets and I/O threads.
///
/// Cloning is cheap and shares the one libzmq context. Every [`Socket`](crate::Socket) made
/// from it keeps it alive as well, so dropping the `Context` while sockets live does not
/// block; the libzmq context is terminated when the last handle *and* the last socket are
/// gone. [`Context::destroy`] terminates it explicitly.
#[derive(Clone)]
pub struct Context {
    shared: Arc<Shared>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("terminated", &self.is_terminated())
            .finish()
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Context {
    /// Creates a new libzmq context.
    ///
    /// This cannot return an error (zmq 0.10's signature); if `zmq_ctx_new` fails (e.g. out of
    /// file descriptors), the cause is remembered and every later call on this context returns
    /// it. The first context made in a process also checks that the linked libzmq is one these
    /// bindings can drive (see [`check_library`](crate::check_library)); if not, every call
    /// returns `Err(EPROTONOSUPPORT)`.
    pub fn new() -> Context {
        let raw = match crate::library::check_library() {
            Err(_) => Err(Error::EPROTONOSUPPORT),
            Ok(()) => {
                // SAFETY: zmq_ctx_new has no preconditions; a NULL result is checked below.
                let raw = unsafe { zmq_sys::zmq_ctx_new() };
                if raw.is_null() {
                    Err(last_error())
                } else {
                    Ok(RawCtx(raw))
                }
            }
        };
        Context::adopt(raw)
    }

    /// A live context over `raw` (or one that answers every call with its creation error).
    fn adopt(raw: std::result::Result<RawCtx, Error>) -> Context {
        Context {
            shared: Arc::new(Shared {
                raw,
                state: RwLock::new(State::Live),
                term_lock: Mutex::new(()),
            }),
        }
    }

    /// The raw libzmq context (`void*`), for C code in the same process: sockets it makes with
    /// `zmq_socket` on this pointer share `inproc://` endpoints with this context's Rust
    /// sockets. NULL if the context was destroyed (or `zmq_ctx_new` failed).
    ///
    /// The context stays owned by Rust. The pointer is valid while this context or a clone or
    /// a socket of it lives and [`Context::destroy`] was not called; C code must not terminate
    /// it, and must close its own sockets on it first: the last Rust handle's drop waits for
    /// every socket of the context, as `zmq_ctx_term` does.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let raw = ctx.as_raw();
    /// assert!(!raw.is_null());
    /// // e.g. hand `raw` to a C library that calls zmq_socket(raw, ZMQ_PAIR)
    /// ```
    pub fn as_raw(&self) -> *mut c_void {
        self.with_raw(Ok).unwrap_or(std::ptr::null_mut())
    }

    /// Adopts a raw libzmq context (e.g. one a C library made with `zmq_ctx_new`): the
    /// returned `Context` owns it, and the last of its clones and sockets to go terminates
    /// it (`zmq_ctx_term`). A NULL pointer gives a context whose every call returns
    /// `Err(EFAULT)`.
    ///
    /// # Safety
    /// `raw` must be NULL or a live context from `zmq_ctx_new` (or `zmq_init`) that nothing
    /// else terminates afterwards: ownership passes to Rust. Other code may keep using it
    /// (making and closing sockets) as long as the Rust side holds a handle, and must close
    /// its sockets before the last handle is dropped, or that drop waits for them.
    pub unsafe fn from_raw(raw: *mut c_void) -> Context {
        let raw = if raw.is_null() {
            Err(Error::EFAULT)
        } else {
            Ok(RawCtx(raw))
        };
        Context::adopt(raw)
    }

    /// Runs `f` with the raw context pointer, which stays valid for the duration of the call.
    /// `Err(ETERM)` after [`Context::destroy`], and the creation error if `zmq_ctx_new`
    /// failed. `f` must not block for long: termination waits for it.
    pub(crate) fn with_raw<T>(&self, f: impl FnOnce(*mut c_void) -> Result<T>) -> Result<T> {
        let raw = self.shared.raw?;
        let state = self.shared.state.read().unwrap_or_else(|p| p.into_inner());
        if *state != State::Live {
            return Err(Error::ETERM);
        }
        f(raw.0)
    }

    /// Whether [`Context::destroy`] has terminated this context.
    pub fn is_terminated(&self) -> bool {
        self.shared.state() != State::Live
    }

    /// Terminates the context (`zmq_ctx_term`) and returns its result.
    ///
    /// Blocking calls on this context's sockets in other threads return `Err(ETERM)`; this call
    /// blocks until every socket of the context is closed, and each socket's close waits for
    /// its unsent messages as long as its linger says (by default forever: set a linger on
    /// sockets that may hold messages for an absent peer). The last drop of the context does
    /// the same.
    ///
    /// Afterwards every clone is terminated too: [`Context::socket`] and the option calls return
    /// `Err(ETERM)` without reaching libzmq, and a second `destroy` (or the final drop) does
    /// nothing. If a signal interrupts the termination, this returns `Err(EINTR)` and the
    /// context stays unusable but not yet freed: call `destroy` again to finish (the final
    /// drop also finishes it, retrying for as long as it is interrupted).
    pub fn destroy(&mut self) -> Result<()> {
        self.shared.term(false)
    }

    /// Shuts the context down without waiting (`zmq_ctx_shutdown`): blocking calls on its
    /// sockets return `Err(ETERM)` and new sockets cannot be made, but the context itself is
    /// only freed by [`Context::destroy`] or the last drop.
    pub fn shutdown(&self) -> Result<()> {
        // SAFETY: the pointer is live for the duration of with_raw's closure.
        self.with_raw(|raw| check(unsafe { zmq_sys::zmq_ctx_shutdown(raw) }).map(drop))
    }

    /// Reads an integer context option (`zmq_ctx_get`).
    ///
    /// `zmq_ctx_get` returns the value itself, and -1 both for a failure and for an option
    /// whose value is -1 (`ZMQ_THREAD_SCHED_POLICY`'s default), leaving errno alone in the
    /// second case. So a -1 is asked again with errno first set to `EFAULT` by libzmq itself
    /// (`zmq_ctx_get` on a NULL context, in libzmq's own C runtime, which is where its errno
    /// lives on every platform): on a live context a real failure overwrites that with
    /// `EINVAL`, and an untouched `EFAULT` means -1 was the value.
    pub(crate) fn get_option(&self, option: u32) -> Result<i32> {
        self.with_raw(|raw| {
            // SAFETY: the pointer is live for the duration of with_raw's closure.
            let value = unsafe { zmq_sys::zmq_ctx_get(raw, option as i32) };
            if value != -1 {
                return Ok(value);
            }
            let first = last_error();
            // SAFETY: libzmq checks the context pointer first and answers NULL with EFAULT
            // without dereferencing it.
            let primed = unsafe { zmq_sys::zmq_ctx_get(std::ptr::null_mut(), option as i32) };
            if primed != -1 || last_error() != Error::EFAULT {
                // Not the libzmq this reasoning holds for: keep the plain reading.
                return Err(first);
            }
            // SAFETY: as above; nothing between the two calls touches errno.
            let value = unsafe { zmq_sys::zmq_ctx_get(raw, option as i32) };
            match (value, last_error()) {
                (-1, Error::EFAULT) => Ok(-1),
                (-1, error) => Err(error),
                (value, _) => Ok(value),
            }
        })
    }

    /// Sets an integer context option (`zmq_ctx_set`).
    pub(crate) fn set_option(&self, option: u32, value: i32) -> Result<()> {
        // SAFETY: the pointer is live for the duration of with_raw's closure.
        self.with_raw(|raw| check(unsafe { zmq_sys::zmq_ctx_set(raw, option as i32, value) }))
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_option_read_is_still_an_error() {
        // -1 with errno set by libzmq (an option it does not know) is a failure; only -1 as
        // a value (see `get_option`) is `Ok(-1)`.
        let ctx = Context::new();
        assert_eq!(ctx.get_option(9999), Err(Error::EINVAL));
        assert_eq!(
            ctx.get_option(zmq_sys::ZMQ_THREAD_SCHED_POLICY),
            Ok(-1),
            "libzmq's default"
        );
        assert_eq!(ctx.get_option(zmq_sys::ZMQ_IO_THREADS), Ok(1));
    }
}

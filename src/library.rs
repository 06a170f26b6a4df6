//! The linked libzmq itself: its version, its capabilities, and the one-time check that it
//! is one these bindings can use.

use std::sync::OnceLock;

/// The (major, minor, patch) version of the libzmq this program is linked with.
///
/// ```
/// let (major, _minor, _patch) = zmq::version();
/// assert_eq!(major, 4);
/// ```
pub fn version() -> (i32, i32, i32) {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: zmq_version only writes the three ints we pass.
    unsafe { zmq_sys::zmq_version(&mut major, &mut minor, &mut patch) };
    (major, minor, patch)
}

/// Whether the linked libzmq has a capability: `"ipc"`, `"pgm"`, `"tipc"`, `"norm"`,
/// `"curve"`, `"gssapi"`, `"draft"`.
///
/// Always `Some(..)` (zmq 0.10's signature; it never returned `None`); a name containing a NUL
/// byte is `Some(false)`. [`has_capability`] is the plain `bool` form.
///
/// ```
/// assert_eq!(zmq::has("ipc"), Some(true));
/// assert_eq!(zmq::has("no-such-thing"), Some(false));
/// ```
pub fn has(capability: &str) -> Option<bool> {
    Some(has_capability(capability))
}

/// Whether the linked libzmq has a capability; the `bool` form of [`has`].
pub fn has_capability(capability: &str) -> bool {
    let Ok(name) = crate::error::c_string(capability) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated string, only read by zmq_has.
    unsafe { zmq_sys::zmq_has(name.as_ptr()) == 1 }
}

/// Result of the one-time check of the linked library.
static LIBRARY_CHECK: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// Checks, once per process, that the linked libzmq is at least 4.1 and that its `zmq_msg_t`
/// is the size these bindings were generated for. Returns the reason when it is not.
///
/// [`Context::new`](crate::Context::new) runs this; a failed check makes the context unusable (every call returns
/// `Err(EPROTONOSUPPORT)`) instead of risking memory corruption.
pub fn check_library() -> std::result::Result<(), String> {
    if let Some(result) = LIBRARY_CHECK.get() {
        return result.clone();
    }
    match examine_library() {
        Some(result) => LIBRARY_CHECK.get_or_init(|| result).clone(),
        // Could not ask (no context could be made): the caller reports that failure, and the
        // check runs again next time instead of being skipped for good.
        None => Ok(()),
    }
}

/// The check itself; `None` when libzmq cannot make the throwaway context it needs.
fn examine_library() -> Option<std::result::Result<(), String>> {
    let (major, minor, patch) = version();
    if (major, minor) < (4, 1) {
        return Some(Err(format!(
            "the linked libzmq is {major}.{minor}.{patch}; these bindings need 4.1 or newer"
        )));
    }
    let expected = std::mem::size_of::<zmq_sys::zmq_msg_t>();
    // SAFETY: a throwaway context, used for one zmq_ctx_get and terminated at once.
    let size = unsafe {
        let ctx = zmq_sys::zmq_ctx_new();
        if ctx.is_null() {
            return None;
        }
        let size = zmq_sys::zmq_ctx_get(ctx, zmq_sys::ZMQ_MSG_T_SIZE as i32);
        zmq_sys::zmq_ctx_term(ctx);
        size
    };
    // ZMQ_MSG_T_SIZE exists from 4.3 on; older libraries answer -1 (EINVAL) and keep the
    // 64-byte zmq_msg_t that every 4.x release has had.
    if size >= 0 && size as usize != expected {
        return Some(Err(format!(
            "the linked libzmq {major}.{minor}.{patch} has a {size}-byte zmq_msg_t, but these \
             bindings assume {expected} bytes"
        )));
    }
    Some(Ok(()))
}

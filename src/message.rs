//! `Message`: an owned libzmq message frame (`zmq_msg_t`).

use std::ffi::CStr;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::os::raw::c_void;
use std::{ptr, slice, str};

#[cfg(zmq_draft)]
use crate::error::check;
use crate::error::Result;

/// One message frame, owned: RAII over a `zmq_msg_t`, closed on drop.
///
/// It dereferences to its bytes (`&msg[..]`, `msg.len()`, `msg.to_vec()`). Owned buffers
/// (`Vec<u8>`, `Box<[u8]>`) of more than 33 bytes become messages without a copy: libzmq keeps
/// the allocation and hands it back to Rust's allocator when the last reference (possibly
/// after the send completes in an I/O thread) is gone. Smaller ones are copied into the
/// message itself, which is cheaper.
///
/// ```
/// let msg = zmq::Message::from(vec![1u8; 100]); // zero-copy
/// assert_eq!(&msg[..], &[1; 100]);
/// assert_eq!(zmq::Message::from("hi").as_str(), Some("hi"));
/// ```
pub struct Message {
    msg: zmq_sys::zmq_msg_t,
    /// Set by copy-on-write (see `DerefMut`): the received frame this one's bytes were copied
    /// from, kept so that its "more" flag and metadata still answer for the copy.
    origin: Option<Box<Message>>,
}

// SAFETY: a zmq_msg_t owned by one `Message` is plain data plus (for large messages) a
// reference-counted buffer whose count libzmq updates atomically; it may move between threads
// and be read through `&` from several at once (zmq 0.10 makes the same promise).
unsafe impl Send for Message {}
// SAFETY: see above; `&Message` only allows reads.
unsafe impl Sync for Message {}

impl Drop for Message {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `msg` was initialised by a constructor and is closed only here. The result
        // is ignored: close fails only for an invalid message, which we never hold.
        unsafe {
            zmq_sys::zmq_msg_close(&mut self.msg);
        }
    }
}

/// Aborts like std does on allocation failure (libzmq's init calls only fail for lack of
/// memory); [`Message::try_with_size`] is the form that returns `Err(ENOMEM)` instead.
fn alloc_failed(len: usize) -> ! {
    match std::alloc::Layout::from_size_align(len, 1) {
        Ok(layout) => std::alloc::handle_alloc_error(layout),
        Err(_) => {
            eprintln!("zmq: cannot allocate a message of {len} bytes");
            std::process::abort()
        }
    }
}

impl Message {
    /// Wraps a `zmq_msg_t` that a `zmq_msg_init*` call has initialised.
    #[inline]
    fn from_initialised(msg: zmq_sys::zmq_msg_t) -> Message {
        Message { msg, origin: None }
    }

    /// An empty frame.
    pub fn new() -> Message {
        let mut msg = zmq_sys::zmq_msg_t::default();
        // SAFETY: zmq_msg_init only writes the struct we pass; it cannot fail.
        unsafe { zmq_sys::zmq_msg_init(&mut msg) };
        Message::from_initialised(msg)
    }

    /// A frame of `len` bytes, all zero. Aborts the process if they cannot be allocated (as
    /// std does); see [`Message::try_with_size`].
    pub fn with_size(len: usize) -> Message {
        // SAFETY: the new message has `len` writable bytes, which we zero before anyone reads.
        unsafe {
            let mut msg = Message::with_size_uninit(len);
            ptr::write_bytes(msg.data_ptr(), 0, len);
            msg
        }
    }

    /// A frame of `len` bytes, all zero, or `Err(ENOMEM)` when they cannot be allocated (the
    /// constructors that cannot return an error abort instead, as std's collections do). Use
    /// it for sizes that come from outside the program.
    ///
    /// ```
    /// assert_eq!(zmq::Message::try_with_size(3).unwrap().len(), 3);
    /// assert_eq!(zmq::Message::try_with_size(usize::MAX), Err(zmq::Error::ENOMEM));
    /// ```
    pub fn try_with_size(len: usize) -> Result<Message> {
        // SAFETY: zeroed before anyone reads.
        unsafe {
            let mut msg = Message::try_with_size_uninit(len)?;
            ptr::write_bytes(msg.data_ptr(), 0, len);
            Ok(msg)
        }
    }

    /// A frame of `len` bytes that are not initialised; `Err(ENOMEM)` if they cannot be had.
    ///
    /// # Safety
    /// The caller must write every byte before reading any.
    #[inline]
    unsafe fn try_with_size_uninit(len: usize) -> Result<Message> {
        // libzmq adds its own header to the allocation; refuse what no allocator could give
        // rather than let that sum wrap inside libzmq.
        if len > isize::MAX as usize / 2 {
            return Err(crate::Error::ENOMEM);
        }
        let mut msg = zmq_sys::zmq_msg_t::default();
        // SAFETY: zmq_msg_init_size writes the struct we pass and allocates `len` bytes.
        if unsafe { zmq_sys::zmq_msg_init_size(&mut msg, len) } == -1 {
            return Err(crate::Error::ENOMEM);
        }
        Ok(Message::from_initialised(msg))
    }

    /// A frame of `len` bytes that are not initialised; aborts if they cannot be allocated.
    ///
    /// # Safety
    /// The caller must write every byte before reading any.
    #[inline]
    unsafe fn with_size_uninit(len: usize) -> Message {
        // SAFETY: forwarded to the caller.
        match unsafe { Message::try_with_size_uninit(len) } {
            Ok(msg) => msg,
            Err(_) => alloc_failed(len),
        }
    }

    /// Same as [`Message::with_size`].
    #[deprecated(since = "0.9.1", note = "use `Message::with_size`")]
    pub fn with_capacity(len: usize) -> Message {
        Message::with_size(len)
    }

    /// A frame of `len` uninitialised bytes.
    ///
    /// # Safety
    /// The caller must write every byte before reading any.
    #[deprecated(since = "0.9.1", note = "use `Message::with_size`")]
    pub unsafe fn with_capacity_unallocated(len: usize) -> Message {
        // SAFETY: forwarded to the caller.
        unsafe { Message::with_size_uninit(len) }
    }

    /// Same as `Message::from(data)` (copies).
    #[deprecated(since = "0.9.1", note = "use `Message::from(data)`")]
    pub fn from_slice(data: &[u8]) -> Message {
        Message::from(data)
    }

    /// The frame's size in bytes: what `msg[..].len()` says, with one libzmq call instead of
    /// the two (size and data pointer) that building the slice takes.
    #[inline]
    pub fn len(&self) -> usize {
        // SAFETY: zmq_msg_size only reads the initialised message (libzmq's signature is not
        // const-correct).
        unsafe { zmq_sys::zmq_msg_size(self.raw_ptr() as *mut zmq_sys::zmq_msg_t) }
    }

    /// Whether the frame has no bytes (see [`Message::len`]).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes as `&str`, when they are valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        str::from_utf8(self).ok()
    }

    /// Whether more frames of the same message follow this received frame (`zmq_msg_more`).
    pub fn get_more(&self) -> bool {
        if let Some(origin) = &self.origin {
            return origin.get_more();
        }
        // SAFETY: zmq_msg_more only reads the message; libzmq's signature takes a mutable
        // pointer but does not write through it.
        unsafe { zmq_sys::zmq_msg_more(self.raw_ptr() as *mut _) == 1 }
    }

    /// A metadata property of a received frame (`zmq_msg_gets`): `"Socket-Type"`,
    /// `"Routing-Id"`, `"Peer-Address"`, `"User-Id"`, or one set by a ZAP handler.
    ///
    /// `None` when the property is absent, its name contains a NUL byte, or its value is not
    /// UTF-8 ([`Message::property`] tells these apart and returns the raw bytes).
    pub fn gets<'a>(&'a mut self, property: &str) -> Option<&'a str> {
        self.property(property)
            .ok()
            .flatten()
            .and_then(|b| str::from_utf8(b).ok())
    }

    /// A metadata property as raw bytes: `Ok(None)` when absent, `Err(EINVAL)` for a name with
    /// a NUL byte. The checked form of [`Message::gets`].
    pub fn property(&self, property: &str) -> Result<Option<&[u8]>> {
        if let Some(origin) = &self.origin {
            return origin.property(property);
        }
        let name = crate::error::c_string(property)?;
        // SAFETY: both pointers are valid; libzmq returns NULL or a NUL-terminated string owned
        // by the message's metadata, which lives as long as the message (borrowed here).
        let value = unsafe { zmq_sys::zmq_msg_gets(self.raw_ptr(), name.as_ptr()) };
        if value.is_null() {
            return Ok(None);
        }
        // SAFETY: non-NULL, NUL-terminated, lives as long as `self` (see above).
        Ok(Some(unsafe { CStr::from_ptr(value) }.to_bytes()))
    }

    /// A pointer to the `zmq_msg_t`, for libzmq calls that only read it.
    #[inline]
    pub(crate) fn raw_ptr(&self) -> *const zmq_sys::zmq_msg_t {
        &self.msg
    }

    /// A pointer to the `zmq_msg_t`, for libzmq calls that write it (send, recv, set).
    #[inline]
    pub(crate) fn raw_mut_ptr(&mut self) -> *mut zmq_sys::zmq_msg_t {
        &mut self.msg
    }

    /// To be called after libzmq replaced or took the content (a successful recv or send):
    /// what a copy-on-write kept of the former frame no longer applies.
    #[inline]
    pub(crate) fn content_replaced(&mut self) {
        self.origin = None;
    }

    /// A raw pointer to the `zmq_msg_t`, for passing this message to `zmq_sys` calls. The
    /// message stays owned by `self` (it is closed on drop).
    ///
    /// Not named `as_mut_ptr`: that name already means the data pointer (`<[u8]>::as_mut_ptr`
    /// through `DerefMut`), as code written for zmq 0.10 relies on. If a write through
    /// `DerefMut` had made this message a private copy of a shared frame, the frame's flags and
    /// metadata are forgotten here, since the caller may now replace the content.
    pub fn as_zmq_msg_ptr(&mut self) -> *mut zmq_sys::zmq_msg_t {
        self.content_replaced();
        self.raw_mut_ptr()
    }

    #[inline]
    fn data_ptr(&mut self) -> *mut u8 {
        // SAFETY: the message is initialised; zmq_msg_data returns its buffer (possibly
        // dangling but non-null-or-null for size 0, which we never dereference).
        unsafe { zmq_sys::zmq_msg_data(&mut self.msg) as *mut u8 }
    }

    /// The routing id of a frame received on a SERVER or PEER socket (DRAFT).
    #[cfg(zmq_draft)]
    pub fn routing_id(&self) -> Option<u32> {
        // SAFETY: reads the message only; libzmq takes a mutable pointer but does not write.
        let id = unsafe { zmq_sys::zmq_msg_routing_id(self.raw_ptr() as *mut _) };
        match (id, &self.origin) {
            (0, Some(origin)) => origin.routing_id(),
            (0, None) => None,
            (id, _) => Some(id),
        }
    }

    /// Sets the routing id a SERVER socket sends this frame to (DRAFT). 0 is `Err(EINVAL)`.
    #[cfg(zmq_draft)]
    pub fn set_routing_id(&mut self, routing_id: u32) -> Result<()> {
        // SAFETY: the message is initialised and exclusively borrowed.
        check(unsafe { zmq_sys::zmq_msg_set_routing_id(&mut self.msg, routing_id) }).map(drop)
    }

    /// The group of a frame received on a DISH socket (DRAFT).
    #[cfg(zmq_draft)]
    pub fn group(&self) -> Option<&str> {
        // SAFETY: reads the message only; the returned string lives inside the message.
        let group = unsafe { zmq_sys::zmq_msg_group(self.raw_ptr() as *mut _) };
        // SAFETY: non-NULL means a NUL-terminated string stored inside `self` (libzmq answers
        // "" for a frame without a group).
        let group = (!group.is_null()).then(|| unsafe { CStr::from_ptr(group) });
        match group {
            Some(group) if !group.is_empty() => group.to_str().ok(),
            _ => self.origin.as_ref().and_then(|origin| origin.group()),
        }
    }

    /// Sets the group a RADIO socket publishes this frame to (DRAFT): at most
    /// `ZMQ_GROUP_MAX_LENGTH` bytes (255 in libzmq 4.3.5) and no NUL, otherwise `Err(EINVAL)`.
    #[cfg(zmq_draft)]
    pub fn set_group(&mut self, group: &str) -> Result<()> {
        // libzmq would silently cut a longer name to the maximum (it reads with strnlen).
        if group.len() > zmq_sys::ZMQ_GROUP_MAX_LENGTH as usize {
            return Err(crate::Error::EINVAL);
        }
        let group = crate::error::c_string(group)?;
        // SAFETY: the message is initialised and exclusively borrowed; the group is copied.
        check(unsafe { zmq_sys::zmq_msg_set_group(&mut self.msg, group.as_ptr()) }).map(drop)
    }
}

impl Default for Message {
    fn default() -> Self {
        Message::new()
    }
}

impl Deref for Message {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        let msg = self.raw_ptr() as *mut zmq_sys::zmq_msg_t;
        // SAFETY: zmq_msg_data/size only read the initialised message (libzmq's signature is
        // not const-correct). The buffer holds `len` bytes and lives as long as `self`.
        unsafe {
            let len = zmq_sys::zmq_msg_size(msg);
            if len == 0 {
                return &[];
            }
            slice::from_raw_parts(zmq_sys::zmq_msg_data(msg) as *const u8, len)
        }
    }
}

impl DerefMut for Message {
    /// Copy-on-write: libzmq may share one buffer between several messages (e.g. one frame
    /// published to two inproc subscribers); such a frame is copied once before it is handed
    /// out mutably, so writes never reach another message. The copy keeps answering
    /// [`Message::get_more`], [`Message::gets`] and the other metadata as the received frame
    /// did.
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: zmq_msg_get only reads the initialised message.
        let shared = unsafe { zmq_sys::zmq_msg_get(&self.msg, zmq_sys::ZMQ_SHARED as i32) } == 1;
        if shared {
            let copy = Message::from(&self[..]);
            let received = std::mem::replace(self, copy);
            self.origin = Some(Box::new(received));
        }
        // SAFETY: as in deref; the exclusive borrow of `self` and the unsharing above make the
        // slice unique.
        unsafe {
            let len = zmq_sys::zmq_msg_size(&self.msg);
            if len == 0 {
                return &mut [];
            }
            slice::from_raw_parts_mut(self.data_ptr(), len)
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self[..] == other[..]
    }
}

impl Eq for Message {}

impl fmt::Debug for Message {
    /// The bytes as a list, e.g. `[102, 111, 111]`, as zmq 0.10 prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self[..], f)
    }
}

impl<'a> From<&'a [u8]> for Message {
    /// Copies the bytes.
    #[inline]
    fn from(data: &'a [u8]) -> Message {
        // The hot path of every copying send. The message is initialised where it will be
        // returned from, rather than built as a bare `zmq_msg_t` and moved into a `Message`:
        // libzmq writes through a pointer to it, so the compiler cannot merge two such
        // 64-byte locals, and each move cost a dozen instructions per message (callgrind,
        // zmq_perf's instruction table).
        let len = data.len();
        let mut msg = Message::from_initialised(zmq_sys::zmq_msg_t::default());
        // SAFETY: zmq_msg_init_size writes the whole struct and allocates `len` bytes (or
        // fails, and then the never-initialised message is forgotten, not closed, before
        // aborting as std does on allocation failure); every one of the `len` bytes is
        // written by the copy before any read.
        unsafe {
            if len > isize::MAX as usize / 2 || zmq_sys::zmq_msg_init_size(&mut msg.msg, len) == -1
            {
                std::mem::forget(msg);
                alloc_failed(len);
            }
            if len != 0 {
                ptr::copy_nonoverlapping(data.as_ptr(), msg.data_ptr(), len);
            }
        }
        msg
    }
}

impl<'a> From<&'a str> for Message {
    /// Copies the UTF-8 bytes.
    #[inline]
    fn from(data: &'a str) -> Message {
        Message::from(data.as_bytes())
    }
}

impl<'a> From<&'a String> for Message {
    /// Copies the UTF-8 bytes.
    fn from(data: &'a String) -> Message {
        Message::from(data.as_bytes())
    }
}

impl<'a, T> From<&'a T> for Message
where
    T: Into<Message> + Clone,
{
    /// Clones the value, then converts it.
    fn from(v: &'a T) -> Message {
        v.clone().into()
    }
}

/// The largest payload every libzmq 4.x stores inside the `zmq_msg_t` itself (its "very
/// small message" storage: 33 bytes on 64-bit targets, more on 32-bit ones). Copying that
/// much costs less than the reference-counted header a zero-copy message makes libzmq
/// allocate, and the vector is freed at once.
pub(crate) const INLINE_MAX: usize = 33;

/// Called by libzmq (possibly from an I/O thread) when the last reference to a zero-copy
/// buffer goes away. `hint` is not a pointer: it carries the vector's capacity.
extern "C" fn free_vec(data: *mut c_void, hint: *mut c_void) {
    // Unwinding out of an `extern "C"` function aborts; nothing below can panic, but the
    // guard makes that a property of this function rather than of its callees.
    let _ = std::panic::catch_unwind(|| {
        let capacity = hint as usize;
        // SAFETY: `data` is the pointer of the Vec given to libzmq in `From<Vec<u8>>`, handed
        // back here exactly once, and `hint` its capacity; rebuilding the Vec with length 0
        // and that capacity frees it with its original layout.
        unsafe { drop(Vec::from_raw_parts(data as *mut u8, 0, capacity)) };
    });
}

impl Message {
    /// `zmq_msg_init_data`: a message over `len` bytes at `data` that libzmq releases by
    /// calling `free(data, hint)` once it is done with them; `None` if libzmq refused (then
    /// the bytes are still the caller's to free).
    ///
    /// # Safety
    /// `data` must point to `len` readable bytes that stay valid and unchanged until `free`
    /// is called, and `free` must release them exactly once given `hint`.
    unsafe fn init_data(
        data: *mut u8,
        len: usize,
        free: extern "C" fn(*mut c_void, *mut c_void),
        hint: *mut c_void,
    ) -> Option<Message> {
        let mut msg = zmq_sys::zmq_msg_t::default();
        // SAFETY: forwarded to the caller; libzmq writes only the struct we pass.
        let rc = unsafe {
            zmq_sys::zmq_msg_init_data(&mut msg, data as *mut c_void, len, Some(free), hint)
        };
        (rc != -1).then(|| Message::from_initialised(msg))
    }
}

impl From<Vec<u8>> for Message {
    /// Zero-copy: libzmq takes the vector's allocation as it is (no shrink to fit) and frees
    /// it through Rust's allocator, with its original capacity, when done. A payload of at
    /// most 33 bytes is copied into the message instead (libzmq keeps such frames inline,
    /// without an allocation of its own) and the vector is freed at once.
    fn from(data: Vec<u8>) -> Message {
        if data.len() <= INLINE_MAX {
            return Message::from(data.as_slice());
        }
        let mut data = std::mem::ManuallyDrop::new(data);
        let (ptr, len, capacity) = (data.as_mut_ptr(), data.len(), data.capacity());
        // SAFETY: `ptr` points to `capacity >= len` bytes owned by us, whose ownership passes
        // to libzmq here; free_vec releases them with the original layout, using the capacity
        // carried in the hint (an integer in a pointer, never dereferenced).
        let msg = unsafe { Message::init_data(ptr, len, free_vec, capacity as *mut c_void) };
        msg.unwrap_or_else(|| {
            // Ownership did not pass: free the buffer ourselves before reporting the failure.
            // SAFETY: libzmq did not take the buffer; we still own it.
            unsafe { drop(Vec::from_raw_parts(ptr, len, capacity)) };
            alloc_failed(len)
        })
    }
}

impl From<Box<[u8]>> for Message {
    /// Zero-copy above 33 bytes (see `From<Vec<u8>>`): libzmq takes the boxed slice and frees
    /// it with its original layout.
    fn from(data: Box<[u8]>) -> Message {
        // A boxed slice is a Vec whose capacity equals its length.
        Message::from(data.into_vec())
    }
}

/// Called by libzmq (possibly from an I/O thread) when the last reference to a buffer made
/// by [`Message::from_owner`] goes away: `hint` is the boxed owner, dropped here.
extern "C" fn free_owner<T: AsRef<[u8]> + Send + 'static>(_data: *mut c_void, hint: *mut c_void) {
    // As in `free_vec`: no unwinding may leave an `extern "C"` function (an owner's `Drop`
    // could panic).
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: `hint` is the `Box<T>` leaked in `from_owner`, handed back by libzmq exactly
        // once, after the last use of the bytes it owns.
        unsafe { drop(Box::from_raw(hint as *mut T)) };
    }));
}

impl Message {
    /// Zero-copy from any owner of bytes (for the integrations with other buffer types, e.g.
    /// `bytes::Bytes`): the owner is boxed and kept alive until libzmq is done with its bytes,
    /// then dropped. Payloads of at most 33 bytes are copied (see `From<Vec<u8>>`) and the
    /// owner is dropped at once.
    #[cfg_attr(not(feature = "bytes"), allow(dead_code))]
    pub(crate) fn from_owner<T: AsRef<[u8]> + Send + 'static>(owner: T) -> Message {
        if owner.as_ref().len() <= INLINE_MAX {
            return Message::from(owner.as_ref());
        }
        let owner = Box::new(owner);
        // The owner sits on the heap from here on, so its bytes do not move with the box.
        let (ptr, len) = {
            let bytes = (*owner).as_ref();
            (bytes.as_ptr(), bytes.len())
        };
        let hint = Box::into_raw(owner);
        // SAFETY: `ptr` and `len` describe bytes owned by the boxed owner behind `hint`, which
        // passes to libzmq here and stays alive (and unmoved) until libzmq calls free_owner,
        // which drops it once. libzmq only reads the bytes of a message it did not allocate.
        let msg = unsafe { Message::init_data(ptr as *mut u8, len, free_owner::<T>, hint.cast()) };
        msg.unwrap_or_else(|| {
            // SAFETY: libzmq did not take the owner; it is still ours to drop.
            unsafe { drop(Box::from_raw(hint)) };
            alloc_failed(len)
        })
    }
}

//! Flag values shared by several modules: send/recv flags and poll event bits.

/// Send or receive without blocking: `Err(EAGAIN)` instead of waiting.
///
/// A `const` (zmq 0.10 had a `static`), so it also works in patterns.
pub const DONTWAIT: i32 = zmq_sys::ZMQ_DONTWAIT as i32;

/// More frames of the same message follow this one.
pub const SNDMORE: i32 = zmq_sys::ZMQ_SNDMORE as i32;

bitflags::bitflags! {
    /// Events a socket or file descriptor is ready for: the mask of a
    /// [`PollItem`](crate::PollItem) and the value of [`get_events`](crate::Socket::get_events).
    ///
    /// A bitflags 1.x type, as in zmq 0.10: `Debug` prints `POLLIN | POLLOUT`.
    pub struct PollEvents: i16 {
        /// At least one message can be received without blocking.
        const POLLIN = zmq_sys::ZMQ_POLLIN as i16;
        /// At least one message can be sent without blocking.
        const POLLOUT = zmq_sys::ZMQ_POLLOUT as i16;
        /// An error condition (only for file descriptors).
        const POLLERR = zmq_sys::ZMQ_POLLERR as i16;
        /// Urgent data (only for file descriptors; not in zmq 0.10).
        const POLLPRI = zmq_sys::ZMQ_POLLPRI as i16;
    }
}

/// Same as [`PollEvents::POLLIN`].
pub const POLLIN: PollEvents = PollEvents::POLLIN;
/// Same as [`PollEvents::POLLOUT`].
pub const POLLOUT: PollEvents = PollEvents::POLLOUT;
/// Same as [`PollEvents::POLLERR`].
pub const POLLERR: PollEvents = PollEvents::POLLERR;

bitflags::bitflags! {
    /// Typed flags for [`Socket::send_with`](crate::Socket::send_with); the `i32` form taken
    /// by [`Socket::send`](crate::Socket::send) is `flags.bits()`.
    pub struct SendFlags: i32 {
        /// Fail with `EAGAIN` instead of blocking (same value as [`DONTWAIT`]).
        const DONTWAIT = DONTWAIT;
        /// More frames of this message follow (same value as [`SNDMORE`]).
        const SNDMORE = SNDMORE;
    }
}

bitflags::bitflags! {
    /// Typed flags for [`Socket::recv_msg_with`](crate::Socket::recv_msg_with); the `i32`
    /// form taken by [`Socket::recv_msg`](crate::Socket::recv_msg) is `flags.bits()`.
    pub struct RecvFlags: i32 {
        /// Fail with `EAGAIN` instead of blocking (same value as [`DONTWAIT`]).
        const DONTWAIT = DONTWAIT;
    }
}

//! Helpers the fuzz targets share (each target includes this with `mod common;`).

#![allow(dead_code)]

use std::sync::OnceLock;

/// One context for the whole run: making one per input would start and stop two threads per
/// input. It stays reachable, so LeakSanitizer does not count it.
///
/// It is never terminated, so only for sockets that finish closing by themselves: one that
/// connected to an inproc name nobody bound waits for that bind (or `zmq_ctx_term`) forever
/// and keeps its descriptors and its slot (see `endpoint.rs`, which makes its own per input).
pub fn context() -> &'static zmq::Context {
    static CONTEXT: OnceLock<zmq::Context> = OnceLock::new();
    CONTEXT.get_or_init(zmq::Context::new)
}

/// A socket type from one byte: every libzmq type value (the DRAFT ones included), or
/// `None` for a byte that names none.
pub fn socket_type(byte: u8) -> Option<zmq::SocketType> {
    zmq::SocketType::try_from(i32::from(byte % 21)).ok()
}

/// Reads the input front to back; running out gives zeros and empty slices, never a panic.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn u8(&mut self) -> u8 {
        let (first, rest) = self
            .data
            .split_first()
            .map_or((0, &[][..]), |(f, r)| (*f, r));
        self.data = rest;
        first
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Up to `len` bytes (fewer at the end of the input).
    pub fn bytes(&mut self, len: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }

    /// A length-prefixed chunk (one length byte).
    pub fn chunk(&mut self) -> &'a [u8] {
        let len = usize::from(self.u8());
        self.bytes(len)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

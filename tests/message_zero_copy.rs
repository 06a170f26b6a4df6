//! A `Box<[u8]>` or `Vec<u8>` handed to `Message::from` is freed by Rust's allocator, with the
//! layout it was allocated with, when libzmq is done with it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The size/alignment of the allocation at a watched address, and how it was freed.
static WATCHED_PTR: AtomicUsize = AtomicUsize::new(0);
static FREED_SIZE: AtomicUsize = AtomicUsize::new(0);
static FREED_ALIGN: AtomicUsize = AtomicUsize::new(0);
/// Held by whichever test is using the watch (tests run in parallel).
static WATCH: std::sync::Mutex<()> = std::sync::Mutex::new(());

thread_local! {
    /// Allocations through Rust's allocator made by this thread (tests run in parallel
    /// threads, so a global count would see the others').
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct Watching;

// SAFETY: forwards every call to the system allocator unchanged; only records a free.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ptr as usize == WATCHED_PTR.load(Ordering::SeqCst) {
            FREED_SIZE.store(layout.size(), Ordering::SeqCst);
            FREED_ALIGN.store(layout.align(), Ordering::SeqCst);
        }
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Watching = Watching;

fn freed_with(ptr: *const u8, make: impl FnOnce() -> zmq::Message) -> (usize, usize) {
    let _watch = WATCH.lock().unwrap_or_else(|p| p.into_inner());
    FREED_SIZE.store(0, Ordering::SeqCst);
    WATCHED_PTR.store(ptr as usize, Ordering::SeqCst);
    let msg = make();
    assert_eq!(msg.as_ptr(), ptr, "no copy");
    assert_eq!(
        FREED_SIZE.load(Ordering::SeqCst),
        0,
        "not freed while the message lives"
    );
    drop(msg);
    let freed = (
        FREED_SIZE.load(Ordering::SeqCst),
        FREED_ALIGN.load(Ordering::SeqCst),
    );
    WATCHED_PTR.store(0, Ordering::SeqCst);
    freed
}

#[test]
fn boxed_slice_and_vec_are_freed_with_their_layout() {
    // Run in one test: the watch is process-global.
    let boxed: Box<[u8]> = vec![42u8; 42].into_boxed_slice();
    let ptr = boxed.as_ptr();
    assert_eq!(freed_with(ptr, move || zmq::Message::from(boxed)), (42, 1));

    let mut v = Vec::with_capacity(1000);
    v.extend_from_slice(&[1u8; 100]);
    let ptr = v.as_ptr();
    assert_eq!(freed_with(ptr, move || zmq::Message::from(v)), (1000, 1));

    // Sent and received in between: freed when libzmq drops its last reference.
    let ctx = zmq::Context::new();
    let a = ctx.socket(zmq::PAIR).unwrap();
    a.bind("inproc://zero-copy").unwrap();
    let b = ctx.socket(zmq::PAIR).unwrap();
    b.connect("inproc://zero-copy").unwrap();
    let payload = vec![9u8; 300];
    let ptr = payload.as_ptr();
    let (size, _) = freed_with(ptr, || {
        a.send(payload, 0).unwrap();
        b.recv_msg(0).unwrap() // inproc hands over the same buffer
    });
    assert_eq!(size, 300);
}

/// Rust allocations `f` makes on this thread.
fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    (value, ALLOCATIONS.with(Cell::get) - before)
}

#[test]
fn a_zero_copy_vec_costs_no_rust_allocation() {
    let v = vec![5u8; 1000];
    let ptr = v.as_ptr();
    let (msg, allocations) = allocations_in(move || zmq::Message::from(v));
    assert_eq!(msg.as_ptr(), ptr, "still zero-copy");
    assert_eq!(
        allocations, 0,
        "no Box (or anything else) for the free hint"
    );
    let boxed: Box<[u8]> = vec![6u8; 34].into_boxed_slice();
    let ptr = boxed.as_ptr();
    let (msg, allocations) = allocations_in(move || zmq::Message::from(boxed));
    assert_eq!(
        msg.as_ptr(),
        ptr,
        "34 bytes is above libzmq's inline size: zero-copy"
    );
    assert_eq!(allocations, 0);
}

#[test]
fn small_vecs_are_copied_into_the_message_and_freed_at_once() {
    for len in [1usize, 10, 33] {
        let mut v = Vec::with_capacity(64);
        v.extend((0..len).map(|i| i as u8));
        let ptr = v.as_ptr();
        let _watch = WATCH.lock().unwrap_or_else(|p| p.into_inner());
        FREED_SIZE.store(0, Ordering::SeqCst);
        WATCHED_PTR.store(ptr as usize, Ordering::SeqCst);
        let (msg, allocations) = allocations_in(move || zmq::Message::from(v));
        let freed = FREED_SIZE.load(Ordering::SeqCst);
        WATCHED_PTR.store(0, Ordering::SeqCst);
        assert_ne!(msg.as_ptr(), ptr, "{len} bytes: copied into the message");
        assert_eq!(freed, 64, "{len} bytes: the vector is freed right away");
        assert_eq!(allocations, 0);
        assert_eq!(msg.len(), len);
        assert!(msg.iter().copied().eq(0..len as u8));
    }
}

//! A termination interrupted by a signal (`EINTR`) can be finished by calling `destroy` again;
//! it is not mistaken for a finished one (which would leak the context and its I/O thread).
//! Its own test binary: it installs a process-wide signal handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

extern "C" fn ignore_signal(_: libc::c_int) {}

/// Threads of this process right now.
fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// Waits (boundedly) until the process has `expected` threads: a thread that was just joined
/// can linger in /proc for a moment.
fn settles_at(expected: usize) -> bool {
    for _ in 0..200 {
        if thread_count() == expected {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn interrupted_destroy_can_be_resumed() {
    // SAFETY: installs a handler that does nothing, without SA_RESTART, so a blocked
    // zmq_ctx_term returns EINTR when the signal arrives.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore_signal as *const () as usize;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }

    // Counted by number, not name: thread names depend on how libzmq was built.
    let before = thread_count();
    let mut ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PAIR).unwrap();
    let with_libzmq = thread_count();
    assert!(with_libzmq > before, "libzmq started its threads");
    let (close_tx, close_rx) = mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        close_rx.recv().unwrap();
        drop(socket);
    });

    // SAFETY: pthread_self has no preconditions.
    let main_thread = unsafe { libc::pthread_self() } as usize;
    let stop = Arc::new(AtomicBool::new(false));
    let signaller = {
        let stop = stop.clone();
        thread::spawn(move || {
            // Bounded: at most 10 s of signals, every 10 ms.
            for _ in 0..1000 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                // SAFETY: the main thread outlives this one (it joins it below).
                unsafe { libc::pthread_kill(main_thread as libc::pthread_t, libc::SIGUSR1) };
                thread::sleep(Duration::from_millis(10));
            }
        })
    };

    // The socket is still open, so termination blocks until a signal interrupts it.
    assert_eq!(ctx.destroy(), Err(zmq::Error::EINTR));
    stop.store(true, Ordering::SeqCst);
    signaller.join().unwrap();

    // Interrupted: unusable, but not finished.
    assert!(ctx.is_terminated());
    assert_eq!(ctx.socket(zmq::PAIR).err(), Some(zmq::Error::ETERM));
    // The holder thread is still there, and so are libzmq's.
    assert!(settles_at(with_libzmq + 1), "the context is not freed yet");

    close_tx.send(()).unwrap();
    holder.join().unwrap();
    assert_eq!(ctx.destroy(), Ok(()));
    assert!(
        settles_at(before),
        "the second destroy finished the termination"
    );
    assert_eq!(ctx.destroy(), Ok(()));
}

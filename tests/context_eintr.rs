//! A termination interrupted by a signal (`EINTR`) can be finished by calling `destroy` again;
//! it is not mistaken for a finished one (which would leak the context and its I/O thread).
//! Its own test binary: it installs a process-wide signal handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

extern "C" fn ignore_signal(_: libc::c_int) {}

fn io_threads_alive() -> bool {
    let tasks = std::fs::read_dir("/proc/self/task").unwrap();
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("comm"))
            .map(|name| name.starts_with("ZMQbg"))
            .unwrap_or(false)
    })
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

    let mut ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PAIR).unwrap();
    assert!(io_threads_alive());
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
    assert!(io_threads_alive(), "the context is not freed yet");

    close_tx.send(()).unwrap();
    holder.join().unwrap();
    assert_eq!(ctx.destroy(), Ok(()));
    assert!(
        !io_threads_alive(),
        "the second destroy finished the termination"
    );
    assert_eq!(ctx.destroy(), Ok(()));
}

//! The code the examples share. Each example includes all of it, with
//! `#[path = "common/mod.rs"] mod common;`, and uses what it needs; the async helpers are
//! there only with the `tokio` feature, so the blocking examples build without it.
//!
//! - `cli`: argument handling, the usage texts' shape, and the blocking socket helpers.
//! - `roles`: each role's command line, one for its blocking and its async example.
//! - `sync`, `pipeline`: the synchronised start of publish-subscribe and the wait for
//!   pipeline workers; `async_sync`, `async_pipeline` do the same on async sockets.
//! - `aio`: bounded waits on async sockets, and `main` with a tokio runtime.
//! - `tour`: what `patterns` and `async_patterns` share.
#![allow(dead_code)]

pub mod cli;
pub mod pipeline;
pub mod roles;
pub mod sync;
pub mod tour;

#[cfg(feature = "tokio")]
pub mod aio;
#[cfg(feature = "tokio")]
pub mod async_pipeline;
#[cfg(feature = "tokio")]
pub mod async_sync;

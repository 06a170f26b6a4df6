//! The `tracing` instrumentation (feature `tracing`): one macro that every instrumented call
//! site uses, so that with the feature off not a single token of it is compiled.
//!
//! Every event has the target `"zmq"`. Levels: `debug` for bind, connect, disconnect,
//! unbind, close, option changes and decoded monitor events; `trace` for each frame sent or
//! received. Field values are only computed when a subscriber wants the event.

/// `zmq_event!(level, fields..., "message")`: a `tracing` event with target `"zmq"` when the
/// feature is on; nothing at all when it is off.
macro_rules! zmq_event {
    ($level:ident, $($args:tt)*) => {
        #[cfg(feature = "tracing")]
        {
            ::tracing::$level!(target: "zmq", $($args)*);
        }
    };
}

/// Whether a `trace`-level `"zmq"` event would be recorded now (false without the feature):
/// lets a hot path skip work whose only use is such an event.
#[cfg(feature = "tracing")]
macro_rules! zmq_trace_enabled {
    () => {
        ::tracing::enabled!(target: "zmq", ::tracing::Level::TRACE)
    };
}

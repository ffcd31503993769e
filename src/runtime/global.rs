//! Module-wide state without std's `thread_local!`, which a `no_std` crate does not have.
#![allow(unsafe_code)]

/// A value shared by every call into the module: the glue, caches, the clock offset.
pub(crate) struct Global<T>(T);

// SAFETY: wasm32-unknown-unknown without the `atomics` target feature runs exactly one thread (a
// threaded build is refused below), so no two threads can ever reach the value. This is what
// `thread_local!` compiles to on that target.
unsafe impl<T> Sync for Global<T> {}

#[cfg(target_feature = "atomics")]
compile_error!("gpdb-edge's module state assumes a single-threaded wasm build");

impl<T> Global<T> {
    pub(crate) const fn new(value: T) -> Self {
        Global(value)
    }

    /// Runs `f` with the value, as `LocalKey::with` does.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

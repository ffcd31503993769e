//! Signs and sends the AnalyticDB for PostgreSQL (`gpdb`, API version `2016-05-03`)
//! operation `CancelUploadDocumentJob` with Alibaba Cloud RPC signature V1.
//!
//! The crate has two layers, and the folders say which is which:
//!
//! - [`protocol`]: the pure core. Parameters, credentials, a timestamp and a nonce go in; the
//!   exact HTTP request Alibaba Cloud expects comes out. An HTTP status and body go in; a typed
//!   result comes out. No I/O, no clock, no RNG, no JavaScript.
//! - `runtime` (wasm32 only): the thin fetch/JS boundary. It reads the JS options object, takes
//!   the time from `Date.now()` and the nonce from `crypto.getRandomValues`, sends through the
//!   global `fetch`, and turns [`protocol::Error`] into a JS `GpdbError`.
//!
//! The per-runtime entry files (Node, workerd, browsers, Deno, Bun) live in `pkg-template/`.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub, rust_2018_idioms)]
#![deny(unsafe_code)]
// No std in the wasm module: its panic machinery was several kilobytes of it. The crate needs only
// `alloc`; native builds and the wasm test build (feature `std`) link std as usual.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

pub mod protocol;

/// What std's prelude would bring, for a `no_std` crate.
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

#[cfg(target_arch = "wasm32")]
pub mod runtime;

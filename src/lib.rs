//! Signs and sends Alibaba Cloud RPC actions with Alibaba Cloud's RPC signature (V3 and V2): any
//! action (`callApi`), STS `AssumeRole`, and the AnalyticDB for PostgreSQL (`gpdb`, API version
//! `2016-05-03`) operations `CancelUploadDocumentJob` and `GetUploadDocumentJob` as typed calls.
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

pub mod protocol;
#[cfg(target_arch = "wasm32")]
pub mod runtime;

// Size helpers, each kept for a measured figure (README, Performance): std's substring search
// and sorts cost 4.8 and 2.8 KB of gzipped wasm more.
mod small_sort;
mod substring;

// talc instead of std's dlmalloc: 2.6 KB less gzipped wasm, as fast here. Every block is
// zeroed when it is freed: the AccessKey secret, the token and the password pass through many
// buffers (JS strings copied in, encoded forms, the form body, V2's string to sign), and a freed
// buffer is otherwise left as it was in the linear memory (README, Security).
#[cfg(target_arch = "wasm32")]
mod zero_on_free;
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: zero_on_free::ZeroOnFree<talc::wasm::WasmDynamicTalc> = zero_on_free::ZeroOnFree(talc::wasm::new_wasm_dynamic_allocator());

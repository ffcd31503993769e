//! Everything the wasm imports from JS: the global `fetch` and the glue module.

use core::cell::RefCell;

use super::global::Global;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, Response};

#[wasm_bindgen]
extern "C" {
    // The global `fetch`, looked up at each call: Workers, Node, Deno and Bun have no `window`,
    // and a test or a polyfill may replace `globalThis.fetch`.
    #[wasm_bindgen(catch, js_name = fetch)]
    pub(crate) fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    // Throws for a revoked Proxy: caught, so that such options become a GpdbError instead of an
    // exception inside the wasm (as glue.unknownKey is, for a Proxy whose ownKeys trap throws).
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `glue.mjs`, as handed over by the entry file.
    #[derive(Clone)]
    pub type Glue;
    #[wasm_bindgen(method, js_name = newGpdbError)]
    pub(crate) fn new_gpdb_error(this: &Glue, message: &str, fields: &Object, cause: &JsValue) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = unknownKey)]
    pub(crate) fn unknown_key(this: &Glue, object: &Object, allowed: &js_sys::Set) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, js_name = fetchInit)]
    pub(crate) fn fetch_init(this: &Glue, method: &str, headers: &Object, body: &str, signal: &AbortSignal) -> Object;
    #[wasm_bindgen(method, js_name = signedRequest)]
    pub(crate) fn signed_request(this: &Glue, method: &str, url: &str, headers: &Object, body: &str) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = attemptSignal)]
    pub(crate) fn attempt_signal(this: &Glue, caller_signal: &JsValue, timeout_ms: u32) -> Result<AttemptSignal, JsValue>;
    #[wasm_bindgen(method)]
    pub(crate) fn sleep(this: &Glue, ms: f64, caller_signal: &JsValue) -> Promise;
    #[wasm_bindgen(method, js_name = readBody)]
    pub(crate) fn read_body(this: &Glue, response: &Response, limit: u32) -> Promise;

    /// One attempt's abort signal: the caller's signal or the per-attempt timeout.
    pub(crate) type AttemptSignal;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn signal(this: &AttemptSignal) -> AbortSignal;
    #[wasm_bindgen(method, getter, js_name = timedOut)]
    pub(crate) fn timed_out(this: &AttemptSignal) -> bool;
    #[wasm_bindgen(method)]
    pub(crate) fn dispose(this: &AttemptSignal);
}

static GLUE: Global<RefCell<Option<Glue>>> = Global::new(RefCell::new(None));

pub(crate) fn install(glue: Glue) {
    GLUE.with(|slot| *slot.borrow_mut() = Some(glue));
}

/// Runs `f` with the glue; `None` if no entry file installed it.
pub(crate) fn with_glue<T>(f: impl FnOnce(&Glue) -> T) -> Option<T> {
    GLUE.with(|slot| slot.borrow().as_ref().map(f))
}

/// The error for a wasm module used without the entry file that installs the glue.
pub(crate) fn not_installed() -> crate::protocol::Error {
    crate::protocol::Error::Network { message: "gpdb-edge was loaded without its entry file".into() }
}

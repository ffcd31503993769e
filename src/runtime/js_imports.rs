//! Everything the wasm imports from JS: the global `fetch`, two built-ins that may throw, and the
//! glue module (`glue.mjs`) that an entry file hands over once.

use std::cell::RefCell;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, Response};

use crate::protocol::{EnvironmentProblem, Error};

#[wasm_bindgen]
extern "C" {
    // The global `fetch`, looked up at each call: Workers, Node, Deno and Bun have no `window`,
    // and a test or a polyfill may replace `globalThis.fetch`.
    #[wasm_bindgen(catch, js_name = fetch)]
    pub(crate) fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    // Throws for a revoked Proxy: caught, so that such options become a GpdbError instead of an
    // exception inside the wasm.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `glue.mjs`, as handed over by the entry file.
    #[derive(Clone)]
    pub type Glue;
    #[wasm_bindgen(method, catch, js_name = readOptions)]
    pub(crate) fn read_options(this: &Glue, object: &Object, names: &str) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readParameters)]
    pub(crate) fn read_parameters(this: &Glue, object: &Object) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, js_name = signedRequest)]
    pub(crate) fn signed_request(this: &Glue, method: &str, url: &str, header_lines: &str, body: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = fetchInit)]
    pub(crate) fn fetch_init(this: &Glue, method: &str, header_lines: &str, body: &str, signal: &AbortSignal) -> Object;
    #[wasm_bindgen(method, js_name = newGpdbError)]
    pub(crate) fn new_gpdb_error(this: &Glue, message: &str, fields: &Object, cause: &JsValue) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = attemptSignal)]
    pub(crate) fn attempt_signal(this: &Glue, caller_signal: &JsValue, timeout_ms: u32) -> Result<AttemptSignal, JsValue>;
    #[wasm_bindgen(method)]
    pub(crate) fn sleep(this: &Glue, ms: f64, caller_signal: &JsValue) -> Promise;
    #[wasm_bindgen(method, js_name = networkErrorMessage)]
    pub(crate) fn network_error_message(this: &Glue, error: &JsValue, request_url: &str) -> String;
    #[wasm_bindgen(method, js_name = redirectHost)]
    pub(crate) fn redirect_host(this: &Glue, location: &str, request_url: &str) -> Option<String>;
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

thread_local! {
    static GLUE: RefCell<Option<Glue>> = const { RefCell::new(None) };
}

pub(crate) fn install(glue: Glue) {
    GLUE.with(|slot| *slot.borrow_mut() = Some(glue));
}

/// The installed glue, or the error for a module used without its entry file.
pub(crate) fn glue() -> Result<Glue, Error> {
    GLUE.with(|slot| slot.borrow().clone()).ok_or(Error::Environment(EnvironmentProblem::NotInstalled))
}

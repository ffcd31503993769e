//! Everything the wasm imports from JS: a built-in that may throw, and the glue module
//! (`glue.mjs`) that an entry file hands over once.

use std::cell::RefCell;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;

use super::calls::PendingCall;

use crate::protocol::{EnvironmentProblem, Error};

#[wasm_bindgen]
extern "C" {
    // Throws for a revoked Proxy: caught, so that such options become a GpdbError instead of an
    // exception inside the wasm.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub(crate) fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `glue` of glue.mjs, as handed over by the entry file.
    #[derive(Clone)]
    pub type Glue;
    #[wasm_bindgen(method, catch, js_name = readOptions)]
    pub(crate) fn read_options(this: &Glue, object: &Object, names: &str) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readParameters)]
    pub(crate) fn read_parameters(this: &Glue, object: &Object) -> Result<Array, JsValue>;
    #[wasm_bindgen(method, js_name = signedRequest)]
    pub(crate) fn signed_request(this: &Glue, method: &str, url: &str, header_lines: &str, body: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = processEnv)]
    pub(crate) fn process_env(this: &Glue) -> JsValue;
    #[wasm_bindgen(method, js_name = newGpdbError)]
    pub(crate) fn new_gpdb_error(this: &Glue, message: &str, fields: &Object, cause: &JsValue) -> JsValue;
    /// Drives a sending call's attempts (`runCall`): its result, or its GpdbError.
    #[wasm_bindgen(method, js_name = runCall)]
    pub(crate) fn run_call(this: &Glue, call: PendingCall) -> Promise;
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

//! A [`protocol::Error`](crate::protocol::Error) on its way out, with what only the runtime
//! knows: the JS value that caused it and how many attempts were made. One conversion builds
//! the JS `GpdbError`.

use js_sys::Object;
use wasm_bindgen::JsValue;

use super::bindings::with_glue;
use super::set;
use crate::protocol::text::concat;
use crate::protocol::Error;

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// The original JS error or abort reason, kept as it is (never flattened into a string).
    pub(crate) cause: Option<JsValue>,
    /// Requests sent; 0 when the call failed before sending.
    pub(crate) attempts: u32,
}

impl Failure {
    pub(crate) fn with_cause(error: Error, cause: JsValue) -> Self {
        Failure { error, cause: Some(cause), attempts: 0 }
    }

    pub(crate) fn after(self, attempts: u32) -> Self {
        Failure { attempts, ..self }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { error, cause: None, attempts: 0 }
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        let Failure { error, cause, attempts } = failure;
        let fields = Object::new();
        set(&fields, "kind", &error.kind().into());
        set(&fields, "code", &error.code().into());
        set(&fields, "retryable", &error.retryable().into());
        set(&fields, "attempts", &attempts.into());
        match &error {
            Error::Input(e) | Error::Credentials(e) => set(&fields, "field", &e.field.as_ref().into()),
            Error::Api(e) => {
                let optional = [("requestId", &e.request_id), ("hostId", &e.host_id), ("recommend", &e.recommend)];
                for (key, value) in optional {
                    if let Some(value) = value {
                        set(&fields, key, &value.into());
                    }
                }
            }
            _ => {}
        }
        if let Some(status) = error.http_status() {
            set(&fields, "httpStatus", &status.into());
        }
        let message = error.message();
        let cause = cause.unwrap_or(JsValue::UNDEFINED);
        with_glue(|glue| glue.new_gpdb_error(&message, &fields, &cause))
            .unwrap_or_else(|| js_sys::Error::new(&concat(&["gpdb-edge was loaded without its entry file: ", &message])).into())
    }
}

//! A [`protocol::Error`](crate::protocol::Error) on its way out, with what only the runtime
//! knows: the JS value that caused it and how many requests were sent. One conversion builds
//! the JS `GpdbError`.

use js_sys::Object;
use wasm_bindgen::JsValue;

use super::js_imports::glue;
use super::to_js::set;
use crate::protocol::Error;

#[derive(Debug)]
pub(crate) struct Rejection {
    // Boxed: every reader returns `Result<_, Rejection>`, and a small error keeps them small.
    pub(crate) error: Box<Error>,
    /// The original JS error or abort reason, kept as it is (never flattened into a string).
    pub(crate) cause: Option<JsValue>,
    /// Requests sent; 0 when the call failed before sending.
    pub(crate) attempts: u32,
}

impl Rejection {
    pub(crate) fn with_cause(error: Error, cause: JsValue) -> Self {
        Rejection { error: Box::new(error), cause: Some(cause), attempts: 0 }
    }

    pub(crate) fn after(self, attempts: u32) -> Self {
        Rejection { attempts, ..self }
    }
}

impl From<Error> for Rejection {
    fn from(error: Error) -> Self {
        Rejection { error: Box::new(error), cause: None, attempts: 0 }
    }
}

impl From<Rejection> for JsValue {
    fn from(rejection: Rejection) -> JsValue {
        let Rejection { error, cause, attempts } = rejection;
        let error = *error;
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
        let message = error.to_string();
        match glue() {
            Ok(glue) => glue.new_gpdb_error(&message, &fields, &cause.unwrap_or(JsValue::UNDEFINED)),
            Err(_) => js_sys::Error::new(&format!("gpdb-edge was loaded without its entry file: {message}")).into(),
        }
    }
}

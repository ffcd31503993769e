//! Where credentials come from: a plain object (or Node's environment), or an async provider
//! whose result is cached until 5 minutes before it expires and shared by concurrent calls.

use core::cell::OnceCell;

use js_sys::{Function, Object, Promise, Reflect, WeakMap};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::failure::Failure;
use super::global::Global;
use super::options::{credentials as credentials_error, read_credentials};
use super::set;
use crate::protocol::{Credentials, InputProblem};

/// Credentials are fetched again this long before they expire.
const REFRESH_BEFORE_EXPIRY_MS: f64 = 5.0 * 60.0 * 1000.0;

pub(crate) enum CredentialsSource {
    Static(Credentials),
    Provider(Function),
}

// provider function → { pending?: Promise, value?: raw result, refreshAt: number }.
// A WeakMap, so a provider that is dropped by the caller is dropped here too.
static CACHE: Global<OnceCell<WeakMap>> = Global::new(OnceCell::new());

fn cache<R>(f: impl FnOnce(&WeakMap) -> R) -> R {
    CACHE.with(|cache| f(cache.get_or_init(WeakMap::new)))
}

impl CredentialsSource {
    pub(crate) async fn resolve(&self) -> Result<Credentials, Failure> {
        let provider = match self {
            CredentialsSource::Static(credentials) => return Ok(credentials.clone()),
            CredentialsSource::Provider(provider) => provider,
        };
        let now = js_sys::Date::now();
        let entry = cache(|cache| cache.get(provider));
        if entry.is_object() {
            let value = Reflect::get(&entry, &"value".into()).unwrap_or(JsValue::UNDEFINED);
            let refresh_at = Reflect::get(&entry, &"refreshAt".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
            if !value.is_undefined() && now < refresh_at {
                return validate(&value).map(|(credentials, _)| credentials);
            }
            let pending = Reflect::get(&entry, &"pending".into()).unwrap_or(JsValue::UNDEFINED);
            if let Ok(pending) = pending.dyn_into::<Promise>() {
                // Another call is already asking the provider: wait for the same answer.
                let value = JsFuture::from(pending).await.map_err(provider_failed)?;
                return validate(&value).map(|(credentials, _)| credentials);
            }
        }

        let pending = match provider.call0(&JsValue::UNDEFINED) {
            Ok(result) => Promise::resolve(&result),
            Err(thrown) => return Err(provider_failed(thrown)),
        };
        let entry = Object::new();
        set(&entry, "pending", &pending);
        cache(|cache| cache.set(provider, &entry));
        let outcome = JsFuture::from(pending).await.map_err(provider_failed).and_then(|value| {
            let (credentials, expires_at) = validate(&value)?;
            Ok((value, credentials, expires_at))
        });
        match outcome {
            Ok((value, credentials, expires_at)) => {
                let fresh = Object::new();
                set(&fresh, "value", &value);
                set(&fresh, "refreshAt", &(expires_at.unwrap_or(f64::INFINITY) - REFRESH_BEFORE_EXPIRY_MS).into());
                cache(|cache| cache.set(provider, &fresh));
                Ok(credentials)
            }
            Err(failure) => {
                cache(|cache| cache.delete(provider));
                Err(failure)
            }
        }
    }
}

/// Checks a provider's result; returns the credentials and when they expire.
fn validate(value: &JsValue) -> Result<(Credentials, Option<f64>), Failure> {
    if !value.is_object() {
        return Err(credentials_error(
            "credentials",
            super::options::wrong_type("a provider that returns a credentials object", value),
        ));
    }
    read_credentials(value)
}

fn provider_failed(thrown: JsValue) -> Failure {
    Failure::with_cause(credentials_error("credentials", InputProblem::ProviderFailed).error, thrown)
}

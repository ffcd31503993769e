//! Where credentials come from: a plain object (or Node's environment), or an async provider
//! whose result is cached until 5 minutes before it expires and shared by concurrent calls.

use js_sys::{Function, Object, Promise, Reflect, WeakMap};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::from_js::{credentials, option_names, optional_string, optional_time, required_string, unknown_option, wrong_type, OptionNames, Options};
use super::rejection::Rejection;
use super::to_js::set;
use crate::protocol::{Credentials, Error, InputProblem};

/// Credentials are fetched again this long before they expire.
const REFRESH_BEFORE_EXPIRY_MS: f64 = 5.0 * 60.0 * 1000.0;

const CREDENTIAL_FIELDS: OptionNames =
    option_names!["credentials.accessKeyId", "credentials.accessKeySecret", "credentials.securityToken", "credentials.expiration"];

/// The `credentials` option: read once per call, resolved once per attempt.
pub(crate) enum CredentialsSource {
    Static(Credentials),
    Provider(Function),
}

impl CredentialsSource {
    /// Reads the `credentials` option: a function is a provider, anything else a credentials object.
    pub(crate) fn read(value: JsValue) -> Result<Self, Rejection> {
        // typeof, not instanceof: a function from another realm is a provider too.
        if value.is_function() {
            return Ok(CredentialsSource::Provider(value.unchecked_into()));
        }
        Ok(CredentialsSource::Static(read_credentials(&value)?.0))
    }

    pub(crate) async fn resolve(&self) -> Result<Credentials, Rejection> {
        let provider = match self {
            CredentialsSource::Static(credentials) => return Ok(credentials.clone()),
            CredentialsSource::Provider(provider) => provider,
        };
        let entry = PROVIDER_CACHE.with(|cache| cache.get(provider));
        if entry.is_object() {
            let value = Reflect::get(&entry, &"value".into()).unwrap_or(JsValue::UNDEFINED);
            let refresh_at = Reflect::get(&entry, &"refreshAt".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
            if !value.is_undefined() && js_sys::Date::now() < refresh_at {
                return validate(&value).map(|(credentials, _)| credentials);
            }
            if let Ok(pending) = Reflect::get(&entry, &"pending".into()).unwrap_or(JsValue::UNDEFINED).dyn_into::<Promise>() {
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
        PROVIDER_CACHE.with(|cache| cache.set(provider, &entry));
        let outcome = JsFuture::from(pending).await.map_err(provider_failed).and_then(|value| Ok((validate(&value)?, value)));
        match outcome {
            Ok(((credentials, expires_at), value)) => {
                let fresh = Object::new();
                set(&fresh, "value", &value);
                set(&fresh, "refreshAt", &(expires_at.unwrap_or(f64::INFINITY) - REFRESH_BEFORE_EXPIRY_MS).into());
                PROVIDER_CACHE.with(|cache| cache.set(provider, &fresh));
                Ok(credentials)
            }
            Err(rejection) => {
                PROVIDER_CACHE.with(|cache| cache.delete(provider));
                Err(rejection)
            }
        }
    }
}

thread_local! {
    // provider function → { pending?: Promise, value?: raw result, refreshAt: number }.
    // A WeakMap, so a provider that is dropped by the caller is dropped here too.
    static PROVIDER_CACHE: WeakMap = WeakMap::new();
}

/// Reads a credentials object (and when it expires), or the environment in Node.js when it is absent.
pub(crate) fn read_credentials(value: &JsValue) -> Result<(Credentials, Option<f64>), Rejection> {
    if value.is_undefined() || value.is_null() {
        return Ok((read_environment_credentials()?, None));
    }
    let expected = "a credentials object or an async function returning one";
    let (fields, unknown) = Options::read(value, &CREDENTIAL_FIELDS, "credentials", expected, credentials)?;
    if let Some(key) = unknown {
        return Err(unknown_option("credentials.", &key, &CREDENTIAL_FIELDS, Error::Credentials));
    }
    let found = Credentials::new(
        required_string(&fields, "credentials.accessKeyId")?,
        required_string(&fields, "credentials.accessKeySecret")?,
        optional_string(&fields, "credentials.securityToken")?,
    );
    let expiration = optional_time(&fields, "credentials.expiration")?;
    found.validate()?;
    Ok((found, expiration))
}

fn read_environment_credentials() -> Result<Credentials, Rejection> {
    let missing = || credentials("credentials", InputProblem::NoCredentials);
    let env = Reflect::get(&js_sys::global(), &"process".into())
        .ok()
        .filter(JsValue::is_object)
        .and_then(|process| Reflect::get(&process, &"env".into()).ok())
        .filter(JsValue::is_object)
        .ok_or_else(missing)?;
    // Deno throws when --allow-env does not cover the variable: say so, and keep its error.
    let variable = |name: &'static str| -> Result<Option<String>, Rejection> {
        match Reflect::get(&env, &name.into()) {
            Ok(value) => Ok(value.as_string().filter(|v| !v.is_empty())),
            Err(denied) => {
                Err(Rejection { cause: Some(denied), ..credentials("credentials", InputProblem::EnvironmentDenied { variable: name }) })
            }
        }
    };
    let (Some(id), Some(secret)) = (variable("ALIBABA_CLOUD_ACCESS_KEY_ID")?, variable("ALIBABA_CLOUD_ACCESS_KEY_SECRET")?) else {
        return Err(missing());
    };
    let found = Credentials::new(id, secret, variable("ALIBABA_CLOUD_SECURITY_TOKEN")?);
    found.validate()?;
    Ok(found)
}

/// Checks a provider's result; returns the credentials and when they expire.
fn validate(value: &JsValue) -> Result<(Credentials, Option<f64>), Rejection> {
    if !value.is_object() {
        return Err(credentials("credentials", wrong_type("a provider that returns a credentials object", value)));
    }
    read_credentials(value)
}

fn provider_failed(thrown: JsValue) -> Rejection {
    Rejection { cause: Some(thrown), ..credentials("credentials", InputProblem::ProviderFailed) }
}


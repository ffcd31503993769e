//! Where credentials come from: a plain object (or Node's environment), or an async provider
//! (whose result the glue's `runCall` keeps until 5 minutes before it expires, and shares between
//! concurrent calls), each checked here.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::from_js::{credentials, option_names, optional_string, optional_time, required_string, unknown_option, wrong_type, OptionNames, Options};
use super::js_imports::glue;
use super::rejection::Rejection;
use crate::protocol::{Credentials, Error, InputProblem};

const CREDENTIAL_FIELDS: OptionNames =
    option_names!["credentials.accessKeyId", "credentials.accessKeySecret", "credentials.securityToken", "credentials.expiration"];

/// The `credentials` option: read once per call; a provider is asked by the glue before each attempt.
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
    let env = Some(glue()?.process_env()).filter(JsValue::is_object).ok_or_else(missing)?;
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
pub(crate) fn credentials_of(value: &JsValue) -> Result<(Credentials, Option<f64>), Rejection> {
    if !value.is_object() {
        return Err(credentials("credentials", wrong_type("a provider that returns a credentials object", value)));
    }
    read_credentials(value)
}

pub(crate) fn provider_failed(thrown: JsValue) -> Rejection {
    Rejection { cause: Some(thrown), ..credentials("credentials", InputProblem::ProviderFailed) }
}


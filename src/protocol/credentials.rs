//! An AccessKey pair, with an optional STS security token. `Debug` never shows a secret.


use std::fmt;

use super::error::Error;
use super::job::{check_text, check_text_up_to, MAX_TOKEN_BYTES};

/// AccessKey credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `AccessKeyId`: sent in the clear, not a secret.
    pub access_key_id: String,
    /// `AccessKeySecret`: only ever used as the HMAC key.
    pub access_key_secret: String,
    /// `SecurityToken` of STS credentials: sent in the signed form body, never in the URL.
    pub security_token: Option<String>,
}

impl Credentials {
    /// Long-lived (`security_token: None`) or STS credentials.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>, security_token: Option<String>) -> Self {
        Credentials { access_key_id: access_key_id.into(), access_key_secret: access_key_secret.into(), security_token }
    }

    /// Checks each part as a required text value (a token, when given, must not be blank either).
    pub fn validate(&self) -> Result<(), Error> {
        let as_credentials = |e| match e {
            Error::Input(e) => Error::Credentials(e),
            other => other,
        };
        check_text("credentials.accessKeyId", &self.access_key_id).map_err(as_credentials)?;
        check_text("credentials.accessKeySecret", &self.access_key_secret).map_err(as_credentials)?;
        if let Some(token) = &self.security_token {
            check_text_up_to("credentials.securityToken", token, MAX_TOKEN_BYTES).map_err(as_credentials)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .field("security_token", &self.security_token.as_ref().map(|_| "***"))
            .finish()
    }
}

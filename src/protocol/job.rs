//! The typed operations on an upload document job: their parameters, validation and query/body
//! split, the one place that knows them. Each becomes an [`ApiRequest`], signed and sent as any
//! other action is. Another operation on a job is a variant of [`Action`].
//!
//! Sources: the CancelUploadDocumentJob and GetUploadDocumentJob API references (gpdb 2016-05-03),
//! help.aliyun.com/zh/analyticdb-for-postgresql/developer-reference/api-gpdb-2016-05-03-canceluploaddocumentjob;
//! the split is the official SDK's `cancelUploadDocumentJobWithOptions` and
//! `getUploadDocumentJobWithOptions` (`@alicloud/gpdb20160503`; PyPI `alibabacloud-gpdb20160503`
//! 5.12.0 `client.py`, `get_upload_document_job_with_options`; tests/cross-check/GET-UPLOAD-DOCUMENT-JOB-NOTES.md):
//! `DBInstanceId` and `RegionId` in the query, `Collection`, `JobId`, `Namespace` and
//! `NamespacePassword` in the `application/x-www-form-urlencoded` body, for both.

use std::fmt;

use super::api::ApiRequest;
use super::endpoint::validate_region_id;
use super::error::{Error, InputProblem};

/// An operation on one upload document job: its `Action`. Each takes [`UploadDocumentJobParameters`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// `CancelUploadDocumentJob`: answers `{RequestId, Status, Message}`.
    CancelUploadDocumentJob,
    /// `GetUploadDocumentJob`: answers the job's state (`response::UploadDocumentJobState`).
    GetUploadDocumentJob,
}

impl Action {
    /// The `Action` parameter (V2) or `x-acs-action` header (V3).
    pub fn name(self) -> &'static str {
        match self {
            Action::CancelUploadDocumentJob => "CancelUploadDocumentJob",
            Action::GetUploadDocumentJob => "GetUploadDocumentJob",
        }
    }
}
/// `Version`.
pub const VERSION: &str = "2016-05-03";
/// The namespace used when none is given.
pub const DEFAULT_NAMESPACE: &str = "public";
/// The longest value accepted, in UTF-8 bytes.
pub const MAX_VALUE_BYTES: usize = 4096;
/// STS tokens are longer than ordinary values.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The request parameters of each [`Action`]: which job, and the namespace password that guards it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UploadDocumentJobParameters {
    /// `DBInstanceId`, e.g. `gp-xxxxxxxxx`. Query string.
    pub db_instance_id: String,
    /// `RegionId`, e.g. `cn-hangzhou`. Query string.
    pub region_id: String,
    /// `Namespace`; `None` means `public`. Form body.
    pub namespace: Option<String>,
    /// `Collection`. Form body.
    pub collection: String,
    /// `NamespacePassword`: a secret. Form body only, never the URL.
    pub namespace_password: String,
    /// `JobId`, as returned by UploadDocumentAsync. Form body.
    pub job_id: String,
}

impl UploadDocumentJobParameters {
    /// Checks every parameter; the first problem found is returned, naming its field.
    pub fn validate(&self) -> Result<(), Error> {
        check_text("regionId", &self.region_id)?;
        validate_region_id(&self.region_id)?;
        check_text("dbInstanceId", &self.db_instance_id)?;
        if let Some(namespace) = &self.namespace {
            check_text("namespace", namespace)?;
        }
        check_text("collection", &self.collection)?;
        check_text("namespacePassword", &self.namespace_password)?;
        check_text("jobId", &self.job_id)
    }

    /// The namespace that is sent: the given one, or `public`.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE)
    }

    /// `action` on this job, checked ([`Self::validate`]), as the request the signer takes:
    /// `DBInstanceId` and `RegionId` in the query string, the rest in the form body (sorted by
    /// name, as the official SDK sends them).
    pub fn request(&self, action: Action) -> Result<ApiRequest<'_>, Error> {
        self.validate()?;
        Ok(ApiRequest {
            action: action.name(),
            version: VERSION,
            query: vec![("DBInstanceId", &self.db_instance_id), ("RegionId", &self.region_id)],
            body: vec![
                ("Collection", &self.collection),
                ("JobId", &self.job_id),
                ("Namespace", self.namespace()),
                ("NamespacePassword", &self.namespace_password),
            ],
        })
    }
}

impl fmt::Debug for UploadDocumentJobParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadDocumentJobParameters")
            .field("db_instance_id", &self.db_instance_id)
            .field("region_id", &self.region_id)
            .field("namespace", &self.namespace())
            .field("collection", &self.collection)
            .field("namespace_password", &"***")
            .field("job_id", &self.job_id)
            .finish()
    }
}

/// A required text value: not blank, no control characters, at most [`MAX_VALUE_BYTES`].
pub(crate) fn check_text(field: &'static str, value: &str) -> Result<(), Error> {
    check_text_up_to(field, value, MAX_VALUE_BYTES)
}

/// [`check_text`] with another length limit.
pub(crate) fn check_text_up_to(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::input(field, InputProblem::Blank));
    }
    if value.len() > max {
        return Err(Error::input(field, InputProblem::TooLong { len: value.len(), max }));
    }
    // Control characters are C0, DEL and C1 (U+0080..U+009F, whose UTF-8 starts with 0xC2): the
    // exact check decodes characters, so it runs only when such a byte is there.
    let suspect = value.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2);
    if let Some(index) = suspect.then(|| value.chars().position(char::is_control)).flatten() {
        return Err(Error::input(field, InputProblem::ControlCharacter { index }));
    }
    Ok(())
}

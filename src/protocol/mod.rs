//! The pure protocol of any Alibaba Cloud RPC action ([`ApiRequest`]) and of the typed ones built
//! on it (CancelUploadDocumentJob, GetUploadDocumentJob, STS AssumeRole): signing stages,
//! validation, endpoints, response parsing and the retry policy. Deterministic: time and nonce
//! are inputs.
//!
//! ```
//! use gpdb_edge::protocol::{
//!     sign_request, Action, Credentials, Destination, Endpoint, SignatureVersion, Timestamp, UploadDocumentJobParameters,
//! };
//!
//! let job = UploadDocumentJobParameters {
//!     db_instance_id: "gp-xxxxxxxxx".into(),
//!     region_id: "cn-hangzhou".into(),
//!     namespace: None, // "public"
//!     collection: "document".into(),
//!     namespace_password: "namespace-password".into(),
//!     job_id: "231460f8-75dc-405e-a669-0c5204887e91".into(),
//! };
//! let credentials = Credentials::new("testid", "testsecret", None);
//! let destination = Destination::direct(Endpoint::for_region(&job.region_id)?);
//! let timestamp = Timestamp::from_unix_millis(1_456_231_584_000)?;
//! let nonce = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
//! let cancel = job.request(Action::CancelUploadDocumentJob)?;
//! let request = sign_request(&cancel, &credentials, &destination, SignatureVersion::V3, timestamp, nonce)?;
//! assert_eq!(request.method, "POST");
//! assert_eq!(request.url, "https://gpdb.aliyuncs.com/?DBInstanceId=gp-xxxxxxxxx&RegionId=cn-hangzhou");
//! assert!(request.headers[1].1.starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;"));
//! assert!(!request.url.contains("namespace-password"));
//! # Ok::<(), gpdb_edge::protocol::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod api;
pub mod credentials;
pub mod encode;
pub mod endpoint;
pub mod error;
mod json;
pub mod job;
pub mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod sign;
pub mod sts;
pub mod timestamp;

pub use api::ApiRequest;
pub use credentials::Credentials;
pub use endpoint::{Destination, Endpoint};
pub use error::{ApiError, EnvironmentProblem, Error, InputError, InputProblem, ResponseError, ResponseProblem};
pub use job::{Action, UploadDocumentJobParameters};
pub use request::{sign_request, SignedRequest};
pub use response::{check_api_answer, parse_cancel_answer, parse_job_state, CancelResult, ChunkResult, Job, UploadDocumentJobState, Usage};
pub use sign::SignatureVersion;
pub use sts::{parse_assume_role_answer, AssumeRole, AssumedRole};
pub use timestamp::Timestamp;

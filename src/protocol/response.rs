//! From an HTTP status and body to a typed result.
//!
//! Sources: the CancelUploadDocumentJob API reference (response `{RequestId, Message, Status}`,
//! `Status` is `success` or `fail`); the official SDK's `GetUploadDocumentJobResponseBody` and its
//! `Job`, `ChunkResult` and `Usage` models (PyPI `alibabacloud-gpdb20160503` 5.12.0,
//! `models/_get_upload_document_job_response_body.py`: `Completed` bool, `Progress`,
//! `EmbeddingEntries` and `EmbeddingTokens` int, the rest str, all optional; the same in the
//! TypeScript, Java and C# SDKs: tests/cross-check/GET-UPLOAD-DOCUMENT-JOB-NOTES.md); and Alibaba Cloud's common error
//! body `{RequestId, HostId, Code, Message, Recommend}` (help.aliyun.com/document_detail/28839.html).

use super::error::{ApiError, Error, ResponseError, ResponseProblem};
use super::json::{parse_object, Refusal, Value};
use super::redact::{pieces, redact, Piece, MASK};

/// How many characters of an unexpected body an error quotes.
pub const EXCERPT_CHARS: usize = 160;
/// The `Code` given to a 2xx answer with `Status: "fail"` that names no code of its own.
pub const OPERATION_FAILED: &str = "OperationFailed";

/// A successful CancelUploadDocumentJob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelResult {
    /// `RequestId`.
    pub request_id: String,
    /// `Status`: always `success` here.
    pub status: String,
    /// `Message`.
    pub message: String,
    /// The cancel was applied by an earlier attempt of the same call, whose answer was lost:
    /// GetUploadDocumentJob showed the job `Cancelling` or `Cancelled` (the runtime sets this).
    pub already_cancelled: bool,
}

/// A GetUploadDocumentJob answer. Every field the API may leave out is an `Option`: absent stays
/// absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadDocumentJobState {
    /// `RequestId`.
    pub request_id: String,
    /// `Job`.
    pub job: Job,
    /// `ChunkResult`: the chunking's output files, once there are some.
    pub chunk_result: Option<ChunkResult>,
    /// `Usage`: what the embedding used, once there is something.
    pub usage: Option<Usage>,
}

/// `Job` of a GetUploadDocumentJob answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Job {
    /// `Id`.
    pub id: Option<String>,
    /// `Status`: `Pending`, `Start`, `Running`, `Success`, `Failed`, `Cancelling` or `Cancelled`.
    pub status: Option<String>,
    /// `Completed`.
    pub completed: Option<bool>,
    /// `Progress`, percent.
    pub progress: Option<u64>,
    /// `Error`: why the job failed.
    pub error: Option<String>,
    /// `ErrorCode` (newer API versions).
    pub error_code: Option<String>,
    /// `CreateTime`, as the API writes it (`2024-01-08 16:52:04.864664`, no time zone).
    pub create_time: Option<String>,
    /// `UpdateTime`, likewise.
    pub update_time: Option<String>,
}

/// `ChunkResult` of a GetUploadDocumentJob answer: URLs valid for 2 hours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChunkResult {
    /// `ChunkFileUrl`: JSON lines, one chunk with its metadata a line.
    pub chunk_file_url: Option<String>,
    /// `PlainChunkFileUrl`: plain text, one chunk a line.
    pub plain_chunk_file_url: Option<String>,
    /// `DocumentLoaderResultFileUrl` (newer API versions): the loader's markdown.
    pub document_loader_result_file_url: Option<String>,
}

/// `Usage` of a GetUploadDocumentJob answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// `EmbeddingEntries`.
    pub embedding_entries: Option<u64>,
    /// `EmbeddingTokens`.
    pub embedding_tokens: Option<u64>,
}

/// Interprets a CancelUploadDocumentJob answer. `secrets` (password, AccessKey secret, token,
/// signature) are scrubbed from every text that ends up in an error, since servers and proxies
/// echo requests.
///
/// Never panics, whatever the bytes.
pub fn parse_cancel_answer(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<CancelResult, Error> {
    let members = read_answer(http_status, body, secrets, Shape::Status)?;
    Ok(CancelResult {
        request_id: text(&members, "RequestId").unwrap_or_default(),
        status: "success".to_owned(),
        message: text(&members, "Message").unwrap_or_default(),
        already_cancelled: false,
    })
}

/// Interprets a GetUploadDocumentJob answer, as [`parse_cancel_answer`] does; a success must hold a
/// `Job` object.
pub fn parse_job_state(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<UploadDocumentJobState, Error> {
    let members = read_answer(http_status, body, secrets, Shape::StatusOrJob)?;
    let Some(job) = object(&members, "Job") else {
        let excerpt = excerpt(body, secrets);
        return Err(Error::Response(ResponseError { http_status, problem: ResponseProblem::MissingField("Job"), excerpt }));
    };
    Ok(UploadDocumentJobState {
        request_id: text(&members, "RequestId").unwrap_or_default(),
        job: Job {
            id: text(job, "Id"),
            status: text(job, "Status"),
            completed: members_of(job, "Completed").and_then(|v| match v {
                Value::Bool(b) => Some(*b),
                _ => None,
            }),
            progress: whole_number(job, "Progress"),
            error: text(job, "Error"),
            error_code: text(job, "ErrorCode"),
            create_time: text(job, "CreateTime"),
            update_time: text(job, "UpdateTime"),
        },
        chunk_result: object(&members, "ChunkResult").map(|chunks| ChunkResult {
            chunk_file_url: text(chunks, "ChunkFileUrl"),
            plain_chunk_file_url: text(chunks, "PlainChunkFileUrl"),
            document_loader_result_file_url: text(chunks, "DocumentLoaderResultFileUrl"),
        }),
        usage: object(&members, "Usage").map(|usage| Usage {
            embedding_entries: whole_number(usage, "EmbeddingEntries"),
            embedding_tokens: whole_number(usage, "EmbeddingTokens"),
        }),
    })
}

fn members_of<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    members.iter().find_map(|(key, value)| (key == name).then_some(value))
}

// A string member, or a number's source text.
fn text(members: &[(String, Value)], name: &str) -> Option<String> {
    match members_of(members, name)? {
        Value::String(text) | Value::Number(text) => Some(text.clone()),
        _ => None,
    }
}

fn object<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a [(String, Value)]> {
    match members_of(members, name)? {
        Value::Object(members) => Some(members),
        _ => None,
    }
}

// A number (or numeric string) that is a whole number; anything else counts as absent.
fn whole_number(members: &[(String, Value)], name: &str) -> Option<u64> {
    text(members, name)?.parse().ok()
}

/// The checks every answer of any action gets: a body, a JSON object, and for a status other than
/// 2xx the API's error (`Code`, `Message`, `RequestId`, `HostId`, `Recommend`). Returns its
/// members. Every text that reaches an error is scrubbed of `secrets`.
pub(crate) fn read_api_answer(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<Vec<(String, Value)>, Error> {
    let response_error = |problem| Error::Response(ResponseError { http_status, problem, excerpt: excerpt(body, secrets) });
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(response_error(ResponseProblem::Empty));
    }
    let members = match core::str::from_utf8(body).map_err(|_| Refusal::Invalid).and_then(parse_object) {
        Ok(members) => members,
        Err(Refusal::Invalid) => return Err(response_error(ResponseProblem::NotJson)),
        Err(Refusal::DuplicateKey) => return Err(response_error(ResponseProblem::Ambiguous)),
    };
    if (200..300).contains(&http_status) {
        return Ok(members);
    }
    if two_spellings(&members) {
        return Err(response_error(ResponseProblem::Ambiguous));
    }
    Err(match field(&members, &["Code", "code"]) {
        Some(code) => api_error(&members, code, http_status, secrets),
        None => response_error(ResponseProblem::MissingField("Code")),
    })
}

/// Checks an answer of any action ([`read_api_answer`]): `Ok` when it is a 2xx JSON object,
/// which the caller reads as it is.
pub fn check_api_answer(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<(), Error> {
    read_api_answer(http_status, body, secrets).map(drop)
}

// The first string or number member of one of `names` (the API writes PascalCase, gateways camelCase).
fn field<'a>(members: &'a [(String, Value)], names: &[&str]) -> Option<&'a str> {
    members.iter().find_map(|(key, value)| match value {
        Value::String(text) | Value::Number(text) if names.contains(&key.as_str()) => Some(text.as_str()),
        _ => None,
    })
}

// The API's error `code`, with the answer's other fields; every field is scrubbed, not only
// Message: all of it is server text.
fn api_error(members: &[(String, Value)], code: &str, http_status: u16, secrets: &[&str]) -> Error {
    let scrub = |text: &str| redact(text, secrets);
    Error::Api(Box::new(ApiError {
        code: scrub(code),
        message: scrub(field(members, &["Message", "message"]).unwrap_or_default()),
        request_id: field(members, &["RequestId", "requestId"]).map(scrub),
        host_id: field(members, &["HostId", "hostId"]).map(scrub),
        recommend: field(members, &["Recommend", "recommend"]).map(scrub),
        http_status,
    }))
}

/// What makes a 2xx answer of a job operation a success, besides a `RequestId`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `Status: "success"` (CancelUploadDocumentJob: a body with only a `Job` is not its answer).
    Status,
    /// `Status: "success"`, or a `Job` object and no `Status` (GetUploadDocumentJob).
    StatusOrJob,
}

/// Field names the reader accepts in two spellings: an answer with both is ambiguous.
const TWO_SPELLINGS: [[&str; 2]; 6] = [
    ["RequestId", "requestId"],
    ["Message", "message"],
    ["Code", "code"],
    ["Status", "status"],
    ["HostId", "hostId"],
    ["Recommend", "recommend"],
];

fn two_spellings(members: &[(String, Value)]) -> bool {
    TWO_SPELLINGS.iter().any(|names| names.iter().all(|name| members_of(members, name).is_some()))
}

/// The checks every answer of the job operations gets besides [`read_api_answer`]'s: one
/// unambiguous object, not `Status: "fail"`, of the action's `shape`, and a `RequestId`.
/// Returns its members.
fn read_answer(http_status: u16, body: &[u8], secrets: &[&str], shape: Shape) -> Result<Vec<(String, Value)>, Error> {
    let members = read_api_answer(http_status, body, secrets)?;
    let response_error = |problem| Error::Response(ResponseError { http_status, problem, excerpt: excerpt(body, secrets) });
    if two_spellings(&members) {
        return Err(response_error(ResponseProblem::Ambiguous));
    }
    match (field(&members, &["Status", "status"]), field(&members, &["Code", "code"])) {
        (Some("success"), _) => {}
        (Some("fail"), code) => return Err(api_error(&members, code.unwrap_or(OPERATION_FAILED), http_status, secrets)),
        (None, Some(code)) => return Err(api_error(&members, code, http_status, secrets)),
        // An answer that carries a job needs no Status of its own.
        (None, None) if shape == Shape::StatusOrJob && object(&members, "Job").is_some() => {}
        (None, None) => return Err(response_error(ResponseProblem::MissingField("Status"))),
        (Some(_), _) => return Err(response_error(ResponseProblem::UnknownStatus)),
    }
    if field(&members, &["RequestId", "requestId"]).is_none() {
        return Err(response_error(ResponseProblem::MissingField("RequestId")));
    }
    Ok(members)
}

/// The start of `body` as text: control characters and runs of whitespace become one space,
/// secrets become `***`, at most [`EXCERPT_CHARS`] characters.
///
/// The body (at most the read limit) is redacted from its start and only then cut: every
/// character shown was checked not to begin a secret, so no secret loses only its tail.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(EXCERPT_CHARS);
    let mut count = 0;
    'pieces: for piece in pieces(&text, secrets) {
        // A mask counts a character at a time, as if the redacted text were cut.
        let (ch, repeat) = match piece {
            Piece::Char(ch) => (ch, 1),
            Piece::Masked => ('*', MASK.len()),
        };
        for _ in 0..repeat {
            if count == EXCERPT_CHARS {
                out.push('…');
                break 'pieces;
            }
            let ch = if ch.is_control() || ch.is_whitespace() { ' ' } else { ch };
            if ch == ' ' && (out.is_empty() || out.ends_with(' ')) {
                continue;
            }
            out.push(ch);
            count += 1;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

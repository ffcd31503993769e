//! Status + body → result or typed error, for every case the API, a gateway or a proxy produces.

use gpdb_edge::protocol::{parse_job_state, parse_cancel_answer, ApiError, CancelResult, Error, Job, ResponseProblem, Usage};
use proptest::prelude::*;

const PASSWORD: &str = "pass word/1";

fn api(status: u16, body: &str) -> ApiError {
    match parse_cancel_answer(status, body.as_bytes(), &[PASSWORD]) {
        Err(Error::Api(e)) => *e,
        other => panic!("{status} {body}: {other:?}"),
    }
}

fn response_problem(status: u16, body: &[u8]) -> (ResponseProblem, String, bool) {
    match parse_cancel_answer(status, body, &[PASSWORD]) {
        Err(err @ Error::Response(_)) => {
            let retryable = err.retryable();
            let Error::Response(e) = err else { unreachable!() };
            (e.problem, e.excerpt, retryable)
        }
        other => panic!("{status}: {other:?}"),
    }
}

#[test]
fn success() {
    // Source: CancelUploadDocumentJob API reference, response example.
    let body = br#"{"RequestId":"ABB39CC3-4488-4857-905D-2E4A051D0521","Message":"success","Status":"success"}"#;
    assert_eq!(
        parse_cancel_answer(200, body, &[]).unwrap(),
        CancelResult {
            request_id: "ABB39CC3-4488-4857-905D-2E4A051D0521".into(),
            status: "success".into(),
            message: "success".into(), already_cancelled: false }
    );
}

#[test]
fn status_fail_is_an_api_error() {
    let e = api(200, r#"{"RequestId":"R1","Message":"job is locked","Status":"fail"}"#);
    assert_eq!((e.code.as_str(), e.message.as_str(), e.request_id.as_deref(), e.http_status), ("OperationFailed", "job is locked", Some("R1"), 200));
    assert!(!e.retryable());
}

#[test]
fn alibaba_error_bodies_become_api_errors_with_every_field() {
    let e = api(
        400,
        r#"{"RequestId":"R2","HostId":"gpdb.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&NamespacePassword%3Dpass%2520word%252F1","Recommend":"https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=gpdb&requestId=R2"}"#,
    );
    assert_eq!(e.code, "SignatureDoesNotMatch");
    assert_eq!(e.request_id.as_deref(), Some("R2"));
    assert_eq!(e.host_id.as_deref(), Some("gpdb.aliyuncs.com"));
    assert_eq!(e.recommend.as_deref(), Some("https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=gpdb&requestId=R2"));
    assert_eq!(e.http_status, 400);
    assert!(e.message.ends_with("NamespacePassword%3D***"), "the echoed password is scrubbed: {}", e.message);
    assert!(!e.retryable());
}

#[test]
fn retryable_follows_the_code_and_status() {
    let cases = [
        (400, "Throttling.User", true),
        (503, "Throttling", true),
        (503, "ServiceUnavailable", true),
        (500, "InternalError", true),
        (502, "BadGateway", true),
        (504, "GatewayTimeout", true),
        (500, "UnknownError", true),
        (429, "TooManyRequests", true),
        (400, "SignatureDoesNotMatch", false),
        (400, "SignatureNonceUsed", false),
        (400, "InvalidTimeStamp.Expired", false),
        (404, "InvalidAccessKeyId.NotFound", false),
        (403, "Forbidden.RAM", false),
        (403, "NoPermission", false),
        (400, "InvalidParameter", false),
        (400, "MissingParameter", false),
        (500, "InvalidParameter.JobId", false),
        (400, "UploadDocumentJob.StatusInvalid", false),
        (404, "UploadDocumentJob.NotFound", false),
    ];
    for (status, code, retryable) in cases {
        let e = api(status, &format!(r#"{{"RequestId":"R","Code":"{code}","Message":"m"}}"#));
        assert_eq!(e.retryable(), retryable, "{status} {code}");
    }
}

#[test]
fn bodies_that_are_not_the_api_answer_become_response_errors() {
    let html = format!("<html><body><h1>502 Bad Gateway</h1><pre>NamespacePassword={PASSWORD}</pre></body></html>");
    let cases: Vec<(u16, Vec<u8>, ResponseProblem, &str, bool)> = vec![
        (502, html.into_bytes(), ResponseProblem::NotJson, "<html><body><h1>502 Bad Gateway</h1><pre>NamespacePassword=***</pre></body></html>", true),
        (200, br#"{"RequestId":"AB"#.to_vec(), ResponseProblem::NotJson, r#"{"RequestId":"AB"#, false),
        (200, b"".to_vec(), ResponseProblem::Empty, "", false),
        (503, b" \r\n".to_vec(), ResponseProblem::Empty, "", true),
        (200, b"[]".to_vec(), ResponseProblem::NotJson, "[]", false),
        (200, b"\xff\xfe{}".to_vec(), ResponseProblem::NotJson, "\u{fffd}\u{fffd}{}", false),
        (200, br#"{"RequestId":"R"}"#.to_vec(), ResponseProblem::MissingField("Status"), r#"{"RequestId":"R"}"#, false),
        (200, br#"{"Status":"success"}"#.to_vec(), ResponseProblem::MissingField("RequestId"), r#"{"Status":"success"}"#, false),
        (200, br#"{"RequestId":"R","Status":"pending"}"#.to_vec(), ResponseProblem::UnknownStatus, r#"{"RequestId":"R","Status":"pending"}"#, false),
        (500, br#"{"message":"oops"}"#.to_vec(), ResponseProblem::MissingField("Code"), r#"{"message":"oops"}"#, true),
        (404, b"Not Found\n\n\tat /x".to_vec(), ResponseProblem::NotJson, "Not Found at /x", false),
    ];
    for (status, body, problem, excerpt, retryable) in cases {
        let got = response_problem(status, &body);
        assert_eq!(got, (problem, excerpt.to_owned(), retryable), "{status} {:?}", String::from_utf8_lossy(&body));
    }
}

#[test]
fn excerpts_are_short() {
    let body = "x".repeat(100_000);
    let (_, excerpt, _) = response_problem(500, body.as_bytes());
    assert_eq!(excerpt.chars().count(), 161);
    assert!(excerpt.ends_with('…'));
}

#[test]
fn lower_case_field_names_are_read_too() {
    let e = api(400, r#"{"requestId":"R","code":"Throttling.User","message":"slow down"}"#);
    assert_eq!((e.code.as_str(), e.request_id.as_deref()), ("Throttling.User", Some("R")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_random_bytes(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_cancel_answer(status, &body, &[PASSWORD]);
    }

    #[test]
    fn never_panics_on_json_like_text(status in 100u16..600, body in r#"[\{\}\[\]":,\\ a-zA-Z0-9.eE+\-]{0,200}"#) {
        let _ = parse_cancel_answer(status, body.as_bytes(), &[PASSWORD]);
    }
}

// GetUploadDocumentJobParameters, with the official model's fields (tests/cross-check/GET-UPLOAD-DOCUMENT-JOB-NOTES.md).
#[test]
fn a_job_state_keeps_every_field_the_api_sent() {
    let body = br#"{"RequestId":"R","Status":"success","Message":"success","Job":{"Id":"j1","Status":"Success","Completed":true,"Progress":100,"Error":"","ErrorCode":"","CreateTime":"2024-01-08 16:52:04.864664","UpdateTime":"2024-01-08 16:53:04.864664"},"ChunkResult":{"ChunkFileUrl":"https://x/c.jsonl","PlainChunkFileUrl":"https://x/c.txt"},"Usage":{"EmbeddingEntries":10,"EmbeddingTokens":475}}"#;
    let state = parse_job_state(200, body, &[]).unwrap();
    assert_eq!(state.request_id, "R");
    assert_eq!(
        state.job,
        Job {
            id: Some("j1".into()),
            status: Some("Success".into()),
            completed: Some(true),
            progress: Some(100),
            error: Some(String::new()),
            error_code: Some(String::new()),
            create_time: Some("2024-01-08 16:52:04.864664".into()),
            update_time: Some("2024-01-08 16:53:04.864664".into()),
        }
    );
    let chunks = state.chunk_result.unwrap();
    assert_eq!(chunks.chunk_file_url.as_deref(), Some("https://x/c.jsonl"));
    assert_eq!(chunks.plain_chunk_file_url.as_deref(), Some("https://x/c.txt"));
    assert_eq!(chunks.document_loader_result_file_url, None);
    assert_eq!(state.usage, Some(Usage { embedding_entries: Some(10), embedding_tokens: Some(475) }));
}

#[test]
fn absent_job_fields_stay_absent() {
    // No Status of the call either: an answer that carries a job is a success.
    let state = parse_job_state(200, br#"{"RequestId":"R","Job":{"Id":"j","Status":"Running","Progress":"20","Completed":null}}"#, &[]).unwrap();
    assert_eq!(state.job, Job { id: Some("j".into()), status: Some("Running".into()), progress: Some(20), ..Job::default() });
    assert_eq!((state.chunk_result, state.usage), (None, None));
}

#[test]
fn a_job_state_answer_without_a_job_or_with_an_error_is_an_error() {
    let error = parse_job_state(200, br#"{"RequestId":"R","Status":"success","Message":"success"}"#, &[]).unwrap_err();
    assert_eq!(error.code(), "MalformedResponse");
    assert!(error.to_string().contains("no Job"), "{error}");
    let error = parse_job_state(404, br#"{"RequestId":"R","Code":"UploadDocumentJob.NotFound","Message":"not found"}"#, &[]).unwrap_err();
    assert_eq!((error.kind(), error.code()), ("api", "UploadDocumentJob.NotFound"));
    let error = parse_job_state(200, br#"{"RequestId":"R","Status":"fail","Message":"m","Job":{}}"#, &[]).unwrap_err();
    assert_eq!((error.kind(), error.code()), ("api", "OperationFailed"));
    assert!(parse_job_state(200, b"<html>", &[]).is_err());
}

#[test]
fn an_answer_that_names_a_field_twice_is_ambiguous_not_success() {
    // JSON.parse keeps the last duplicate, a first-wins reader the first: refused either way.
    let bodies = [
        r#"{"RequestId":"R","Status":"success","Message":"ok","Status":"fail"}"#,
        r#"{"RequestId":"R","Status":"fail","Message":"ok","Status":"success"}"#,
        r#"{"RequestId":"R","Status":"success","St\u0061tus":"fail"}"#,
        r#"{"RequestId":"R","Status":"success","status":"fail"}"#,
        r#"{"RequestId":"R","requestId":"S","Status":"success"}"#,
    ];
    for body in bodies {
        let (problem, excerpt, retryable) = response_problem(200, body.as_bytes());
        assert_eq!((problem, retryable), (ResponseProblem::Ambiguous, false), "{body}");
        assert!(excerpt.starts_with("{\"RequestId\""), "{excerpt}");
        let err = parse_cancel_answer(200, body.as_bytes(), &[]).unwrap_err();
        assert_eq!(err.code(), "AmbiguousResponse");
        assert!(err.to_string().starts_with("HTTP 200 answer is ambiguous"), "{err}");
    }
    let job = br#"{"RequestId":"R","Job":{"Id":"j","Status":"Running","Status":"Cancelled"}}"#;
    assert!(matches!(parse_job_state(200, job, &[]), Err(Error::Response(e)) if e.problem == ResponseProblem::Ambiguous));
}

#[test]
fn each_action_reads_only_its_own_answer() {
    // A GetUploadDocumentJob answer (a Job, no Status) is not a cancel's success.
    let job_only = br#"{"RequestId":"R","Job":{"Id":"j","Status":"Cancelled"}}"#;
    let (problem, _, _) = response_problem(200, job_only);
    assert_eq!(problem, ResponseProblem::MissingField("Status"));
    assert_eq!(parse_job_state(200, job_only, &[]).unwrap().job.status.as_deref(), Some("Cancelled"));
    // A cancel's answer (no Job) is not a job state.
    let cancel = br#"{"RequestId":"R","Status":"success","Message":"success"}"#;
    assert!(matches!(parse_job_state(200, cancel, &[]), Err(Error::Response(e)) if e.problem == ResponseProblem::MissingField("Job")));
}

#[test]
fn an_excerpt_never_exceeds_its_length_for_a_mask_at_the_end() {
    for at in 150..165 {
        let body = format!("{}{PASSWORD} and more", "x".repeat(at));
        let (_, excerpt, _) = response_problem(500, body.as_bytes());
        assert!(excerpt.chars().count() <= 161, "{at}: {excerpt}");
        assert!(!excerpt.contains("pass"), "{at}: {excerpt}");
    }
}

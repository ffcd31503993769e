//! Every validation rule, as one table: which field, which problem, and that the message names
//! the field without echoing the value.

use gpdb_edge::protocol::{
    Action,
    sign_request, UploadDocumentJobParameters, Credentials, Destination, Endpoint, Error, InputProblem, SignatureVersion, Timestamp,
};

const CANCEL: Action = Action::CancelUploadDocumentJob;

const PASSWORD: &str = "s3cret-namespace-password";
const SECRET: &str = "s3cret-access-key-secret";
const TOKEN: &str = "s3cret-sts-token";

fn valid() -> (UploadDocumentJobParameters, Credentials) {
    (
        UploadDocumentJobParameters {
            db_instance_id: "gp-xxxxxxxxx".into(),
            region_id: "cn-hangzhou".into(),
            namespace: None,
            collection: "document".into(),
            namespace_password: PASSWORD.into(),
            job_id: "231460f8-75dc-405e-a669-0c5204887e91".into(),
        },
        Credentials::new("testid", SECRET, Some(TOKEN.into())),
    )
}

type Edit = fn(&mut UploadDocumentJobParameters, &mut Credentials);

#[test]
fn each_rule_rejects_before_anything_is_built() {
    let cases: Vec<(&str, Edit, &str, &str, InputProblem)> = vec![
        ("missing dbInstanceId", |o, _| o.db_instance_id.clear(), "input", "dbInstanceId", InputProblem::Blank),
        ("whitespace collection", |o, _| o.collection = " \t ".into(), "input", "collection", InputProblem::Blank),
        ("empty jobId", |o, _| o.job_id.clear(), "input", "jobId", InputProblem::Blank),
        ("empty password", |o, _| o.namespace_password.clear(), "input", "namespacePassword", InputProblem::Blank),
        ("blank namespace", |o, _| o.namespace = Some(" ".into()), "input", "namespace", InputProblem::Blank),
        ("empty regionId", |o, _| o.region_id.clear(), "input", "regionId", InputProblem::Blank),
        ("NUL in jobId", |o, _| o.job_id = "ab\0c".into(), "input", "jobId", InputProblem::ControlCharacter { index: 2 }),
        ("newline in collection", |o, _| o.collection = "doc\n".into(), "input", "collection", InputProblem::ControlCharacter { index: 3 }),
        ("DEL in dbInstanceId", |o, _| o.db_instance_id = "gp-\u{7f}".into(), "input", "dbInstanceId", InputProblem::ControlCharacter { index: 3 }),
        ("C1 in namespace", |o, _| o.namespace = Some("é\u{85}".into()), "input", "namespace", InputProblem::ControlCharacter { index: 1 }),
        ("tab in password", |o, _| o.namespace_password = format!("{PASSWORD}\t"), "input", "namespacePassword", InputProblem::ControlCharacter { index: PASSWORD.len() }),
        ("4097-byte collection", |o, _| o.collection = "x".repeat(4097), "input", "collection", InputProblem::TooLong { len: 4097, max: 4096 }),
        ("upper-case region", |o, _| o.region_id = "CN-HANGZHOU".into(), "input", "regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }),
        ("region with space", |o, _| o.region_id = "cn hangzhou".into(), "input", "regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }),
        ("region without hyphen", |o, _| o.region_id = "hangzhou".into(), "input", "regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }),
        ("region with double hyphen", |o, _| o.region_id = "cn--hangzhou".into(), "input", "regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }),
        ("region as a host", |o, _| o.region_id = "cn-hangzhou.evil.com".into(), "input", "regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }),
        ("empty accessKeyId", |_, c| c.access_key_id.clear(), "credentials", "credentials.accessKeyId", InputProblem::Blank),
        ("empty secret", |_, c| c.access_key_secret.clear(), "credentials", "credentials.accessKeySecret", InputProblem::Blank),
        ("secret with newline", |_, c| c.access_key_secret = format!("{SECRET}\n"), "credentials", "credentials.accessKeySecret", InputProblem::ControlCharacter { index: SECRET.len() }),
        ("blank token", |_, c| c.security_token = Some(String::new()), "credentials", "credentials.securityToken", InputProblem::Blank),
    ];
    for (name, edit, kind, field, problem) in cases {
        let (mut op, mut credentials) = valid();
        edit(&mut op, &mut credentials);
        let endpoint = Endpoint::parse("https://gpdb.aliyuncs.com").unwrap();
        let err = op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, Timestamp::from_unix_millis(0).unwrap(), "nonce"))
            .expect_err(name);
        let (Error::Input(input) | Error::Credentials(input)) = &err else { panic!("{name}: {err:?}") };
        assert_eq!(err.kind(), kind, "{name}");
        assert_eq!(input.field, field, "{name}");
        assert_eq!(input.problem, problem, "{name}");
        assert!(!err.retryable(), "{name}");
        let message = err.to_string();
        assert!(message.contains(field), "{name}: {message}");
        for secret in [PASSWORD, SECRET, TOKEN] {
            assert!(!message.contains(secret) && !format!("{err:?}").contains(secret), "{name} leaks: {message}");
        }
    }
}

#[test]
fn long_values_and_tokens_have_their_own_limits() {
    let (mut op, mut credentials) = valid();
    op.job_id = "j".repeat(4096);
    credentials.security_token = Some("t".repeat(16 * 1024));
    let endpoint = Endpoint::for_region("cn-hangzhou").unwrap();
    assert!(op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, Timestamp::from_unix_millis(0).unwrap(), "n")).is_ok());
    credentials.security_token = Some("t".repeat(16 * 1024 + 1));
    let err = op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, Timestamp::from_unix_millis(0).unwrap(), "n")).unwrap_err();
    assert_eq!(err.code(), "ParameterTooLong");
}

#[test]
fn namespace_defaults_to_public() {
    let (op, _) = valid();
    assert_eq!(op.namespace(), "public");
    assert!(op.request(CANCEL).unwrap().body.contains(&("Namespace", "public")));
}

#[test]
fn nonce_override_is_checked() {
    let (op, credentials) = valid();
    let endpoint = Endpoint::for_region("cn-hangzhou").unwrap();
    let at = Timestamp::from_unix_millis(0).unwrap();
    for (nonce, code) in [("", "EmptyParameter"), ("a\nb", "InvalidCharacter"), (&"n".repeat(129)[..], "ParameterTooLong")] {
        let err = op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, at, nonce)).unwrap_err();
        assert_eq!((err.kind(), err.code()), ("input", code));
        assert!(err.to_string().starts_with("nonce "));
    }
}

//! Signature V3 (ACS3-HMAC-SHA256): Alibaba's documented known answer, stage by stage, and the
//! shape of a signed CancelUploadDocumentJob.
//!
//! Source: "Request syntax and signature method V3", help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
//! (the RunInstances example; tests/cross-check/V3-NOTES.md).

use gpdb_edge::protocol::sign::v3::{hex_sha256, CanonicalRequest, Signature, StringToSign};
use gpdb_edge::protocol::{
    Action,
    sign_request, UploadDocumentJobParameters, Credentials, Destination, Endpoint, Error,
    SignatureVersion, Timestamp,
};

const CANCEL: Action = Action::CancelUploadDocumentJob;

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn alibabas_known_answer_stage_by_stage() {
    assert_eq!(hex_sha256(b""), EMPTY_SHA256);
    let query = [
        ("RegionId", "cn-shanghai"),
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
    ];
    let headers = [
        ("x-acs-version", "2014-05-26"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-content-sha256", EMPTY_SHA256),
        ("x-acs-action", "RunInstances"),
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
    ];
    let canonical = CanonicalRequest::new("POST", "/", &query, &headers, EMPTY_SHA256);
    assert_eq!(
        canonical.to_string(),
        "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n\
         host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\n\
         host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        canonical.signed_headers(),
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
    );
    let string_to_sign = StringToSign::new(&canonical);
    assert_eq!(
        string_to_sign.to_string(),
        "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    let signature = Signature::calculate("YourAccessKeySecret", &string_to_sign);
    assert_eq!(
        signature.to_string(),
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    assert_eq!(
        signature.authorization("YourAccessKeyId", &canonical),
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
}

fn op() -> UploadDocumentJobParameters {
    UploadDocumentJobParameters {
        db_instance_id: "gp-bp1234567890".into(),
        region_id: "cn-hangzhou".into(),
        namespace: None,
        collection: "docs".into(),
        namespace_password: "p@ss word+1".into(),
        job_id: "231460f8-75dc-405e-a669-0c5204887e91".into(),
    }
}

fn at() -> Timestamp {
    Timestamp::from_unix_millis(1_700_000_000_000).unwrap()
}

#[test]
fn a_v3_request_has_the_official_shape() {
    let credentials = Credentials::new("LTAI-id", "secret", Some("sts-token".into()));
    let destination = Destination::direct(Endpoint::for_region("cn-hangzhou").unwrap());
    let request = op().request(CANCEL).and_then(|r| sign_request(&r,
        &credentials,
        &destination,
        SignatureVersion::V3,
        at(),
        "nonce-1",
    ))
    .unwrap();
    assert_eq!(request.method, "POST");
    // No common parameter in the query string; nothing secret in the URL.
    assert_eq!(
        request.url,
        "https://gpdb.aliyuncs.com/?DBInstanceId=gp-bp1234567890&RegionId=cn-hangzhou"
    );
    assert_eq!(request.body, "Collection=docs&JobId=231460f8-75dc-405e-a669-0c5204887e91&Namespace=public&NamespacePassword=p%40ss%20word%2B1");
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("x-acs-action"), Some("CancelUploadDocumentJob"));
    assert_eq!(header("x-acs-version"), Some("2016-05-03"));
    assert_eq!(header("x-acs-date"), Some("2023-11-14T22:13:20Z"));
    assert_eq!(header("x-acs-signature-nonce"), Some("nonce-1"));
    assert_eq!(header("x-acs-security-token"), Some("sts-token"));
    assert_eq!(
        header("x-acs-content-sha256"),
        Some(hex_sha256(request.body.as_bytes()).as_str())
    );
    assert_eq!(
        header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(header("accept"), Some("application/json"));
    assert_eq!(header("host"), None, "fetch sets host");
    let authorization = header("authorization").unwrap();
    assert!(
        authorization.starts_with("ACS3-HMAC-SHA256 Credential=LTAI-id,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature="),
        "{authorization}"
    );
    // Debug shows neither the signature nor the token nor the password.
    let shown = format!("{request:?}");
    for secret in [
        "sts-token",
        &authorization[authorization.len() - 64..],
        "p%40ss",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn behind_a_proxy_the_request_goes_to_the_proxy_signed_for_the_api_host() {
    let credentials = Credentials::new("id", "secret", None);
    let endpoint = Endpoint::for_region("cn-beijing").unwrap();
    let proxy = Endpoint::parse_option("proxyUrl", "https://console.example.com/api/gpdb").unwrap();
    let direct = op().request(CANCEL).and_then(|r| sign_request(&r,
        &credentials,
        &Destination::direct(endpoint.clone()),
        SignatureVersion::V3,
        at(),
        "n",
    ))
    .unwrap();
    let proxied = op().request(CANCEL).and_then(|r| sign_request(&r,
        &credentials,
        &Destination {
            endpoint,
            proxy: Some(proxy),
        },
        SignatureVersion::V3,
        at(),
        "n",
    ))
    .unwrap();
    assert_eq!(
        proxied.url,
        "https://console.example.com/api/gpdb?DBInstanceId=gp-bp1234567890&RegionId=cn-hangzhou"
    );
    assert_eq!(
        proxied.headers, direct.headers,
        "the same signature: the API host and path / are signed"
    );
    assert_eq!(proxied.body, direct.body);
}

#[test]
fn the_host_header_leaves_out_default_ports() {
    for (url, host, path) in [
        ("https://gpdb.aliyuncs.com", "gpdb.aliyuncs.com", "/"),
        ("https://gpdb.aliyuncs.com:443/", "gpdb.aliyuncs.com", "/"),
        ("http://127.0.0.1:80", "127.0.0.1", "/"),
        ("http://127.0.0.1:8080/x", "127.0.0.1:8080", "/x"),
        ("https://[::1]:8443", "[::1]:8443", "/"),
    ] {
        let endpoint = Endpoint::parse(url).unwrap();
        assert_eq!((endpoint.host(), endpoint.path()), (host, path), "{url}");
    }
}

#[test]
fn header_values_must_be_visible_ascii_with_v3_only() {
    let destination = Destination::direct(Endpoint::for_region("cn-hangzhou").unwrap());
    let with_token = Credentials::new("id", "secret", Some("tök en".into()));
    let error = op().request(CANCEL).and_then(|r| sign_request(&r,
        &with_token,
        &destination,
        SignatureVersion::V3,
        at(),
        "n",
    ))
    .unwrap_err();
    assert!(
        matches!(&error, Error::Credentials(e) if e.field == "credentials.securityToken"),
        "{error:?}"
    );
    assert!(!error.to_string().contains("tök"), "{error}");
    let error = op().request(CANCEL).and_then(|r| sign_request(&r,
        &Credentials::new("id", "s", None),
        &destination,
        SignatureVersion::V3,
        at(),
        "nön",
    ))
    .unwrap_err();
    assert!(
        matches!(&error, Error::Input(e) if e.field == "nonce"),
        "{error:?}"
    );
    // V2 sends them percent-encoded in the body and URL.
    assert!(op().request(CANCEL).and_then(|r| sign_request(&r,
        &with_token,
        &destination,
        SignatureVersion::V2,
        at(),
        "nön"
    ))
    .is_ok());
}

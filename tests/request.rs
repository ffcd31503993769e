//! The signed request: method, URL, body, headers, the query/body split, and redaction.

use gpdb_edge::protocol::{
    Action,
    sign_request, UploadDocumentJobParameters, Credentials, Destination, Endpoint, SignatureVersion, Timestamp,
};

const CANCEL: Action = Action::CancelUploadDocumentJob;

const PASSWORD: &str = "pa ss/wörd&=+";
const SECRET: &str = "testsecret";
const TOKEN: &str = "sts-token+/=";

fn op() -> UploadDocumentJobParameters {
    UploadDocumentJobParameters {
        db_instance_id: "gp-xxxxxxxxx".into(),
        region_id: "cn-hangzhou".into(),
        namespace: None,
        collection: "my docs".into(),
        namespace_password: PASSWORD.into(),
        job_id: "231460f8-75dc-405e-a669-0c5204887e91".into(),
    }
}

fn at() -> Timestamp {
    Timestamp::from_unix_millis(1_456_231_584_000).unwrap()
}

#[test]
// The Signature below is what @alicloud/openapi-util getRPCSignature gives for these parameters.
fn the_request_is_a_post_with_the_official_split() {
    let endpoint = Endpoint::parse("https://console.example.com/api/gpdb").unwrap();
    let request = op().request(CANCEL).and_then(|r| sign_request(&r, &Credentials::new("testid", SECRET, None), &Destination::direct(endpoint.clone()), SignatureVersion::V2, at(), "nonce-1")).unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://console.example.com/api/gpdb?AccessKeyId=testid&Action=CancelUploadDocumentJob&DBInstanceId=gp-xxxxxxxxx\
         &Format=JSON&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce=nonce-1&SignatureVersion=1.0\
         &Timestamp=2016-02-23T12%3A46%3A24Z&Version=2016-05-03&Signature=3tIVxnRr9IU1S7o4uBW7S2ErjIg%3D"
    );
    assert_eq!(
        request.body,
        "Collection=my%20docs&JobId=231460f8-75dc-405e-a669-0c5204887e91&Namespace=public\
         &NamespacePassword=pa%20ss%2Fw%C3%B6rd%26%3D%2B"
    );
    let headers: Vec<(&str, &str)> = request.headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
    assert_eq!(
        headers,
        [
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "application/json"),
            ("x-acs-action", "CancelUploadDocumentJob"),
            ("x-acs-version", "2016-05-03"),
        ]
    );
}

#[test]
fn sts_token_is_signed_in_the_body_never_in_the_url() {
    let endpoint = Endpoint::for_region("cn-beijing").unwrap();
    let request =
        op().request(CANCEL).and_then(|r| sign_request(&r, &Credentials::new("testid", SECRET, Some(TOKEN.into())), &Destination::direct(endpoint.clone()), SignatureVersion::V2, at(), "n")).unwrap();
    assert!(request.url.starts_with("https://gpdb.cn-beijing.aliyuncs.com/?"));
    assert!(request.body.ends_with("&SecurityToken=sts-token%2B%2F%3D"));
    for secret in ["sts-token", "pa%20ss", "testsecret", "SecurityToken", "NamespacePassword"] {
        assert!(!request.url.contains(secret), "{secret} in {}", request.url);
    }
}

#[test]
fn a_different_nonce_or_time_changes_the_signature() {
    let endpoint = Endpoint::for_region("cn-hangzhou").unwrap();
    let credentials = Credentials::new("testid", SECRET, None);
    let signature = |nonce, millis| {
        let request = op().request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, Timestamp::from_unix_millis(millis).unwrap(), nonce)).unwrap();
        request.url.rsplit_once("&Signature=").unwrap().1.to_owned()
    };
    let base = signature("a", 1_456_231_584_000);
    assert_ne!(base, signature("b", 1_456_231_584_000));
    assert_ne!(base, signature("a", 1_456_231_585_000));
    assert_eq!(base, signature("a", 1_456_231_584_999), "sub-second digits are not sent");
}

#[test]
fn debug_output_masks_every_secret() {
    let credentials = Credentials::new("testid", SECRET, Some(TOKEN.into()));
    let request = op().request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(Endpoint::for_region("cn-hangzhou").unwrap()), SignatureVersion::V2, at(), "n")).unwrap();
    let shown = format!("{request:?} {credentials:?} {:?}", op());
    for secret in [SECRET, "sts-token", "pa%20ss", "pa ss"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("NamespacePassword=***") && shown.contains("SecurityToken=***"), "{shown}");
    assert!(shown.contains(r#"access_key_secret: "***""#) && shown.contains(r#"namespace_password: "***""#), "{shown}");
}

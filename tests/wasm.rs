//! The exported JS functions, called through wasm-bindgen as a user's JS would call them, in
//! Node.js and in headless Chromium. Nothing here names a runtime: `scripts/test-wasm.sh` picks
//! it with the runner's environment variables, so this file has no `wasm_bindgen_test_configure!`.
#![cfg(target_arch = "wasm32")]

use std::cell::OnceCell;

use gpdb_edge::protocol::{
    Action,
    sign_request, UploadDocumentJobParameters, Credentials, Destination, Endpoint, SignatureVersion, Timestamp,
};
use gpdb_edge::runtime::Glue;
use gpdb_edge::runtime::{cancel_upload_document_job, install, sign_cancel_upload_document_job};
use js_sys::{Array, Date, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Headers;

const CANCEL: Action = Action::CancelUploadDocumentJob;

// The real glue module, loaded as an ES module from its source text. A
// `#[wasm_bindgen(module = "/src/runtime/glue.mjs")]` import would work in Node.js, but the
// runner's web server sends `.mjs` files as application/octet-stream, which browsers refuse to
// run as a module.
const GLUE_SOURCE: &str = include_str!("../src/runtime/glue.mjs");

thread_local! {
    static GLUE: OnceCell<JsValue> = const { OnceCell::new() };
    // The runtime's own fetch, read before any stub: a failed test traps before its stub's
    // drop, and the next stub must still restore the real one.
    static ORIGINAL_FETCH: OnceCell<JsValue> = const { OnceCell::new() };
}

/// The glue module's namespace, imported once, as every entry file hands it to `install`.
async fn glue() -> JsValue {
    if let Some(glue) = GLUE.with(|glue| glue.get().cloned()) {
        return glue;
    }
    // Dynamic import() is JS syntax, so it takes a function; a data: URL imports in Node.js and
    // in browsers alike.
    let import = Function::new_with_args("url", "return import(url)");
    let url = format!("data:text/javascript,{}", String::from(js_sys::encode_uri_component(GLUE_SOURCE)));
    let promise: Promise = import.call1(&JsValue::UNDEFINED, &url.into()).expect("import()").unchecked_into();
    let glue = JsFuture::from(promise).await.expect("glue.mjs loads");
    GLUE.with(|slot| slot.get_or_init(|| glue).clone())
}

async fn install_glue() {
    install(glue().await.unchecked_into::<Glue>());
}

const PASSWORD: &str = "pa ss/wörd&=+";
const ENDPOINT: &str = "https://console.example.com/api/gpdb";

// The Signature is what @alicloud/openapi-util getRPCSignature gives for these parameters
// (the same vector as tests/request.rs).
const SIGNED: &str = concat!(
    r#"{"method":"POST","#,
    r#""url":"https://console.example.com/api/gpdb?AccessKeyId=testid&Action=CancelUploadDocumentJob"#,
    r#"&DBInstanceId=gp-xxxxxxxxx&Format=JSON&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1"#,
    r#"&SignatureNonce=nonce-1&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2016-05-03"#,
    r#"&Signature=3tIVxnRr9IU1S7o4uBW7S2ErjIg%3D","#,
    r#""headers":{"content-type":"application/x-www-form-urlencoded","accept":"application/json","#,
    r#""x-acs-action":"CancelUploadDocumentJob","x-acs-version":"2016-05-03"},"#,
    r#""body":"Collection=my%20docs&JobId=231460f8-75dc-405e-a669-0c5204887e91&Namespace=public"#,
    r#"&NamespacePassword=pa%20ss%2Fw%C3%B6rd%26%3D%2B"}"#,
);

/// The options of both calls, without `timestamp` and `nonce`.
fn options() -> Object {
    let options = json(&format!(
        r#"{{"regionId":"cn-hangzhou","dbInstanceId":"gp-xxxxxxxxx","collection":"my docs",
            "namespacePassword":"{PASSWORD}","jobId":"231460f8-75dc-405e-a669-0c5204887e91",
            "endpoint":"{ENDPOINT}","credentials":{{"accessKeyId":"testid","accessKeySecret":"testsecret"}}}}"#
    ));
    options.unchecked_into()
}

fn sign_at(timestamp: &str, nonce: &str, version: &str) -> JsValue {
    let options = options();
    set(&options, "timestamp", &timestamp.into());
    set(&options, "nonce", &nonce.into());
    set(&options, "signatureVersion", &version.into());
    sign_cancel_upload_document_job(options.into()).expect("signs")
}

#[wasm_bindgen_test]
async fn signing_v2_with_a_fixed_time_and_nonce_gives_the_official_request() {
    install_glue().await;
    let signed = sign_at("2016-02-23T12:46:24Z", "nonce-1", "v2");
    assert_eq!(stringify(&signed), SIGNED);
}

#[wasm_bindgen_test]
async fn signing_v3_through_js_gives_the_core_s_request() {
    install_glue().await;
    let signed = sign_at("2016-02-23T12:46:24Z", "nonce-1", "v3");
    let operation = UploadDocumentJobParameters {
        db_instance_id: "gp-xxxxxxxxx".into(),
        region_id: "cn-hangzhou".into(),
        namespace: None,
        collection: "my docs".into(),
        namespace_password: PASSWORD.into(),
        job_id: "231460f8-75dc-405e-a669-0c5204887e91".into(),
    };
    let destination = Destination::direct(Endpoint::parse(ENDPOINT).unwrap());
    let at = Timestamp::from_unix_millis(1_456_231_584_000).unwrap();
    let credentials = Credentials::new("testid", "testsecret", None);
    let core = operation.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &destination, SignatureVersion::V3, at, "nonce-1")).unwrap();
    assert_eq!(string(&signed, "url"), core.url);
    assert_eq!(string(&signed, "body"), core.body);
    let headers = get(&signed, "headers");
    assert_eq!(Object::keys(headers.unchecked_ref::<Object>()).length() as usize, core.headers.len());
    for (name, value) in &core.headers {
        assert_eq!(&string(&headers, name), value, "{name}");
    }
    assert!(string(&headers, "authorization").starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;"));
}

#[wasm_bindgen_test]
async fn signing_reads_the_runtime_clock_and_a_fresh_random_nonce() {
    install_glue().await;
    let sign = || get(&sign_cancel_upload_document_job(options().into()).expect("signs"), "headers");
    let (first, second) = (sign(), sign());

    let timestamp = string(&first, "x-acs-date");
    assert_eq!(timestamp.len(), "2016-02-23T12:46:24Z".len(), "{timestamp}");
    let skew = (Date::parse(&timestamp) - Date::now()).abs();
    assert!(skew < 60_000.0, "Timestamp {timestamp} is {skew} ms away from Date.now()");

    let nonces = [string(&first, "x-acs-signature-nonce"), string(&second, "x-acs-signature-nonce")];
    for nonce in &nonces {
        assert!(nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()), "nonce {nonce}");
    }
    assert_ne!(nonces[0], nonces[1]);
}

#[wasm_bindgen_test]
async fn a_missing_option_is_a_gpdb_input_error_naming_it() {
    install_glue().await;
    let options = options();
    Reflect::delete_property(&options, &"jobId".into()).unwrap();
    let error = sign_cancel_upload_document_job(options.into()).unwrap_err();
    assert_input_error(&error, "jobId", "MissingParameter", "jobId is required");
}

#[wasm_bindgen_test]
async fn alibabas_pascal_case_name_gets_a_hint() {
    install_glue().await;
    let options = options();
    Reflect::delete_property(&options, &"jobId".into()).unwrap();
    set(&options, "JobId", &"231460f8-75dc-405e-a669-0c5204887e91".into());
    let error = sign_cancel_upload_document_job(options.into()).unwrap_err();
    assert_input_error(&error, "JobId", "UnknownOption", "unknown option JobId: did you mean jobId?");
}

#[wasm_bindgen_test]
async fn a_number_where_a_string_belongs_is_a_type_error() {
    install_glue().await;
    let options = options();
    set(&options, "regionId", &42.into());
    let error = sign_cancel_upload_document_job(options.into()).unwrap_err();
    assert_input_error(&error, "regionId", "InvalidType", "regionId must be a string, not a number");
}

#[wasm_bindgen_test]
async fn options_that_are_not_an_object_are_rejected() {
    install_glue().await;
    let error = sign_cancel_upload_document_job("gp-xxxxxxxxx".into()).unwrap_err();
    assert_input_error(&error, "options", "InvalidType", "options must be an options object, not a string");
    let error = sign_cancel_upload_document_job(JsValue::NULL).unwrap_err();
    assert_input_error(&error, "options", "InvalidType", "options must be an options object, not null");
}

#[wasm_bindgen_test]
async fn sending_posts_the_signed_request_through_the_global_fetch() {
    install_glue().await;
    let fetch = FetchStub::answer(200, r#"{"RequestId":"R1","Status":"success","Message":"success"}"#);
    let result = cancel_upload_document_job(options().into()).await.expect("resolves");
    assert_eq!(stringify(&result), r#"{"requestId":"R1","status":"success","message":"success"}"#);

    assert_eq!(fetch.calls.length(), 1);
    let call: Array = fetch.calls.get(0).unchecked_into();
    let (url, init) = (call.get(0).as_string().expect("a string URL"), call.get(1));
    // The same request as signing with the time and nonce that were sent.
    let sent_headers = Reflect::get(&init, &"headers".into()).unwrap();
    assert!(sent_headers.is_instance_of::<Headers>(), "fetch gets a Headers");
    let sent_headers: Headers = sent_headers.unchecked_into();
    let header = |name: &str| sent_headers.get(name).unwrap().unwrap_or_default();
    let expected = sign_at(&header("x-acs-date"), &header("x-acs-signature-nonce"), "v3");
    assert_eq!(url, string(&expected, "url"));
    assert_eq!(string(&init, "method"), "POST");
    assert_eq!(string(&init, "body"), string(&expected, "body"));
    let sent: Vec<String> = js_sys::try_iter(&sent_headers)
        .unwrap()
        .expect("Headers is iterable")
        .map(|entry| entry.unwrap().unchecked_into::<Array>().get(0).as_string().unwrap())
        .collect();
    // Headers iterate sorted by name; each has the signed request's value.
    let names = ["accept", "authorization", "content-type", "x-acs-action", "x-acs-content-sha256", "x-acs-date"];
    assert_eq!(sent, [&names[..], &["x-acs-signature-nonce", "x-acs-version"]].concat());
    let expected_headers = get(&expected, "headers");
    for name in &sent {
        assert_eq!(header(name), string(&expected_headers, name), "{name}");
    }
}

#[wasm_bindgen_test]
async fn an_api_error_rejects_with_alibabas_code_and_request_id() {
    install_glue().await;
    let fetch = FetchStub::answer(
        400,
        r#"{"RequestId":"R2","Code":"SignatureDoesNotMatch","Message":"m","HostId":"h","Recommend":"r"}"#,
    );
    let error = cancel_upload_document_job(options().into()).await.unwrap_err();
    assert_gpdb_error(&error);
    assert_eq!(string(&error, "message"), "SignatureDoesNotMatch: m (RequestId R2)");
    assert_eq!(string(&error, "kind"), "api");
    assert_eq!(string(&error, "code"), "SignatureDoesNotMatch");
    assert_eq!(string(&error, "requestId"), "R2");
    assert_eq!(string(&error, "hostId"), "h");
    assert_eq!(string(&error, "recommend"), "r");
    assert_eq!(get(&error, "httpStatus").as_f64(), Some(400.0));
    assert_eq!(get(&error, "retryable").as_bool(), Some(false));
    assert_eq!(get(&error, "attempts").as_f64(), Some(1.0), "a signature error is not retried");
    assert_eq!(fetch.calls.length(), 1);
}

/// Replaces `globalThis.fetch` with a recorder that answers `status` and `body`; puts the
/// runtime's own fetch back when dropped.
struct FetchStub {
    /// One `[url, init]` per call.
    calls: Array,
    _answer: Closure<dyn FnMut(JsValue, JsValue) -> Promise>,
}

impl FetchStub {
    fn answer(status: u16, body: &'static str) -> Self {
        ORIGINAL_FETCH.with(|original| {
            original.get_or_init(|| get(&js_sys::global(), "fetch"));
        });
        let calls = Array::new();
        let recorded = calls.clone();
        let answer = Closure::new(move |url: JsValue, init: JsValue| {
            recorded.push(&Array::of2(&url, &init));
            let response: Function = get(&js_sys::global(), "Response").unchecked_into();
            let response_init = json(&format!(r#"{{"status":{status}}}"#));
            Promise::resolve(&Reflect::construct(&response, &Array::of2(&body.into(), &response_init)).unwrap())
        });
        set(&js_sys::global(), "fetch", answer.as_ref());
        FetchStub { calls, _answer: answer }
    }
}

impl Drop for FetchStub {
    fn drop(&mut self) {
        let original = ORIGINAL_FETCH.with(|original| original.get().cloned()).expect("saved by answer");
        set(&js_sys::global(), "fetch", &original);
    }
}

fn assert_gpdb_error(error: &JsValue) {
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error: {}", stringify(error));
    let glue = GLUE.with(|glue| glue.get().cloned()).expect("install_glue ran");
    let prototype = get(&get(&glue, "GpdbError"), "prototype");
    assert_eq!(JsValue::from(Reflect::get_prototype_of(error).unwrap()), prototype, "not a GpdbError");
    assert_eq!(string(error, "name"), "GpdbError");
}

fn assert_input_error(error: &JsValue, field: &str, code: &str, message: &str) {
    assert_gpdb_error(error);
    assert_eq!(string(error, "kind"), "input");
    assert_eq!(string(error, "code"), code);
    assert_eq!(string(error, "field"), field);
    assert_eq!(string(error, "message"), message);
    assert_eq!(get(error, "retryable").as_bool(), Some(false));
    assert_eq!(get(error, "attempts").as_f64(), Some(0.0));
    let everything = format!("{} {}", stringify(error), string(error, "message"));
    assert!(!everything.contains("pa ss") && !everything.contains("pa%20ss"), "{everything}");
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("valid JSON")
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).expect("serialisable").into()
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).expect("readable")
}

fn string(target: &JsValue, key: &str) -> String {
    get(target, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).expect("writable");
}

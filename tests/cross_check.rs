//! Cross-check against an independent implementation: Alibaba's official `@alicloud/openapi-util`
//! signer (a devDependency of the test tooling, run by `tests/cross-check/official-signer.mjs`).
//!
//! Two sets, generated from a fixed seed:
//! - 1,500 arbitrary parameter sets (unicode, reserved `!'()*~ &=+%/`, spaces, empty and long
//!   values), comparing the canonical query, the string to sign and the signature;
//! - 500 complete CancelUploadDocumentJob requests from `sign_request`, read back off the URL and
//!   the form body as a server would, whose `Signature` must equal the official one;
//! - 1,000 complete requests signed with V3, whose canonical request, string to sign and
//!   `Authorization` must equal those of the official `getAuthorization`
//!   (`tests/cross-check/official-v3-signer.mjs`), and whose body hash the official hash;
//! - 1,200 requests of generated actions (any `ApiRequest`: action names, versions, parameter names
//!   of every allowed character, values with Unicode, reserved characters and empty ones, empty
//!   query or body), each signed with V2 and with V3 and checked against both official signers.

use std::io::Write;
use std::process::{Command, Stdio};

use gpdb_edge::protocol::encode::percent_encode;
use gpdb_edge::protocol::sign::v2::{CanonicalQuery, Signature, StringToSign};
use gpdb_edge::protocol::sign::v3;
use gpdb_edge::protocol::{
    Action, ApiRequest,
    sign_request, UploadDocumentJobParameters, Credentials, Destination, Endpoint, SignatureVersion, Timestamp,
};

const CANCEL: Action = Action::CancelUploadDocumentJob;

const ARBITRARY_SETS: usize = 1_500;
const FULL_REQUESTS: usize = 500;
const V3_REQUESTS: usize = 1_000;
const API_REQUESTS: usize = 1_200;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "a", "Z", "0", "9", "-", "_", ".", "~", " ", "!", "'", "(", ")", "*", "&", "=", "+", "%", "/", "?", "#", "@",
    ":", ";", ",", "\"", "<", ">", "[", "]", "{", "}", "|", "\\", "^", "`", "$", "é", "中文", "Ω", "😀", "👩‍💻", "\u{301}",
    "עברית", "%20", "%2A", "public", "document", "gp-xxxxxxxxx",
];
const KEYS: &[&str] = &[
    "AccessKeyId", "Action", "Format", "Version", "Timestamp", "SignatureNonce", "RegionId", "DBInstanceId", "Namespace",
    "Collection", "JobId", "NamespacePassword", "SecurityToken", "Tag.1.Key", "Tag.1.Value", "a", "B", "x_y", "k-1",
];

fn value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => String::new(),
        1 => rng.pick(PIECES).repeat(1 + rng.below(4096 / 4)),
        _ => (0..1 + rng.below(24)).map(|_| rng.pick(PIECES)).collect(),
    }
}

fn text(rng: &mut Rng) -> String {
    // Valid for the operation: not blank, no control characters, within 4 KiB.
    let mut v = value(rng);
    v.truncate(v.char_indices().nth(1000).map_or(v.len(), |(i, _)| i));
    format!("x{v}")
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

struct Case {
    method: &'static str,
    secret: String,
    params: Vec<(String, String)>,
}

fn official(cases: &[Case]) -> Vec<(String, String, String)> {
    let mut input = String::new();
    for case in cases {
        let params: Vec<String> =
            case.params.iter().map(|(k, v)| format!("[{},{}]", json_string(k), json_string(v))).collect();
        input += &format!(
            "{{\"method\":\"{}\",\"secret\":{},\"params\":[{}]}}\n",
            case.method,
            json_string(&case.secret),
            params.join(",")
        );
    }
    let stdout = run_official("official-signer.mjs", input);
    let rows: Vec<_> = stdout
        .lines()
        .map(|line| {
            let mut parts = line.split('\t').map(str::to_owned);
            (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), cases.len());
    rows
}

/// Runs `tests/cross-check/<script>` with `input` on stdin and returns its stdout.
fn run_official(script: &str, input: String) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    // Without `npm ci` the script dies at its first import, the pipe breaks, and the panic that
    // follows says nothing useful: say what to do instead.
    let installed = std::path::Path::new(root).join("node_modules/@alicloud/openapi-util/package.json").exists();
    assert!(installed, "the official signer (@alicloud/openapi-util) is not installed: run `make setup`");
    let mut child = Command::new("node")
        .arg(format!("{root}/tests/cross-check/{script}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the cross-check needs Node.js on PATH: run `make setup`");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{script} failed (see its message above)");
    writer.join().unwrap().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn pairs(form: &str) -> Vec<(String, String)> {
    form.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

#[test]
fn canonical_query_string_to_sign_and_signature_agree_with_the_official_signer() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cases: Vec<Case> = (0..ARBITRARY_SETS)
        .map(|i| {
            let mut keys: Vec<&str> = KEYS.to_vec();
            let count = 1 + rng.below(keys.len());
            let mut params = Vec::new();
            for _ in 0..count {
                let key = keys.swap_remove(rng.below(keys.len()));
                params.push((key.to_owned(), value(&mut rng)));
            }
            Case { method: if i % 2 == 0 { "POST" } else { "GET" }, secret: value(&mut rng), params }
        })
        .collect();
    let expected = official(&cases);
    for (case, (canonical, string_to_sign, signature)) in cases.iter().zip(&expected) {
        let params: Vec<(&str, &str)> = case.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let ours = CanonicalQuery::new(&params);
        assert_eq!(ours.as_str(), canonical, "canonical query differs for {params:?}");
        let ours_sts = StringToSign::new(case.method, &ours);
        assert_eq!(ours_sts.as_str(), string_to_sign, "string to sign differs for {params:?}");
        assert_eq!(Signature::calculate(&case.secret, &ours_sts).as_str(), signature, "signature differs for {params:?}");
    }
    println!("{} arbitrary parameter sets agree with @alicloud/openapi-util", cases.len());
}

/// The `i`th generated operation: every text field arbitrary, five regions in turn, a third with
/// the default namespace.
fn operation(rng: &mut Rng, i: usize) -> UploadDocumentJobParameters {
    let regions = ["cn-hangzhou", "cn-beijing", "ap-southeast-1", "us-west-1", "cn-shanghai-finance-1"];
    UploadDocumentJobParameters {
        db_instance_id: text(rng),
        region_id: regions[i % regions.len()].to_owned(),
        namespace: if i % 3 == 0 { None } else { Some(text(rng)) },
        collection: text(rng),
        namespace_password: text(rng),
        job_id: text(rng),
    }
}

#[test]
fn signed_requests_verify_with_the_official_signer() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut cases = Vec::new();
    let mut requests = Vec::new();
    for i in 0..FULL_REQUESTS {
        let op = operation(&mut rng, i);
        let token = if i % 2 == 0 { Some(text(&mut rng)) } else { None };
        let credentials = Credentials::new(text(&mut rng), text(&mut rng), token);
        let endpoint = Endpoint::for_region(&op.region_id).unwrap();
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000 + rng.below(1 << 40) as i64).unwrap();
        let nonce = format!("{:016x}{:016x}", rng.next(), rng.next());
        let request = op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &Destination::direct(endpoint.clone()), SignatureVersion::V2, timestamp, &nonce)).unwrap();

        // Read the request back as the server does: query string plus form body.
        let (_, query) = request.url.split_once('?').unwrap();
        let mut params = pairs(query);
        let signature = params.pop().unwrap();
        assert_eq!(signature.0, "Signature", "Signature comes last");
        // The password and the token travel only in the body (short ones could match by chance).
        assert!(!query.contains("NamespacePassword=") && !query.contains("SecurityToken="));
        if op.namespace_password.len() >= 8 {
            assert!(!query.contains(&percent_encode(&op.namespace_password)));
        }
        params.extend(pairs(&request.body));
        cases.push(Case { method: "POST", secret: credentials.access_key_secret.clone(), params });
        requests.push(signature.1);
    }
    let expected = official(&cases);
    for (ours, (_, _, official)) in requests.iter().zip(&expected) {
        assert_eq!(ours, official);
    }
    println!("{} signed CancelUploadDocumentJob requests verify with @alicloud/openapi-util", requests.len());
}

/// A JSON string as `JSON.stringify` writes it, read back (only the escapes it uses).
fn json_unquote(s: &str) -> String {
    let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).expect("a JSON string");
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next().unwrap() {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let code: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&code, 16).unwrap()).unwrap());
            }
            other => out.push(other),
        }
    }
    out
}

// Header-safe text for the V3 header values (key id, token): visible ASCII.
fn ascii_text(rng: &mut Rng) -> String {
    let text: String = text(rng).chars().filter(|c| c.is_ascii_graphic()).collect();
    format!("k{text}")
}

#[test]
fn v3_requests_agree_with_the_official_get_authorization() {
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let explicit = ["http://127.0.0.1:8080", "https://gpdb-vpc.cn-hangzhou.aliyuncs.com", "https://gpdb.aliyuncs.com:443/"];
    let mut ours = Vec::new();
    let mut input = String::new();
    for i in 0..V3_REQUESTS {
        let op = operation(&mut rng, i);
        let token = if i % 2 == 0 { Some(ascii_text(&mut rng)) } else { None };
        let credentials = Credentials::new(ascii_text(&mut rng), text(&mut rng), token);
        let endpoint = match i % 4 {
            3 => Endpoint::parse(explicit[rng.below(explicit.len())]).unwrap(),
            _ => Endpoint::for_region(&op.region_id).unwrap(),
        };
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000 + rng.below(1 << 40) as i64).unwrap();
        let nonce = format!("{:016x}{:016x}", rng.next(), rng.next());
        let destination = Destination::direct(endpoint.clone());
        let request = op.request(CANCEL).and_then(|r| sign_request(&r, &credentials, &destination, SignatureVersion::V3, timestamp, &nonce)).unwrap();

        // Read the request back as a server does: the query off the URL, the headers, the body.
        let (_, query) = request.url.split_once('?').unwrap();
        let query = pairs(query);
        assert_eq!(query.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["DBInstanceId", "RegionId"]);
        let mut headers: Vec<(String, String)> = request.headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        headers.push(("host".into(), endpoint.host().to_owned()));
        let json_pairs = |pairs: &[(String, String)]| -> String {
            pairs.iter().map(|(k, v)| format!("[{},{}]", json_string(k), json_string(v))).collect::<Vec<_>>().join(",")
        };
        input += &format!(
            "{{\"method\":\"POST\",\"pathname\":\"/\",\"query\":[{}],\"headers\":[{}],\"body\":{},\"accessKeyId\":{},\"accessKeySecret\":{}}}\n",
            json_pairs(&query),
            json_pairs(&headers),
            json_string(&request.body),
            json_string(&credentials.access_key_id),
            json_string(&credentials.access_key_secret),
        );
        // Our stages over what the server read back.
        let signed: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(n, _)| n == "host" || n == "content-type" || n.starts_with("x-acs-"))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sha = v3::hex_sha256(request.body.as_bytes());
        let canonical = v3::CanonicalRequest::new("POST", "/", &query, &signed, &sha);
        let string_to_sign = v3::StringToSign::new(&canonical);
        let header = |name: &str| request.headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        ours.push((canonical.to_string(), string_to_sign.to_string(), header("authorization"), header("x-acs-content-sha256")));
    }
    let stdout = run_official("official-v3-signer.mjs", input);
    let rows: Vec<Vec<&str>> = stdout.lines().map(|line| line.split('\t').collect()).collect();
    assert_eq!(rows.len(), ours.len());
    for ((canonical, string_to_sign, authorization, content_sha), row) in ours.iter().zip(&rows) {
        assert_eq!(canonical, &json_unquote(row[0]), "canonical request");
        assert_eq!(string_to_sign, &json_unquote(row[1]), "string to sign");
        assert_eq!(authorization, row[2], "Authorization");
        assert_eq!(content_sha, row[3], "x-acs-content-sha256");
    }
    println!("{} V3 requests agree with @alicloud/openapi-util getAuthorization", ours.len());
}

/// A generated action name, version and parameter names, as `callApi` takes them.
struct GeneratedApi {
    action: String,
    version: String,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
}

const NAME_FIRST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const NAME_REST: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
const COMMON: &[&str] = &["AccessKeyId", "Action", "Format", "SecurityToken", "Signature", "SignatureMethod", "SignatureNonce",
    "SignatureType", "SignatureVersion", "Timestamp", "Version"];

fn name(rng: &mut Rng, first: &[u8], rest: &[u8], max: usize) -> String {
    let mut out = String::from(char::from(first[rng.below(first.len())]));
    for _ in 0..rng.below(max) {
        out.push(char::from(rest[rng.below(rest.len())]));
    }
    out
}

fn generated_api(rng: &mut Rng) -> GeneratedApi {
    let letters = &NAME_FIRST[..52];
    let action = name(rng, letters, NAME_FIRST, 40);
    let version = format!("{:04}-{:02}-{:02}", 2000 + rng.below(30), 1 + rng.below(12), 1 + rng.below(31));
    let mut used: Vec<String> = Vec::new();
    let mut params = |rng: &mut Rng| {
        let mut out = Vec::new();
        for _ in 0..rng.below(8) {
            let key = match rng.below(4) {
                0 => format!("Tag.{}.{}", 1 + rng.below(20), ["Key", "Value"][rng.below(2)]),
                1 => KEYS[rng.below(KEYS.len())].to_owned(),
                _ => name(rng, NAME_FIRST, NAME_REST, 20),
            };
            if COMMON.contains(&key.as_str()) || used.contains(&key) {
                continue;
            }
            used.push(key.clone());
            out.push((key, value(rng)));
        }
        out
    };
    let query = params(rng);
    let body = params(rng);
    GeneratedApi { action, version, query, body }
}

fn borrowed(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn pairs_or_none(text: &str) -> Vec<(String, String)> {
    if text.is_empty() { Vec::new() } else { pairs(text) }
}

#[test]
fn api_requests_of_any_action_agree_with_the_official_signers_in_both_schemes() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let endpoints = ["https://sts.aliyuncs.com", "https://ecs.cn-hangzhou.aliyuncs.com/", "http://127.0.0.1:8080/api/rpc", "https://gpdb.aliyuncs.com:443/"];
    let (mut v2_cases, mut v2_ours) = (Vec::new(), Vec::new());
    let (mut v3_input, mut v3_ours) = (String::new(), Vec::new());
    let (mut empty_values, mut unicode_values) = (0, 0);
    for i in 0..API_REQUESTS {
        let api = generated_api(&mut rng);
        let request = ApiRequest { action: &api.action, version: &api.version, query: borrowed(&api.query), body: borrowed(&api.body) };
        empty_values += api.query.iter().chain(&api.body).filter(|(_, v)| v.is_empty()).count();
        unicode_values += api.query.iter().chain(&api.body).filter(|(_, v)| !v.is_ascii()).count();
        let token = if i % 3 == 0 { Some(ascii_text(&mut rng)) } else { None };
        let credentials = Credentials::new(ascii_text(&mut rng), text(&mut rng), token);
        let endpoint = Endpoint::parse(endpoints[i % endpoints.len()]).unwrap();
        let destination = Destination::direct(endpoint.clone());
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000 + rng.below(1 << 40) as i64).unwrap();
        let nonce = format!("{:016x}{:016x}", rng.next(), rng.next());

        // V2: read back off the URL and the body as a server does; the official signer recomputes `Signature`.
        let v2 = sign_request(&request, &credentials, &destination, SignatureVersion::V2, timestamp, &nonce).unwrap();
        let (_, query) = v2.url.split_once('?').unwrap();
        let mut params = pairs(query);
        let signature = params.pop().unwrap();
        assert_eq!(signature.0, "Signature");
        let find = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!((find("Action"), find("Version")), (Some(api.action.clone()), Some(api.version.clone())));
        for (k, v) in &api.query {
            assert_eq!(find(k).as_ref(), Some(v), "query parameter {k} in the URL");
        }
        let body = pairs_or_none(&v2.body);
        assert_eq!(body.iter().filter(|(k, _)| k != "SecurityToken").cloned().collect::<Vec<_>>(), api.body, "body parameters, in order");
        params.extend(body);
        v2_cases.push(Case { method: "POST", secret: credentials.access_key_secret.clone(), params });
        v2_ours.push(signature.1);

        // V3: the query off the URL, the headers, the body; the official getAuthorization recomputes all.
        let v3 = sign_request(&request, &credentials, &destination, SignatureVersion::V3, timestamp, &nonce).unwrap();
        let query = v3.url.split_once('?').map_or_else(Vec::new, |(_, q)| pairs(q));
        assert_eq!(query, api.query, "query parameters, in order");
        assert_eq!(pairs_or_none(&v3.body), api.body, "body parameters, in order");
        let header = |name: &str| v3.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        assert_eq!((header("x-acs-action"), header("x-acs-version")), (Some(api.action.clone()), Some(api.version.clone())));
        let mut headers: Vec<(String, String)> = v3.headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        headers.push(("host".into(), endpoint.host().to_owned()));
        let json_pairs = |pairs: &[(String, String)]| -> String {
            pairs.iter().map(|(k, v)| format!("[{},{}]", json_string(k), json_string(v))).collect::<Vec<_>>().join(",")
        };
        v3_input += &format!(
            "{{\"method\":\"POST\",\"pathname\":{},\"query\":[{}],\"headers\":[{}],\"body\":{},\"accessKeyId\":{},\"accessKeySecret\":{}}}\n",
            json_string(endpoint.path()),
            json_pairs(&query),
            json_pairs(&headers),
            json_string(&v3.body),
            json_string(&credentials.access_key_id),
            json_string(&credentials.access_key_secret),
        );
        v3_ours.push((header("authorization").unwrap(), header("x-acs-content-sha256").unwrap()));
    }
    let expected = official(&v2_cases);
    for (ours, (_, _, official)) in v2_ours.iter().zip(&expected) {
        assert_eq!(ours, official, "V2 Signature");
    }
    let stdout = run_official("official-v3-signer.mjs", v3_input);
    let rows: Vec<Vec<&str>> = stdout.lines().map(|line| line.split('\t').collect()).collect();
    assert_eq!(rows.len(), v3_ours.len());
    for ((authorization, content_sha), row) in v3_ours.iter().zip(&rows) {
        assert_eq!(authorization, row[2], "V3 Authorization");
        assert_eq!(content_sha, row[3], "x-acs-content-sha256");
    }
    assert!(empty_values > 100 && unicode_values > 100, "{empty_values} empty and {unicode_values} non-ASCII values");
    println!(
        "{} generated actions agree with @alicloud/openapi-util, V2 and V3 ({} signatures; {empty_values} empty and {unicode_values} non-ASCII values)",
        API_REQUESTS,
        2 * API_REQUESTS
    );
}

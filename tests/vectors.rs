//! Official known-answer vectors, compared stage by stage so a mismatch shows the first stage
//! that differs.
//!
//! Source: Alibaba Cloud RPC signature V1 documentation, help.aliyun.com/document_detail/28839.html
//! (the DescribeRegions example, key "testsecret&", and its POST form), and the
//! DescribeDedicatedHosts example of the same page's later revision.

use gpdb_edge::protocol::encode::percent_encode;
use gpdb_edge::protocol::sign::v2::{CanonicalQuery, Signature, StringToSign};

struct Vector {
    method: &'static str,
    params: &'static [(&'static str, &'static str)],
    canonical: &'static str,
    string_to_sign: &'static str,
    signature: &'static str,
}

const DESCRIBE_REGIONS: &[(&str, &str)] = &[
    ("Timestamp", "2016-02-23T12:46:24Z"),
    ("Format", "XML"),
    ("AccessKeyId", "testid"),
    ("Action", "DescribeRegions"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
    ("Version", "2014-05-26"),
    ("SignatureVersion", "1.0"),
];
const DESCRIBE_REGIONS_CANONICAL: &str = "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26";
const DESCRIBE_REGIONS_ENCODED: &str = "AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26";

fn vectors() -> Vec<Vector> {
    vec![
        Vector {
            method: "GET",
            params: DESCRIBE_REGIONS,
            canonical: DESCRIBE_REGIONS_CANONICAL,
            string_to_sign: Box::leak(format!("GET&%2F&{DESCRIBE_REGIONS_ENCODED}").into_boxed_str()),
            signature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
        },
        Vector {
            method: "POST",
            params: DESCRIBE_REGIONS,
            canonical: DESCRIBE_REGIONS_CANONICAL,
            string_to_sign: Box::leak(format!("POST&%2F&{DESCRIBE_REGIONS_ENCODED}").into_boxed_str()),
            signature: "MxbnVAM4w6sft9xjVpe/GCKueuk=",
        },
        Vector {
            method: "GET",
            params: &[
                ("AccessKeyId", "testid"),
                ("Action", "DescribeDedicatedHosts"),
                ("Format", "JSON"),
                ("RegionId", "cn-beijing"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"),
                ("SignatureVersion", "1.0"),
                ("Timestamp", "2023-03-13T08:34:30Z"),
                ("Version", "2014-05-26"),
            ],
            canonical: "AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26",
            string_to_sign: "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26",
            signature: "9NaGiOspFP5UPcwX8Iwt2YJXXuk=",
        },
    ]
}

#[test]
fn official_vectors_match_stage_by_stage() {
    for vector in vectors() {
        let canonical = CanonicalQuery::new(vector.params);
        assert_eq!(canonical.as_str(), vector.canonical, "{} canonical query", vector.method);
        let string_to_sign = StringToSign::new(vector.method, &canonical);
        assert_eq!(string_to_sign.as_str(), vector.string_to_sign, "{} string to sign", vector.method);
        let signature = Signature::calculate("testsecret", &string_to_sign);
        assert_eq!(signature.as_str(), vector.signature, "{} signature", vector.method);
    }
}

#[test]
fn signature_parameter_is_left_out_of_the_canonical_query() {
    let mut params = DESCRIBE_REGIONS.to_vec();
    params.push(("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY="));
    assert_eq!(CanonicalQuery::new(&params).as_str(), DESCRIBE_REGIONS_CANONICAL);
}

#[test]
fn pairs_sort_by_key_whatever_their_number() {
    let names: Vec<String> = (0..40).map(|i| format!("Param{:02}", (i * 17) % 40)).collect();
    let params: Vec<(&str, &str)> = names.iter().map(|name| (name.as_str(), "v a/l")).collect();
    for len in [0, 1, 15, 16, 17, 40] {
        let mut sorted = params[..len].to_vec();
        sorted.sort_by_key(|(key, _)| *key);
        let expected: Vec<String> = sorted.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect();
        assert_eq!(CanonicalQuery::new(&params[..len]).as_str(), expected.join("&"), "{len} pairs");
    }
}

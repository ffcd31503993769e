//! Region → official host, and explicit endpoint URLs.

use gpdb_edge::protocol::{Endpoint, Error};

#[test]
fn regions_map_to_the_official_hosts() {
    // Source: PyPI alibabacloud-gpdb20160503 5.12.0, client.py `_endpoint_map` + `_endpoint_rule = 'regional'`.
    let cases = [
        ("cn-hangzhou", "https://gpdb.aliyuncs.com/"),
        ("ap-south-1", "https://gpdb.aliyuncs.com/"),
        ("ap-southeast-2", "https://gpdb.aliyuncs.com/"),
        ("cn-zhangbei", "https://gpdb.aliyuncs.com/"),
        ("cn-hangzhou-finance", "https://gpdb.aliyuncs.com/"),
        ("cn-beijing", "https://gpdb.cn-beijing.aliyuncs.com/"),
        ("cn-shanghai", "https://gpdb.cn-shanghai.aliyuncs.com/"),
        ("ap-southeast-1", "https://gpdb.ap-southeast-1.aliyuncs.com/"),
        ("us-west-1", "https://gpdb.us-west-1.aliyuncs.com/"),
        ("eu-central-1", "https://gpdb.eu-central-1.aliyuncs.com/"),
        ("cn-shanghai-finance-1", "https://gpdb.cn-shanghai-finance-1.aliyuncs.com/"),
    ];
    for (region, url) in cases {
        assert_eq!(Endpoint::for_region(region).unwrap().as_str(), url, "{region}");
    }
}

#[test]
fn explicit_endpoints_override_the_map() {
    let cases = [
        ("https://gpdb.aliyuncs.com", "https://gpdb.aliyuncs.com/"),
        ("https://gpdb.aliyuncs.com/", "https://gpdb.aliyuncs.com/"),
        ("HTTPS://GPDB.Aliyuncs.com", "https://gpdb.aliyuncs.com/"),
        ("https://console.example.com/api/gpdb", "https://console.example.com/api/gpdb"),
        ("https://console.example.com/api/gpdb/", "https://console.example.com/api/gpdb/"),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787/"),
        ("http://localhost:1/x%20y", "http://localhost:1/x%20y"),
        ("http://[::1]:9000/p", "http://[::1]:9000/p"),
        ("https://gpdb-vpc.cn-hangzhou.aliyuncs.com", "https://gpdb-vpc.cn-hangzhou.aliyuncs.com/"),
    ];
    for (input, base) in cases {
        assert_eq!(Endpoint::parse(input).unwrap().as_str(), base, "{input}");
    }
}

#[test]
fn malformed_endpoints_are_rejected_with_a_clear_error() {
    let cases = [
        ("", "must not be empty"),
        ("gpdb.aliyuncs.com", "expected an http:// or https:// URL"),
        ("ftp://gpdb.aliyuncs.com", "the scheme http:// or https://"),
        ("javascript://x", "the scheme http:// or https://"),
        ("https://", "a host name"),
        ("https:///path", "a host name"),
        ("https://user:pass@gpdb.aliyuncs.com", "no user name or password"),
        ("https://gpdb.aliyuncs.com/?a=b", "no query string or fragment"),
        ("https://gpdb.aliyuncs.com#x", "no query string or fragment"),
        ("https://gpdb.aliyuncs.com:0", "port from 1 to 65535"),
        ("https://gpdb.aliyuncs.com:65536", "port from 1 to 65535"),
        ("https://gpdb.aliyuncs.com:", "port from 1 to 65535"),
        ("https://gpdb..aliyuncs.com", "a host name"),
        ("https://-gpdb.aliyuncs.com", "a host name"),
        ("https://gp db.aliyuncs.com", "a host name"),
        ("https://gpdb.aliyuncs.com/a b", "a path of URL-safe characters"),
        ("https://gpdb.aliyuncs.com/%zz", "a path of URL-safe characters"),
        ("https://gpdb.aliyuncs.com/\n", "a path of URL-safe characters"),
        ("https://[::1", "a host name"),
        ("https://[]:80", "a host name"),
    ];
    for (input, expected) in cases {
        let err = Endpoint::parse(input).unwrap_err();
        let Error::Input(input_error) = &err else { panic!("{input}: {err:?}") };
        assert_eq!(input_error.field, "endpoint", "{input}");
        assert!(err.to_string().contains(expected), "{input:?}: {err}");
        assert!(err.to_string().starts_with("endpoint "), "{input:?}: {err}");
    }
}

#[test]
fn plain_http_goes_only_to_loopback_hosts_unless_allowed() {
    use gpdb_edge::protocol::Destination;
    let loopback = ["http://localhost", "http://localhost:8787/x", "http://127.0.0.1:1", "http://127.255.0.9", "http://[::1]:9000",
        "http://[0:0:0:0:0:0:0:1]", "http://[::0001]", "https://gpdb.example.com", "https://10.0.0.1"];
    for url in loopback {
        let destination = Destination::direct(Endpoint::parse(url).unwrap());
        assert_eq!(destination.check_cleartext(false), Ok(()), "{url}");
    }
    // 0127 and 127.1 are loopback to a URL parser, but not written plainly: refused, which is safe.
    let elsewhere = ["http://gpdb.aliyuncs.com", "http://10.0.0.1:80", "http://128.0.0.1", "http://0127.0.0.1", "http://127.1",
        "http://127.0.0.1.example.com", "http://localhost.example.com", "http://[::2]", "http://[::ffff:127.0.0.1]", "http://[1::1]"];
    for url in elsewhere {
        let destination = Destination::direct(Endpoint::parse(url).unwrap());
        let err = destination.check_cleartext(false).unwrap_err();
        assert_eq!((err.kind(), err.code()), ("input", "InsecureEndpoint"), "{url}");
        assert!(err.to_string().starts_with("endpoint is http:// to a host that is not loopback"), "{err}");
        assert_eq!(destination.check_cleartext(true), Ok(()), "{url}: the caller opted in");
    }
    let proxied = Destination { endpoint: Endpoint::parse("https://gpdb.aliyuncs.com").unwrap(), proxy: Some(Endpoint::parse("http://proxy.example.com").unwrap()) };
    assert!(proxied.check_cleartext(false).unwrap_err().to_string().starts_with("proxyUrl is http://"));
}

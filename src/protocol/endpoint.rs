//! Where a request goes: the official gpdb host for a region, or an explicit URL (a proxy, a
//! private endpoint, a local mock).


use super::error::{Error, InputProblem};
use crate::substring::{find, split_once};

// Source: the official SDK's endpoint map and rule, PyPI `alibabacloud-gpdb20160503` 5.12.0,
// `alibabacloud_gpdb20160503/client.py` (`_endpoint_map`, `_endpoint_rule = 'regional'`):
// these regions use the central host; every other region uses `gpdb.<region>.aliyuncs.com`.
const CENTRAL_HOST: &str = "gpdb.aliyuncs.com";
const CENTRAL_REGIONS: [&str; 36] = [
    "ap-northeast-2-pop",
    "ap-south-1",
    "ap-southeast-2",
    "cn-beijing-finance-1",
    "cn-beijing-finance-pop",
    "cn-beijing-gov-1",
    "cn-beijing-nu16-b01",
    "cn-edge-1",
    "cn-fujian",
    "cn-haidian-cm12-c01",
    "cn-hangzhou",
    "cn-hangzhou-bj-b01",
    "cn-hangzhou-finance",
    "cn-hangzhou-internal-prod-1",
    "cn-hangzhou-internal-test-1",
    "cn-hangzhou-internal-test-2",
    "cn-hangzhou-internal-test-3",
    "cn-hangzhou-test-306",
    "cn-hongkong-finance-pop",
    "cn-huhehaote-nebula-1",
    "cn-qingdao-nebula",
    "cn-shanghai-et15-b01",
    "cn-shanghai-et2-b01",
    "cn-shanghai-inner",
    "cn-shanghai-internal-test-1",
    "cn-shenzhen-inner",
    "cn-shenzhen-st4-d01",
    "cn-shenzhen-su18-b01",
    "cn-wuhan",
    "cn-yushanfang",
    "cn-zhangbei",
    "cn-zhangbei-na61-b01",
    "cn-zhangjiakou-na62-a01",
    "cn-zhengzhou-nebula-1",
    "eu-west-1-oxs",
    "rus-west-1-pop",
];

/// A validated base URL: `scheme://authority/path`, without query or fragment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Endpoint {
    base: String,
}

impl Endpoint {
    /// The official gpdb endpoint for `region_id` (which must be a well-formed region id).
    pub fn for_region(region_id: &str) -> Result<Self, Error> {
        validate_region_id(region_id)?;
        let base = if CENTRAL_REGIONS.contains(&region_id) {
            format!("https://{CENTRAL_HOST}/")
        } else {
            format!("https://gpdb.{region_id}.aliyuncs.com/")
        };
        Ok(Endpoint { base })
    }

    /// An explicit endpoint: `https://host[:port][/path]` or `http://...`.
    ///
    /// Rejects other schemes, user info (credentials do not belong in URLs), a query or a
    /// fragment, and hosts, ports or paths that are not well formed.
    pub fn parse(url: &str) -> Result<Self, Error> {
        Endpoint::parse_option("endpoint", url)
    }

    /// [`Endpoint::parse`] for the option named `field` (`endpoint` or `proxyUrl`).
    pub fn parse_option(field: &'static str, url: &str) -> Result<Self, Error> {
        let malformed = |expected| Error::input(field, InputProblem::Malformed { expected });
        const SHAPE: &str = "an http:// or https:// URL such as https://gpdb.aliyuncs.com or https://console.example.com/api/gpdb";
        if url.is_empty() || url.trim().is_empty() {
            return Err(Error::input(field, InputProblem::Blank));
        }
        let (scheme, rest) = split_once(url, "://").ok_or_else(|| malformed(SHAPE))?;
        let scheme = if scheme.eq_ignore_ascii_case("https") {
            "https"
        } else if scheme.eq_ignore_ascii_case("http") {
            "http"
        } else {
            return Err(malformed("the scheme http:// or https://"));
        };
        let (authority, path) = match find(rest, "/") {
            Some(i) => rest.split_at_checked(i).unwrap_or((rest, "")),
            None => (rest, ""),
        };
        if find(authority, "@").is_some() {
            return Err(malformed("no user name or password in the URL"));
        }
        if rest.bytes().any(|b| b == b'?' || b == b'#') {
            return Err(malformed("no query string or fragment in the URL"));
        }
        if !is_valid_authority(authority) {
            return Err(malformed("a host name, IPv4 or [IPv6] address, and optional port from 1 to 65535"));
        }
        if !path.bytes().all(is_path_byte) || !valid_percent_escapes(path) {
            return Err(malformed("a path of URL-safe characters"));
        }
        let path = if path.is_empty() { "/" } else { path };
        Ok(Endpoint { base: format!("{scheme}://{}{path}", authority.to_ascii_lowercase()) })
    }

    /// The base URL the query string is appended to, e.g. `https://gpdb.aliyuncs.com/`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The `host` header that `fetch` sends to this endpoint: the authority without the
    /// scheme's default port.
    pub fn host(&self) -> &str {
        let (scheme, authority, _) = self.parts();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        authority.strip_suffix(default_port).unwrap_or(authority)
    }

    /// The path, at least `/`.
    pub fn path(&self) -> &str {
        self.parts().2
    }

    /// Whether requests to it travel in cleartext (`http://`).
    pub fn is_cleartext(&self) -> bool {
        self.parts().0 == "http"
    }

    /// Whether its host is `localhost`, an address in `127.0.0.0/8` or `[::1]`: a request to it
    /// never leaves the machine.
    pub fn is_loopback(&self) -> bool {
        let host = host_of(self.parts().1);
        host == "localhost" || is_ipv4_loopback(host) || host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).is_some_and(is_ipv6_loopback)
    }

    fn parts(&self) -> (&str, &str, &str) {
        let (scheme, rest) = split_once(&self.base, "://").unwrap_or(("", &self.base));
        let path_at = find(rest, "/").unwrap_or(rest.len());
        let (authority, path) = rest.split_at_checked(path_at).unwrap_or((rest, ""));
        (scheme, authority, path)
    }
}

/// Where a request is signed for and where it is sent: the API endpoint, or a proxy that
/// forwards it there unchanged. Signature V3 signs the API endpoint's host.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Destination {
    /// The API endpoint the request is signed for.
    pub endpoint: Endpoint,
    /// Where it is sent instead, if anywhere.
    pub proxy: Option<Endpoint>,
}

impl Destination {
    /// The endpoint itself, no proxy.
    pub fn direct(endpoint: Endpoint) -> Self {
        Destination { endpoint, proxy: None }
    }

    /// The URL the request goes to: the proxy's, else the endpoint's.
    pub fn send_to(&self) -> &Endpoint {
        self.proxy.as_ref().unwrap_or(&self.endpoint)
    }

    /// Refuses `http://` (for `endpoint` or `proxyUrl`) to any host but a loopback one, unless
    /// the caller opted in: the STS token, the namespace password and the signature would cross
    /// the network in cleartext.
    pub fn check_cleartext(&self, allow_insecure_http: bool) -> Result<(), Error> {
        let urls = [("endpoint", Some(&self.endpoint)), ("proxyUrl", self.proxy.as_ref())];
        for (field, endpoint) in urls {
            if endpoint.is_some_and(|e| e.is_cleartext() && !e.is_loopback()) && !allow_insecure_http {
                return Err(Error::input(field, InputProblem::CleartextHttp));
            }
        }
        Ok(())
    }
}

// The authority's host, without its port. An IPv6 host keeps its brackets.
fn host_of(authority: &str) -> &str {
    let host_end = match authority.strip_prefix('[') {
        Some(rest) => find(rest, "]").map_or(authority.len(), |i| i + 2),
        None => authority.bytes().rposition(|b| b == b':').unwrap_or(authority.len()),
    };
    authority.get(..host_end).unwrap_or(authority)
}

// Four decimal octets, no leading zeros (a URL parser reads `0127` as octal), the first 127.
fn is_ipv4_loopback(host: &str) -> bool {
    let octets: Vec<&[u8]> = host.as_bytes().split(|&b| b == b'.').collect();
    octets.len() == 4
        && octets[0] == b"127"
        && octets.iter().all(|o| {
            let value = o.iter().try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')));
            (1..=3).contains(&o.len()) && (o.len() == 1 || o[0] != b'0') && value.is_some_and(|v| v <= 255)
        })
}

// `::1` in any of its spellings (`0:0:0:0:0:0:0:1`, `::0001`): zero groups, then a last one of
// zeros and a final 1. Written on bytes: a general IPv6 parser was 0.9 KB gzip of wasm.
fn is_ipv6_loopback(address: &str) -> bool {
    let Some(colon) = address.bytes().rposition(|b| b == b':') else { return false };
    let (rest, last) = (address.get(..colon).unwrap_or_default(), address.get(colon + 1..).unwrap_or_default());
    let last_is_one = (1..=4).contains(&last.len()) && last.ends_with('1') && last.bytes().filter(|&b| b == b'0').count() == last.len() - 1;
    let zero_groups = rest.bytes().all(|b| b == b'0' || b == b':') && rest.as_bytes().split(|&b| b == b':').all(|group| group.len() <= 4);
    let groups_complete = find(address, "::").is_some() || address.bytes().filter(|&b| b == b':').count() == 7;
    last_is_one && zero_groups && groups_complete
}

/// Checks a region id: lower-case letters, digits and single hyphens, starting with a letter,
/// with at least one hyphen (`cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`).
pub fn validate_region_id(region_id: &str) -> Result<(), Error> {
    let bytes = region_id.as_bytes();
    let well_formed = (4..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes[bytes.len() - 1] != b'-'
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.iter().any(|&b| b == b'-')
        && find(region_id, "--").is_none();
    if well_formed {
        Ok(())
    } else {
        Err(Error::input("regionId", InputProblem::Malformed { expected: "a region id such as cn-hangzhou" }))
    }
}

fn is_valid_authority(authority: &str) -> bool {
    let (host_ok, port) = if let Some(rest) = authority.strip_prefix('[') {
        // [IPv6] or [IPv6]:port
        let Some((inside, after)) = split_once(rest, "]") else { return false };
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        (!inside.is_empty() && inside.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'), port)
    } else {
        let colon = authority.bytes().rposition(|b| b == b':');
        let (host, port) = match colon.and_then(|at| Some((authority.get(..at)?, authority.get(at + 1..)?))) {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        (is_valid_host_name(host), port)
    };
    host_ok && port.map_or(true, is_valid_port)
}

fn is_valid_port(port: &str) -> bool {
    (1..=5).contains(&port.len())
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u64>().is_ok_and(|p| (1..=65535).contains(&p))
}

// Host names: labels of letters, digits and hyphens (and `_`, which some private DNS uses),
// separated by single dots, at most 253 bytes. IPv4 addresses fit this shape too.
fn is_valid_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.as_bytes().split(|b| *b == b'.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.first() != Some(&b'-')
                && label.last() != Some(&b'-')
                && label.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        })
}

// RFC 3986 pchar plus "/": unreserved, sub-delims, ":", "@", and "%" escapes.
fn is_path_byte(b: u8) -> bool {
    // `matches!`, not a byte string's `contains`: that is memchr, 0.2 KB of wasm for 19 bytes.
    b.is_ascii_alphanumeric()
        || matches!(b, b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' | b'/' | b'%')
}

fn valid_percent_escapes(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

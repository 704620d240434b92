//! Which endpoint URLs are accepted: https on the public internet in production.

use std::net::IpAddr;

use reqwest::Url;

use super::MAX_URL_CHARS;
use crate::error::{AppError, AppResult};

/// Which endpoint URLs the configuration accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlRules {
    /// `http://` as well as `https://`.
    pub allow_http: bool,
    /// Loopback, private, link-local and other non-public addresses.
    pub allow_private_networks: bool,
}

/// Whether an address is on the public internet: not loopback, private, link-local,
/// carrier-grade NAT, documentation, multicast, broadcast, unspecified, or a special-purpose or
/// translation range (IETF protocol assignments, 6to4 relays, NAT64, 6to4, site-local, discard)
/// through which a private IPv4 address could be reached.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 192 && b == 88 && v4.octets()[2] == 99)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let [first, second, third, fourth, ..] = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Site-local (deprecated, still routed privately by some networks).
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && second == 0x0db8
                // 6to4 embeds an IPv4 address; NAT64 translates to one.
                || first == 0x2002
                || (first == 0x0064 && second == 0xff9b && (third == 0 || third == 1))
                // Discard-only.
                || (first == 0x0100 && second == 0 && third == 0 && fourth == 0))
        }
    }
}

/// Checks an endpoint URL: http(s) as configured, a host, no credentials and no fragment, and
/// (unless private networks are allowed) no loopback or private address or `localhost`.
pub fn check_url(field: &str, raw: &str, rules: UrlRules) -> AppResult<Url> {
    let bad = |message: &str| AppError::bad_input(field, format!("`{field}` {message}"));
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(bad(&format!("must be at most {MAX_URL_CHARS} characters")));
    }
    let url = Url::parse(raw).map_err(|_| bad("is not a URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if rules.allow_http => {}
        _ if rules.allow_http => return Err(bad("must be an http or https URL")),
        _ => return Err(bad("must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; the signature authenticates deliveries",
        ));
    }
    if url.fragment().is_some() {
        return Err(bad("must not have a #fragment"));
    }
    let host = url.host_str().ok_or_else(|| bad("must name a host"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let public = match host.parse::<IpAddr>() {
        Ok(ip) => is_public(ip),
        Err(_) => {
            let domain = host.trim_end_matches('.').to_ascii_lowercase();
            domain != "localhost" && !domain.ends_with(".localhost")
        }
    };
    if !public && !rules.allow_private_networks {
        return Err(bad("must be on the public internet"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: UrlRules = UrlRules {
        allow_http: true,
        allow_private_networks: true,
    };
    const PROD: UrlRules = UrlRules {
        allow_http: false,
        allow_private_networks: false,
    };

    #[test]
    fn production_urls_are_public_https_without_credentials() {
        assert!(check_url("url", "https://hr.example.org/hooks", PROD).is_ok());
        for refused in [
            "http://hr.example.org/hooks",
            "ftp://hr.example.org/",
            "https://user:pw@hr.example.org/",
            "https://token@hr.example.org/",
            "https://hr.example.org/#x",
            "https://localhost/hook",
            "https://api.localhost/hook",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:192.168.0.1]/hook",
            "not a url",
            "",
        ] {
            let error = check_url("url", refused, PROD).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT", "{refused}");
        }
    }

    #[test]
    fn development_allows_http_on_loopback_but_never_credentials() {
        assert!(check_url("url", "http://127.0.0.1:4000/hook", DEV).is_ok());
        assert!(check_url("url", "http://localhost:4000/hook", DEV).is_ok());
        assert!(check_url("url", "http://a:b@127.0.0.1:4000/hook", DEV).is_err());
        assert!(check_url("url", "file:///etc/passwd", DEV).is_err());
    }

    #[test]
    fn public_addresses_are_told_from_the_rest() {
        for public in [
            "8.8.8.8",
            "2a00:1450:4007:80e::200e",
            "193.0.6.139",
            "192.0.1.1",
            "192.88.98.1",
            "100:0:0:1::1",
            "64:ff9b:2::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::1",
            "2002:c0a8:101::1",
            "2002:808:808::1",
            "fec0::1",
            "feff::1",
            "100::1",
            "192.0.0.1",
            "192.0.0.170",
            "192.88.99.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
    }
}

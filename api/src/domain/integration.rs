//! What an integration token is limited to: its scopes, and the client networks it may call
//! from.

use std::net::IpAddr;

use super::IntegrationScope;
use crate::error::{AppError, AppResult};

// One bit per scope.
const _: () = assert!(IntegrationScope::ALL.len() <= 8);

/// A set of scopes; `Copy`, so that an actor stays cheap to pass around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScopeSet(u8);

impl ScopeSet {
    /// Every scope: the rights tokens had before scopes existed.
    pub fn all() -> Self {
        IntegrationScope::ALL.iter().copied().collect()
    }

    fn bit(scope: IntegrationScope) -> u8 {
        1 << (scope as u8)
    }

    pub fn contains(self, scope: IntegrationScope) -> bool {
        self.0 & Self::bit(scope) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The scopes, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = IntegrationScope> {
        IntegrationScope::ALL
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }

    /// The stored form: a JSON array of codes.
    pub fn to_db(self) -> String {
        let codes: Vec<&str> = self.iter().map(IntegrationScope::as_str).collect();
        serde_json::Value::from(codes).to_string()
    }

    /// Reads the stored form; anything else is a corrupt row.
    pub fn from_db(stored: &str) -> AppResult<Self> {
        let codes: Vec<String> = serde_json::from_str(stored)
            .map_err(|e| AppError::internal(BadStored(format!("scopes {stored:?}: {e}"))))?;
        codes
            .iter()
            .map(|code| IntegrationScope::from_db(code))
            .collect()
    }
}

impl FromIterator<IntegrationScope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = IntegrationScope>>(scopes: I) -> Self {
        Self(scopes.into_iter().fold(0, |set, s| set | Self::bit(s)))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("integration token holds a bad value: {0}")]
struct BadStored(String);

/// A client network in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`); a bare address is a
/// network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses a network; the error says what is wrong. Host bits must be zero
    /// (`10.0.0.1/8` is refused), since such a network is most likely a typing mistake.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR network"))?;
        let width = width(address);
        let prefix = match prefix {
            None => width,
            Some(p) => Some(p)
                .filter(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u8>().ok())
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {width}"))?,
        };
        let network = Self { address, prefix };
        if network.masked(address) != bits(address) {
            return Err(format!(
                "{text:?} has host bits set; the network is {}",
                Self {
                    address: from_bits(address, network.masked(address)),
                    prefix
                }
            ));
        }
        Ok(network)
    }

    fn masked(self, address: IpAddr) -> u128 {
        let width = width(address);
        let host_bits = u32::from(width - self.prefix);
        let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
        bits(address) & mask
    }

    /// Whether the address is in this network. An IPv4 address that reaches a dual-stack
    /// socket as `::ffff:a.b.c.d` counts as IPv4.
    pub fn contains(self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.address.is_ipv4() && self.masked(address) == bits(self.address)
    }
}

/// The stored form of a token's networks: a JSON array of CIDRs.
pub fn networks_to_db(networks: &[Network]) -> String {
    let texts: Vec<String> = networks.iter().map(Network::to_string).collect();
    serde_json::Value::from(texts).to_string()
}

/// Reads the stored form; anything else is a corrupt row.
pub fn networks_from_db(stored: &str) -> AppResult<Vec<Network>> {
    let texts: Vec<String> = serde_json::from_str(stored)
        .map_err(|e| AppError::internal(BadStored(format!("networks {stored:?}: {e}"))))?;
    texts
        .iter()
        .map(|t| {
            Network::parse(t).map_err(|e| AppError::internal(BadStored(format!("network: {e}"))))
        })
        .collect()
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

fn width(address: IpAddr) -> u8 {
    if address.is_ipv4() {
        32
    } else {
        128
    }
}

/// The address as an integer, right-aligned (an IPv4 address in the low 32 bits).
fn bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(like: IpAddr, bits: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::from(u32::try_from(bits).unwrap_or(0).to_be_bytes()),
        IpAddr::V6(_) => IpAddr::from(bits.to_be_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn scope_sets_hold_what_they_were_given_and_round_trip() {
        let set: ScopeSet = [
            IntegrationScope::PostingsWrite,
            IntegrationScope::DocumentsRead,
        ]
        .into_iter()
        .collect();
        assert!(set.contains(IntegrationScope::PostingsWrite));
        assert!(!set.contains(IntegrationScope::ApplicationsRead));
        assert_eq!(set.to_db(), r#"["POSTINGS_WRITE","DOCUMENTS_READ"]"#);
        assert_eq!(ScopeSet::from_db(&set.to_db()).unwrap(), set);
        assert!(ScopeSet::default().is_empty());
        assert_eq!(ScopeSet::all().iter().count(), IntegrationScope::ALL.len());
        assert!(ScopeSet::from_db(r#"["ADMIN"]"#).is_err());
        assert!(ScopeSet::from_db("POSTINGS_WRITE").is_err());
    }

    #[test]
    fn ipv4_networks_contain_their_addresses_only() {
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(!net.contains(ip("127.0.0.1")));
        assert!(!net.contains(ip("::1")));
        let host = Network::parse("203.0.113.7").unwrap();
        assert_eq!(host.to_string(), "203.0.113.7/32");
        assert!(host.contains(ip("203.0.113.7")));
        assert!(!host.contains(ip("203.0.113.8")));
        let any = Network::parse("0.0.0.0/0").unwrap();
        assert!(any.contains(ip("198.51.100.1")));
        assert!(!any.contains(ip("2001:db8::1")));
    }

    #[test]
    fn ipv6_networks_contain_their_addresses_only() {
        let net = Network::parse("2001:db8::/32").unwrap();
        assert_eq!(net.to_string(), "2001:db8::/32");
        assert!(net.contains(ip("2001:db8:ffff::1")));
        assert!(!net.contains(ip("2001:db9::1")));
        assert!(!net.contains(ip("10.0.0.1")));
        assert!(Network::parse("::/0").unwrap().contains(ip("::1")));
        assert!(Network::parse("::1/128").unwrap().contains(ip("::1")));
    }

    #[test]
    fn bad_networks_are_refused_with_a_reason() {
        for bad in [
            "",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/+8",
            "10.0.0/8",
            "2001:db8::/129",
            "example.org/24",
            "10.0.0.0/8/8",
            "10.0.0.0/ 8",
        ] {
            assert!(Network::parse(bad).is_err(), "{bad:?}");
        }
        let err = Network::parse("10.0.0.1/8").unwrap_err();
        assert!(err.contains("10.0.0.0/8"), "{err}");
    }

    #[test]
    fn stored_networks_round_trip() {
        let nets = vec![
            Network::parse("127.0.0.0/8").unwrap(),
            Network::parse("2001:db8::/32").unwrap(),
        ];
        let stored = networks_to_db(&nets);
        assert_eq!(stored, r#"["127.0.0.0/8","2001:db8::/32"]"#);
        assert_eq!(networks_from_db(&stored).unwrap(), nets);
    }
}

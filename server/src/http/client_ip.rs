//! Who a request comes from. Behind a load balancer every socket peer is the balancer, so
//! the client is taken from `Forwarded` or `X-Forwarded-For`, but only when the peer is one
//! of `WAYBILL_TRUSTED_PROXIES`; then it is the right-most hop that is not a trusted proxy
//! (hops to its left were written by the client and prove nothing). Otherwise the peer is
//! the client, whatever the headers say. The login throttle and the audit log use it.
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The client of a request whose socket peer is `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_hops(headers);
    // Right to left: the nearest hop first; the first one not ours is the client.
    hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied().unwrap_or(peer)
}

/// The hops the proxies wrote, left (farthest) to right (nearest): from `Forwarded` when
/// present (RFC 7239), else from `X-Forwarded-For`. A hop that is not an address (`unknown`,
/// an obfuscated name) ends the list there, as nothing to its left can be placed.
fn forwarded_hops(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = values("forwarded");
    let hops: Vec<Option<IpAddr>> = if forwarded.trim().is_empty() {
        values("x-forwarded-for").split(',').map(|hop| parse_hop(hop.trim())).collect()
    } else {
        forwarded
            .split(',')
            .filter_map(|element| element.split(';').find_map(|pair| pair.trim().strip_prefix("for=").or(pair.trim().strip_prefix("For="))))
            .map(|value| parse_hop(value.trim().trim_matches('"')))
            .collect()
    };
    // Only the unbroken run of addresses nearest to us counts.
    let unbroken = hops.iter().rev().take_while(|hop| hop.is_some()).count();
    hops[hops.len() - unbroken..].iter().flatten().copied().collect()
}

/// `192.0.2.1`, `192.0.2.1:443`, `[2001:db8::1]`, `[2001:db8::1]:443` or `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    hop.rsplit_once(':').and_then(|(ip, port)| port.parse::<u16>().ok().and(ip.parse().ok()))
}

/// `10.0.0.0/8, 192.168.1.5` as networks (a bare address is its own /32 or /128).
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an address or CIDR range"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_hop_and_only_behind_a_trusted_peer() {
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.168.1.5").unwrap();
        let spoofed = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.3")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &spoofed, &trusted), ip("203.0.113.7"), "behind two of ours");
        assert_eq!(client_ip(ip("198.51.100.1"), &spoofed, &trusted), ip("198.51.100.1"), "an untrusted peer's headers are ignored");
        assert_eq!(client_ip(ip("192.168.1.5"), &HeaderMap::new(), &trusted), ip("192.168.1.5"), "no header: the peer");
        let all_ours = headers(&[("x-forwarded-for", "10.1.1.1, 10.2.2.2")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &all_ours, &trusted), ip("10.1.1.1"), "every hop ours: the farthest");
        assert_eq!(client_ip(ip("10.0.0.2"), &spoofed, &[]), ip("10.0.0.2"), "no trusted proxies: never the headers");
    }

    #[test]
    fn forwarded_is_read_with_ports_brackets_and_quotes_and_stops_at_an_unknown_hop() {
        let trusted = parse_trusted_proxies("10.0.0.0/8").unwrap();
        let forwarded = headers(&[("forwarded", r#"for=6.6.6.6, for="[2001:db8::7]:4711";proto=https, for=10.0.0.9:80"#)]);
        assert_eq!(client_ip(ip("10.0.0.2"), &forwarded, &trusted), ip("2001:db8::7"));
        let unknown = headers(&[("x-forwarded-for", "203.0.113.7, unknown, 10.0.0.3")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &unknown, &trusted), ip("10.0.0.3"), "nothing left of an unknown hop is believed");
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("").unwrap().is_empty());
    }
}

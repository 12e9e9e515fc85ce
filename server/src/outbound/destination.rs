//! Where Waybill may send: an endpoint's URL is checked when staff add it, and every
//! address its name resolves to is checked again at each send, by the HTTP client's own
//! resolver ([`GuardedResolver`]), so that a name that later points inside the network
//! (DNS rebinding) is refused too. Loopback, private, link-local (the cloud metadata
//! address among them), shared, multicast and unspecified addresses, and plain `http://`,
//! are refused unless `WAYBILL_OUTBOUND_ALLOW_PRIVATE` is set.
use std::net::{IpAddr, SocketAddr};
use url::{Host, Url};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DestinationError {
    #[error("the URL {0:?} does not parse: {1}")]
    Unparsable(String, String),
    #[error("the URL must start with https:// (plain http:// is allowed only with WAYBILL_OUTBOUND_ALLOW_PRIVATE=1)")]
    NotHttps,
    #[error("the URL must not carry a user name or password; the events are signed instead")]
    Credentials,
    #[error("the URL has no host")]
    NoHost,
    #[error("{0} is a loopback, private, link-local or metadata address; such destinations are refused (WAYBILL_OUTBOUND_ALLOW_PRIVATE=1 allows them)")]
    Private(String),
}

/// An endpoint URL as staff gave it, checked for what can be told without resolving it.
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, DestinationError> {
    let url = Url::parse(text.trim()).map_err(|e| DestinationError::Unparsable(text.to_string(), e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(DestinationError::NotHttps),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(DestinationError::Credentials);
    }
    let ip = match url.host() {
        None => return Err(DestinationError::NoHost),
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !allow_private && (name == "localhost" || name.ends_with(".localhost") || name.ends_with(".internal")) {
                return Err(DestinationError::Private(name));
            }
            None
        }
    };
    if let Some(ip) = ip {
        if !allow_private && is_private(ip) {
            return Err(DestinationError::Private(ip.to_string()));
        }
    }
    Ok(url)
}

/// Whether `ip` is inside a network rather than on the internet.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // 100.64.0.0/10, carrier-grade NAT; 0.0.0.0/8, "this network".
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private(IpAddr::V4(v4)),
            None => v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || v6.is_unique_local() || v6.is_unicast_link_local(),
        },
    }
}

/// The HTTP client's resolver: the system's, with every address refused that
/// [`is_private`] finds inside the network (unless allowed).
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.iter().copied().filter(|a| allow_private || !is_private(a.ip())).collect();
            if allowed.is_empty() {
                let shown = found.first().map_or_else(|| host.clone(), |a| format!("{host} ({})", a.ip()));
                return Err(Box::new(DestinationError::Private(shown)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_to_a_public_host_is_accepted_unless_private_destinations_are_allowed() {
        assert!(check_url("https://hooks.example.com/waybill", false).is_ok());
        assert_eq!(check_url("http://hooks.example.com/x", false).unwrap_err(), DestinationError::NotHttps);
        assert_eq!(check_url("ftp://hooks.example.com/x", true).unwrap_err(), DestinationError::NotHttps);
        assert_eq!(check_url("https://user:pw@hooks.example.com/x", false).unwrap_err(), DestinationError::Credentials);
        assert!(matches!(check_url("not a url", false), Err(DestinationError::Unparsable(..))));
        for private in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]:8443/",
            "https://[fd00::1]/",
            "https://localhost/x",
            "https://192.168.1.10/",
            "https://[::ffff:127.0.0.1]/",
        ] {
            assert!(matches!(check_url(private, false), Err(DestinationError::Private(_))), "{private}");
            assert!(check_url(private, true).is_ok(), "{private} with the flag");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", true).is_ok());
    }

    #[test]
    fn public_addresses_are_not_private() {
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
        for private in ["100.100.1.1", "0.1.2.3", "224.0.0.1", "fe80::1"] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
    }
}

"""Canonical URLs for duplicate detection."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_NAMES = frozenset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid ttclid li_fat_id mkt_tok _ga _gl ref ref_src
    ref_url cmpid ocid smid smtyp sr_share at_medium at_campaign guccounter
    """.split()
)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_NAMES and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def is_url(value: str) -> bool:
    """True for something that reads as an http(s) URL."""
    return value.strip().lower().startswith(("http://", "https://"))

"""Canonical URLs for duplicate detection."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from index.errors import InvalidSource

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_NAMES = frozenset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid twclid ttclid li_fat_id mkt_tok _ga _gl ref ref_src
    ref_url cmpid ocid smid smtyp sr_share at_medium at_campaign guccounter
    """.split()
)


def split_url(url: str) -> tuple[SplitResult, int | None]:
    """The parts and port of a URL; a malformed one (bad port, broken IPv6 brackets) raises ``InvalidSource``."""
    try:
        parts = urlsplit(url.strip())
        return parts, parts.port
    except ValueError as exc:
        raise InvalidSource(f"not a valid URL: {_shown(url)} ({exc})") from exc


def _shown(url: str) -> str:
    url = " ".join(url.split())
    return url if len(url) <= 200 else url[:199] + "…"


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, tracking parameters removed."""
    parts, port = split_url(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_NAMES and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def is_url(value: str) -> bool:
    """True for something that reads as one http(s) URL: a link followed by words is not one ("https://… must
    read" fetched as written asks the server for a path with spaces)."""
    value = value.strip()
    return value.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in value)

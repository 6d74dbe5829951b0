"""Safe URL fetching: http(s) only, every address checked before connecting, bounded in time and size.

Each hop (the URL and up to N redirects) is resolved once; all its addresses must be public unless
the host is allow-listed, and the connection goes to the address that was checked, so a DNS answer
cannot change between the check and the connect. Environment proxies are never used.
"""

from __future__ import annotations

import http.client
import ipaddress
import math
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from urllib.parse import urljoin, urlsplit

from index import pinned
from index.errors import DossierError, FetchError, InvalidSource, RefusedAddress
from index.fetched import FetchedPage, Want, one_line, read_body, validators
from index.urls import split_url

_ACCEPTED_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_PAGE_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9"
# Feeds are served under many types; feedparser decides what the body is.
FEED_TYPES = {
    m: "feed"
    for m in (
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/html",
        "text/plain",
        "application/octet-stream",
    )
}
_FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
Resolver = Callable[[str, int], Sequence[str]]


# Host-name look-ups a fetcher runs at once (each in a thread of its own; see ``SafeFetcher._resolve``): a bound on
# threads left waiting on silent name servers, far above what one user's rate-limited adds hold (RATE_LIMIT_ADDS 10 a
# minute, each held at most the resolver's ~30 s), so one user's links to a silent domain keep no one else waiting.
LOOK_UPS = 64


class _LookUpExpired(FetchError):
    """A host-name look-up outlasted the fetch's time (reported as the fetch timing out)."""


class SafeFetcher:
    """Fetches one HTML or text page; every refusal or failure raises a ``DossierError`` with one line."""

    def __init__(
        self,
        timeout: float = 10.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 3,
        allow_hosts: Sequence[str] = (),
        resolver: Resolver = pinned.system_resolver,
    ) -> None:
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"the fetch timeout must be a positive number of seconds, not {timeout}")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.resolver = resolver
        self._look_ups = threading.BoundedSemaphore(LOOK_UPS)
        self._allow_names: set[str] = set()
        self._allow_nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow_hosts:
            entry = entry.strip().lower().strip("[]")
            if "/" in entry:
                try:
                    self._allow_nets.append(ipaddress.ip_network(entry, strict=False))
                    continue
                except ValueError:
                    pass
            self._allow_names.add(entry)

    def fetch(self, url: str) -> FetchedPage:
        """The page at ``url``; the whole fetch (connects, headers, bodies, redirects) ends within the timeout."""
        return self._fetch(url, Want(_ACCEPTED_TYPES, _PAGE_ACCEPT, "an HTML or text page", files=True))

    def fetch_feed(self, url: str, etag: str = "", modified: str = "", max_bytes: int = 0) -> FetchedPage:
        """A feed's body, asked conditionally when ``etag`` / ``modified`` come from the last fetch; ``max_bytes``:
        a lower cap than pages have (0: the same)."""
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
        return self._fetch(url, Want(FEED_TYPES, _FEED_ACCEPT, "a feed", conditional, max_bytes))

    def _fetch(self, url: str, want: Want) -> FetchedPage:
        with pinned.Watchdog(self.timeout) as watchdog:
            try:
                page = self._follow(url, watchdog, want)
            except DossierError as exc:
                if watchdog.expired or isinstance(exc, _LookUpExpired):  # one line whichever ran out first
                    raise FetchError(f"timed out after {self.timeout:g} s fetching {url}") from exc
                raise
            if watchdog.expired:  # the cut connection looked like a short, complete body
                raise FetchError(f"timed out after {self.timeout:g} s fetching {url}")
            return page

    def _follow(self, url: str, watchdog: pinned.Watchdog, want: Want) -> FetchedPage:
        deadline = time.monotonic() + self.timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            status, location, response, conn = self._request(current, deadline, watchdog, want)
            try:
                if status in (301, 302, 303, 307, 308) and location:
                    try:
                        current = urljoin(current, location)
                    except ValueError as exc:  # "http://[::1" and the like
                        raise FetchError(f"{current} redirected to an invalid address: {one_line(location)}") from exc
                    continue
                if status == 304 and want.conditional:
                    return FetchedPage(current, "feed", None, b"", *validators(response), not_modified=True)
                if status >= 400:
                    raise FetchError(f"{current} answered HTTP {status} {one_line(response.reason)}".strip())
                if status != 200:
                    raise FetchError(f"{current} answered HTTP {status}, not a page")
                return read_body(current, response, deadline, want, self.max_bytes, self.timeout)
            finally:
                conn.close()
        raise FetchError(f"too many redirects (more than {self.max_redirects}) from {url}")

    def check_url(self, url: str, deadline: float | None = None) -> tuple[str, str, int, str]:
        """Validate scheme and host, resolve, check every address; returns (scheme, host, port, ip). The look-up
        ends by ``deadline`` (``time.monotonic()``; default: the fetch timeout from now)."""
        parts, port = split_url(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise InvalidSource(f"only http and https URLs can be added, not {scheme or 'this'}: {url}")
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
            raise InvalidSource(f"a URL cannot hold spaces or control characters: {url[:200]}")
        host = (parts.hostname or "").lower()
        if not host:
            raise InvalidSource(f"the URL has no host: {url}")
        port = port or (443 if scheme == "https" else 80)
        wait = (time.monotonic() + self.timeout if deadline is None else deadline) - time.monotonic()
        try:
            addresses = self._resolve(host, port, max(0.1, wait))
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: the host is unknown or unreachable") from exc
        if not addresses:
            raise FetchError(f"cannot resolve {host}")
        named = host in self._allow_names
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if named or any(ip in net for net in self._allow_nets):
                continue
            reason = pinned.why_refused(ip)
            if reason and pinned.is_literal(host):
                raise RefusedAddress(f"refused: {host} is {reason} (see FETCH_ALLOW_HOSTS)")
            if reason:  # the address a name resolves to stays private: the user learns only the kind
                raise RefusedAddress(f"refused: {host} resolves to {reason} (see FETCH_ALLOW_HOSTS)")
        return scheme, host, port, addresses[0]

    def _resolve(self, host: str, port: int, seconds: float) -> list[str]:
        """The resolver's addresses for ``host``, in ``seconds`` at most. The system's look-up cannot be
        interrupted (a silent DNS server holds it for its own retries, 30 s or more): it runs in a thread of its
        own, left to finish in the background when the time is up."""
        outcome: list[Sequence[str] | BaseException] = []

        def look_up() -> None:
            try:
                outcome.append(self.resolver(host, port))
            except BaseException as exc:  # handed to the waiting fetch, which raises it
                outcome.append(exc)
            finally:
                self._look_ups.release()

        start = time.monotonic()
        # While a name server is silent, its look-ups pile up: at most LOOK_UPS threads wait on it at once.
        if not self._look_ups.acquire(timeout=seconds):
            raise _LookUpExpired(f"timed out after {self.timeout:g} s resolving {host}")
        thread = threading.Thread(target=look_up, name="dossier-resolve", daemon=True)
        try:
            thread.start()
        except BaseException:
            self._look_ups.release()
            raise
        thread.join(max(0.0, seconds - (time.monotonic() - start)))
        if not outcome:
            raise _LookUpExpired(f"timed out after {self.timeout:g} s resolving {host}")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return list(outcome[0] or ())

    def _request(
        self, url: str, deadline: float, watchdog: pinned.Watchdog, want: Want
    ) -> tuple[int, str | None, http.client.HTTPResponse, http.client.HTTPConnection]:
        scheme, host, port, ip = self.check_url(url, deadline)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        remaining = max(0.1, deadline - time.monotonic())
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = pinned.PinnedHTTPSConnection(ip, port, host, remaining, watchdog)
        else:
            conn = pinned.PinnedHTTPConnection(ip, port, remaining, watchdog)
        default_port = 443 if scheme == "https" else 80
        host_header = host if port == default_port else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "Host": host_header,
                    "User-Agent": "Dossier/0.1 (+article fetcher)",
                    "Accept": want.accept,
                    "Accept-Encoding": "gzip, deflate",
                    **want.conditional,
                },
            )
            response = conn.getresponse()
        except TimeoutError as exc:
            conn.close()
            raise FetchError(f"timed out after {self.timeout:g} s fetching {url}") from exc
        except ssl.SSLError as exc:
            conn.close()
            raise FetchError(f"TLS failed for {host}: {exc.reason or exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise FetchError(f"cannot reach {host}: {one_line(getattr(exc, 'strerror', None) or exc)}") from exc
        return response.status, response.getheader("Location"), response, conn

"""Where a fetch may connect, and how: the addresses refused (private, loopback, link-local, cloud metadata…),
the system's resolver, and HTTP(S) connections pinned to the address that was checked, handed to a watchdog that
cuts their sockets at the fetch's deadline."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from types import TracebackType

_METADATA = [ipaddress.ip_network(n) for n in ("169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32")]
# Special-purpose ranges that ``is_global`` of Python before 3.13 still calls global: IETF protocol assignments,
# IPv4-compatible IPv6, NAT64, 6to4, site-local IPv6 and SRv6 segment ids. All other decisions are ``is_global``'s.
_NOT_GLOBAL = [
    ipaddress.ip_network(n)
    for n in ("192.0.0.0/24", "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "fec0::/10", "5f00::/16")
]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses as the system resolves them, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_refused(ip: IPAddress) -> str | None:
    """Why a fetch may not connect to the address (as a phrase for its one-line error), None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _METADATA):
        return "a cloud metadata address"
    for attr, label in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(ip, attr):
            return label
    if not ip.is_global or any(ip in net for net in _NOT_GLOBAL):
        return "a non-public address"
    return None


def is_literal(host: str) -> bool:
    """The URL's host is an address, not a name."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class Watchdog:
    """Bounds a whole fetch in time: when the deadline passes, the open connection is shut down, which ends
    any read in progress however slowly the server sends (a socket timeout only bounds each single read)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        """The connected socket to cut at the deadline (one at a time: each redirect hop replaces the last)."""
        with self._lock:
            self._sock = sock
            expired = self.expired
        if expired:
            self._cut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self._sock
        if sock is not None:
            self._cut(sock)

    @staticmethod
    def _cut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed by the fetcher: nothing left to stop
            sock.shutdown(socket.SHUT_RDWR)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a fixed address; the socket is handed to the watchdog as soon as it connects."""

    def __init__(self, ip: str, port: int, timeout: float, watchdog: Watchdog) -> None:
        super().__init__(ip, port, timeout=timeout)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.watch(self.sock)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a fixed address, with SNI and certificate checks against the URL's host name."""

    def __init__(self, ip: str, port: int, host: str, timeout: float, watchdog: Watchdog) -> None:
        super().__init__(ip, port, timeout=timeout, context=ssl.create_default_context())
        self._server_name = host
        self._watchdog = watchdog

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        tls = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self._server_name, do_handshake_on_connect=False
        )
        self._watchdog.watch(tls)  # a handshake trickled byte by byte is cut at the deadline too
        try:
            tls.do_handshake()
        except BaseException:
            tls.close()
            raise
        self.sock = tls

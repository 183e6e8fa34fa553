"""Addresses: one key per document whatever the form of its address, and the network guard.

``document_key`` folds the forms of one address into one (url-normalize for case, default
ports and percent-encoding; then http/https, a trailing slash, a fragment and tracking
parameters dropped). ``GuardedBackend`` is the network layer under httpx: every connection,
the first and each redirect's, resolves its host itself and refuses an address in a private,
loopback, link-local or otherwise non-public range, then connects to the address it checked
(so a second DNS answer cannot swap it). Loopback is allowed only when
``COOP_FETCH_ALLOW_LOOPBACK=1`` (tests, local mirrors); private and link-local never.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpcore
from url_normalize import url_normalize

SCHEMES = ("http", "https")
# Parameters that say where a reader came from, not which document it is
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid",
                   "ref", "ref_src", "yclid", "ocid", "cmpid", "s_cid"}  # fmt: skip


class RefusedAddress(Exception):
    """An address the fetcher will not connect to, with the reason."""


def canonical_url(url: str) -> str:
    """The address in one form: normalized, without fragment or tracking parameters."""
    normal = url_normalize(url.strip()) or url
    parts = urlsplit(normal)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in TRACKING_PARAMS
             and not k.lower().startswith(TRACKING_PREFIXES)]  # fmt: skip
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(sorted(query)), ""))


def document_key(url: str) -> str:
    """What makes two addresses one document: the canonical form, without scheme, ``www.``
    or trailing slash."""
    parts = urlsplit(canonical_url(url))
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise RefusedAddress(f"not an http(s) address: {url[:200]}")


def loopback_allowed() -> bool:
    return os.environ.get("COOP_FETCH_ALLOW_LOOPBACK") == "1"


def check_ip(address: str) -> None:
    """Refuse any address that is not on the public internet (loopback only when allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        if loopback_allowed():
            return
        raise RefusedAddress(f"{address} is a loopback address (COOP_FETCH_ALLOW_LOOPBACK=1 "
                             "allows it for tests and local mirrors)")  # fmt: skip
    if ip.is_link_local:
        raise RefusedAddress(f"{address} is a link-local address")
    if ip.is_private or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        raise RefusedAddress(f"{address} is a private or reserved address")


def resolve_checked(host: str, port: int) -> str:
    """The first address the host resolves to, when every address it resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise RefusedAddress(f"{host} does not resolve: {error.strerror}") from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        check_ip(address)
    return addresses[0]


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses ``check_ip`` allows."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = resolve_checked(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)

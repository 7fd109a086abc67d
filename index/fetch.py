"""Fetch a letter by url, safely: http(s) only, a size cap, a timeout, a redirect limit, and
every hop's address checked after DNS resolution (no private, loopback or link-local targets
unless allowed), so a staff command cannot be used to probe the server's own network.

The connection goes to the address that was checked (the host name is kept for the Host
header and TLS), so a DNS answer that changes between check and connect cannot slip through.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from index.errors import UserError
from index.letter_store import PDF_SIZE_FACTOR

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "Ledenbrieven-bot (+https://github.com/; fetches member letters added by staff)"


class FetchError(UserError):
    """A url that could not be fetched; `code` picks the sentence shown in Slack."""

    def __init__(self, code: str, message: str, **values: object):
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass
class FetchLimits:
    max_bytes: int = 5 * 1024 * 1024  # text formats; PDFs get PDF_SIZE_FACTOR times this
    timeout: float = 20.0
    allow_private: bool = False


@dataclass
class Fetched:
    url: str  # the final url, after redirects
    data: bytes
    content_type: str | None


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or not ip.is_global)


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to; FetchError when the name does not resolve or is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError("dns", f"The host {host} does not exist (DNS lookup failed); check the url.",
                         host=host) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        blocked = [a for a in addresses if _blocked(a)]
        if blocked:  # all of them must be public: the client may pick any
            raise FetchError("private", f"{host} points to a private or local address ({blocked[0]}); only public "
                             "web addresses can be fetched (set LEDENBOT_FETCH_ALLOW_PRIVATE=true for an intranet).",
                             host=host)
    return sorted(addresses, key=lambda a: ":" in a)[0]  # IPv4 first: not every host routes IPv6


def _check_url(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("scheme", f"Only http and https urls can be fetched, not {parts.scheme or 'this'!r}.",
                         url=url)
    if not parts.hostname:
        raise FetchError("scheme", f"{url!r} is not a complete web address; copy the full url.", url=url)
    if parts.username or parts.password:
        raise FetchError("scheme", "A url with a user name or password cannot be fetched.", url=url)
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def fetch(url: str, limits: FetchLimits, client: httpx.Client | None = None) -> Fetched:
    """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked."""
    own = client is None
    client = client or httpx.Client(timeout=limits.timeout, follow_redirects=False,
                                    headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,text/*"})
    try:
        for _ in range(MAX_REDIRECTS + 1):
            scheme, host, port = _check_url(url)
            address = resolve(host, port, limits.allow_private)
            response = _get(client, url, scheme, host, port, address, limits)
            if isinstance(response, str):
                url = response
                continue
            return response
        raise FetchError("redirects", f"{url} redirects more than {MAX_REDIRECTS} times; use the letter's final url.",
                         url=url)
    finally:
        if own:
            client.close()


def _get(client: httpx.Client, url: str, scheme: str, host: str, port: int, address: str,
         limits: FetchLimits) -> Fetched | str:
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    default_port = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    pinned = parts._replace(netloc=literal if default_port else f"{literal}:{port}").geturl()
    headers = {"Host": host if default_port else f"{host}:{port}"}
    try:
        with client.stream("GET", pinned, headers=headers, extensions={"sni_hostname": host}) as response:
            if response.is_redirect:
                target = response.headers.get("Location")
                if not target:
                    raise FetchError("status", f"{url} redirects without saying where to.", url=url, status=response.status_code)
                return urljoin(url, target)
            if response.status_code >= 400:
                raise FetchError("status", f"{url} answered HTTP {response.status_code}; check the url.",
                                 url=url, status=response.status_code)
            data = _read_capped(response, url, limits.max_bytes, limits.timeout)
            return Fetched(url=url, data=data, content_type=response.headers.get("Content-Type"))
    except httpx.TimeoutException:
        raise FetchError("timeout", f"{url} did not answer within {limits.timeout:.0f} seconds; try again later.",
                         url=url, seconds=int(limits.timeout)) from None
    except httpx.HTTPError as exc:
        log.info("Fetching %s failed", url, exc_info=True)
        raise FetchError("network", f"{url} could not be fetched ({type(exc).__name__}); check the url.",
                         url=url) from None


def _read_capped(response: httpx.Response, url: str, max_bytes: int, timeout: float) -> bytes:
    """The body, refused as soon as it is over the limit for its kind (PDFs get more room),
    or when it trickles in for longer than the timeout as a whole."""
    deadline = time.monotonic() + timeout
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > max_bytes * PDF_SIZE_FACTOR:
        raise _too_large(url, declared, max_bytes * PDF_SIZE_FACTOR)
    chunks: list[bytes] = []
    size, limit = 0, None
    for chunk in response.iter_bytes():
        if limit is None:  # judged by the first bytes, not by a header the server chose
            limit = max_bytes * PDF_SIZE_FACTOR if chunk.lstrip()[:5] == b"%PDF-" else max_bytes
        size += len(chunk)
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("body too slow")
        if size > limit:
            raise _too_large(url, size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def megabytes(size: int) -> str:
    return f"{size / 1e6:.0f}" if size >= 1e6 else f"{size / 1e6:.2g}"


def _too_large(url: str, size: int, limit: int) -> FetchError:
    return FetchError("too_large", f"{url} is over the {megabytes(limit)} MB limit for a letter.",
                      url=url, mb=megabytes(limit))


def download(url: str, headers: dict[str, str], limits: FetchLimits, allowed_hosts: set[str]) -> bytes:
    """GET a file from a trusted service (e.g. Slack with the bot token) with the same caps;
    the credentials in `headers` only ever go to `allowed_hosts`."""
    with httpx.Client(timeout=limits.timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            scheme, host, _ = _check_url(url)
            if host not in allowed_hosts:
                raise FetchError("host", f"Refusing to download from {host}: not the expected service.", url=url)
            try:
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and response.headers.get("Location"):
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status_code >= 400:
                        raise FetchError("status", f"The download answered HTTP {response.status_code}.",
                                         url=url, status=response.status_code)
                    return _read_capped(response, url, limits.max_bytes, limits.timeout)
            except httpx.TimeoutException:
                raise FetchError("timeout", f"The download did not finish within {limits.timeout:.0f} seconds.",
                                 url=url, seconds=int(limits.timeout)) from None
            except httpx.HTTPError as exc:
                raise FetchError("network", f"The download failed ({type(exc).__name__}).", url=url) from None
        raise FetchError("redirects", "The download redirects too often.", url=url)

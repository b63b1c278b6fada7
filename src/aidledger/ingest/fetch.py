"""Polite, bounded HTTP fetching of article pages and feeds (httpx).

Every request: a timeout, a size cap, a per-host rate limit, robots.txt respected (RFC 9309: a missing
robots.txt allows all, an unreachable one disallows all), redirects followed by hand up to a limit, and
the address checked before connecting and again on the open connection, at every hop, so a name that
resolves to (or redirects to) a private, loopback or link-local address is refused unless
`FetchPolicy.allow_private` is set. Every failure is an `InputError` naming the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from aidledger.errors import InputError

USER_AGENT = "aidledger/0.1 (news aid-commitment ledger; respects robots.txt)"
ROBOTS_TOKEN = "aidledger"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = 15.0  # seconds, for connecting and for each read
    max_bytes: int = 5 * 1024 * 1024  # a news page over 5 MB is not an article
    max_redirects: int = 5
    per_host_interval: float = 1.0  # seconds between two requests to the same host
    allow_private: bool = False  # only for tests and intranets: reach 127.0.0.1, 10.x, 169.254.x ...
    private_hosts: tuple[str, ...] = ()  # "host" or "host:port" allowed to be private (an intranet mirror)
    respect_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # after redirects
    status: int
    content_type: str  # media type only, lower case
    charset: str | None
    body: bytes


class Fetcher:
    """One per process (or per batch partition): it holds the connection pool, rate and robots state."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        import httpx

        self.policy = policy or FetchPolicy()
        # trust_env=False: through a proxy the peer address would be the proxy's, and the check meaningless
        self._client = httpx.Client(timeout=self.policy.timeout, follow_redirects=False, trust_env=False,
                                    headers={"User-Agent": self.policy.user_agent})
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, object] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str) -> Page:
        """The page at `url`, following redirects; raises `InputError` (never an httpx error)."""
        for _ in range(self.policy.max_redirects + 1):
            self._check_host(url)  # before robots.txt, so a refused host is named as such
            if self.policy.respect_robots and not self._robots_allow(url):
                raise InputError(url, "is disallowed by the site's robots.txt", "drop it from the list")
            page = self._request(url)
            if page.status not in (301, 302, 303, 307, 308):
                return _ok(page)
            url = page.url
        raise InputError(url, f"more than {self.policy.max_redirects} redirects", "use the final address")

    # -------------------------------------------------------------- one hop

    def _request(self, url: str) -> Page:
        """One GET without following redirects; a redirect comes back as a Page whose url is the target."""
        import httpx

        trusted = self._check_host(url)
        self._wait_for(urlsplit(url).hostname)
        try:
            with self._client.stream("GET", url) as response:
                if not trusted:
                    self._check_addresses(url, [_peer_ip(response)])
                if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                    return Page(urljoin(url, response.headers["location"]), response.status_code, "", None, b"")
                body = self._read_capped(url, response)
                media, charset = parse_content_type(response.headers.get("content-type", ""))
                return Page(str(response.url), response.status_code, media, charset, body)
        except httpx.TimeoutException as exc:
            raise InputError(url, f"timed out after {self.policy.timeout:g} s", "retry later") from exc
        except httpx.HTTPError as exc:
            raise InputError(url, f"request failed ({type(exc).__name__}: {exc})", "check the address") from exc

    def _read_capped(self, url: str, response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise InputError(url, f"is {int(declared)} bytes, over the {limit} byte cap", "raise max_bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:  # the header can lie or be absent: count what arrives
                raise InputError(url, f"is over the {limit} byte cap", "raise max_bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_host(self, url: str) -> bool:
        """Whether the host is trusted to be private; raises if it is not and resolves to a private address."""
        host, port = _host_port(url)
        private = self.policy.private_hosts
        trusted = self.policy.allow_private or host in private or f"{host}:{port}" in private
        if not trusted:
            self._check_addresses(url, _resolve(url, host, port))
        return trusted

    def _check_addresses(self, url: str, addresses: list[str]) -> None:
        for address in addresses:
            if not _is_public(address):
                raise InputError(url, f"resolves to the non-public address {address}",
                                 "only public hosts are fetched; allow private addresses explicitly if intended")

    def _wait_for(self, host: str) -> None:
        now = time.monotonic()
        slot = self._next_slot.get(host, now)
        if slot > now:
            time.sleep(slot - now)
        self._next_slot[host] = max(slot, now) + self.policy.per_host_interval

    # -------------------------------------------------------------- robots.txt

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            self._robots[root] = self._load_robots(root)
        rules = self._robots[root]
        return rules if isinstance(rules, bool) else rules.can_fetch(ROBOTS_TOKEN, url)

    def _load_robots(self, root: str):
        """Parsed rules, or True (allow all: 4xx) or False (disallow all: 5xx or unreachable)."""
        from urllib.robotparser import RobotFileParser

        try:
            page = self._follow(root + "/robots.txt")
        except InputError:
            return False
        if 400 <= page.status < 500:
            return True
        if page.status != 200:
            return False
        parser = RobotFileParser()
        parser.parse(page.body.decode("utf-8", "replace").splitlines())
        return parser

    def _follow(self, url: str) -> Page:
        """Like `get` without robots checks and status checks (for robots.txt itself)."""
        for _ in range(self.policy.max_redirects + 1):
            page = self._request(url)
            if page.status not in (301, 302, 303, 307, 308):
                return page
            url = page.url
        raise InputError(url, "too many redirects", "fix the site's robots.txt")


def _ok(page: Page) -> Page:
    if page.status != 200:
        raise InputError(page.url, f"answered HTTP {page.status}", "check the address or retry later")
    return page


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "is not an http(s) URL", "give addresses like https://example.org/article")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise InputError(url, "has a bad port", "fix the address") from exc
    return parts.hostname, port


def _resolve(url: str, host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InputError(url, f"host {host} cannot be resolved ({exc})", "check the address") from exc
    return sorted({info[4][0] for info in infos})


def _peer_ip(response) -> str:
    """The address the connection is actually open to (a name may resolve differently a second time)."""
    stream = response.extensions.get("network_stream")
    addr = stream.get_extra_info("server_addr") if stream is not None else None
    if not addr:
        raise InputError(str(response.url), "the connection's address cannot be checked", "report this as a bug")
    return addr[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def parse_content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset

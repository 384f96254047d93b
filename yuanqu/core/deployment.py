"""Start-up validation of the production settings, and the trusted-proxy rule.

Imported by ``settings.py`` before Django is set up, so it uses the standard library and Django's exception only.
A bad setting raises ``ImproperlyConfigured`` naming the setting: the server refuses to start rather than run
insecurely or answer every request with 400.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# The thresholds of Django's own security.W009, raised here from a warning to a refusal.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def check_secret_key(key: str) -> None:
    """Refuse a missing or guessable SECRET_KEY (sessions, CSRF and password-reset links are signed with it)."""
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境必须在环境变量 SECRET_KEY 中设置随机密钥 (SECRET_KEY must be set outside the "
            "demo; generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))')")
    if (len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
            or key.startswith("django-insecure-")):
        raise ImproperlyConfigured(
            f"SECRET_KEY 强度不足：至少 {SECRET_KEY_MIN_LENGTH} 个字符、{SECRET_KEY_MIN_UNIQUE_CHARACTERS} 种不同字符，"
            "且不能是 django-insecure- 开头的示例密钥 (SECRET_KEY is too weak; generate one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(64))')")


def check_allowed_hosts(hosts: Sequence[str]) -> None:
    """Refuse an empty ALLOWED_HOSTS: Django would answer every request with 400."""
    if not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS 为空：请在环境变量 ALLOWED_HOSTS 中填写本系统的域名，多个以逗号分隔 "
            "(ALLOWED_HOSTS must name this server's host names, e.g. ALLOWED_HOSTS=yuanqu.example.gov.cn)")
    if "*" in hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS 不能为 *：请填写本系统的域名 (ALLOWED_HOSTS must list host names, not '*')")


def parse_trusted_proxies(value: str) -> tuple[IPNetwork, ...]:
    """Read YUANQU_TRUSTED_PROXIES: comma-separated IP addresses or CIDR networks; empty trusts no proxy."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"YUANQU_TRUSTED_PROXIES 中的 “{item}” 不是 IP 地址或网段：应为逗号分隔的地址或 CIDR，如 "
                f"127.0.0.1,10.0.0.0/8 (YUANQU_TRUSTED_PROXIES must be a comma-separated list of IP addresses "
                f"or CIDR networks; '{item}' is neither)") from None
    return tuple(networks)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str | None, proxies: Iterable[IPNetwork]) -> bool:
    """Whether ``address`` (a peer's IP as the WSGI server gives it) is one of the trusted proxies."""
    ip = _parse_ip(address or "")
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in proxies)


def client_address(peer: str | None, forwarded_for: str, proxies: Sequence[IPNetwork]) -> str | None:
    """The client's address: the right-most hop of X-Forwarded-For that is not a trusted proxy.

    Only a trusted peer's header is read; each trusted proxy appends the address it saw, so walking from the
    right past trusted hops stops at the first address no proxy of ours vouches for. Anything to its left was
    written by the client and is not believed. A malformed hop ends the walk at the last trusted one.
    """
    if not is_trusted(peer, proxies) or not forwarded_for.strip():
        return peer
    address = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        ip = _parse_ip(hop)
        if ip is None:
            return address
        address = str(ip)
        if not is_trusted(address, proxies):
            return address
    return address

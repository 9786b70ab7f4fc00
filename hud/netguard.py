"""Who is on the other end: loopback addresses and Host headers, for every server hud runs.

Why one module: the push API, the MentraOS cloud and the Even Hub automation API all listen on
this machine only and refuse a Host header that does not name it (DNS rebinding: a web site's own
name pointed at 127.0.0.1). The rules must be the same everywhere, so they are written once.
"""

from __future__ import annotations

import ipaddress


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(host: str | None) -> bool:
    """Only this machine: 127.0.0.0/8, ::1 (bracketed or not) or localhost; '' and None mean every interface."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def host_name(header: str) -> str | None:
    """The host of a Host header, lower-case, without port or IPv6 brackets; None when malformed."""
    host, port = header.strip().lower(), ""
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return None
        host, port = host[1:end], host[end + 1:]
        if port and not port.startswith(":"):
            return None
        port = port[1:]
    elif host.count(":") == 1:
        host, port = host.split(":")
    elif ":" in host:
        return None  # an IPv6 address must be in brackets
    if (port and not port.isdigit()) or not host:
        return None
    return host


def names_this_machine(header: str) -> bool:
    """A Host header a loopback-only server answers: localhost, 127.x.x.x or [::1], any port."""
    host = host_name(header)
    return host is not None and is_loopback(host)


def url(scheme: str, host: str, port: int, path: str = "") -> str:
    """The URL of a server listening on `host`:`port` (an IPv6 address in brackets, as URLs need)."""
    bare = host.strip("[]")
    return f"{scheme}://{f'[{bare}]' if ':' in bare else bare}:{port}{path}"

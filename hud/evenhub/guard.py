"""Who may use the automation API: programs on this machine, not web pages and not other machines.

The API shows what the wearer sees and drives their touchpad, and the simulator's has no
authentication (scripts written for it send none), so hud holds the same bar as its push API
(hud/push/server.py) without a token:

    loopback only   the server listens on 127.0.0.0/8, ::1 or localhost, nothing else (`check_bind`)
    host names      the Host header must be localhost, 127.x.x.x or [::1] (any port): a web site's own
                    name pointed at 127.0.0.1 (DNS rebinding) gets 403, so its page cannot read replies
    web pages       a request with an Origin header (browsers send one with every fetch and form POST)
                    gets 403 unless that origin is allowed; so does one a browser marks as coming from
                    another site (`Sec-Fetch-Site: cross-site` or `same-site`), such as an <img> tag's.
                    Programs (curl, urllib, requests) send neither and are not affected

Every refusal is one line saying what was refused and why.
"""

from __future__ import annotations

from collections.abc import Collection

from hud.netguard import host_name, is_loopback


class AutomationServerError(RuntimeError):
    """The automation server cannot start (an address beyond loopback, the port in use)."""


def check_bind(host: str) -> None:
    """Refuse to listen anywhere but loopback (the API has no authentication to offer beyond it)."""
    if not is_loopback(host):
        raise AutomationServerError(
            f"refusing to serve the automation API on {host or 'every interface'!r}: it has no authentication "
            f"(as the Even Hub simulator's), so anyone who could reach it could read the display and drive the "
            f"touchpad; it listens on 127.0.0.1, ::1 or localhost only")


def problem(hosts: list[str], origins: list[str], fetch_sites: list[str],
            allowed_origins: Collection[str]) -> str | None:
    """Why a request is refused (403), or None. Each list holds every value of that header."""
    if len(hosts) > 1:
        return "a request may carry one Host header at most"
    if hosts:  # HTTP/1.0 may omit it; browsers never do, so no Host is no rebinding
        host = host_name(hosts[0])
        if host is None or not is_loopback(host):
            return (f"Host {hosts[0][:100]!r} is not this server's name (localhost, 127.0.0.1 or [::1]); "
                    f"refused against DNS rebinding")
    if len(origins) > 1:
        return "a request may carry one Origin header at most"
    if origins:
        if origins[0] in allowed_origins:
            return None
        return (f"Origin {origins[0][:100]!r} is not allowed: web pages may not read the display nor drive the "
                f"touchpad unless hud allows their origin")
    site = fetch_sites[0].strip().lower() if len(fetch_sites) == 1 else ""
    if len(fetch_sites) > 1 or site in ("cross-site", "same-site"):
        return "a web page's request (Sec-Fetch-Site) is not allowed: web pages may not read the display"
    return None

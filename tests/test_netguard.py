"""hud.netguard: the one place a listening server's address is judged and written."""

from __future__ import annotations

import pytest

from hud import netguard


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", "ws://127.0.0.1:8765/x"), ("localhost", "ws://localhost:8765/x"),
    ("::1", "ws://[::1]:8765/x"), ("[::1]", "ws://[::1]:8765/x"), ("fe80::1", "ws://[fe80::1]:8765/x")])
def test_a_servers_url_brackets_an_ipv6_address_once(host: str, expected: str) -> None:
    assert netguard.url("ws", host, 8765, "/x") == expected


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                                ("0.0.0.0", False), ("192.168.1.20", False)])
def test_loopback_is_told_apart(host: str, loopback: bool) -> None:
    assert netguard.is_loopback(host) is loopback

"""Who may use the automation API: loopback only, this server's own host names, no web pages."""

from __future__ import annotations

import pytest

from hud.evenhub.guard import AutomationServerError, check_bind, host_name, problem


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses_may_be_listened_on(host: str) -> None:
    check_bind(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::", "192.168.1.2", "example.com"])
def test_anything_else_is_refused_with_the_reason(host: str) -> None:
    with pytest.raises(AutomationServerError, match="no authentication"):
        check_bind(host)


@pytest.mark.parametrize(("header", "name"), [
    ("127.0.0.1:9898", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:80", "::1"), ("LocalHost:1", "localhost"),
    ("::1", None), ("[::1", None), ("[::1]x", None), ("a:b", None), (":80", None), ("", None),
])
def test_host_headers_are_read_strictly(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_programs_on_this_machine_pass() -> None:
    assert problem(["127.0.0.1:9898"], [], [], ()) is None
    assert problem(["localhost:9898"], [], ["none"], ()) is None  # a bookmark or the address bar
    assert problem([], [], [], ()) is None  # HTTP/1.0 without Host: no browser, no rebinding


@pytest.mark.parametrize(("hosts", "origins", "sites", "says"), [
    (["evil.example:9898"], [], [], "refused against DNS rebinding"),
    (["127.0.0.1.nip.io"], [], [], "DNS rebinding"),
    (["a", "b"], [], [], "one Host header"),
    (["127.0.0.1"], ["http://evil.example"], [], "Origin 'http://evil.example' is not allowed"),
    (["127.0.0.1"], ["null"], [], "Origin 'null' is not allowed"),
    (["127.0.0.1"], ["http://a", "http://b"], [], "one Origin header"),
    (["127.0.0.1"], [], ["cross-site"], "a web page's request"),
    (["127.0.0.1"], [], ["same-site"], "a web page's request"),
])
def test_web_pages_and_foreign_names_are_refused_in_one_line(hosts: list[str], origins: list[str],
                                                           sites: list[str], says: str) -> None:
    reason = problem(hosts, origins, sites, ())
    assert reason is not None and says in reason and "\n" not in reason


def test_an_allowed_origin_passes() -> None:
    assert problem(["127.0.0.1"], ["http://localhost:5173"], ["same-site"], {"http://localhost:5173"}) is None

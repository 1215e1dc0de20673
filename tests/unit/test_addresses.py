"""The address policy of web captures: each address's kind, and which kinds a capture reaches."""

from __future__ import annotations

import pytest

from archiver.acquire.addresses import AddressPolicy, address_kind, policy_for


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.216.34", "public"),
        ("2606:4700::1111", "public"),
        ("::ffff:8.8.8.8", "public"),
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("64:ff9b::7f00:1", "loopback"),  # NAT64
        ("2002:7f00:1::", "loopback"),  # 6to4
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("169.254.169.254", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),
        ("fd12:3456::1", "unique-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "reserved"),
        ("::", "reserved"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "reserved"),
        ("198.18.0.1", "reserved"),
    ],
)
def test_every_address_has_a_kind(address: str, kind: str) -> None:
    assert address_kind(address) == kind


def test_a_capture_reaches_public_addresses_and_the_pages_own_kind() -> None:
    loopback_page = policy_for(["127.0.0.1", "::1"], allow_private=False)
    assert loopback_page.refusal("cdn.example", "93.184.216.34") is None
    assert loopback_page.refusal("localhost", "::1") is None
    assert loopback_page.refusal("10.1.1.1", "10.1.1.1") == (
        "not fetched: 10.1.1.1 is a private address (reached only from a page on one, or "
        "with --allow-private)"
    )
    public_page = policy_for(["93.184.216.34"], allow_private=False)
    assert public_page.refusal("0x7f000001", "127.0.0.1") == (
        "not fetched: 0x7f000001 (127.0.0.1) is a loopback address (reached only from a page on "
        "one, or with --allow-private)"
    )
    link_local_page = policy_for(["169.254.3.3"], allow_private=False)
    assert "cloud metadata" in (link_local_page.refusal("m", "169.254.169.254") or "")


def test_allow_private_reaches_everything_and_nothing_else_does() -> None:
    anything = policy_for(["93.184.216.34"], allow_private=True)
    assert anything == AddressPolicy(None)
    assert anything.refusal("x", "169.254.169.254") is None
    assert AddressPolicy().refusal("x", "not-an-address") == (
        "not fetched: x resolves to 'not-an-address', not an IP address"
    )

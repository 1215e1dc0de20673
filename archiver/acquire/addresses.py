"""Which network addresses a capture may reach: the address policy of web captures.

A captured page chooses what else is fetched (its images, stylesheets and redirects), so a
hostile page could make archiver fetch from the archivist's own network (a router, an
intranet, the cloud metadata service at 169.254.169.254) and store the answers in a bag that
is then shared. The policy, like other crawlers': every address is put in a *kind*
(:func:`address_kind`), and a capture may reach

- public addresses, always;
- the kinds of address the page's own URL resolves to (an archivist who captures a page on
  an intranet gets its intranet images, a page on 127.0.0.1 its 127.0.0.1 images);
- every kind, when the archivist allows it (``--allow-private``).

The kind is that of the *resolved* address, whatever form the URL wrote it in (a name,
``0x7f000001``, ``2130706433``, ``::ffff:127.0.0.1``), and every address a name resolves to
must be allowed; the connection is then made to an address that was checked (see
:mod:`archiver.acquire.client`), so a name that resolves differently a moment later (DNS
rebinding) cannot change where the capture goes.

Pure functions and data: this module resolves nothing and opens no connection.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

PUBLIC = "public"
LOOPBACK = "loopback"
LINK_LOCAL = "link-local"
PRIVATE = "private"
UNIQUE_LOCAL = "unique-local"
MULTICAST = "multicast"
RESERVED = "reserved"
METADATA = "cloud metadata"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Instance metadata services (credentials live there): never reached unless allowed, even
#: from a page on the same kind of address.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Azure, Google Cloud, OpenStack, DigitalOcean, Oracle, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
_PRIVATE_V4 = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                      "100.64.0.0/10")  # the last: carrier-grade NAT
)
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def address_kind(address: str) -> str:
    """The kind of a numeric IP address (an IPv6 zone such as ``%eth0`` is ignored).

    IPv6 addresses that carry an IPv4 address (mapped, NAT64, 6to4, IPv4-compatible) are the
    kind of the IPv4 address they lead to. Raises ValueError for a string that is not one.
    """
    ip = _unwrapped(ipaddress.ip_address(address.split("%", 1)[0]))
    if ip in METADATA_ADDRESSES:
        return METADATA
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_multicast:
        return MULTICAST
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return UNIQUE_LOCAL
    if isinstance(ip, ipaddress.IPv4Address) and any(ip in net for net in _PRIVATE_V4):
        return PRIVATE
    if not ip.is_global or ip.is_reserved or ip.is_unspecified:
        return RESERVED
    return PUBLIC


def _unwrapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for, if it stands for one; else ``ip``."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


@dataclass(frozen=True)
class AddressPolicy:
    """The kinds of address a capture may reach (``None``: every kind)."""

    allowed: frozenset[str] | None = frozenset({PUBLIC})

    def refusal(self, host: str, address: str) -> str | None:
        """Why ``address`` (what ``host`` resolved to) may not be reached; None if it may."""
        try:
            kind = address_kind(address)
        except ValueError:
            return f"not fetched: {host} resolves to {address!r}, not an IP address"
        if self.allowed is None or kind in self.allowed:
            return None
        subject = address if host == address else f"{host} ({address})"
        return (f"not fetched: {subject} is a {kind} address (reached only from a page on "
                "one, or with --allow-private)")


def policy_for(page_addresses: Iterable[str], allow_private: bool) -> AddressPolicy:
    """The policy of a capture whose page's URL resolves to ``page_addresses``.

    Public addresses are always allowed, and so is every kind of address the page is on;
    with ``allow_private``, every address is.
    """
    if allow_private:
        return AddressPolicy(None)
    kinds = {PUBLIC}
    for address in page_addresses:
        try:
            kinds.add(address_kind(address))
        except ValueError:
            continue
    return AddressPolicy(frozenset(kinds))

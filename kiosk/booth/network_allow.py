"""The unit's IP allow list for one booth: a systemd drop-in written from the booth's config.

The shipped unit denies every IP address but localhost (``IPAddressDeny=any``). The addresses a booth
must reach depend on its config: the issuance server, a network receipt printer, a remote IPP printer,
and the DNS resolvers that turn their names into addresses. ``make install`` writes them here:

    python -m kiosk.booth.network_allow --config /etc/kiosk/site.toml > /etc/systemd/system/kiosk.service.d/network.conf

IPAddressAllow= takes addresses, not names, so names are resolved now: when the server's address
changes (or the config does), run it again (``make network-allow``) and restart the kiosk. A name that
does not resolve is written as a comment: the kiosk will not reach it until the drop-in is rewritten.
A ``usb://`` receipt printer also gets AF_NETLINK back (libusb watches hotplug over netlink).
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config import KioskConfig
from kiosk.config_loader import CONFIG_DIR, load_config

RESOLV_CONF = Path("/etc/resolv.conf")


def hosts_of(config: KioskConfig) -> list[tuple[str, str]]:
    """(what, host name or address) for everything the kiosk reaches over IP."""
    hosts = [("issuance server", urlsplit(config.server.base_url).hostname or "")]
    receipt = config.receipt_printer.endpoint
    if receipt.startswith("tcp://"):
        hosts.append(("receipt printer", urlsplit(receipt).hostname or ""))
    hosts.append(("A4 printer (IPP)", urlsplit(config.a4_printer.uri).hostname or ""))
    if config.alerts.webhook_url:
        hosts.append(("alert webhook", urlsplit(config.alerts.webhook_url).hostname or ""))
    return [(what, host) for what, host in hosts if host]


def nameservers(resolv_conf: Path = RESOLV_CONF) -> list[str]:
    try:
        lines = resolv_conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [parts[1] for line in lines if len(parts := line.split()) >= 2 and parts[0] == "nameserver"]


def _addresses(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


def _is_local(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", maxsplit=1)[0]).is_loopback


def drop_in(config: KioskConfig, resolvers: list[str]) -> str:
    lines = ["# Written by `make install` (python -m kiosk.booth.network_allow) from the booth's config: the addresses",
             "# the kiosk may reach besides localhost. Rewrite it after the server's address or the config changes.",
             "[Service]"]
    for what, host in [*hosts_of(config), *(("DNS resolver", ns) for ns in resolvers)]:
        found = _addresses(host)
        if not found:
            lines.append(f"# {what} {host}: does not resolve now; not allowed until this file is rewritten")
        remote = [a for a in found if not _is_local(a)]
        if remote:
            lines.append(f"# {what}: {host}")
            lines.append("IPAddressAllow=" + " ".join(remote))
    if config.receipt_printer.endpoint.startswith("usb://"):
        lines.append("# usb:// receipt printer: libusb watches hotplug over netlink")
        lines.append("RestrictAddressFamilies=AF_NETLINK")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.booth.network_allow", description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", default=[], help="the booth's TOML files (later ones win)")
    args = parser.parse_args(argv)
    config = load_config(CONFIG_DIR / "kiosk.toml", *(Path(p) for p in args.config))
    sys.stdout.write(drop_in(config, nameservers()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

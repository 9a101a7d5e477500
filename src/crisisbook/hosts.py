"""Which Host headers the live preview answers.

A web page the author opens elsewhere can point a name it controls (attacker.example) at
127.0.0.1 once the page is loaded ("DNS rebinding"); the browser then lets that page read
whatever the preview serves, the crisis team's edition included, because to the browser it is
the page's own site. The request still names the attacker's host in its Host header, so the
preview answers only a Host that names this computer: a name only when it is `localhost` or the
name the preview was started on, else an IP address literal, which no one can rebind.
"""

from __future__ import annotations

import ipaddress

LOOPBACK = "localhost"
_EVERYWHERE = ("0.0.0.0", "::", "")  # bound to every interface


def _address(name: str):
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def host_name(header: str) -> str:
    """The host of a Host header, without its port or an IPv6 literal's brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:  # name:port (an IPv6 literal has more than one colon)
        return header.partition(":")[0]
    return header


class Hosts:
    """The Host headers a preview started on `given` (as typed after -a) and bound to `bound`
    (the address the socket has) answers."""

    def __init__(self, given: str, bound: str):
        self.given, self.bound = host_name(given), _address(host_name(bound))
        self.everywhere = host_name(given) in _EVERYWHERE

    def answers(self, header: str | None) -> bool:
        if not header:
            return False  # HTTP/1.0 without a Host: no browser sends that
        name = host_name(header)
        if name in (LOOPBACK, self.given) and name not in _EVERYWHERE:
            return True
        address = _address(name)
        if address is None:
            return False  # a name other than ours: rebindable
        return self.everywhere or address.is_loopback or address == self.bound

    def refusal(self, port: int) -> str:
        """The 403 body: where the preview does answer."""
        hosts = [LOOPBACK, "127.0.0.1", "[::1]"]
        if self.given not in (LOOPBACK, *_EVERYWHERE) and _address(self.given) is None:
            hosts.append(self.given)  # started on a name of this computer's
        if self.bound is not None and not self.bound.is_loopback and not self.everywhere:
            hosts.append(f"[{self.bound}]" if self.bound.version == 6 else str(self.bound))
        more = " or at any IP address of this computer" if self.everywhere else ""
        return (f"This crisisbook preview answers only at {', '.join(f'http://{h}:{port}/' for h in hosts)}"
                f"{more}; another name could be a web page reading the preview.\n")

"""Which webhook addresses the portal may call: https to public addresses only, so that a webhook cannot
make the portal reach into its own network (server-side request forgery). The check is made when a
webhook is registered and again before every delivery (a name can be pointed elsewhere later).
`WEBHOOK_ALLOW_LOOPBACK` (tests only) also allows http://127.0.0.1."""
import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l


def _addresses(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def problem_with(url: str, *, allow_loopback: bool = False):
    """None if the portal may send to `url`; otherwise what is wrong with it (for the form)."""
    if len(url) > 500:
        return _l("At most %(n)d characters.", n=500)
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _l("Enter a full address, such as https://example.org/portal-events.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _l("Enter a full address, such as https://example.org/portal-events.")
    if parts.username or parts.password:
        return _l("The address cannot contain a user name or password.")
    found = _addresses(parts.hostname, port)
    if not found:
        return _l("The name %(host)s is not found.", host=parts.hostname)
    loopback_only = all(address.is_loopback for address in found)
    if allow_loopback and loopback_only:
        return None
    if parts.scheme != "https":
        return _l("The address must start with https://.")
    if not all(address.is_global for address in found):
        return _l("The address leads to a private or local network; the portal only calls public addresses.")
    return None

"""The allow-list of official hosts: only ``https`` addresses of these exact hosts are requested."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..files import InputError
from ..strict_yaml import load_yaml

__all__ = ["ALLOW_LIST_PATH", "AllowList", "AllowListError", "LOOPBACK_HOSTS", "load_allow_list"]


ALLOW_LIST_PATH = Path(__file__).parent.with_name("official_domains.yml")
"""The data file listing the official hosts that may be fetched from (https only)."""
LOOPBACK_HOSTS = frozenset({"127.0.0.1"})
_HOST_NAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class AllowListError(InputError):
    """The allow-list data file cannot be used; the message says how to fix it (an :class:`~valduchesse.files.InputError`)."""



@dataclass(frozen=True)
class AllowList:
    """Hosts that may be fetched from, over https only (plus ``http://127.0.0.1`` when tests ask)."""

    hosts: frozenset[str]
    source: str = "official_domains.yml"
    loopback_http: bool = False

    def problem(self, url: str) -> str | None:
        """Why ``url`` may not be requested, or None if it may.

        Parameters
        ----------
        url : str
            The address.

        Returns
        -------
        str or None
            Why not: not a valid address, a user name or password in it, not https, a port other than 443, or
            a host not on the list (``http`` and ``https`` to :data:`LOOPBACK_HOSTS` pass when
            :attr:`loopback_http`); None if it may be requested.
        """
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as err:
            return f"{url!r} is not a valid address ({err})"
        host = (parts.hostname or "").lower()
        if parts.username is not None or parts.password is not None:
            return f"{url} holds a user name or password; such addresses are never fetched"
        if self.loopback_http and parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS:
            return None
        if parts.scheme != "https":
            return f"{url} is not an https address; only https is fetched"
        if port not in (None, 443):
            return f"{url} names port {port}; only the standard https port is fetched"
        if host not in self.hosts:
            return f"{host or url} is not on the allow-list of official domains ({self.source})"
        return None


def load_allow_list(path: str | Path | None = None, *, extra_hosts=(), allow_loopback_http: bool = False) -> AllowList:
    """Read the allow-list data file (default :data:`ALLOW_LIST_PATH`).

    The file is YAML with a list ``hosts`` of bare host names, matched exactly.

    Parameters
    ----------
    path : str or Path, optional
        The file; default :data:`ALLOW_LIST_PATH`.
    extra_hosts : iterable of str, optional
        Host names added to the file's, checked the same way.
    allow_loopback_http : bool, optional
        Also let ``http://127.0.0.1:PORT`` through, for tests that serve pages themselves.

    Returns
    -------
    AllowList
        The hosts, the file's name as its source, and whether loopback http is allowed.

    Raises
    ------
    AllowListError
        If the file has no list ``hosts``, or for an entry with a scheme, path, port, wildcard or upper-case
        letters.
    """
    path = Path(path) if path is not None else ALLOW_LIST_PATH
    data = load_yaml(path, 1024 * 1024, error=AllowListError,
                     syntax_fix="write 'hosts:' and one '  - host.name' per line, or restore the file")
    entries = data.get("hosts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AllowListError(f"{path}: no list 'hosts'. Fix: write 'hosts:' and one '  - host.name' per line")
    hosts = set()
    for entry in [*entries, *extra_hosts]:
        host = str(entry)
        if "://" in host:
            raise AllowListError(
                f"{path}: entry {host!r} has a scheme. Fix: write the host name only "
                f"({urlsplit(host).hostname!r}); only https is ever fetched")
        if not _HOST_NAME.match(host):
            raise AllowListError(
                f"{path}: entry {host!r} is not a lower-case host name. Fix: write e.g. "
                "'premier.fgov.be' (no path, port or wildcard)")
        hosts.add(host)
    return AllowList(frozenset(hosts), source=path.name, loopback_http=allow_loopback_http)

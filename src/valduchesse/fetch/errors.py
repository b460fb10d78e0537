"""Why one page or text was not used: refused (a check said no) or failed (the page could not be had)."""

from __future__ import annotations



__all__ = ["Failed", "FetchProblem", "Refused"]


class FetchProblem(Exception):
    """Why one page or text was not used; ``outcome`` is ``refused`` or ``failed``."""

    outcome = "failed"


class Refused(FetchProblem):
    """A safety or integrity check said no."""

    outcome = "refused"


class Failed(FetchProblem):
    """The page could not be had (network, timeout, HTTP error)."""

    outcome = "failed"

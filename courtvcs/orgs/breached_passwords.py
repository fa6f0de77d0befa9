"""Refuse a password that is known from breaches (issue 7; OWASP ASVS 5.0, 6.2.12).

Two sources, each optional, both by SHA-1 as the Pwned Passwords corpus publishes it:

- a file on the server (COURTVCS_BREACHED_PASSWORDS_FILE): one upper-case SHA-1 a line,
  optionally followed by ":count", sorted, as the corpus is downloaded. Courts' networks are
  often closed to the internet, so this is the main way; the file is searched by bisection
  over its bytes, so a list of any size costs a few reads and no memory.
- the Pwned Passwords range API (COURTVCS_BREACHED_PASSWORDS_API, e.g.
  https://api.pwnedpasswords.com/range/), by k-anonymity: only the first five characters
  of the hash leave the server. If it does not answer in time the password is not refused
  for that reason (logged): an outage elsewhere must not stop a court's administrator.

Django's CommonPasswordValidator (20,000 common passwords) and the minimum length of 8 stay
on beside this one.
"""

import hashlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SHA1_HEX = 40


def sha1_hex(password: str) -> str:
    # SHA-1 because the published corpus is keyed by it; nothing is stored.
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def listed_in_file(digest: str, path: Path) -> bool:
    """Whether the sorted hash list at `path` holds `digest` (bisection over byte offsets)."""
    target = digest.encode("ascii")
    with open(path, "rb") as handle:
        # The hash, if listed, is on a line that starts in [low, high).
        low, high = 0, handle.seek(0, os.SEEK_END)
        while low < high:
            middle = (low + high) // 2
            if middle:
                handle.seek(middle - 1)
                handle.readline()  # to the first line that starts at or after `middle`
            else:
                handle.seek(0)
            line_start = handle.tell()
            line = handle.readline()
            if line_start >= high or not line:
                high = middle
                continue
            key = line[:SHA1_HEX].upper()
            if key == target:
                return True
            if key < target:
                low = handle.tell()
            else:
                high = middle
        return False


def listed_by_range_api(digest: str, base_url: str, timeout: float) -> bool | None:
    """True or False from the range API; None when it could not be asked."""
    import httpx

    prefix, suffix = digest[:5], digest[5:]
    try:
        answer = httpx.get(f"{base_url.rstrip('/')}/{prefix}", timeout=timeout,
                           headers={"Add-Padding": "true", "User-Agent": "courtvcs"})
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        logger.warning("breached-password list not asked: %s", exc.__class__.__name__)
        return None
    for line in answer.text.splitlines():
        found, _sep, count = line.partition(":")
        if found.strip().upper() == suffix and count.strip() not in {"", "0"}:
            return True
    return False


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry: a password seen in a breach is refused."""

    def validate(self, password, user=None):
        digest = sha1_hex(password)
        path = getattr(settings, "COURTVCS_BREACHED_PASSWORDS_FILE", "")
        if path and listed_in_file(digest, Path(path)):
            raise self._refusal()
        api = getattr(settings, "COURTVCS_BREACHED_PASSWORDS_API", "")
        if api and listed_by_range_api(digest, api, settings.COURTVCS_BREACHED_PASSWORDS_TIMEOUT):
            raise self._refusal()

    @staticmethod
    def _refusal() -> ValidationError:
        return ValidationError(_("This password has appeared in a data breach and cannot be used. "
                                 "Choose another one."), code="password_breached")

    def get_help_text(self):
        return _("Your password cannot be one that has appeared in a data breach.")

"""The password policy: NIST SP 800-63B, checked wherever a password is set.

- At least ``MIN_LENGTH`` (15) characters: 800-63B-4's figure for a password
  that is the only factor, as it is here. Up to ``MAX_LENGTH``; spaces and
  any printable Unicode allowed, counted after NFKC normalisation.
- No composition rules (no "one digit, one symbol"): 800-63B says they make
  passwords harder to remember without making them harder to guess.
- Not a common password: not on the shipped list of 30,000
  (resources/passwords/common-passwords.txt, its source in SOURCES.md), not
  two of its entries run together ("password12345678"), not the user name or
  the service's name, not one character or a short run repeated
  ("aaaaaaaaaaaaaaa", "abcabcabcabcabc") and not a plain sequence
  ("123456789012345"). Case, spaces and punctuation are ignored for this.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

from ..config import resource

MIN_LENGTH = 15
MAX_LENGTH = 1000  # what POST /auth/token accepts
# Words of this service that a password must not be made of (800-63B: "context-specific words").
CONTEXT_WORDS = ("umcr", "dispatch", "dispatcher", "crisis", "unarmed", "crisisresponse")


class WeakPassword(ValueError):
    """The password breaks the policy; the message says why, never the password."""


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resource("passwords", "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _folded(password: str) -> str:
    """Lower case, letters and digits only: 'Pass Word!' and 'password' are one word."""
    return "".join(c for c in unicodedata.normalize("NFKC", password).casefold() if c.isalnum())


def _repeated(text: str) -> bool:
    """A run of at most 4 characters repeated over the whole text."""
    for size in range(1, min(4, len(text) // 2) + 1):
        unit = text[:size]
        if (unit * (len(text) // size + 1))[: len(text)] == text:
            return True
    return False


def _sequence(text: str) -> bool:
    """Each character one up (or one down) from the last, digits wrapping 9 -> 0."""
    if len(text) < 3:
        return False
    return any(all(_next(a, step) == b for a, b in itertools.pairwise(text)) for step in (1, -1))


def _next(char: str, step: int) -> str:
    if char.isdigit() and char.isascii():
        return str((int(char) + step) % 10)
    return chr(ord(char) + step)


def _made_of_common(folded: str, words: frozenset[str]) -> bool:
    if folded in words:
        return True
    return any(folded[:i] in words and folded[i:] in words for i in range(1, len(folded)))


def check_password(password: str, *, username: str = "") -> None:
    """Raise WeakPassword saying why ``password`` may not be set; None if it may."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        raise WeakPassword(
            f"the password is too short: at least {MIN_LENGTH} characters "
            "(a few words with spaces between them make a good one)"
        )
    if length > MAX_LENGTH:
        raise WeakPassword(f"the password is too long: at most {MAX_LENGTH} characters")
    if not password.isprintable():
        raise WeakPassword("the password holds a control character")
    folded = _folded(password)
    if not folded or _repeated(folded) or _sequence(folded):
        raise WeakPassword("the password is a repeated or sequential run of characters")
    context = set(CONTEXT_WORDS) | ({_folded(username)} if _folded(username) else set())
    if _made_of_common(folded, common_passwords() | context):
        raise WeakPassword(
            "the password is too common: it is on the list of passwords found in breaches, "
            "or made of the user name or the service's name"
        )

"""Safety words: what the call-taker typed that means weapons, violence, a
medical emergency or a crime in progress (docs/safety-screen.md).

The tick boxes of the safety screen are only as good as the call-taker's
memory of them; the words typed into the narrative (or the person, the
address, the caller) are read as well. A word list per language is data
(``resources/safety_words/<lang>.json``, loaded by ``config.load_safety_words``);
this module is pure: it parses the lists and finds the words.

Matching works on words, not on substrings ("unarmed" is not "armed",
"Gunnar" is not "gun"), after lower-casing and folding accents ("agresión"
and "agresion" are one word). A list entry is a phrase of one or more words;
a word ending in ``*`` matches any word it starts ("stab*": stabbed,
stabbing). A match is *negated* when a negation word of the same list
("no", "denies", "sin", "niega", ...) stands at most ``NEGATION_WINDOW``
words before it in the same clause ("no weapons", "denies having any
weapons", "sin armas"). Uncertainty is not negation: a pseudo-negation
("not sure", "don't know if", "no sé si") cancels the negation word it
contains, so "not sure if he has a gun" raises the screen. When in doubt the
matcher raises: the call-taker clears a false alarm with one click, while a
missed weapon sends an unarmed team into danger.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The categories of the safety screen (model.Safety's fields).
CATEGORIES = ("weapons", "violence", "medical", "crime")
# How many words may stand between a negation and the word it negates.
NEGATION_WINDOW = 4

# Clauses end at punctuation and at words that turn the sentence around:
# "no weapons, but he is hitting her" negates nothing after "but".
_CLAUSE_BREAK = re.compile(r"[.,;:!?¿¡()\[\]\n\r\t\"«»—–]+")
_WORD = re.compile(r"[\w']+")


def normalise(text: str) -> str:
    """Lower-case, accents folded, typographic apostrophes made plain."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]  # normalised; a trailing "*" is a prefix match
    text: str  # as written in the list

    def matches_at(self, words: Sequence[str], start: int) -> bool:
        if start + len(self.words) > len(words):
            return False
        for pattern, word in zip(self.words, words[start:], strict=False):
            if pattern.endswith("*"):
                if not word.startswith(pattern[:-1]):
                    return False
            elif word != pattern:
                return False
        return True


def _phrase(text: str) -> _Phrase:
    words = tuple(_WORD.findall(normalise(text).replace("*", "_star_")))
    words = tuple(w.replace("_star_", "*") for w in words)
    if not words:
        raise ValueError(f"empty phrase {text!r}")
    return _Phrase(words, text)


@dataclass(frozen=True)
class WordList:
    """One language's list: phrases per category, negations, pseudo-negations."""

    language: str
    name: str
    phrases: Mapping[str, tuple[_Phrase, ...]]
    negations: tuple[_Phrase, ...]
    pseudo_negations: tuple[_Phrase, ...]
    clause_breaks: frozenset[str]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> WordList:
        """Parse one list (the JSON of ``resources/safety_words/<lang>.json``)."""
        language = str(data["language"])
        categories = data.get("categories") or {}
        unknown = set(categories) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{language}: unknown categories {sorted(unknown)}")
        phrases = {c: tuple(_phrase(p) for p in categories.get(c, ())) for c in CATEGORIES}
        return cls(
            language=language,
            name=str(data.get("name", language)),
            phrases=phrases,
            negations=tuple(_phrase(p) for p in data.get("negations", ())),
            pseudo_negations=tuple(_phrase(p) for p in data.get("pseudo_negations", ())),
            clause_breaks=frozenset(normalise(w) for w in data.get("clause_breaks", ())),
        )


@dataclass(frozen=True)
class Match:
    """A phrase found in a field; ``negated`` ones do not raise the screen."""

    category: str
    phrase: str  # the list entry, e.g. "stab*"
    text: str  # the words as they stand in the field, e.g. "stabbed"
    field: str
    language: str
    negated: bool = False


@dataclass(frozen=True)
class ScreenReading:
    matches: tuple[Match, ...]

    @property
    def raised(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if not m.negated)

    @property
    def negated(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.negated)

    @property
    def categories(self) -> tuple[str, ...]:
        """The screen's categories the text raises, in the screen's order."""
        found = {m.category for m in self.raised}
        return tuple(c for c in CATEGORIES if c in found)

    @property
    def any(self) -> bool:
        return bool(self.raised)


class SafetyWords:
    """Every loaded language's list; ``read`` applies them all to a text.

    Negations, uncertainties and clause breaks of every language apply to the
    phrases of every language: Los Angeles callers switch language mid-sentence
    ("no tiene gun", "sin pistol"), and a negation missed there would raise a
    false alarm, while one applied across languages costs nothing.
    """

    def __init__(self, lists: Iterable[WordList]) -> None:
        self.lists = tuple(lists)
        self._hits = tuple(
            (phrase, category, word_list.language)
            for word_list in self.lists
            for category in CATEGORIES
            for phrase in word_list.phrases[category]
        )
        self._index = _Index(self._hits)
        self._negations = _Index((p, "", "") for w in self.lists for p in w.negations)
        self._pseudo = _Index((p, "", "") for w in self.lists for p in w.pseudo_negations)
        self._breaks = frozenset(b for w in self.lists for b in w.clause_breaks)

    @classmethod
    def from_mappings(cls, mappings: Iterable[Mapping[str, Any]]) -> SafetyWords:
        return cls(WordList.from_mapping(m) for m in mappings)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(w.language for w in self.lists)

    def read(self, fields: Mapping[str, str]) -> ScreenReading:
        """Every word found in ``fields`` (field name -> text), once per field.

        The same words found raised and negated in one field count as raised
        ("no gun, he said; then: he has a gun").
        """
        chosen: dict[tuple[str, str, str], Match] = {}
        for field_name, text in fields.items():
            for clause in _clauses(text):
                words = _words(normalise(clause))
                original = _words(clause)
                if len(original) != len(words):  # folding changed the word count
                    original = words
                for match in self._read_clause(words, original, field_name):
                    key = (field_name, match.category, normalise(match.text))
                    if key not in chosen or (chosen[key].negated and not match.negated):
                        chosen[key] = match
        return ScreenReading(tuple(chosen.values()))

    def _read_clause(self, words: list[str], original: list[str], field_name: str) -> list[Match]:
        # A clause may turn around inside ("no gun but a knife"): split there too.
        segments: list[tuple[int, int]] = []
        start = 0
        for i, word in enumerate(words):
            if word in self._breaks:
                segments.append((start, i))
                start = i + 1
        segments.append((start, len(words)))

        out: list[Match] = []
        for seg_start, seg_end in segments:
            seg = words[seg_start:seg_end]
            in_pseudo = {i for s, e, _ in _spans(self._pseudo, seg) for i in range(s, e)}
            hits = [
                (at, at + len(phrase.words), phrase, category, language)
                for at in range(len(seg))
                for phrase, category, language in self._index.candidates(seg[at])
                if phrase.matches_at(seg, at)
            ]
            in_hit = {i for s, e, *_ in hits for i in range(s, e)}
            # A negation inside a hit ("not breathing", "no respira") or an
            # uncertainty ("not sure") is part of that phrase, not a negation
            # of what follows it.
            negation_ends = [
                e
                for s, e, _ in _spans(self._negations, seg)
                if not any(i in in_pseudo or i in in_hit for i in range(s, e))
            ]
            for s, e, phrase, category, language in hits:
                negated = any(end <= s and s - end <= NEGATION_WINDOW for end in negation_ends)
                out.append(
                    Match(
                        category=category,
                        phrase=phrase.text,
                        text=" ".join(original[seg_start + s : seg_start + e]),
                        field=field_name,
                        language=language,
                        negated=negated,
                    )
                )
        return out


def _clauses(text: str) -> list[str]:
    return [part for part in _CLAUSE_BREAK.split(text) if part.strip()]


def _spans(phrases: _Index, words: Sequence[str]) -> list[tuple[int, int, _Phrase]]:
    return [
        (at, at + len(phrase.words), phrase)
        for at in range(len(words))
        for phrase, *_ in phrases.candidates(words[at])
        if phrase.matches_at(words, at)
    ]


class _Index:
    """Phrases by their first word: a 10,000-character narrative is read per keystroke."""

    def __init__(self, entries: Iterable[tuple[_Phrase, str, str]]) -> None:
        self._by_first: dict[str, list[tuple[_Phrase, str, str]]] = {}
        self._by_prefix: list[tuple[str, tuple[_Phrase, str, str]]] = []
        for entry in entries:
            first = entry[0].words[0]
            if first.endswith("*"):
                self._by_prefix.append((first[:-1], entry))
            else:
                self._by_first.setdefault(first, []).append(entry)

    def candidates(self, word: str) -> list[tuple[_Phrase, str, str]]:
        return [
            *self._by_first.get(word, ()),
            *(entry for prefix, entry in self._by_prefix if word.startswith(prefix)),
        ]

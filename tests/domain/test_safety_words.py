"""The safety word matcher on real phrasings: what raises the screen, what does not.

The lists are the shipped ones (resources/safety_words/*.json), so a change to
a list that loses one of these phrasings fails here.
"""

from __future__ import annotations

import pytest

from umcr_console.config import load_safety_words
from umcr_console.domain.safety_words import SafetyWords, WordList

WORDS = load_safety_words()

# (what the call-taker typed, the categories it must raise)
RAISES = [
    ("guard thinks he has a gun in his waistband", {"weapons"}),
    ("Caller says he is waving a knife around", {"weapons"}),
    ("neighbour heard shots fired behind the building", {"weapons"}),
    ("he stabbed his brother earlier", {"weapons"}),
    ("not sure if he has a gun", {"weapons"}),
    ("I don't know if he is armed", {"weapons"}),
    ("no gun but he has a knife", {"weapons"}),
    ("he has no weapons now but he is hitting his mother", {"violence"}),
    ("he is punching the walls and hitting her", {"violence"}),
    ("threatening to kill his roommate", {"violence"}),
    ("man on the floor, not breathing", {"medical"}),
    ("she is no longer breathing", {"medical"}),
    ("she stopped breathing", {"medical"}),
    ("took pills, now unresponsive", {"medical"}),
    ("OD on fentanyl", {"medical"}),
    ("he's having a seizure", {"medical"}),
    ("someone is breaking in next door", {"crime"}),
    # Spanish, with and without accents
    ("tiene una pistola en la cintura", {"weapons"}),
    ("trae un cuchillo en la mano", {"weapons"}),
    ("está armado", {"weapons"}),
    ("esta armado", {"weapons"}),
    ("el señor no respira", {"medical"}),
    ("ya no respira", {"medical"}),
    ("no sé si tiene arma", {"weapons"}),
    ("le está pegando a su esposa", {"violence"}),
    ("amenazó con matar a su hermano", {"violence"}),
    ("sin armas pero la está golpeando", {"violence"}),
    ("tuvo una sobredosis y está inconsciente", {"medical"}),
    # Mixed languages, as callers speak
    ("tiene un gun", {"weapons"}),
    ("he has a pistola", {"weapons"}),
]

# Mentions that must not raise anything: negated, or words that only look alike.
CALM = [
    "no weapons",
    "No weapons in the home",
    "denies weapons",
    "he denies having any weapons on him",
    "caller says he does not have a gun",
    "doesn't have any weapons",
    "unarmed, calm, talking to himself",
    "sin armas",
    "no tiene pistola",
    "no trae ningún arma",
    "niega tener armas",
    "sin pistola",
    "no tiene gun",
    "had a panic attack at work",
    "Gunnar is the caller's son",
    "person is suicidal, wants to talk to someone, no weapons",
    "tiene un armario lleno de ropa",
    "breathing fast, crying",
    "",
]


@pytest.mark.parametrize(("text", "categories"), RAISES)
def test_raises(text: str, categories: set[str]) -> None:
    assert set(WORDS.read({"narrative": text}).categories) == categories


@pytest.mark.parametrize("text", CALM)
def test_calm(text: str) -> None:
    reading = WORDS.read({"narrative": text})
    assert not reading.any, reading.raised


def test_negated_mentions_are_reported_not_raised() -> None:
    reading = WORDS.read({"narrative": "no weapons seen, denies drugs"})
    assert [(m.text, m.negated) for m in reading.matches] == [("weapons", True)]


def test_every_field_is_read_and_named() -> None:
    reading = WORDS.read(
        {
            "narrative": "calm, wants to talk",
            "person": "carries a machete for work",
            "address": "behind the store, man bleeding",
        }
    )
    assert {(m.field, m.category, m.text) for m in reading.raised} == {
        ("person", "weapons", "machete"),
        ("address", "medical", "bleeding"),
    }


def test_a_word_raised_anywhere_in_a_field_wins_over_its_negation() -> None:
    reading = WORDS.read({"narrative": "said no gun at first. Now says he has a gun"})
    assert reading.categories == ("weapons",)


def test_matches_are_whole_words() -> None:
    assert not WORDS.read({"narrative": "gunk in the sink, a batch of cookies"}).any


def test_a_language_is_a_list_of_data() -> None:
    # A third language is a file: nothing in the code knows which languages exist.
    tagalog = WordList.from_mapping(
        {
            "language": "tl",
            "categories": {"weapons": ["baril", "kutsilyo"]},
            "negations": ["walang"],
        }
    )
    words = SafetyWords([*WORDS.lists, tagalog])
    assert words.read({"narrative": "may baril siya"}).categories == ("weapons",)
    assert not words.read({"narrative": "walang baril"}).any
    assert words.languages == ("en", "es", "tl")


def test_a_list_with_an_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown categories"):
        WordList.from_mapping({"language": "xx", "categories": {"weather": ["rain"]}})

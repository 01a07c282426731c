"""R1: one name field; `text*` starts with, `*text` contains, plain words are smarter."""

from __future__ import annotations

import pytest

from pos_app.domain.customer import Customer, CustomerKind, MatchMode, NamePattern

PERSON, ORG = CustomerKind.PERSON, CustomerKind.ORGANISATION
PEOPLE = [
    Customer("sirop", ORG, "Boutique Sirop&Co"),
    Customer("grenadine", ORG, "Boutique Grenadine"),
    Customer("vieille", ORG, "La Vieille Boutique"),
    Customer("ecurie", ORG, "L'Écurie du Val"),
    Customer("mairie", ORG, "Mairie de Saint-Étienne-de-Tinée"),
    Customer("lea", PERSON, "Martin", "Léa"),
    Customer("jp", PERSON, "Dupont", "Jean-Pierre"),
    Customer("oneill", PERSON, "O'Neill", "Siobhán"),
    Customer("helene", PERSON, "Lefèvre", "Hélène"),
    Customer("amelie", PERSON, "de La Tour-d'Auvergne", "Amélie"),
    Customer("noel", PERSON, "García-Müller", "Noël"),
    Customer("martine", PERSON, "Martinez", "Paul"),
]


def found(typed: str) -> set[str]:
    pattern = NamePattern.parse(typed)
    return {customer.id for customer in PEOPLE if pattern.matches(customer)}


def test_star_after_finds_names_that_start_with_the_text() -> None:
    assert found("boutique*") == {"sirop", "grenadine"}


def test_star_before_finds_names_that_contain_the_text() -> None:
    assert found("*boutique") == {"sirop", "grenadine", "vieille"}
    assert found("*sirop&co") == {"sirop"}
    assert found("*grenadine") == {"grenadine"}


def test_star_forms_keep_every_character_of_the_name() -> None:
    assert found("o'n*") == {"oneill"}
    assert found("*tour-d'auv") == {"amelie"}
    assert found("*&co") == {"sirop"}
    assert found("garcía-m*") == {"noel"}
    assert found("*-de-tin") == {"mairie"}


def test_star_forms_ignore_case_and_accents() -> None:
    assert found("LEFEVRE*") == {"helene"}
    assert found("*etienne") == {"mairie"}
    assert found("l'ecurie*") == {"ecurie"}


def test_starts_with_does_not_match_inside_a_name() -> None:
    assert found("grenadine*") == set()
    assert found("vieille*") == set()


def test_persons_are_also_found_by_first_name_organisations_by_name_only() -> None:
    assert found("hélène*") == {"helene"}
    assert found("*pierre") == {"jp"}
    assert found("siob*") == {"oneill"}
    assert found("*val") == {"ecurie"}


def test_plain_words_start_words_of_the_name_in_any_order() -> None:
    assert found("martin") == {"lea", "martine"}
    assert found("martin lea") == {"lea"}
    assert found("léa martin") == {"lea"}
    assert found("neill") == {"oneill"}
    assert found("auvergne") == {"amelie"}
    assert found("jean-pierre") == {"jp"}
    assert found("saint etienne") == {"mairie"}
    assert found("sirop&co") == {"sirop"}


def test_an_exact_name_is_found_as_typed() -> None:
    assert found("Boutique Grenadine") == {"grenadine"}
    assert found("boutique") == {"sirop", "grenadine", "vieille"}


@pytest.mark.parametrize(("typed", "mode", "text"), [
    ("boutique*", MatchMode.STARTS_WITH, "boutique"),
    ("*Sirop&Co", MatchMode.CONTAINS, "sirop&co"),
    ("*sirop*", MatchMode.CONTAINS, "sirop"),
    ("  Hélène ", MatchMode.WORDS, "helene"),
])
def test_what_is_typed_is_read_as_one_of_three_forms(typed: str, mode: MatchMode,
                                                     text: str) -> None:
    pattern = NamePattern.parse(typed)
    assert (pattern.mode, pattern.text) == (mode, text)


@pytest.mark.parametrize("typed", ["", "   ", "*", "**"])
def test_nothing_typed_finds_nobody(typed: str) -> None:
    assert found(typed) == set()

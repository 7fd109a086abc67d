"""Questions about people: who holds a role (a name must stand beside it), who succeeds whom
(in one direction), and a person named after a title."""

from __future__ import annotations

import pytest

from index.answerability import Coverage
from index.asked import asked
from index.covering import Candidate, first_covering, names_holder
from index.missing import describe_missing
from index.succession import SUCCESSION, predecessor_asked


def letter(text: str) -> Candidate:
    return Candidate(passage=text, title="ALV", letter=text, letter_date=None, date_exact=False,
                     passage_dates=[], letter_dates=[])


@pytest.mark.parametrize("question, lang, sentence", [
    ("Wie volgt J.P. Wolters op als algemeen directeur?", "nl", "Wie J.P. Wolters opvolgt, staat niet in de ledenbrieven."),
    ("Who will succeed Pieter Hoogland as director?", "en", "The member letters do not say who succeeds Pieter Hoogland."),
])
def test_a_successor_no_letter_names_is_said_so(question, lang, sentence):
    wanted = asked(question, lang)
    missing = [t for t in wanted.terms if t.whom]
    assert describe_missing(question, lang, wanted, missing, [], []).sentence == sentence


def test_succeeding_someone_must_be_in_the_letter():
    [succession] = [t for t in asked("Wie volgt Jan Smit op als directeur?", "nl").terms if t.dutch]
    assert Coverage("Anna de Boer is per 1 maart de opvolger van Jan Smit.").term(succession)
    assert not Coverage("Jan Smit is algemeen directeur van de VNG.").term(succession)
    assert "Zwartkruis" in [t.text for t in asked("Wie volgt Jan Zwartkruis op als directeur?", "nl").terms]


@pytest.mark.parametrize("question, lang", [
    ("Wie volgt Pieter Hoogland op als algemeen directeur?", "nl"),
    ("Wie wordt de opvolger van de heer Pieter Hoogland?", "nl"),
    ("Door wie wordt Pieter Hoogland opgevolgd?", "nl"),
    ("Who will succeed Pieter Hoogland as director?", "en"),
    ("Who took over from Pieter Hoogland as director?", "en"),
    ("Who replaced Pieter Hoogland as director?", "en"),
    ("Wie neemt het stokje over van Pieter Hoogland?", "nl"),
])
def test_a_succession_is_asked_in_one_direction(question, lang):
    [succession] = [t for t in asked(question, lang).terms if t.whom]
    # Hoogland followed Mulder: that answers who succeeded Mulder, not who succeeds Hoogland
    followed = Coverage("Wij namen afscheid van Carla Mulder. Pieter Hoogland is per 1 maart haar opvolger.")
    assert not followed.term(succession)
    assert not Coverage("Pieter Hoogland volgt Carla Mulder op als directeur.").term(succession)
    for says in ("Per 1 juni volgt Anna de Boer Pieter Hoogland op.", "Anna de Boer wordt de opvolger van Pieter Hoogland.",
                 "Pieter Hoogland wordt opgevolgd door Anna de Boer.",
                 "Pieter Hoogland vertrekt. Anna de Boer wordt zijn opvolger.",
                 "Pieter Hoogland vertrekt. Anna de Boer volgt hem op.",
                 "Anna de Boer neemt het voorzitterschap over van Pieter Hoogland."):
        assert Coverage(says).term(succession), says
    # …also beside other words of the question that the letter has ("directeur")
    text = "Carla Mulder was acht jaar algemeen directeur. Pieter Hoogland is per 1 maart haar opvolger."
    assert first_covering(asked(question.replace("?", " als directeur?"), lang), [letter(text)]) is None


def test_who_holds_a_role_needs_a_name_beside_the_role():
    [role] = asked("Wie werd in 2017 de nieuwe minister voor jeugdzorg?", "nl").holders
    assert not names_holder(role, "U bespreekt dit voor het eerst met een nieuwe minister. De Tweede Kamer is nieuw.")
    assert names_holder(role, "Sinds oktober is Hugo de Jonge de nieuwe minister voor jeugdzorg.")
    assert names_holder(role, "De nieuwe minister, mevrouw Van Ark, sprak de leden toe.")
    assert names_holder(role, "Hugo de Jonge is sinds oktober de nieuwe minister.")
    assert names_holder(role, "Het wetsvoorstel ligt bij de minister.", signature="J.P. Wolters\nMinister")
    assert asked("Wat vindt de minister van de jeugdzorg?", "nl").holders == ()  # not a "who" question


@pytest.mark.parametrize("question, lang", [
    ("Hoe heet de Commissaris van de Koning die om meer opvangplekken vroeg?", "nl"),
    ("Wat is de naam van de nieuwe voorzitter van de commissie?", "nl"),
    ("What is the name of the new minister?", "en"),
])
def test_asking_for_a_name_is_asking_who_holds_the_role(question, lang):
    [role] = asked(question, lang).holders
    assert not names_holder(role, "De commissaris van de Koning, de minister en de voorzitter vroegen om meer plekken.")
    assert names_holder(role, "Commissaris van de Koning Jetta Klijnsma, minister Hugo de Jonge en voorzitter "
                              "Sharon Dijksma vroegen om meer plekken.")
    assert asked("Hoe heet de regeling voor de opvang van ontheemden?", "nl").holders == ()


@pytest.mark.parametrize("question, lang", [
    ("Wat is de naam van de regeling die de minister heeft aangekondigd?", "nl"),
    ("Hoe heet het fonds van de minister voor klimaatadaptatie?", "nl"),
    ("Hoeveel geld zit er in het fonds van de minister?", "nl"),
    ("Hoe heette de wet die de staatssecretaris indiende?", "nl"),
    ("What is the name of the fund the minister announced?", "en"),
])
def test_the_name_of_a_thing_a_role_holder_made_is_no_question_about_the_person(question, lang):
    assert asked(question, lang).holders == ()


def test_succession_needs_op_in_the_same_clause():
    [succession] = [t for t in asked("Wie volgt Jan Zwartkruis op als directeur?", "nl").terms if t.dutch]
    assert not Coverage("Het voorstel volgt later. Wij gaan op pad.").term(succession)
    assert Coverage("Jan Zwartkruis vertrekt. Anna de Boer volgt hem op als directeur.").term(succession)


def test_a_person_named_after_a_title_must_be_in_the_letter():
    [name] = [t for t in asked("Wat zei wethouder De Jonge over de schuldhulp?", "nl").terms if t.name]
    assert name.text == "Jonge"
    assert not Coverage("Wethouder Visscher: 'Schuldhulp voor jonge mensen moet sneller.'").term(name)
    assert Coverage("Wethouder Hugo de Jonge: 'Schuldhulp moet sneller.'").term(name)
    # a ministry is no person
    assert not [t for t in asked("Wat vindt de minister van Financiën van de schuldhulp?", "nl").terms if t.name]
    assert [t.text for t in asked("What did mayor Halsema say about asylum?", "en").terms if t.name] == ["Halsema"]


def test_review_cases_for_succession():
    # "volgt … op" is one clause: a full stop after a word is no initial
    assert not SUCCESSION.search("De VNG volgt de ontwikkelingen nauwgezet. Wij komen hier op terug.")
    # a successor named in the sentence after the predecessor
    wanted = asked("Wie is de opvolger van Pieter Hoogland?", "nl")
    assert not wanted.holders
    text = "Wij nemen afscheid van Pieter Hoogland. Anna de Boer is zijn opvolger."
    assert first_covering(wanted, [letter(text)]) == 0


@pytest.mark.parametrize("question, person", [
    ("Wie volgde in 2023 Jan Smit op?", "Jan Smit"),
    ("Who took over from Mr. Smit?", "Smit"),
    ("Wie is de opvolger van Dhr. Jansen?", "Jansen"),
])
def test_whom_a_successor_follows_is_read_past_titles_and_years(question, person):
    assert predecessor_asked(question) == person

"""What a question specifically asks (index/asked.py): its distinctive terms, multi-word
names, roles and periods, English phrases through the glossary, and who counts as a person."""

from __future__ import annotations

import pytest

from index.answerability import Coverage
from index.asked import Term, asked, question_periods


@pytest.mark.parametrize("question, text, head", [
    ("Wat kost de cao 2013-2015?", "2013-2015", "cao"),
    ("Wat levert de voorjaarsnota van 2025 op?", "2025", "voorjaarsnota"),
    ("Waar is de ALV in juni 2024?", "juni 2024", "ALV"),
    ("Hoe groot is het ravijn in 2026?", "2026", "ravijn"),
    ("Krijgen we in 2025 minder geld?", "2025", None),
    ("Wat kwam er uit het BOFv op 15 maart?", "15 maart", "BOFv"),
    ("What happened at the ALV of 26 June 2024?", "26 June 2024", "ALV"),
    ("Tot wanneer loopt de stemming over de Cao Aan de slag 2023?", "2023", "Cao"),
    ("Wat is de stand van de gemeentefinanciën richting 2026?", "2026", None),
    ("Wat verandert er medio 2025 voor de Wmo?", "2025", None),
    ("Welke regels gelden er halverwege 2025?", "2025", None),
])
def test_periods_in_questions(question, text, head):
    [period] = question_periods(question)
    assert (period.text, period.head) == (text, head)


def test_distinctive_terms_are_the_rare_words_and_acronyms():
    wanted = asked("Wat staat er in de meicirculaire over het gemeentefonds voor de BOFv?", "nl")
    assert [t.text for t in wanted.terms] == ["meicirculaire", "gemeentefonds", "BOFv"]
    assert asked("Wanneer moeten we dat doen en waarom?", "nl").terms == ()
    # English words never occur in Dutch letters: only names, acronyms and the glossary's phrases count there
    assert [t.text for t in asked("When is the next ALV about the scaling-up discount?", "en").terms] == [
        "ALV", "scaling-up discount"]
    assert [t.text for t in asked("When is the next ALV about the money?", "en").terms] == ["ALV"]


def test_english_date_order():
    [period] = question_periods("What was decided at the BOFv on June 18, 2024?", "en")
    assert (period.text, period.first.isoformat(), period.head) == ("June 18, 2024", "2024-06-18", "BOFv")


@pytest.mark.parametrize("question, text, head, dutch", [
    ("What did the VNG say about the 2022 Spring Memorandum?", "2022", "Spring Memorandum", "voorjaarsnota"),
    ("Where is the general members meeting in June 2024?", "June 2024", "general members meeting", "alv"),
    ("What was in the May circular of 2023?", "2023", "May circular", "meicirculaire"),
])
def test_an_english_edition_is_checked_by_its_dutch_word(question, text, head, dutch):
    [period] = question_periods(question, "en")
    assert (period.text, period.head) == (text, head) and dutch in [d.lower() for d in period.head_dutch]
    assert asked(question, "en").terms == ()  # the head is checked with its period, not again alone


def test_english_roles_and_laws_are_terms_with_their_dutch_words():
    terms = {t.text: t.dutch for t in asked("Who succeeded Jan de Vries as chair of the Youth Act committee?", "en").terms}
    assert "voorzitter" in terms["chair"] and "jeugdwet" in terms["Youth Act"] and "opvolger" in terms["succeeded"]
    assert Coverage("Zij volgt hem op als voorzitter.").term(Term("chair", 0, 5, ("voorzitter",)))
    assert not Coverage("De directeur is benoemd.").term(Term("chair", 0, 5, ("voorzitter",)))


def test_english_questions_are_encoded_with_the_letters_own_words():
    from index.glossary import with_dutch_words

    assert with_dutch_words("What happens with the scaling-up discount?") == "What happens with the opschalingskorting?"
    assert with_dutch_words("Where is the general meeting of June 2024?") == "Where is the ALV of June 2024?"
    assert with_dutch_words("Where is it?") == "Where is it?"
    # for word matching, every usual wording
    assert with_dutch_words("What about youth care?", every=True) == "What about jeugdzorg jeugdhulp jeugd?"


@pytest.mark.parametrize("question, term", [
    ("Welke bevoegdheden geeft de Wet gemeentelijke instrumenten warmtetransitie?", "Wet gemeentelijke instrumenten warmtetransitie"),
    ("Hoeveel geld zit er in de regeling Reductie Energiegebruik Woningen?", "Reductie Energiegebruik Woningen"),
    ("Wanneer moet de RES 2.0 klaar zijn?", "RES 2.0"),
    ("Wat staat er in het tweede verdeelbesluit?", "tweede verdeelbesluit"),
    # a law's name ends before the verb or adverb after it
    ("Wanneer wordt de Wet open overheid ingevoerd?", "Wet open overheid"),
    ("Wat regelt de Wet collectieve warmte precies?", "Wet collectieve warmte"),
    ("Hoe moet de Wet collectieve warmte worden uitgevoerd?", "Wet collectieve warmte"),
])
def test_names_of_several_words_count_as_a_whole(question, term):
    assert term in [t.text for t in asked(question, "nl").terms]


def test_a_first_talk_is_no_edition():
    # "eerste" is mostly "the first step/talk": the word itself is the term, not the pair
    assert [t.text for t in asked("Wanneer moeten we een eerste schuldhulpgesprek aanbieden?", "nl").terms] \
        == ["schuldhulpgesprek"]


def test_a_compound_with_an_acronym_is_specific():
    assert "AI-verordening" in [t.text for t in asked("Moeten gemeenten iets met de AI-verordening?", "nl").terms]


def test_following_up_is_no_succession():
    assert [t.text for t in asked("Wat volgt er op de meicirculaire?", "nl").terms] == ["meicirculaire"]
    assert asked("Hoe gaat het met de opvolging van de adviezen?", "nl").terms == ()
    assert [t.text for t in asked("Will the talks succeed?", "en").terms] == []


@pytest.mark.parametrize("question, lang", [
    ("What should mayors do now that the Spreidingswet is in force?", "en"),
    ("What must the mayor arrange for asylum seekers who arrive under the Spreidingswet?", "en"),
    ("Wie moet ik als wethouder informeren over ENSIA?", "nl"),
    ("Wie beslist over de spreiding van asielzoekers, de minister of de gemeenten?", "nl"),
])
def test_a_role_is_only_asked_about_in_a_question_about_who_holds_it(question, lang):
    wanted = asked(question, lang)
    assert wanted.holders == () and not any(t.dutch and "burgemeester" in t.dutch for t in wanted.terms)
    assert not any(t.text.lower() in ("wethouder", "minister") for t in wanted.terms)


def test_amounts_are_no_versions():
    assert [t.text for t in asked("Was het abonnementstarief 17.50 euro in 2019?", "nl").terms] == ["abonnementstarief"]
    assert [t.text for t in asked("Klopt het dat de opschalingskorting 975.000 euro is?", "nl").terms] == [
        "opschalingskorting"]


def test_a_year_after_an_everyday_word_stands_free():
    [period] = question_periods("Hoeveel stijgt het accres van het gemeentefonds ongeveer in 2020?")
    assert period.head is None
    [period] = question_periods("How much does the municipal fund grow in 2025?", "en")
    assert period.head is None


def test_names_of_people_not_institutions():
    from index.people import names_person as _names_person

    assert _names_person("De heer Smeets wordt voorzitter.") and _names_person("Ook Femke de Ridder wordt voorzitter.")
    assert _names_person("oud-minister Ollongren sprak de leden toe.")
    assert not _names_person("De minister van Binnenlandse Zaken schreef de Vereniging van Nederlandse Gemeenten.")

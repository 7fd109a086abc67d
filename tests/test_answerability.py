"""'Not in the letters' inside the domain, years in questions, a date for every letter, and which
letter covers a question (people: tests/test_people_questions.py)."""

from __future__ import annotations

import pytest
from conftest import make_engine, write_letter

from index.answerability import Coverage
from index.asked import Term, asked

SIGNATURE = "\n\nMet vriendelijke groet,\nVereniging van Nederlandse Gemeenten\n\nmr J.P. Wolters\nAlgemeen directeur"


def _term(word: str) -> Term:
    return Term(word, 0, len(word))


@pytest.mark.parametrize("word, text", [
    ("jeugdoverleg", "Het wetgevingsoverleg over de jeugd is op 4 december."),
    ("Oekraïners", "De opvang van vluchtelingen uit Oekraïne."),
    ("BOFv", "Het Bestuurlijk Overleg Financiële verhoudingen komt bijeen."),
    ("werkbedrijven", "de sociale werk- en ontwikkelbedrijven"),
    ("aanmeldcentrum", "de aanmeld-hub in Utrecht is dicht"),
])
def test_coverage_sees_compounds_inflections_and_acronyms(word, text):
    assert Coverage(text).term(_term(word))


@pytest.mark.parametrize("word, text", [
    ("septembercirculaire", "In september besprak het bestuur de begroting."),
    ("najaars-ALV", "De ALV is op 26 juni 2024."),
    ("ALV", "Wij spraken alle lokale verenigingen."),  # initials of lowercase words are no expansion
    ("woningbouwimpuls", "Het gemeentefonds groeit in 2025."),
])
def test_coverage_does_not_stretch(word, text):
    assert not Coverage(text).term(_term(word))


@pytest.fixture(scope="module")
def domain_engine(tmp_path_factory, embedder):
    """Letters saved from the web: no dates in the metadata, some without a number."""
    letters = tmp_path_factory.mktemp("domain-letters")
    alv = ("Bij deze brief ontvangt u de agenda voor onze Algemene Ledenvergadering (ALV) op {day}. De ALV "
           "vindt plaats in {place}. Amendementen en moties kunt u indienen tot twee weken voor de ALV." + SIGNATURE)
    write_letter(letters, "alv-2023.md", "Uitnodiging ALV 14 juni 2023", alv.format(day="14 juni 2023", place="Leeuwarden"),
                 lbr="Lbr. 23/015")
    write_letter(letters, "alv-2024.md", "Uitnodiging ALV 26 juni 2024", alv.format(day="26 juni 2024", place="Hazerswoude"))
    finance = ("De meicirculaire gemeentefonds {year} laat zien hoeveel geld gemeenten krijgen. Het accres "
               "valt {how} uit dan verwacht en de VNG blijft aandringen op een nieuwe financieringssystematiek.")
    write_letter(letters, "mei-2022.md", "Meicirculaire gemeentefonds", finance.format(year="2022", how="hoger"),
                 lbr="Lbr. 22/031")
    write_letter(letters, "mei-2024.md", "Meicirculaire gemeentefonds", finance.format(year="2024", how="lager"),
                 lbr="Lbr. 24/022")
    engine = make_engine(tmp_path_factory.mktemp("domain-index"), letters, embedder)
    engine.reindex()
    return engine


def test_every_letter_gets_a_date_and_says_where_it_came_from(domain_engine):
    dated = {l.id: (l.date.isoformat() if l.date else None, l.date_source) for l in domain_engine.letters()}
    assert dated["alv-2024"] == ("2024-06-26", "title")
    assert dated["alv-2023"] == ("2023-06-14", "title")  # the title beats the number
    assert dated["mei-2024"][1] == dated["mei-2022"][1] == "number"
    assert dated["mei-2024"][0] > dated["mei-2022"][0]


def test_the_asked_year_wins_over_a_closer_match(domain_engine):
    answer = domain_engine.ask("Waar was de ALV van juni 2023?")
    assert answer.found and answer.passages[0].letter.id == "alv-2023"
    answer = domain_engine.ask("Waar is de ALV in juni 2024?")
    assert answer.found and answer.passages[0].letter.id == "alv-2024"


def test_another_year_is_not_in_the_letters_and_the_reply_offers_what_is(domain_engine):
    answer = domain_engine.ask("Waar is de ALV van juni 2022?")
    assert not answer.found and answer.missing is not None
    assert answer.missing.periods == ["juni 2022"]
    assert answer.missing.sentence == "Over de ALV van juni 2022 staat niets in de ledenbrieven."
    assert "26 juni 2024" in answer.missing.offer and answer.missing.offer.startswith("De ALV die de brieven wel noemen")
    assert {l.id for l in answer.missing.nearest} >= {"alv-2024"}


def test_an_edition_no_letter_has_is_named(domain_engine):
    answer = domain_engine.ask("Wat staat er in de septembercirculaire over het accres?")
    assert not answer.found and answer.missing.terms == ["septembercirculaire"]
    assert answer.missing.sentence == "Over de septembercirculaire staat niets in de ledenbrieven."
    english = domain_engine.ask("What does the meicirculaire 2023 say about the accres?")
    assert not english.found and english.missing.sentence.startswith("The member letters say nothing about")


def test_latest_uses_estimated_dates(domain_engine):
    answer = domain_engine.ask("Wat is het laatste nieuws over de meicirculaire?")
    assert answer.found and answer.passages[0].letter.id == "mei-2024"


def test_signature_blocks_are_never_the_answer(domain_engine):
    answer = domain_engine.ask("Wie is mr J.P. Wolters, de algemeen directeur?")
    assert all("Met vriendelijke groet" not in p.text and "Wolters" not in p.text for p in answer.passages)


def test_half_a_compound_counts_only_beside_fully_covered_terms():
    text = Coverage("Na de raadsverkiezingen zijn er nieuwe benoemingen gedaan.")
    assert not text.term(_term("herindelingsverkiezingen")) and text.category(_term("herindelingsverkiezingen"))
    assert not Coverage("Het gemeentefonds groeit.").category(_term("warmtebon"))
    # …but another edition is not half of one: the month or season is what is asked
    assert not Coverage("De meicirculaire is uit.").category(_term("septembercirculaire"))
    assert not Coverage("De ALV is in juni.").category(_term("najaars-ALV"))
    # …nor another fund or law: the modifier is what tells one scheme from another
    assert not Coverage("Het garantiefonds staat borg.").category(_term("klimaatfonds"))


def test_who_signed_is_the_one_question_a_signature_answers(domain_engine):
    answer = domain_engine.ask("Wie heeft de uitnodiging voor de ALV van juni 2024 ondertekend?")
    assert answer.found and answer.passages[0].letter.id == "alv-2024" and "Wolters" in answer.passages[0].text


def test_english_questions_about_an_edition_the_letters_lack_are_refused(domain_engine):
    answer = domain_engine.ask("What did the September circular say about the accres?")
    assert not answer.found and answer.missing.terms == ["September circular"]
    assert answer.missing.sentence == "The member letters say nothing about the September circular."
    other_year = domain_engine.ask("Where was the general meeting of June 2022?")
    assert not other_year.found and other_year.missing.sentence.startswith("The member letters say nothing about")
    assert "2024" in other_year.missing.offer
    found = domain_engine.ask("Where is the general meeting of June 2024 held?")
    assert found.found and found.passages[0].letter.id == "alv-2024"


def test_who_signed_as_role_is_checked_against_the_signature(domain_engine):
    answer = domain_engine.ask("Wie heeft de uitnodiging voor de ALV van juni 2024 als directeur ondertekend?")
    assert answer.found and "Wolters" in answer.passages[0].text


@pytest.fixture(scope="module")
def topic_engine(tmp_path_factory, embedder):
    """Two letters on youth care in different words, and a newer overview letter that is
    close to every question but is not about youth care."""
    letters = tmp_path_factory.mktemp("topic-letters")
    write_letter(letters, "jeugd-2019.md", "Wetgevingsoverleg jeugdzorg",
                 "Voor het wetgevingsoverleg over de jeugdzorg vragen wij de Kamer om extra middelen voor de "
                 "jeugdzorg. Gemeenten kampen met tekorten in de jeugdzorg en wachtlijsten.", date="2019-11-20")
    write_letter(letters, "jeugd-2022.md", "Doorstart hervormingsagenda",
                 "Het kabinet draagt het risico van de bezuiniging op de jeugdhulp zelf. De hervormingsagenda "
                 "jeugd krijgt een doorstart: gemeenten, aanbieders en het Rijk maken afspraken over de jeugdhulp.",
                 lbr="Lbr. 22/033")
    write_letter(letters, "overzicht-2024.md", "Update VNG-inzet kabinetsformatie",
                 "De VNG vraagt de formerende partijen om structureel meer geld voor gemeenten, voor wonen, "
                 "zorg, werk en inkomen, klimaat en veiligheid. Gemeenten staan voor grote opgaven.",
                 date="2024-03-19")
    engine = make_engine(tmp_path_factory.mktemp("topic-index"), letters, embedder)
    engine.reindex()
    return engine


@pytest.mark.parametrize("question", [
    "Wat is de meest recente ledenbrief over jeugdzorg?",
    "What is the latest letter about youth care?",
])
def test_latest_is_the_newest_letter_on_the_topic_not_the_newest_close_one(topic_engine, question):
    answer = topic_engine.ask(question)
    assert answer.found and answer.passages[0].letter.id == "jeugd-2022"


def test_a_name_of_several_words_is_covered_as_written_by_initials_or_in_one_sentence():
    law = Term("Wet gemeentelijke instrumenten warmtetransitie", 0, 0)
    assert Coverage("De Wet gemeentelijke instrumenten warmtetransitie is aangenomen.").term(law)
    assert Coverage("Met de Wgiw krijgen gemeenten meer bevoegdheden.").term(law)
    assert not Coverage("De wet is er. Gemeenten krijgen instrumenten. De warmtetransitie gaat door.").term(law)
    assert not Coverage("Op weg naar de RES 1.0: in 2021 volgt de volgende versie (2.0).").term(Term("RES 2.0", 0, 0))
    assert not Coverage("Het verdeelbesluit blijft. De Tweede Kamer praat erover.").term(Term("tweede verdeelbesluit", 0, 0))


def test_who_holds_a_role_is_answered_from_the_signature_that_names_it(domain_engine):
    answer = domain_engine.ask("Wie was in juni 2024 algemeen directeur van de VNG?")
    assert answer.found and "Wolters" in answer.passages[0].text
    change = domain_engine.ask("Wie is de nieuwe algemeen directeur van de VNG?")
    assert not change.found or all("Wolters" not in p.text for p in change.passages)


def test_a_letter_from_the_asked_year_goes_before_one_that_mentions_it():
    import datetime as dt

    from index.covering import Candidate, first_covering

    def letter(title, date, text):
        return Candidate(passage=text, title=title, letter=text, letter_date=date, date_exact=True,
                         passage_dates=[], letter_dates=[])

    later = letter("Wetsvoorstel eigen bijdrage Wmo", dt.date(2024, 5, 14), "Sinds 2020 geldt het abonnementstarief.")
    then = letter("Abonnementstarief Wmo 2020", dt.date(2019, 10, 29), "Het abonnementstarief is in 2020 19 euro.")
    assert first_covering(asked("Hoe hoog wordt het abonnementstarief vanaf 2020?", "nl"), [later, then]) == 1
    # an edition named by its year ("de begroting 2024") is written about the year before
    budget = letter("Meicirculaire 2023", dt.date(2023, 6, 2), "Lever de begroting 2024 uiterlijk 15 november in.")
    news = letter("Septembercirculaire 2024", dt.date(2024, 9, 24), "In 2024 groeit het fonds; de begroting volgt.")
    assert first_covering(asked("Wanneer moet de begroting 2024 binnen zijn?", "nl"), [budget, news]) == 0
    # …but a letter named after the edition and its year goes first
    congress_2026 = letter("Jaarcongres 2026 in Zwolle", dt.date(2026, 2, 20), "Net als het jaarcongres van 2023 kost het € 395.")
    congress_2023 = letter("VNG Jaarcongres 2023 in Rotterdam", dt.date(2023, 4, 18), "Het jaarcongres kost € 350.")
    assert first_covering(asked("Wat kostte het jaarcongres in 2023?", "nl"), [congress_2026, congress_2023]) == 1


@pytest.mark.parametrize("question", [
    "Welke afspraken zijn er onlangs gemaakt over de jeugdzorg?",
    "Wat is de stand van zaken rond de jeugdzorg?",
    "What did the VNG recently write about youth care?",
])
def test_other_words_for_latest(topic_engine, question):
    answer = topic_engine.ask(question)
    assert answer.found and answer.passages[0].letter.id == "jeugd-2022"


def test_the_latest_of_an_asked_year_is_of_that_year(topic_engine):
    answer = topic_engine.ask("Wat was in 2019 de laatste brief over de jeugdzorg?")
    assert answer.found and answer.passages[0].letter.id == "jeugd-2019"


def test_a_common_first_word_ties_no_topic():
    assert Coverage("Gemeenten krijgen meer taken.").shares_topic(_term("gemeentefonds")) is False
    assert Coverage("De jeugdhulp staat onder druk.").shares_topic(_term("jeugdzorg")) is True


def test_a_law_or_fund_goes_by_its_whole_name():
    assert "Participatiewet" in [t.text for t in asked("Wat vindt de VNG van de Participatiewet?", "nl").terms]
    law = _term("Participatiewet")
    assert not Coverage("U geeft participatie in het omgevingsplan vorm, omdat de wet daar eisen aan stelt.").term(law)
    assert not Coverage("Inwoners vragen om participatie.").term(law)  # no ending, a compound's tail
    assert Coverage("De Model verordening rekenkamer is herzien.").term(_term("modelverordening"))
    assert Coverage("De opvang van Oekraïners gaat door.").term(_term("Oekraïne"))


def test_a_subject_word_may_be_said_otherwise_but_a_named_thing_may_not():
    from index.covering import GENERAL_MARGIN, Candidate, first_covering

    text = "Gemeenten vangen vluchtelingen uit Oekraïne op. Het Rijk vergoedt de kosten van de opvang."

    def letter(margin):
        return Candidate(passage=text, title="Opvang", letter=text, letter_date=None, date_exact=False,
                         passage_dates=[], letter_dates=[], margin=margin)

    # "ontheemden" is the subject in other words: enough when the passage is clearly on it…
    question = asked("Hoe worden ontheemden uit Oekraïne opgevangen?", "nl")
    assert first_covering(question, [letter(GENERAL_MARGIN + 0.01)]) == 0
    assert first_covering(question, [letter(GENERAL_MARGIN - 0.01)]) is None
    # …but a scheme, allowance or edition the letter does not name is never said otherwise
    for named in ("Hoe hoog is de opvangtoeslag voor Oekraïners?", "Wat staat er in de septembercirculaire?",
                  "Hoeveel krijgen gemeenten per ontheemde via de bekostigingsregeling?"):
        assert first_covering(asked(named, "nl"), [letter(GENERAL_MARGIN + 0.05)]) is None, named


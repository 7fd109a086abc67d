"""Dates in letters resolved against the letter date; "when is the next …?"; newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from conftest import make_engine, write_letter
from index.api import Engine
from index.dates import dates_in
from index.dating import typical_date
from index.recency import Recency

MARCH_19 = dt.date(2024, 3, 19)  # a Tuesday


@pytest.mark.parametrize(
    "text, letter_date, expected",
    [
        ("Op 4 april staat weer een BOFv gepland.", MARCH_19, [dt.date(2024, 4, 4)]),
        ("de ALV op 1 december 2023", MARCH_19, [dt.date(2023, 12, 1)]),
        ("Donderdag 14 maart heeft Putters zijn verslag aangeboden.", MARCH_19, [dt.date(2024, 3, 14)]),
        ("Aanstaande woensdag gaat de Kamer in debat.", MARCH_19, [dt.date(2024, 3, 20)]),
        ("Aanstaaende woensdag gaat de Kamer in debat.", MARCH_19, [dt.date(2024, 3, 20)]),
        ("komende dinsdag", MARCH_19, [dt.date(2024, 3, 26)]),  # not the letter's own day
        ("afgelopen vrijdag", MARCH_19, [dt.date(2024, 3, 15)]),
        ("maandag jl. sprak het bestuur", MARCH_19, [dt.date(2024, 3, 18)]),
        ("Gisteravond heeft het kabinet besloten", MARCH_19, [dt.date(2024, 3, 18)]),
        ("morgen", MARCH_19, [dt.date(2024, 3, 20)]),
        ("in januari starten we", dt.date(2024, 12, 10), [dt.date(2025, 1, 1)]),  # year boundary forward
        ("op 5 januari", dt.date(2024, 12, 10), [dt.date(2025, 1, 5)]),
        ("op 20 december", dt.date(2025, 1, 8), [dt.date(2024, 12, 20)]),  # year boundary back
        ("tot uiterlijk 13 juni a.s.", dt.date(2024, 12, 1), [dt.date(2025, 6, 13)]),  # a.s. is ahead
        ("op 13 juni jl.", dt.date(2024, 3, 1), [dt.date(2023, 6, 13)]),  # jl. is behind
        ("19-03-2024 en 2024-04-15", None, [dt.date(2024, 3, 19), dt.date(2024, 4, 15)]),
        ("op 4 april", None, []),  # no letter date: cannot be resolved
        ("eind juni 2025", MARCH_19, [dt.date(2025, 6, 1)]),
        ("1 miljard in 2029 en 675 miljoen", MARCH_19, []),
    ],
)
def test_date_resolution(text, letter_date, expected):
    assert dates_in(text, letter_date) == expected


def engine_at(sample_engine: Engine, today: dt.date) -> Engine:
    return Engine(sample_engine.settings, embedder=sample_engine.embedder, clock=lambda: today)


def test_passages_carry_their_dates(sample_engine):
    best = sample_engine.ask("Wanneer is het volgende BOFv?").passages[0]
    assert dt.date(2024, 4, 4) in best.dates and dt.date(2024, 3, 4) in best.dates


@pytest.mark.parametrize(
    "today, date, upcoming",
    [
        (dt.date(2024, 3, 1), dt.date(2024, 3, 4), True),    # before both BOFv dates: the first
        (dt.date(2024, 3, 20), dt.date(2024, 4, 4), True),   # between them: the next one
        (dt.date(2026, 11, 26), dt.date(2024, 4, 4), False),  # after both: the latest, in the past
    ],
)
def test_next_event_with_a_fixed_clock(sample_engine, today, date, upcoming):
    answer = engine_at(sample_engine, today).ask("Wanneer is het volgende BOFv?")
    assert answer.found and answer.event is not None
    assert (answer.event.date, answer.event.upcoming, answer.event.term) == (date, upcoming, "BOFv")
    assert answer.event.letter.lbr == "Lbr. 24/007"
    assert answer.passages[0].highlight == answer.event.sentence


def test_next_event_sentences(sample_engine):
    from index.phrasing import event_sentence

    past = engine_at(sample_engine, dt.date(2026, 11, 26)).ask("Wanneer is het volgende BOFv?")
    assert event_sentence(past.event, past.question, "nl").startswith(
        "Volgens Lbr. 24/007 van 19 maart 2024 stond het volgende BOFv gepland op 4 april 2024.")
    soon = engine_at(sample_engine, dt.date(2024, 3, 20)).ask("when is the next BOFv?")
    assert event_sentence(soon.event, soon.question, "en") == \
        "The next BOFv is on 4 April 2024 (according to Lbr. 24/007 of 19 March 2024)."


def test_next_alv_uses_the_latest_known_alv(sample_engine):
    answer = engine_at(sample_engine, dt.date(2026, 11, 26)).ask("when is the next ALV?")
    assert answer.event.date == dt.date(2024, 6, 26) and not answer.event.upcoming
    assert answer.passages[0].letter.id == "uitnodiging-alv-26-juni-2024"


def test_upcoming_events_for_app_home(sample_engine):
    events = engine_at(sample_engine, dt.date(2024, 3, 20)).upcoming_events()
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert any(e.term == "BOFv" and e.date == dt.date(2024, 4, 4) for e in events)
    assert engine_at(sample_engine, dt.date(2030, 1, 1)).upcoming_events() == []


@pytest.fixture(scope="module")
def recency_engine(tmp_path_factory, embedder):
    letters = tmp_path_factory.mktemp("recency-letters")
    body = ("De VNG vraagt het kabinet om extra geld voor de opvang van asielzoekers in gemeenten. "
            "Gemeenten hebben {n} extra opvangplekken nodig om iedereen onderdak te bieden.")
    write_letter(letters, "opvang-2022.md", "Opvang asielzoekers 2022", body.format(n="2.000"), date="2022-05-01", lbr="Lbr. 22/040")
    write_letter(letters, "opvang-2024.md", "Opvang asielzoekers 2024", body.format(n="3.000"), date="2024-05-01", lbr="Lbr. 24/040")
    write_letter(letters, "opvang-zonder-datum.md", "Opvang asielzoekers", body.format(n="4.000"))
    write_letter(letters, "woo.md", "Woo", "De Wet open overheid geldt sinds 1 mei 2022 voor gemeenten.", date="2022-05-16")
    engine = make_engine(tmp_path_factory.mktemp("recency-index"), letters, embedder)
    engine.reindex()
    return engine


def test_equally_good_letters_newest_first_and_undated_last(recency_engine):
    answer = recency_engine.ask("Wat vraagt de VNG voor de opvang van asielzoekers?")
    ids = [p.letter.id for p in answer.passages]
    assert ids[:2] == ["opvang-2024", "opvang-2022"]


def test_latest_question_prefers_the_newest_letter(recency_engine):
    answer = recency_engine.ask("Wat is het laatste over de opvang van asielzoekers?")
    assert answer.passages[0].letter.id == "opvang-2024"


def test_an_older_letter_quoted_by_number_mentions_the_newer_one(recency_engine):
    answer = recency_engine.ask("Wat staat er in Lbr. 22/040 over opvangplekken?")
    assert answer.passages[0].letter.id == "opvang-2022"
    assert answer.newer is not None and answer.newer.lbr == "Lbr. 24/040"
    from index.phrasing import newer_note

    assert newer_note(answer.newer, "nl") == "Nieuwer: Lbr. 24/040 van 1 mei 2024"


@dataclass
class _Hit:
    letter: str
    cosine: float
    date: dt.date | None
    fused: float = 1.0
    bm25: float = 1.0


def _recency(undated_as: dt.date | None) -> Recency:
    return Recency(date_of=lambda h: h.date, text_of=lambda h: "Jeugdhulp in gemeenten.",
                   title_of=lambda h: "Jeugdhulp", covers=lambda h, wanted, floor: True, undated_as=undated_as)


def test_a_letter_without_any_date_counts_as_a_typical_one_for_latest_questions():
    # The dated letter is years older than most of the collection; nothing says the undated one
    # is old, so for "the latest" it counts as of the collection's median date.
    old = _Hit("jeugd-2017", 0.86, dt.date(2017, 11, 22))
    undated = _Hit("jeugd-zonder-datum", 0.855, None)
    newest = _recency(typical_date([dt.date(2017, 11, 22), dt.date(2022, 4, 1), dt.date(2024, 3, 1)]))
    assert [h.letter for h in newest.newest_first([old, undated], 0.8, "Wat is de laatste brief over jeugdhulp?")] \
        == ["jeugd-zonder-datum", "jeugd-2017"]
    # a dated letter newer than the typical one stays first
    recent = _Hit("jeugd-2024", 0.86, dt.date(2024, 9, 1))
    assert newest.newest_first([recent, undated], 0.8, "Wat is de laatste brief over jeugdhulp?")[0] is recent
    # without a collection to compare with, undated comes after dated
    assert _recency(None).newest_first([old, undated], 0.8, "Wat is de laatste brief over jeugdhulp?")[0] is old


@pytest.mark.parametrize("question, latest", [
    ("Wat is de laatste brief over jeugdhulp?", True),
    ("Hoe staat het nu met de cao?", True),
    ("What is the current state of the talks?", True),
    ("Moeten we nu al documenten actief openbaar maken?", False),  # "nu al": already, not the newest
    ("Kunnen gemeenten nu ook een aanvraag doen?", False),
    ("Wat staat er in de brief over jeugdhulp?", False),
])
def test_which_questions_ask_for_the_newest(question, latest):
    from index.recency import asks_latest

    assert asks_latest(question) is latest


@pytest.mark.parametrize("question, newest_letter", [
    ("Wat is de nieuwste ledenbrief?", True),
    ("Welke brief is als laatste gepubliceerd?", True),
    ("What is the latest letter the VNG has sent?", True),  # "has": an English stop word
    ("Which letter did the VNG send most recently?", True),
    ("Wat is de laatste brief die jullie hebben gestuurd?", True),
    ("Wat is de nieuwste ledenbrief van 2024?", False),  # a period
    ("Wat is de nieuwste brief over jeugdzorg?", False),  # a topic
    # everyday words name a topic too, though topic_terms leaves them out
    ("Wie is nu voorzitter van de commissie Werk en Inkomen?", False),
    ("What is the latest on the reception of Ukrainian refugees?", False),
    ("Wat moeten gemeenten nu doen?", False),
    ("Wat staat er in de brief over jeugdhulp?", False),  # no "latest" question
])
def test_which_questions_ask_for_the_newest_letters_themselves(question, newest_letter):
    from index.recency import asks_newest_letter

    assert asks_newest_letter(question) is newest_letter


def test_a_weekday_names_the_year_but_not_one_in_the_future():
    from index.dating import weekday_dates

    # 14 October is a Thursday in 2021 and 2027: a letter read in 2026 is from 2021
    assert weekday_dates("Op donderdag 14 oktober werd een leverancier getroffen.", dt.date(2026, 11, 27)) \
        == dt.date(2021, 10, 14)
    # a few weeks ahead is an announcement ("vrijdag 1 maart" read in February 2024)
    assert weekday_dates("De bijeenkomst is op vrijdag 1 maart.", dt.date(2024, 2, 15)) == dt.date(2024, 3, 1)


def test_who_holds_a_role_now_is_the_newest_letter_that_names_the_holder(tmp_path_factory, embedder):
    letters = tmp_path_factory.mktemp("holder-letters")
    write_letter(letters, "schulden-2025.md", "Extra geld voor de schuldhulp",
                 "De VNG-commissie Werk en Inkomen heeft een nieuwe voorzitter. Erik Visscher, wethouder in Almelo, "
                 "is voorzitter van de commissie Werk en Inkomen. Het kabinet trekt extra geld uit voor schuldhulp.",
                 date="2025-09-30")
    write_letter(letters, "congres-2026.md", "Jaarcongres 2026",
                 "Op het jaarcongres presenteert de commissie Werk en Inkomen haar plannen voor werk en inkomen. "
                 "De voorzitter van de commissie opent de sessie over werk, inkomen en schulden.",
                 date="2026-02-20")
    engine = make_engine(tmp_path_factory.mktemp("holder-index"), letters, embedder)
    engine.reindex()
    answer = engine.ask("Wie is nu voorzitter van de commissie Werk en Inkomen?")
    assert answer.found, answer.missing
    assert answer.passages[0].letter.id == "schulden-2025"


@pytest.mark.parametrize("question", ["Wat is de nieuwste ledenbrief?", "What is the latest letter from the VNG?"])
def test_the_newest_letters_themselves(recency_engine, question):
    answer = recency_engine.ask(question)
    assert answer.found
    assert [p.letter.id for p in answer.passages] == ["opvang-2024", "woo", "opvang-2022"]


def test_a_letter_on_the_topic_just_below_the_floor_still_counts_for_the_newest():
    older = _Hit("jeugd-2017", 0.851, dt.date(2017, 11, 22))
    newer = _Hit("jeugd-2024", 0.846, dt.date(2024, 4, 21))  # has the topic word, a hair under the floor
    ordered = _recency(None).newest_first([older, newer], 0.848, "Wat is er onlangs gezegd over de jeugdhulp?")
    assert ordered[0] is newer


def test_a_number_dated_letter_is_placed_between_the_dated_letters_of_its_year():
    from index.dating import calibrate
    from index.models import LetterRef

    def ref(lbr, date, source):
        return LetterRef(id=lbr, title=lbr, lbr=lbr, date=date, date_source=source)

    dated = [ref("Lbr. 24/007", MARCH_19, "metadata"), ref("Lbr. 24/019", dt.date(2024, 6, 18), "header")]
    guessed = ref("Lbr. 24/011", dt.date(2024, 2, 20), "number")  # what its number alone says
    out = calibrate([*dated, guessed])
    assert out[:2] == dated and out[2].date == dt.date(2024, 4, 18)  # 4/12 of the way, not February
    assert calibrate(dated) == dated  # nothing number-dated: nothing changes

"""Metadata read from a letter's own header, in the spellings letters use."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import find_full_date
from index.metadata import extract_metadata, find_references


@pytest.mark.parametrize(
    "header, date, lbr, kenmerk, title",
    [
        ("**Datum**\n\n19 maart 2024\n\n**Ons kenmerk**\n\nU202400145\n\nLbr. 24/007\n\n**Onderwerp**\n\nUpdate inzet",
         dt.date(2024, 3, 19), "Lbr. 24/007", "U202400145", "Update inzet"),
        ("Datum: 19-03-2024\nOns kenmerk: U202400145\nOnderwerp: Jeugdzorg\n", dt.date(2024, 3, 19), None, "U202400145", "Jeugdzorg"),
        ("Ledenbrief nummer\nLbr 24/7\n\nGeachte leden,\nDe tekst.", None, "Lbr. 24/007", None, None),
        ("Ledenbriefnummer: 16/073\nwoensdag 28 september 2016\n", dt.date(2016, 9, 28), "Lbr. 16/073", None, None),
        ("# Rijksbegroting 2017\n\nDen Haag, 2 oktober 2016\nlbr. 16-74\n", dt.date(2016, 10, 2), "Lbr. 16/074", None, "Rijksbegroting 2017"),
        ("Aan de leden\nDatum 1 mrt. 2023\nOnderwerp Model verordening\n", dt.date(2023, 3, 1), None, None, "Model verordening"),
        ("Onderwerp:\nWet open overheid\nDatum:\n2022-05-16\n", dt.date(2022, 5, 16), None, None, "Wet open overheid"),
        ("Kenmerk: ECSD/U201800123\nDatum 5 december 2018\n", dt.date(2018, 12, 5), None, "ECSD/U201800123", None),
        # saved from the web: the publication line, not the last edit
        ("Home > Nieuws\n# Energiearmoede\nGepubliceerd op 12 maart 2024\n", dt.date(2024, 3, 12), None, None, "Energiearmoede"),
        ("# Leges\nLedenbrief | 03-10-2023\n", dt.date(2023, 10, 3), None, None, "Leges"),
        ("# Leges\nLaatst gewijzigd op 3 oktober 2025\n", None, None, None, "Leges"),
        ("# Congres\nOp dinsdag 14 juni 2024:\n", None, None, None, "Congres"),  # an event, not the letter's date
    ],
)
def test_header_spellings(header, date, lbr, kenmerk, title):
    meta = extract_metadata(header)
    assert meta.date == date
    assert meta.lbr == lbr
    assert meta.kenmerk == kenmerk
    if title:
        assert meta.title == title


def test_a_date_inside_a_sentence_is_not_the_letter_date():
    meta = extract_metadata("Lbr. 24/019\n\nDe ALV is op woensdag 26 juni 2024 in Den Haag.")
    assert meta.date is None


@pytest.mark.parametrize(
    "question, expected",
    [
        ("wat staat er in Lbr. 24/007?", ["Lbr. 24/007"]),
        ("lbr 24/7", ["Lbr. 24/007"]),
        ("ledenbrief 24-007 graag", ["Lbr. 24/007"]),
        ("Wat staat in LBR.24/007", ["Lbr. 24/007"]),
        ("kenmerk u202400145?", ["U202400145"]),
        ("ledenbriefnummer 24/007 en Lbr. 24/011", ["Lbr. 24/007", "Lbr. 24/011"]),
        ("wanneer is het volgende BOFv?", []),
        ("ledenbrief 26 april 2022", []),
    ],
)
def test_references_in_questions(question, expected):
    assert find_references(question) == expected


def test_dates():
    assert find_full_date("op 4 april 2024") == dt.date(2024, 4, 4)
    assert find_full_date("31-02-2024 en 1/3/2024") == dt.date(2024, 3, 1)
    assert find_full_date("geen datum") is None

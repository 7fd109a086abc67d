"""People's names and titles (index/people.py) and the patterns built from them in
succession.py and asked.py."""

import pytest

from index.asked import asked, named_phrases
from index.people import names_person, titled_names
from index.succession import predecessor_asked


@pytest.mark.parametrize("question, surname", [
    ("Wat zei burgemeester Halsema van Amsterdam over de opvang?", "Halsema"),  # "van <Place>" is no tussenvoegsel
    ("Heeft burgemeester Van Zanen van Den Haag iets gezegd?", "Van Zanen"),
    ("Wat zei wethouder Van der Laan over de Wmo?", "Van der Laan"),
    ("Wat vindt minister De Jonge van de schuldhulp?", "De Jonge"),
    ("Wat zei wethouder Femke de Ridder over armoede?", "de Ridder"),
    ("Wat zei mevrouw J.P. de Vries over jeugd?", "de Vries"),
    ("Wat zei de heer J. Smit?", "Smit"),
    ("What did mayor Halsema of Amsterdam say about asylum?", "Halsema"),
])
def test_the_surname_after_a_title_keeps_its_tussenvoegsel_and_stops_at_a_place(question, surname):
    [(name, start, end)] = titled_names(question)
    assert name == surname
    assert question[start:end] == surname


@pytest.mark.parametrize("question", [
    "Wat vindt de minister van Financiën van de schuldhulp?",  # a ministry
    "Wat zei de voorzitter Raad van State?",  # an institution
    "Wat zei de voorzitter VNG over de cao?",  # an acronym names no one
    "Wat doet de wethouder van Utrecht?",
    "Kan de voorzitter via MS Teams meedoen?",
])
def test_no_person_after_the_title(question):
    assert titled_names(question) == []


def test_the_letter_is_checked_for_the_surname_s_last_word():
    # "Hugo de Jonge" in a letter writes the tussenvoegsel in lower case
    [name] = [t for t in asked("Wat zei burgemeester Halsema van Amsterdam over de opvang?", "nl").terms if t.name]
    assert (name.text, name.name) == ("Halsema", True)
    [name] = [t for t in asked("Wat zei wethouder Van der Laan over de Wmo?", "nl").terms if t.name]
    assert name.text == "Laan"


def test_a_person_with_a_place_is_not_a_named_body():
    question = "Heeft burgemeester Van Zanen van Den Haag iets gezegd over de opvang?"
    assert [t.text for t in named_phrases(question)] == []
    assert [t.text for t in asked(question, "nl").terms if t.name] == ["Zanen"]
    # three capitalized words without a title still name a scheme or body
    assert [t.text for t in named_phrases("Wat is de Reductie Energiegebruik Woningen?")] == [
        "Reductie Energiegebruik Woningen"]
    assert [t.text for t in named_phrases("Wie zit in het College voor Arbeidszaken Overleg?")] == [
        "College voor Arbeidszaken Overleg"]


@pytest.mark.parametrize("question, person", [
    ("Wie volgt Jan van der Laan op?", "Jan van der Laan"),
    ("Wie is de opvolger van mevrouw J.P. de Vries?", "J.P. de Vries"),
    ("Wie is de opvolger van de voorzitter Pieter Hoogland?", "Pieter Hoogland"),
    ("Who replaced Mrs. Smit?", "Smit"),
    ("Wie volgt burgemeester Halsema van Amsterdam op?", "Halsema"),
    ("Wie wordt de opvolger van wethouder Van der Laan van Utrecht?", "Van der Laan"),
])
def test_the_predecessor_s_name_with_initials_tussenvoegsels_and_titles(question, person):
    assert predecessor_asked(question) == person


@pytest.mark.parametrize("text, person", [
    ("Gedeputeerde Van Dam opende de bijeenkomst.", True),
    ("Dr. van den Berg gaf een toelichting.", True),
    ("J. van der Laan is benoemd.", True),
    ("De Tweede Kamer nam de motie aan.", False),
    ("De bijeenkomst is via MS Teams.", False),
    ("Het ministerie van Volksgezondheid reageerde.", False),
])
def test_names_of_people_in_letters(text, person):
    assert names_person(text) is person

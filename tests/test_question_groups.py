"""Near-duplicate questions count together in the staff report; different topics do not."""

from index.question_groups import group_similar


def test_phrasings_of_one_topic_group_and_other_topics_stay_apart():
    questions = [
        "Wanneer is het volgende BOFv?", "wanneer is het BOFv", "Wanneer vindt het volgende BOFv plaats?",
        "Hoeveel kost een parkeervergunning?", "parkeervergunning tarieven 2025",
        "Wat is het ravijnjaar 2026?", "ravijnjaar",
        "Wat kost de jeugdzorg?", "Wat kost de opvang van asielzoekers?", "wat is de cao?",
    ]
    groups = [[questions[i] for i in group] for group in group_similar(questions)]
    assert groups[0] == questions[:3]
    assert questions[3:5] in groups and questions[5:7] in groups
    # sharing a short general word ("kost") is not the same question
    assert ["Wat kost de jeugdzorg?"] in groups and ["Wat kost de opvang van asielzoekers?"] in groups
    assert len(groups) == 6


def test_questions_without_content_words_group_by_their_text():
    assert group_similar(["wat?", "Wat?", "hoe?"]) == [[0, 1], [2]]

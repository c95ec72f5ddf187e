"""The trained IPTC Media Topic classifier: its examples, its held-out accuracy, its output."""

from __future__ import annotations

from collections import Counter

from newswire.enrich.evaluation import held_out_topic_accuracy
from newswire.enrich.medtop import SUBTOPICS, TOPIC_NAMES, parent
from newswire.enrich.pipeline import enrich
from newswire.enrich.topic_model import TopicModel, load_examples
from newswire.enrich.topics import MEDIATOPIC, classify_topics
from newswire.model import Item


def test_the_shipped_examples_cover_every_topic_in_several_languages() -> None:
    examples = load_examples()
    assert len(examples) >= 300
    tops = Counter(parent(e.code) for e in examples)
    assert set(tops) == set(TOPIC_NAMES) and min(tops.values()) >= 10
    subs = Counter(e.code for e in examples if e.code in SUBTOPICS)
    assert set(subs) == set(SUBTOPICS) and min(subs.values()) >= 5
    languages = Counter(e.language for e in examples)
    assert languages["en"] > len(examples) / 2 and languages["tr"] >= 40 and languages["fr"] >= 40


def test_held_out_accuracy_beats_the_word_rules_it_replaced() -> None:
    scores = held_out_topic_accuracy(load_examples())
    assert scores["examples"] == len(load_examples())
    assert scores["top_level_accuracy"] >= 0.65
    assert scores["top_level_accuracy"] > scores["word_stem_rules_alone_top_level_accuracy"]
    assert scores["second_level_accuracy_given_parent"] >= 0.5


def test_training_is_deterministic() -> None:
    examples = load_examples()[::2]
    a, b = TopicModel(examples), TopicModel(examples)
    story = ("Parliament votes on budget", "Lawmakers approved the budget after a long debate.")
    assert a.top_scores(*story) == b.top_scores(*story)


def test_second_level_topics_follow_their_parent_with_medtop_uris() -> None:
    topics = classify_topics(
        "Polling stations opened early and turnout was high as voters chose a new parliament.",
        "Voters elect new parliament in close race",
    )
    codes = [t.code for t in topics]
    assert codes[:2] == ["11000000", "20000574"]
    assert topics[1].uri == MEDIATOPIC + "20000574" and topics[1].name == "election"
    assert all(0 < t.confidence <= 100 for t in topics)


def test_turkish_and_french_stories_get_topics() -> None:
    assert (
        classify_topics(
            "Galatasaray, Süper Lig'de rakibini 3-0 yendi ve liderliğini sürdürdü.",
            "Galatasaray kazandı",
        )[0].code
        == "15000000"
    )
    assert (
        classify_topics(
            "Le tribunal a condamné l'ancien maire à cinq ans de prison pour corruption.",
            "L'ancien maire condamné",
        )[0].code
        == "02000000"
    )


def test_the_pipeline_puts_topics_into_subjects_about_with_a_creator() -> None:
    item = Item(
        uri="urn:newswire:test:topics",
        headlines=[{"value": "Earthquake of magnitude 6.4 kills 20 in mountain villages"}],
        bodies=[
            {
                "value": "<p>A strong earthquake struck before dawn, destroying homes.</p>"
                "<p>Rescuers searched the rubble for survivors.</p>"
            }
        ],
    )
    about = [s for s in enrich(item).subjects or [] if s.rel == "about"]
    assert about[0].uri == MEDIATOPIC + "03000000"
    assert about[0].creator == "newswire:enrich" and about[0].confidence
    assert not classify_topics("Nothing to see.")

"""Each enrichment step as a pure function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswire.enrich.boilerplate import is_boilerplate, strip_dateline
from newswire.enrich.catalogue import builtin_catalogue, entity_uri, slug
from newswire.enrich.entities import extract_entities
from newswire.enrich.fingerprint import fingerprint, hamming, is_near_duplicate
from newswire.enrich.keywords import extract_keywords
from newswire.enrich.language import detect_language
from newswire.enrich.summary import lead_summary, summarize
from newswire.enrich.text import plain_text, sentences
from newswire.enrich.topics import classify_topics

TESTDATA = Path(__file__).resolve().parent / "testdata"


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        (
            "Vlada je priopćila da će se izbori održati u listopadu, a tisuće ljudi su "
            "prosvjedovale u Zagrebu.",
            "hr",
        ),
        (
            "Vijeće ministara je saopćilo da će se sporazum potpisati sljedeće sedmice u Sarajevu, "
            "a hiljade ljudi su došle.",
            "bs",
        ),
        (
            "Vlada je saopštila da će izbori biti održani sledeće nedelje u Beogradu, a vreme je "
            "lepo.",
            "sr",
        ),
        (
            "Serokê Tirkiyeyê îro li Enqereyê bi wezîrê derve re civiya û got ku hilbijartin dê "
            "pêk werin.",
            "ku",
        ),
        ("سەرۆکی هەرێمی کوردستان ئەمڕۆ لە هەولێر لەگەڵ وەزیری دەرەوە کۆبووەوە.", "ku-Arab"),
        ("رئیس جمهور ایران امروز در تهران با وزیر امور خارجه دیدار کرد.", "fa"),
        ("وصل وزير الخارجية إلى بغداد اليوم في زيارة رسمية.", "ar"),
        ("Bakan bugün Ankara'da gazetecilere açıklama yaptı.", "tr"),
    ],
)
def test_language_rules_settle_close_languages(text: str, tag: str) -> None:
    assert detect_language(text) == tag


def test_too_little_text_has_no_language() -> None:
    assert detect_language("  a ") is None


def test_sentences_split_every_script() -> None:
    assert sentences("Dr. Smith met Mr. Jones in the U.S. on Monday. They talked.", "en") == [
        "Dr. Smith met Mr. Jones in the U.S. on Monday.",
        "They talked.",
    ]
    assert sentences("هل تنتهي الحرب؟ قال الوزير إن المحادثات مستمرة.", "ar") == [
        "هل تنتهي الحرب؟",
        "قال الوزير إن المحادثات مستمرة.",
    ]
    assert (
        len(sentences("Danas je bio sastanak. Npr. ministar je došao. Svi su otišli.", "bs")) == 3
    )


def test_boilerplate_never_enters() -> None:
    assert is_boilerplate("(Reporting by Jane Doe; Editing by Bob Roe)")
    assert is_boilerplate("Click here to subscribe to our newsletter.")
    assert is_boilerplate("Haberin devamı için abone olun.")
    assert not is_boilerplate("The minister resigned on Tuesday.")
    assert strip_dateline("ANKARA, Nov 25 (Newswire) - The minister said.") == "The minister said."


def test_summary_keeps_the_lead_and_stays_under_sixty_words() -> None:
    body = (
        "<p>LONDON (Newswire) - The Bank of England cut its main interest rate to 4.5% on "
        "Thursday, its first cut this year.</p><p>Sign up for our newsletter here.</p>"
        "<p>Governor Andrew Bailey said inflation was falling faster than expected across the "
        "economy.</p><p>"
        + "Markets had expected the move for weeks and traders said so. " * 4
        + "</p>"
    )
    summary = lead_summary(body, "en")
    assert summary.startswith("The Bank of England cut")
    assert "Sign up" not in summary and len(summary.split()) <= 60
    assert summarize("", "en") == ""


def test_plain_text_keeps_paragraphs() -> None:
    assert plain_text("<p>One &amp; two</p><p>Three</p>") == "One & two\nThree"


def test_entities_titles_suffixes_and_surnames() -> None:
    text = (
        "Acme Defence Systems Ltd and the Ministry of Defence signed a deal, Prime Minister "
        "Keir Starmer said. Starmer met Mr. Tom Baker of the Bank of England in London."
    )
    found = extract_entities(text, "en")
    assert [p.name for p in found.people] == ["Keir Starmer", "Tom Baker"]
    assert found.people[0].mentions == 2
    organisations = {o.name for o in found.organisations}
    assert {"Acme Defence Systems Ltd", "Ministry of Defence", "Bank of England"} <= organisations
    assert [p.name for p in found.places] == ["London"]


def test_ids_are_stable_ascii_uris() -> None:
    assert slug("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert slug("Владимир Путин").startswith("h-")
    assert entity_uri("person", "Владимир Путин") == entity_uri("person", "Владимир Путин")
    turkey = builtin_catalogue().lookup("Türkiye'nin")
    assert turkey is not None and turkey.identifier() == "urn:newswire:entity:place:turkey"
    assert builtin_catalogue().lookup("Russian") is None


def test_keywords_are_short_and_leave_out_entities() -> None:
    text = (
        "The interest rate cut surprised markets. The interest rate had been steady. "
        "Inflation fell as the interest rate decision loomed. Bailey defended the interest rate."
    )
    words = extract_keywords(text, "en", exclude=["Andrew Bailey"])
    assert words[0] == "interest rate"
    assert all(len(w.split()) <= 2 for w in words) and "bailey" not in words


def test_topics_are_iptc_media_topics() -> None:
    topics = classify_topics(
        "The striker scored twice as the team won the league match.", "Football: late goal"
    )
    assert topics[0].uri == "http://cv.iptc.org/newscodes/mediatopic/15000000"
    assert topics[0].name == "sport" and 0 < topics[0].relevance <= 100
    assert classify_topics("Nothing to see.") == []


def test_fingerprint_flags_near_duplicates_only() -> None:
    story = plain_text(json.loads((TESTDATA / "en_defence.json").read_text())["body"])
    update = story.replace("about 300 people", "about 350 people").replace("2.1%", "2.4%")
    other = plain_text(json.loads((TESTDATA / "en_earthquake.json").read_text())["body"])
    assert is_near_duplicate(fingerprint(story), fingerprint(update))
    assert not is_near_duplicate(fingerprint(story), fingerprint(other))
    assert hamming(fingerprint(story), fingerprint(story)) == 0


@given(st.text(max_size=300))
def test_steps_never_crash_on_any_text(text: str) -> None:
    sentences(text, "en")
    sentences(text, None)
    summarize(text, "tr")
    extract_keywords(text, "fr")
    classify_topics(text, text[:20])
    assert 0 <= fingerprint(text) < 2**64
    extract_entities(text, "ar")

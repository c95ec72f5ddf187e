"""A trained IPTC Media Topic classifier: TF-IDF character n-grams and a linear SVM.

Trained in each process at warm-up (about a quarter of a second) from the labelled
examples shipped in `data/topic_examples.tsv`, so there is no pickle to version and the
model is the same on every run (liblinear with a fixed seed). One classifier picks the
top-level topic; one per parent that has second-level examples picks the second level.

The topic word stems of `topic_words.py` (ten languages) join the training set as
one-word examples: on our examples that lifted held-out top-level accuracy from 0.58 to
0.75 (5-fold), while adding the rule scores on top of the model's changed it by under one
point, so the rules live on as training data, not as a second classifier.
Scores are a softmax over the SVM's decision values: comparable, not calibrated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from newswire.enrich.medtop import parent
from newswire.enrich.topic_words import TOPIC_STEMS

__all__ = ["EXAMPLES", "Example", "TopicModel", "default_model", "load_examples", "split_examples"]

EXAMPLES = Path(__file__).parent / "data" / "topic_examples.tsv"


@dataclass(frozen=True)
class Example:
    """One labelled story opening: a medtop code, a language, a headline and a lead."""

    code: str
    language: str
    headline: str
    lead: str

    @property
    def text(self) -> str:
        """What the classifier reads."""
        return model_text(self.headline, self.lead)


def model_text(headline: str, lead: str) -> str:
    """The classifier's input: the headline twice (it carries the topic), then the lead."""
    return f"{headline}. {headline}. {lead}"


def load_examples(path: Path = EXAMPLES) -> list[Example]:
    """The labelled examples in a TSV file (`#` lines are comments)."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"{path.name}:{number}: expected 4 tab-separated fields")
        examples.append(Example(*fields))
    return examples


def split_examples(
    examples: list[Example], folds: int = 5, fold: int = 0
) -> tuple[list[Example], list[Example]]:
    """A deterministic stratified split: fold `fold` of `folds` of each code is held out."""
    seen: dict[str, int] = defaultdict(int)
    train: list[Example] = []
    held_out: list[Example] = []
    for example in examples:
        seen[example.code] += 1
        (held_out if (seen[example.code] + fold) % folds == 0 else train).append(example)
    return train, held_out


_TEMPERATURE = 0.25


def _pipeline() -> Pipeline:
    features = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, max_df=0.5
    )
    model = LinearSVC(C=1.0, class_weight="balanced", random_state=0)
    return Pipeline([("features", features), ("model", model)])


def _lexicon() -> tuple[list[str], list[str]]:
    """Each topic word stem as a one-word training example of its top-level topic."""
    texts: list[str] = []
    codes: list[str] = []
    for code, words in TOPIC_STEMS.items():
        for word in words.split():
            texts.append(word.rstrip("="))
            codes.append(code)
    return texts, codes


def _scores(model: Pipeline, text: str) -> dict[str, float]:
    decision = np.asarray(model.decision_function([text]))[0] / _TEMPERATURE
    if decision.ndim == 0:  # two classes: one decision value for the second
        decision = np.array([-decision, decision]) / 2
    weights = np.exp(decision - decision.max())
    weights /= weights.sum()
    return {str(c): float(w) for c, w in zip(model.classes_, weights, strict=True)}


class TopicModel:
    """Top-level and second-level classifiers trained on a list of examples."""

    def __init__(self, examples: list[Example], lexicon: bool = True) -> None:
        texts = [e.text for e in examples]
        codes = [parent(e.code) for e in examples]
        if lexicon:
            words, word_codes = _lexicon()
            texts, codes = texts + words, codes + word_codes
        self.top = _pipeline().fit(texts, codes)
        by_parent: dict[str, list[Example]] = defaultdict(list)
        for example in examples:
            if parent(example.code) != example.code:
                by_parent[parent(example.code)].append(example)
        self.sub = {
            code: _pipeline().fit([e.text for e in group], [e.code for e in group])
            for code, group in by_parent.items()
            if len({e.code for e in group}) > 1
        }

    def top_scores(self, headline: str, lead: str) -> dict[str, float]:
        """Each top-level topic's score (0-1, summing to 1) for this story opening."""
        return _scores(self.top, model_text(headline, lead))

    def sub_scores(self, top: str, headline: str, lead: str) -> dict[str, float]:
        """The second-level topics' scores under one top-level topic (empty if it has none)."""
        model = self.sub.get(top)
        return _scores(model, model_text(headline, lead)) if model is not None else {}


@cache
def default_model() -> TopicModel:
    """The model trained on every shipped example (once per process)."""
    return TopicModel(load_examples())

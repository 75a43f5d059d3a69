"""Finding pledges and demands in a parsed sentence, and what they are about.

A *cue* is the word that makes a commitment (``urged``, ``will``, ``committed``, ``the need
for``); its *content* is the clause or phrase that says what is promised or demanded; the
content is cut at coordinations into *chunks*, and each chunk gets the category of the most
specific term it contains (``data/lexicon.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from abide.extraction.lexicon import Lexicon


@dataclass
class Chunk:
    tokens: list[Token]
    category: str | None
    strength: int  # 0 none, 1 weak term, 2 strong term
    anaphoric: bool

    @property
    def text(self) -> str:
        if not self.tokens:
            return ""
        doc = self.tokens[0].doc
        return doc[self.tokens[0].i : self.tokens[-1].i + 1].text

    @property
    def start_char(self) -> int:
        return self.tokens[0].idx

    @property
    def end_char(self) -> int:
        last = self.tokens[-1]
        return last.idx + len(last.text)


def content_chunks(
    root: Token, lexicon: Lexicon, *, skip: set[int] | None = None
) -> tuple[list[Chunk], str]:
    """Cut the content headed by ``root`` into chunks; also return any condition's text."""
    skip = set(skip or ())
    condition = ""
    excluded: set[int] = set(skip)
    for token in root.subtree:
        if token.i in excluded:
            continue
        if token.dep_ == "prep" and token.lower_ in lexicon.circumstance_preps:
            excluded.update(t.i for t in token.subtree)
        elif token.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in lexicon.conditions for c in token.children
        ):
            condition = root.doc[token.left_edge.i : token.right_edge.i + 1].text
            excluded.update(t.i for t in token.subtree)
        elif token.dep_ == "advcl" and any(
            c.dep_ == "mark"
            and c.lower_ in {"as", "because", "since", "while", "when", "after", "before"}
            for c in token.children
        ):
            excluded.update(t.i for t in token.subtree)
    heads = [root]
    for token in root.subtree:
        if token.dep_ != "conj" or token.i in excluded or token.i == root.i:
            continue
        if token.pos_ in {"VERB", "AUX"} or (
            token.pos_ in {"NOUN", "PROPN", "ADJ"} and token.head.pos_ in {"NOUN", "PROPN", "ADJ"}
        ):
            heads.append(token)
    head_ids = {h.i for h in heads}
    chunks = []
    for head in heads:
        tokens = []
        stack = [head]
        while stack:
            token = stack.pop()
            if token.i in excluded:
                continue
            if token.i != head.i and token.i in head_ids:
                continue
            if token.dep_ == "cc" and token.head.i in head_ids:
                continue
            tokens.append(token)
            stack.extend(token.children)
        tokens = sorted(tokens, key=lambda t: t.i)
        tokens = _trim(tokens)
        if not tokens:
            continue
        category, strength = classify(tokens, lexicon)
        if head.i != root.i and head.pos_ != "VERB" and strength < 2:
            continue  # "by land, air and sea": a listed noun names no commitment of its own
        anaphoric = any(t.lower_ in lexicon.anaphors for t in tokens) and len(tokens) <= 8
        chunks.append(Chunk(tokens, category, strength, anaphoric))
    return chunks, condition


def _trim(tokens: list[Token]) -> list[Token]:
    tokens = [t for t in tokens if not t.is_space]
    while tokens and (
        tokens[0].is_punct
        or tokens[0].dep_ in {"cc", "mark", "aux", "punct"}
        or tokens[0].lower_ in {"to", "that"}
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ in {"cc", "punct"}):
        tokens = tokens[:-1]
    # Keep one contiguous stretch: gaps come from excluded phrases.
    if not tokens:
        return tokens
    runs: list[list[Token]] = [[tokens[0]]]
    for token in tokens[1:]:
        if token.i == runs[-1][-1].i + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    return (
        max(runs, key=len)
        if len(runs) > 1 and len(runs[0]) < 2
        else [t for run in runs for t in run]
    )


def classify(tokens: list[Token], lexicon: Lexicon) -> tuple[str | None, int]:
    """The category of the most specific (longest, then earliest) term among ``tokens``."""
    lemmas = [t.lemma_.lower() for t in tokens]
    lowers = [t.lower_ for t in tokens]
    best: tuple[int, int, int, str] | None = None  # (strength, length, -position, category)
    for size in (4, 3, 2, 1):
        for position in range(0, len(tokens) - size + 1):
            for words in (lowers[position : position + size], lemmas[position : position + size]):
                term = " ".join(words)
                category = lexicon.term_index.get(term)
                if category is None and size == 1 and "-" in term:
                    category = lexicon.term_index.get(term.replace("-", " "))
                if category is None:
                    continue
                end = position + size
                if end < len(tokens) and tokens[end].text == "-":
                    continue  # "civilian-led" says nothing about civilians
                strength = 1 if term in lexicon.weak_terms else 2
                key = (strength, size, -position, category)
                if best is None or key[:3] > best[:3]:
                    best = key
                break
    if best is None:
        return None, 0
    return best[3], best[0]


def span_of(tokens: list[Token]) -> Span:
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1]

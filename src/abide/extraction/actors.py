"""Who is meant: names, titles, adjectives, pronouns and "both sides", resolved to the registry.

One ``ActorResolver`` follows one document in reading order: it remembers who was mentioned
last (salience), who the current conversation is with (the counterpart of a call), and the
document's narrator (whose "we" it is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from spacy.tokens import Span, Token

from abide.extraction.lexicon import Lexicon
from abide.extraction.registry import PartyData, PersonData, RegistrySnapshot, normalise
from abide.extraction.types import Actor

PRONOUNS_PERSON = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
PRONOUNS_WE = {"we", "us", "our", "ours", "ourselves"}
PRONOUNS_I = {"i", "me", "my", "mine", "myself"}
PRONOUNS_IT = {"it", "its", "they", "them", "their"}
#: The entities an unknown actor may be proposed from: people and organisations, never places.
PROPOSABLE_ENTS = {"PERSON", "ORG"}
#: The fewest inhabitants of a town whose name is never proposed as a party or a person.
TOWN_POPULATION = 15_000


class Places(Protocol):
    """A gazetteer (``abide.geo.gazetteer.Gazetteer``): the place a name denotes, or None."""

    def resolve(self, name: str) -> Any: ...


@dataclass
class ResolverState:
    persons: list[Actor] = field(default_factory=list)  # most recent last
    parties: list[Actor] = field(default_factory=list)
    counterpart: list[Actor] = field(default_factory=list)
    last_subject: Actor | None = None  # the person last seen as a subject: "he" continues them
    unknown: dict[tuple[str, str], int] = field(default_factory=dict)


class ActorResolver:
    def __init__(
        self,
        registry: RegistrySnapshot,
        lexicon: Lexicon,
        on: dt.date | None,
        narrator: Actor | None = None,
        places: Places | None = None,
        signatories: Sequence[Actor] = (),
        voice: Actor | None = None,
    ) -> None:
        """``places``, a gazetteer, keeps the names of towns and regions the tagger took
        for people or organisations ("Khan Younis", "Port Sudan") from being proposed.
        ``signatories`` are the parties of a joint statement (named by its title): its "we",
        "the leaders" and "both leaders", where no one else is speaking. ``voice`` is the
        person whose "I" the text is, where its title names them ("Remarks by President
        Biden")."""
        self.registry = registry
        self.lexicon = lexicon
        self.on = on
        self.narrator = narrator
        self.places = places
        self.signatories = list(signatories) if len(signatories) >= 2 else []
        self.voice = voice
        self.state = ResolverState()
        #: Every party the document names, in order (for "both sides" before they are named).
        self.document_parties: list[Actor] = []
        self._ents_doc: object = None
        self._ents_at: dict[int, Span] = {}

    # -- building actors -----------------------------------------------------------------

    def from_person(self, person: PersonData, name: str) -> Actor:
        return person_actor(self.registry, person, name, self.on)

    def from_party(self, party: PartyData, name: str) -> Actor:
        return Actor(name=name, party=party.id, party_name=party.name)

    def remember(self, actor: Actor | None, *, subject: bool = False) -> None:
        if actor is None:
            return
        if subject and actor.person:
            self.state.last_subject = actor
        if actor.person or (actor.proposed and actor.person_name):
            self.state.persons = [
                a
                for a in self.state.persons
                if (a.person or a.name) != (actor.person or actor.name)
            ] + [actor]
        if actor.party:
            party = Actor(
                name=actor.party_name or actor.name, party=actor.party, party_name=actor.party_name
            )
            self.state.parties = [a for a in self.state.parties if a.party != party.party] + [party]

    def forget(self) -> None:
        """Forget everything met so far: a new reading of the document begins."""
        self.state = ResolverState()

    def propose(self, name: str, label: str) -> Actor | None:
        """The unknown person or party named ``name``, noted as a proposal for the registry;
        None for a lone word the tagger took for a person (too often a place: "Khankendi"),
        and for the name of a town or region of the gazetteer (a country unknown to the
        registry may still be proposed as a party)."""
        kind = "person" if label == "PERSON" else "party"
        name = name.removesuffix("’s").removesuffix("'s")
        if self._is_a_place(name, person=kind == "person"):
            return None
        if kind == "person":
            words = name.split()
            while (
                len(words) > 2
                and words[0].lower().strip(".") in self.lexicon.titles | self.lexicon.honorifics
            ):
                words = words[1:]
            name = " ".join(words)
            if len(words) < 2:  # a lone word is too often a place the tagger took for a name
                return None
        if kind == "party":
            name = self._legislature(name)
        self._note_unknown(kind, name)
        if kind == "person":
            return Actor(name=name, person_name=name, proposed=True)
        return Actor(name=name, party_name=name, proposed=True)

    def _legislature(self, name: str) -> str:
        """A legislature named by its bare name ("Congress", "the Senate") in a text a state
        narrates, by its state's name ("United States Congress"), as the guideline names
        domestic actors; any other name as it is."""
        bare = name.removeprefix("the ").removeprefix("The ")
        narrator = self.narrator
        if bare.lower() in self.lexicon.legislatures and narrator is not None and narrator.party:
            return f"{narrator.party_name or narrator.name} {bare}"
        return name

    def _is_a_place(self, name: str, *, person: bool) -> bool:
        """``name`` is a town of the gazetteer of at least :data:`TOWN_POPULATION`
        inhabitants: by the town's own name ("Geneva", "Port Sudan", "Sana’a"), or, for a
        name of several words tagged a person, by any of its names ("Khan Younis" for Khān
        Yūnis). A lone word is not judged by a town's other names, nor an acronym at all, nor
        a small town: too many of those are also names of groups or people ("Taliban" and
        "Hamas" are other names of towns, "GAO" is Gao, "Wagner", "Congress" and "Pedro
        Sanchez" small towns)."""
        if self.places is None:
            return False
        words = name.split()
        if words and words[0].lower() == "the":
            words = words[1:]
        if not words or (len(words) == 1 and words[0].isupper()):
            return False
        place = self.places.resolve(" ".join(words))
        if place is None or getattr(place, "kind", "city") == "country":
            return False
        if int(getattr(place, "population", 0) or 0) < TOWN_POPULATION:
            return False
        own_name = _letters(str(getattr(place, "name", ""))) == _letters(" ".join(words))
        return own_name or (person and len(words) > 1)

    # -- resolving a phrase ----------------------------------------------------------------

    def resolve(
        self,
        head: Token,
        *,
        speaker: Actor | None = None,
        exclude: Actor | None = None,
    ) -> list[Actor]:
        """The actors the noun phrase headed by ``head`` denotes (several for "both sides" or
        "the United States and France"). ``speaker`` is whoever is speaking where the phrase
        stands (for "we" and "I"); ``exclude`` is not a candidate for a pronoun."""
        actors = []
        for conj in [head, *_conjuncts(head)]:
            found = self._resolve_one(conj, speaker=speaker, exclude=exclude)
            for actor in found:
                if actor not in actors:
                    actors.append(actor)
        return actors

    def _resolve_one(
        self, head: Token, *, speaker: Actor | None, exclude: Actor | None
    ) -> list[Actor]:
        lower = head.lower_
        if head.pos_ == "PRON" or lower in PRONOUNS_WE | PRONOUNS_I | PRONOUNS_PERSON:
            last = self.state.last_subject
            narrated = speaker is None or speaker == self.narrator
            if (
                lower in {"he", "she"}
                and head.dep_ in {"nsubj", "nsubjpass"}
                and narrated
                and last is not None
                and last != exclude
                and not _same_person(last, self.voice)
            ):
                return [last]  # a subject pronoun continues the last subject
            return self._pronoun(lower, speaker=speaker, exclude=exclude)
        phrase = _phrase(head)
        text = phrase.text
        key = normalise(text)
        for group in self.lexicon.both_sides:
            if group in key:
                return self.both_sides(exclude)
        if self.signatories and key in self.lexicon.signatory_groups:
            return self._the_signatories()
        # "my Administration", "the Biden-Harris Administration": the government speaking.
        if head.lemma_.lower() in self.lexicon.government_nouns:
            owner = self._government_of(phrase, speaker)
            if owner is not None:
                return [owner]
        # "the regime in Myanmar", "the regime": a government named nearby.
        if head.lemma_.lower() in self.lexicon.regime_nouns:
            place = head.doc[head.left_edge.i : head.right_edge.i + 1]
            party = self._party_in(place)
            if party is not None:
                return [party]
            for actor in reversed(self.state.parties):
                if actor != self.narrator and actor != exclude:
                    return [actor]
        # A registry person named in the phrase ("President Ilham Aliyev", "Secretary Blinken").
        person = self._person_in(phrase)
        if person is not None:
            return [person]
        # An office ("the Azerbaijani President", "the Secretary", "President of Azerbaijan").
        title = next((t for t in phrase if t.lower_ in self.lexicon.titles), None)
        party = self._party_in(phrase)
        if title is not None and title.i >= head.i - 1 and title.i <= head.i:
            holder = self._office(phrase, title, party)
            if holder is not None:
                return [holder]
            if party is not None and title.lower_ not in {"officials", "official"}:
                return [party]
        if party is not None:
            return [party]
        for ent in self._ents_in(phrase):
            # Only names of people and organisations are proposed: a place the registry does
            # not know ("Geneva", "Khankendi") is never a party.
            if ent.label_ in PROPOSABLE_ENTS and (ent.root.i == head.i or ent.label_ == "PERSON"):
                if ent.label_ == "PERSON" and not _looks_like_a_name(ent):
                    continue
                proposed = self.propose(ent.text, ent.label_)
                return [proposed] if proposed is not None else []
        return []

    def _government_of(self, phrase: Span, speaker: Actor | None) -> Actor | None:
        party = self._party_in(phrase)
        if party is not None:
            return party
        for token in phrase:
            if token.lower_ in {"my", "our", "this"}:
                who = speaker or self.narrator
                if who is not None and who.party:
                    return Actor(
                        name=who.party_name or who.name, party=who.party, party_name=who.party_name
                    )
        for token in phrase:  # "the Biden-Harris Administration"
            if token.pos_ == "PROPN":
                person = self.registry.person_for(token.text)
                party = self.registry.party_of(person, self.on) if person else None
                if party is not None:
                    return self.from_party(party, phrase.text)
        return None

    def _ents_in(self, phrase: Span) -> list[Span]:
        """The named entities inside ``phrase`` (the document's, indexed once per document:
        ``Span.ents`` walks the whole document at every call)."""
        doc = phrase.doc
        if self._ents_doc is not doc:
            self._ents_doc = doc
            self._ents_at = {}
            for ent in doc.ents:
                self._ents_at[ent.start] = ent
        return [
            ent
            for i in range(phrase.start, phrase.end)
            if (ent := self._ents_at.get(i)) is not None and ent.end <= phrase.end
        ]

    def _person_in(self, phrase: Span) -> Actor | None:
        for ent in self._ents_in(phrase):
            if ent.label_ == "PERSON" and self.registry.party_for(ent.text) is None:
                return self._person_named(ent.text)
        # Names the tagger missed: a run of proper nouns, less any leading title words.
        run = [t for t in phrase if t.pos_ == "PROPN"]
        while run and run[0].lower_ in self.lexicon.titles | self.lexicon.honorifics:
            run = run[1:]
        if run:
            return self._person_named(" ".join(t.text for t in run))
        return None

    def _person_named(self, text: str) -> Actor | None:
        """A person by name; a bare surname ("Trump", "Mrs. Trump") means whoever of that
        name was mentioned last, before the registry's namesake."""
        words = [
            w for w in text.replace(".", " ").split() if w.lower() not in self.lexicon.honorifics
        ]
        if len(words) == 1:
            surname = normalise(words[0])
            for actor in reversed(self.state.persons):
                if normalise(actor.label).split()[-1:] == [surname]:
                    return actor
        person = self.registry.person_for(text)
        if person is not None:
            return self.from_person(person, text)
        return None

    def _party_in(self, phrase: Span) -> Actor | None:
        # Longest first: "the United States", "Nagorno-Karabakh", "Azerbaijani".
        tokens = list(phrase)
        for size in range(min(6, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - size + 1):
                words = tokens[start : start + size]
                if not any(t.pos_ in {"PROPN", "ADJ", "NOUN"} for t in words):
                    continue
                text = phrase.doc[words[0].i : words[-1].i + 1].text
                party = self.registry.party_for(text)
                if party is not None:
                    return self.from_party(party, text)
        return None

    def _office(self, phrase: Span, title: Token, party: Actor | None) -> Actor | None:
        words = [title.lower_]
        for token in phrase.doc[title.i + 1 : phrase.end]:
            if token.dep_ in {"compound", "prep", "pobj"} or token.pos_ in {"PROPN", "NOUN", "ADP"}:
                words.append(token.lower_)
            else:
                break
        for token in reversed(list(phrase.doc[phrase.start : title.i])):
            if token.pos_ in {"NOUN", "PROPN"} and token.lower_ not in {"the"}:
                words.insert(0, token.lower_)
            else:
                break
        candidates = [
            " ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1)
        ]
        party_id = party.party if party else None
        # "minister of defense": the office's own words, which the holder's title must have.
        specific = {
            t.lower_ for t in phrase.doc[title.i + 1 : phrase.end] if t.pos_ == "NOUN"
        }
        # The salient person who holds such an office, then the registry's holder at the date.
        for actor in reversed(self.state.persons):
            person = self.registry.persons.get(actor.person or "")
            if person is None:
                continue
            for role in person.roles:
                if role.active_on(self.on) and (party_id is None or role.party == party_id):
                    held = normalise(role.title).split()
                    if (
                        normalise(role.title).endswith(title.lower_) or title.lower_ in held
                    ) and specific <= set(held):
                        return actor
        for candidate in candidates:
            if party_id is None and candidate in self.lexicon.titles:
                continue  # a bare title names nobody
            if not specific <= set(candidate.split()):
                continue  # "minister of defense" is not any minister
            if candidate.rsplit(" ", 1)[-1] in {"of", "for", "to", "in", "on", "at", "with"}:
                continue  # "head of" (Hanwha Philly Shipyard) is no "Head of ... Department"
            person = self.registry.holder(candidate, party_id, self.on)
            if person is not None:
                return self.from_person(person, phrase.text)
        return None

    def _pronoun(self, lower: str, *, speaker: Actor | None, exclude: Actor | None) -> list[Actor]:
        if lower in PRONOUNS_WE:
            if self.signatories and (speaker is None or speaker == self.narrator):
                return self._the_signatories()  # a joint statement's "we": its signatories
            who = speaker or self.narrator
            if who is None:
                return []
            if who.party:
                return [
                    Actor(
                        name=who.party_name or who.name, party=who.party, party_name=who.party_name
                    )
                ]
            return [who]
        if lower in PRONOUNS_I:
            who = speaker or self.narrator
            if who == self.narrator and self.voice is not None:
                who = self.voice
            return [who] if who else []
        if lower in PRONOUNS_PERSON:
            # "he" or "she" is never whoever says "I" (a speech's speaker, a quote's).
            for actor in reversed(self.state.persons):
                if actor != exclude and actor != speaker and not _same_person(actor, self.voice):
                    return [actor]
            return []
        if lower in PRONOUNS_IT:
            # "Azerbaijan said it would ...": a party speaking of itself.
            if speaker is not None and speaker.party and not speaker.person:
                return [speaker]
            for actor in reversed(self.state.parties):
                if actor != exclude and actor != self.narrator:
                    return [actor]
        return []

    def _the_signatories(self) -> list[Actor]:
        """A joint statement's signatories, each one the registry does not know noted as a
        proposal (as a party named in the text is)."""
        for actor in self.signatories:
            if actor.proposed:
                self._note_unknown("party", actor.name)
        return list(self.signatories)

    def _note_unknown(self, kind: str, name: str) -> None:
        """One more mention of a person or party the registry does not know (a proposal)."""
        key = (kind, name)
        self.state.unknown[key] = self.state.unknown.get(key, 0) + 1

    def both_sides(self, exclude: Actor | None = None) -> list[Actor]:
        """The two parties a text means by "both sides": those of the conversation, else a
        joint statement's signatories, else the last two named, else the first two the
        document names."""
        if len(self.state.counterpart) >= 2:
            return list(self.state.counterpart)
        if self.signatories:
            return self._the_signatories()
        if len(self.state.counterpart) == 1 and self.narrator is not None and self.narrator.party:
            # "Both leaders" in a readout: the narrator's leader and the one called.
            return [self.narrator, *self.state.counterpart]
        skip = {a.party for a in (self.narrator, exclude) if a is not None and a.party}
        parties = [a for a in self.state.parties if a.party not in skip]
        if len(parties) >= 2:
            return parties[-2:]
        ahead = [a for a in self.document_parties if a.party not in skip]
        return ahead[:2]


def _letters(name: str) -> str:
    """A name's letters and digits, folded: "Sana’a" and "Sanaa" are one name."""
    return "".join(ch for ch in normalise(name) if ch.isalnum())


def _looks_like_a_name(ent: Span) -> bool:
    """ "Melania Trump" is a name; "Mother's Day", tagged a person too, is not."""
    return all(t.pos_ == "PROPN" or t.is_punct for t in ent) and not any(
        t.tag_ == "POS" for t in ent
    )


def _phrase(head: Token) -> Span:
    """The noun phrase of ``head`` without relative clauses, conjuncts or appositions."""
    left = head.i
    for child in head.lefts:
        if child.dep_ in {
            "det",
            "amod",
            "compound",
            "poss",
            "nmod",
            "nummod",
            "case",
            "punct",
            "quantmod",
        }:
            left = min(left, child.left_edge.i)
    right = head.i
    for child in head.rights:
        if child.dep_ in {"prep", "compound", "case", "appos"} and child.lower_ in {"of", "'s"} | {
            child.lower_
        }:
            if child.dep_ == "prep" and child.lower_ != "of":
                continue
            if child.dep_ == "appos":
                continue
            right = max(right, child.right_edge.i)
    return head.doc[left : right + 1]


def _conjuncts(head: Token) -> list[Token]:
    return [c for c in head.conjuncts if c.i > head.i]


def person_actor(
    registry: RegistrySnapshot, person: PersonData, name: str, on: dt.date | None
) -> Actor:
    """The registry person ``person``, named ``name`` in the text, with their party on ``on``."""
    party = registry.party_of(person, on)
    return Actor(
        name=name,
        person=person.id,
        party=party.id if party else None,
        person_name=person.name,
        party_name=party.name if party else None,
    )


def actor_key(actor: Actor) -> str:
    return actor.party or actor.person or normalise(actor.name)


def _same_person(actor: Actor, other: Actor | None) -> bool:
    return other is not None and actor.person is not None and actor.person == other.person

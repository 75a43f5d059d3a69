"""Reading a parsed document sentence by sentence: quotes and their speakers, speech events,
the counterpart of each call, and the raw pledges and demands with their content chunks; also
the walk-backs, where a party refuses, denies or puts conditions on what it might have promised
("we will never accept", "Baku refused to reopen the road", "only if")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from abide.extraction.actors import ActorResolver
from abide.extraction.cues import Chunk, content_chunks
from abide.extraction.lexicon import Lexicon
from abide.extraction.speech import (
    Discourse,
    QuoteInfo,
    SpeechEvent,
    according_to,
    addressee_tokens,
    agent_of_passive,
    sentence_date,
    subject_of,
)
from abide.extraction.types import Actor

CONTENT_CLAUSES = {"ccomp", "xcomp", "parataxis"}
#: The kinds of a raw item that walks a pledge back rather than makes one.
WALK_BACKS = ("refuses", "denies", "conditions")
PAST = {"VBD", "VBN"}
FINITE = {"VBD", "VBP", "VBZ", "MD"}
#: Nouns for someone's words, whose possessor says the quote they govern.
WORDS_NOUNS = {"statement", "word", "remark", "comment", "message", "claim", "assertion"}
#: Words a title leaves in lower case ("Camps of Instruction", "Investing in America").
TITLE_SMALL_WORDS = {"a", "an", "and", "the", "of", "for", "in", "on", "to", "at", "by", "or"}


@dataclass
class RawCommitment:
    kind: str  # pledge, demand, or one of WALK_BACKS
    obligors: list[Actor]  # empty: unspecified
    agent: Actor | None
    cue: Token
    chunks: list[Chunk]
    condition: str
    confidence: float
    date: dt.date | None
    event: SpeechEvent | None = None
    quote: QuoteInfo | None = None


@dataclass
class Analysis:
    discourse: Discourse
    raw: list[RawCommitment] = field(default_factory=list)


def attribute_quotes(discourse: Discourse, chunk_roots: dict[int, list[Token]]) -> None:
    """Give each quote its speaker: the speaking verb it depends on, "X said" around it, an
    introduction ending in a colon before it, or the speaker of the paragraph's last quote."""
    doc = discourse.doc
    resolver = discourse.resolver
    previous: QuoteInfo | None = None
    # Names met before each quote make "the Secretary said" resolvable; this first reading
    # leaves the resolver as it found it.
    roots = sorted(
        (root for sentence in chunk_roots.values() for root in sentence), key=lambda t: t.i
    )
    next_root = 0
    for quote in discourse.quotes:
        first, last = quote.tokens
        while next_root < len(roots) and roots[next_root].i < first:
            root = roots[next_root]
            if root.i not in discourse.quote_of_token:
                for actor in resolver.resolve(root, speaker=discourse.speaker_at(root)):
                    resolver.remember(actor)
            next_root += 1
        tokens = range(first, last)
        inside = set(tokens)
        if not _gives_words(doc, first, last, discourse.lexicon):
            continue  # a title, a name or a single word in quotation marks
        verb = _governing_verb(doc, inside, discourse.lexicon)
        if verb is None:
            verb = _speech_verb_near(doc, first, last, inside, discourse.lexicon)
        speaker = None
        someone_else = False  # "her mother said": somebody the registry and the text leave unnamed
        if verb is not None:
            subject = subject_of(verb) or agent_of_passive(verb)
            if (subject is None or subject.i in inside) and verb.i >= last:
                subject = _inverted_subject(verb)
            if subject is not None and subject.i not in inside:
                actors = resolver.resolve(
                    subject,
                    speaker=discourse.speaker_at(verb),
                    exclude=_named_aside(subject, resolver),
                )
                speaker = _person_of(actors[0], subject, resolver) if actors else None
                speaker = _institution(speaker, subject, discourse.lexicon)
                someone_else = not actors and (
                    subject.lower_ in {"he", "she", "they"}
                    or (subject.pos_ == "NOUN" and subject.lower_ not in discourse.lexicon.titles)
                )
                quote.cue = verb.text
        if speaker is None:
            speaker = _next_sentence_subject(doc, first, last, inside, discourse)
        intro = _colon_introduction(doc, first)
        if speaker is None and intro is not None:
            speaker = _named_in(intro, discourse)
        if speaker is None and intro is None:
            speaker = _subject_before_colon(doc, first, discourse)
        if speaker is None:
            speaker = _owner_of_words(doc, first, inside, discourse)
        if speaker is None and not any(t.is_alpha for t in doc[:first]):
            speaker = discourse.author  # a statement opening in quotation marks: its author
        if speaker is None:
            source = according_to(doc[first].sent)  # "According to Miller, “...”"
            if source is not None and source.i not in inside:
                actors = resolver.resolve(source, speaker=discourse.speaker_at(source))
                speaker = actors[0] if actors else None
        if (
            speaker is None
            and intro is None
            and not someone_else
            and previous is not None
            and _continues(doc, previous, quote)
        ):
            speaker = previous.speaker
            quote.cue = previous.cue
        if (
            speaker is not None
            and not speaker.is_person
            and not (speaker.institution and _sentence_like(doc[first:last]))
        ):
            speaker = None  # a party does not speak in quotation marks: a title or a slogan
        quote.speaker = speaker
        if speaker is not None:
            resolver.remember(speaker)
        previous = quote


def _person_at(token: Token, discourse: Discourse, speaker: Actor | None) -> Actor | None:
    """The person the phrase headed by ``token`` names (of the registry or proposed), else
    None."""
    actors = discourse.resolver.resolve(token, speaker=speaker)
    return actors[0] if actors and actors[0].is_person else None


def _before_quote(doc: Doc, first: int) -> int:
    """The index of the last token before a quote's opening marks (-1 at the text's start)."""
    before = first - 1
    while before >= 0 and doc[before].is_quote:
        before -= 1
    return before


def _after_quote(doc: Doc, last: int) -> int:
    """The index of the first token after a quote's closing marks and punctuation."""
    after = last
    while after < len(doc) and (doc[after].is_punct or doc[after].is_quote):
        after += 1
    return after


def _gives_words(doc: Doc, first: int, last: int, lexicon: Lexicon) -> bool:
    """Whether the words between the marks can be someone's words: not a single word (a scare
    quote: “vermin”) nor a title or a name (“Golden Dome”, “Camps of Instruction”: every word
    capitalised, no finite verb)."""
    words = [t for t in doc[first:last] if t.is_alpha]
    if len(words) <= 1:
        return False
    if len(words) > 8 or any(t.tag_ in FINITE for t in doc[first:last]):
        return True
    return not all(t.is_title or t.is_upper or t.lower_ in TITLE_SMALL_WORDS for t in words)


def _named_aside(pronoun: Token, resolver: ActorResolver) -> Actor | None:
    """ "Responding to the question of the accused David Manukyan, he said": the person named
    earlier in the pronoun's sentence, but not as a subject, whom "he" or "she" does not mean."""
    if pronoun.lower_ not in {"he", "she"}:
        return None
    doc = pronoun.doc
    for token in reversed(list(pronoun.sent)):
        if token.i >= pronoun.i or token.ent_type_ != "PERSON":
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].ent_iob_ == "I":
            continue  # the name's last word stands for it
        if token.dep_ in {"nsubj", "nsubjpass"}:
            return None
        actors = resolver.resolve(token)
        return actors[0] if actors else None
    return None


def _inverted_subject(verb: Token) -> Token | None:
    """ "“...,” exclaimed First Lady Melania Trump": the name after the verb, which the parser
    may take for its object."""
    for child in verb.rights:
        if child.dep_ in {"dobj", "attr", "npadvmod", "oprd"} and child.pos_ == "PROPN":
            return child
    return None


def _person_of(actor: Actor, head: Token, resolver: ActorResolver) -> Actor:
    """ "the Armenian leader" said it: the person of that party named last, where an office
    gives only the party; a person the registry does not know, where the phrase names one."""
    if actor.is_person or not actor.party:
        return actor
    if head.ent_type_ == "PERSON":
        # "the British General Phineas Riall": the person named, not the party of "British".
        named = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
        person = resolver.propose(named.text, "PERSON") if named is not None else None
        return person or actor
    if head.lower_ != "leader" or any(c.dep_ == "prep" for c in head.children):
        return actor  # "the minister of defense of Armenia" is not whoever of Armenia spoke
    for person in reversed(resolver.state.persons):
        if person.party == actor.party:
            return person
    return actor


def _colon_introduction(doc: Doc, first: int) -> Span | None:
    """ "French President Emmanuel Macron: “...”", "Statement from President Biden: “...”": the
    words, no verb among them, with which a paragraph opens and introduces the quote."""
    colon = _before_quote(doc, first)
    if colon < 1 or doc[colon].text != ":":
        return None
    start = colon
    while start > 0 and colon - start < 14:
        before = doc[start - 1]
        if before.is_space or before.is_quote or before.text in {".", "!", "?", ":", ";"}:
            break
        start -= 1
    if start > 0 and "\n" not in doc[start - 1].text + doc[start - 1].whitespace_:
        return None
    intro = doc[start:colon]
    if not len(intro) or any(t.pos_ in {"VERB", "AUX"} for t in intro):
        return None
    return intro


def _owner_of_words(doc: Doc, first: int, inside: set[int], discourse: Discourse) -> Actor | None:
    """ "His statement that “Karabakh is Armenia”", "Pashinyan’s words: “...”": whose the
    words are, when a noun for words with a possessor governs the quote."""
    token = doc[first]
    for _ in range(4):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.i in inside:
            continue
        if token.pos_ == "NOUN" and token.lemma_.lower() in WORDS_NOUNS:
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is None:
                return None
            return _person_at(owner, discourse, discourse.speaker_at(owner))
    return None


def _subject_before_colon(doc: Doc, first: int, discourse: Discourse) -> Actor | None:
    """ "Henry rose from his seat, boldly beseeching his fellow Virginians: “...”", "he sees,
    quote, “a failing nation”": the person who is the subject of the clause a colon (or a
    spoken "quote") ends, right before the quote."""
    colon = _before_quote(doc, first)
    if colon >= 1 and doc[colon].text == "," and doc[colon - 1].lower_ == "quote":
        colon -= 1
    elif colon < 1 or doc[colon].text != ":":
        return None
    verb = doc[colon].head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    subject = subject_of(verb) if verb.pos_ in {"VERB", "AUX"} else None
    if subject is None or subject.i > colon:
        return None
    if subject.pos_ != "PROPN" and subject.lower_ not in {"he", "she"}:
        return None
    return _person_at(subject, discourse, discourse.speaker_at(subject))


def _named_in(intro: Span, discourse: Discourse) -> Actor | None:
    """The person an introduction names (the last proper noun heads the name), or the
    institution it names ("Azerbaijani Ministry of Foreign Affairs")."""
    head = intro.root
    if head.lemma_.lower() in discourse.lexicon.institution_nouns:
        actors = discourse.resolver.resolve(head, speaker=discourse.resolver.narrator)
        return _institution(actors[0], head, discourse.lexicon) if actors else None
    names = [t for t in intro if t.pos_ == "PROPN"]
    if not names:
        return None
    return _person_at(names[-1], discourse, discourse.resolver.narrator)


def _institution(actor: Actor | None, head: Token, lexicon: Lexicon) -> Actor | None:
    """A party speaking through the institution its phrase names ("The U.S. State Department
    said", "Azerbaijani Ministry of Foreign Affairs:"): the actor with that institution's name
    as the text gives it; ``actor`` unchanged otherwise."""
    if actor is None or actor.is_person:
        return actor
    if head.lemma_.lower() not in lexicon.institution_nouns:
        return actor
    doc = head.doc
    start = head.left_edge.i
    while start < head.i and doc[start].dep_ in {"det", "punct"}:
        start += 1
    end = head.i + 1
    after = [c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"]
    if after and after[0].right_edge.i - head.i <= 5:
        end = after[0].right_edge.i + 1
    words = doc[start:end]
    if len([t for t in words if t.is_alpha]) < 2:
        return actor  # "the Ministry": which one, the text has said before
    return replace(actor, institution=words.text)


def _sentence_like(words: Span) -> bool:
    """Words an institution can have said: a clause of five words or more."""
    return len([t for t in words if t.is_alpha]) >= 5 and any(
        t.pos_ in {"VERB", "AUX"} for t in words
    )


def _governing_verb(doc: Doc, inside: set[int], lexicon: Lexicon) -> Token | None:
    """Climb from the quote's words to the first verb outside it that speaks or demands."""
    words = lexicon.speech_verbs | lexicon.quote_verbs | lexicon.demand_verbs
    for i in sorted(inside):
        token = doc[i]
        steps = 0
        while token.head.i != token.i and steps < 8:
            token = token.head
            steps += 1
            if token.i in inside:
                continue
            if token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in words:
                return token
            if token.pos_ in {"VERB", "AUX"} and token.dep_ in {"ROOT"}:
                break
        break
    return None


def _speech_verb_near(
    doc: Doc, first: int, last: int, inside: set[int], lexicon: Lexicon
) -> Token | None:
    """ "..., Miller said." after the quote, or "Miller said:" right before it."""
    sent_start = doc[first].sent.start
    sent_end = doc[last - 1].sent.end if last > first else doc[first].sent.end
    stop = min(sent_end, last + 8)
    after = _after_quote(doc, last)
    if sent_end <= after < len(doc) and not doc[after].is_space:
        # "“... are there?” he asked.": the quote closes a sentence the tagger ended there.
        closing = doc[after : min(doc[after].sent.end, after + 3)]
        for token in closing:
            if (
                token.lemma_.lower() in lexicon.quote_verbs
                and token.pos_ in {"VERB", "AUX"}
                and not any(c.dep_ in CONTENT_CLAUSES | {"dobj"} for c in token.children)
            ):
                return token
    for i in list(range(last, stop)) + list(
        range(first - 1, max(sent_start, first - 12) - 1, -1)
    ):
        token = doc[i]
        if (
            token.i not in inside
            and token.lemma_.lower() in lexicon.quote_verbs
            and token.pos_ in {"VERB", "AUX"}
        ):
            return token
    # "Miller said:" closing the previous sentence.
    before = first - 1
    while before >= 0 and (doc[before].is_space or doc[before].is_quote):
        before -= 1
    if before >= 0:
        prev_sent = doc[before].sent
        if prev_sent.end <= first and prev_sent.text.rstrip().endswith(":"):
            for token in prev_sent:
                if token.lemma_.lower() in lexicon.speech_verbs and token.pos_ in {"VERB", "AUX"}:
                    return token
    return None


def _next_sentence_subject(
    doc: Doc, first: int, last: int, inside: set[int], discourse: Discourse
) -> Actor | None:
    """ "“...” First Lady Melania Trump opened her remarks": a quote standing as its own
    sentence, followed at once by a sentence whose subject is a named person."""
    opening = first
    while opening > 0 and (doc[opening - 1].is_quote or doc[opening - 1].is_space):
        opening -= 1
    if opening > 0 and not (doc[opening - 1].is_punct or doc[opening].is_sent_start):
        return None  # "... prayed that God’s blessings prevail over “...”": a quote ending one
    after = _after_quote(doc, last)
    if after >= len(doc) or doc[after].is_space or doc[after].i in inside:
        return None
    sentence = doc[after].sent
    if sentence.start != after and doc[after].sent.start > last:
        return None
    subject = next((t for t in sentence if t.dep_ == "nsubj" and t.head.dep_ == "ROOT"), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    actors = discourse.resolver.resolve(subject)
    return actors[0] if actors and actors[0].is_person else None


def _continues(doc: Doc, previous: QuoteInfo, quote: QuoteInfo) -> bool:
    between = doc.text[previous.end : quote.start]
    return len(between) < 400 and between.count("\n\n") <= 1


def read_discourse(discourse: Discourse) -> Analysis:
    analysis = Analysis(discourse)
    demand_content: set[int] = set()
    chunk_roots: dict[int, list[Token]] = {}
    for chunk in discourse.doc.noun_chunks:  # once per document: per sentence is quadratic
        if chunk.root.pos_ != "PRON":
            chunk_roots.setdefault(chunk.root.sent.start, []).append(chunk.root)
            for token in chunk:
                party = (
                    discourse.resolver.registry.party_for(token.text)
                    if token.pos_ == "PROPN"
                    else None
                )
                if party is not None and all(
                    a.party != party.id for a in discourse.resolver.document_parties
                ):
                    discourse.resolver.document_parties.append(
                        discourse.resolver.from_party(party, token.text)
                    )
    attribute_quotes(discourse, chunk_roots)
    discourse.resolver.forget()
    for sent in discourse.doc.sents:
        _read_sentence(sent, analysis, demand_content, chunk_roots.get(sent.start, []))
    return analysis


def _read_sentence(
    sent: Span, analysis: Analysis, demand_content: set[int], chunk_roots: list[Token]
) -> None:
    d = analysis.discourse
    resolver = d.resolver
    date = sentence_date(sent, d.published)
    if date is not None:
        d.last_date = date
    reporter_token = according_to(sent)
    reporter = None
    if reporter_token is not None:
        actors = resolver.resolve(reporter_token, speaker=d.speaker_at(reporter_token))
        reporter = actors[0] if actors else None

    # Speech events: who speaks to whom here (and so with whom the conversation is).
    events: list[SpeechEvent] = []
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        if lemma not in d.lexicon.speech_verbs and lemma not in d.lexicon.talking_verbs:
            continue
        subject = subject_of(token) or agent_of_passive(token)
        speaker = None
        here = d.speaker_at(token)
        if subject is not None:
            found = resolver.resolve(subject, speaker=here)
            speaker = found[0] if found else None
        addressees: list[Actor] = []
        for target in addressee_tokens(token, d.lexicon):
            addressees.extend(resolver.resolve(target, speaker=here, exclude=speaker))
        content = None
        for child in token.children:
            if child.dep_ in CONTENT_CLAUSES and child.pos_ in {"VERB", "AUX"}:
                content = sent.doc[child.left_edge.i : child.right_edge.i + 1]
                break
        quote = d.quote_at(token)
        event_reporter = reporter
        if quote is not None and quote.speaker is not None and quote.speaker != speaker:
            event_reporter = quote.speaker
        # "X said that Y told Z": the outer speaker reports the inner event.
        for outer in events:
            if outer.content is not None and outer.content.start <= token.i < outer.content.end:
                if outer.speaker is not None and outer.speaker != speaker:
                    event_reporter = outer.speaker
        event = SpeechEvent(
            token,
            speaker,
            addressees,
            event_reporter,
            content,
            d.quote_of_token.get(token.i),
            d.last_date or d.published,
        )
        events.append(event)
        d.events.append(event)
        if (
            addressees
            and speaker is not None
            and lemma in d.lexicon.talking_verbs | d.lexicon.counterpart_verbs
        ):
            d.resolver.state.counterpart = [
                a for a in addressees if a.party != (speaker.party if speaker else None)
            ] or d.resolver.state.counterpart
        for addressee in addressees:
            resolver.remember(addressee)
        if speaker is not None:
            resolver.remember(speaker)

    for token in sent:
        for raw in _cues(token, sent, analysis, events, demand_content):
            analysis.raw.append(raw)

    # Salience: the persons and parties named here, in order.
    for root in chunk_roots:
        subject = root.dep_ in {"nsubj", "nsubjpass"}
        for actor in resolver.resolve(root, speaker=d.speaker_at(root)):
            resolver.remember(actor, subject=subject)
    for event in events:  # a speaker is a subject too, even a pronoun one
        if event.speaker is not None and d.quote_at(event.verb) is None:
            resolver.remember(event.speaker, subject=True)


def _event_for(token: Token, events: list[SpeechEvent], d: Discourse) -> SpeechEvent | None:
    """The speech event whose reported content holds ``token``, if any (innermost)."""
    best = None
    for event in d.events:
        if event.content is not None and event.content.start <= token.i < event.content.end:
            if best is None or event.content.start >= best.content.start:
                best = event
    return best


def _cues(
    token: Token,
    sent: Span,
    analysis: Analysis,
    events: list[SpeechEvent],
    demand_content: set[int],
) -> list[RawCommitment]:
    d = analysis.discourse
    lex = d.lexicon
    lemma = token.lemma_.lower()
    found: list[RawCommitment] = []
    if any(child.dep_ == "neg" for child in token.children) and lemma not in lex.pledge_modals:
        if token.pos_ == "VERB" and lemma in lex.pledge_verbs and token.i not in demand_content:
            return _negated_pledge_verb(token, d, events)  # "we never agreed to withdraw"
        return found
    governor = token.head.head if token.dep_ == "aux" else token.head
    if token.dep_ in {"xcomp", "ccomp", "aux"} and governor.lemma_.lower() in lex.negators:
        if token.dep_ != "aux" or governor.i != token.head.i:
            return found  # "refused to commit", "declined to say it would"
    if token.pos_ in {"VERB"} and lemma in lex.demand_verbs:
        raw = _demand_verb(token, d, events)
        if raw is not None:
            found.append(raw)
    elif token.pos_ == "NOUN" and lemma in lex.demand_nouns:
        raw = _demand_noun(token, d, events)
        if raw is not None:
            found.append(raw)
    elif token.dep_ == "aux" and lemma in lex.demand_modals:
        raw = _demand_modal(token, d, events)
        if raw is not None:
            found.append(raw)
    elif token.dep_ == "ROOT" and token.tag_ == "VB" and lemma in lex.imperative_verbs:
        raw = _imperative(token, d, events)
        if raw is not None:
            found.append(raw)
    for raw in found:
        for chunk in raw.chunks:
            demand_content.update(t.i for t in chunk.tokens)
    if found or token.i in demand_content:
        return found
    if token.pos_ == "VERB" and lemma in lex.walk_back_verbs:
        found.extend(_walk_back_verb(token, d, events))
    elif token.dep_ == "aux" and lemma in lex.pledge_modals:
        found.extend(_pledge_modal(token, d, events))
    elif (
        token.pos_ == "VERB"
        and lemma in lex.ongoing_verbs
        and token.tag_ in {"VBZ", "VBP", "VBG"}
        and not any(c.dep_ == "neg" for c in token.children)
    ):
        found.extend(_ongoing_pledge(token, d, events))
    elif token.pos_ == "VERB" and lemma in lex.pledge_verbs:
        found.extend(_pledge_verb(token, d, events))
    elif (
        token.pos_ in {"ADJ", "VERB"}
        and token.lower_ in lex.pledge_adjectives
        and token.dep_ in {"acomp", "amod", "xcomp", "ccomp", "conj", "advcl", "ROOT"}
    ):
        found.extend(_pledge_adjective(token, d, events))
    elif token.pos_ == "NOUN" and lemma in lex.pledge_nouns:
        found.extend(_pledge_noun(token, d, events))
    # "we will withdraw only if ...": a pledge, and a walk-back of any earlier one without that
    # condition.
    found.extend(
        replace(raw, kind="conditions", confidence=0.6)
        for raw in list(found)
        if raw.kind == "pledge" and raw.condition
    )
    return found


# -- demands --------------------------------------------------------------------------


def _agent(verb: Token, d: Discourse) -> Actor | None:
    subject = subject_of(verb)
    if verb.dep_ == "auxpass" or any(c.dep_ == "auxpass" for c in verb.children):
        subject = agent_of_passive(verb)
    here = d.speaker_at(verb)
    if subject is None:
        return here
    actors = d.resolver.resolve(subject, speaker=here)
    return actors[0] if actors else None


def _obligors_from(tokens: list[Token], d: Discourse, agent: Actor | None) -> list[Actor]:
    found: list[Actor] = []
    for token in tokens:
        for actor in d.resolver.resolve(token, speaker=d.speaker_at(token), exclude=agent):
            if actor not in found:
                found.append(actor)
    return found


def _counterpart(
    token: Token, d: Discourse, events: list[SpeechEvent], agent: Actor | None
) -> list[Actor]:
    for event in reversed(events):
        if event.addressees and (event.verb.i == token.i or _same_clause(event.verb, token)):
            return [a for a in event.addressees if a != agent]
    quote = d.quote_at(token)
    if quote is None:
        return [a for a in d.resolver.state.counterpart if a != agent]
    return []


def _raw(
    kind: str,
    obligors: list[Actor],
    agent: Actor | None,
    cue: Token,
    chunks: list[Chunk],
    condition: str,
    confidence: float,
    d: Discourse,
    events: list[SpeechEvent],
) -> RawCommitment:
    """A raw commitment at ``cue``, dated and placed in its speech event and quote."""
    return RawCommitment(
        kind,
        obligors,
        agent,
        cue,
        chunks,
        condition,
        confidence,
        d.last_date or d.published,
        _event_for(cue, events, d),
        d.quote_at(cue),
    )


def _holders(chunks: list[Chunk], d: Discourse) -> list[Actor]:
    """ "the release of the hostages held by Hamas": who holds them must release them."""
    for chunk in chunks:
        for token in chunk.tokens:
            if token.lemma_.lower() in d.lexicon.holding_verbs:
                for child in token.children:
                    if child.dep_ == "agent":
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                found = d.resolver.resolve(pobj)
                                if found:
                                    return found
    return []


def _names_actor(token: Token, d: Discourse) -> bool:
    """The phrase headed by ``token`` is someone ("Aliyev", "him", "the parties"), not a thing
    that merely mentions someone ("a cessation of hostilities between Israel and Lebanon")."""
    if (
        token.pos_ not in {"PROPN", "PRON"}
        and token.lower_ not in d.lexicon.titles | d.lexicon.collective_nouns
    ):
        return False
    return bool(d.resolver.resolve(token))


def _same_clause(verb: Token, token: Token) -> bool:
    node = token
    for _ in range(6):
        if node.i == verb.i:
            return True
        if node.head.i == node.i:
            return False
        if node.dep_ in {
            "conj",
            "xcomp",
            "advcl",
            "dobj",
            "pobj",
            "prep",
            "acl",
            "ccomp",
            "relcl",
            "amod",
            "compound",
        }:
            node = node.head
        else:
            return False
    return False


def _demand_verb(verb: Token, d: Discourse, events: list[SpeechEvent]) -> RawCommitment | None:
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    content: Token | None = None
    obligor_tokens: list[Token] = []
    for child in children:
        if child.dep_ in {"xcomp", "ccomp"} and child.pos_ in {"VERB", "AUX", "ADJ"}:
            if content is None or (content.dep_ != "xcomp" and child.dep_ == "xcomp"):
                content = child
        elif (
            child.dep_ == "advcl"
            and content is None
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children)
        ):
            content = child  # "called on X to provide": the parser hangs it on the verb
    if lemma in d.lexicon.telling_verbs and content is not None and content.dep_ != "xcomp":
        return None  # "told Y that ...": reported speech, not a demand
    preps = {c.lower_: c for c in children if c.dep_ in {"prep", "prt"}}
    if lemma == "call":
        if "on" in preps or "upon" in preps:
            prep = preps.get("on") or preps.get("upon")
            obligor_tokens = [g for g in prep.children if g.dep_ == "pobj"]
            if content is None:
                content = next(
                    (g for g in prep.children if g.dep_ in {"xcomp", "acl", "relcl"}), None
                )
        elif "for" in preps:
            pobj = next((g for g in preps["for"].children if g.dep_ == "pobj"), None)
            if pobj is None:
                return None
            infinitive = next(
                (g for g in pobj.children if g.dep_ in {"acl", "relcl"} and g.pos_ == "VERB"), None
            )
            if infinitive is not None and d.resolver.resolve(pobj):
                obligor_tokens, content = [pobj], infinitive
            else:
                content = pobj
        else:
            return None
    else:
        objects = [c for c in children if c.dep_ in {"dobj", "dative"}]
        if content is not None:
            subject = next((c for c in content.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None and content.dep_ == "ccomp":
                obligor_tokens = [subject]
            elif objects:
                obligor_tokens = objects
        elif lemma in d.lexicon.object_demand_verbs and objects:
            if _names_actor(objects[0], d):
                return None
            content = objects[0]
        elif lemma in d.lexicon.for_demand_verbs and ("for" in preps):
            content = next((g for g in preps["for"].children if g.dep_ == "pobj"), None)
        elif lemma in d.lexicon.urging_verbs and objects and not _names_actor(objects[0], d):
            content = objects[0]  # "urged restraint"
        if lemma in d.lexicon.appeal_verbs and "to" in preps:
            obligor_tokens = [g for g in preps["to"].children if g.dep_ == "pobj"]
    if content is None:
        return None
    if lemma in d.lexicon.addressed_demand_verbs and not obligor_tokens and content.dep_ != "ccomp":
        if lemma not in d.lexicon.open_demand_verbs:
            return None
    agent = _agent(verb, d)
    obligors = _obligors_from(obligor_tokens, d, agent) if obligor_tokens else []
    if obligor_tokens and not obligors:
        # "urged the parties to the conflict" with the parties named nowhere.
        obligors = []
    if not obligor_tokens:
        obligors = _counterpart(verb, d, events, agent)
    if agent is not None and any(
        o == agent or (o.party and o.party == agent.party) for o in obligors
    ):
        obligors = [o for o in obligors if not (o == agent or (o.party and o.party == agent.party))]
        if not obligors:
            return None
    skip = {t.i for tok in obligor_tokens for t in tok.subtree}
    chunks, condition = content_chunks(content, d.lexicon, skip=skip)
    if not obligor_tokens:
        obligors = _holders(chunks, d) or obligors
    return _raw("demand", obligors, agent, verb, chunks, condition, 0.85, d, events)


def _demand_noun(noun: Token, d: Discourse, events: list[SpeechEvent]) -> RawCommitment | None:
    head = noun.head
    # "underscored the need for ...", "stressed the importance of ...", "the urgency of ..."
    verb = head if head.pos_ in {"VERB", "AUX"} else head.head if head.dep_ == "prep" else None
    if verb is None or verb.pos_ not in {"VERB", "AUX"}:
        return None
    if verb.lemma_.lower() not in d.lexicon.speech_verbs | d.lexicon.emphasis_verbs:
        return None
    content: Token | None = None
    obligor_tokens: list[Token] = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "for", "to"}:
            pobj = next((g for g in child.children if g.dep_ in {"pobj", "pcomp"}), None)
            if pobj is None:
                continue
            infinitive = next(
                (g for g in pobj.children if g.dep_ in {"acl", "relcl"} and g.pos_ == "VERB"), None
            )
            if child.lower_ == "for" and infinitive is not None and d.resolver.resolve(pobj):
                obligor_tokens, content = [pobj], infinitive
            else:
                content = pobj
        elif child.dep_ in {"acl", "relcl", "ccomp", "advcl"} and child.pos_ in {"VERB", "AUX"}:
            content = child
            subject = next((g for g in child.children if g.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is not None:
                obligor_tokens = [subject]
        if content is not None:
            break
    if content is None:
        # "the need for the two countries to conduct ...": the infinitive may hang off the verb.
        return None
    agent = _agent(verb, d)
    obligors = (
        _obligors_from(obligor_tokens, d, agent)
        if obligor_tokens
        else _counterpart(verb, d, events, agent)
    )
    obligors = [o for o in obligors if not (agent and o.party and o.party == agent.party)]
    skip = {t.i for tok in obligor_tokens for t in tok.subtree}
    chunks, condition = content_chunks(content, d.lexicon, skip=skip)
    # "underscored the urgency of X, that there be Y, that there be Z": the subjunctive
    # clauses that follow the noun are demanded too.
    for clause in verb.children:
        subjunctive = clause.tag_ == "VB" or (
            clause.lemma_ == "be" and any(c.dep_ == "expl" for c in clause.children)
        )
        if clause.dep_ == "ccomp" and subjunctive and clause.i > noun.i:
            more, _ = content_chunks(clause, d.lexicon)
            chunks.extend(more)
    if not obligor_tokens:
        obligors = _holders(chunks, d) or obligors
    return _raw("demand", obligors, agent, noun, chunks, condition, 0.75, d, events)


def _demand_modal(aux: Token, d: Discourse, events: list[SpeechEvent]) -> RawCommitment | None:
    verb = aux.head
    speaker = d.speaker_at(aux)
    if speaker is None:
        return None
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        return None
    obligors = [o for o in d.resolver.resolve(subject, speaker=speaker) if not o.proposed]
    if not obligors:
        return None  # "Americans should not travel": advice, not a demand on a party
    if any(o.party and o.party == speaker.party for o in obligors):
        return None
    chunks, condition = content_chunks(
        verb, d.lexicon, skip={t.i for t in subject.subtree} if obligors else set()
    )
    return _raw("demand", obligors, speaker, aux, chunks, condition, 0.65, d, events)


def _imperative(verb: Token, d: Discourse, events: list[SpeechEvent]) -> RawCommitment | None:
    """ "Release them immediately.": a demand on the party last named, in someone's voice."""
    if any(c.dep_ in {"nsubj", "nsubjpass", "aux"} for c in verb.children):
        return None
    speaker = d.speaker_at(verb)
    if speaker is None:
        return None
    obligors = [
        a
        for a in reversed(d.resolver.state.parties)
        if a.party != speaker.party and a != d.resolver.narrator
    ][:1]
    if not obligors:
        return None
    chunks, condition = content_chunks(verb, d.lexicon)
    return _raw("demand", obligors, speaker, verb, chunks, condition, 0.65, d, events)


# -- pledges --------------------------------------------------------------------------


def _reported_speaker(
    token: Token, d: Discourse, events: list[SpeechEvent]
) -> tuple[Actor | None, SpeechEvent | None]:
    event = _event_for(token, events, d)
    if event is not None:
        return event.speaker, event
    return d.speaker_at(token), None


def _pledge_modal(aux: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    verb = aux.head
    if verb.lemma_.lower() in d.lexicon.non_actions and not (
        verb.lemma_.lower() == "be" and _expletive(verb)
    ):
        if not (
            verb.lemma_.lower() == "be"
            and any(
                c.dep_ == "acomp" and c.lower_ in d.lexicon.pledge_adjectives for c in verb.children
            )
        ):
            return []
    if any(c.dep_ == "mark" and c.lower_ in d.lexicon.conditions for c in verb.children):
        return []
    # "we will never accept": a refusal, not a restraint
    refusing = (
        any(c.dep_ == "neg" for c in verb.children) and verb.lemma_.lower() in d.lexicon.refusals
    )
    if refusing and any(c.dep_ == "prt" for c in verb.children):
        return []  # "we will never give up": resolve, neither a refusal nor a promise
    speaker, event = _reported_speaker(aux, d, events)
    if speaker is None:
        return []
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    if subject is None and verb.dep_ == "conj":
        subject = next(
            (c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None
        )
    if subject is None:
        return []
    if subject.dep_ == "expl" or subject.lower_ == "there":
        if event is None:
            return []  # a forecast in the narrator's voice, not a promise
        obligors = [speaker]
    else:
        if subject.lower_ in {"he", "she"} and event is not None and event.speaker is not None:
            obligors = [event.speaker]  # "Aliyev said that he would ...": the speaker
        else:
            obligors = d.resolver.resolve(subject, speaker=speaker)
        if not obligors:
            return []
        if event is None and d.quote_at(aux) is None:
            # The narrator's own voice: only its own party's intentions are pledges.
            narrator = d.resolver.narrator
            if narrator is None or not all(o.party and o.party == narrator.party for o in obligors):
                return []
        else:
            own = speaker.party
            if not all((o.party and o.party == own) or o == speaker for o in obligors):
                return []
    skip = {t.i for t in subject.subtree} | {aux.i}
    chunks, condition = content_chunks(verb, d.lexicon, skip=skip)
    if refusing:  # what is refused, not what the speaker goes on to promise: "..., and we will"
        clauses = [c for c in verb.children if c.dep_ == "conj" and subject_of(c) is not None]
        skip |= {t.i for c in clauses for t in c.subtree}
        chunks, condition = content_chunks(verb, d.lexicon, skip=skip)
        return [_raw("refuses", obligors, None, aux, chunks, condition, 0.7, d, events)]
    return [_raw("pledge", obligors, None, aux, chunks, condition, 0.7, d, events)]


def _expletive(verb: Token) -> bool:
    return any(c.dep_ == "expl" for c in verb.children)


def _pledge_verb(verb: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    content = _content_of(verb, d)
    obligors = _own_actors(verb, d, events) if content is not None else []
    if not obligors:
        return []
    chunks, condition = content_chunks(content, d.lexicon)
    return [_raw("pledge", obligors, None, verb, chunks, condition, 0.85, d, events)]


def _content_of(verb: Token, d: Discourse) -> Token | None:
    """What a pledge or walk-back verb is about: its clause, the object of "to"/"on", or its
    direct object when that is not someone ("agreed to a truce", "rejected the truce")."""
    content = None
    for child in verb.children:
        if child.dep_ in {"xcomp", "ccomp"}:
            content = child
        elif child.dep_ == "prep" and child.lower_ in {"to", "on"}:
            content = next(
                (
                    g
                    for g in child.children
                    if g.dep_ in {"pobj", "pcomp"} and g.ent_type_ not in {"DATE", "TIME"}
                ),
                content,
            )  # "agreed on a truce", not "rejected it on Tuesday"
        elif child.dep_ == "dobj" and content is None and not _names_actor(child, d):
            content = child
    return content


def _own_actors(verb: Token, d: Discourse, events: list[SpeechEvent]) -> list[Actor]:
    """Who the subject of ``verb`` is, "he"/"she" being the one who speaks."""
    subject = subject_of(verb)
    if subject is None:
        return []
    _, event = _reported_speaker(verb, d, events)
    if subject.lower_ in {"he", "she"} and event is not None and event.speaker is not None:
        return [event.speaker]
    return d.resolver.resolve(subject, speaker=d.speaker_at(verb))


def _walk_back_verb(verb: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    """ "Baku refused to reopen the road", "rejected the truce", "denied having agreed to it"."""
    content = _content_of(verb, d)
    actors = _own_actors(verb, d, events) if content is not None else []
    if not actors:
        return []
    kind = "denies" if verb.lemma_.lower() in d.lexicon.denial_verbs else "refuses"
    chunks, condition = content_chunks(content, d.lexicon)
    return [_raw(kind, actors, None, verb, chunks, condition, 0.8, d, events)]


def _negated_pledge_verb(
    verb: Token, d: Discourse, events: list[SpeechEvent]
) -> list[RawCommitment]:
    """ "We never agreed to withdraw" denies a promise; "we do not accept it" refuses one."""
    content = _content_of(verb, d)
    actors = _own_actors(verb, d, events) if content is not None else []
    if not actors:
        return []
    kind = "denies" if verb.tag_ in PAST else "refuses"
    chunks, condition = content_chunks(content, d.lexicon)
    return [_raw(kind, actors, None, verb, chunks, condition, 0.75, d, events)]


def _ongoing_pledge(verb: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    """ "The United States is supporting all efforts to secure the release of hostages": what a
    party says it is doing now, in its own voice, binds it like a promise (weakly)."""
    raws = _pledge_verb(verb, d, events)
    speaker, _ = _reported_speaker(verb, d, events)
    own = speaker.party if speaker is not None else None
    kept = []
    for raw in raws:
        if own and all(o.party == own for o in raw.obligors):
            raw.confidence = 0.6
            kept.append(raw)
    return kept


def _pledge_adjective(adj: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    content = None
    for child in adj.children:
        if child.dep_ in {"xcomp", "ccomp"}:
            content = child
        elif child.dep_ == "prep" and child.lower_ in {"to", "in"}:
            content = next((g for g in child.children if g.dep_ in {"pobj", "pcomp"}), None)
    if content is None:
        return []
    holder = adj.head if adj.dep_ in {"acomp", "xcomp", "advcl", "ccomp", "conj"} else adj
    subject = subject_of(holder) or subject_of(adj)
    if subject is None:
        return []
    obligors = d.resolver.resolve(subject, speaker=d.speaker_at(adj))
    if not obligors:
        return []
    chunks, condition = content_chunks(content, d.lexicon)
    return [_raw("pledge", obligors, None, adj, chunks, condition, 0.8, d, events)]


def _pledge_noun(noun: Token, d: Discourse, events: list[SpeechEvent]) -> list[RawCommitment]:
    content = None
    owner_tokens: list[Token] = []
    for child in noun.children:
        if child.dep_ == "poss" or (
            child.dep_ in {"compound", "amod", "nmod"}
            and child.pos_ == "PROPN"
            and not owner_tokens
        ):
            owner_tokens = [child]  # "Azerbaijan's commitment", "the U.S. commitment"
        elif child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None and d.resolver.resolve(pobj):
                owner_tokens = [pobj]
                for grandchild in pobj.children:  # "the commitment of the US to peace"
                    if grandchild.dep_ == "prep" and grandchild.lower_ == "to":
                        content = next(
                            (g for g in grandchild.children if g.dep_ in {"pobj", "pcomp"}), content
                        )
        elif child.dep_ == "prep" and child.lower_ in {"to", "on"}:
            content = next((g for g in child.children if g.dep_ in {"pobj", "pcomp"}), content)
        elif (
            child.dep_ in {"acl", "ccomp", "relcl"}
            and child.pos_ in {"VERB", "AUX"}
            and content is None
        ):
            if not any(
                g.dep_ in {"nsubj"} and g.lower_ in {"which", "that"} for g in child.children
            ):
                content = child
    if content is None:
        return []
    head = noun.head
    if not owner_tokens:
        if head.pos_ in {"VERB", "AUX"} and head.lemma_.lower() in d.lexicon.affirmation_verbs:
            subject = subject_of(head)
            owner_tokens = [subject] if subject is not None else []
        else:
            return []
    obligors = _obligors_from(owner_tokens, d, None)
    if not obligors:
        return []
    chunks, condition = content_chunks(content, d.lexicon)
    return [_raw("pledge", obligors, None, noun, chunks, condition, 0.7, d, events)]

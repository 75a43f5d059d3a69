"""abide's spaCy components. They read what a document says; they never touch a database.

- ``abide_quotes``: the quotation spans (``doc.spans["abide_quotes"]``).
- ``abide_discourse``: speakers, speech events and raw pledges and demands, in reading order
  (``doc._.abide_analysis``); needs the registry and the document's context in ``user_data``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from abide.extraction.actors import ActorResolver
from abide.extraction.analysis import read_discourse
from abide.extraction.lexicon import LEXICON_FILE, load_lexicon
from abide.extraction.quotes import quote_spans
from abide.extraction.registry import RegistrySnapshot
from abide.extraction.speech import Discourse, QuoteInfo

if not Doc.has_extension("abide_analysis"):
    Doc.set_extension("abide_analysis", default=None)


@Language.component("abide_paragraphs")
def abide_paragraphs(doc: Doc) -> Doc:
    """Start a sentence at every paragraph: the parser must not join two paragraphs."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("abide_quotes")
def abide_quotes(doc: Doc) -> Doc:
    """Mark every span between quotation marks."""
    spans, chars = [], []
    for start, end in quote_spans(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            spans.append(span)
            chars.append((start, end))
    doc.spans["abide_quotes"] = spans
    doc.user_data["abide_quote_chars"] = chars
    return doc


class DiscourseReader:
    """Reads a document in order: quotes' speakers, speech events, pledges and demands."""

    def __init__(self, nlp: Language, name: str, lexicon_path: str) -> None:
        self.name = name
        self.lexicon = load_lexicon(lexicon_path or LEXICON_FILE)
        self.registry = RegistrySnapshot()

    def __call__(self, doc: Doc) -> Doc:
        context = doc.user_data.get("abide_context") or {}
        resolver = ActorResolver(
            self.registry,
            self.lexicon,
            context.get("published"),
            narrator=context.get("narrator"),
            places=context.get("places"),
            signatories=context.get("signatories") or (),
            voice=context.get("voice"),
        )
        discourse = Discourse(
            doc,
            resolver,
            self.lexicon,
            context.get("published"),
            context.get("publisher"),
            author=context.get("author"),
        )
        chars = doc.user_data.get("abide_quote_chars", [])
        for index, span in enumerate(doc.spans.get("abide_quotes", [])):
            start, end = chars[index]
            quote = QuoteInfo(start, end, (span.start, span.end))
            discourse.quotes.append(quote)
            for i in range(span.start, span.end):
                discourse.quote_of_token[i] = index
        doc._.abide_analysis = read_discourse(discourse)
        return doc


@Language.factory("abide_discourse", default_config={"lexicon_path": ""})
def make_discourse_reader(nlp: Language, name: str, lexicon_path: str) -> DiscourseReader:
    return DiscourseReader(nlp, name, lexicon_path)

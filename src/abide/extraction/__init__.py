"""abide.extraction: text in, quotes, statements and commitments out. No Django here.

from abide.extraction import Extractor, RegistrySnapshot, read_file
extractor = Extractor(RegistrySnapshot.from_file("starter_registry.yaml"))
result = extractor.extract(read_file("article.txt", published=date(2023, 9, 27)))
"""

from abide.extraction.document import DocumentError, read_file, read_text
from abide.extraction.extractor import Extractor, ModelError, load_pipeline
from abide.extraction.registry import RegistrySnapshot
from abide.extraction.types import (
    Actor,
    Commitment,
    Document,
    ExtractionResult,
    Link,
    Proposal,
    Quote,
    Span,
    Statement,
)

__all__ = [
    "Actor",
    "Commitment",
    "Document",
    "DocumentError",
    "ExtractionResult",
    "Extractor",
    "Link",
    "ModelError",
    "Proposal",
    "Quote",
    "RegistrySnapshot",
    "Span",
    "Statement",
    "load_pipeline",
    "read_file",
    "read_text",
]

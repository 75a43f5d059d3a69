"""Training abide's learned sentence classifier from the annotated corpus (``make train``).

- ``corpus``: gold files to sentence-level spaCy examples (DocBin).
- ``train``: the seeded, single-threaded run that writes the model and its manifest into
  package data (``abide/extraction/data/model/``).
- ``config.cfg``: the spaCy training config (a bag-of-words ``textcat_multilabel``).
"""

"""What the registry tells other apps."""

from django.dispatch import Signal

#: A new source was stored with its statements, commitments and walk-backs, inside the
#: transaction that stored it. Arguments: ``source``, ``by`` (the user who ingested it).
source_ingested = Signal()

"""What the observations app tells others: an observation was reported or its status changed.

Sent inside the change's transaction, with ``observation`` and ``by`` (the acting user);
compliance listens to bring the assessments it bears on up to date.
"""

from django.dispatch import Signal

observation_changed = Signal()

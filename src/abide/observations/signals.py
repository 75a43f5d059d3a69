"""What the observations app tells others: an observation was reported or its status changed.

Sent inside the change's transaction, with ``observation``, ``by`` (the acting user) and
``created`` (True for a newly reported observation, which changes coverage); compliance
listens to bring the assessments it bears on up to date.
"""

from django.dispatch import Signal

observation_changed = Signal()

"""abide: an open platform for monitoring commitments in armed conflict."""

__version__ = "0.1.0"

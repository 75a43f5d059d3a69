"""The analyst's desk: sources, what was read in them, and the review of proposed commitments."""

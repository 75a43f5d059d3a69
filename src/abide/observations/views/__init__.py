"""The observations' pages: the list and its downloads, the observation page with its
actions and evidence, and the map."""

"""The observations app's pages, a module per topic: reporting, patrols and the offline
service worker; the list and its downloads, the observation page with its actions and
evidence, and the map."""

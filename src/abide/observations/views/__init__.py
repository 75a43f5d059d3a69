"""The observations app's pages, a module per topic."""

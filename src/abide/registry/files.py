"""The registry's data files (no Django here, so that the extraction tools can use them)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
STARTER_REGISTRY = DATA / "starter_registry.yaml"
CATEGORIES = DATA / "categories.yaml"

"""The installed version of the core, kept importable without importlib.metadata (fast start-up)."""

__version__ = "0.1.0"

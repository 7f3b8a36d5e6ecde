"""The library's version (one place; the package and the report's ``versions`` read it)."""

__all__ = ["__version__"]

__version__ = "0.1.0"

"""Server-rendered pages, one module per kind of page."""

from .common import home

__all__ = ["home"]

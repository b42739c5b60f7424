"""Smart intake: suggest the catalog leaf, resolve the address to a street, spot repeat requests.

Public entry points (plain functions for forms, views, the API and tasks):
- suggest_leaves(text, k=3) → [(CatalogItem, score)]            catalog_model / store
- resolve_address(text) → [(street Unit, score, reason)]         address
- sole_street(ranked) → the best street unless several tie       address
- find_repeats(phone, text, street, now=None, window=None)       repeats
- link_repeat(actor, ticket_id, original_id, now=None)           hotline/services/repeats (a write service)
- train_and_save(version=None)                                   store (management command, Celery task)
"""

from .address import guess_district, resolve_address, sole_street
from .repeats import find_repeats, link_repeat
from .store import suggest_leaves, train_and_save

__all__ = ["find_repeats", "guess_district", "link_repeat", "resolve_address", "sole_street", "suggest_leaves",
           "train_and_save"]

"""Reports read from a replica; every write goes to the primary.

Mechanism: the leader-page selectors (assessment/monthly/selectors.py, the drill-down's SQL in scorecards.py and
hotspots.latest_alerts) name their database explicitly with ``.using(reports_db())``. Chosen over the two
alternatives because
- a router keyed on the models they read (Scorecard, MonthClose, Ticket…) would also send month close's and the
  appeals' own reads of those models to a replica that may lag, so a write path could act on stale rows;
- a context manager around report views would also move the session, user and permission lookups of those requests
  to the replica (a fresh login could be missing there) and hide which query goes where.
An explicit alias keeps each decision in the one selector that makes it, greppable, and the write paths untouched.

The router only guards: whatever an instance was read from, it is saved to ``default``; the replica is never
migrated. REPORTS_DATABASE (settings) is "reports" when REPORTS_DATABASE_URL is set, else "default" (no second
connection)."""

from django.conf import settings

PRIMARY = "default"


def reports_db():
    """The alias report reads use: the replica when one is configured, else the primary."""
    return getattr(settings, "REPORTS_DATABASE", PRIMARY)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return None  # the instance's own database for related lookups, else default; reports ask explicitly

    def db_for_write(self, model, **hints):
        return PRIMARY  # also for an instance loaded from the replica

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY

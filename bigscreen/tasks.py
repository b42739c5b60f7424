"""Beat's step for the big screen: recompute the snapshots of the scopes a screen shows now."""

from celery import shared_task

from . import selectors


@shared_task(name="bigscreen.refresh_snapshots")
def refresh_snapshots():
    scopes = selectors.wanted_scopes()
    for district_id in scopes:
        selectors.refresh(district_id)
    return len(scopes)

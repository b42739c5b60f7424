"""Every demo user follows every link reachable from their start page, on generated demo data: no page fails."""

import datetime as dt
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from dispatch.demo import DEMO_USERS
from hotline.demo import seed_demo_tickets

from .page_helpers import login

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout", "/admin/", "/static/", "/api/", "export.xlsx")
PAGES_PER_USER = 120


def reachable_pages(client, start="/"):
    seen, queue, failures = set(), [start], []
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code >= 500 or response.status_code not in (200, 403, 404):
            failures.append((url, response.status_code))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlparse(target).netloc or target.startswith(SKIP) or target in seen:
                continue
            queue.append(target)
    return seen, failures


@pytest.mark.parametrize("username", [name for name, *_ in DEMO_USERS if name != "admin"])
def test_no_page_reachable_by_a_demo_user_fails(client, demo_users, username, time_machine):
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    call_command("load_catalog", verbosity=0)
    seed_demo_tickets(150, now=NOW)
    login(client, demo_users[username])
    seen, failures = reachable_pages(client)
    assert failures == [] and len(seen) > 3, (len(seen), failures)

"""Every demo user follows every link reachable from their start page, on generated demo data: no page fails."""

import datetime as dt
import os
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from config.api_errors import API_PREFIX
from demodata.tickets import seed_demo_tickets
from demodata.users import DEMO_USERS

from .page_helpers import login

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout", "/admin/", "/static/", API_PREFIX, "export.xlsx")
PAGES_PER_USER = 120
# the menu's search form, a GET form the crawl does not fill in: a start page too (an agent's links end at intake and
# an inbox that no longer holds other units' deadline notices)
MENU_SEARCH = "/tickets/?q=暖气"


def reachable_pages(client, start="/"):
    """Breadth-first over the site's own links (GET only): {url: HTML of each page that answered 200 without a
    redirect} and the pages that answered badly."""
    pages, seen, queue, failures = {}, set(), [start, MENU_SEARCH], []
    while queue and len(seen) < PAGES_PER_USER:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code not in (200, 403, 404):
            failures.append((url, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if not response.redirect_chain:  # a page's forms post relative to the page's own address
            pages[url] = html
        for href in LINK.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlparse(target).netloc or target.startswith(SKIP) or target in seen:
                continue
            queue.append(target)
    return pages, failures


def demo_site(client, demo_users, username, time_machine, tickets):
    """Generated demo data at a fixed time, and ``username`` logged in."""
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    call_command("load_catalog", verbosity=0)
    call_command("load_demo_articles", stdout=open(os.devnull, "w"))  # noqa: SIM115 - the knowledge base's pages
    seed_demo_tickets(tickets, now=NOW)
    login(client, demo_users[username])


@pytest.mark.parametrize("username", [name for name, *_ in DEMO_USERS if name != "admin"])
def test_no_page_reachable_by_a_demo_user_fails(client, demo_users, username, time_machine):
    demo_site(client, demo_users, username, time_machine, tickets=150)
    pages, failures = reachable_pages(client)
    assert failures == [] and len(pages) > 3, (len(pages), failures)


class FormParser(HTMLParser):
    """The POST forms of a page: (action, {field name: a value of the page, or ""})."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.current = (attrs.get("action") or "", {})
            self.forms.append(self.current)
        elif self.current and tag in ("input", "textarea", "select") and attrs.get("name"):
            self.current[1].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


GARBAGE = ["", "x" * 5000, "-1", "2026-13-45", "<script>alert(1)</script>", "9" * 30, "\x00"]


@pytest.mark.parametrize("username", ["agent", "dispatcher", "callback", "wangjing", "wangjing_leader", "heating",
                                      "leader"])
def test_garbage_in_every_form_is_refused_without_a_server_error(client, demo_users, username, time_machine):
    demo_site(client, demo_users, username, time_machine, tickets=60)
    pages, _ = reachable_pages(client)
    client.raise_request_exception = False  # collect every 500, not just the first
    failures = []
    for url in sorted(pages)[:40]:
        parser = FormParser()
        parser.feed(pages[url])
        for action, fields in parser.forms:
            target = urljoin(url, action) if action else url
            if target.startswith(SKIP):
                continue
            for junk in GARBAGE:
                data = {name: (value if name == "csrfmiddlewaretoken" else junk) for name, value in fields.items()}
                status = client.post(target, data).status_code
                if status >= 500:
                    failures.append((target, junk[:20], status))
    assert failures == []

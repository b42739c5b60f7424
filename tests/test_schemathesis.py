"""Schemathesis over the whole /api/schema/ as an agent and as a street user: no server error, and every
response (its status and its body) as the schema declares it.

Each operation gets a few generated requests with generated ids, then a few with the ids of seeded records (so
that bodies reach the services), then a few deliberately invalid ones. Hypothesis is derandomized: the same
requests every run. The WSGI app runs in the test's thread, inside its rolled-back transaction.
"""


import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from demodata.users import DEMO_PASSWORD

from .api_helpers import signed_whistled_order
from .lifecycle_helpers import take_call

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
RUNS = [  # (generation mode, seeded ids in the path?, examples per operation)
    (schemathesis.GenerationMode.POSITIVE, False, 2),
    (schemathesis.GenerationMode.POSITIVE, True, 4),
    (schemathesis.GenerationMode.NEGATIVE, True, 2),
]


def few(examples):
    return hypothesis.settings(
        max_examples=examples, derandomize=True, database=None, deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )


@pytest.fixture
def app():
    """Django's WSGI app in this thread: the test transaction stays open across its requests (as the test
    client does, the per-request connection check is off)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with override_settings(SECURE_SSL_REDIRECT=False):  # plain http inside the process
        yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(demo_users, directory, catalog):
    """An order at 望京 signed, with a whistle to 城管 and an extension request pending; a fresh call."""
    ticket, whistle, extension = signed_whistled_order(demo_users, directory, catalog)
    fresh = take_call(demo_users, directory, catalog["heating"], content="暖气不热")
    return {"tickets": (ticket.pk, fresh.pk), "whistles": (whistle.pk,), "extensions": (extension.pk,),
            "code": "110105026"}


def seeded_paths(operation, seeded):
    """Path parameters naming seeded records; None when the path names none."""
    if "{code}" in operation.path:
        return [{"code": seeded["code"]}]
    for kind in ("tickets", "whistles", "extensions"):
        if operation.path.startswith(f"/api/{kind}/{{id}}"):
            return [{"id": str(pk)} for pk in seeded[kind]]
    return None


def describe(failure):
    found = getattr(failure, "exceptions", None) or [failure]
    return "; ".join(" ".join(str(one).split())[:240] for one in found)


class Tally:
    def __init__(self):
        self.operations, self.requests, self.statuses, self.failures = 0, 0, {}, []

    def call(self, case, headers):
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 -- collected, then reported at once
            self.failures.append(f"{case.operation.label}: {describe(failure)}")
            response = None
        self.requests += 1
        if response is not None:
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


def cases(operation, mode, paths):
    if paths is None:
        return operation.as_strategy(generation_mode=mode)
    return st.sampled_from(paths).flatmap(lambda path: operation.as_strategy(generation_mode=mode,
                                                                             path_parameters=path))


def run_operation(operation, seeded, headers, tally):
    tally.operations += 1
    paths = seeded_paths(operation, seeded)
    for mode, with_seeded_ids, examples in RUNS:
        if with_seeded_ids and paths is None and mode is schemathesis.GenerationMode.POSITIVE:
            continue  # no record in the path: the first run already covered it

        @few(examples)
        @hypothesis.given(case=cases(operation, mode, paths if with_seeded_ids else None))
        def send(case):
            tally.call(case, headers)

        try:
            send()
        except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            assert mode is schemathesis.GenerationMode.NEGATIVE


@pytest.mark.parametrize("username", ["agent", "wangjing"])
def test_the_api_keeps_to_its_schema_under_generated_requests(app, seeded, demo_users, username):
    """Throttle rates are raised for tests (tests/settings.py); 429 stays documented on every operation."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    tally = Tally()
    login = schema["/api/auth/token/"]["POST"].Case(body={"username": username, "password": DEMO_PASSWORD},
                                                    media_type="application/json")
    token = tally.call(login, {})
    assert token.status_code == 200, tally.failures
    headers = {"Authorization": f"Token {token.json()['token']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    revoke = [op for op in operations if op.label == "DELETE /api/auth/token/"]
    for operation in [op for op in operations if op not in revoke] + revoke:  # revoking the token goes last
        run_operation(operation, seeded, headers, tally)
    print(f"\nschemathesis as {username}: {tally.operations} operations, {tally.requests} requests, "
          f"{len(tally.failures)} failures; statuses {dict(sorted(tally.statuses.items()))}")
    assert tally.operations >= 30
    assert sum(n for code, n in tally.statuses.items() if code < 300) >= 10  # the run stayed logged in
    assert tally.failures == [], "\n".join(tally.failures)

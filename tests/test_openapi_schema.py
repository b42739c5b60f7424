"""The OpenAPI schema describes every operation: its request body, its success body and the shared Error shape.

A client or fuzzer that trusts /api/schema/ must be able to exercise every body the API takes and check every
body it returns; drf-spectacular must generate it without a warning.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "post", "put", "patch", "delete")
TAKES_BODY = ("post", "put", "patch")
ERROR_REF = "#/components/schemas/Error"


def gaps(schema):
    """Every way an operation falls short, as 'METHOD path: what is missing'."""
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            where, responses = f"{method.upper()} {path}", operation.get("responses", {})
            if method in TAKES_BODY and not operation.get("requestBody", {}).get("content"):
                found.append(f"{where}: no request body")
            success = {code: r for code, r in responses.items() if code.startswith("2")}
            if not success:
                found.append(f"{where}: no 2xx response")
            found += [f"{where}: {code} has no response body" for code, r in success.items()
                      if code != "204" and not r.get("content", {}).get("application/json", {}).get("schema")]
            for code in ("403", "429") + (("400",) if method in TAKES_BODY else ()):
                content = responses.get(code, {}).get("content", {}).get("application/json", {})
                if content.get("schema", {}).get("$ref") != ERROR_REF:
                    found.append(f"{where}: {code} is not the Error shape")
    return found


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_declares_its_request_and_response_bodies(schema):
    operations = [m for ops in schema["paths"].values() for m in ops if m in METHODS]
    assert len(operations) >= 30
    assert gaps(schema) == []


def test_the_error_component_is_the_api_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "code"] and set(error["properties"]) == {"detail", "code", "errors"}


def test_one_token_scheme_for_every_token_check_and_none_to_log_in(schema):
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"cookieAuth", "tokenAuth"}
    assert schemes["tokenAuth"]["name"] == "Authorization"
    login = schema["paths"]["/api/auth/token/"]["post"]
    assert not login.get("security") and "security" not in schema  # where a client without credentials starts
    assert schema["paths"]["/api/tickets/"]["get"]["security"] == [{"cookieAuth": []}, {"tokenAuth": []}]


def test_the_gap_finder_names_a_bodiless_post_and_a_schemaless_get():
    broken = {"paths": {
        "/api/x/": {"post": {"responses": {"200": {"description": "No response body"}}}},
        "/api/y/": {"get": {"responses": {"200": {"description": ""}}}},
    }}
    found = gaps(broken)
    assert "POST /api/x/: no request body" in found and "POST /api/x/: 200 has no response body" in found
    assert "GET /api/y/: 200 has no response body" in found and "GET /api/y/: 403 is not the Error shape" in found


def test_spectacular_validates_the_schema_without_a_warning(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    run = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Warning" not in run.stderr and "Error" not in run.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/no-such-thing/"), ("post", "/api/tickets/12/no-such-action/"), ("get", "/api/tickets/abc/"),
])
def test_an_unknown_api_address_answers_a_json_404(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "接口不存在", "code": "not_found"}


@pytest.mark.django_db
def test_a_missing_final_slash_is_named(client):
    response = client.post("/api/tickets", {}, content_type="application/json")
    assert response.status_code == 404 and response.json()["detail"] == "接口不存在：地址须以 / 结尾"

"""/api/knowledge/: agents read the published articles, owners write their own unit's, the center publishes; every
change is in the trail; bad input is a 400 naming the field."""

import pytest

from knowledge.models import ArticleEvent
from tests.api_helpers import client_for
from tests.knowledge_helpers import published_article

pytestmark = pytest.mark.django_db
URL = "/api/knowledge/articles/"
BODY = {"title": "居住证办理所需材料", "body": "携带**身份证**和居住登记凭证到社区服务站办理。",
        "keywords": "居住证 暂住证",
        "catalog": ["冬季采暖"], "valid_from": "2025-01-01", "review_due": "2027-01-01"}


def test_agent_searches_and_reads_the_published_article(users, catalog):
    article = published_article(users, catalog)
    agent = client_for(users["agent"])
    found = agent.get(URL, {"q": "暖气什么时候开始供"}).json()
    assert found["results"][0]["id"] == article.pk and "<mark>" in found["results"][0]["title_html"]
    assert found["search_id"] is not None
    one = agent.get(f"{URL}{article.pk}/").json()
    assert one["live_version"]["citation"] == "供暖季起止时间（第1版，京政发〔2019〕10号）"
    assert "<strong>11月15日</strong>" in one["body_html"]


def test_owner_writes_center_publishes_and_roles_are_held_to_the_table(users, catalog):
    heating, dispatcher = client_for(users["heating"]), client_for(users["dispatcher"])
    assert client_for(users["agent"]).post(URL, BODY, format="json").status_code == 403
    assert client_for(users["auditor"]).get(URL).status_code == 403
    created = heating.post(URL, BODY, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client_for(users["chengguan"]).post(f"{URL}{pk}/submit/", {}, format="json").status_code == 404
    assert heating.post(f"{URL}{pk}/submit/", {}, format="json").json()["latest_version"]["status"] == "review"
    assert heating.post(f"{URL}{pk}/publish/", {}, format="json").status_code == 403
    published = dispatcher.post(f"{URL}{pk}/publish/", {}, format="json").json()
    assert published["live_version"]["number"] == 1
    edited = heating.post(f"{URL}{pk}/edit/", {**BODY, "body": "新规定"}, format="json").json()
    assert edited["latest_version"]["number"] == 2 and edited["live_version"]["number"] == 1
    assert [e.action for e in ArticleEvent.objects.filter(article_id=pk)] == ["create", "submit", "publish", "edit"]


def test_bad_input_names_the_field(users, catalog):
    heating = client_for(users["heating"])
    response = heating.post(URL, {**BODY, "catalog": ["没有这个条目"], "valid_to": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "catalog" in response.json()["errors"]
    response = heating.post(URL, {**BODY, "valid_to": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "valid_to" in response.json()["errors"]
    assert client_for(users["agent"]).get(URL, {"status": "nonsense"}).status_code == 400
    assert client_for(users["agent"]).get(URL, {"owner": "NOPE"}).status_code == 400


def test_withdraw_needs_a_reason_and_leaves_the_search(users, catalog):
    article = published_article(users, catalog)
    heating = client_for(users["heating"])
    assert heating.post(f"{URL}{article.pk}/withdraw/", {}, format="json").status_code == 400
    assert heating.post(f"{URL}{article.pk}/withdraw/", {"reason": "政策调整"}, format="json").status_code == 200
    assert client_for(users["agent"]).get(URL, {"q": "供暖"}).json()["results"] == []
    assert client_for(users["agent"]).get(f"{URL}{article.pk}/").status_code == 404


def test_direct_answer_through_the_api_cites_a_version(users, directory, catalog):
    from hotline.models import Ticket
    from tests.api_helpers import intake_body

    article = published_article(users, catalog)
    body = intake_body(catalog["policy"], directory["110105026"], request_type="consultation",
                       content="什么时候开始供暖", answer="11月15日开始", cited_version=article.live_version_id)
    response = client_for(users["agent"]).post("/api/tickets/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get().cited_article_version_id == article.live_version_id
    body["cited_version"] = 999999
    response = client_for(users["agent"]).post("/api/tickets/", body, format="json")
    assert response.status_code == 400 and "cited_version" in response.json()["errors"]


def test_a_cited_version_without_an_answer_is_refused(users, directory, catalog):
    from tests.api_helpers import intake_body

    article = published_article(users, catalog)
    body = intake_body(catalog["policy"], directory["110105026"], cited_version=article.live_version_id)
    response = client_for(users["agent"]).post("/api/tickets/", body, format="json")
    assert response.status_code == 400 and "cited_version" in response.json()["errors"]

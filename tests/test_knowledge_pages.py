"""Knowledge base pages: search with highlighting, an article with its use count, the at-intake suggestions, the
direct answer that cites a version (ticket page and print sheet), the review queue and the owners' figures."""

import pytest
from django.urls import reverse

from hotline.services import intake
from knowledge import services
from knowledge.models import KnowledgeSearch
from tests.knowledge_helpers import content, published_article
from tests.lifecycle_helpers import take_call
from tests.page_helpers import login

pytestmark = pytest.mark.django_db


def answered(users, directory, catalog, article):
    return take_call(users, directory, catalog["policy"], content="请问今年什么时候开始供暖", then=intake.ANSWER,
                     answer="供暖季为11月15日至次年3月15日", cited_version=article.live_version_id)


def test_search_highlights_the_words_and_opening_marks_the_search(client, users, catalog):
    article = published_article(users, catalog)
    login(client, users["agent"])
    page = client.get(reverse("knowledge:search"), {"q": "供暖什么时候开始"}).content.decode()
    assert "<mark>供暖</mark>" in page and reverse("knowledge:article", args=[article.pk]) in page
    search = KnowledgeSearch.objects.get()
    assert search.result_count == 1 and search.opened_article is None
    client.get(reverse("knowledge:article", args=[article.pk]), {"s": search.pk})
    search.refresh_from_db()
    assert search.opened_article_id == article.pk


def test_a_search_that_finds_nothing_is_shown_to_owners_by_category(client, users, catalog):
    published_article(users, catalog)
    login(client, users["agent"])
    page = client.get(reverse("knowledge:search"), {"q": "护照加急办理", "category": "城乡建设"}).content.decode()
    assert "没有找到相关条目" in page
    login(client, users["heating"])
    stats = client.get(reverse("knowledge:stats")).content.decode()
    assert "护照加急办理" in stats and "城乡建设（1次" in stats


def test_agents_do_not_see_drafts_and_owners_do(client, users):
    draft = services.create_article(users["heating"], content(title="草稿条目"))
    login(client, users["agent"])
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 404
    login(client, users["heating"])
    assert "草稿条目" in client.get(reverse("knowledge:article", args=[draft.pk])).content.decode()
    login(client, users["chengguan"])
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 404


def test_intake_suggestions_offer_the_article_with_its_version(client, users, catalog):
    article = published_article(users, catalog)
    login(client, users["agent"])
    data = client.get(reverse("knowledge:intake_suggest"), {"text": "想问一下暖气什么时候开始供"}).json()
    first = data["articles"][0]
    assert first["version_id"] == article.live_version_id and "11月15日" in first["answer"]
    assert "**" not in first["answer"]  # Markdown marks are gone from the text read out
    assert first["citation"] == "供暖季起止时间（第1版，京政发〔2019〕10号）"
    login(client, users["heating"])
    assert client.get(reverse("knowledge:intake_suggest"), {"text": "暖气"}).status_code == 403


def test_direct_answer_keeps_the_cited_version_and_the_pages_show_it(client, users, directory, catalog):
    article = published_article(users, catalog)
    ticket = answered(users, directory, catalog, article)
    assert ticket.cited_article_version_id == article.live_version_id
    assert ticket.events.get(action="answer_directly").data["article_version"] == article.live_version_id
    services.edit_article(users["heating"], article.pk, content(body="新的正文"))
    services.submit(users["heating"], article.pk)
    services.publish(users["dispatcher"], article.pk)
    ticket.refresh_from_db()
    assert ticket.cited_article_version.number == 1  # the order keeps what it cited that day
    login(client, users["agent"])
    for name in ("hotline:ticket", "hotline:ticket_print"):
        page = client.get(reverse(name, args=[ticket.pk])).content.decode()
        assert "依据知识库：" in page and "供暖季起止时间（第1版，京政发〔2019〕10号）" in page
    login(client, users["heating"])
    page = client.get(reverse("knowledge:article", args=[article.pk])).content.decode()
    assert "共有 <strong>1</strong> 件工单依据本条目直接答复" in page


def test_a_withdrawn_or_superseded_version_cannot_be_cited(users, directory, catalog):
    article = published_article(users, catalog)
    old = article.live_version_id
    services.withdraw(users["heating"], article.pk, "政策调整")
    with pytest.raises(Exception) as error:
        take_call(users, directory, catalog["policy"], then=intake.ANSWER, answer="答复", cited_version=old)
    assert getattr(error.value, "field", None) == "cited_version"


def test_intake_page_answers_directly_citing_the_version(client, users, directory, catalog):
    article = published_article(users, catalog)
    login(client, users["agent"])
    response = client.post(reverse("hotline:intake"), {
        "caller_phone": "13812341234", "channel": "phone", "district": directory["110105026"].parent_id,
        "street": "望京街道", "address": "望京花家地小区3号楼", "content": "今年什么时候供暖",
        "request_type": "consultation", "urgency": "normal", "catalog_item": catalog["policy"].pk,
        "answer": "11月15日开始供暖",
        "cited_version": article.live_version_id, "submit": "answer"})
    assert response.status_code == 302, response.content.decode()[:2000]
    from hotline.models import Ticket

    ticket = Ticket.objects.get()
    assert ticket.status == "answered" and ticket.cited_article_version_id == article.live_version_id


def test_review_queue_and_publish_from_the_article_page(client, users):
    article = services.create_article(users["heating"], content())
    services.submit(users["heating"], article.pk)
    login(client, users["dispatcher"])
    assert "供暖季起止时间" in client.get(reverse("knowledge:review")).content.decode()
    client.post(reverse("knowledge:action", args=[article.pk, "publish"]))
    article.refresh_from_db()
    assert article.live_version_id == article.latest_version_id


LIST_PAGES = [("knowledge:search", {}), ("knowledge:search", {"q": "供暖"}), ("knowledge:review", {}),
              ("knowledge:stats", {})]


def page_queries(client, name, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse(name), params)  # warm the index and the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "params", "expected"), [(*page, n) for page, n in zip(LIST_PAGES, (8, 11, 6, 8),
                                                                                         strict=True)])
def test_list_pages_query_counts_do_not_grow_with_rows(client, users, catalog, name, params, expected):
    login(client, users["dispatcher"])
    counts = []
    for rows in (2, 6):
        for number in range(rows - (counts and 2 or 0)):
            article = published_article(users, catalog, title=f"供暖条目{rows}-{number}")
            services.edit_article(users["heating"], article.pk, content(body=f"修订{number}"))
            services.submit(users["heating"], article.pk)
        counts.append(page_queries(client, name, params))
    assert counts == [expected, expected]

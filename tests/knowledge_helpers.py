"""Articles for the knowledge-base tests: the heating-season article, owned by 热力集团 (E002)."""

import datetime as dt

from knowledge import services

HEATING = {
    "title": "供暖季起止时间", "body": "本市供暖季为每年**11月15日**至次年3月15日。\n\n遇寒潮可提前供暖。",
    "keywords": "供暖 暖气 采暖期", "source_document": "北京市供热采暖管理办法",
    "document_number": "京政发〔2019〕10号",
    "valid_from": dt.date(2025, 1, 1), "valid_to": None, "review_due": dt.date(2027, 6, 1),
}


def content(**changes):
    return {**HEATING, **changes}


def published_article(users, catalog=None, **changes):
    """The heating article written by 热力集团, submitted, published by the center's dispatcher."""
    fields = content(catalog_items=[catalog["heating"]] if catalog else [], **changes)
    article = services.create_article(users["heating"], fields)
    services.submit(users["heating"], article.pk)
    services.publish(users["dispatcher"], article.pk)
    article.refresh_from_db()
    return article

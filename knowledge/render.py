"""An article's Markdown as safe HTML: markdown-it-py with raw HTML off (tags in the text are shown as text, not
run), links limited to http(s), mailto and relative addresses, opened without the referrer."""

import re

from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

SAFE_LINK = re.compile(r"^(https?:|mailto:|/|#)", re.IGNORECASE)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))


def _link_open(renderer, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _link_open)


def markdown_html(text):
    """The body as HTML that is safe to put in a page."""
    return mark_safe(_md.render(text or ""))  # noqa: S308 - raw HTML is off: markdown-it escapes every tag

"""The one Markdown module: adversarial inputs finish and come out sanitized; the demo texts render as before."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from communities.demo import MATERIALS, TOPICS
from core import markup
from tests.communities.xss import CORPUS, assert_inert

SIZE = 100_000


def _adversarial(n: int) -> dict[str, str]:
    """The shapes that made the old renderer super-linear, plus the classic parser stressors."""
    return {
        "nested brackets": "[" * n + "](" * (n // 2),
        "nested quotes": "> " * (n // 2),
        "nested lists": "".join("  " * i + "- x\n" for i in range(n // 400)),
        "emphasis run": "*a" * (n // 2),
        "emphasis mix": "*_" * (n // 2),
        "long table": "| a | b |\n| --- | --- |\n"
        + "| <script>x</script> | [y](javascript:z) |\n" * (n // 40),
        "links": "[a](javascript:alert(1) " * (n // 25),
        "backticks": "`" * n,
        "mention starts": "@[" * (n // 2),
        "unclosed mentions": ("@[" + "a" * 99 + "](user:") * (n // 108),
        "mentions with markup labels": '@[<img src=x onerror=alert(1)>"](user:1) ' * (n // 40),
        "html tags": "<img src=x onerror=alert(1)>" * (n // 28),
    }


@pytest.mark.parametrize("shape", sorted(_adversarial(10)))
def test_each_adversarial_shape_renders_at_100_kb_and_is_sanitized(shape):
    text = _adversarial(SIZE)[shape][:SIZE]
    html = markup.render(text, profile="lesson")  # the largest profile: the whole 100 KB is parsed
    assert_inert(html)
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "onerror=" not in html.replace("onerror=alert", "")  # the escaped text may say it, no attribute


def test_the_sanitizer_corpus_is_inert_in_every_profile():
    for profile in markup.PROFILES:
        for payload in CORPUS:
            assert_inert(markup.render(payload, profile=profile))


def test_one_link_policy_and_image_sources():
    html = markup.render("[site](https://example.org) [mail](mailto:a@b.ru) [x](vbscript:x)", profile="post")
    assert html == (
        '<p><a href="https://example.org" rel="nofollow ugc noopener">site</a> '
        '<a href="mailto:a@b.ru" rel="nofollow ugc noopener">mail</a> [x](vbscript:x)</p>\n'
    )
    # Images: attachments of this site (or https) only, never a same-site page that would receive a GET.
    assert markup.render("![a](/communities/files/3/) ![b](/communities/t/5/?page=9)", profile="lesson") == (
        '<p><img src="/communities/files/3/" alt="a"> <img alt="b"></p>\n'
    )
    # Raw HTML is text, never markup.
    assert markup.render("<b onclick='x()'>b</b>", profile="post") == (
        "<p>&lt;b onclick='x()'&gt;b&lt;/b&gt;</p>\n"
    )


def test_big_headings_become_h3_and_messages_keep_line_breaks():
    assert markup.render("# Big\n\n## Less\n\n**b**", profile="post") == (
        "<h3>Big</h3>\n<h3>Less</h3>\n<p><strong>b</strong></p>\n"
    )
    assert markup.render("one\ntwo", profile="message") == "<p>one<br>\ntwo</p>\n"
    assert markup.render("one\ntwo", profile="post") == "<p>one\ntwo</p>\n"


def test_length_limits_per_kind_with_a_clear_message():
    assert markup.check_length("  ok  ", profile="post") == "ok"
    markup.check_length("x" * 100_000, profile="lesson")
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        markup.check_length("x" * 20_001, profile="post")
    assert caught.value.messages == ["Текст слишком длинный: 20001 символов, допустимо не больше 20000."]
    with pytest.raises(ValidationError) as caught:
        markup.check_length("x" * 20_001, profile="announcement")
    assert caught.value.code == "too_long"
    with pytest.raises(ValidationError) as caught:
        markup.check_length("x", profile="post", min_length=10)
    assert caught.value.code == "too_short"


def test_excerpt_is_plain_text():
    assert (
        markup.excerpt("## Что внутри\n\n**раздатка** | a |\n\n- один\n- два")
        == "Что внутри раздатка | a | один два"
    )
    assert markup.excerpt("слово " * 100, length=20) == "слово слово слово …"


class _Signature(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.append(
            " ".join([tag] + [f"{k}={values[k]}" for k in ("href", "src", "alt") if k in values])
        )

    def handle_data(self, data):
        self.text.append(data)


def _signature(html: str) -> dict:
    parser = _Signature()
    parser.feed(html)
    return {"tags": parser.tags, "text": " ".join("".join(parser.text).split())}


def test_demo_texts_render_as_the_old_renderer_did():
    """Signatures (tags in order, links, images, text) recorded from the Python-Markdown pipeline."""
    recorded = json.loads((Path(__file__).parent / "demo_render.json").read_text())
    texts = [body for _slug, _title, posts, _solution in TOPICS for _author, body in posts]
    texts += [material[-1] for material in MATERIALS] + [recorded["rich"]]
    assert len(texts) == len(recorded["signatures"])
    for text, expected in zip(texts, recorded["signatures"], strict=True):
        assert _signature(markup.render(text, profile="post")) == expected


def _parse_steps(monkeypatch, text: str) -> int:
    """How many times markdown-it-py's inline parser tried the rules at one position while scanning a label."""
    from markdown_it.parser_inline import ParserInline

    steps = 0
    original = ParserInline.skipToken

    def counted(self, state):
        nonlocal steps
        steps += 1
        return original(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    markup._render.cache_clear()
    markup.render(text, profile="lesson")
    return steps


def test_nested_brackets_cost_a_bounded_number_of_label_steps(monkeypatch):
    """100 KB of `[[[[` took 1-2 s: every `[` started a label scan that tried 20 levels of nesting."""
    for text in ("[" * SIZE, _adversarial(SIZE)["nested brackets"][:SIZE]):
        assert _parse_steps(monkeypatch, text) <= 2 * markup.MAX_BRACKET_DEPTH**2


def test_deep_brackets_stay_text_and_ordinary_nesting_still_links():
    assert (
        markup.render("[" * 40 + "a](https://x.org)", profile="post")
        == "<p>" + "[" * 40 + "a](https://x.org)</p>\n"
    )
    assert markup.render("![" * 30 + "x", profile="post") == "<p>" + "![" * 30 + "x</p>\n"
    assert markup.render("[[a](https://x.org)] and [[[b]]]", profile="post") == (
        '<p>[<a href="https://x.org" rel="nofollow ugc noopener">a</a>] and [[[b]]]</p>\n'
    )

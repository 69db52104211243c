"""An XSS corpus and a checker that parses a page and fails on anything that could run."""

from html.parser import HTMLParser

CORPUS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[click me](javascript:window.__xss=1)",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<<script>script>alert(1)<</script>/script>",
    '<img src="x" /onerror=alert(1)>',
    "[a](&#106;avascript:alert(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<b onmouseover=alert(1)>unclosed <i>malformed",
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "form",
    "base",
    "meta",
    "link",
    "frame",
    "applet",
}


class _Checker(HTMLParser):
    def __init__(self, allowed_scripts: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.problems: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script":
            if not (attrs.get("src") or "").startswith(self.allowed_scripts):
                self.problems.append(f"<script {attrs}>")
        elif tag in {"meta", "link"} and self.in_head:
            pass
        elif tag == "form" and (attrs.get("action") or "").lower().startswith(("javascript", "data")):
            self.problems.append(f"<form {attrs}>")
        elif tag in DANGEROUS_TAGS - {"script", "form", "meta", "link"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "data", "xlink:href"} and value:
                if (
                    value.strip()
                    .lower()
                    .replace("\x00", "")
                    .startswith(("javascript:", "data:", "vbscript:"))
                ):
                    self.problems.append(f"<{tag} {name}={value}>")
            if name == "style" and "javascript" in (value or "").lower():
                self.problems.append(f"<{tag} style=...>")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def assert_inert(html: str | bytes, allowed_scripts: tuple[str, ...] = ("/static/",)) -> None:
    if isinstance(html, bytes):
        html = html.decode()
    checker = _Checker(allowed_scripts)
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems

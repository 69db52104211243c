"""Files an attacker uploads, shared by the attack tests of every upload surface.

Each entry: (the name the user gives, the bytes). A surface must refuse the markup ones with a clear
message and store nothing; it must store an accepted file under a name and type read from its content.
"""

import io

from PIL import Image

PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()

# A PDF signature followed by a web page: passes a magic-byte check, runs as HTML if served as text/html.
POLYGLOT = ("x.html", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n")
SVG = (
    "pic.svg",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
)
XML = ("data.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<note><to>all</to><body>hello</body></note>\n')
HTML_AS_TEXT = ("notes.txt", b"<!DOCTYPE html>\n<p>hello</p><script>alert(1)</script>\n")
PNG_THEN_HTML = ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"<html><script>alert(1)</script>")
MARKUP = [POLYGLOT, SVG, XML, HTML_AS_TEXT]

# Accepted content under hostile names: stored as <random>.pdf, shown under a cleaned name.
DOUBLE_EXTENSION = ("work.pdf.html", PDF)
TRAVERSAL = ("../../etc/passwd.pdf", PDF)
BACKSLASH_TRAVERSAL = ("..\\x.pdf", PDF)
PDF_NAMED_EXE = ("x.exe", PDF)
# (given name, display name the platform keeps)
HOSTILE_NAMES = [
    (DOUBLE_EXTENSION, "work.pdf"),
    (TRAVERSAL, "passwd.pdf"),
    (BACKSLASH_TRAVERSAL, "x.pdf"),
    (PDF_NAMED_EXE, "x.pdf"),
]

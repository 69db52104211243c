"""Benchmark: core/markup.py on adversarial Markdown — milliseconds per shape and size.

    .venv/bin/python bench/markup_adversarial.py [--sizes 1,10,50,100] [--repeat 3] [--markdown FILE]

Each shape (the ones that make Markdown parsers super-linear, plus the classic stressors) is cut to
1, 10, 50 and 100 KB and rendered the whole way a post is: parse, render, sanitize (nh3). The process
cache of `render` is bypassed, so each run does the work. A row gives the best of `--repeat` runs in
ms per size and, last, the 100 KB time over ten times the 10 KB time: about 1 when the time grows
linearly, 10 when it grows with the square. Needs no database.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from table import emit  # noqa: E402

from core import markup  # noqa: E402


def shapes(n: int) -> dict[str, str]:
    return {
        "nested brackets `[[[[`": "[" * n + "](" * (n // 2),
        "brackets and text `[a[a`": "[a" * (n // 2),
        "nested images `![![`": "![" * (n // 2),
        "nested quotes `> > >`": "> " * (n // 2),
        "quotes with text `> a`": "".join("> " * (i % 30) + "a\n" for i in range(n)),
        "emphasis run `*a**a***`": "".join("*" * (i % 4 + 1) + "a" for i in range(n)),
        "emphasis mix `*_*_`": "*_" * (n // 2),
        "long table": "| a | b |\n| --- | --- |\n"
        + "| <script>x</script> | [y](javascript:z) |\n" * (n // 40),
        "nested lists": "".join("  " * (i % 200) + "- x\n" for i in range(n)),
        "links `[a](javascript:`": "[a](javascript:alert(1) " * (n // 25),
        "backticks": "`" * n,
        "mention starts `@[@[`": "@[" * (n // 2),
        "unclosed mentions `@[a…`": ("@[" + "a" * 99 + " ") * (n // 102),
        "mentions `@[Имя](user:1)`": "@[Ольга Бондаренко](user:12) " * (n // 30),
        "html tags": "<img src=x onerror=alert(1)>" * (n // 28),
        "plain prose (baseline)": "Учитель объясняет деление дробей на полосках, дети работают в парах.\n\n"
        * (n // 60),
    }


def best_ms(text: str, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        markup._render.cache_clear()
        started = time.perf_counter()
        markup.render(text, profile="lesson")  # the largest profile (100 KB): nothing is cut
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,50,100", help="sizes in KB (characters × 1000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", help="append the table to this file")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    head = "| shape | " + " | ".join(f"{size} KB ms" for size in sizes) + " | growth |"
    lines = [
        f"### core/markup.py on adversarial Markdown (best of {args.repeat})",
        "",
        head,
        "|" + " --- |" * (len(sizes) + 2),
    ]
    names = list(shapes(10))
    for name in names:
        figures = {}
        for size in sizes:
            text = shapes(size * 1000)[name][: size * 1000]
            figures[size] = best_ms(text, args.repeat)
        growth = "–"
        if 10 in figures and 100 in figures and figures[10] > 0:
            growth = f"{figures[100] / (10 * figures[10]):.1f}"
        lines.append(f"| {name} | " + " | ".join(f"{figures[size]:.1f}" for size in sizes) + f" | {growth} |")
        print(lines[-1], flush=True)
    emit("\n".join(lines) + "\n", args.markdown)


if __name__ == "__main__":
    main()

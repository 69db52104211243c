"""One table format for every benchmark in bench/ (Markdown, so RESULTS.md can hold it as printed).

A row is a dict: name, rate (per second), p50/p95/p99 (ms; None when not measured), errors,
count (requests or items behind the figures), queries (SQL per request/item, "–" if unknown).
Pass `ceiling` (a rate) to add each row's rate as a share of it, labelled `ceiling_label`;
`name_label` and `queries_label` rename those columns for tables of things other than pages.
"""

import math


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def percentiles(seconds: list[float]) -> dict:
    """p50/p95/p99 (ms) of repeated timings in seconds, by nearest rank: of a few repeats, p95 and
    p99 are the slowest run, never an interpolation between runs."""
    ordered = sorted(seconds)
    return {f"p{q}": ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000 for q in (50, 95, 99)}


def markdown_table(
    title: str,
    rows: list[dict],
    *,
    rate_label: str = "req/s",
    ceiling: float | None = None,
    ceiling_label: str = "× trivial",
    name_label: str = "page",
    queries_label: str = "SQL/req",
) -> str:
    head = f"| {name_label} | {rate_label} | p50 ms | p95 ms | p99 ms | errors | {queries_label} |"
    if ceiling:
        head += f" {ceiling_label} |"
    lines = [f"### {title}", "", head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        line = (
            f"| {r['name']} | {r['rate']:.1f} | {_ms(r.get('p50'))} | {_ms(r.get('p95'))} | {_ms(r.get('p99'))} | "
            f"{r.get('errors', 0)} of {r.get('count', '–')} | {r.get('queries', '–')} |"
        )
        if ceiling:
            line += f" {r['rate'] / ceiling:.0%} |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def emit(text: str, markdown: str | None = None) -> None:
    """Print the tables and, with --markdown FILE, append them to that file (RESULTS.md is built so)."""
    print("\n" + text)
    if markdown:
        with open(markdown, "a") as handle:
            handle.write(text + "\n")

"""One table format for every benchmark in bench/ (Markdown, so RESULTS.md can hold it as printed).

A row is a dict: name, rate (per second), p50/p95/p99 (ms; None when not measured), errors,
count (requests or items behind the figures), queries (SQL per request/item, "–" if unknown).
Pass `ceiling` (a rate) to add each row's rate as a share of it, labelled `ceiling_label`.
"""


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown_table(title: str, rows: list[dict], *, rate_label: str = "req/s", ceiling: float | None = None,
                   ceiling_label: str = "× trivial") -> str:
    head = f"| page | {rate_label} | p50 ms | p95 ms | p99 ms | errors | SQL/req |"
    if ceiling:
        head += f" {ceiling_label} |"
    lines = [f"### {title}", "", head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        line = (f"| {r['name']} | {r['rate']:.1f} | {_ms(r.get('p50'))} | {_ms(r.get('p95'))} | {_ms(r.get('p99'))} | "
                f"{r.get('errors', 0)} of {r.get('count', '–')} | {r.get('queries', '–')} |")
        if ceiling:
            line += f" {r['rate'] / ceiling:.0%} |"
        lines.append(line)
    return "\n".join(lines) + "\n"

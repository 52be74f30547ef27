"""Markdown written to make a parser work hard: each function returns about `size` characters of one shape.

Used by the pathological-input tests (`tests/security/test_markdown_linear.py`) and by `bench/markdown.py`."""


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _half(opening: str, closing: str, size: int) -> str:
    n = size // (len(opening) + len(closing))
    return opening * n + closing * n


def _backtick_runs(size: int) -> str:
    """Runs of backticks of every length, none of which closes another."""
    parts, length, total = [], 1, 0
    while total < size:
        parts.append("`" * length + "x")
        total += length + 1
        length = length % 60 + 1
    return "".join(parts)[:size]


def _nested_list(size: int) -> str:
    lines, depth, total = [], 0, 0
    while total < size:
        line = "  " * depth + "- item\n"
        lines.append(line)
        total += len(line)
        depth = (depth + 1) % 200
    return "".join(lines)


def _reference_storm(size: int) -> str:
    definitions = size // 2
    text, n = [], 0
    while sum(map(len, text)) < definitions:
        text.append(f"[r{n}]: /u{n} 'title {n}'\n")
        n += 1
    text.append("\n")
    refs = _repeat("".join(f"[r{i}] [x][r{i}] [r{i}][] " for i in range(0, n, max(1, n // 50))), size - definitions)
    return "".join(text) + refs


def _table(size: int) -> str:
    columns = 200
    header = "| a " * columns + "|\n" + "|---" * columns + "|\n"
    return header + _repeat("|" * columns + "\n", size - len(header))


PATHOLOGICAL = {
    "nested brackets": lambda size: _half("[", "]", size),
    "bracket link openers": lambda size: _repeat("[a](", size),
    "images in brackets": lambda size: _repeat("[![", size),
    "unclosed link titles": lambda size: _repeat('[a](b "', size),
    "emphasis runs": lambda size: _repeat("*a **b _c __d ", size),
    "emphasis openers": lambda size: _repeat("*_", size // 2) + _repeat("a", size // 2),
    "backtick runs": _backtick_runs,
    "nested lists": _nested_list,
    "nested list markers": lambda size: _repeat("- ", size),
    "nested quotes": lambda size: _repeat(">", size),
    "quote lines": lambda size: _repeat("> " * 50 + "a\n", size),
    "link reference storm": _reference_storm,
    "unclosed references": lambda size: _repeat("[a]: <", size),
    "footnote openers": lambda size: _repeat("[^", size),
    "html comments": lambda size: _repeat("<!--", size),
    "unclosed tags": lambda size: _repeat('<a x="', size),
    "entities": lambda size: _repeat("&#", size),
    "autolinks": lambda size: _repeat("<http://", size),
    "wide table": _table,
    "definition lists": lambda size: _repeat("term\n: ", size),
}

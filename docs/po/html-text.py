#!/usr/bin/env python3
"""An mdBook preprocessor that makes the text inside two HTML elements translatable.

`mdbook-xgettext` extracts Markdown, not the text of an HTML block: a self-check question
(`<summary>1. Why …?</summary>`) and a figure's caption (`<figcaption>…</figcaption>`) would stay
in English in the Chinese book. For every renderer but the English HTML book (xgettext, and the
one `.ci/i18n` reads listings from, and the Chinese book), this puts such text on a Markdown
paragraph of its own, between blank lines:

    <summary>1.                   <figcaption>

    Why …?                        The runtime's one thread …

    </summary>                    </figcaption>

(a question's number stays in the HTML: a paragraph that starts with "1. " is a list, and the
number needs no translation). `mdbook-gettext`, which
runs after it, then finds the text as a message of its own; `docs/theme/lab.css` shows the
paragraph inline, as the text was. The English HTML book is left exactly as it was.

It also does the opposite for the table of terms (`po/zh-CN-terms.md`, which the glossary page
includes), in every book: the table is already in both languages, and as Markdown its cells would
be messages shared with the rest of the book (the cell "Future" would take the translation of the
glossary's heading "Future"). As one HTML block, which no tool translates, it reads the same in
both books.
"""

import html
import json
import re
import sys

ELEMENT = re.compile(r"<(summary|figcaption)>(?!\n)(.+?)</\1>", re.S)


def code_spans(text):
    """`<code>x</code>` as a Markdown code span: as inline HTML in a paragraph, its text would get
    mdBook's smart punctuation (`--example` would show as `–example`)."""

    def span(m):
        code = html.unescape(m.group(1))
        fence = "``" if "`" in code else "`"
        pad = " " if fence == "``" else ""
        return f"{fence}{pad}{code}{pad}{fence}"

    return re.sub(r"<code>(.*?)</code>", span, text, flags=re.S)


def split(content):
    def paragraph(m):
        number, text = re.match(r"(\d+\. )?(.*)", m.group(2).strip(), re.S).groups()
        return f"<{m.group(1)}>{number or ''}\n\n{code_spans(text)}\n\n</{m.group(1)}>"

    return ELEMENT.sub(paragraph, content)


def cell(text):
    text = text.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def terms_table(content):
    """The Markdown table of po/zh-CN-terms.md, where a page includes it, as one HTML block."""
    try:
        table = open("po/zh-CN-terms.md", encoding="utf-8").read().strip("\n")
    except OSError:
        return content
    if not table or table not in content:
        return content
    rows = [line.strip().strip("|").split("|") for line in table.splitlines()]
    head = "".join(f"<th>{cell(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in rows[2:])
    html = (f'<div class="table-wrapper"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")
    return content.replace(table, html)


def walk(items, split_text):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if chapter:
            content = terms_table(chapter["content"])
            chapter["content"] = split(content) if split_text else content
            walk(chapter.get("sub_items", []), split_text)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    context, book = json.load(sys.stdin)
    language = context.get("config", {}).get("book", {}).get("language") or "en"
    # Every renderer but the English HTML book: xgettext, and `.ci/i18n`'s own, which must see
    # the same lines.
    split_text = context.get("renderer") != "html" or language != "en"
    walk(book.get("items", book.get("sections", [])), split_text)
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()

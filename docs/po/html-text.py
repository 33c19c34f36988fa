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
"""

import json
import re
import sys

ELEMENT = re.compile(r"<(summary|figcaption)>(?!\n)(.+?)</\1>", re.S)


def split(content):
    def paragraph(m):
        number, text = re.match(r"(\d+\. )?(.*)", m.group(2).strip(), re.S).groups()
        return f"<{m.group(1)}>{number or ''}\n\n{text}\n\n</{m.group(1)}>"

    return ELEMENT.sub(paragraph, content)


def walk(items):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if chapter:
            chapter["content"] = split(chapter["content"])
            walk(chapter.get("sub_items", []))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    context, book = json.load(sys.stdin)
    language = context.get("config", {}).get("book", {}).get("language") or "en"
    # Every renderer but the English HTML book: xgettext, and `.ci/i18n`'s own, which must see
    # the same lines.
    if context.get("renderer") != "html" or language != "en":
        walk(book.get("items", book.get("sections", [])))
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()

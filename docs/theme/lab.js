// Small reading aids for the book, loaded on every page (book.toml, `additional-js`).
(() => {
    // Inline code of up to 40 characters (a command, a path, a name) in the text never breaks
    // across lines. In tables it may: a column of unbreakable code would widen the table.
    for (const code of document.querySelectorAll("main :not(pre) > code")) {
        if (code.textContent.length <= 40 && !code.closest("table")) {
            code.classList.add("nowrap");
        }
    }
    // A terminal transcript that starts with "$ nc ": the lines the user typed are marked. The
    // server's lines start with "* " (notices) or "! " (errors); every other line was typed.
    for (const code of document.querySelectorAll("main pre > code")) {
        const text = code.textContent;
        if (!text.startsWith("$ nc ")) {
            continue;
        }
        code.textContent = "";
        text.replace(/\n$/, "").split("\n").forEach((line, i) => {
            const typed = i > 0 && !line.startsWith("* ") && !line.startsWith("! ");
            const span = document.createElement("span");
            span.textContent = line;
            if (typed) {
                span.className = "typed";
            }
            code.append(span, "\n");
        });
    }
    // Links to the repository's files (an exercise's folder) are written relative to `docs/src/`,
    // which GitHub resolves when it shows a page's source. The published book, at
    // https://<owner>.github.io/<repository>/ (see README.md), sends them to the same path on
    // GitHub instead; so does a build whose book.toml sets `output.html.git-repository-url`.
    const repoButton = document.querySelector('a[title="Git repository"]');
    const pages = location.hostname.match(/^([^.]+)\.github\.io$/);
    const repository = repoButton
        ? repoButton.href.replace(/\/$/, "")
        : pages && `https://github.com/${pages[1]}/${location.pathname.split("/")[1]}`;
    if (repository) {
        for (const a of document.querySelectorAll('main a[href^="../../"]')) {
            const path = a.getAttribute("href").slice("../../".length);
            const kind = /\.[a-z]+$/.test(path) ? "blob" : "tree";
            a.href = `${repository}/${kind}/main/${path}`;
        }
    }
    // A table or listing that scrolls sideways gets `scrolls`, and `at-end` once scrolled to its
    // right edge; the CSS fades the edge out while more is hidden there.
    const scrollers = [...document.querySelectorAll("main .table-wrapper, main pre > code")];
    const mark = (el) => {
        el.classList.toggle("scrolls", el.scrollWidth > el.clientWidth + 1);
        el.classList.toggle("at-end", el.scrollLeft + el.clientWidth >= el.scrollWidth - 1);
    };
    for (const el of scrollers) {
        mark(el);
        el.addEventListener("scroll", () => mark(el), { passive: true });
    }
    window.addEventListener("resize", () => scrollers.forEach(mark));
})();

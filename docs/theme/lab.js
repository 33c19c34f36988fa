// Small reading aids for the book, loaded on every page (book.toml, `additional-js`), and the
// switch between the English and the Chinese book.
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

    // The language switch in the menu bar: the same page in the other book. The English book is
    // at the site's root and the Chinese one in its `zh-CN/` folder (docs/po/README.md);
    // `path_to_root`, which mdBook sets on every page, leads from this page to its book's root.
    const bar = document.querySelector("#mdbook-menu-bar .right-buttons");
    const toRoot = typeof path_to_root === "string" ? path_to_root : "";
    if (bar && !/^[a-z]+:/.test(toRoot)) {
        const chinese = document.documentElement.lang === "zh-CN";
        const depth = toRoot.split("../").length - 1;
        const parts = location.pathname.split("/");
        const page = parts.slice(parts.length - 1 - depth).join("/") || "index.html";
        const books = [
            ["en", "English", chinese ? `${toRoot}../${page}` : null],
            ["zh-CN", "中文", chinese ? null : `${toRoot}zh-CN/${page}`],
        ];
        const menu = document.createElement("div");
        menu.className = "lab-lang";
        const button = document.createElement("button");
        button.type = "button";
        button.className = "icon-button";
        button.title = "Language / 语言";
        button.setAttribute("aria-label", "Language / 语言");
        button.setAttribute("aria-haspopup", "true");
        button.setAttribute("aria-expanded", "false");
        button.textContent = chinese ? "中文" : "English";
        const list = document.createElement("ul");
        list.setAttribute("role", "menu");
        for (const [lang, name, href] of books) {
            const item = document.createElement("li");
            item.setAttribute("role", "none");
            const link = document.createElement("a");
            link.setAttribute("role", "menuitem");
            link.lang = lang;
            link.textContent = name;
            if (href) {
                link.href = href;
            } else {
                link.setAttribute("aria-current", "page");
            }
            item.append(link);
            list.append(item);
        }
        const show = (open) => {
            menu.classList.toggle("open", open);
            button.setAttribute("aria-expanded", String(open));
        };
        button.addEventListener("click", (e) => {
            e.stopPropagation();
            show(!menu.classList.contains("open"));
        });
        document.addEventListener("click", () => show(false));
        document.addEventListener("keydown", (e) => e.key === "Escape" && show(false));
        menu.append(button, list);
        bar.prepend(menu);
    }
})();

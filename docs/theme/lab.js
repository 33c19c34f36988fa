// Small reading aids for the book, loaded on every page (book.toml, `additional-js`).
(() => {
    // Inline code of up to 40 characters (a command, a path, a name) never breaks across lines.
    for (const code of document.querySelectorAll("main :not(pre) > code")) {
        if (code.textContent.length <= 40) {
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
})();

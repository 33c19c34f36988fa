// Injected into a copy of every built book page by `.ci/layout-check`; never part of the book.
// Measures the rendered page and writes what it found into the DOM, where the script reads it.
window.addEventListener("load", () => {
    const faults = [];
    const main = document.querySelector("main");
    const column = main.getBoundingClientRect();
    const describe = (el) => {
        const text = (el.textContent || el.getAttribute("src") || "").trim().split("\n")[0];
        return `<${el.tagName.toLowerCase()}> "${text.slice(0, 70)}"`;
    };
    // A listing, table or picture wider than the column: cut off, or hidden behind a scroll bar.
    for (const el of main.querySelectorAll("pre, pre > code, table, img, svg")) {
        const box = el.getBoundingClientRect();
        if (box.width === 0) {
            // Not laid out (an image not yet loaded): the scroll-width test below still applies.
        } else if (box.right > column.right + 1) {
            faults.push(`${describe(el)} runs ${Math.round(box.right - column.right)} px past the column`);
        } else if (box.left < column.left - 1) {
            faults.push(`${describe(el)} starts ${Math.round(column.left - box.left)} px left of the column`);
        } else if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== "IMG") {
            faults.push(`${describe(el)} hides ${el.scrollWidth - el.clientWidth} px behind a scroll bar`);
        }
    }
    // The sidebar: an automatic section number that disagrees with the "Chapter N" of its title.
    for (const link of document.querySelectorAll("#sidebar .chapter li a, mdbook-sidebar-scrollbox .chapter li a")) {
        const label = link.querySelector("strong");
        const title = link.textContent.match(/Chapter (\d+)/);
        if (label && title && parseInt(label.textContent, 10) !== parseInt(title[1], 10)) {
            faults.push(`sidebar: "${link.textContent.trim()}" is numbered "${label.textContent.trim()}"`);
        }
    }
    // Pictures drawn as SVG: the script reads their text sizes from the file and scales them.
    const svgs = [...main.querySelectorAll("img")]
        .filter((img) => img.getAttribute("src").endsWith(".svg") && img.width > 0)
        .map((img) => [img.getAttribute("src"), img.width, img.naturalWidth]);
    const out = document.createElement("pre");
    out.id = "layout-check-result";
    out.textContent = JSON.stringify({ faults, svgs });
    document.body.appendChild(out);
});

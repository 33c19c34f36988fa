// Injected into a copy of every built book page by `.ci/layout-check`; never part of the book.
// Measures the rendered page and writes what it found into the DOM, where the script reads it.
//
// `window.LAYOUT_CHECK` (set by the script in a copy made for one pass) may ask for a theme,
// which the copy has already stored where mdBook looks for it, and for `picturesOnly`: the
// extra passes at 390 px and in a dark theme check the pictures, not every listing.
window.addEventListener("load", () => {
    const opts = window.LAYOUT_CHECK || {};
    const faults = [];
    const html = document.documentElement;
    const main = document.querySelector("main");
    const column = main.getBoundingClientRect();
    const describe = (el) => {
        const text = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("src") || "")
            .trim().split("\n")[0];
        return `<${el.tagName.toLowerCase()}> "${text.slice(0, 70)}"`;
    };
    if (opts.theme && !html.classList.contains(opts.theme)) {
        faults.push(`the ${opts.theme} theme was asked for but not applied (html class "${html.className}")`);
    }
    const dark = ["coal", "navy", "ayu"].some((t) => html.classList.contains(t));
    // A picture too wide for a phone may scroll sideways inside `.lab-figure-scroll`, which
    // shows a visible cue (`.scroll-cue`) while it scrolls.
    const scrollsWithCue = (el) => {
        const box = el.closest(".lab-figure-scroll");
        if (!box || box.scrollWidth <= box.clientWidth + 1) {
            return false;
        }
        const cue = box.parentElement.querySelector(".scroll-cue");
        return cue !== null && cue.getBoundingClientRect().height > 0 && getComputedStyle(cue).visibility !== "hidden";
    };

    // A listing, table or picture wider than the column: cut off, or hidden behind a scroll bar.
    const wide = opts.picturesOnly ? "img, svg, figure" : "pre, pre > code, table, img, svg";
    for (const el of main.querySelectorAll(wide)) {
        if (el.closest(".lab-figure-scroll")) {
            continue; // it scrolls on purpose; checked with the pictures below
        }
        const box = el.getBoundingClientRect();
        if (box.width === 0) {
            // Not laid out (an image not yet loaded): the scroll-width test below still applies.
        } else if (box.right > column.right + 1) {
            faults.push(`${describe(el)} runs ${Math.round(box.right - column.right)} px past the column`);
        } else if (box.left < column.left - 1) {
            faults.push(`${describe(el)} starts ${Math.round(column.left - box.left)} px left of the column`);
        } else if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== "IMG" && el.tagName.toLowerCase() !== "svg") {
            faults.push(`${describe(el)} hides ${el.scrollWidth - el.clientWidth} px behind a scroll bar`);
        }
    }
    // The language switch (docs/theme/lab.js): on every page, linking the same page in the
    // other language's book; the script checks that the page it links exists.
    let languageLinks = [];
    if (!opts.picturesOnly) {
        const switcher = document.querySelector("#mdbook-menu-bar .lab-lang");
        if (!switcher) {
            faults.push("no language switch in the menu bar");
        } else {
            languageLinks = [...switcher.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"));
            if (languageLinks.length !== 1) {
                faults.push(`the language switch has ${languageLinks.length} links to other books, not 1`);
            }
        }
    }
    if (!opts.picturesOnly) {
        // The sidebar: an automatic section number that disagrees with the "Chapter N" of its title.
        for (const link of document.querySelectorAll("#sidebar .chapter li a, mdbook-sidebar-scrollbox .chapter li a")) {
            const label = link.querySelector("strong");
            // "Chapter N" in English, "第 N 章" in Chinese: the pattern comes with the options.
            const title = link.textContent.match(new RegExp(opts.chapterPattern || "Chapter (\\d+)"));
            if (label && title && parseInt(label.textContent, 10) !== parseInt(title[1], 10)) {
                faults.push(`sidebar: "${link.textContent.trim()}" is numbered "${label.textContent.trim()}"`);
            }
        }
    }

    // Colours: "rgb(r, g, b)" or "rgba(r, g, b, a)" to [luminance 0..1, alpha], or null.
    const colour = (text) => {
        const m = (text || "").match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
        if (!m) {
            return null;
        }
        const [r, g, b] = [m[1], m[2], m[3]].map((v) => parseFloat(v) / 255);
        return [0.2126 * r + 0.7152 * g + 0.0722 * b, m[4] === undefined ? 1 : parseFloat(m[4])];
    };
    const light = (c) => c !== null && c[0] > 0.85 && c[1] > 0.5;

    // Pictures drawn inline (`<figure class="lab-figure">` around an included SVG).
    for (const fig of main.querySelectorAll("figure.lab-figure")) {
        const name = fig.id || describe(fig);
        const svg = fig.querySelector("svg");
        if (fig.textContent.includes("{{#include")) {
            faults.push(`${name}: the picture's include was not expanded`);
        }
        if (!svg) {
            faults.push(`${name}: the figure holds no picture`);
            continue;
        }
        const box = svg.getBoundingClientRect();
        if (box.width < 50 || box.height < 20) {
            faults.push(`${name}: the picture is not shown (${Math.round(box.width)}×${Math.round(box.height)} px)`);
            continue;
        }
        if (!(svg.getAttribute("aria-label") || "").trim() || !svg.querySelector("title")) {
            faults.push(`${name}: the picture has no text alternative (aria-label and <title>)`);
        }
        const caption = fig.querySelector("figcaption");
        if (!caption || !caption.textContent.trim()) {
            faults.push(`${name}: the figure has no caption`);
        }
        // Readable: every text as shown, in CSS pixels.
        let smallest = Infinity;
        for (const t of svg.querySelectorAll("text")) {
            const ctm = t.getScreenCTM();
            const size = parseFloat(getComputedStyle(t).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
            smallest = Math.min(smallest, size);
        }
        if (smallest < opts.minTextPx && !scrollsWithCue(svg)) {
            faults.push(`${name}: shown ${Math.round(box.width)} px wide, its smallest text is ` +
                `${smallest.toFixed(1)} px (at least ${opts.minTextPx} px reads)`);
        }
        // No white slab in a dark theme: no light background behind the picture, and no large
        // light shape in it.
        if (dark) {
            const area = box.width * box.height;
            for (const el of [fig, svg, svg.parentElement]) {
                if (light(colour(getComputedStyle(el).backgroundColor))) {
                    faults.push(`${name}: a light background (${getComputedStyle(el).backgroundColor}) in a dark theme`);
                }
            }
            for (const shape of svg.querySelectorAll("rect, path, circle, ellipse, polygon")) {
                const b = shape.getBoundingClientRect();
                const style = getComputedStyle(shape);
                const fill = colour(style.fill);
                const opacity = parseFloat(style.fillOpacity) * parseFloat(style.opacity);
                if (light(fill) && opacity > 0.5 && b.width * b.height > 0.02 * area) {
                    faults.push(`${name}: a light ${shape.tagName} (${style.fill}) of ${Math.round(b.width)}×` +
                        `${Math.round(b.height)} px in a dark theme`);
                }
            }
        }
    }

    // Pictures as image files: present, and their sizes for the script, which reads the text
    // sizes and the background out of the file.
    const svgs = [];
    for (const img of main.querySelectorAll("img")) {
        if (!img.complete || img.naturalWidth === 0) {
            faults.push(`${describe(img)}: the image is missing or broken`);
            continue;
        }
        if (!(img.getAttribute("alt") || "").trim()) {
            faults.push(`${describe(img)}: the image has no alt text`);
        }
        if (img.getAttribute("src").endsWith(".svg")) {
            svgs.push({
                src: img.getAttribute("src"),
                shown: img.width,
                natural: img.naturalWidth,
                scrolls: scrollsWithCue(img),
                filter: getComputedStyle(img).filter,
                dark,
            });
        }
    }
    const out = document.createElement("pre");
    out.id = "layout-check-result";
    out.textContent = JSON.stringify({ faults, svgs, languageLinks });
    document.body.appendChild(out);
    // A page checked at a phone's width runs in a frame of that width (headless Chromium's
    // window is never narrower than 500 px); the frame's page hands its result up.
    if (window.parent !== window) {
        window.parent.postMessage(out.textContent, "*");
    }
});

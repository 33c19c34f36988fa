// Injected by `.ci/layout-check` into a copy of every built book page, checked at 1280 px and at 390 px;
// never part of the book. Reports listings whose lines the CSS wraps, and, in a narrow window,
// anything that makes the page scroll sideways or hides part of itself without a visible cue.
window.addEventListener("load", () => {
    const main = document.querySelector("main");
    const faults = [];
    const wrapped = [];
    const first = (el) => (el.textContent || "").trim().split("\n")[0].slice(0, 70);

    // Wrapped listing lines: the height of each listing as shown, against its height with
    // wrapping switched off; the difference, in lines, is how many screen lines are wrapped parts.
    for (const code of main.querySelectorAll("pre > code")) {
        if (code.offsetParent === null) {
            continue; // not shown
        }
        const shown = code.getBoundingClientRect().height;
        const before = code.style.whiteSpace;
        code.style.whiteSpace = "pre";
        const unwrapped = code.getBoundingClientRect().height;
        code.style.whiteSpace = before;
        const lines = code.textContent.replace(/\n$/, "").split("\n").length;
        const lineHeight = unwrapped / Math.max(lines, 1);
        const extra = Math.round((shown - unwrapped) / lineHeight);
        if (extra > 0) {
            wrapped.push([first(code), extra]);
        }
    }

    if (window.innerWidth <= 500) {
        // The page itself must never scroll sideways.
        const overflow = document.documentElement.scrollWidth - window.innerWidth;
        if (overflow > 1) {
            faults.push(`the page scrolls sideways by ${overflow} px at ${window.innerWidth} px`);
        }
        const column = main.getBoundingClientRect();
        // A table or listing wider than the column must scroll inside its own box, and show it.
        const boxes = [
            ...[...main.querySelectorAll("table")].map((t) => [t, t.closest(".table-wrapper") || t, "table"]),
            ...[...main.querySelectorAll("pre > code")].map((c) => [c, c, "listing"]),
        ];
        for (const [el, scroller, kind] of boxes) {
            if (el.offsetParent === null) {
                continue;
            }
            const box = scroller.getBoundingClientRect();
            if (box.right > column.right + 1) {
                faults.push(`${kind} "${first(el)}" runs ${Math.round(box.right - column.right)} px past the column`);
                continue;
            }
            if (scroller.scrollWidth > scroller.clientWidth + 1) {
                const style = getComputedStyle(scroller);
                if (!["auto", "scroll"].includes(style.overflowX) && !["auto", "scroll"].includes(getComputedStyle(scroller.parentElement).overflowX)) {
                    faults.push(`${kind} "${first(el)}" is cut off: ${scroller.scrollWidth - scroller.clientWidth} px hidden, no scroll`);
                } else if (style.backgroundImage === "none"
                    && (style.maskImage || style.webkitMaskImage || "none") === "none") {
                    faults.push(`${kind} "${first(el)}" scrolls with no visible cue (no faded or shadowed edge)`);
                }
            }
        }
        // Pictures never wider than the column.
        for (const img of main.querySelectorAll("img")) {
            // A chart inside `.lab-figure-scroll` scrolls sideways on purpose (the figure pass
            // checks its cue): its scrolling box is what must fit the column.
            const box = (img.closest(".lab-figure-scroll") || img).getBoundingClientRect();
            if (box.width > 0 && box.right > column.right + 1) {
                faults.push(`picture ${img.getAttribute("src")} runs ${Math.round(box.right - column.right)} px past the column`);
            }
        }
    }
    const result = JSON.stringify({ faults, wrapped });
    if (window.parent !== window) {
        // Every page is checked in an iframe of a wrapper page (see `.ci/layout-check`): hand
        // the result up, with the page's name.
        const page = decodeURIComponent(location.pathname.split("/").pop());
        window.parent.postMessage(JSON.stringify([page, result]), "*");
    } else {
        const out = document.createElement("pre");
        out.id = "layout-check-lines-result";
        out.textContent = result;
        document.body.appendChild(out);
    }
});

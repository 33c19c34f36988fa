//! A small SVG writer for figures that sit inline in a book page.
//!
//! The pages pull each file in with mdBook's `include`, so the SVG becomes part of the page's HTML.
//! Two consequences shape this writer:
//!
//! - Colours come from the page: text and lines use the theme's `--fg`, accents use the
//!   `--fig-*` variables that `docs/theme/lab.css` sets per theme, and nothing paints a
//!   background. The fallbacks after each `var(…)` are for a file opened on its own.
//! - The markup has no blank line: Markdown ends a raw HTML block at the first one.

use std::fmt::Write as _;

/// The class rules every figure carries, shared by the generated and the hand-drawn ones.
pub const STYLE: &str = "<style>\
.f-ink{fill:var(--fg,#222)}\
.f-mute{fill:var(--fig-mute,#6b6b6b)}\
.f-line{stroke:var(--fg,#222);fill:none}\
.f-mline{stroke:var(--fig-mute,#6b6b6b);fill:none}\
.f-code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
.f-b{font-weight:bold}\
.f-blue{fill:var(--fig-blue-bg,rgba(40,110,220,.16));stroke:var(--fig-blue,#2a6bd6)}\
.f-green{fill:var(--fig-green-bg,rgba(40,150,70,.16));stroke:var(--fig-green,#23803a)}\
.f-orange{fill:var(--fig-orange-bg,rgba(220,120,20,.18));stroke:var(--fig-orange,#b35c00)}\
.f-red{fill:var(--fig-red-bg,rgba(210,40,40,.14));stroke:var(--fig-red,#c0282d)}\
.f-grey{fill:var(--fig-grey-bg,rgba(128,128,128,.14));stroke:var(--fig-mute,#6b6b6b)}\
.f-tblue{fill:var(--fig-blue,#2a6bd6)}\
.f-tgreen{fill:var(--fig-green,#23803a)}\
.f-torange{fill:var(--fig-orange,#b35c00)}\
.f-tred{fill:var(--fig-red,#c0282d)}\
.f-sblue{stroke:var(--fig-blue,#2a6bd6);fill:none}\
.f-sgreen{stroke:var(--fig-green,#23803a);fill:none}\
.f-sorange{stroke:var(--fig-orange,#b35c00);fill:none}\
.f-sred{stroke:var(--fig-red,#c0282d);fill:none}\
.f-dash{stroke-dasharray:4 3}\
</style>";

/// Escapes text for an SVG text node or attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Clone, Copy)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG being drawn: a view box `width` wide, grown downwards as elements are added.
pub struct Svg {
    /// Prefix of every `id` in the file, so that two figures on one page cannot clash.
    id: String,
    width: f64,
    body: String,
}

/// Formats a coordinate with at most one decimal, so that the output is stable and short.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl Svg {
    /// A figure whose ids start with `id` (also the file's name).
    pub fn new(id: &str, width: f64) -> Svg {
        Svg {
            id: id.to_string(),
            width,
            body: String::new(),
        }
    }

    /// Appends what another `Svg` of the same figure drew: a figure can lay out its rows once
    /// and still draw its lifelines under them.
    pub fn append(&mut self, other: Svg) {
        self.body.push_str(&other.body);
    }

    /// A line of text. `class` holds the classes (`f-ink`, `f-code`, …).
    #[allow(
        clippy::too_many_arguments,
        reason = "a drawing call reads best with its coordinates in line"
    )]
    pub fn text(&mut self, x: f64, y: f64, size: f64, class: &str, anchor: Anchor, text: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" class="{class}" text-anchor="{}">{}</text>"#,
            n(x),
            n(y),
            n(size),
            anchor.name(),
            escape(text)
        );
    }

    /// A rectangle with rounded corners.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, rx: f64, class: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" class="{class}"/>"#,
            n(x),
            n(y),
            n(w),
            n(h),
            n(rx)
        );
    }

    /// A straight line, with an arrowhead at its end when `arrow` is set.
    #[allow(
        clippy::too_many_arguments,
        reason = "a drawing call reads best with its coordinates in line"
    )]
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str, arrow: bool) {
        let marker = if arrow {
            format!(r#" marker-end="url(#{}-arrow)""#, self.id)
        } else {
            String::new()
        };
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}" stroke-width="1.5"{marker}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// The finished file: `label` is the short text alternative (`aria-label` and `<title>`),
    /// `desc` the long one (`<desc>`), `height` the view box's height.
    pub fn finish(self, height: f64, label: &str, desc: &str) -> String {
        let id = &self.id;
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="lab-svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">"#,
            w = n(self.width),
            h = n(height),
            label = escape(label),
        );
        let _ = writeln!(out, r#"<title id="{id}-title">{}</title>"#, escape(label));
        let _ = writeln!(out, r#"<desc id="{id}-desc">{}</desc>"#, escape(desc));
        out.push_str(STYLE);
        out.push('\n');
        let _ = writeln!(
            out,
            r#"<defs><marker id="{id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="f-ink"/></marker></defs>"#
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_figure_has_no_blank_line_and_names_itself() {
        let mut svg = Svg::new("t", 100.0);
        svg.text(1.0, 2.0, 13.0, "f-ink", Anchor::Start, "a <b> & \"c\"");
        let out = svg.finish(50.0, "label", "long");
        assert!(!out.contains("\n\n"), "{out}");
        assert!(out.contains(r#"aria-label="label""#), "{out}");
        assert!(out.contains("a &lt;b&gt; &amp; &quot;c&quot;"), "{out}");
        assert!(
            out.contains(r#"<title id="t-title">label</title>"#),
            "{out}"
        );
    }
}

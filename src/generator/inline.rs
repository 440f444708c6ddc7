//! The inline content of a cell or heading, and the texts made of it: plain
//! text as a reader sees it, and markdown that rustdoc renders the same way.

/// Inline content of a cell or heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Html(String),
    /// Markdown the catalogue does not support in cells (emphasis, links, ...).
    Unsupported(&'static str),
}

/// Text as a reader sees it: escapes resolved, code spans kept with backticks.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(text),
            Inline::Code(code) => push_code_span(&mut out, code),
            Inline::Html(html) => out.push_str(html),
            Inline::Unsupported(_) => {}
        }
    }
    out.trim().to_owned()
}

/// The same text as markdown for rustdoc: markup characters escaped, so that
/// the doc comment renders exactly the plain text with its code spans.
pub fn doc_markdown(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(text) => {
                for c in text.chars() {
                    if matches!(
                        c,
                        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '#'
                    ) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            Inline::Code(code) => push_code_span(&mut out, code),
            Inline::Html(_) | Inline::Unsupported(_) => {}
        }
    }
    escape_list_marker(out.trim())
}

/// The text starts a doc line: a leading `-`, `+` or `1.`/`1)` would make it
/// a list item, so the marker's punctuation is escaped.
fn escape_list_marker(text: &str) -> String {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = match text[digits..].chars().next() {
        Some('.' | ')') if digits > 0 => digits,
        Some('-' | '+') if digits == 0 => 0,
        _ => return text.to_owned(),
    };
    format!("{}\\{}", &text[..marker], &text[marker..])
}

/// `text` as an inline code span, for messages quoting spec source.
pub fn code_span(text: &str) -> String {
    let mut out = String::new();
    push_code_span(&mut out, text);
    out
}

fn push_code_span(out: &mut String, code: &str) {
    let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if longest_run > 0 { " " } else { "" };
    out.push_str(&fence);
    out.push_str(pad);
    out.push_str(code);
    out.push_str(pad);
    out.push_str(&fence);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Inline {
        Inline::Text(text.to_owned())
    }

    fn code(code: &str) -> Inline {
        Inline::Code(code.to_owned())
    }

    #[test]
    fn plain_text_keeps_code_spans_with_their_backticks_and_trims() {
        let inlines = [
            text("  Set "),
            code("Parse.Cloud.httpRequest"),
            text(" again. "),
        ];
        assert_eq!(plain_text(&inlines), "Set `Parse.Cloud.httpRequest` again.");
    }

    #[test]
    fn doc_markdown_escapes_what_rustdoc_would_read_as_markup() {
        // The text as pulldown-cmark resolved it from `a-zA-Z0-9\_ <b> *x* [y]`.
        let inlines = [text("a-zA-Z0-9_ <b> *x* [y] & ~z~ | #1 \\"), code("a_b")];
        assert_eq!(
            doc_markdown(&inlines),
            "a-zA-Z0-9\\_ \\<b\\> \\*x\\* \\[y\\] \\& \\~z\\~ \\| \\#1 \\\\`a_b`"
        );
    }

    #[test]
    fn a_leading_list_marker_is_escaped_and_nothing_else_is() {
        for (plain, markdown) in [
            ("- item", "\\- item"),
            ("+1 more", "\\+1 more"),
            ("1. first", "1\\. first"),
            ("42) answer", "42\\) answer"),
            ("-1 means none", "\\-1 means none"),
            ("1 of 2. Fine", "1 of 2. Fine"),
            ("Plain - text", "Plain - text"),
            // Punctuation that is not a marker where it stands stays as it is.
            (".5 seconds", ".5 seconds"),
            (") aside", ") aside"),
            ("1-2 retries", "1-2 retries"),
            ("3+ times", "3+ times"),
        ] {
            assert_eq!(doc_markdown(&[text(plain)]), markdown, "{plain}");
        }
    }

    #[test]
    fn a_code_span_holding_backticks_gets_a_longer_fence() {
        assert_eq!(code_span("plain"), "`plain`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("``"), "``` `` ```");
    }
}

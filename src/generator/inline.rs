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
    out.trim().to_owned()
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

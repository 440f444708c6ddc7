//! The rules for a `##` section heading and its `{#anchor}`.

use super::super::diagnostics::{Diagnostic, Location};
use super::super::inline::{code_span, Inline};
use super::super::naming::category_variant;
use super::super::read::RawHeading;
use super::FirstUses;

/// The anchor written in the heading source (`{#...}` at the end), if any.
pub(super) fn heading_anchor(heading: &RawHeading) -> Option<&str> {
    let line = heading.source.trim_end();
    let open = line.rfind('{')?;
    line.ends_with('}').then(|| &line[open + 1..line.len() - 1])
}

/// The column of the first closing `#`, when the heading ends with closing hashes.
fn closing_hashes_column(source: &str) -> Option<usize> {
    let line = source.trim_end();
    let without = line.trim_end_matches('#');
    // Without closing hashes `without` is the trimmed line: no blank ends it.
    (without.ends_with([' ', '\t']) && !without.trim().is_empty())
        .then(|| without.chars().count() + 1)
}

pub(super) fn has_closing_hashes(source: &str) -> bool {
    closing_hashes_column(source).is_some()
}

/// Where the `{` of the heading's attribute block is, or the heading itself.
fn anchor_location(heading: &RawHeading) -> Location {
    let line = heading.source.trim_end();
    let mut location = heading.location.clone();
    if let Some(open) = line.rfind('{') {
        location.column = line[..open].chars().count() + 1;
    }
    location
}

/// Where each anchor and each `Category` variant was first used.
pub(super) struct HeadingUses<'a> {
    pub(super) anchors: &'a mut FirstUses,
    pub(super) variants: &'a mut FirstUses,
}

/// Checks a `##` heading and returns its anchor and category variant when it
/// is usable as a section.
pub(super) fn check_heading(
    heading: &RawHeading,
    uses: HeadingUses<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, String)> {
    let checked = written_anchor(heading).and_then(|(anchor, location)| {
        check_title(heading)?;
        let variant = claim_anchor(anchor, &location, uses)?;
        Ok((anchor.to_owned(), variant))
    });
    // No diagnostic: a heading without any anchor is a section only if a
    // table follows it, which `check` reports.
    checked.map_err(|problem| diagnostics.extend(problem)).ok()
}

/// The anchor as written at the end of the heading, and where its `{` is.
fn written_anchor(heading: &RawHeading) -> Result<(&str, Location), Option<Diagnostic>> {
    if let Some(column) = closing_hashes_column(&heading.source) {
        let location = Location {
            column,
            ..heading.location.clone()
        };
        return Err(Some(
            Diagnostic::at(&location, "heading with closing `#`s")
                .help("remove the trailing `#`s: with them the `{#anchor}` is not recognised"),
        ));
    }
    let Some(written) = heading_anchor(heading) else {
        // A setext heading whose `{#anchor}` is on a later line.
        return Err(heading.id.is_some().then(|| {
            Diagnostic::at(&heading.location, "section heading on several lines")
                .help("write the heading on one line, as `## Title {#anchor}`")
        }));
    };
    let location = anchor_location(heading);
    let anchor = anchor_syntax(heading, written)
        .map_err(|(message, help)| Some(Diagnostic::at(&location, message).help(help)))?;
    if heading.id.as_deref() != Some(anchor) {
        return Err(Some(
            Diagnostic::at(
                &location,
                format!("the anchor `#{anchor}` is not recognised by the markdown parser"),
            )
            .help("write the heading on one line, as `## Title {#anchor}`"),
        ));
    }
    Ok((anchor, location))
}

/// The anchor inside `{...}`, or the message and help saying what is wrong.
fn anchor_syntax<'a>(heading: &RawHeading, written: &'a str) -> Result<&'a str, (String, String)> {
    let Some(anchor) = written.trim().strip_prefix('#') else {
        return Err((
            format!("heading attribute `{{{written}}}` is not an anchor"),
            "write the anchor as `{#section-name}`".to_owned(),
        ));
    };
    let before_anchor = heading.source.trim_end();
    let before_anchor = before_anchor[..before_anchor.rfind('{').unwrap_or(0)].trim_end();
    if anchor.contains('#') || (before_anchor.ends_with('}') && before_anchor.contains("{#")) {
        return Err((
            "more than one anchor in the heading".to_owned(),
            "a section has exactly one anchor, such as `{#api-issues}`".to_owned(),
        ));
    }
    if anchor
        .chars()
        .any(|c| c.is_whitespace() || c == '.' || c == '=')
    {
        return Err((
            format!("junk inside the heading braces `{{{written}}}`"),
            "write only the anchor, such as `{#api-issues}`: classes and attributes are not supported".to_owned(),
        ));
    }
    if !is_valid_anchor(anchor) {
        return Err((
            format!("malformed anchor `#{anchor}`"),
            "anchors are lowercase ASCII words joined by single hyphens, such as `api-issues`"
                .to_owned(),
        ));
    }
    Ok(anchor)
}

/// A title is non-empty plain text and code spans, without control characters.
fn check_title(heading: &RawHeading) -> Result<(), Option<Diagnostic>> {
    if heading.title.is_empty() {
        return Err(Some(
            Diagnostic::at(&heading.location, "section heading without a title").help(
                "write the section title before the anchor, as in `## API issues {#api-issues}`",
            ),
        ));
    }
    if let Some(markup) = heading.inlines.iter().find_map(|inline| match inline {
        Inline::Html(html) => Some(format!("raw HTML {}", code_span(html.trim()))),
        Inline::Unsupported(what) => Some((*what).to_owned()),
        Inline::Text(_) | Inline::Code(_) => None,
    }) {
        return Err(Some(
            Diagnostic::at(&heading.location, format!("{markup} in a section title")).help(
                "a title is plain text and code spans: `Category::title()` returns it as written",
            ),
        ));
    }
    if let Some(control) = heading.title.chars().find(|c| c.is_control()) {
        return Err(Some(
            Diagnostic::at(
                &heading.location,
                format!("the section title contains the control character {control:?}"),
            )
            .help("remove it, or the character entity such as `&#13;` that produces it"),
        ));
    }
    Ok(())
}

/// Records the anchor and its category variant as used here, unless either
/// is taken or the variant is `Self`; returns the variant.
fn claim_anchor(
    anchor: &str,
    location: &Location,
    uses: HeadingUses<'_>,
) -> Result<String, Option<Diagnostic>> {
    let HeadingUses { anchors, variants } = uses;
    if let Some((first, _)) = anchors.get(anchor) {
        return Err(Some(
            Diagnostic::at(location, format!("duplicate anchor `#{anchor}`"))
                .note(first, "first used here")
                .help("every section needs its own anchor"),
        ));
    }
    anchors.insert(anchor.to_owned(), (location.clone(), anchor.to_owned()));
    let variant = category_variant(anchor);
    if variant == "Self" {
        return Err(Some(
            Diagnostic::at(
                location,
                format!("the anchor `#{anchor}` names the category `Self`, a Rust keyword"),
            )
            .help("choose another anchor"),
        ));
    }
    if let Some((first, other)) = variants.get(&variant) {
        return Err(Some(
            Diagnostic::at(
                location,
                format!("anchors `#{other}` and `#{anchor}` both name the category `{variant}`"),
            )
            .note(first, format!("`#{other}` is here"))
            .help("a category is named from its anchor without a trailing `-errors`, `-issues` or `-related-errors`; choose anchors that differ otherwise"),
        ));
    }
    variants.insert(variant.clone(), (location.clone(), anchor.to_owned()));
    Ok(variant)
}

pub fn is_valid_anchor(anchor: &str) -> bool {
    anchor.starts_with(|c: char| c.is_ascii_lowercase())
        && anchor.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_lowercase_words_joined_by_single_hyphens() {
        for valid in ["api-issues", "a", "http2-errors", "x-1"] {
            assert!(is_valid_anchor(valid), "{valid}");
        }
        for invalid in [
            "",
            "Api",
            "api--issues",
            "-api",
            "api-",
            "1-api",
            "api_issues",
            "äpi",
        ] {
            assert!(!is_valid_anchor(invalid), "{invalid}");
        }
    }

    #[test]
    fn closing_hashes_are_found_after_a_space_only() {
        assert_eq!(closing_hashes_column("## Title {#a} ##"), Some(15));
        assert_eq!(closing_hashes_column("## Title {#a}\t#  "), Some(15));
        assert_eq!(closing_hashes_column("## C# {#c}"), None);
        assert_eq!(closing_hashes_column("## Title#"), None);
        assert_eq!(closing_hashes_column("##"), None);
    }

    fn heading(source: &str) -> RawHeading {
        RawHeading {
            location: Location {
                file: "spec/x.md".to_owned(),
                line: 1,
                column: 1,
            },
            title: String::new(),
            id: None,
            source: source.to_owned(),
            inlines: Vec::new(),
        }
    }

    /// The anchor the heading's source ends with, or the message refusing it.
    fn anchor_of(source: &str) -> Result<String, String> {
        let heading = heading(source);
        let written = heading_anchor(&heading).expect("a heading ending with braces");
        anchor_syntax(&heading, written)
            .map(str::to_owned)
            .map_err(|(message, _)| message)
    }

    #[test]
    fn one_anchor_ends_the_heading_and_other_braces_are_title_text() {
        assert_eq!(anchor_of("## Use {braces} {#a}"), Ok("a".to_owned()));
        assert_eq!(anchor_of("## Use {#x here {#a}"), Ok("a".to_owned()));
        for two in ["## A {#b} {#a}", "## A {#b}{#a}", "## A {#a#b}"] {
            assert_eq!(
                anchor_of(two),
                Err("more than one anchor in the heading".to_owned()),
                "{two}"
            );
        }
        for junk in ["{#a.b}", "{#a=b}", "{#a b}", "{#a\tb}"] {
            assert_eq!(
                anchor_of(&format!("## A {junk}")),
                Err(format!("junk inside the heading braces `{junk}`")),
                "{junk}"
            );
        }
    }
}

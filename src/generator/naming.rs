//! Spec text -> Rust names: the `ErrorCode` constant of a kind's name and the
//! `Category` variant of a section's anchor, computed once by `check` (which
//! needs them to find collisions) and handed to `model` with the checked spec.

/// The `Category` variant for an anchor: a trailing `errors` or `issues` word and
/// then a trailing `related` word are dropped (never the first word), and the
/// remaining words are joined in UpperCamelCase:
/// `api-issues` -> `Api`, `push-related-errors` -> `Push`,
/// `linked-services-errors` -> `LinkedServices`.
pub fn category_variant(anchor: &str) -> String {
    let mut words: Vec<&str> = anchor.split('-').collect();
    if words.len() > 1 && matches!(words.last(), Some(&"errors" | &"issues")) {
        words.pop();
    }
    if words.len() > 1 && words.last() == Some(&"related") {
        words.pop();
    }
    words
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The anchor a heading without one would most likely get, for a help line:
/// the ASCII words of its title, lowercase, joined by hyphens
/// (`Push related errors` -> `push-related-errors`); `None` when the title
/// has no ASCII word to start an anchor with.
pub fn anchor_from_title(title: &str) -> Option<String> {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let anchor = words.join("-");
    anchor
        .starts_with(|c: char| c.is_ascii_lowercase())
        .then_some(anchor)
}

/// Strict and reserved keywords of Rust 2015-2024 that start with a letter.
pub const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// SCREAMING_SNAKE_CASE of an UpperCamelCase name, keeping acronyms together:
/// `InvalidJSON` -> `INVALID_JSON`, `MissingAPIKeyError` -> `MISSING_API_KEY_ERROR`.
pub fn constant_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_keep_acronyms_and_digits_together() {
        for (name, constant) in [
            ("ObjectNotFound", "OBJECT_NOT_FOUND"),
            ("InvalidJSON", "INVALID_JSON"),
            ("MissingAPIKeyError", "MISSING_API_KEY_ERROR"),
            ("BadAnonymousID", "BAD_ANONYMOUS_ID"),
            ("XDomainRequest", "X_DOMAIN_REQUEST"),
            ("InvalidACL", "INVALID_ACL"),
            ("Error404Page", "ERROR404_PAGE"),
            ("A", "A"),
        ] {
            assert_eq!(constant_name(name), constant, "{name}");
        }
    }

    #[test]
    fn a_suggested_anchor_is_the_titles_ascii_words_in_lowercase() {
        for (title, anchor) in [
            ("Push related errors", Some("push-related-errors")),
            ("API issues", Some("api-issues")),
            ("API 问题", Some("api")),
            ("User  (login) errors!", Some("user-login-errors")),
            ("HTTP2 errors", Some("http2-errors")),
            ("第三方登录", None),
            ("2nd errors", None),
        ] {
            assert_eq!(anchor_from_title(title).as_deref(), anchor, "{title}");
        }
    }

    #[test]
    fn categories_drop_a_trailing_errors_issues_and_related_word_but_never_the_first() {
        for (anchor, variant) in [
            ("api-issues", "Api"),
            ("push-related-errors", "Push"),
            ("linked-services-errors", "LinkedServices"),
            ("client-only-errors", "ClientOnly"),
            ("other-issues", "Other"),
            ("errors", "Errors"),
            ("related-errors", "Related"),
            ("http2-errors", "Http2"),
            ("errors-related", "Errors"),
        ] {
            assert_eq!(category_variant(anchor), variant, "{anchor}");
        }
    }
}

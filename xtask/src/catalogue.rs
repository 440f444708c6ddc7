//! The catalogue behind a snapshot, kept in a text file next to it.
//!
//! The drift check needs the catalogue the *committed* snapshot was generated
//! from, to say what a change does to the API. Reading it back out of the
//! generated Rust would tie the check to how `emit` lays out code, which
//! changes for reasons of its own; the spec at git HEAD is no answer either,
//! because the usual drift is a spec edited and committed without
//! regenerating. So `cargo xtask codegen` writes this plain listing alongside
//! the snapshot, from the same generation: one line per category and kind,
//! which also reads well as a diff in a pull request.

use std::collections::BTreeMap;

use crate::generator::Catalogue;

/// One section of the spec as the generated API exposes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub anchor: String,
    /// The `Category` variant.
    pub variant: String,
    pub title: String,
}

/// One row of the spec as the generated API exposes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The `ErrorKind` variant.
    pub name: String,
    /// The `ErrorCode` constant.
    pub constant: String,
    pub code: i32,
    /// Plain text, as `ErrorKind::description` returns it.
    pub description: String,
    /// Index into [`Listing::categories`].
    pub category: usize,
}

/// Categories and kinds in spec order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    pub categories: Vec<Category>,
    pub kinds: Vec<Kind>,
}

impl Listing {
    /// The kind named `name`.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|kind| kind.name == name)
    }

    /// Each code's first kind in spec order: the name `ErrorCode::kind()` returns.
    pub fn first_kind_by_code(&self) -> BTreeMap<i32, &str> {
        let mut first = BTreeMap::new();
        for kind in &self.kinds {
            first.entry(kind.code).or_insert(kind.name.as_str());
        }
        first
    }

    pub fn from_catalogue(catalogue: &Catalogue) -> Listing {
        Listing {
            categories: catalogue
                .categories
                .iter()
                .map(|category| Category {
                    anchor: category.anchor.clone(),
                    variant: category.variant.clone(),
                    title: category.title.clone(),
                })
                .collect(),
            kinds: catalogue
                .kinds
                .iter()
                .map(|kind| Kind {
                    name: kind.name.clone(),
                    constant: kind.constant.clone(),
                    code: kind.code,
                    description: kind.description.clone(),
                    category: kind.category,
                })
                .collect(),
        }
    }

    /// The file text: a header, then each category line followed by its kinds.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        for (index, category) in self.categories.iter().enumerate() {
            out.push_str(&format!(
                "category\t{}\t{}\t{}\n",
                escape(&category.anchor),
                escape(&category.variant),
                escape(&category.title)
            ));
            for kind in self.kinds.iter().filter(|kind| kind.category == index) {
                out.push_str(&format!(
                    "kind\t{}\t{}\t{}\t{}\n",
                    escape(&kind.name),
                    escape(&kind.constant),
                    kind.code,
                    escape(&kind.description)
                ));
            }
        }
        out
    }

    /// Reads [`Listing::render`]'s output back; the error says which line is wrong.
    pub fn parse(text: &str) -> Result<Listing, String> {
        let mut listing = Listing::default();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<String> = line
                .split('\t')
                .map(unescape)
                .collect::<Result<_, _>>()
                .map_err(|error| format!("line {line_number}: {error}"))?;
            match fields.as_slice() {
                [tag, anchor, variant, title] if tag == "category" => {
                    listing.categories.push(Category {
                        anchor: anchor.clone(),
                        variant: variant.clone(),
                        title: title.clone(),
                    })
                }
                [tag, name, constant, code, description] if tag == "kind" => {
                    let category = listing.categories.len().checked_sub(1).ok_or_else(|| {
                        format!("line {line_number}: a kind before any category line")
                    })?;
                    let code = code.parse().map_err(|_| {
                        format!("line {line_number}: code `{code}` is not a 32-bit integer")
                    })?;
                    listing.kinds.push(Kind {
                        name: name.clone(),
                        constant: constant.clone(),
                        code,
                        description: description.clone(),
                        category,
                    });
                }
                _ => {
                    return Err(format!(
                        "line {line_number}: expected `category` with 3 fields or `kind` with 4 fields, separated by tabs"
                    ))
                }
            }
        }
        Ok(listing)
    }
}

const HEADER: &str = "\
# @generated by `cargo xtask codegen`: the catalogue behind error_codes.rs.
# `cargo xtask codegen --check` reads it back to classify API changes. Do not edit.
# category<TAB>anchor<TAB>variant<TAB>title, then its rows:
# kind<TAB>name<TAB>constant<TAB>code<TAB>description
";

/// Keeps every field on one line: `\`, tab, newline and carriage return escaped.
fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(field: &str) -> Result<String, String> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('\\') => '\\',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('r') => '\r',
            Some(other) => return Err(format!("unknown escape `\\{other}`")),
            None => return Err("a field ends with a lone `\\`".to_owned()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Listing {
        Listing {
            categories: vec![
                Category {
                    anchor: "api-issues".into(),
                    variant: "Api".into(),
                    title: "API 问题".into(),
                },
                Category {
                    anchor: "other-issues".into(),
                    variant: "Other".into(),
                    title: "Other".into(),
                },
            ],
            kinds: vec![
                Kind {
                    name: "A".into(),
                    constant: "A".into(),
                    code: -1,
                    description: "tab\there, back\\slash, `code`".into(),
                    category: 0,
                },
                Kind {
                    name: "B".into(),
                    constant: "B".into(),
                    code: i32::MAX,
                    description: "line\nbreak\r".into(),
                    category: 1,
                },
            ],
        }
    }

    #[test]
    fn render_then_parse_gives_the_same_listing() {
        let listing = sample();
        assert_eq!(Listing::parse(&listing.render()), Ok(listing));
    }

    #[test]
    fn every_field_stays_on_its_line() {
        let text = sample().render();
        let data: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(data.len(), 4);
        assert_eq!(data[1], "kind\tA\tA\t-1\ttab\\there, back\\\\slash, `code`");
    }

    #[test]
    fn crlf_line_endings_read_the_same() {
        let listing = sample();
        let crlf = listing.render().replace('\n', "\r\n");
        assert_eq!(Listing::parse(&crlf), Ok(listing));
    }

    #[test]
    fn malformed_lines_are_reported_with_their_number() {
        let error = Listing::parse("# c\nkind\tA\tA\t1\tdesc\n").unwrap_err();
        assert_eq!(error, "line 2: a kind before any category line");
        let error = Listing::parse("category\ta\tA\tt\nkind\tA\tA\t1x\td\n").unwrap_err();
        assert_eq!(error, "line 2: code `1x` is not a 32-bit integer");
        let error = Listing::parse("category\ta\tA\n").unwrap_err();
        assert!(error.starts_with("line 1: expected"), "{error}");
        let error = Listing::parse("category\ta\\q\tA\tt\n").unwrap_err();
        assert_eq!(error, "line 1: unknown escape `\\q`");
    }
}

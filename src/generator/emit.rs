//! Stage 4, emit: the catalogue as the tokens of the generated items.
//!
//! One function per generated item, in the order of the generated file, each
//! a `quote!` template that reads like the code it produces. Names arrive as
//! identifiers that `check` has validated; doc text is data, built with
//! `format!` and emitted one `#[doc]` per line.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::model::{Catalogue, NameTree};

/// Every generated item, in file order.
pub fn emit(catalogue: &Catalogue) -> TokenStream {
    let items = [
        error_kind_enum(catalogue),
        category_enum(catalogue),
        error_code_impl(catalogue),
        error_kind_impl(catalogue),
        category_impl(catalogue),
        kind_rows(catalogue),
        category_rows(catalogue),
    ];
    quote!(#(#items)*)
}

fn error_kind_enum(catalogue: &Catalogue) -> TokenStream {
    let variants = catalogue.kinds.iter().enumerate().map(|(index, kind)| {
        let mut doc = format!(
            "{}\n\nCode `{}` ([`ErrorCode::{}`]), category [`Category::{}`].",
            kind.description_markdown,
            kind.code,
            kind.constant,
            catalogue.categories[kind.category].variant
        );
        push_shared_with(
            &mut doc,
            kind.code,
            catalogue.sharing_code_count(index),
            catalogue
                .sharing_code_with(index)
                .map(|other| format!("[`{0}`](ErrorKind::{0})", other.name)),
        );
        let doc = doc_attributes(&doc);
        let variant = ident(&kind.name);
        quote! {
            #doc
            #variant,
        }
    });
    quote! {
        /// One kind of Parse error: one row of the error-code document.
        ///
        /// Several kinds may share one [`ErrorCode`]; [`ErrorCode::kinds`] lists them.
        /// New rows in the document add variants, hence `#[non_exhaustive]`.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        #[non_exhaustive]
        pub enum ErrorKind {
            #(#variants)*
        }
    }
}

fn category_enum(catalogue: &Catalogue) -> TokenStream {
    let variants = catalogue.categories.iter().map(|category| {
        let doc = doc_attributes(&format!(
            "{} (`#{}`): {} kinds, from [`ErrorKind::{}`] to [`ErrorKind::{}`].",
            category.title_markdown,
            category.anchor,
            category.kinds.len(),
            catalogue.kinds[category.kinds.start].name,
            catalogue.kinds[category.kinds.end - 1].name,
        ));
        let variant = ident(&category.variant);
        quote! {
            #doc
            #variant,
        }
    });
    quote! {
        /// A section of the error-code document.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        #[non_exhaustive]
        pub enum Category {
            #(#variants)*
        }
    }
}

fn error_code_impl(catalogue: &Catalogue) -> TokenStream {
    let constants = catalogue.kinds.iter().enumerate().map(|(index, kind)| {
        let mut doc = format!(
            "`{}` ({}): {}\n\nKind [`ErrorKind::{}`], category [`Category::{}`].",
            kind.name,
            kind.code,
            kind.description_markdown,
            kind.name,
            catalogue.categories[kind.category].variant
        );
        push_shared_with(
            &mut doc,
            kind.code,
            catalogue.sharing_code_count(index),
            catalogue
                .sharing_code_with(index)
                .map(|other| format!("[`{0}`](ErrorCode::{0})", other.constant)),
        );
        let doc = doc_attributes(&doc);
        let constant = ident(&kind.constant);
        let code = Literal::i32_unsuffixed(kind.code);
        quote! {
            #doc
            pub const #constant: ErrorCode = ErrorCode::new(#code);
        }
    });
    let arms = catalogue.codes.iter().map(|group| {
        let code = Literal::i32_unsuffixed(group.code);
        let kinds = group.kinds.iter().map(|&index| kind_path(catalogue, index));
        quote!(#code => &[#(#kinds),*],)
    });
    quote! {
        impl ErrorCode {
            #(#constants)*
            /// Every kind documented with this code, in document order; empty when
            /// the document does not list the code.
            pub const fn kinds(self) -> &'static [ErrorKind] {
                match self.get() {
                    #(#arms)*
                    _ => &[],
                }
            }
        }
    }
}

fn error_kind_impl(catalogue: &Catalogue) -> TokenStream {
    let all = (0..catalogue.kinds.len()).map(|index| kind_path(catalogue, index));
    let lengths = catalogue.name_lookup.iter().map(|names| {
        let length = Literal::usize_unsuffixed(names.length);
        let tree = name_tree(catalogue, &names.tree);
        quote!(#length => #tree,)
    });
    quote! {
        impl ErrorKind {
            /// Every kind, in document order.
            pub const ALL: &'static [ErrorKind] = &[#(#all),*];
            /// The kind with exactly this name (case-sensitive), as written in the document.
            pub const fn from_name(name: &str) -> Option<ErrorKind> {
                let bytes = name.as_bytes();
                let candidate = match bytes.len() {
                    #(#lengths)*
                    _ => return None,
                };
                if bytes_eq(bytes, candidate.name().as_bytes()) {
                    Some(candidate)
                } else {
                    None
                }
            }
        }
    }
}

/// The expression that picks the one candidate kind, or returns `None`.
fn name_tree(catalogue: &Catalogue, tree: &NameTree) -> TokenStream {
    match tree {
        NameTree::Candidate(index) => kind_path(catalogue, *index),
        NameTree::Byte { position, branches } => {
            let position = Literal::usize_unsuffixed(*position);
            let branches = branches.iter().map(|(byte, subtree)| {
                let byte = Literal::byte_character(*byte);
                let subtree = name_tree(catalogue, subtree);
                quote!(#byte => #subtree,)
            });
            quote! {
                match bytes[#position] {
                    #(#branches)*
                    _ => return None,
                }
            }
        }
    }
}

fn category_impl(catalogue: &Catalogue) -> TokenStream {
    let all = catalogue.categories.iter().map(|category| {
        let variant = ident(&category.variant);
        quote!(Category::#variant)
    });
    quote! {
        impl Category {
            /// Every category, in document order.
            pub const ALL: &'static [Category] = &[#(#all),*];
        }
    }
}

fn kind_rows(catalogue: &Catalogue) -> TokenStream {
    let count = Literal::usize_unsuffixed(catalogue.kinds.len());
    let rows = catalogue.kinds.iter().map(|kind| {
        let code = Literal::i32_unsuffixed(kind.code);
        let name = &kind.name;
        let description = &kind.description;
        let category = ident(&catalogue.categories[kind.category].variant);
        quote! {
            KindRow {
                code: #code,
                name: #name,
                description: #description,
                category: Category::#category,
            },
        }
    });
    quote! {
        const KIND_ROWS: [KindRow; #count] = [#(#rows)*];
    }
}

fn category_rows(catalogue: &Catalogue) -> TokenStream {
    let count = Literal::usize_unsuffixed(catalogue.categories.len());
    let rows = catalogue.categories.iter().map(|category| {
        let anchor = &category.anchor;
        let title = &category.title;
        let start = Literal::usize_unsuffixed(category.kinds.start);
        let len = Literal::usize_unsuffixed(category.kinds.len());
        quote! {
            CategoryRow {
                anchor: #anchor,
                title: #title,
                kinds_start: #start,
                kinds_len: #len,
            },
        }
    });
    quote! {
        const CATEGORY_ROWS: [CategoryRow; #count] = [#(#rows)*];
    }
}

/// `ErrorKind::Name` for the kind at `index`.
fn kind_path(catalogue: &Catalogue, index: usize) -> TokenStream {
    let variant = ident(&catalogue.kinds[index].name);
    quote!(ErrorKind::#variant)
}

/// A name that `check` accepted: an ASCII identifier that is not a keyword.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// One `#[doc]` per line, each with the space that `///` would put there: a
/// multi-line string would print as a `/** */` block. prettyplease prints each
/// as a `///` comment holding the text itself, so the text-direction
/// characters rustc refuses in a comment are written as visible escapes.
fn doc_attributes(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {}", visible_direction_controls(line))
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// The characters that can reorder how source text is displayed, which rustc
/// refuses in comments and literals (`text_direction_codepoint_in_comment`,
/// `text_direction_codepoint_in_literal`, both deny-by-default): embeddings and
/// overrides U+202A to U+202E, isolates U+2066 to U+2069. String literals
/// need nothing: `proc_macro2::Literal::string` escapes them already.
pub fn is_text_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every text-direction control written as `\u{202E}`: in the
/// rendered docs the reader sees which character the description holds.
fn visible_direction_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_text_direction_control(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A code shared by more kinds than this is counted in each kind's doc, not
/// listed: listing would make every doc grow with the group, and the output
/// with the square of it.
const LISTED_SHARERS: usize = 15;

/// The sentence on the `count` other kinds that share `code`: their `links`
/// in spec order, or their number when there are many.
fn push_shared_with(
    doc: &mut String,
    code: i32,
    count: usize,
    links: impl Iterator<Item = String>,
) {
    match count {
        0 => {}
        1..=LISTED_SHARERS => {
            let links: Vec<String> = links.collect();
            doc.push_str(&format!(
                " Code {code} is shared with {}.",
                links.join(", ")
            ));
        }
        _ => doc.push_str(&format!(
            " Code {code} is shared with {count} other kinds: [`ErrorCode::kinds`] lists them all."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_one_attribute_per_line_with_the_space_of_a_doc_comment() {
        assert_eq!(
            doc_attributes("First line.\n\nCode `1`.").to_string(),
            quote! {
                #[doc = " First line."]
                #[doc = ""]
                #[doc = " Code `1`."]
            }
            .to_string()
        );
    }

    #[test]
    fn text_direction_controls_become_visible_escapes_in_docs_only() {
        assert_eq!(
            doc_attributes("a\u{202E}b\u{2066}c\u{200F}d").to_string(),
            quote!(#[doc = " a\\u{202E}b\\u{2066}c\u{200f}d"]).to_string()
        );
        let literal = Literal::string("a\u{202E}b");
        assert_eq!(literal.to_string(), "\"a\\u{202e}b\"");
    }

    #[test]
    fn codes_are_unsuffixed_literals() {
        let code = Literal::i32_unsuffixed(-1);
        assert_eq!(
            quote!(ErrorCode::new(#code)).to_string(),
            "ErrorCode :: new (- 1)"
        );
    }

    #[test]
    fn the_shared_code_sentence_lists_the_others_in_order_or_nothing() {
        let sentence = |count: usize| {
            let mut doc = "Text.".to_owned();
            let links = (1..=count).map(|n| format!("K{n}"));
            push_shared_with(&mut doc, 7, count, links);
            doc
        };
        assert_eq!(sentence(0), "Text.");
        assert_eq!(sentence(2), "Text. Code 7 is shared with K1, K2.");
        assert!(sentence(15).ends_with(", K14, K15."));
        // Many: counted, so that a doc stays short however large the group.
        assert_eq!(
            sentence(16),
            "Text. Code 7 is shared with 16 other kinds: [`ErrorCode::kinds`] lists them all."
        );
    }
}

//! Stage 4, emit: the catalogue as the tokens of the generated items.

use std::fmt::Write as _;

use proc_macro2::{Literal, TokenStream};

use super::diagnostics::Diagnostic;
use super::model::{Catalogue, KindModel};

//
// The code is written as text and lexed once at the end. `quote!` would
// say the same, but its expansion is a function call per token, and
// compiling those made up about a third of the build script's compile
// time, paid on every clean build of every user (issue 7).

/// `write!` into the `String` being emitted, which cannot fail.
macro_rules! emit {
    ($out:expr, $($format:tt)*) => {
        let _ = write!($out, $($format)*);
    };
}

/// A Rust string literal with `text` escaped. `Debug` for `str` writes exactly
/// that, and runs as optimised standard-library code where
/// `Literal::string` would run unoptimised, as build dependencies do.
fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// One `#[doc = "..."]` per line: multi-line strings would become `/** */` blocks.
fn emit_doc(out: &mut String, text: &str) {
    for line in text.lines() {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        emit!(out, "#[doc = {}]\n", string_literal(&line));
    }
}

/// Names of the other kinds sharing `kind`'s code, as intra-doc links.
fn shared_with(
    catalogue: &Catalogue,
    index: usize,
    link: fn(&KindModel) -> String,
) -> Option<String> {
    let kind = &catalogue.kinds[index];
    let others: Vec<String> = (catalogue.kinds.iter().enumerate())
        .filter(|&(other, other_kind)| other != index && other_kind.code == kind.code)
        .map(|(_, other_kind)| link(other_kind))
        .collect();
    (!others.is_empty())
        .then(|| format!("Code {} is shared with {}.", kind.code, others.join(", ")))
}

/// The generated items as tokens. Lexing can only fail through a bug in
/// this stage; it is then reported like any other diagnostic, so that no
/// file is written.
pub fn emit(catalogue: &Catalogue) -> Result<TokenStream, Diagnostic> {
    emit_source(catalogue)
        .parse::<TokenStream>()
        .map_err(|error| {
            Diagnostic::global(format!(
                "internal error: build.rs emitted code that does not lex: {error}"
            ))
        })
}

/// The generated items as Rust source, unformatted.
pub fn emit_source(catalogue: &Catalogue) -> String {
    let mut out = String::with_capacity(64 * 1024);

    out.push_str(
        "/// One kind of Parse error: one row of the error-code document.
        ///
        /// Several kinds may share one [`ErrorCode`]; [`ErrorCode::kinds`] lists them.
        /// New rows in the document add variants, hence `#[non_exhaustive]`.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        #[non_exhaustive]
        pub enum ErrorKind {\n",
    );
    for (index, kind) in catalogue.kinds.iter().enumerate() {
        let category = &catalogue.categories[kind.category];
        let mut doc = format!(
            "{}\n\nCode `{}` ([`ErrorCode::{}`]), category [`Category::{}`].",
            kind.description_markdown, kind.code, kind.constant, category.variant
        );
        if let Some(shared) = shared_with(catalogue, index, |k| {
            format!("[`{}`](ErrorKind::{})", k.name, k.name)
        }) {
            doc.push(' ');
            doc.push_str(&shared);
        }
        emit_doc(&mut out, &doc);
        emit!(out, "{},\n", kind.name);
    }

    out.push_str(
        "}
        /// A section of the error-code document.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        #[non_exhaustive]
        pub enum Category {\n",
    );
    for category in &catalogue.categories {
        emit_doc(
            &mut out,
            &format!(
                "{} (`#{}`): {} kinds, from [`ErrorKind::{}`] to [`ErrorKind::{}`].",
                category.title,
                category.anchor,
                category.kinds.len(),
                catalogue.kinds[category.kinds.start].name,
                catalogue.kinds[category.kinds.end - 1].name,
            ),
        );
        emit!(out, "{},\n", category.variant);
    }

    out.push_str("}\nimpl ErrorCode {\n");
    for (index, kind) in catalogue.kinds.iter().enumerate() {
        let category = &catalogue.categories[kind.category];
        let mut doc = format!(
            "`{}` ({}): {}\n\nKind [`ErrorKind::{}`], category [`Category::{}`].",
            kind.name, kind.code, kind.description_markdown, kind.name, category.variant
        );
        if let Some(shared) = shared_with(catalogue, index, |k| {
            format!("[`{}`](ErrorCode::{})", k.constant, k.constant)
        }) {
            doc.push(' ');
            doc.push_str(&shared);
        }
        emit_doc(&mut out, &doc);
        emit!(
            out,
            "pub const {}: ErrorCode = ErrorCode::new({});\n",
            kind.constant,
            kind.code
        );
    }
    out.push_str(
        "/// Every kind documented with this code, in document order; empty when
        /// the document does not list the code.
        pub const fn kinds(self) -> &'static [ErrorKind] {
            match self.get() {\n",
    );
    // Codes in ascending order, each with its kinds in document order; found
    // by scanning (no map or sort to compile, as in `emit_name_lookup`).
    let next_code = |after: Option<i32>| {
        (catalogue.kinds.iter().map(|kind| kind.code))
            .filter(|&code| after.is_none_or(|after| code > after))
            .min()
    };
    let mut code = next_code(None);
    while let Some(current) = code {
        emit!(out, "{current} => &[");
        for kind in catalogue.kinds.iter().filter(|kind| kind.code == current) {
            emit!(out, "ErrorKind::{},", kind.name);
        }
        out.push_str("],\n");
        code = next_code(Some(current));
    }
    out.push_str(
        "_ => &[],
            }
        }
    }
    impl ErrorKind {
        /// Every kind, in document order.
        pub const ALL: &'static [ErrorKind] = &[",
    );
    for kind in &catalogue.kinds {
        emit!(out, "ErrorKind::{},", kind.name);
    }
    out.push_str(
        "];
        /// The kind with exactly this name (case-sensitive), as written in the document.
        pub const fn from_name(name: &str) -> Option<ErrorKind> {
            let bytes = name.as_bytes();
            let candidate = ",
    );
    emit_name_lookup(&mut out, catalogue);
    out.push_str(
        ";
            if bytes_eq(bytes, candidate.name().as_bytes()) {
                Some(candidate)
            } else {
                None
            }
        }
    }
    impl Category {
        /// Every category, in document order.
        pub const ALL: &'static [Category] = &[",
    );
    for category in &catalogue.categories {
        emit!(out, "Category::{},", category.variant);
    }
    emit!(
        out,
        "];\n}}\nconst KIND_ROWS: [KindRow; {}] = [",
        catalogue.kinds.len()
    );
    for kind in &catalogue.kinds {
        emit!(
            out,
            "KindRow {{ code: {}, name: {}, description: {}, category: Category::{} }},\n",
            kind.code,
            string_literal(&kind.name),
            string_literal(&kind.description),
            catalogue.categories[kind.category].variant
        );
    }
    emit!(
        out,
        "];\nconst CATEGORY_ROWS: [CategoryRow; {}] = [",
        catalogue.categories.len()
    );
    for category in &catalogue.categories {
        emit!(
            out,
            "CategoryRow {{ anchor: {}, title: {}, kinds_start: {}, kinds_len: {} }},\n",
            string_literal(&category.anchor),
            string_literal(&category.title),
            category.kinds.start,
            category.kinds.len()
        );
    }
    out.push_str("];\n");
    out
}

/// A decision tree over the name's length and then single bytes that picks the
/// only candidate name, which the caller then compares in full.
///
/// Groups are found by filtering for each length and byte value in turn rather
/// than with a map or a sort: each map or sort type instantiated here adds to
/// the build script's compile time, and the sets are small.
fn emit_name_lookup(out: &mut String, catalogue: &Catalogue) {
    let longest = catalogue.kinds.iter().map(|kind| kind.name.len()).max();
    out.push_str("match bytes.len() {\n");
    for length in 0..=longest.unwrap_or(0) {
        let indices: Vec<usize> = (0..catalogue.kinds.len())
            .filter(|&index| catalogue.kinds[index].name.len() == length)
            .collect();
        if !indices.is_empty() {
            emit!(out, "{length} => ");
            emit_byte_dispatch(out, catalogue, &indices);
            out.push_str(",\n");
        }
    }
    out.push_str("_ => return None,\n}");
}

fn emit_byte_dispatch(out: &mut String, catalogue: &Catalogue, indices: &[usize]) {
    if let [index] = indices {
        emit!(out, "ErrorKind::{}", catalogue.kinds[*index].name);
        return;
    }
    let byte_at = |index: usize, position: usize| catalogue.kinds[index].name.as_bytes()[position];
    let length = catalogue.kinds[indices[0]].name.len();
    // The position whose byte splits the names into the most groups.
    let position = (0..length)
        .max_by_key(|&position| {
            let mut seen = [false; 256];
            for &index in indices {
                seen[usize::from(byte_at(index, position))] = true;
            }
            let distinct = seen.iter().filter(|&&seen| seen).count();
            (distinct, std::cmp::Reverse(position))
        })
        .unwrap_or(0);
    emit!(out, "match bytes[{position}] {{\n");
    for byte in 0..=u8::MAX {
        let group: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&index| byte_at(index, position) == byte)
            .collect();
        if !group.is_empty() {
            emit!(out, "{} => ", Literal::byte_character(byte));
            emit_byte_dispatch(out, catalogue, &group);
            out.push_str(",\n");
        }
    }
    out.push_str("_ => return None,\n}");
}

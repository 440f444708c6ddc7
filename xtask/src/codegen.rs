//! `cargo xtask codegen [--check]`: the committed snapshot of the generator's
//! output, and the drift check that keeps it honest.
//!
//! `tests/snapshots/error_codes.rs` is byte for byte what `build.rs` writes to
//! `OUT_DIR`, so a reviewer sees in a pull request how a spec edit changes the
//! generated code. `tests/snapshots/catalogue.tsv` lists the catalogue behind
//! it ([`crate::catalogue`]), so that the check can say what a drift does to
//! the API: a changed or removed code or name is breaking, a new row
//! additive, a description or a title docs-only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use similar::TextDiff;

use crate::catalogue::Listing;
use crate::generator::{self, GENERATED_FILE_NAME};

const SNAPSHOT_DIR: &str = "tests/snapshots";
const LISTING_FILE_NAME: &str = "catalogue.tsv";
/// Lines of diff shown at most, so a rewrite does not bury the API summary.
const MAX_DIFF_LINES: usize = 80;

/// A spec the generator rejects, with its diagnostics: exit status 2, so
/// that a broken spec is told apart from drift.
#[derive(Debug)]
pub struct BadSpec(pub String);

impl std::fmt::Display for BadSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadSpec {}

pub fn run(root: &Path, check: bool) -> Result<()> {
    let generated = generator::generate(root)
        .map_err(|diagnostics| BadSpec(generator::render_diagnostics(&diagnostics)))?;
    let listing = Listing::from_catalogue(&generated.catalogue);
    let counts = format!(
        "{} kinds, {} codes, {} categories",
        generated.catalogue.kinds.len(),
        generated.catalogue.codes.len(),
        generated.catalogue.categories.len()
    );
    let expected = [
        (GENERATED_FILE_NAME, generated.source),
        (LISTING_FILE_NAME, listing.render()),
    ];
    let mut stale: Vec<Stale<'_>> = Vec::new();
    for (name, contents) in &expected {
        let path = root.join(SNAPSHOT_DIR).join(name);
        // CRLF read as LF: a checkout with `core.autocrlf` is not drift.
        let committed = std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.replace("\r\n", "\n"));
        if committed.as_deref() != Some(contents.as_str()) {
            stale.push((*name, committed, contents));
        }
    }
    if stale.is_empty() {
        println!("codegen: up to date ({counts})");
        return Ok(());
    }
    let summary = api_summary(root, &listing);
    if !check {
        std::fs::create_dir_all(root.join(SNAPSHOT_DIR))?;
        for (name, _, contents) in &stale {
            let path = root.join(SNAPSHOT_DIR).join(name);
            generator::write_if_changed(&path, contents)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let names: Vec<&str> = stale.iter().map(|(name, ..)| *name).collect();
        println!("codegen: wrote {} ({counts})\n{summary}", names.join(", "));
        return Ok(());
    }
    eprint!("{}\n{summary}", diff_report(&stale));
    bail!("{SNAPSHOT_DIR}/ is stale; fix: run `cargo xtask codegen` and commit it with the change")
}

/// A snapshot file that differs: its name, committed text (if readable), and
/// what it must hold.
type Stale<'a> = (&'a str, Option<String>, &'a String);

/// `similar`'s unified diff of each stale file, cut after [`MAX_DIFF_LINES`].
fn diff_report(stale: &[Stale<'_>]) -> String {
    let mut report = String::new();
    for (name, committed, contents) in stale {
        let path = format!("{SNAPSHOT_DIR}/{name}");
        let Some(committed) = committed else {
            let _ = writeln!(report, "{path} is missing or unreadable");
            continue;
        };
        let diff = TextDiff::from_lines(committed.as_str(), contents.as_str());
        let (old, new) = (
            format!("{path} (committed)"),
            format!("{path} (from spec/)"),
        );
        let diff = diff.unified_diff().header(&old, &new).to_string();
        let lines: Vec<&str> = diff.lines().collect();
        for line in lines.iter().take(MAX_DIFF_LINES) {
            let _ = writeln!(report, "{line}");
        }
        if lines.len() > MAX_DIFF_LINES {
            let _ = writeln!(
                report,
                "... {} more diff lines",
                lines.len() - MAX_DIFF_LINES
            );
        }
    }
    report
}

/// The API changes from the committed listing to `new`, most severe first.
fn api_summary(root: &Path, new: &Listing) -> String {
    let path = root.join(SNAPSHOT_DIR).join(LISTING_FILE_NAME);
    let old = match std::fs::read_to_string(&path).map_err(|e| e.to_string()) {
        Ok(text) => Listing::parse(&text.replace("\r\n", "\n")),
        Err(error) => Err(error),
    };
    let old = match old {
        Ok(old) => old,
        Err(error) => {
            return format!("API changes: unknown ({SNAPSHOT_DIR}/{LISTING_FILE_NAME}: {error})\n")
        }
    };
    let mut changes = classify(&old, new);
    changes.sort_by_key(|change| std::cmp::Reverse(change.0));
    let Some((overall, _)) = changes.first() else {
        return "API changes: none (only the generated code differs)\n".to_owned();
    };
    let mut out = format!("API changes: {overall}\n");
    for (class, what) in &changes {
        let _ = writeln!(out, "  {:<10} {what}", format!("{class}:"));
    }
    out
}

/// How a change affects users, in increasing severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    DocsOnly,
    Additive,
    Breaking,
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Class::DocsOnly => "docs-only",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        })
    }
}

/// Every change from `old` to `new`, one line each. Categories match by
/// anchor and kinds by name; a removed name whose code reappears under a new
/// name is reported as a rename.
pub fn classify(old: &Listing, new: &Listing) -> Vec<(Class, String)> {
    use Class::{Additive, Breaking, DocsOnly};
    let mut changes = Vec::new();
    let categories = |listing: &Listing| -> BTreeMap<String, (String, String)> {
        let by_anchor = listing.categories.iter().map(|category| {
            let value = (category.variant.clone(), category.title.clone());
            (category.anchor.clone(), value)
        });
        by_anchor.collect()
    };
    let (old_categories, new_categories) = (categories(old), categories(new));
    for (anchor, (variant, title)) in &old_categories {
        match new_categories.get(anchor) {
            None => changes.push((
                Breaking,
                format!("category `Category::{variant}` (#{anchor}) removed"),
            )),
            Some((new_variant, _)) if new_variant != variant => changes.push((
                Breaking,
                format!(
                    "category #{anchor} renamed `Category::{variant}` -> `Category::{new_variant}`"
                ),
            )),
            Some((_, new_title)) if new_title != title => changes.push((
                DocsOnly,
                format!("title of #{anchor} changed to {new_title:?}"),
            )),
            Some(_) => {}
        }
    }
    for (anchor, (variant, _)) in &new_categories {
        if !old_categories.contains_key(anchor) {
            changes.push((
                Additive,
                format!("new category `Category::{variant}` (#{anchor})"),
            ));
        }
    }
    let mut added: Vec<_> = new
        .kinds
        .iter()
        .filter(|kind| old.kind(&kind.name).is_none())
        .collect();
    for kind in &old.kinds {
        let Some(other) = new.kind(&kind.name) else {
            let renamed = added.iter().position(|other| other.code == kind.code);
            let what = match renamed.map(|index| added.remove(index)) {
                Some(other) => format!(
                    "`ErrorKind::{}` renamed to `{}` (code {})",
                    kind.name, other.name, kind.code
                ),
                None => format!("`ErrorKind::{}` removed (code {})", kind.name, kind.code),
            };
            changes.push((Breaking, what));
            continue;
        };
        let name = &kind.name;
        if other.code != kind.code {
            changes.push((
                Breaking,
                format!(
                    "code of `ErrorKind::{name}` changed {} -> {}",
                    kind.code, other.code
                ),
            ));
        }
        if other.constant != kind.constant {
            changes.push((
                Breaking,
                format!(
                    "constant `ErrorCode::{}` renamed `{}`",
                    kind.constant, other.constant
                ),
            ));
        }
        let (from, to) = (
            &old.categories[kind.category],
            &new.categories[other.category],
        );
        if from.anchor != to.anchor {
            let (from, to) = (&from.variant, &to.variant);
            changes.push((
                Breaking,
                format!("`ErrorKind::{name}` moved `Category::{from}` -> `Category::{to}`"),
            ));
        }
        if other.description != kind.description {
            changes.push((
                DocsOnly,
                format!("description of `ErrorKind::{name}` changed"),
            ));
        }
    }
    for kind in added {
        let category = &new.categories[kind.category].variant;
        changes.push((
            Additive,
            format!(
                "new `ErrorKind::{}` (code {}) in `Category::{category}`",
                kind.name, kind.code
            ),
        ));
    }
    // The first name listed for a code is what `ErrorCode::kind()` returns.
    let (old_first, new_first) = (old.first_kind_by_code(), new.first_kind_by_code());
    for (code, name) in &old_first {
        // A renamed or removed first name is reported as such already.
        let still_there = new.kind(name).is_some();
        if let Some(new_name) = new_first
            .get(code)
            .filter(|new_name| *new_name != name && still_there)
        {
            changes.push((
                Breaking,
                format!("`ErrorCode::kind()` of {code} changed `{name}` -> `{new_name}`"),
            ));
        }
    }
    if common_order(old, new) != common_order(new, old) {
        changes.push((
            DocsOnly,
            "order only: rows or sections reordered".to_owned(),
        ));
    }
    changes
}

/// The anchors and names of `listing` that `other` also has, in `listing`'s order.
fn common_order<'a>(listing: &'a Listing, other: &Listing) -> Vec<&'a str> {
    let anchors = listing
        .categories
        .iter()
        .map(|category| category.anchor.as_str());
    let anchors = anchors.filter(|anchor| other.categories.iter().any(|c| c.anchor == *anchor));
    let names = listing.kinds.iter().map(|kind| kind.name.as_str());
    anchors
        .chain(names.filter(|name| other.kind(name).is_some()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Category, Kind};
    use Class::{Additive, Breaking, DocsOnly};

    /// Two categories; kinds as (name, code, description, category index).
    fn listing(kinds: &[(&str, i32, &str, usize)]) -> Listing {
        let category = |anchor: &str, variant: &str| Category {
            anchor: anchor.into(),
            variant: variant.into(),
            title: format!("{variant} errors"),
        };
        Listing {
            categories: vec![
                category("api-issues", "Api"),
                category("file-issues", "File"),
            ],
            kinds: kinds
                .iter()
                .map(|&(name, code, description, category)| Kind {
                    name: name.into(),
                    constant: name.to_ascii_uppercase(),
                    code,
                    description: description.into(),
                    category,
                })
                .collect(),
        }
    }

    fn base() -> Listing {
        listing(&[
            ("First", 1, "one", 0),
            ("Second", 2, "two", 0),
            ("Third", 3, "three", 1),
        ])
    }

    fn classes(new: &Listing) -> Vec<Class> {
        classify(&base(), new)
            .into_iter()
            .map(|(class, _)| class)
            .collect()
    }

    #[test]
    fn the_same_listing_has_no_change() {
        assert_eq!(classify(&base(), &base()), []);
    }

    #[test]
    fn a_new_row_is_additive() {
        let new = listing(&[
            ("First", 1, "one", 0),
            ("Second", 2, "two", 0),
            ("Third", 3, "three", 1),
            ("Fourth", 4, "four", 1),
        ]);
        assert_eq!(
            classify(&base(), &new),
            [(
                Additive,
                "new `ErrorKind::Fourth` (code 4) in `Category::File`".to_owned()
            )]
        );
    }

    #[test]
    fn a_removed_row_a_changed_code_or_a_changed_name_is_breaking() {
        let removed = listing(&[("First", 1, "one", 0), ("Third", 3, "three", 1)]);
        assert_eq!(
            classify(&base(), &removed),
            [(Breaking, "`ErrorKind::Second` removed (code 2)".to_owned())]
        );
        let recoded = listing(&[
            ("First", 1, "one", 0),
            ("Second", 22, "two", 0),
            ("Third", 3, "three", 1),
        ]);
        assert_eq!(classes(&recoded), [Breaking]);
        let renamed = listing(&[
            ("First", 1, "one", 0),
            ("Other", 2, "two", 0),
            ("Third", 3, "three", 1),
        ]);
        assert_eq!(
            classify(&base(), &renamed),
            [(
                Breaking,
                "`ErrorKind::Second` renamed to `Other` (code 2)".to_owned()
            )]
        );
        let moved = listing(&[
            ("First", 1, "one", 0),
            ("Second", 2, "two", 1),
            ("Third", 3, "three", 1),
        ]);
        assert_eq!(classes(&moved), [Breaking]);
    }

    #[test]
    fn a_changed_description_title_or_order_is_docs_only() {
        let described = listing(&[
            ("First", 1, "uno", 0),
            ("Second", 2, "two", 0),
            ("Third", 3, "three", 1),
        ]);
        assert_eq!(classes(&described), [DocsOnly]);
        let mut retitled = base();
        retitled.categories[1].title = "Files".into();
        assert_eq!(classes(&retitled), [DocsOnly]);
        let reordered = listing(&[
            ("Second", 2, "two", 0),
            ("First", 1, "one", 0),
            ("Third", 3, "three", 1),
        ]);
        assert_eq!(classes(&reordered), [DocsOnly]);
    }

    #[test]
    fn a_new_first_name_for_a_code_is_breaking() {
        let old = listing(&[("First", 1, "one", 0), ("Alias", 1, "same", 0)]);
        let new = listing(&[("Alias", 1, "same", 0), ("First", 1, "one", 0)]);
        let found = classify(&old, &new);
        assert!(
            found.contains(&(
                Breaking,
                "`ErrorCode::kind()` of 1 changed `First` -> `Alias`".to_owned()
            )),
            "{found:?}"
        );
    }

    #[test]
    fn categories_added_removed_and_renamed() {
        let mut new = base();
        new.categories[0].variant = "Apis".into();
        new.categories.push(Category {
            anchor: "push".into(),
            variant: "Push".into(),
            title: "Push".into(),
        });
        assert_eq!(classes(&new), [Breaking, Additive]);
        let mut fewer = base();
        fewer.categories[1].anchor = "files".into();
        let found = classify(&base(), &fewer);
        assert!(
            found
                .iter()
                .any(|(class, what)| *class == Breaking && what.contains("(#file-issues) removed")),
            "{found:?}"
        );
    }
}

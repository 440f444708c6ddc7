//! What a catalogue change does to the generated API, in semver terms.
//!
//! Kinds are matched by name and categories by anchor. A row whose name
//! changed while its code, description and category stayed is a rename, not a
//! removal plus an addition; a section whose anchor changed while its title or
//! its rows stayed is an anchor change, and its rows are not reported as moved.
//!
//! Order: rows that keep their names but change places alter `ErrorKind::ALL`,
//! `Category::ALL`, the derived `Ord` and the order of `ErrorCode::kinds()`.
//! No one matches on positions, so that alone is classed with docs only and
//! labelled "order only". It is breaking when the first kind of a shared code
//! changes, because that kind is the code's canonical name
//! (`ErrorCode::kind()`, `Display`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::catalogue::Listing;

/// Semver class of a change, in increasing severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    DocsOnly,
    Additive,
    Breaking,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::DocsOnly => "docs only",
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        })
    }
}

/// One API-level difference between two catalogues. Kinds and categories are
/// named by their variant, as a user of the crate sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    CategoryAdded {
        anchor: String,
        variant: String,
    },
    CategoryRemoved {
        anchor: String,
        variant: String,
    },
    AnchorChanged {
        from: String,
        to: String,
        variant_from: String,
        variant_to: String,
    },
    /// Same anchor, different variant: the generator's naming rule changed.
    CategoryVariantChanged {
        anchor: String,
        from: String,
        to: String,
    },
    TitleChanged {
        anchor: String,
        from: String,
        to: String,
    },
    CategoriesReordered,
    KindAdded {
        name: String,
        code: i32,
        category: String,
        code_is_new: bool,
    },
    KindRemoved {
        name: String,
        code: i32,
        code_still_documented: bool,
    },
    KindRenamed {
        from: String,
        to: String,
        code: i32,
    },
    /// Same name, different constant: the generator's naming rule changed.
    ConstantChanged {
        name: String,
        from: String,
        to: String,
    },
    CodeChanged {
        name: String,
        from: i32,
        to: i32,
    },
    KindMoved {
        name: String,
        from: String,
        to: String,
    },
    DescriptionChanged {
        name: String,
    },
    CanonicalKindChanged {
        code: i32,
        from: String,
        to: String,
    },
    /// Kinds that changed places relative to the others (new names).
    KindsReordered {
        names: Vec<String>,
    },
}

impl Change {
    pub fn class(&self) -> Class {
        match self {
            Change::CategoryAdded { .. } | Change::KindAdded { .. } => Class::Additive,
            Change::TitleChanged { .. }
            | Change::CategoriesReordered
            | Change::DescriptionChanged { .. }
            | Change::KindsReordered { .. } => Class::DocsOnly,
            Change::CategoryRemoved { .. }
            | Change::AnchorChanged { .. }
            | Change::CategoryVariantChanged { .. }
            | Change::KindRemoved { .. }
            | Change::KindRenamed { .. }
            | Change::ConstantChanged { .. }
            | Change::CodeChanged { .. }
            | Change::KindMoved { .. }
            | Change::CanonicalKindChanged { .. } => Class::Breaking,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::CategoryAdded { anchor, variant } => {
                write!(f, "new category `Category::{variant}` (#{anchor})")
            }
            Change::CategoryRemoved { anchor, variant } => {
                write!(f, "category `Category::{variant}` (#{anchor}) removed")
            }
            Change::AnchorChanged {
                from,
                to,
                variant_from,
                variant_to,
            } => {
                write!(f, "category anchor changed #{from} -> #{to}")?;
                if variant_from != variant_to {
                    write!(
                        f,
                        ", `Category::{variant_from}` -> `Category::{variant_to}`"
                    )?;
                }
                Ok(())
            }
            Change::CategoryVariantChanged { anchor, from, to } => write!(
                f,
                "category #{anchor} renamed `Category::{from}` -> `Category::{to}`"
            ),
            Change::TitleChanged { anchor, from, to } => {
                write!(f, "title of category #{anchor} changed {from:?} -> {to:?}")
            }
            Change::CategoriesReordered => {
                f.write_str("order only: categories reordered (`Category::ALL`)")
            }
            Change::KindAdded {
                name,
                code,
                category,
                code_is_new,
            } => {
                let code_note = if *code_is_new {
                    "a new code"
                } else {
                    "already documented"
                };
                write!(
                    f,
                    "new kind `ErrorKind::{name}` (code {code}, {code_note}) in `Category::{category}`"
                )
            }
            Change::KindRemoved {
                name,
                code,
                code_still_documented,
            } => {
                let code_note = if *code_still_documented {
                    "still documented by other kinds"
                } else {
                    "no longer documented"
                };
                write!(
                    f,
                    "kind `ErrorKind::{name}` removed (code {code}, {code_note})"
                )
            }
            Change::KindRenamed { from, to, code } => write!(
                f,
                "kind renamed `ErrorKind::{from}` -> `ErrorKind::{to}` (code {code})"
            ),
            Change::ConstantChanged { name, from, to } => write!(
                f,
                "constant of `ErrorKind::{name}` renamed `ErrorCode::{from}` -> `ErrorCode::{to}`"
            ),
            Change::CodeChanged { name, from, to } => {
                write!(f, "code of `ErrorKind::{name}` changed {from} -> {to}")
            }
            Change::KindMoved { name, from, to } => write!(
                f,
                "kind `ErrorKind::{name}` moved `Category::{from}` -> `Category::{to}`"
            ),
            Change::DescriptionChanged { name } => {
                write!(f, "description of `ErrorKind::{name}` changed")
            }
            Change::CanonicalKindChanged { code, from, to } => write!(
                f,
                "code {code} names a different kind first: `ErrorCode::kind()` was {from}, now {to}"
            ),
            Change::KindsReordered { names } => {
                const SHOWN: usize = 5;
                let mut list = names
                    .iter()
                    .take(SHOWN)
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if names.len() > SHOWN {
                    list.push_str(&format!(" and {} more", names.len() - SHOWN));
                }
                write!(
                    f,
                    "order only: rows reordered (`ErrorKind::ALL`, `ErrorCode::kinds()`): {list} changed places"
                )
            }
        }
    }
}

/// The most severe class among `changes`; `None` when there are none.
pub fn overall(changes: &[Change]) -> Option<Class> {
    changes.iter().map(Change::class).max()
}

/// Every API-level change from `old` to `new`: categories first, then kinds in
/// `old` order, then additions in `new` order, then codes and order.
pub fn compare(old: &Listing, new: &Listing) -> Vec<Change> {
    let mut changes = Vec::new();
    let category_map = match_categories(old, new, &mut changes);
    let kind_map = match_kinds(old, new, &category_map, &mut changes);
    compare_canonical_kinds(old, new, &kind_map, &mut changes);
    compare_order(old, new, &category_map, &kind_map, &mut changes);
    changes
}

fn sorted_kind_names(listing: &Listing, category: usize) -> Vec<&str> {
    let mut names: Vec<&str> = listing
        .kinds
        .iter()
        .filter(|kind| kind.category == category)
        .map(|kind| kind.name.as_str())
        .collect();
    names.sort_unstable();
    names
}

/// Pairs old categories with new ones; the result maps old index -> new index.
fn match_categories(old: &Listing, new: &Listing, changes: &mut Vec<Change>) -> Vec<Option<usize>> {
    let mut map: Vec<Option<usize>> = old
        .categories
        .iter()
        .map(|category| {
            new.categories
                .iter()
                .position(|other| other.anchor == category.anchor)
        })
        .collect();
    let mut taken: Vec<bool> = (0..new.categories.len())
        .map(|index| map.contains(&Some(index)))
        .collect();

    // An unmatched old section whose title or rows reappear under a new anchor.
    for (old_index, category) in old.categories.iter().enumerate() {
        if map[old_index].is_some() {
            continue;
        }
        let old_names = sorted_kind_names(old, old_index);
        let found = (0..new.categories.len()).find(|&new_index| {
            !taken[new_index]
                && (new.categories[new_index].title == category.title
                    || (!old_names.is_empty() && sorted_kind_names(new, new_index) == old_names))
        });
        if let Some(new_index) = found {
            map[old_index] = Some(new_index);
            taken[new_index] = true;
            changes.push(Change::AnchorChanged {
                from: category.anchor.clone(),
                to: new.categories[new_index].anchor.clone(),
                variant_from: category.variant.clone(),
                variant_to: new.categories[new_index].variant.clone(),
            });
        }
    }

    for (old_index, category) in old.categories.iter().enumerate() {
        match map[old_index] {
            None => changes.push(Change::CategoryRemoved {
                anchor: category.anchor.clone(),
                variant: category.variant.clone(),
            }),
            Some(new_index) => {
                let other = &new.categories[new_index];
                if other.anchor == category.anchor && other.variant != category.variant {
                    changes.push(Change::CategoryVariantChanged {
                        anchor: category.anchor.clone(),
                        from: category.variant.clone(),
                        to: other.variant.clone(),
                    });
                }
                if other.title != category.title {
                    changes.push(Change::TitleChanged {
                        anchor: other.anchor.clone(),
                        from: category.title.clone(),
                        to: other.title.clone(),
                    });
                }
            }
        }
    }
    for (new_index, category) in new.categories.iter().enumerate() {
        if !taken[new_index] {
            changes.push(Change::CategoryAdded {
                anchor: category.anchor.clone(),
                variant: category.variant.clone(),
            });
        }
    }
    map
}

/// Pairs old kinds with new ones (by name, then renames); maps old -> new index.
fn match_kinds(
    old: &Listing,
    new: &Listing,
    category_map: &[Option<usize>],
    changes: &mut Vec<Change>,
) -> Vec<Option<usize>> {
    let new_by_name: HashMap<&str, usize> = new
        .kinds
        .iter()
        .enumerate()
        .map(|(index, kind)| (kind.name.as_str(), index))
        .collect();
    let mut map: Vec<Option<usize>> = old
        .kinds
        .iter()
        .map(|kind| new_by_name.get(kind.name.as_str()).copied())
        .collect();
    let mut taken = vec![false; new.kinds.len()];
    for &new_index in map.iter().flatten() {
        taken[new_index] = true;
    }

    // A rename keeps everything but the name; candidates pair up in spec order.
    for (old_index, kind) in old.kinds.iter().enumerate() {
        if map[old_index].is_some() {
            continue;
        }
        let found = (0..new.kinds.len()).find(|&new_index| {
            let other = &new.kinds[new_index];
            !taken[new_index]
                && other.code == kind.code
                && other.description == kind.description
                && category_map[kind.category] == Some(other.category)
        });
        if let Some(new_index) = found {
            map[old_index] = Some(new_index);
            taken[new_index] = true;
        }
    }

    let new_codes: BTreeMap<i32, ()> = new.kinds.iter().map(|kind| (kind.code, ())).collect();
    let old_codes: BTreeMap<i32, ()> = old.kinds.iter().map(|kind| (kind.code, ())).collect();
    for (old_index, kind) in old.kinds.iter().enumerate() {
        let Some(new_index) = map[old_index] else {
            changes.push(Change::KindRemoved {
                name: kind.name.clone(),
                code: kind.code,
                code_still_documented: new_codes.contains_key(&kind.code),
            });
            continue;
        };
        let other = &new.kinds[new_index];
        if other.name != kind.name {
            changes.push(Change::KindRenamed {
                from: kind.name.clone(),
                to: other.name.clone(),
                code: kind.code,
            });
        } else if other.constant != kind.constant {
            changes.push(Change::ConstantChanged {
                name: kind.name.clone(),
                from: kind.constant.clone(),
                to: other.constant.clone(),
            });
        }
        if other.code != kind.code {
            changes.push(Change::CodeChanged {
                name: other.name.clone(),
                from: kind.code,
                to: other.code,
            });
        }
        if category_map[kind.category] != Some(other.category) {
            changes.push(Change::KindMoved {
                name: other.name.clone(),
                from: old.categories[kind.category].variant.clone(),
                to: new.categories[other.category].variant.clone(),
            });
        }
        if other.description != kind.description {
            changes.push(Change::DescriptionChanged {
                name: other.name.clone(),
            });
        }
    }
    for (new_index, kind) in new.kinds.iter().enumerate() {
        if !taken[new_index] {
            changes.push(Change::KindAdded {
                name: kind.name.clone(),
                code: kind.code,
                category: new.categories[kind.category].variant.clone(),
                code_is_new: !old_codes.contains_key(&kind.code),
            });
        }
    }
    map
}

/// The first kind of each code, by index, in spec order of codes' first rows.
fn first_kinds(listing: &Listing) -> BTreeMap<i32, usize> {
    let mut first = BTreeMap::new();
    for (index, kind) in listing.kinds.iter().enumerate() {
        first.entry(kind.code).or_insert(index);
    }
    first
}

fn compare_canonical_kinds(
    old: &Listing,
    new: &Listing,
    kind_map: &[Option<usize>],
    changes: &mut Vec<Change>,
) {
    let new_first = first_kinds(new);
    for (code, old_index) in first_kinds(old) {
        let Some(&new_index) = new_first.get(&code) else {
            continue;
        };
        if kind_map[old_index] != Some(new_index) {
            changes.push(Change::CanonicalKindChanged {
                code,
                from: old.kinds[old_index].name.clone(),
                to: new.kinds[new_index].name.clone(),
            });
        }
    }
}

fn compare_order(
    old: &Listing,
    new: &Listing,
    category_map: &[Option<usize>],
    kind_map: &[Option<usize>],
    changes: &mut Vec<Change>,
) {
    let category_order: Vec<usize> = category_map.iter().flatten().copied().collect();
    if !is_increasing(&category_order) {
        changes.push(Change::CategoriesReordered);
    }

    // Kinds that moved category are reported as moved, not as reordered.
    let kept: Vec<usize> = old
        .kinds
        .iter()
        .zip(kind_map)
        .filter_map(|(kind, &new_index)| {
            let new_index = new_index?;
            (category_map[kind.category] == Some(new.kinds[new_index].category))
                .then_some(new_index)
        })
        .collect();
    if is_increasing(&kept) {
        return;
    }
    let in_place = longest_increasing_subsequence(&kept);
    let mut moved: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|index| !in_place.contains(index))
        .collect();
    moved.sort_unstable();
    changes.push(Change::KindsReordered {
        names: moved
            .into_iter()
            .map(|index| new.kinds[index].name.clone())
            .collect(),
    });
}

fn is_increasing(values: &[usize]) -> bool {
    values.windows(2).all(|pair| pair[0] < pair[1])
}

/// The values of one longest strictly increasing subsequence (quadratic: a
/// catalogue has a few hundred rows at most).
fn longest_increasing_subsequence(values: &[usize]) -> Vec<usize> {
    let mut length = vec![1usize; values.len()];
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for i in 0..values.len() {
        for j in 0..i {
            if values[j] < values[i] && length[j] + 1 > length[i] {
                length[i] = length[j] + 1;
                previous[i] = Some(j);
            }
        }
    }
    let mut best = (0..values.len()).max_by_key(|&i| (length[i], std::cmp::Reverse(i)));
    let mut out = Vec::new();
    while let Some(i) = best {
        out.push(values[i]);
        best = previous[i];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Category, Kind};

    fn listing(categories: &[(&str, &str)], kinds: &[(&str, i32, &str, usize)]) -> Listing {
        Listing {
            categories: categories
                .iter()
                .map(|&(anchor, variant)| Category {
                    anchor: anchor.into(),
                    variant: variant.into(),
                    title: format!("{variant} title"),
                })
                .collect(),
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

    #[test]
    fn equal_listings_have_no_changes() {
        let a = listing(&[("a", "A")], &[("X", 1, "x", 0), ("Y", 1, "y", 0)]);
        assert_eq!(compare(&a, &a), []);
        assert_eq!(overall(&[]), None);
    }

    #[test]
    fn a_removed_category_takes_its_kinds_with_it() {
        let old = listing(
            &[("a", "A"), ("b", "B")],
            &[("X", 1, "x", 0), ("Y", 2, "y", 1)],
        );
        let new = listing(&[("a", "A")], &[("X", 1, "x", 0)]);
        assert_eq!(
            compare(&old, &new),
            [
                Change::CategoryRemoved {
                    anchor: "b".into(),
                    variant: "B".into()
                },
                Change::KindRemoved {
                    name: "Y".into(),
                    code: 2,
                    code_still_documented: false
                },
            ]
        );
    }

    #[test]
    fn a_rename_with_another_description_is_a_removal_and_an_addition() {
        let old = listing(&[("a", "A")], &[("X", 1, "x", 0)]);
        let new = listing(&[("a", "A")], &[("Z", 1, "z", 0)]);
        let changes = compare(&old, &new);
        assert_eq!(
            changes,
            [
                Change::KindRemoved {
                    name: "X".into(),
                    code: 1,
                    code_still_documented: true
                },
                Change::KindAdded {
                    name: "Z".into(),
                    code: 1,
                    category: "A".into(),
                    code_is_new: false
                },
                Change::CanonicalKindChanged {
                    code: 1,
                    from: "X".into(),
                    to: "Z".into()
                },
            ]
        );
        assert_eq!(overall(&changes), Some(Class::Breaking));
    }

    #[test]
    fn a_changed_naming_rule_is_breaking() {
        let old = listing(&[("a", "A")], &[("Xy", 1, "x", 0)]);
        let mut new = old.clone();
        new.kinds[0].constant = "X_Y".into();
        new.categories[0].variant = "Aa".into();
        assert_eq!(
            compare(&old, &new),
            [
                Change::CategoryVariantChanged {
                    anchor: "a".into(),
                    from: "A".into(),
                    to: "Aa".into()
                },
                Change::ConstantChanged {
                    name: "Xy".into(),
                    from: "XY".into(),
                    to: "X_Y".into()
                },
            ]
        );
    }

    #[test]
    fn reordering_names_the_rows_that_changed_places() {
        let old = listing(
            &[("a", "A")],
            &[
                ("P", 1, "", 0),
                ("Q", 2, "", 0),
                ("R", 3, "", 0),
                ("S", 4, "", 0),
            ],
        );
        let new = listing(
            &[("a", "A")],
            &[
                ("P", 1, "", 0),
                ("R", 3, "", 0),
                ("S", 4, "", 0),
                ("Q", 2, "", 0),
            ],
        );
        let changes = compare(&old, &new);
        assert_eq!(
            changes,
            [Change::KindsReordered {
                names: vec!["Q".into()]
            }]
        );
        assert_eq!(overall(&changes), Some(Class::DocsOnly));
    }

    #[test]
    fn longest_increasing_subsequence_keeps_the_most_values() {
        assert_eq!(longest_increasing_subsequence(&[0, 2, 3, 1]), [0, 2, 3]);
        assert_eq!(longest_increasing_subsequence(&[3, 0, 1, 2]), [0, 1, 2]);
        assert_eq!(longest_increasing_subsequence(&[]), Vec::<usize>::new());
    }
}

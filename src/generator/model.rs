//! Stage 3, model: the checked spec as the catalogue the generated code
//! describes. Everything `emit` needs beyond the rows (the code groups and
//! the name-lookup tree) is computed here, once, in time that grows with the
//! number of rows times a small factor, so that `emit` only walks it.

use std::ops::Range;

use super::check::CheckedSpec;
use super::diagnostics::Location;

/// The catalogue the generated code describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    /// In spec order; each owns a contiguous run of `kinds`.
    pub categories: Vec<CategoryModel>,
    /// Every row, in spec order.
    pub kinds: Vec<KindModel>,
    /// Every distinct code, ascending, each with its kinds in spec order.
    pub codes: Vec<CodeGroup>,
    /// How `ErrorKind::from_name` narrows a name down to one candidate.
    pub name_lookup: Vec<NamesOfLength>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryModel {
    pub variant: String,
    pub anchor: String,
    pub title: String,
    pub title_markdown: String,
    pub kinds: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindModel {
    pub name: String,
    pub constant: String,
    pub code: i32,
    pub description: String,
    pub description_markdown: String,
    pub category: usize,
    pub location: Location,
    /// Its code's entry in [`Catalogue::codes`].
    pub code_group: usize,
}

/// One code and the kinds that carry it, as indices into [`Catalogue::kinds`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeGroup {
    pub code: i32,
    pub kinds: Vec<usize>,
}

/// The names of one length, ascending by length across the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamesOfLength {
    pub length: usize,
    pub tree: NameTree,
}

/// A decision tree over single bytes of a name that leaves one candidate,
/// which the generated code then compares in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameTree {
    /// The only kind whose name can match.
    Candidate(usize),
    /// Branch on the byte at `position`, one branch per byte value, ascending.
    Byte {
        position: usize,
        branches: Vec<(u8, NameTree)>,
    },
}

impl Catalogue {
    /// How many kinds other than `kind` share its code.
    pub fn sharing_code_count(&self, kind: usize) -> usize {
        self.codes[self.kinds[kind].code_group].kinds.len() - 1
    }

    /// The kinds other than `kind` that share its code, in spec order.
    pub fn sharing_code_with(&self, kind: usize) -> impl Iterator<Item = &KindModel> {
        let group = &self.codes[self.kinds[kind].code_group];
        group
            .kinds
            .iter()
            .filter(move |&&other| other != kind)
            .map(|&other| &self.kinds[other])
    }
}

pub fn model(spec: CheckedSpec) -> Catalogue {
    let mut categories = Vec::new();
    let mut kinds = Vec::new();
    for (category, section) in spec.sections.into_iter().enumerate() {
        let start = kinds.len();
        kinds.extend(section.rows.into_iter().map(|row| KindModel {
            constant: row.constant,
            name: row.name,
            code: row.code,
            description: row.description,
            description_markdown: row.description_markdown,
            category,
            location: row.location,
            code_group: 0,
        }));
        categories.push(CategoryModel {
            variant: section.variant,
            anchor: section.anchor,
            title: section.title,
            title_markdown: section.title_markdown,
            kinds: start..kinds.len(),
        });
    }
    let codes = code_groups(&mut kinds);
    let name_lookup = name_lookup(&kinds);
    Catalogue {
        categories,
        kinds,
        codes,
        name_lookup,
    }
}

/// Groups the kinds by code and points each kind at its group.
fn code_groups(kinds: &mut [KindModel]) -> Vec<CodeGroup> {
    // Sorting (code, index) pairs keeps kinds that share a code in spec order.
    let mut by_code: Vec<(i32, usize)> = Vec::with_capacity(kinds.len());
    for (index, kind) in kinds.iter().enumerate() {
        by_code.push((kind.code, index));
    }
    by_code.sort_unstable();
    let mut groups: Vec<CodeGroup> = Vec::new();
    for (code, index) in by_code {
        match groups.last_mut() {
            Some(group) if group.code == code => group.kinds.push(index),
            _ => groups.push(CodeGroup {
                code,
                kinds: vec![index],
            }),
        }
        kinds[index].code_group = groups.len() - 1;
    }
    groups
}

fn name_lookup(kinds: &[KindModel]) -> Vec<NamesOfLength> {
    // Names are short: one bucket per length, each in spec order.
    let mut by_length: Vec<Vec<usize>> = Vec::new();
    for (index, kind) in kinds.iter().enumerate() {
        let length = kind.name.len();
        if by_length.len() <= length {
            by_length.resize(length + 1, Vec::new());
        }
        by_length[length].push(index);
    }
    let mut lookup = Vec::new();
    for (length, indices) in by_length.iter().enumerate() {
        if !indices.is_empty() {
            lookup.push(NamesOfLength {
                length,
                tree: name_tree(kinds, indices),
            });
        }
    }
    lookup
}

/// The tree for distinct names of one length, given in spec order.
fn name_tree(kinds: &[KindModel], indices: &[usize]) -> NameTree {
    if let [only] = indices {
        return NameTree::Candidate(*only);
    }
    let byte_at = |index: usize, position: usize| kinds[index].name.as_bytes()[position];
    // The position whose byte splits the names into the most groups; the
    // first such position on a tie.
    let length = kinds[indices[0]].name.len();
    let mut position = 0;
    let mut most_distinct = 0;
    for candidate in 0..length {
        let mut seen = [false; 256];
        let mut distinct = 0;
        for &index in indices {
            let byte = usize::from(byte_at(index, candidate));
            distinct += usize::from(!seen[byte]);
            seen[byte] = true;
        }
        if distinct > most_distinct {
            (position, most_distinct) = (candidate, distinct);
        }
    }
    if most_distinct < 2 {
        // Only equal names agree at every position, and `check` rejects them.
        return NameTree::Candidate(indices[0]);
    }
    // One bucket per byte value, each in spec order; branches ascend by byte.
    let mut by_byte: Vec<Vec<usize>> = vec![Vec::new(); 256];
    for &index in indices {
        by_byte[usize::from(byte_at(index, position))].push(index);
    }
    let mut branches = Vec::with_capacity(most_distinct);
    for (byte, same_byte) in (0..=u8::MAX).zip(&by_byte) {
        if !same_byte.is_empty() {
            branches.push((byte, name_tree(kinds, same_byte)));
        }
    }
    NameTree::Byte { position, branches }
}

#[cfg(test)]
mod tests {
    use super::super::{check, read, SpecFile};
    use super::*;

    fn catalogue(rows: &[(&str, i32)]) -> Catalogue {
        let mut text =
            "## S {#s}\n\n| Name | Code | Description |\n| --- | --- | --- |\n".to_owned();
        for (name, code) in rows {
            text.push_str(&format!("| `{name}` | {code} | d |\n"));
        }
        let file = SpecFile::from_bytes("spec/s.md", text.as_bytes()).unwrap();
        model(check(&read(&[file])).unwrap())
    }

    #[test]
    fn codes_ascend_and_keep_their_kinds_in_spec_order() {
        let catalogue = catalogue(&[("B", 7), ("A", -1), ("C", 7), ("D", 0), ("E", 7)]);
        let groups: Vec<(i32, Vec<usize>)> = (catalogue.codes.iter())
            .map(|group| (group.code, group.kinds.clone()))
            .collect();
        assert_eq!(groups, [(-1, vec![1]), (0, vec![3]), (7, vec![0, 2, 4])]);
        let group_of: Vec<usize> = catalogue.kinds.iter().map(|kind| kind.code_group).collect();
        assert_eq!(group_of, [2, 0, 2, 1, 2]);
        let shared: Vec<&str> = (catalogue.sharing_code_with(2))
            .map(|kind| kind.name.as_str())
            .collect();
        assert_eq!(shared, ["B", "E"]);
        assert_eq!(catalogue.sharing_code_with(1).count(), 0);
        let counts: Vec<usize> = (0..5)
            .map(|kind| catalogue.sharing_code_count(kind))
            .collect();
        assert_eq!(counts, [2, 0, 2, 0, 2]);
    }

    #[test]
    fn the_name_tree_splits_on_the_byte_that_tells_most_names_apart() {
        // Length 3: positions 0 and 1 split {Abc, Abd, Xbc} into two groups,
        // position 2 too; the first such position wins, then position 2.
        let catalogue = catalogue(&[("Abc", 1), ("Abd", 2), ("Xbc", 3), ("Long", 4)]);
        use NameTree::{Byte, Candidate};
        assert_eq!(
            catalogue.name_lookup,
            [
                NamesOfLength {
                    length: 3,
                    tree: Byte {
                        position: 0,
                        branches: vec![
                            (
                                b'A',
                                Byte {
                                    position: 2,
                                    branches: vec![(b'c', Candidate(0)), (b'd', Candidate(1))]
                                }
                            ),
                            (b'X', Candidate(2)),
                        ],
                    },
                },
                NamesOfLength {
                    length: 4,
                    tree: Candidate(3)
                },
            ]
        );
    }

    #[test]
    fn every_name_leads_to_its_own_kind() {
        let names: Vec<String> = (0..300).map(|i| format!("Name{}X{}", i % 7, i)).collect();
        let rows: Vec<(&str, i32)> = names.iter().map(|name| (name.as_str(), 1)).collect();
        let catalogue = catalogue(&rows);
        for (index, name) in names.iter().enumerate() {
            let names_of_length = (catalogue.name_lookup.iter())
                .find(|names| names.length == name.len())
                .unwrap();
            let mut tree = &names_of_length.tree;
            while let NameTree::Byte { position, branches } = tree {
                let byte = name.as_bytes()[*position];
                tree = &branches.iter().find(|(b, _)| *b == byte).unwrap().1;
            }
            assert_eq!(tree, &NameTree::Candidate(index), "{name}");
        }
    }
}

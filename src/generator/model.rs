//! Stage 3, model: the checked spec as the catalogue the generated code
//! describes (categories, kinds, shared-code groups).

use std::collections::BTreeMap;
use std::ops::Range;

use super::check::CheckedSpec;
use super::diagnostics::Location;
use super::naming::{category_variant, constant_name};

/// The catalogue the generated code describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    /// In spec order; each owns a contiguous run of `kinds`.
    pub categories: Vec<CategoryModel>,
    /// Every row, in spec order.
    pub kinds: Vec<KindModel>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryModel {
    pub variant: String,
    pub anchor: String,
    pub title: String,
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
}

impl Catalogue {
    /// Every distinct code with the kinds that carry it, in spec order.
    pub fn codes(&self) -> BTreeMap<i32, Vec<usize>> {
        let mut codes: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        for (index, kind) in self.kinds.iter().enumerate() {
            codes.entry(kind.code).or_default().push(index);
        }
        codes
    }
}

pub fn model(spec: CheckedSpec) -> Catalogue {
    let mut categories = Vec::new();
    let mut kinds = Vec::new();
    for (category, section) in spec.sections.into_iter().enumerate() {
        let start = kinds.len();
        kinds.extend(section.rows.into_iter().map(|row| KindModel {
            constant: constant_name(&row.name),
            name: row.name,
            code: row.code,
            description: row.description,
            description_markdown: row.description_markdown,
            category,
            location: row.location,
        }));
        categories.push(CategoryModel {
            variant: category_variant(&section.anchor),
            anchor: section.anchor,
            title: section.title,
            kinds: start..kinds.len(),
        });
    }
    Catalogue { categories, kinds }
}

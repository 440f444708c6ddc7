use core::fmt;
use core::str::FromStr;

use super::code::ErrorCode;
use super::generated::{Category, ErrorKind, CATEGORIES, KINDS};
use super::text::Excerpt;

/// One row of the document, as the generated table stores it.
pub(crate) struct KindRow {
    pub(crate) code: i32,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) category: Category,
}

/// One section of the document, as the generated table stores it.
pub(crate) struct CategoryRow {
    pub(crate) anchor: &'static str,
    pub(crate) title: &'static str,
    /// The category's kinds are `ErrorKind::ALL[kinds_start..][..kinds_len]`.
    pub(crate) kinds_start: usize,
    pub(crate) kinds_len: usize,
}

/// Equality usable in `const fn` (`==` on slices is not `const`).
///
/// Compares eight bytes at a time, the last eight overlapping the previous
/// ones when the length is not a multiple of eight: names are 9 to 40 bytes,
/// and a byte loop made `ErrorKind::from_name` slower than a `HashMap`
/// (`benches/lookup.rs`).
pub(crate) const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if let (Some(a_last), Some(b_last)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        if u64::from_ne_bytes(*a_last) != u64::from_ne_bytes(*b_last) {
            return false;
        }
        let (mut a, mut b) = (a, b);
        while let (Some(a_chunk), Some(b_chunk)) = (a.first_chunk::<8>(), b.first_chunk::<8>()) {
            if u64::from_ne_bytes(*a_chunk) != u64::from_ne_bytes(*b_chunk) {
                return false;
            }
            a = a.split_at(8).1;
            b = b.split_at(8).1;
        }
        return true;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl ErrorKind {
    const fn row(self) -> &'static KindRow {
        &KINDS[self as usize]
    }

    /// The code of this kind; other kinds may share it.
    pub const fn code(self) -> ErrorCode {
        ErrorCode::new(self.row().code)
    }

    /// The name exactly as the document writes it, such as `"ObjectNotFound"`.
    pub const fn name(self) -> &'static str {
        self.row().name
    }

    /// The description as a reader sees it: markdown escapes resolved,
    /// typographic quotes kept, inline code kept with its backticks.
    pub const fn description(self) -> &'static str {
        self.row().description
    }

    /// The section of the document this kind is listed in.
    pub const fn category(self) -> Category {
        self.row().category
    }
}

/// The name as written in the document.
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Exact, case-sensitive name lookup, as [`ErrorKind::from_name`].
impl FromStr for ErrorKind {
    type Err = UnknownKindError;

    fn from_str(name: &str) -> Result<Self, <Self as FromStr>::Err> {
        ErrorKind::from_name(name).ok_or_else(|| UnknownKindError {
            name: Excerpt::new(name),
        })
    }
}

impl From<ErrorKind> for i32 {
    fn from(kind: ErrorKind) -> Self {
        kind.code().get()
    }
}

impl Category {
    const fn row(self) -> &'static CategoryRow {
        &CATEGORIES[self as usize]
    }

    /// The section's anchor in the document, such as `"api-issues"`.
    pub const fn anchor(self) -> &'static str {
        self.row().anchor
    }

    /// The section's heading as written in the document (the translated
    /// document's headings are partly Chinese, such as `"API 问题"`).
    pub const fn title(self) -> &'static str {
        self.row().title
    }

    /// The kinds listed in this section, in document order.
    pub const fn kinds(self) -> &'static [ErrorKind] {
        let row = self.row();
        ErrorKind::ALL
            .split_at(row.kinds_start)
            .1
            .split_at(row.kinds_len)
            .0
    }

    /// The category with exactly this anchor, such as `"api-issues"`.
    pub const fn from_anchor(anchor: &str) -> Option<Category> {
        let mut i = 0;
        while i < Category::ALL.len() {
            let category = Category::ALL[i];
            if bytes_eq(category.anchor().as_bytes(), anchor.as_bytes()) {
                return Some(category);
            }
            i += 1;
        }
        None
    }
}

/// The heading title as written in the document.
impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// Lookup by anchor, as [`Category::from_anchor`].
impl FromStr for Category {
    type Err = UnknownCategoryError;

    fn from_str(anchor: &str) -> Result<Self, <Self as FromStr>::Err> {
        Category::from_anchor(anchor).ok_or_else(|| UnknownCategoryError {
            anchor: Excerpt::new(anchor),
        })
    }
}

/// No kind has the given name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct UnknownKindError {
    name: Excerpt,
}

impl UnknownKindError {
    /// The name that was not found (cut after 64 bytes).
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
}

impl fmt::Display for UnknownKindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no Parse error kind is named `{}` (names are case-sensitive, such as `ObjectNotFound`)",
            self.name
        )
    }
}

impl core::error::Error for UnknownKindError {}

/// No category has the given anchor.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct UnknownCategoryError {
    anchor: Excerpt,
}

impl UnknownCategoryError {
    /// The anchor that was not found (cut after 64 bytes).
    pub fn anchor(&self) -> &str {
        self.anchor.as_str()
    }
}

impl fmt::Display for UnknownCategoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no Parse error category has the anchor `{}` (anchors look like `api-issues`)",
            self.anchor
        )
    }
}

impl core::error::Error for UnknownCategoryError {}

#[cfg(test)]
mod tests {
    use super::bytes_eq;

    // Evaluated by the compiler: a short comparison that never ended would fail
    // the test build (rustc stops a constant that runs too long) instead of
    // hanging the test run.
    const _: () = assert!(bytes_eq(b"abc", b"abc") && !bytes_eq(b"abc", b"abd"));

    /// Every length around the 8-byte chunks, with a difference at every
    /// position: the chunked comparison must see each byte exactly as `==` does.
    #[test]
    fn bytes_eq_agrees_with_slice_equality() {
        let text: [u8; 41] = *b"InvalidSessionTokenObjectNotFoundCacheMis";
        for length in 0..=text.len() {
            let a = &text[..length];
            let mut changed = text;
            assert!(bytes_eq(a, &changed[..length]), "length {length}");
            for position in 0..length {
                changed[position] ^= 0x20;
                let b = &changed[..length];
                assert!(!bytes_eq(a, b), "length {length}, position {position}");
                changed[position] ^= 0x20;
            }
            if length > 0 {
                assert!(!bytes_eq(a, &text[..length - 1]), "length {length}");
                assert!(!bytes_eq(&text[1..length], a), "length {length}");
            }
        }
    }
}

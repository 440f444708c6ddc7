use core::fmt;

/// A copy of a short piece of input, kept inside an error without allocating.
///
/// Input longer than the buffer is cut at a character boundary and shown with `…`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Excerpt {
    bytes: [u8; Excerpt::CAPACITY],
    len: u8,
    truncated: bool,
}

impl Excerpt {
    const CAPACITY: usize = 64;

    pub(crate) fn new(text: &str) -> Self {
        let mut len = text.len().min(Self::CAPACITY);
        while !text.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; Self::CAPACITY];
        bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
        Excerpt {
            bytes,
            // `len` is at most CAPACITY, which fits in a u8.
            len: len as u8,
            truncated: len < text.len(),
        }
    }

    /// The kept text, without the ellipsis.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)?;
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Excerpt;

    #[test]
    fn short_text_is_kept_whole() {
        let excerpt = Excerpt::new("ObjectNotFnd");
        assert_eq!(excerpt.as_str(), "ObjectNotFnd");
        assert!(!excerpt.truncated);
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(40); // 80 bytes
        let excerpt = Excerpt::new(&text);
        assert_eq!(excerpt.as_str(), "é".repeat(32));
        assert!(excerpt.truncated);
    }
}

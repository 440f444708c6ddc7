//! The drift check's unified diff: `similar` aligns the lines, this module
//! prints the hunks in the classic format (`@@ -3,5 +3,5 @@`, a count on both
//! sides) and cuts a long diff so that it does not bury the API summary.

use similar::{ChangeTag, DiffOp, TextDiff};

/// A unified diff of two texts with `context` lines around each change, cut
/// after `max_lines` lines of hunks (the cut is announced). Empty when the
/// texts are equal.
pub fn unified_diff(
    old: &str,
    new: &str,
    old_label: &str,
    new_label: &str,
    context: usize,
    max_lines: usize,
) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut body = Vec::new();
    for hunk in diff.unified_diff().context_radius(context).iter_hunks() {
        body.push(hunk_header(hunk.ops()));
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                ChangeTag::Equal => ' ',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            };
            let line = change.value();
            body.push(format!("{sign}{}", line.strip_suffix('\n').unwrap_or(line)));
        }
    }
    if body.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    for line in body.iter().take(max_lines) {
        out.push_str(line);
        out.push('\n');
    }
    if body.len() > max_lines {
        out.push_str(&format!(
            "... {} more diff lines not shown\n",
            body.len() - max_lines
        ));
    }
    out
}

/// `@@ -start,count +start,count @@`, lines numbered from 1; an empty side
/// names the line before it.
fn hunk_header(ops: &[DiffOp]) -> String {
    let (Some(first), Some(last)) = (ops.first(), ops.last()) else {
        return "@@ -0,0 +0,0 @@".to_owned();
    };
    let range = |start: usize, end: usize| {
        let count = end - start;
        let start = if count == 0 { start } else { start + 1 };
        format!("{start},{count}")
    };
    format!(
        "@@ -{} +{} @@",
        range(first.old_range().start, last.old_range().end),
        range(first.new_range().start, last.new_range().end)
    )
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y", 3, 100), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        let expected = "--- old\n+++ new\n@@ -3,5 +3,5 @@\n 3\n 4\n-5\n+five\n 6\n 7\n";
        assert_eq!(unified_diff(old, new, "old", "new", 2, 100), expected);
    }

    #[test]
    fn insertion_and_deletion_far_apart_make_two_hunks() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nx\nb\nc\nd\ne\nf\nh\n";
        let expected = "--- o\n+++ n\n@@ -1,2 +1,3 @@\n a\n+x\n b\n@@ -6,3 +7,2 @@\n f\n-g\n h\n";
        assert_eq!(unified_diff(old, new, "o", "n", 1, 100), expected);
    }

    #[test]
    fn insertion_into_empty_text_starts_at_line_zero() {
        let expected = "--- o\n+++ n\n@@ -0,0 +1,2 @@\n+a\n+b\n";
        assert_eq!(unified_diff("", "a\nb\n", "o", "n", 3, 100), expected);
    }

    #[test]
    fn a_replaced_block_reads_old_lines_then_new_ones() {
        let expected = "--- o\n+++ n\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
        assert_eq!(
            unified_diff("a\nb\nc\n", "a\nB\nc\n", "o", "n", 1, 100),
            expected
        );
    }

    #[test]
    fn long_diffs_are_cut_and_say_so() {
        let old: String = (0..50).map(|i| format!("{i}\n")).collect();
        let new: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let diff = unified_diff(&old, &new, "o", "n", 3, 10);
        let lines: Vec<&str> = diff.lines().collect();
        // Two file headers, ten hunk lines, one note: 101 hunk lines minus the 10 shown.
        assert_eq!(lines.len(), 13);
        assert_eq!(lines[12], "... 91 more diff lines not shown");
    }
}

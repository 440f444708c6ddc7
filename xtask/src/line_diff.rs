//! A small unified line diff, enough to show a reviewer what drifted.
//!
//! Longest common subsequence over the lines that differ once the common head
//! and tail are cut off; drift is usually a few rows, so that middle is small.

/// Above this many table cells (about 64 MB) the middle is shown as one
/// replaced block instead of being aligned line by line.
const MAX_TABLE_CELLS: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// One line of the edit script with its 0-based position in each text.
#[derive(Clone, Copy, Debug)]
struct Edit {
    op: Op,
    old: usize,
    new: usize,
}

fn edit_script(old: &[&str], new: &[&str]) -> Vec<Edit> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old[head..old.len() - tail];
    let new_mid = &new[head..new.len() - tail];

    let mut edits: Vec<Edit> = (0..head)
        .map(|i| Edit {
            op: Op::Equal,
            old: i,
            new: i,
        })
        .collect();
    let (n, m) = (old_mid.len(), new_mid.len());
    if (n + 1).saturating_mul(m + 1) > MAX_TABLE_CELLS {
        edits.extend((0..n).map(|i| Edit {
            op: Op::Delete,
            old: head + i,
            new: head,
        }));
        edits.extend((0..m).map(|j| Edit {
            op: Op::Insert,
            old: head + n,
            new: head + j,
        }));
    } else {
        // lcs[i][j]: length of the LCS of old_mid[i..] and new_mid[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if old_mid[i] == new_mid[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            let (op, next_i, next_j) = if i < n && j < m && old_mid[i] == new_mid[j] {
                (Op::Equal, i + 1, j + 1)
            } else if j < m && (i == n || lcs[i * width + j + 1] > lcs[(i + 1) * width + j]) {
                // Ties delete first, so a replaced block reads `-old` then `+new`.
                (Op::Insert, i, j + 1)
            } else {
                (Op::Delete, i + 1, j)
            };
            edits.push(Edit {
                op,
                old: head + i,
                new: head + j,
            });
            (i, j) = (next_i, next_j);
        }
    }
    edits.extend((0..tail).map(|k| Edit {
        op: Op::Equal,
        old: old.len() - tail + k,
        new: new.len() - tail + k,
    }));
    edits
}

/// `old` and `new` as a unified diff with `context` lines around each change,
/// cut after `max_lines` lines of hunks (the cut is announced). Empty when the
/// texts are equal.
pub fn unified_diff(
    old: &str,
    new: &str,
    old_label: &str,
    new_label: &str,
    context: usize,
    max_lines: usize,
) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let edits = edit_script(&old_lines, &new_lines);

    // Group the edit script into hunks: runs of changes closer than 2 * context.
    let changes: Vec<usize> = (0..edits.len())
        .filter(|&k| edits[k].op != Op::Equal)
        .collect();
    if changes.is_empty() {
        return String::new();
    }
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &k in &changes {
        let start = k.saturating_sub(context);
        let end = (k + context + 1).min(edits.len());
        match hunks.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = end,
            _ => hunks.push((start, end)),
        }
    }

    let mut body = Vec::new();
    for (start, end) in hunks {
        let slice = &edits[start..end];
        let old_count = slice.iter().filter(|e| e.op != Op::Insert).count();
        let new_count = slice.iter().filter(|e| e.op != Op::Delete).count();
        // Unified diff numbers lines from 1; an empty side names the line before it.
        let old_start = if old_count == 0 {
            slice[0].old
        } else {
            slice[0].old + 1
        };
        let new_start = if new_count == 0 {
            slice[0].new
        } else {
            slice[0].new + 1
        };
        body.push(format!(
            "@@ -{old_start},{old_count} +{new_start},{new_count} @@"
        ));
        for edit in slice {
            body.push(match edit.op {
                Op::Equal => format!(" {}", old_lines[edit.old]),
                Op::Delete => format!("-{}", old_lines[edit.old]),
                Op::Insert => format!("+{}", new_lines[edit.new]),
            });
        }
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

//! Stage 0, load: every `*.md` file under `spec/`, decoded as UTF-8 with the
//! byte-order mark removed and line endings normalised, in path order.

use std::path::Path;

use super::diagnostics::{Diagnostic, Location};

/// The directory, relative to the crate root, that holds the spec.
pub const SPEC_DIR: &str = "spec";

/// One spec file: its path as shown in diagnostics (`spec/x.md`) and its text,
/// with any byte-order mark removed and line endings normalised to `\n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    pub path: String,
    pub text: String,
}

impl SpecFile {
    /// Decodes one file's bytes; `path` is the display path such as `spec/x.md`.
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<SpecFile, Diagnostic> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = &bytes[..error.valid_up_to()];
                // The prefix is valid UTF-8 by construction. Positions are those of
                // the decoded text: without the byte-order mark, any line ending.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
                let prefix = prefix.replace("\r\n", "\n").replace('\r', "\n");
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                let location = Location {
                    file: path.to_owned(),
                    line,
                    column,
                };
                return Err(Diagnostic::at(&location, "the file is not valid UTF-8")
                    .help("save the spec as UTF-8"));
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_owned()
        };
        Ok(SpecFile {
            path: path.to_owned(),
            text,
        })
    }
}

/// Reads every `*.md` file under `<crate_root>/spec`, recursively, sorted by path.
pub fn load(crate_root: &Path) -> Result<Vec<SpecFile>, Vec<Diagnostic>> {
    let spec_root = crate_root.join(SPEC_DIR);
    let mut found = Found::default();
    // With no file to name, a problem names the folder.
    let folder = format!("{SPEC_DIR}/");
    if let Err(error) = found.collect(&spec_root, "") {
        return Err(vec![Diagnostic::in_files(
            [folder.as_str()],
            format!("cannot read the spec directory: {error}"),
        )]);
    }
    found.markdown.sort();
    if found.markdown.is_empty() && found.problems.is_empty() {
        return Err(vec![Diagnostic::in_files(
            [folder.as_str()],
            "no `*.md` file under `spec/`",
        )
        .help(
            "the catalogue is generated from markdown tables in `spec/*.md`",
        )]);
    }
    let mut files = Vec::new();
    let mut diagnostics = found.problems;
    for relative in found.markdown {
        match read_spec_file(&spec_root, &relative) {
            Ok(file) => files.push(file),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if diagnostics.is_empty() {
        Ok(files)
    } else {
        // `read_dir` order is the file system's: sort by path for a stable report.
        diagnostics.sort_by_cached_key(|diagnostic| diagnostic.to_string());
        Err(diagnostics)
    }
}

fn read_spec_file(spec_root: &Path, relative: &str) -> Result<SpecFile, Diagnostic> {
    let display = format!("{SPEC_DIR}/{relative}");
    match std::fs::read(spec_root.join(relative)) {
        Ok(bytes) => SpecFile::from_bytes(&display, &bytes),
        Err(error) => Err(Diagnostic::in_files(
            [display.as_str()],
            format!("cannot read the file: {error}"),
        )),
    }
}

/// What the walk of `spec/` found: markdown files by relative path, and the
/// entries it refuses.
#[derive(Default)]
struct Found {
    markdown: Vec<String>,
    problems: Vec<Diagnostic>,
}

impl Found {
    /// Walks `dir` without following symbolic links. A link is refused,
    /// whatever it points to: a link to a folder can loop, a link can leave
    /// the crate (and its package), and cargo's `rerun-if-changed=spec` does
    /// not watch what a link points to, so an edit there would not rebuild.
    fn collect(&mut self, dir: &Path, prefix: &str) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            let file_type = entry.file_type()?;
            if file_type.is_symlink() {
                self.refuse(&relative, "a symbolic link", "replace the link with the file or folder it points to: the spec is read from regular files and folders only");
            } else if file_type.is_dir() {
                self.collect(&entry.path(), &format!("{relative}/"))?;
            } else if !name.ends_with(".md") {
                // Not part of the spec: notes, images, ...
            } else if file_type.is_file() {
                self.markdown.push(relative);
            } else {
                self.refuse(
                    &relative,
                    "not a regular file",
                    "the spec is read from regular files only",
                );
            }
        }
        Ok(())
    }

    fn refuse(&mut self, relative: &str, what: &str, help: &str) {
        let display = format!("{SPEC_DIR}/{relative}");
        self.problems.push(
            Diagnostic::in_files([display.as_str()], format!("{what} under `spec/`")).help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_order_mark_goes_and_every_line_ending_becomes_a_newline() {
        let file = SpecFile::from_bytes("spec/x.md", b"\xef\xbb\xbfa\r\nb\rc\n").unwrap();
        assert_eq!(file.path, "spec/x.md");
        assert_eq!(file.text, "a\nb\nc\n");
    }

    #[test]
    fn invalid_utf8_is_located_in_the_decoded_text() {
        let error = SpecFile::from_bytes("spec/x.md", b"ok\r\nab\xc3\x28").unwrap_err();
        assert_eq!(
            error.location(),
            Some(&Location {
                file: "spec/x.md".to_owned(),
                line: 2,
                column: 3,
            })
        );
    }

    /// Links to a file, to a folder, to their own folder (a loop) and to
    /// nothing: each is refused by name, and nothing behind them is read.
    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_whatever_they_point_to() {
        use std::os::unix::fs::symlink;
        let root = std::env::temp_dir().join(format!("generator-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec/real")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("spec/real/a.md"), "A").unwrap();
        std::fs::write(root.join("outside/b.md"), "B").unwrap();
        symlink(root.join("outside/b.md"), root.join("spec/file.md")).unwrap();
        symlink(root.join("outside"), root.join("spec/folder")).unwrap();
        symlink(root.join("spec"), root.join("spec/real/loop")).unwrap();
        symlink(root.join("nowhere.md"), root.join("spec/broken.md")).unwrap();
        let result = load(&root);
        std::fs::remove_dir_all(&root).unwrap();
        let refused: Vec<String> = (result.unwrap_err().iter())
            .map(|diagnostic| diagnostic.to_string().lines().next().unwrap().to_owned())
            .collect();
        assert_eq!(
            refused,
            [
                "spec/broken.md: error: a symbolic link under `spec/`",
                "spec/file.md: error: a symbolic link under `spec/`",
                "spec/folder: error: a symbolic link under `spec/`",
                "spec/real/loop: error: a symbolic link under `spec/`",
            ]
        );
    }

    #[test]
    fn load_reads_markdown_files_in_nested_folders_in_path_order() {
        let root = std::env::temp_dir().join(format!("generator-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec/a")).unwrap();
        std::fs::write(root.join("spec/b.md"), "B").unwrap();
        std::fs::write(root.join("spec/a/z.md"), "Z").unwrap();
        std::fs::write(root.join("spec/notes.txt"), "not markdown").unwrap();
        let files = load(&root);
        std::fs::remove_dir_all(&root).unwrap();
        let files = files.unwrap();
        let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
        assert_eq!(paths, ["spec/a/z.md", "spec/b.md"]);
        assert_eq!(files[0].text, "Z");
    }
}

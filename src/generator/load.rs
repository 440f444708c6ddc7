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
    let mut relative_paths = Vec::new();
    let spec_root = crate_root.join(SPEC_DIR);
    // With no file to name, a problem names the folder.
    let folder = format!("{SPEC_DIR}/");
    if let Err(error) = collect_markdown(&spec_root, "", &mut relative_paths) {
        return Err(vec![Diagnostic::in_files(
            [folder.as_str()],
            format!("cannot read the spec directory: {error}"),
        )]);
    }
    relative_paths.sort();
    if relative_paths.is_empty() {
        return Err(vec![Diagnostic::in_files(
            [folder.as_str()],
            "no `*.md` file under `spec/`",
        )
        .help(
            "the catalogue is generated from markdown tables in `spec/*.md`",
        )]);
    }
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for relative in relative_paths {
        let display = format!("{SPEC_DIR}/{relative}");
        match std::fs::read(spec_root.join(&relative)) {
            Ok(bytes) => match SpecFile::from_bytes(&display, &bytes) {
                Ok(file) => files.push(file),
                Err(diagnostic) => diagnostics.push(diagnostic),
            },
            Err(error) => diagnostics.push(Diagnostic::in_files(
                [display.as_str()],
                format!("cannot read the file: {error}"),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(files)
    } else {
        Err(diagnostics)
    }
}

fn collect_markdown(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            collect_markdown(&entry.path(), &format!("{relative}/"), out)?;
        } else if name.ends_with(".md") {
            out.push(relative);
        }
    }
    Ok(())
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

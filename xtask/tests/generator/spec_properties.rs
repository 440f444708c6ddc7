//! Property test of the read, check and model stages: a randomly generated valid
//! spec, rendered as markdown in randomly varied layouts, must model back to
//! exactly the catalogue it was generated from.

use proptest::prelude::*;
use proptest::sample::select;
use xtask::generator::{check, generate_from_files, model, read, render_diagnostics, SpecFile};

/// One generated row: what the markdown says and what a reader should see.
#[derive(Clone, Debug)]
struct Row {
    name: String,
    code: i32,
    description_markdown: String,
    description_plain: String,
}

#[derive(Clone, Debug)]
struct Section {
    anchor: String,
    title: String,
    rows: Vec<Row>,
}

/// How the markdown is laid out; none of it may change the model.
#[derive(Clone, Debug)]
struct Layout {
    one_file_per_section: bool,
    crlf: bool,
    byte_order_mark: bool,
    cell_padding: usize,
    delimiter: &'static str,
    intro: bool,
}

fn capitalised_word() -> impl Strategy<Value = String> {
    ("[A-Z]", "[a-z]{1,5}").prop_map(|(head, tail)| head + &tail)
}

/// UpperCamelCase: distinct word sequences give distinct names and constants.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(capitalised_word(), 1..4)
        .prop_map(|words| words.concat())
        .prop_filter("`Self` is a keyword", |name| name != "Self")
}

/// Codes from small pools, so that rows often share one, plus any `i32`.
fn code() -> impl Strategy<Value = i32> {
    prop_oneof![
        3 => -3..4i32,
        3 => 100..110i32,
        1 => select(vec![i32::MIN, i32::MAX, -1, 0, 999]),
        1 => any::<i32>(),
    ]
}

/// One piece of a description: its markdown source and its plain text.
fn segment() -> impl Strategy<Value = (String, String)> {
    let word = "[A-Za-z0-9]{1,8}[.,;:?!']?".prop_map(|word| (word.clone(), word));
    let unicode = select(vec![
        "doesn’t",
        "“quoted”",
        "‘single’",
        "错误码",
        "Ünïcode",
        "—",
    ])
    .prop_map(|text| (text.to_owned(), text.to_owned()));
    let escape = select(vec![
        ("\\_", "_"),
        ("\\(", "("),
        ("\\)", ")"),
        ("\\*", "*"),
        ("\\|", "|"),
        ("\\\\", "\\"),
        ("\\[", "["),
        ("\\<", "<"),
        ("\\#", "#"),
        ("\\`", "`"),
        ("a-zA-Z0-9\\_", "a-zA-Z0-9_"),
        ("&amp;", "&"),
        ("&lt;", "<"),
    ])
    .prop_map(|(source, plain)| (source.to_owned(), plain.to_owned()));
    // A code span keeps its backticks in the plain text; `\|` inside it is a pipe.
    let code_span = ("[a-z_.()]{1,10}", any::<bool>()).prop_map(|(code, with_pipe)| {
        if with_pipe {
            (format!("`{code}\\|{code}`"), format!("`{code}|{code}`"))
        } else {
            (format!("`{code}`"), format!("`{code}`"))
        }
    });
    prop_oneof![4 => word, 1 => unicode, 2 => escape, 2 => code_span]
}

fn description() -> impl Strategy<Value = (String, String)> {
    prop::collection::vec(segment(), 1..8).prop_map(|segments| {
        let markdown: Vec<String> = segments.iter().map(|(source, _)| source.clone()).collect();
        let plain: Vec<String> = segments.iter().map(|(_, plain)| plain.clone()).collect();
        (markdown.join(" "), plain.join(" "))
    })
}

fn row() -> impl Strategy<Value = Row> {
    (name(), code(), description()).prop_map(
        |(name, code, (description_markdown, description_plain))| Row {
            name,
            code,
            description_markdown,
            description_plain,
        },
    )
}

/// An anchor: a core of lowercase words, unique per spec, and an optional suffix
/// that the category name drops.
fn anchor() -> impl Strategy<Value = (String, String)> {
    let core = prop::collection::vec("[a-z][a-z0-9]{1,5}", 1..3)
        .prop_map(|words| words.join("-"))
        .prop_filter("reserved words", |core| {
            core != "self"
                && !core
                    .split('-')
                    .any(|word| matches!(word, "errors" | "issues" | "related"))
        });
    let suffix = select(vec!["", "-errors", "-issues", "-related-errors"]);
    (core, suffix).prop_map(|(core, suffix)| (core.clone(), format!("{core}{suffix}")))
}

fn title() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[A-Za-z][a-z]{0,7}",
            select(vec!["相关问题", "第三方登录", "问题", "API", "Push"]).prop_map(str::to_owned),
        ],
        1..4,
    )
    .prop_map(|words| words.join(" "))
}

/// Sections with unique anchor cores and rows with unique names across the spec.
fn spec() -> impl Strategy<Value = Vec<Section>> {
    prop::collection::vec(
        (anchor(), title(), prop::collection::vec(row(), 1..6)),
        1..5,
    )
    .prop_map(|sections| {
        let mut cores = Vec::new();
        let mut names = Vec::new();
        let mut out = Vec::new();
        for ((core, anchor), title, rows) in sections {
            if cores.contains(&core) {
                continue;
            }
            cores.push(core);
            let rows: Vec<Row> = rows
                .into_iter()
                .filter(|row| {
                    let fresh = !names.contains(&row.name);
                    names.push(row.name.clone());
                    fresh
                })
                .collect();
            if !rows.is_empty() {
                out.push(Section {
                    anchor,
                    title,
                    rows,
                });
            }
        }
        out
    })
    .prop_filter("at least one section", |sections| !sections.is_empty())
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..4usize,
        select(vec![
            "| :--- | :--- | :--- |",
            "|---|---|---|",
            "| :---: | ---: | --- |",
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(one_file_per_section, crlf, byte_order_mark, cell_padding, delimiter, intro)| {
                Layout {
                    one_file_per_section,
                    crlf,
                    byte_order_mark,
                    cell_padding,
                    delimiter,
                    intro,
                }
            },
        )
}

fn render_section(section: &Section, layout: &Layout) -> String {
    let pad = " ".repeat(layout.cell_padding);
    let mut out = format!(
        "## {} {{#{}}}\n\n| Name | Code | Description |\n{}\n",
        section.title, section.anchor, layout.delimiter
    );
    for row in &section.rows {
        out.push_str(&format!(
            "|{pad} `{}` {pad}| {}{pad} |{pad} {} |\n",
            row.name, row.code, row.description_markdown
        ));
    }
    out.push('\n');
    out
}

fn render(sections: &[Section], layout: &Layout) -> Vec<SpecFile> {
    let mut texts = Vec::new();
    let intro = if layout.intro {
        "# 错误码\n\nSee [RFC2616](http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html) | too.\n\n"
    } else {
        ""
    };
    if layout.one_file_per_section {
        for (index, section) in sections.iter().enumerate() {
            let prefix = if index == 0 { intro } else { "" };
            texts.push(format!("{prefix}{}", render_section(section, layout)));
        }
    } else {
        let body: String = sections
            .iter()
            .map(|section| render_section(section, layout))
            .collect();
        texts.push(format!("{intro}{body}"));
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let text = if layout.crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            };
            let text = if layout.byte_order_mark {
                format!("\u{feff}{text}")
            } else {
                text
            };
            // Zero-padded so that path order is section order.
            SpecFile::from_bytes(&format!("spec/{index:03}.md"), text.as_bytes()).unwrap()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_valid_spec_models_back_to_what_was_generated(sections in spec(), layout in layout()) {
        let files = render(&sections, &layout);
        let checked = check(&read(&files)).map_err(|diagnostics| {
            TestCaseError::fail(format!(
                "a valid spec was rejected:\n{}\n{files:#?}",
                render_diagnostics(&diagnostics)
            ))
        })?;
        let catalogue = model(checked);

        let anchors: Vec<&str> = catalogue.categories.iter().map(|c| c.anchor.as_str()).collect();
        let expected_anchors: Vec<&str> = sections.iter().map(|s| s.anchor.as_str()).collect();
        prop_assert_eq!(anchors, expected_anchors);
        let titles: Vec<&str> = catalogue.categories.iter().map(|c| c.title.as_str()).collect();
        let expected_titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
        prop_assert_eq!(titles, expected_titles);

        let expected_kinds: Vec<(String, i32, String, usize)> = sections
            .iter()
            .enumerate()
            .flat_map(|(category, section)| {
                section.rows.iter().map(move |row| {
                    (row.name.clone(), row.code, row.description_plain.clone(), category)
                })
            })
            .collect();
        let kinds: Vec<(String, i32, String, usize)> = catalogue
            .kinds
            .iter()
            .map(|kind| (kind.name.clone(), kind.code, kind.description.clone(), kind.category))
            .collect();
        prop_assert_eq!(kinds, expected_kinds);

        let mut start = 0;
        for (category, section) in catalogue.categories.iter().zip(&sections) {
            prop_assert_eq!(category.kinds.clone(), start..start + section.rows.len());
            start += section.rows.len();
        }

        // Every code once, ascending; rows that share it grouped in spec order,
        // each row pointing at its group.
        let codes: Vec<i32> = catalogue.codes.iter().map(|group| group.code).collect();
        let mut expected_codes: Vec<i32> = catalogue.kinds.iter().map(|kind| kind.code).collect();
        expected_codes.sort_unstable();
        expected_codes.dedup();
        prop_assert_eq!(codes, expected_codes);
        for (group_index, group) in catalogue.codes.iter().enumerate() {
            let expected: Vec<usize> = catalogue
                .kinds
                .iter()
                .enumerate()
                .filter(|(_, kind)| kind.code == group.code)
                .map(|(index, _)| index)
                .collect();
            prop_assert_eq!(&group.kinds, &expected);
            for &index in &group.kinds {
                prop_assert_eq!(catalogue.kinds[index].code_group, group_index);
            }
        }

        // The rest of the pipeline accepts every checked spec.
        prop_assert!(generate_from_files(&files).is_ok());
    }
}

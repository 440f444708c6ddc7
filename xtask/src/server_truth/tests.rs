//! Unit tests of the server-truth table and its renders.

use super::render::render_upgrade;
use super::*;

fn answer(version: &str, request: &str, status: u16, code: Option<i32>, shape: &str) -> Answer {
    let route = "GET /classes/:className";
    Answer::new(
        code,
        version,
        request,
        Origin::Server,
        Channel::Rest,
        Some(status),
        route,
        shape.into(),
    )
}

fn table() -> Table {
    let mut text =
        String::from("# a comment\n101\tmeaning\tnot found\n109\tnot-sent\tclient-only\tthe SDK\n");
    for (version, status, code, shape) in [
        ("7.5.4", 500, 1, "{code:num,message:str}"),
        ("9.10.0", 400, 107, "{code:num,error:str}"),
    ] {
        text += &answer(version, "where", status, Some(code), shape)
            .line()
            .unwrap();
        text += &answer(version, "missing", 404, Some(101), "{code:num,error:str}")
            .line()
            .unwrap();
    }
    Table::parse(&text, "test").expect("a valid table")
}

/// The committed table is complete and in canonical order, and the README section and
/// the documentation page say exactly what it says (`cargo xtask ci` runs this).
#[test]
fn committed_table_is_valid_and_its_renders_are_in_sync() {
    let root = crate::project_root();
    let table = Table::load(&root).expect("the committed table parses");
    assert_eq!(
        table.problems(),
        Vec::<String>::new(),
        "{TABLE_PATH} needs attention"
    );
    let stale = sync(&root, &table, true).expect("renders");
    assert!(
        stale.is_empty(),
        "{stale:?} out of sync with {TABLE_PATH}; fix: run `cargo xtask server-truth`"
    );
    for version in VERSIONS {
        assert!(
            table.answers.iter().any(|a| a.version == version),
            "no answers of {version}"
        );
    }
}

#[test]
fn render_then_parse_gives_the_same_table_in_canonical_order() {
    let table = table();
    let text = table.render().unwrap();
    assert_eq!(Table::parse(&text, "again").unwrap(), table);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines[0], "1\tanswer\t7.5.4\twhere\tserver\tREST\t500\tGET /classes/:className\t{code:num,message:str}");
    assert_eq!(
        lines
            .iter()
            .map(|l| l.split('\t').next().unwrap())
            .collect::<Vec<_>>(),
        ["1", "101", "101", "101", "107", "109"]
    );
    let lone = answer("8.6.94", "x", 200, None, "{status:str}");
    assert_eq!(
        lone.line().unwrap(),
        "-\tanswer\t8.6.94\tx\tserver\tREST\t200\tGET /classes/:className\t{status:str}\n"
    );
}

#[test]
fn bad_lines_are_errors_that_name_the_line() {
    for (text, needle) in [
        (
            "101\tanswer\t7.5.4\tx\tserver\tSOAP\t404\tGET /\ts\n",
            "test:1",
        ),
        (
            "\n101\tanswer\t7.5.4\tx\tserver\tREST\t4040\tGET /\ts\n",
            "test:2",
        ),
        ("1o1\tmeaning\tx\n", "test:1"),
        ("109\tnot-sent\tforgotten\twhy\n", "test:1"),
        ("109\tnot-sent\tlegacy\t \n", "an empty field"),
        ("1\tmeaning\ta\n1\tmeaning\tb\n", "test:2: a second line"),
        ("1\tsent\tREST\n", "unknown fact \"sent\""),
    ] {
        let error = format!("{:#}", Table::parse(text, "test").expect_err(text));
        assert!(error.contains(needle), "{text:?}: {error}");
    }
}

#[test]
fn shapes_keep_structure_not_values() {
    assert_eq!(shape(br#"{"code":1,"error":"x"}"#), "{code:num,error:str}");
    assert_eq!(
        shape(br#"{"code":1,"error":{"length":3,"detail":{"a":1}}}"#),
        "{code:num,error:{detail:obj,length:num}}"
    );
    assert_eq!(
        shape(br#"[{"error":{"error":"x"}},{"success":{}}]"#),
        "[{error:{error:str}},{success:{}}]"
    );
    assert_eq!(
        shape(br#"{"error":{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1}}"#),
        "{error:obj}"
    );
    assert_eq!(
        (shape(b"<html><body>x"), shape(b"File not found.")),
        ("html".into(), "text".into())
    );
}

#[test]
fn diff_names_every_difference_and_bless_replaces_one_version() {
    let table = table();
    let observed = [
        answer("9.10.0", "where", 500, Some(1), "{code:num,message:str}"),
        answer("9.10.0", "new", 200, None, "x"),
    ];
    let diff = table.diff("9.10.0", &observed);
    assert_eq!(diff.len(), 3, "{diff:?}");
    assert!(
        diff[0].contains("\"missing\": table 404 · code 101"),
        "{diff:?}"
    );
    assert!(
        diff[1].contains("\"where\": table 400 · code 107") && diff[1].contains("run 500 · code 1"),
        "{diff:?}"
    );
    assert!(diff[2].contains("\"new\": not in the table"), "{diff:?}");
    assert!(table.diff("7.5.4", &table.answers[..2]).is_empty());
    let blessed = table.blessed("9.10.0", &observed).unwrap();
    assert_eq!(blessed.answers.len(), 4);
    assert_eq!(blessed.answer("9.10.0", "where"), Some(&observed[0]));
    assert_eq!(
        blessed.answer("7.5.4", "where"),
        table.answer("7.5.4", "where")
    );
    assert_eq!(
        (&blessed.meanings, &blessed.not_sent),
        (&table.meanings, &table.not_sent)
    );
}

#[test]
fn the_upgrade_section_lists_only_requests_that_differ() {
    let upgrade = render_upgrade(&table(), "###");
    assert!(upgrade.contains("| where | `REST GET /classes/:className` | 500 · code 1 · `{code:num,message:str}` | (not asked) | 400 · code 107 · `{code:num,error:str}` |"), "{upgrade}");
    assert!(!upgrade.contains("| missing |"), "{upgrade}");
}

#[test]
fn problems_name_every_gap() {
    let problems = table().problems().join("\n");
    let (code, names) = document()
        .into_iter()
        .find(|(c, _)| ![1, 101, 107, 109].contains(c))
        .unwrap();
    let gap = format!("code {code} ({}) is sent by no version", names.join("/"));
    assert!(problems.contains(&gap), "{problems}");
    assert!(!problems.contains("code 109 "), "{problems}");
    assert!(!problems.contains("code 101 "), "{problems}");
    let splice = splice_readme(
        &format!("a\n{README_BEGIN}\nold\n{README_END}\nb\n"),
        "new\n",
    )
    .unwrap();
    assert_eq!(
        splice,
        format!("a\n{README_BEGIN}\n\nnew\n\n{README_END}\nb\n")
    );
    assert!(splice_readme("no markers", "x").is_err());
}

//! Unit tests of the server-truth table and its renders.

use super::render::render_upgrade;
use super::*;

fn answer(version: &str, req: &str, status: u16, code: Option<i32>, shape: &str) -> Answer {
    let (route, origin, channel) = ("GET /classes/:className", Origin::Server, Channel::Rest);
    let (status, shape) = (Some(status), shape.into());
    Answer::new(code, version, req, origin, channel, status, route, shape)
}

fn table() -> Table {
    let mut text = String::from("# a comment\n101\tmeaning\tnot found\n");
    text += "109\tnot-sent\tclient-only\tthe SDK\n";
    for (version, status, code, shape) in [
        ("7.5.4", 500, 1, "{code:num,message:str}"),
        ("9.10.0", 400, 107, "{code:num,error:str}"),
    ] {
        let at_where = answer(version, "where", status, Some(code), shape);
        text += &at_where.line().unwrap();
        let missing = answer(version, "missing", 404, Some(101), "{code:num,error:str}");
        text += &missing.line().unwrap();
    }
    Table::parse(&text, "test").expect("a valid table")
}

/// The committed table is complete and in canonical order, and the README section and
/// the documentation page say exactly what it says (`cargo xtask ci` runs this).
#[test]
fn committed_table_is_valid_and_its_renders_are_in_sync() {
    let root = crate::project_root();
    let table = Table::load(&root).expect("the committed table parses");
    let problems = table.problems();
    assert!(problems.is_empty(), "needs attention: {problems:?}");
    let stale = sync(&root, &table, true).expect("renders");
    let fix = "fix: run `cargo xtask server-truth`";
    assert!(stale.is_empty(), "{stale:?} out of sync; {fix}");
    for version in VERSIONS {
        let answered = table.answers.iter().any(|a| a.version == version);
        assert!(answered, "no answers of {version}");
    }
}

#[test]
fn render_then_parse_gives_the_same_table_in_canonical_order() {
    let table = table();
    let text = table.render().unwrap();
    assert_eq!(Table::parse(&text, "again").unwrap(), table);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines[0], "1\tanswer\t7.5.4\twhere\tserver\tREST\t500\tGET /classes/:className\t{code:num,message:str}");
    let codes: Vec<&str> = lines.iter().flat_map(|l| l.split('\t').next()).collect();
    assert_eq!(codes, ["1", "101", "101", "101", "107", "109"]);
    let lone = answer("8.6.94", "x", 200, None, "{status:str}");
    let route = "GET /classes/:className";
    let line = format!("-\tanswer\t8.6.94\tx\tserver\tREST\t200\t{route}\t{{status:str}}\n");
    assert_eq!(lone.line().unwrap(), line);
}

#[test]
fn bad_lines_are_errors_that_name_the_line() {
    let answer = "101\tanswer\t7.5.4\tx\tserver";
    for (text, needle) in [
        (format!("{answer}\tSOAP\t404\tGET /\ts\n"), "test:1"),
        (format!("\n{answer}\tREST\t4040\tGET /\ts\n"), "test:2"),
        ("1o1\tmeaning\tx\n".into(), "test:1"),
        ("109\tnot-sent\tforgotten\twhy\n".into(), "test:1"),
        ("109\tnot-sent\tlegacy\t \n".into(), "an empty field"),
        ("1\tmeaning\ta\n1\tmeaning\tb\n".into(), "test:2: a second"),
        ("1\tsent\tREST\n".into(), "unknown fact \"sent\""),
    ] {
        let text = text.as_str();
        let error = format!("{:#}", Table::parse(text, "test").expect_err(text));
        assert!(error.contains(needle), "{text:?}: {error}");
    }
}

#[test]
fn shapes_keep_structure_not_values() {
    assert_eq!(shape(br#"{"code":1,"error":"x"}"#), "{code:num,error:str}");
    let nested = shape(br#"{"code":1,"error":{"length":3,"detail":{"a":1}}}"#);
    assert_eq!(nested, "{code:num,error:{detail:obj,length:num}}");
    let batch = shape(br#"[{"error":{"error":"x"}},{"success":{}}]"#);
    assert_eq!(batch, "[{error:{error:str}},{success:{}}]");
    let wide = shape(br#"{"error":{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1}}"#);
    assert_eq!(wide, "{error:obj}");
    let (html, text) = (shape(b"<html><body>x"), shape(b"File not found."));
    assert_eq!([html, text], ["html", "text"]);
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
    let said = |i: usize, text: &str| diff[i].contains(text);
    assert!(said(0, "\"missing\": table 404 · code 101"), "{diff:?}");
    assert!(diff[0].ends_with(", not asked"), "{diff:?}");
    assert!(said(1, "\"where\": table 400 · code 107"), "{diff:?}");
    assert!(said(1, ", run 500 · code 1"), "{diff:?}");
    assert!(said(2, "\"new\": not in the table, run 200"), "{diff:?}");
    assert!(table.diff("7.5.4", &table.answers[..2]).is_empty());
    let blessed = table.blessed("9.10.0", &observed).unwrap();
    assert_eq!(blessed.answers.len(), 4);
    assert_eq!(blessed.answer("9.10.0", "where"), Some(&observed[0]));
    let kept = blessed.answer("7.5.4", "where");
    assert_eq!(kept, table.answer("7.5.4", "where"));
    let hand_written = |t: &Table| (t.meanings.clone(), t.not_sent.clone());
    assert_eq!(hand_written(&blessed), hand_written(&table));
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
    let unused = |(c, _): &(i32, _)| ![1, 101, 107, 109].contains(c);
    let (code, names) = document().into_iter().find(unused).unwrap();
    let gap = format!("code {code} ({}) is sent by no version", names.join("/"));
    assert!(problems.contains(&gap), "{problems}");
    assert!(!problems.contains("code 109 "), "{problems}");
    assert!(!problems.contains("code 101 "), "{problems}");
    let readme = format!("a\n{README_BEGIN}\nold\n{README_END}\nb\n");
    let spliced = splice_readme(&readme, "new\n").unwrap();
    let expected = format!("a\n{README_BEGIN}\n\nnew\n\n{README_END}\nb\n");
    assert_eq!(spliced, expected);
    assert!(splice_readme("no markers", "x").is_err());
}

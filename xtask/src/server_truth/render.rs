//! Rendering the server-truth table for users: the README gets the summary and the upgrade
//! table ("What changes when you upgrade"); the documentation page (`src/server_truth.md`,
//! with links to the kinds) also gets the full table, code by code.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result};

use super::{
    document, status_text, Answer, Channel, Origin, Table, README_BEGIN, README_END, TABLE_PATH,
    VERSIONS,
};

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn versions_note(versions: &[&str]) -> String {
    if versions.len() == VERSIONS.len() {
        return String::new();
    }
    format!(" ({})", versions.join(", "))
}

fn render_summary(table: &Table) -> String {
    let mut out = String::from(
        "Proven by `cargo xtask e2e` against parse-server 7.5.4, 8.6.94 and 9.10.0 (each pinned by its own \
         `package-lock.json` in `tests/e2e/`) on PostgreSQL 15.18 with PostGIS 3.3 and Node 20. parse-server 9.x's \
         README lists PostgreSQL 16 and later as its tested range, but nothing in its PostgreSQL adapter checks \
         the version, and the suite passes on 15; PostGIS is needed only by geo queries.\n\n\
         | version | documented codes the server sends itself | codes outside the document | channels (codes over each) |\n\
         | --- | ---: | --- | --- |\n",
    );
    for version in VERSIONS {
        let (documented, outside, channels) = table.sent(version);
        let outside: Vec<String> = outside.iter().map(i32::to_string).collect();
        let channels = channels.map(|(channel, n)| format!("{channel} {n}"));
        let (outside, channels, total) =
            (outside.join(", "), channels.join(", "), document().len());
        out += &format!("| {version} | {documented} of {total} | {outside} | {channels} |\n");
    }
    out + "\nAny code at all also comes back unchanged when Cloud Code throws it (`throw new Parse.Error(9001, ...)`), \
           and a `/batch` item's `error` is whatever its sub-request failed with, not always a Parse error. \
           Decode what arrives, not what the document promises; match on codes, never on messages.\n"
}

/// Every request whose answer (HTTP status, code or body shape) differs between versions.
pub(super) fn render_upgrade(table: &Table, heading: &str) -> String {
    let mut out = format!(
        "\n{heading} What changes when you upgrade\n\nEvery request of the end-to-end suite whose answer differs \
         between two versions: HTTP status · code · body shape (strings are `str`, numbers `num`, nested objects \
         `obj`). Read it before moving from 7 to 8 or from 8 to 9.\n\n| request | channel and route | {} |\n| --- | --- |{}\n",
        VERSIONS.join(" | "),
        " --- |".repeat(VERSIONS.len())
    );
    let requests: BTreeSet<&str> = table.answers.iter().map(|a| a.request.as_str()).collect();
    for request in requests {
        let answers = VERSIONS.map(|v| table.answer(v, request));
        // Versions that were not asked (the suite asks some requests only of some) differ
        // from no one.
        let mut asked = answers.iter().flatten();
        let first = asked.next().expect("answered by a version");
        let key = |a: &Answer| (a.status, a.code, a.shape.clone());
        if asked.all(|a| key(a) == key(first)) {
            continue;
        }
        let cells = answers.map(|a| a.map_or("(not asked)".into(), |a| cell(&a.summary())));
        let route = format!("{} {}", first.channel.name(), first.route);
        let (request, route) = (cell(request), cell(&route));
        out += &format!("| {request} | `{route}` | {} |\n", cells.join(" | "));
    }
    out
}

/// The full table: every code a version sends, with its routes, then those none sends.
fn render_codes(table: &Table) -> String {
    let names = document();
    let link = |name: &&str| format!("[`{name}`](crate::ErrorKind::{name})");
    let names_cell = |code: &i32| match names.get(code) {
        Some(names) => names.iter().map(link).collect(),
        None => vec!["(not in the document)".to_string()],
    };
    let meaning = |code: &i32| table.meanings.get(code).map(|m| m.text.as_str());
    let mut out = String::from(
        "\n# Sent by the server\n\n| code | names in the document | provoked by (channel, HTTP status, route; versions where not all) | meaning on the wire, where it differs from the document |\n| ---: | --- | --- | --- |\n",
    );
    let from_server = |v: &&str| table.codes(v, Origin::Server, None);
    let sent: BTreeSet<i32> = VERSIONS.iter().flat_map(from_server).collect();
    for code in &sent {
        let mut routes: BTreeMap<(Channel, Option<u16>, &str), Vec<&str>> = BTreeMap::new();
        let from_server = |a: &&Answer| a.code == Some(*code) && a.origin == Origin::Server;
        for a in table.answers.iter().filter(from_server) {
            let versions = routes.entry((a.channel, a.status, &a.route)).or_default();
            if !versions.contains(&a.version.as_str()) {
                versions.push(&a.version);
            }
        }
        let routes = routes.iter().map(|((channel, status, route), versions)| {
            let (status, route, note) =
                (status_text(*status), cell(route), versions_note(versions));
            format!("{} {status} `{route}`{note}", channel.name())
        });
        let routes: Vec<String> = routes.collect();
        let (names, routes) = (names_cell(code).join(", "), routes.join("<br>"));
        let meaning = cell(meaning(code).unwrap_or_default());
        out += &format!("| {code} | {names} | {routes} | {meaning} |\n");
    }
    out += "\n# Never sent by the server\n\n| code | names in the document | why |\n| ---: | --- | --- |\n";
    for (code, not_sent) in table.not_sent.iter().filter(|(c, _)| !sent.contains(c)) {
        let extra = meaning(code).map(|m| format!(" ({m})"));
        let extra = cell(&extra.unwrap_or_default());
        let (names, why) = (names_cell(code).join(", "), cell(&not_sent.describe()));
        out += &format!("| {code} | {names} | {why}{extra} |\n");
    }
    out
}

pub(super) fn render_readme_section(table: &Table) -> String {
    render_summary(table)
        + "\nThe full table, code by code (routes, HTTP statuses, meanings that differ from the document, why the \
           other codes are never sent), is in the crate's documentation, module `server_truth`.\n"
        + &render_upgrade(table, "###")
}

pub(super) fn render_doc_page(table: &Table) -> String {
    format!(
        "Which error codes a real Parse Server sends, per version: the channel, HTTP status and route of each, \
         and why it never sends the others. [`ErrorCode`](crate::ErrorCode) keeps every code and \
         [`ErrorKind`](crate::ErrorKind) names every row of the document; this page says which of them can \
         actually reach a client.\n\n{}{}{}\n<!-- Generated by `cargo xtask server-truth` from {TABLE_PATH}; edit that file. -->\n",
        render_summary(table),
        render_codes(table),
        render_upgrade(table, "#"),
    )
}

pub(super) fn splice_readme(readme: &str, section: &str) -> Result<String> {
    let lacks = |marker: &str| format!("README.md lacks the server-truth {marker} marker");
    let (head, rest) = readme.split_once(README_BEGIN).context(lacks("begin"))?;
    let (_, tail) = rest.split_once(README_END).context(lacks("end"))?;
    Ok(format!(
        "{head}{README_BEGIN}\n\n{section}\n{README_END}{tail}"
    ))
}

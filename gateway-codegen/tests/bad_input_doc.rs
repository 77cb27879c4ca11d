//! `docs/BAD_INPUT.md` stays true: every error its tables quote appears verbatim in the file
//! its row names, which is the expected output a test compares the real one with (a snapshot
//! of the diagnostics test, a `.stderr` file of the UI tests) or a test asserting the message.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One row of a table: the quoted error and the file said to keep it true.
#[derive(Debug)]
struct Row {
    line: usize,
    message: String,
    file: String,
}

/// The rows of every three-column table whose last column names a file.
fn rows(doc: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, line) in doc.lines().enumerate() {
        let Some(inner) = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) else {
            continue;
        };
        let cells: Vec<&str> = inner.split(" | ").collect();
        let [_, message, file] = cells[..] else {
            continue;
        };
        let Some(message) = message
            .strip_prefix("`` ")
            .and_then(|m| m.strip_suffix(" ``"))
        else {
            continue;
        };
        let Some(file) = file.strip_prefix('`').and_then(|f| f.strip_suffix('`')) else {
            continue;
        };
        rows.push(Row {
            line: index + 1,
            message: message.to_owned(),
            file: file.to_owned(),
        });
    }
    rows
}

/// Whether `text` holds `message`, as written or as a Rust string literal writes it.
fn holds(text: &str, message: &str) -> bool {
    let escaped = message.replace('\\', "\\\\").replace('"', "\\\"");
    text.contains(message) || text.contains(&escaped)
}

#[test]
fn every_message_in_bad_input_md_is_the_one_its_test_checks() {
    let root = repository();
    let doc = std::fs::read_to_string(root.join("docs/BAD_INPUT.md")).expect("docs/BAD_INPUT.md");
    let rows = rows(&doc);
    assert!(rows.len() >= 80, "only {} rows were read", rows.len());
    let mut wrong = Vec::new();
    for row in &rows {
        let kept_by = row.file.ends_with(".snap")
            || row.file.ends_with(".stderr")
            || row.file.contains("/tests/");
        if !kept_by {
            wrong.push(format!(
                "BAD_INPUT.md:{}: `{}` is not a snapshot, a .stderr file or a test",
                row.line, row.file
            ));
            continue;
        }
        match std::fs::read_to_string(root.join(&row.file)) {
            Ok(text) if holds(&text, &row.message) => {}
            Ok(_) => wrong.push(format!(
                "BAD_INPUT.md:{}: `{}` does not hold the message\n    {}",
                row.line, row.file, row.message
            )),
            Err(error) => wrong.push(format!(
                "BAD_INPUT.md:{}: cannot read `{}`: {error}",
                row.line, row.file
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_diagnostics_snapshot_has_a_row() {
    let root = repository();
    let doc = std::fs::read_to_string(root.join("docs/BAD_INPUT.md")).expect("docs/BAD_INPUT.md");
    let listed: Vec<String> = rows(&doc).into_iter().map(|row| row.file).collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("snapshots/diagnostics")).expect("the snapshots") {
        let name = entry.expect("an entry").file_name();
        let file = format!("snapshots/diagnostics/{}", name.to_string_lossy());
        if file.ends_with(".snap") && !listed.contains(&file) {
            missing.push(file);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/BAD_INPUT.md has no row for {missing:?}"
    );
}

#[test]
fn a_row_whose_message_is_missing_is_caught() {
    let doc =
        "| input | `` no such message anywhere `` | `snapshots/diagnostics/empty_file.snap` |\n";
    let rows = rows(doc);
    assert_eq!(rows.len(), 1);
    let text = std::fs::read_to_string(repository().join(&rows[0].file)).unwrap();
    assert!(!holds(&text, &rows[0].message));
    assert!(holds("assert_eq!(e, \"say \\\"hi\\\"\")", "say \"hi\""));
}

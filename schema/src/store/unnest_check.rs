//! Checks every `pg_unnest_insert!` statement in this crate against `tables.rs`: those statements
//! name their table and columns as text, which diesel cannot check, so a renamed or retyped
//! column would only fail at run time on PostgreSQL. Each must name a real table, list exactly
//! its columns, and give each the column's SQL type, nullability and PostgreSQL array cast.

use std::collections::BTreeMap;
use std::path::Path;

/// A column as `tables.rs` declares it: its SQL type and whether it is nullable.
type Columns = BTreeMap<String, (String, bool)>;

/// Tables of `tables.rs` by name.
fn tables(source: &str) -> BTreeMap<String, Columns> {
    let mut out = BTreeMap::new();
    for block in source.split("diesel::table! {").skip(1) {
        let body = &block[..block.find("\n}").expect("a table! block ends")];
        let mut lines = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with("#["));
        let header = lines.next().expect("a table name");
        let name = header.split_whitespace().next().expect("a table name");
        let mut columns = Columns::new();
        for line in lines {
            let Some((column, ty)) = line.trim_end_matches(',').split_once("->") else {
                continue;
            };
            let ty = ty.trim();
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            columns.insert(column.trim().to_owned(), (ty.to_owned(), nullable));
        }
        out.insert(name.to_owned(), columns);
    }
    out
}

/// One statement: where it is, its table, and its columns with (SQL type, nullable, cast).
struct Statement {
    at: String,
    table: String,
    columns: Vec<(String, String, bool, String)>,
}

/// The text after the last comma outside brackets.
fn after_last_top_level_comma(text: &str) -> &str {
    let mut depth = 0i32;
    let mut cut = 0;
    for (i, ch) in text.char_indices() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => cut = i + 1,
            _ => {}
        }
    }
    &text[cut..]
}

fn statements(file: &Path, source: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("pg_unnest_insert!(") {
        rest = &rest[start + "pg_unnest_insert!(".len()..];
        let end = rest
            .find("\n);")
            .expect("a pg_unnest_insert! ends with `);`");
        let invocation = &rest[..end];
        rest = &rest[end..];
        let header_end = invocation.find('{').expect("a column block");
        let header = &invocation[..header_end];
        let table = header
            .split("=>")
            .nth(1)
            .and_then(|t| t.split('"').nth(1))
            .expect("a table literal")
            .to_owned();
        let body = &invocation[header_end + 1..invocation.rfind('}').expect("a closing brace")];
        let parts: Vec<&str> = body.split("=>").collect();
        let mut columns = Vec::new();
        for part in &parts[..parts.len() - 1] {
            let decl = after_last_top_level_comma(part).trim();
            let (name, rest) = decl.split_once(':').expect("column: type");
            let cast = rest.split('"').nth(1).expect("a cast literal");
            let sql = rest[..rest.find('=').expect("= cast")]
                .rsplit(" as ")
                .next()
                .expect("as SqlType")
                .trim()
                .replace("diesel::sql_types::", "");
            let (sql, nullable) = match sql.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>').to_owned(), true),
                None => (sql, false),
            };
            columns.push((name.trim().to_owned(), sql, nullable, cast.to_owned()));
        }
        out.push(Statement {
            at: file.display().to_string(),
            table,
            columns,
        });
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_unnest_insert_matches_its_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tables = tables(&std::fs::read_to_string(src.join("tables.rs")).expect("tables.rs"));
    assert!(tables.len() > 10, "tables.rs parsed: {:?}", tables.keys());
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        // The macro's own definition and its unit test (table "example") are not statements.
        let text = match file.file_name().and_then(|n| n.to_str()) {
            Some("unnest.rs") => text[..text.find("#[cfg(test)]").unwrap_or(text.len())]
                .replace("macro_rules! pg_unnest_insert", ""),
            Some("unnest_check.rs") => continue,
            _ => text,
        };
        found.extend(statements(&file, &text));
    }
    assert!(found.len() >= 6, "found {} statements", found.len());
    let cast_of = |sql: &str| match sql {
        "Text" => "text",
        "BigInt" => "int8",
        "Integer" => "int4",
        "Bool" => "bool",
        other => panic!("no cast known for {other}"),
    };
    let mut problems = Vec::new();
    for st in &found {
        let Some(table) = tables.get(&st.table) else {
            problems.push(format!("{}: no table {}", st.at, st.table));
            continue;
        };
        for (name, sql, nullable, cast) in &st.columns {
            match table.get(name) {
                None => problems.push(format!("{}: {}.{name} is not a column", st.at, st.table)),
                Some((ty, null)) => {
                    if ty != sql || null != nullable {
                        problems.push(format!(
                            "{}: {}.{name} is {}{ty} in tables.rs, {}{sql} here",
                            st.at,
                            st.table,
                            if *null { "nullable " } else { "" },
                            if *nullable { "nullable " } else { "" },
                        ));
                    }
                    if cast != cast_of(ty) {
                        problems.push(format!(
                            "{}: {}.{name} is cast to {cast}[], not {}[]",
                            st.at,
                            st.table,
                            cast_of(ty)
                        ));
                    }
                }
            }
        }
        let listed: Vec<&str> = st.columns.iter().map(|c| c.0.as_str()).collect();
        let missing: Vec<&str> = table
            .keys()
            .map(String::as_str)
            .filter(|c| !listed.contains(c))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("{}: {} leaves out {missing:?}", st.at, st.table));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

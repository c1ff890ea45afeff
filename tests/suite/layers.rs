//! The core's modules import one way: no circle of `crate::` imports between the top-level
//! modules of `src/`, so each layer can be read, tested and changed without those above it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a source file names through `crate::` (comments left out).
fn imports(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let list = if let Some(group) = rest.strip_prefix('{') {
                group.split('}').next().unwrap_or("")
            } else {
                rest
            };
            for item in list.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.insert(name);
                }
                if !rest.starts_with('{') {
                    break;
                }
            }
        }
    }
    names
}

/// Edges `from -> to` between the top-level modules of `src/` (the CLI, `main.rs`, is a user
/// of the library, not part of it).
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(src).ok())
        .filter_map(|f| f.iter().next())
        .map(|m| m.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(src).expect("inside src");
        let from = relative.iter().next().expect("a name");
        let from = from.to_string_lossy().trim_end_matches(".rs").to_string();
        if from == "main" || from == "lib" {
            continue;
        }
        let code = std::fs::read_to_string(file).expect("read");
        let edges = graph.entry(from.clone()).or_default();
        for to in imports(&code) {
            if to != from && modules.contains(&to) {
                edges.insert(to);
            }
        }
    }
    graph
}

/// A circle in the graph, as the modules along it, if there is one.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut circle = path[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_core_modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    let listing: Vec<String> = graph
        .iter()
        .map(|(from, to)| {
            format!(
                "{from} -> {}",
                to.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        graph.get("export").is_some_and(|to| to.contains("library")),
        "the scan found the imports it should:\n{}",
        listing.join("\n")
    );
    if let Some(circle) = find_circle(&graph) {
        panic!(
            "import circle: {}\nall imports:\n{}",
            circle.join(" -> "),
            listing.join("\n")
        );
    }
}

#[test]
fn the_scan_sees_grouped_and_nested_imports() {
    let code = "use crate::{url::Url, problem};\nuse crate::export::Theme; // crate::check\n";
    let found: Vec<String> = imports(code).into_iter().collect();
    assert_eq!(found, ["export", "problem", "url"]);
}

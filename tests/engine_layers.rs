//! The engine's modules import one another without cycles: every module can be read (and
//! tested) knowing only the ones below it.

use std::collections::{BTreeMap, BTreeSet};

/// The engine modules each engine module's code (tests and comments left out) refers to.
fn engine_imports() -> BTreeMap<String, BTreeSet<String>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine");
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let mut uses = BTreeSet::new();
        for line in code.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
            for prefix in ["super::", "crate::engine::"] {
                for (i, _) in line.match_indices(prefix) {
                    let rest = &line[i + prefix.len()..];
                    let module: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    // `super::{a, b}` lists several.
                    if rest.starts_with('{') {
                        let list = &rest[1..rest.find('}').unwrap_or(rest.len())];
                        uses.extend(
                            list.split(',')
                                .map(|s| s.trim().split("::").next().unwrap().to_string()),
                        );
                    } else if !module.is_empty() && rest[module.len()..].starts_with("::") {
                        uses.insert(module);
                    }
                }
            }
        }
        uses.remove(&name);
        graph.insert(name, uses);
    }
    graph
}

#[test]
fn engine_modules_import_each_other_without_cycles() {
    let graph = engine_imports();
    // The parser sees imports at all: dataset reads CSV files.
    assert!(graph["dataset"].contains("csv"), "{graph:?}");
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {} -> {m}", path[i..].join(" -> "));
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            if graph.contains_key(next) {
                visit(next, graph, path, done);
            }
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

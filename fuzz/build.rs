//! Reads the socket option table in `../src/sockopt.rs` (the `socket_options! { ... }` rows)
//! and writes `setters.rs` into OUT_DIR: the names of every setter and getter, one `match`
//! arm per setter (by index) and one call per getter. The `sockopt` target includes it, so an
//! option added to the table is fuzzed without touching the target; a value kind this script
//! does not know fails the build instead of being skipped.

use std::fmt::Write as _;
use std::path::Path;

/// One accessor: its method name, the kind of value, and the row's attributes.
struct Accessor {
    name: String,
    kind: String,
    typed: bool,
    attrs: Vec<String>,
}

fn main() {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/sockopt.rs");
    println!("cargo:rerun-if-changed={}", table.display());
    let source = std::fs::read_to_string(&table).expect("read ../src/sockopt.rs");

    let (setters, getters) = parse(&source);
    assert!(
        setters.len() > 50,
        "found only {} setters: did the table's form change?",
        setters.len()
    );

    let mut out = String::new();
    out.push_str("/// Every setter of the socket option table, in table order.\n");
    out.push_str("pub const SETTERS: &[&str] = &[\n");
    for s in &setters {
        writeln!(out, "    {:?},", s.name).unwrap();
    }
    out.push_str("];\n\n/// Every getter of the socket option table, in table order.\n");
    out.push_str("pub const GETTERS: &[&str] = &[\n");
    for g in &getters {
        writeln!(out, "    {:?},", g.name).unwrap();
    }
    out.push_str("];\n\n");

    out.push_str("/// Calls setter number `index` (see `SETTERS`) with a value made from `v`.\n");
    out.push_str("#[allow(deprecated)]\n");
    out.push_str(
        "pub fn call_setter(socket: &zmq::Socket, index: usize, v: &Value) -> zmq::Result<()> {\n",
    );
    out.push_str("    match index {\n");
    for (i, s) in setters.iter().enumerate() {
        let arg = setter_arg(&s.kind, s.typed);
        for a in &s.attrs {
            writeln!(out, "        {a}").unwrap();
        }
        writeln!(out, "        {i} => socket.{}({arg}),", s.name).unwrap();
    }
    out.push_str("        _ => unreachable!(\"setter index out of range\"),\n    }\n}\n\n");

    out.push_str("/// Calls every getter; none may panic, any `Err` is fine.\n");
    out.push_str("#[allow(deprecated)]\n");
    out.push_str("pub fn call_getters(socket: &zmq::Socket) {\n");
    for g in &getters {
        for a in &g.attrs {
            writeln!(out, "    {a}").unwrap();
        }
        writeln!(
            out,
            "    {{ let _ = std::hint::black_box(socket.{}()); }}",
            g.name
        )
        .unwrap();
    }
    out.push_str("}\n");

    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("setters.rs");
    std::fs::write(dest, out).expect("write setters.rs");
}

/// The argument expression for a setter of this kind (`v` is the fuzz target's `Value`).
fn setter_arg(kind: &str, typed: bool) -> &'static str {
    match (kind, typed) {
        ("ms", true) => "v.duration()",
        ("ms_opt", true) => "v.opt_duration()",
        ("i32" | "ms" | "ms_opt", false) => "v.i32()",
        ("u32", false) => "v.u32()",
        ("i64", false) => "v.i64()",
        ("u64", false) => "v.u64()",
        ("bool", false) => "v.bool()",
        ("bytes" | "key", false) => "v.bytes()",
        ("cstr", false) => "v.text()",
        ("ocstr" | "obin", false) => "v.opt_text()",
        _ => {
            panic!("sockopt table: setter kind {kind:?} (typed: {typed}) unknown to fuzz/build.rs")
        }
    }
}

/// The setters and getters of the `socket_options! { ... }` invocation.
fn parse(source: &str) -> (Vec<Accessor>, Vec<Accessor>) {
    let mut lines = source
        .lines()
        .skip_while(|l| l.trim_end() != "socket_options! {");
    assert!(
        lines.next().is_some(),
        "no `socket_options! {{` invocation in src/sockopt.rs"
    );

    let (mut setters, mut getters) = (Vec::new(), Vec::new());
    let mut attrs: Vec<String> = Vec::new();
    let mut row = String::new();
    for line in lines {
        let line = line.trim();
        if line == "}" {
            break;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if line.starts_with("#[") {
            if line.starts_with("#[cfg(") {
                // The fuzz crate builds with `draft`; the root build turns that into
                // cfg(zmq_draft), which this crate does not see: treat it as true.
                attrs.push(line.replace("zmq_draft", "all()"));
            } else if !line.starts_with("#[deprecated") && !line.starts_with("#[doc") {
                panic!("sockopt table: attribute {line:?} unknown to fuzz/build.rs");
            }
            continue;
        }
        row.push_str(line);
        row.push(' ');
        if !line.ends_with(';') {
            continue;
        }
        let text = std::mem::take(&mut row);
        let text = text.trim().trim_end_matches(';');
        let (_id, rest) = text.split_once(':').expect("row `ZMQ_ID: kind => ...`");
        let (kind, rest) = rest.split_once("=>").expect("row `ZMQ_ID: kind => ...`");
        let kind = kind.trim().to_string();
        let (plain, typed) = match rest.split_once("typed(") {
            Some((plain, typed)) => (plain, Some(typed.trim_end().trim_end_matches(')'))),
            None => (rest, None),
        };
        let mut add = |names: &str, typed: bool| {
            let names: Vec<&str> = names
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            assert_eq!(names.len(), 2, "row {text:?}: expected `getter, setter`");
            for (name, list) in [(names[0], &mut getters), (names[1], &mut setters)] {
                if name != "-" {
                    list.push(Accessor {
                        name: name.to_string(),
                        kind: kind.clone(),
                        typed,
                        attrs: attrs.clone(),
                    });
                }
            }
        };
        add(plain, false);
        if let Some(typed) = typed {
            add(typed, true);
        }
        attrs.clear();
    }
    (setters, getters)
}

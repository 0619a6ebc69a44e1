//! Short names for what every generated module names again and again: `String` for
//! `::std::string::String`, `Input` for `credkit_runtime::Input`. progenitor and typify write
//! full paths so that a schema called `String` cannot capture them; credkit shortens a path
//! only in a module where nothing takes its short name, and imports the runtime's names
//! (`use credkit_runtime::Input;`) only where they are used. The result reads as hand-written
//! code does, and is a fifth shorter, as prettyplease no longer breaks the signatures.

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{Item, UseTree};

/// Full paths and their short names; `true` when the short name must be imported (it is not
/// in the prelude).
const SHORT: [(&str, &str, bool); 14] = [
    ("::std::string::String", "String", false),
    ("::std::option::Option", "Option", false),
    ("::std::vec::Vec", "Vec", false),
    ("::std::result::Result", "Result", false),
    ("::std::default::Default", "Default", false),
    ("::std::ops::FnOnce", "FnOnce", false),
    ("credkit_runtime::Input", "Input", true),
    ("credkit_runtime::Sent", "Sent", true),
    ("credkit_runtime::Set", "Set", true),
    ("credkit_runtime::Missing", "Missing", true),
    ("credkit_runtime::OperationMeta", "OperationMeta", true),
    ("credkit_runtime::contract::Call", "Call", true),
    ("credkit_runtime::contract::built", "built", true),
    ("credkit_runtime::contract::input", "input", true),
];

/// Shortens the paths of `items`, the items of one module (its inner modules apart).
pub fn shorten(items: &mut Vec<Item>) {
    let taken = declared_names(items);
    let mut shortener = Shortener {
        short: SHORT
            .iter()
            .filter(|(_, short, _)| !taken.contains(*short))
            .map(|(long, short, _)| (*long, *short))
            .collect(),
        used: BTreeSet::new(),
    };
    for item in items.iter_mut() {
        if !matches!(item, Item::Mod(_) | Item::Use(_)) {
            shortener.visit_item_mut(item);
        }
    }
    let imports: Vec<Item> = SHORT
        .iter()
        .filter(|(_, short, import)| *import && shortener.used.contains(*short))
        .map(|(long, _, _)| {
            let path: syn::Path = syn::parse_str(long).expect("a path");
            syn::parse_quote!(use #path;)
        })
        .collect();
    items.splice(0..0, imports);
}

/// `ty` with the prelude's types by their short names, as a module that declares none of them
/// names it.
pub fn shorten_type(ty: &mut syn::Type) {
    let mut shortener = Shortener {
        short: SHORT
            .iter()
            .filter(|(_, _, import)| !import)
            .map(|(long, short, _)| (*long, *short))
            .collect(),
        used: BTreeSet::new(),
    };
    shortener.visit_type_mut(ty);
}

/// Every name a module's items declare or import: a short name must not mean one of them.
fn declared_names(items: &[Item]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in items {
        match item {
            Item::Struct(s) => names.insert(s.ident.to_string()),
            Item::Enum(e) => names.insert(e.ident.to_string()),
            Item::Type(t) => names.insert(t.ident.to_string()),
            Item::Mod(m) => names.insert(m.ident.to_string()),
            Item::Fn(f) => names.insert(f.sig.ident.to_string()),
            Item::Trait(t) => names.insert(t.ident.to_string()),
            Item::Const(c) => names.insert(c.ident.to_string()),
            Item::Static(s) => names.insert(s.ident.to_string()),
            Item::Use(u) => {
                imported(&u.tree, &mut names);
                true
            }
            _ => true,
        };
    }
    names
}

fn imported(tree: &UseTree, names: &mut BTreeSet<String>) {
    match tree {
        UseTree::Path(p) => imported(&p.tree, names),
        UseTree::Name(n) => {
            names.insert(n.ident.to_string());
        }
        UseTree::Rename(r) => {
            names.insert(r.rename.to_string());
        }
        // A glob may bring any name: nothing is shortened beside it.
        UseTree::Glob(_) => {
            names.extend(SHORT.iter().map(|(_, short, _)| short.to_string()));
        }
        UseTree::Group(g) => g.items.iter().for_each(|t| imported(t, names)),
    }
}

struct Shortener {
    short: Vec<(&'static str, &'static str)>,
    used: BTreeSet<&'static str>,
}

impl VisitMut for Shortener {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        // A path that starts with a long one (`::std::default::Default::default`) keeps what
        // follows; only the last segment of the long part may have arguments
        // (`::std::option::Option<T>`).
        let idents: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let found = self.short.iter().find_map(|(long, short)| {
            let absolute = long.starts_with("::");
            let parts: Vec<&str> = long.trim_start_matches("::").split("::").collect();
            let matches = absolute == path.leading_colon.is_some()
                && idents.len() >= parts.len()
                && parts.iter().zip(&idents).all(|(part, ident)| part == ident)
                && path
                    .segments
                    .iter()
                    .take(parts.len() - 1)
                    .all(|s| s.arguments.is_none());
            matches.then_some((parts.len(), *short))
        });
        if let Some((length, short)) = found {
            self.used.insert(short);
            let rest: Vec<syn::PathSegment> =
                path.segments.iter().skip(length - 1).cloned().collect();
            path.leading_colon = None;
            path.segments.clear();
            path.segments.extend(rest);
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::shorten;

    fn shortened(file: &str) -> String {
        let mut file: syn::File = syn::parse_str(file).unwrap();
        shorten(&mut file.items);
        prettyplease::unparse(&file)
    }

    #[test]
    fn full_paths_become_short_names_unless_the_module_takes_them() {
        let text = shortened(
            "pub struct Thing { a: ::std::option::Option<::std::string::String> }
             pub fn set(value: impl credkit_runtime::Input<i64>) -> credkit_runtime::Sent<()> {
                 ::std::default::Default::default()
             }",
        );
        assert!(text.contains("{\n    Default::default()\n}"), "{text}");
        assert!(
            text.starts_with("use credkit_runtime::Input;\nuse credkit_runtime::Sent;\n"),
            "{text}"
        );
        assert!(text.contains("a: Option<String>"), "{text}");
        assert!(
            text.contains("value: impl Input<i64>) -> Sent<()>"),
            "{text}"
        );

        let text = shortened(
            "pub struct String; pub struct Input;
             pub struct Thing { a: ::std::option::Option<::std::string::String> }
             pub fn set(value: impl credkit_runtime::Input<i64>) { todo() }",
        );
        assert!(text.contains("a: Option<::std::string::String>"), "{text}");
        assert!(text.contains("impl credkit_runtime::Input<i64>"), "{text}");
        assert!(!text.contains("use credkit_runtime"), "{text}");
    }
}

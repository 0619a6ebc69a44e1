//! The Rust types typify names itself: an inline schema gets a name from its place
//! (`Parcel.sender` → `ParcelSender`), which a component schema may already have. Such an
//! inline member schema is handed to typify with a `title` naming it `ParcelSender2` (the first
//! number free, [`title_inline_twins`]), which typify takes as its name; what still meets is
//! refused ([`declared_twice`]).

use serde_json::Value;
use syn::Item;

use crate::model::{Service, pointer_segment};
use crate::names;
use crate::problem::Problem;
use crate::spec::Spec;

/// Gives each member schema written inline in a component, which typify would name after its
/// place (`<Component><Member>`) as another component is named, a `title` with the first free
/// numbered name (`ParcelSender2`): typify names an inline schema by its title.
pub fn title_inline_twins(doc: &mut Value) {
    let components: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut taken: std::collections::BTreeSet<String> = components
        .iter()
        .map(|name| names::type_name(name))
        .collect();
    let mut titles: Vec<(String, String)> = Vec::new();
    for name in &components {
        let at = format!("/components/schemas/{}/properties", pointer_segment(name));
        let Some(members) = doc.pointer(&at).and_then(Value::as_object) else {
            continue;
        };
        for (member, schema) in members {
            let rust = names::type_name(&format!("{name}-{member}"));
            let named = ["properties", "enum", "oneOf", "anyOf", "allOf"]
                .iter()
                .any(|key| schema.get(key).is_some());
            if !named || schema.get("title").is_some() || !taken.contains(&rust) {
                continue;
            }
            let free = (2..)
                .map(|n| names::numbered_pascal(&rust, n))
                .find(|candidate| !taken.contains(candidate))
                .expect("an unused number exists");
            taken.insert(free.clone());
            titles.push((format!("{at}/{}", pointer_segment(member)), free));
        }
    }
    // typify names the type inside a nullable component by its title (`nullable-repository`
    // titled `Repository` would meet `repository`): without one, by the component's name.
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut().filter_map(Value::as_object_mut) {
            if schema.get("nullable") == Some(&Value::Bool(true)) {
                schema.remove("title");
            }
        }
    }
    titled_twins(doc, "", &mut taken, &mut titles);
    for (at, title) in titles {
        // typify names an `allOf` of one inline part (a nullable member, as published
        // definitions write it) by the part.
        let only_part = format!("{at}/allOf/0");
        let one_part = doc
            .pointer(&format!("{at}/allOf"))
            .and_then(Value::as_array)
            .is_some_and(|parts| parts.len() == 1 && parts[0].get("$ref").is_none());
        for place in [Some(at), one_part.then_some(only_part)]
            .into_iter()
            .flatten()
        {
            if let Some(schema) = doc.pointer_mut(&place).and_then(Value::as_object_mut) {
                schema.insert("title".to_owned(), Value::String(title.clone()));
            }
        }
    }
}

/// The inline schemas under `value` (at `at`) whose `title`, which typify names them by, is a
/// name `taken` already: each gets the first free numbered one. Data (`example`, `examples`,
/// `x-` extensions), `properties` keys and component schemas themselves are no such schemas.
fn titled_twins(
    value: &Value,
    at: &str,
    taken: &mut std::collections::BTreeSet<String>,
    titles: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(object) => {
            let component = at
                .strip_prefix("/components/schemas/")
                .is_some_and(|rest| !rest.contains('/'));
            if let Some(Value::String(title)) = object.get("title")
                && !component
            {
                let rust = names::type_name(title);
                if taken.contains(&rust) {
                    let free = (2..)
                        .map(|n| names::numbered_pascal(&rust, n))
                        .find(|candidate| !taken.contains(candidate))
                        .expect("an unused number exists");
                    taken.insert(free.clone());
                    titles.push((at.to_owned(), free));
                } else {
                    taken.insert(rust);
                }
            }
            for (key, child) in object {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                titled_twins(
                    child,
                    &format!("{at}/{}", pointer_segment(key)),
                    taken,
                    titles,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                titled_twins(item, &format!("{at}/{index}"), taken, titles);
            }
        }
        _ => {}
    }
}

/// The types typify declares twice: a component schema and an inline schema it names after
/// its place (`Thing.parent` → `ThingParent`) can meet. Each is refused at the component,
/// naming the inline schema.
pub fn declared_twice(spec: &Spec, service: &Service, types: &[Item]) -> Vec<Problem> {
    let mut seen = std::collections::BTreeSet::new();
    let twice: Vec<String> = types
        .iter()
        .filter_map(crate::tag_features::declared)
        .filter(|name| !seen.insert(name.clone()))
        .collect();
    let schemas: Vec<_> = service
        .progenitor_document
        .components
        .iter()
        .flat_map(|c| &c.schemas)
        .collect();
    // `(component, member)` of every member written inline, which typify names
    // `<Component><Member>` when it makes it a type.
    let inline: Vec<(&String, &String)> = schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            openapiv3::ReferenceOr::Item(openapiv3::Schema {
                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)),
                ..
            }) => Some((*name, object)),
            _ => None,
        })
        .flat_map(|(name, object)| {
            object
                .properties
                .iter()
                .filter(|(_, member)| matches!(member, openapiv3::ReferenceOr::Item(_)))
                .map(move |(member, _)| (name, member))
        })
        .collect();
    let mut problems = Vec::new();
    for (name, _) in &schemas {
        let rust = names::type_name(name);
        if !twice.contains(&rust) {
            continue;
        }
        let meets = inline
            .iter()
            .find(|(of, member)| names::type_name(&format!("{of}-{member}")) == rust)
            .map_or_else(
                || "another schema, named after its place".to_owned(),
                |(of, member)| {
                    format!(
                        "the inline schema of `/components/schemas/{}/properties/{}`",
                        pointer_segment(of),
                        pointer_segment(&names::wire_name(member).unwrap_or((*member).clone()))
                    )
                },
            );
        problems.push(spec.problem(
            Some(format!("/components/schemas/{}", pointer_segment(name))),
            format!("its type `{rust}` is also typify's name for {meets}: rename the schema, or make the member a `$ref`"),
        ));
    }
    if problems.is_empty() && !twice.is_empty() {
        problems.push(spec.problem(
            None,
            format!("typify declared the types {} twice", twice.join(", ")),
        ));
    }
    problems
}

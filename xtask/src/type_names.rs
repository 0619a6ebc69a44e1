//! The Rust types typify names itself: an inline schema gets a name from its place
//! (`Parcel.sender` → `ParcelSender`), which a component schema may already have.

use syn::Item;

use crate::model::{Service, pointer_segment};
use crate::names;
use crate::problem::Problem;
use crate::spec::Spec;

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

//! The Rust type of each operation's inputs and JSON answer, asked of typify rather than read
//! from progenitor's printed builders.
//!
//! progenitor converts each parameter, body and answer schema with typify, under the name
//! `{operationId}-{input}`, but keeps the type ids private. credkit gives typify the same
//! schemas, through progenitor's own schema conversion: one object per operation and kind of
//! input ("holder") is added to the components, each input a required member of it, so that
//! typify names an inline type `{holder}{Input}`, as progenitor names it `{OperationId}{Input}`.
//! Each member's type is then asked of the type space (`Type::ident`, `Type::builder`), and
//! every type it names must be one progenitor's own run defined.

use std::collections::BTreeSet;

use openapiv3::{
    Components, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode,
};
use proc_macro2::{Ident, TokenStream, TokenTree};
use progenitor::{GenerationSettings, Generator};

use crate::model::{BodyEncoding, Operation, ParameterLocation, Service, Success};

/// One input of an operation's builder, in progenitor's order (path parameters in the path's
/// order, query parameters by name, headers, the body last).
#[derive(Clone)]
pub struct InputType {
    /// The setter: the parameter's Rust name, or `body`.
    pub field: String,
    /// The value's type: `T` of `Option<T>` for an optional input.
    pub ty: syn::Type,
    /// `None` until set: an optional parameter, or a query parameter typify makes optional.
    pub optional: bool,
    /// A body typify builds: `types::builder::X`, which starts from the type's defaults.
    pub built: Option<syn::Type>,
}

/// The Rust types of one operation.
#[derive(Clone, Default)]
pub struct OperationTypes {
    pub inputs: Vec<InputType>,
    /// The type of its JSON answer, when it has one.
    pub json_answer: Option<syn::Type>,
}

/// The holders' prefixes: typify spells each holder `{Prefix}{OperationId}`.
const HOLDERS: [(&str, &str); 3] = [
    ("credkit-inputs-", "CredkitInputs"),
    ("credkit-body-", "CredkitBody"),
    ("credkit-answer-", "CredkitAnswer"),
];

/// The types of every operation of `service`, in the model's order. `defined`: the names of
/// the types progenitor's run defined, which every type named must be (`None`: not checked
/// again, after the client's generation did). `Err` names the operation or input it cannot
/// type.
pub fn of(
    service: &Service,
    settings: &GenerationSettings,
    defined: Option<&BTreeSet<String>>,
) -> Result<Vec<OperationTypes>, String> {
    let document = &service.progenitor_document;
    let components = &document.components;
    let mut holders = document.clone();
    holders.paths = Default::default();
    let schemas = &mut holders
        .components
        .get_or_insert_with(Default::default)
        .schemas;
    let mut wanted = Vec::new();
    for operation in &service.operations {
        let found = document_operation(document, operation)
            .ok_or_else(|| format!("{}: not in progenitor's document", operation.location()))?;
        let id = found.operation_id.clone().unwrap_or_default();
        let place = |m: String| format!("{}: {m}", operation.location());
        let parameters = parameters(document, operation, found).map_err(place)?;
        let body = body_schema(found, components).map_err(place)?;
        let answer = answer_schema(found, components).map_err(place)?;
        let members = [
            parameters
                .iter()
                .map(|(p, _)| Ok((p.parameter_data_ref().name.clone(), schema_of(p)?)))
                .collect::<Result<Vec<_>, String>>()
                .map_err(place)?,
            body.clone()
                .map(|s| ("body".to_owned(), s))
                .into_iter()
                .collect(),
            answer
                .map(|s| ("response".to_owned(), s))
                .into_iter()
                .collect(),
        ];
        for ((key, _), members) in HOLDERS.iter().zip(members) {
            if !members.is_empty() {
                schemas.insert(holder_name(key, &id), ReferenceOr::Item(holder(members)));
            }
        }
        wanted.push((id, parameters, body.is_some()));
    }
    let mut generator = Generator::new(settings);
    generator
        .generate_tokens(&holders)
        .map_err(|e| format!("typify cannot type the operations' inputs: {e}"))?;
    let space = generator.get_type_space();
    let member = |holder: usize, id: &str, name: &str| -> Result<typify::Type<'_>, String> {
        let (key, _) = HOLDERS[holder];
        let struct_name = crate::names::type_name(&holder_name(key, id));
        let found = space
            .iter_types()
            .find(|t| t.name() == struct_name)
            .ok_or_else(|| format!("typify gave no `{struct_name}`"))?;
        let typify::TypeDetails::Struct(s) = found.details() else {
            return Err(format!("typify's `{struct_name}` is no struct"));
        };
        let (_, ty) = s
            .properties()
            .find(|(member, _)| *member == name)
            .ok_or_else(|| format!("typify's `{struct_name}` has no member `{name}`"))?;
        space.get_type(&ty).map_err(|e| e.to_string())
    };
    let named = |holder: usize, tokens: TokenStream| -> Result<syn::Type, String> {
        let renamed = strip_holder(tokens, HOLDERS[holder].1);
        let ty: syn::Type = syn::parse2(renamed).map_err(|e| e.to_string())?;
        let mut unknown = Vec::new();
        each_type_name(&ty, &mut |name| {
            if defined.is_some_and(|defined| !defined.contains(name)) {
                unknown.push(name.to_owned());
            }
        });
        match unknown.is_empty() {
            true => Ok(ty),
            false => Err(format!(
                "typify names {unknown:?} for an input, which progenitor's run did not define"
            )),
        }
    };
    service
        .operations
        .iter()
        .zip(wanted)
        .map(|(operation, (id, parameters, has_body))| {
            let place = |m: String| format!("{}: {m}", operation.location());
            let mut inputs = Vec::new();
            for (listed, model) in parameters {
                // The holder's member is named as progenitor's document names the parameter.
                let field = crate::names::member_field(&listed.parameter_data_ref().name);
                let found = member(0, &id, &field).map_err(place)?;
                let inner = match (model.location, found.details()) {
                    (ParameterLocation::Query, typify::TypeDetails::Option(inner)) => Some(inner),
                    _ => None,
                };
                let (found, optional) = match inner {
                    Some(inner) => (
                        space.get_type(&inner).map_err(|e| place(e.to_string()))?,
                        true,
                    ),
                    None => (found, !model.required),
                };
                inputs.push(InputType {
                    field: model.rust_name.clone(),
                    ty: named(0, found.ident()).map_err(place)?,
                    optional,
                    built: None,
                });
            }
            if let Some(body) = &operation.body {
                let (ty, built) = match (body.encoding, has_body) {
                    (BodyEncoding::Bytes | BodyEncoding::Text, _) => {
                        (syn::parse_quote!(reqwest::Body), None)
                    }
                    (_, true) => {
                        let found = member(1, &id, "body").map_err(place)?;
                        let built = found.builder().map(|b| named(1, b)).transpose();
                        (
                            named(1, found.ident()).map_err(place)?,
                            built.map_err(place)?,
                        )
                    }
                    (_, false) => return Err(place("its body has no schema".into())),
                };
                inputs.push(InputType {
                    field: "body".into(),
                    ty,
                    optional: false,
                    built,
                });
            }
            let answers_json = matches!(
                operation.success,
                Success::Json { .. } | Success::JsonOrEmpty { .. }
            );
            let json_answer = match answers_json {
                true => Some(named(2, member(2, &id, "response").map_err(place)?.ident()))
                    .transpose()
                    .map_err(place)?,
                false => None,
            };
            Ok(OperationTypes {
                inputs,
                json_answer,
            })
        })
        .collect()
}

/// The operation of the model in progenitor's document.
fn document_operation<'a>(
    document: &'a OpenAPI,
    operation: &Operation,
) -> Option<&'a openapiv3::Operation> {
    let ReferenceOr::Item(item) = document.paths.paths.get(&operation.path)? else {
        return None;
    };
    item.iter()
        .find(|(method, _)| method.eq_ignore_ascii_case(&operation.method))
        .map(|(_, found)| found)
}

/// The operation's parameters as progenitor orders them (path parameters in the path's order,
/// then query parameters by name, then headers by name), each with the model's.
fn parameters<'a, 'm>(
    document: &'a OpenAPI,
    operation: &'m Operation,
    found: &'a openapiv3::Operation,
) -> Result<Vec<(&'a Parameter, &'m crate::model::Parameter)>, String> {
    let item = match document.paths.paths.get(&operation.path) {
        Some(ReferenceOr::Item(item)) => &item.parameters,
        _ => return Err("its path is not in progenitor's document".into()),
    };
    let mut by_name = std::collections::BTreeMap::new();
    for parameter in item.iter().chain(&found.parameters) {
        let parameter = resolve(parameter, |n| {
            document.components.as_ref()?.parameters.get(n)
        })?;
        by_name.insert(parameter.parameter_data_ref().name.clone(), parameter);
    }
    let mut listed = by_name
        .into_values()
        .map(|parameter| {
            // A parameter renamed for its setter (`parameter_names.rs`) carries its wire name;
            // a path and a query parameter can share it, so its place says which it is.
            let listed = &parameter.parameter_data_ref().name;
            let name = &crate::names::wire_name(listed).unwrap_or_else(|| listed.clone());
            let location = match parameter {
                Parameter::Path { .. } => Some(crate::model::ParameterLocation::Path),
                Parameter::Query { .. } => Some(crate::model::ParameterLocation::Query),
                Parameter::Header { .. } => Some(crate::model::ParameterLocation::Header),
                Parameter::Cookie { .. } => None,
            };
            let model = operation
                .parameters
                .iter()
                .find(|p| p.name == *name && Some(p.location) == location)
                .ok_or_else(|| format!("parameter `{name}` is not in the model"))?;
            Ok((parameter, model))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if listed.len() != operation.parameters.len() {
        return Err(format!(
            "the model has {} parameters, progenitor's document {}",
            operation.parameters.len(),
            listed.len()
        ));
    }
    let rank = |(parameter, model): &(&Parameter, &crate::model::Parameter)| match model.location {
        ParameterLocation::Path => (
            0,
            operation
                .path
                .find(&format!("{{{}}}", parameter.parameter_data_ref().name))
                .unwrap_or(usize::MAX),
        ),
        ParameterLocation::Query => (1, 0),
        ParameterLocation::Header => (2, 0),
    };
    listed.sort_by_key(|entry| rank(entry));
    Ok(listed)
}

/// The schema of a parameter.
fn schema_of(parameter: &Parameter) -> Result<ReferenceOr<Schema>, String> {
    match &parameter.parameter_data_ref().format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => Ok(schema.clone()),
        openapiv3::ParameterSchemaOrContent::Content(_) => Err(format!(
            "parameter `{}` has no schema",
            parameter.parameter_data_ref().name
        )),
    }
}

/// The schema of a JSON or form body, as progenitor reads it.
fn body_schema(
    found: &openapiv3::Operation,
    components: &Option<Components>,
) -> Result<Option<ReferenceOr<Schema>>, String> {
    let Some(body) = &found.request_body else {
        return Ok(None);
    };
    let body: &RequestBody = resolve(body, |n| components.as_ref()?.request_bodies.get(n))?;
    Ok(body
        .content
        .iter()
        .find(|(media, _)| {
            *media == "application/json" || *media == "application/x-www-form-urlencoded"
        })
        .and_then(|(_, media)| media.schema.clone()))
}

/// The schema of the first JSON success answer (progenitor gives every JSON success of an
/// operation one type).
fn answer_schema(
    found: &openapiv3::Operation,
    components: &Option<Components>,
) -> Result<Option<ReferenceOr<Schema>>, String> {
    let success =
        found
            .responses
            .default
            .iter()
            .chain(found.responses.responses.iter().filter_map(|(status, r)| {
                matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2)).then_some(r)
            }));
    for response in success {
        let response: &Response = resolve(response, |n| components.as_ref()?.responses.get(n))?;
        // JSON as the model reads it (`parse/operations.rs`): `application/json` and the
        // `+json` types (`application/scim+json`), with or without parameters.
        let json = response.content.iter().find(|(media, _)| {
            let essence = media.split(';').next().unwrap_or_default().trim();
            essence == "application/json" || essence.ends_with("+json")
        });
        if let Some((_, media)) = json {
            return Ok(media.schema.clone());
        }
    }
    Ok(None)
}

/// A component's item, through one `$ref` (`#/components/<kind>/<name>`).
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    component: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T, String> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            match component(name) {
                Some(ReferenceOr::Item(item)) => Ok(item),
                _ => Err(format!("`{reference}` does not lead to a component")),
            }
        }
    }
}

/// An object with each of `members` required.
fn holder(members: Vec<(String, ReferenceOr<Schema>)>) -> Schema {
    let required = members.iter().map(|(name, _)| name.clone()).collect();
    let properties = members
        .into_iter()
        .map(|(name, schema)| {
            let boxed = match schema {
                ReferenceOr::Item(schema) => ReferenceOr::Item(Box::new(schema)),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
            };
            (name, boxed)
        })
        .collect();
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(openapiv3::Type::Object(openapiv3::ObjectType {
            properties,
            required,
            ..Default::default()
        })),
    }
}

/// The tokens with each identifier that starts with a holder's name `prefix` spelled as
/// progenitor spells the operation's own (`CredkitInputsGetThingStatus` is `GetThingStatus`).
fn strip_holder(tokens: TokenStream, prefix: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                match text.strip_prefix(prefix) {
                    Some(rest) if !rest.is_empty() => {
                        let start = rest.chars().next().is_some_and(unicode_ident::is_xid_start);
                        let rest = if start {
                            rest.to_owned()
                        } else {
                            format!("X{rest}")
                        };
                        TokenTree::Ident(Ident::new(&rest, ident.span()))
                    }
                    _ => TokenTree::Ident(ident),
                }
            }
            TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(
                    group.delimiter(),
                    strip_holder(group.stream(), prefix),
                );
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other,
        })
        .collect()
}

/// Each name of the `types` module a type names: `X` of `types::X` and `types::builder::X`.
fn each_type_name(ty: &syn::Type, found: &mut dyn FnMut(&str)) {
    use syn::visit::Visit;
    struct Names<'f>(&'f mut dyn FnMut(&str));
    impl Visit<'_> for Names<'_> {
        fn visit_type_path(&mut self, node: &syn::TypePath) {
            let segments = &node.path.segments;
            if segments.first().is_some_and(|s| s.ident == "types")
                && let Some(last) = segments.last()
            {
                (self.0)(&last.ident.to_string());
            }
            syn::visit::visit_type_path(self, node);
        }
    }
    Names(found).visit_type(ty);
}

/// The component name of an operation's holder: `key` and its operationId, each character a
/// component name may not hold (`/` in `scim/list-provisioned-identities`) read as the word
/// break it is in the Rust name (typify would name such a component otherwise).
fn holder_name(key: &str, id: &str) -> String {
    let id: String = id
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                true => c,
                false => '-',
            },
        )
        .collect();
    format!("{key}{id}")
}

#[cfg(test)]
mod tests {
    use super::strip_holder;

    #[test]
    fn a_holders_name_gives_way_to_the_operations_as_progenitor_spells_it() {
        let tokens = quote::quote!(::std::vec::Vec<types::CredkitInputsGetThingStatus>);
        let stripped = strip_holder(tokens, "CredkitInputs").to_string();
        assert_eq!(
            stripped.replace(' ', ""),
            "::std::vec::Vec<types::GetThingStatus>"
        );
        let digit = strip_holder(quote::quote!(types::CredkitBody2faBody), "CredkitBody");
        assert_eq!(digit.to_string().replace(' ', ""), "types::X2faBody");
        let untouched = strip_holder(quote::quote!(types::Thing), "CredkitBody");
        assert_eq!(untouched.to_string().replace(' ', ""), "types::Thing");
    }
}

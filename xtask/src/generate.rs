//! One spec in, one formatted `generated.rs` out.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use syn::Item;

use crate::model::{Operation, Service};
use crate::problem::Problem;
use crate::spec::Spec;
use crate::{builder, custom_types, metadata, parse, shapes};

/// What a client and its mocks are both generated from, prepared once per spec: the service's
/// model and progenitor's settings.
pub struct Prepared {
    pub service: Service,
    pub(crate) settings: GenerationSettings,
}

impl Prepared {
    /// Parses `spec` into its model (checking the rules of `specs/README.md`) and prepares it.
    pub fn new(spec: &Spec) -> Result<Self, Vec<Problem>> {
        Self::at(spec, "crate::generated")
    }

    /// As [`Prepared::new`], for a module that sits at `module_path` in its crate.
    pub fn at(spec: &Spec, module_path: &str) -> Result<Self, Vec<Problem>> {
        let mut service = parse::parse(spec)?;
        service.module_path = module_path.to_owned();
        let settings = progenitor_settings(&service);
        Ok(Self { service, settings })
    }
}

/// Checks `spec` and generates its client module: the text of `crates/<service>/src/generated.rs`.
pub fn generate(spec: &Spec) -> Result<String, Vec<Problem>> {
    Ok(client(spec, &Prepared::new(spec)?)?.code)
}

/// A generated client module and the crates it names.
pub struct Client {
    /// The text of the module.
    pub code: String,
    /// The crates it names, asked of typify ([`crate::crates::Uses`]).
    pub uses: crate::crates::Uses,
}

/// The client module of a prepared spec.
pub fn client(spec: &Spec, prepared: &Prepared) -> Result<Client, Vec<Problem>> {
    let Prepared { service, settings } = prepared;
    let mut uses = crate::crates::Uses::default();
    let mut typify_builders = 0;
    let mut flagged = std::collections::BTreeSet::new();
    let mut defined = std::collections::BTreeSet::new();
    let mut file = run_progenitor(spec, service, "", || {
        let mut generator = Generator::new(settings);
        let tokens = generator.generate_tokens(&service.progenitor_document);
        let types = generator.get_type_space();
        uses = crate::crates::Uses::of(types, service);
        typify_builders = types.iter_types().filter(|t| t.builder().is_some()).count();
        defined = types.iter_types().map(|t| t.name()).collect();
        if let Some(member) = &service.success_member {
            flagged = builder::structs_with_field(types, member);
        }
        tokens
    })?;
    let typed = crate::rust_types::of(service, settings, Some(&defined))
        .map_err(|m| vec![spec.problem(None, format!("cannot type an input: {m}"))])?;
    // The passes over progenitor's output (`output_passes.rs`).
    builder::generate_builders(&mut file, service, &flagged, &typed)
        .map_err(|m| vec![spec.problem(None, format!("cannot generate a builder: {m}"))])?;
    let counts = [
        crate::output_passes::Count {
            what: "unvalidated constructors (`impl Client { new, new_with_client }`)",
            found: drop_unvalidated_constructors(&mut file),
            expected: 1,
        },
        crate::output_passes::Count {
            what: "`Client` methods",
            found: builder::move_argument_docs(&mut file),
            expected: service.operations.len(),
        },
        crate::output_passes::Count {
            what: "typify builders",
            found: crate::type_builders::keep_request_builders(&mut file),
            expected: typify_builders,
        },
    ];
    crate::output_passes::check(spec, "the client", &counts)?;
    crate::waiters::emit(&mut file, service)
        .map_err(|m| vec![spec.problem(None, format!("cannot generate a waiter: {m}"))])?;
    crate::tag_features::gate_methods(&mut file, service)
        .map_err(|m| vec![spec.problem(None, format!("cannot gate by tag: {m}"))])?;

    let types = builder::module_items(&mut file, "types")
        .ok_or_else(|| vec![spec.problem(None, "progenitor's output has no `types` module")])?;
    let twice = crate::type_names::declared_twice(spec, service, types);
    if !twice.is_empty() {
        return Err(twice);
    }
    if let Some(error_schema) = &service.error_schema
        && !defined.contains(&error_schema.rust)
    {
        return Err(vec![spec.problem(
            Some("info".into()),
            format!(
                "`x-credkit-error-schema` names `{}`, but no Rust type `{}` was generated for it (is it a schema typify inlines?)",
                error_schema.spec, error_schema.rust
            ),
        )]);
    }
    for t in &service.custom_types {
        let parsed: syn::File = syn::parse2(custom_types::emit(t)).map_err(|e| {
            vec![spec.problem(
                Some(format!("/components/schemas/{}", t.name.spec)),
                format!("cannot emit its type: {e}"),
            )]
        })?;
        types.extend(parsed.items);
    }
    let appended: syn::File = syn::parse2(metadata::emit(service))
        .map_err(|e| vec![spec.problem(None, format!("cannot emit SERVICE: {e}"))])?;
    file.items.extend(appended.items);
    let shapes: syn::File = syn::parse2(shapes::emit(&service.shapes))
        .map_err(|e| vec![spec.problem(None, format!("cannot emit the answer shapes: {e}"))])?;
    file.items.extend(shapes.items);
    if !crate::tag_features::features(service).is_empty() {
        crate::tag_features::gate_types(&mut file);
    }
    shorten_names(&mut file);

    let code = render(spec, &file, "the generated code")?;
    Ok(Client { code, uses })
}

/// Removes progenitor's `Client::new` and `Client::new_with_client`: they take any base URL and
/// runtime, skipping what `Client::builder()` checks (an https URL, the credentials, the
/// environment). The builder makes the client through `GeneratedClient::from_parts`. Returns
/// how many such `impl` blocks went.
fn drop_unvalidated_constructors(file: &mut syn::File) -> usize {
    let before = file.items.len();
    file.items.retain(|item| {
        !matches!(item, Item::Impl(block)
            if block.trait_.is_none()
                && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
                && block.items.iter().any(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new_with_client")))
    });
    before - file.items.len()
}

/// Short names in the modules that repeat them per operation and per type (`short_names.rs`).
fn shorten_names(file: &mut syn::File) {
    crate::short_names::shorten(&mut file.items);
    for module in ["builder", "types"] {
        if let Some(items) = builder::module_items(file, module) {
            crate::short_names::shorten(items);
            if module == "types"
                && let Some(Item::Mod(m)) = items
                    .iter_mut()
                    .find(|item| matches!(item, Item::Mod(m) if m.ident == "builder"))
                && let Some((_, inner)) = &mut m.content
            {
                crate::short_names::shorten(inner);
            }
        }
    }
}

/// The text of a generated file: `file` formatted, under the `@generated` header.
pub(crate) fn render(spec: &Spec, file: &syn::File, what: &str) -> Result<String, Vec<Problem>> {
    let body = progenitor_impl::space_out_items(prettyplease::unparse(file))
        .map_err(|e| vec![spec.problem(None, format!("cannot format {what}: {e}"))])?;
    Ok(format!("{}{body}", header(spec)))
}

/// Runs one progenitor generator; a panic, a refusal or unparsable output becomes a problem
/// naming the spec (`what` says which output, "" for the client). A panic or a refusal is
/// located: each component schema is tried alone, then each operation, and those progenitor
/// cannot read are named by pointer.
pub(crate) fn run_progenitor(
    spec: &Spec,
    service: &Service,
    what: &str,
    generator: impl FnOnce() -> progenitor_impl::Result<proc_macro2::TokenStream>,
) -> Result<syn::File, Vec<Problem>> {
    let failed = |message: String| {
        let located = parts_progenitor_cannot_read(spec, service);
        if located.is_empty() {
            vec![spec.problem(None, message)]
        } else {
            located
        }
    };
    let tokens = without_panicking(generator)
        .map_err(|panic| failed(format!("progenitor panicked{what}: {panic}")))?
        .map_err(|error| failed(format!("progenitor refused the spec{what}: {error}")))?;
    syn::parse2(crate::member_names::restore_wire_names(tokens)).map_err(|e| {
        vec![spec.problem(
            None,
            format!("progenitor produced unparsable code{what}: {e}"),
        )]
    })
}

/// The component schemas progenitor cannot read, each tried in a document where every other
/// schema is `{}` (any value), so that references still resolve; when none is, the operations
/// it cannot read, each tried alone beside every component.
fn parts_progenitor_cannot_read(spec: &Spec, service: &Service) -> Vec<Problem> {
    let document = &service.progenitor_document;
    let settings = progenitor_settings(service);
    let fails = |alone: &openapiv3::OpenAPI| -> Option<String> {
        let outcome = without_panicking(|| Generator::new(&settings).generate_tokens(alone));
        let message = match outcome {
            Ok(Ok(_)) => return None,
            Ok(Err(error)) => error.to_string(),
            Err(panic) => panic,
        };
        let first_line = message.lines().next().unwrap_or_default().to_owned();
        Some(match first_line.contains("does not conform") {
            true => format!(
                "{first_line}: an `enum` value or a `default` does not fit the schema's `type`"
            ),
            false => first_line,
        })
    };
    let refuse = |place: String, what: &str, why: String| {
        spec.problem(
            Some(place),
            format!(
                "progenitor cannot read this {what} ({why}): simplify it or describe it another way"
            ),
        )
    };
    let mut problems = Vec::new();
    let schemas = document.components.as_ref().map(|c| &c.schemas);
    for name in schemas.into_iter().flat_map(|s| s.keys()) {
        // Only the schemas it refers to stand beside it: with every other one, each trial
        // would cost as much as the whole document, and the search grow as its square.
        let text = schemas
            .and_then(|s| s.get(name))
            .and_then(|schema| serde_json::to_string(schema).ok())
            .unwrap_or_default();
        let referred: std::collections::BTreeSet<&str> = text
            .split("\"#/components/schemas/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let schemas = schemas
            .into_iter()
            .flatten()
            .filter(|(other, _)| {
                *other == name || referred.contains(crate::model::pointer_segment(other).as_str())
            })
            .map(|(other, schema)| {
                let kept = if other == name {
                    schema.clone()
                } else {
                    openapiv3::ReferenceOr::Item(openapiv3::Schema {
                        schema_data: Default::default(),
                        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
                    })
                };
                (other.clone(), kept)
            })
            .collect();
        let alone = openapiv3::OpenAPI {
            openapi: document.openapi.clone(),
            info: document.info.clone(),
            components: Some(openapiv3::Components {
                schemas,
                ..Default::default()
            }),
            ..Default::default()
        };
        if let Some(why) = fails(&alone) {
            let place = format!(
                "/components/schemas/{}",
                crate::model::pointer_segment(name)
            );
            problems.push(refuse(place, "schema", why));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    for (path, item) in document.paths.paths.iter() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, _) in item.iter() {
            let mut only = item.clone();
            for other in crate::spec::METHODS.into_iter().filter(|m| *m != method) {
                *operation_slot(&mut only, other) = None;
            }
            let mut alone = document.clone();
            alone.paths.paths = [(path.clone(), openapiv3::ReferenceOr::Item(only))]
                .into_iter()
                .collect();
            if let Some(why) = fails(&alone) {
                let place = format!("/paths/{}/{method}", crate::model::pointer_segment(path));
                problems.push(refuse(place, "operation", why));
            }
        }
    }
    problems
}

/// The place of the operation of `method` in a path item.
fn operation_slot<'a>(
    item: &'a mut openapiv3::PathItem,
    method: &str,
) -> &'a mut Option<openapiv3::Operation> {
    match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        _ => &mut item.trace,
    }
}

/// The first lines of every generated file: where it comes from, and not to edit it.
fn header(spec: &Spec) -> String {
    format!(
        "// @generated by `cargo xtask generate` from {} with progenitor 0.15.\n\
         // Do not edit: change the spec or the generator and run `cargo xtask generate`.\n\n",
        spec.file
    )
}

/// How progenitor is run for the client and for its mocks: the builder interface over the
/// runtime, with the custom types in place of the schemas they replace.
fn progenitor_settings(service: &Service) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type("credkit_runtime::Runtime".parse().expect("a Rust path"))
        .with_derive("PartialEq");
    let multipart = service.operations.iter().any(Operation::sends_multipart);
    if multipart {
        settings.with_replacement(
            crate::names::FILE_PART_SCHEMA,
            "credkit_runtime::FilePart",
            std::iter::empty(),
        );
    }
    for t in &service.custom_types {
        settings.with_replacement(
            &t.name.rust,
            service.type_path(t),
            custom_types::IMPLS.into_iter(),
        );
    }
    settings
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into its message. progenitor reports several unsupported inputs
/// by panicking; the user gets the message, named by file, and never a backtrace.
fn without_panicking<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::without_panicking;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(without_panicking(|| 7), Ok(7));
        let message =
            without_panicking(|| -> () { panic!("assertion failed: response_types.len() <= 1") });
        assert_eq!(
            message,
            Err("assertion failed: response_types.len() <= 1".to_owned())
        );
        let formatted =
            without_panicking(|| -> () { panic!("not yet implemented: {} media types", 2) });
        assert_eq!(
            formatted,
            Err("not yet implemented: 2 media types".to_owned())
        );
    }
}

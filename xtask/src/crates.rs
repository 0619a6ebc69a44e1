//! The parts of a client crate the generator owns besides `generated.rs` and `mock.rs`: the
//! crate root's preamble and re-exports (`src/lib.rs`) and the manifest's dependencies and
//! `mock` feature (`Cargo.toml`). Each is a block between two marker lines, rewritten on every
//! `cargo xtask generate` and compared by `--check`; what is outside the blocks is the
//! service's hand-written code and stays as it is. So every service crate re-exports the same
//! set, and a manifest always has exactly what the generated code needs.

use crate::model::Service;

/// The marker lines of a block: `// credkit:generated <name>` … `// credkit:end <name>`
/// (`#` instead of `//` in TOML).
fn markers(comment: &str, name: &str) -> (String, String) {
    (
        format!("{comment} credkit:generated {name}: `cargo xtask generate` writes these lines"),
        format!("{comment} credkit:end {name}"),
    )
}

/// `text` with the block `name` replaced by `body`; `Err` says what is missing.
pub fn replace_block(text: &str, comment: &str, name: &str, body: &str) -> Result<String, String> {
    let (begin, end) = markers(comment, name);
    let start = text
        .find(&begin)
        .ok_or_else(|| format!("has no line `{begin}`"))?;
    let after_begin = start + begin.len();
    let stop = text[after_begin..]
        .find(&end)
        .map(|i| after_begin + i)
        .ok_or_else(|| format!("has no line `{end}` after `{begin}`"))?;
    Ok(format!("{}\n{body}{}", &text[..after_begin], &text[stop..]))
}

/// A whole block, markers included, for a new file.
pub fn block(comment: &str, name: &str, body: &str) -> String {
    let (begin, end) = markers(comment, name);
    format!("{begin}\n{body}{end}\n")
}

/// What every service crate re-exports from the runtime: the user's API to build a client,
/// authenticate, call (what a setter takes, a builder's states, what `send` returns), keep to
/// its quota and read errors.
const RUNTIME_EXPORTS: &str = "Answer, Auth, AuthError, Authenticator, BoxFuture, ClientBuilder, Environment, Error, \
     ErrorKind, GeneratedClient, Input, Missing, Quota, QuotaScope, RateLimit, ReadAs, RetryPolicy, Secret, Sent, Set, Unfit";

/// The crate root's block: the generated modules and the re-exports every service crate has
/// (and `callbacks` for a service whose spec declares some, `FilePart` for one that uploads
/// multipart bodies, `waiters` and the types of a wait for one whose spec declares waiters).
pub fn lib_block(service: &Service) -> String {
    let callbacks = if service.callbacks.is_empty() {
        ""
    } else {
        "callbacks, "
    };
    // What a multipart upload's file members are, for callers to name.
    let file_part = if service.operations.iter().any(|op| op.sends_multipart()) {
        ", FilePart"
    } else {
        ""
    };
    // What a waiter answers and how its polls are seen, for a service whose spec declares some.
    let (wait_exports, waiters) = if service.waiters.is_empty() {
        ("", "")
    } else {
        (", Poll, Verdict, WaitSettings, Waited", ", waiters")
    };
    format!(
        "#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!(\"../README.md\")]

// progenitor's output, formatted by prettyplease: rustfmt would rewrite it on every run.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated;

// The typed httpmock helpers, generated with the client from the same spec.
#[cfg(feature = \"mock\")]
#[cfg_attr(docsrs, doc(cfg(feature = \"mock\")))]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod mock;

#[rustfmt::skip]
pub use credkit_runtime::{{{RUNTIME_EXPORTS}{file_part}{wait_exports}}};
#[rustfmt::skip]
pub use generated::{{ByteStream, Client, ClientInfo, SERVICE, ServiceError, builder, {callbacks}prelude, servers, types{waiters}}};
"
    )
}

/// The crates a generated client names besides those every client names (the runtime,
/// progenitor's client, reqwest): asked of typify's type space and of the model, never read
/// from the printed code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// serde's derives: any type at all.
    pub serde: bool,
    /// A JSON value or map member, a service without an error schema (its errors are JSON
    /// values) or a callback's parser.
    pub serde_json: bool,
    /// A `date` or `date-time` member.
    pub chrono: bool,
    /// A `uuid` member.
    pub uuid: bool,
    /// A string checked against a `pattern`.
    pub regress: bool,
}

impl Uses {
    /// What the client of `service` names, given typify's type space for its document.
    pub fn of(types: &typify::TypeSpace, service: &Service) -> Self {
        Self {
            // Only the types typify defines derive serde's traits; an answer of `Vec<String>`
            // or a parameter of a builtin type names no serde item.
            serde: types.iter_types().any(|t| {
                matches!(
                    t.details(),
                    typify::TypeDetails::Struct(_)
                        | typify::TypeDetails::Enum(_)
                        | typify::TypeDetails::Newtype(_)
                )
            }) || !service.custom_types.is_empty(),
            serde_json: types.uses_serde_json()
                || service.error_schema.is_none()
                || !service.callbacks.is_empty(),
            chrono: types.uses_chrono(),
            uuid: types.uses_uuid(),
            regress: types.uses_regress(),
        }
    }

    /// The packages, in the order the manifest lists them.
    fn packages(self) -> impl Iterator<Item = &'static str> {
        [
            ("progenitor-client", true),
            ("reqwest", true),
            ("serde", self.serde),
            ("serde_json", self.serde_json),
            ("chrono", self.chrono),
            ("uuid", self.uuid),
            ("regress", self.regress),
        ]
        .into_iter()
        .filter_map(|(package, used)| used.then_some(package))
    }
}

/// The manifest's dependency block: the runtime, at its current version (which a published
/// crate's dependency needs), exactly the crates the generated client names, and `httpmock`
/// for the mocks.
pub fn dependencies_block(uses: Uses, runtime_version: &str) -> String {
    let mut lines =
        format!("credkit-runtime = {{ path = \"../runtime\", version = \"{runtime_version}\" }}\n");
    for package in uses.packages() {
        lines.push_str(&format!("{package}.workspace = true\n"));
    }
    lines.push_str(
        "# The typed mock helpers (`mock` feature) only: never compiled by a client without it.\n\
         httpmock = { workspace = true, optional = true }\n",
    );
    lines
}

/// The manifest's feature block: the TLS choice, so that a program depending on this crate
/// alone can call the service's https hosts, and the mocks; for a spec that asks for them,
/// the per-tag features ([`crate::tag_features`]), all in the default.
pub fn features_block(service: &Service) -> String {
    let tags = crate::tag_features::manifest_lines(service);
    let default = match tags.is_empty() {
        true => "default = [\"rustls\"]\n",
        false => "default = [\"rustls\", \"all-tags\"]\n",
    };
    let block = "\
     ## TLS through rustls (aws-lc-rs) with the platform's certificate verifier.\n\
     rustls = [\"credkit-runtime/rustls\"]\n\
     ## TLS through the platform's library (OpenSSL, Schannel, Security.framework); with\n\
     ## `default-features = false`.\n\
     native-tls = [\"credkit-runtime/native-tls\"]\n\
     ## `mock::MockServerExt`: one typed httpmock helper per operation, for tests of code that uses this client.\n\
     ";
    // The mocks name every operation's types.
    let mock = match tags.is_empty() {
        true => "mock = [\"dep:httpmock\"]\n",
        false => "mock = [\"dep:httpmock\", \"all-tags\"]\n",
    };
    format!("{default}{block}{mock}{tags}")
}

/// One service crate as the facade depends on it.
pub struct Member {
    /// The service's name: `crates/<name>`, package `credkit-<name>`.
    pub name: String,
    /// The crate's current version.
    pub version: String,
    /// Its operations are behind per-tag features (`all-tags`): the facade, whose dependency
    /// turns default features off, turns them all on.
    pub all_tags: bool,
}

/// The facade's dependency block: every service crate, optional, at its current version, with
/// its default features off so that the facade's TLS choice is the only one.
pub fn facade_dependencies_block(members: &[Member]) -> String {
    members
        .iter()
        .map(|Member { name, version, all_tags }| {
            let features = if *all_tags { ", features = [\"all-tags\"]" } else { "" };
            format!(
                "credkit-{name} = {{ path = \"../{name}\", version = \"{version}\", optional = true, default-features = false{features} }}\n"
            )
        })
        .collect()
}

/// The facade's TLS features, forwarded to the runtime and to every enabled service crate.
pub fn facade_tls_block(members: &[Member]) -> String {
    let forward = |feature: &str| {
        let mut targets = vec![format!("\"credkit-runtime/{feature}\"")];
        targets.extend(
            members
                .iter()
                .map(|member| format!("\"credkit-{}?/{feature}\"", member.name)),
        );
        format!("{feature} = [{}]\n", targets.join(", "))
    };
    format!(
        "## TLS through rustls (aws-lc-rs) with the platform's certificate verifier.\n{}\
         ## TLS through the platform's library (OpenSSL, Schannel, Security.framework).\n{}",
        forward("rustls"),
        forward("native-tls")
    )
}

/// The version of a new service crate.
pub const FIRST_VERSION: &str = "0.1.0";

/// The manifest of a new service crate, with its generated blocks filled in.
pub fn new_manifest(service: &Service, uses: Uses, runtime_version: &str) -> String {
    let package = service.package();
    let title = &service.title;
    format!(
        "[package]
name = \"{package}\"
description = \"Typed client for the {title} API.\"
version = \"{FIRST_VERSION}\"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
readme = \"README.md\"

[dependencies]
{dependencies}
[dev-dependencies]
# The README's examples are doctests: the crate's own tests always have `mock`.
{package} = {{ path = \".\", features = [\"mock\"] }}
tokio = {{ workspace = true, features = [\"macros\", \"rt\"] }}

[features]
{features}
[package.metadata.docs.rs]
all-features = true
rustdoc-args = [\"--cfg\", \"docsrs\"]

[lints]
workspace = true
",
        dependencies = block(
            "#",
            "dependencies",
            &dependencies_block(uses, runtime_version)
        ),
        features = block("#", "features", &features_block(service)),
    )
}

/// The crate root of a new service crate: the generated block, then room for what is special
/// about the service.
pub fn new_lib(service: &Service) -> String {
    format!(
        "{}\n// What is special about this service (extension traits, helpers) goes below, by hand.\n",
        block("//", "crate root", &lib_block(service))
    )
}

/// The README (the crate's documentation) of a new service crate, with an example that
/// compiles as a doctest.
pub fn new_readme(service: &Service) -> String {
    let crate_ident = service.crate_ident();
    let package = service.package();
    let title = &service.title;
    let prefix = service.env_prefix();
    let operations: String = service
        .operations
        .iter()
        .map(|op| format!("- `{}`: `{} {}`\n", op.rust_name, op.method, op.path))
        .collect();
    format!(
        "# {package}

```toml
[dependencies]
{package} = \"{major_minor}\"
```

TLS goes through rustls by default; for the platform's library (OpenSSL, Schannel,
Security.framework) write `{package} = {{ version = \"{major_minor}\", default-features = false, features = [\"native-tls\"] }}`.
With neither, `build()` refuses an `https` base URL and says which features to enable.

A typed async client for the **{title}** API, generated from `specs/{name}.yaml` by
`cargo xtask generate`. Each operation is a method on [`Client`] that returns a request
builder; `send()` sends it through the credkit runtime, which handles credentials, retries and
tracing. Errors keep the status, headers and raw body of the answer.

## Quick start

```rust,no_run
use {crate_ident}::Client;

# async fn run() -> Result<(), {crate_ident}::Error> {{
let client = Client::builder()
    .token(std::env::var(\"{prefix}_TOKEN\").unwrap_or_default())
    .build()?;
# let _ = client;
# Ok(())
# }}
```

## Operations

{operations}",
        name = service.name,
        major_minor = FIRST_VERSION.rsplit_once('.').map_or(FIRST_VERSION, |(mm, _)| mm),
    )
}

#[cfg(test)]
mod tests {
    use crate::generate::{Prepared, client};
    use crate::spec::Spec;

    /// The crates asked of typify are the crates each accepted fixture's client names: none
    /// missing (the crate would not build), none extra.
    #[test]
    fn every_fixture_client_names_exactly_the_crates_its_manifest_lists() {
        let dir = crate::workspace::root().join("tests/fixtures/generator");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            if !stem.starts_with("ok_") || path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let spec = Spec::load(&path, &stem).unwrap();
            let generated = client(&spec, &Prepared::new(&spec).unwrap()).unwrap();
            let named: Vec<&str> = super::Uses {
                serde: true,
                serde_json: true,
                chrono: true,
                uuid: true,
                regress: true,
            }
            .packages()
            .filter(|package| {
                let path = package.replace('-', "_");
                generated.code.contains(&format!("{path}::"))
            })
            .collect();
            let listed: Vec<&str> = generated.uses.packages().collect();
            assert_eq!(listed, named, "{stem}");
            checked += 1;
        }
        assert!(checked > 0, "no accepted fixture in {}", dir.display());
    }
}

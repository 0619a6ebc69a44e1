//! `cargo xtask upstream`: the command on a scratch workspace holding the widgets service of
//! `tests/fixtures/upstream/`, its exit codes and reports, the spec extensions it reads, and
//! the download of a published definition from a local HTTPS server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use xtask::{Spec, cli, workspace};
use xtask_fetch::{self as fetch, Trust};

const FIXTURES: &str = "tests/fixtures/upstream";

fn fixture(name: &str) -> String {
    workspace::root()
        .join(FIXTURES)
        .join(name)
        .display()
        .to_string()
}

/// `text` has `part` in it; the message shows all of `text`.
#[track_caller]
fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "missing {part:?} in:\n{text}");
}

/// A workspace of its own with `specs/widgets.yaml` (the fixture, edited by `edit`), removed
/// when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, edit: impl FnOnce(String) -> String) -> Self {
        let dir =
            std::env::temp_dir().join(format!("credkit-upstream-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        let spec = std::fs::read_to_string(fixture("widgets.yaml")).unwrap();
        std::fs::write(dir.join("specs/widgets.yaml"), edit(spec)).unwrap();
        Self(dir)
    }

    fn run(&self, args: &[&str]) -> cli::Outcome {
        let args: Vec<String> = std::iter::once("upstream")
            .chain(args.iter().copied())
            .map(str::to_owned)
            .collect();
        // Downloads in this process, from the library `cargo xtask upstream`'s program runs.
        let fetch = |url: &str| fetch::text(url, &Trust::Platform);
        xtask::upstream::run_with(&args[1..], &self.0, &fetch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn differences_that_are_all_declared_exit_0_and_name_their_reasons() {
    let scratch = Scratch::new("declared", |spec| spec);
    let outcome = scratch.run(&["widgets", "--from", &fixture("published.yaml")]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    let out = &outcome.stdout;
    assert!(
        out.starts_with("widgets: specs/widgets.yaml against "),
        "{out}"
    );
    assert_contains(out, "(published version 2.4.0)");
    assert_contains(
        out,
        "  deviation     security: anonymous here, upstream requires http bearer\n                in GET /ping (ping)\n                deviation: Anonymous, as the vendor's guide says.\n",
    );
    assert_contains(
        out,
        "  deviation     answer member `Widget.colour`: not in the published definition\n",
    );
    assert_contains(
        out,
        "  1 published operation(s) credkit does not cover (not drift): DELETE /widgets/{widget_id}\n",
    );
    assert!(
        out.ends_with(
            "  summary: 0 breaking, 0 compatible, 0 informational; 2 declared deviation(s)\n"
        ),
        "{out}"
    );
    assert_eq!(outcome.stderr, "");
}

#[test]
fn undeclared_differences_exit_1_with_their_class_and_fix() {
    let scratch = Scratch::new("drift", |spec| spec);
    let published = fixture("published-changed.json");
    let outcome = scratch.run(&["widgets", "--from", &published]);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    let out = &outcome.stdout;
    for expected in [
        "  breaking      query parameter `shop`: new required parameter upstream (`string`)\n                in GET /widgets/{widget_id} (get_widget)\n                fix: add the query parameter `shop` (`string`, required)\n",
        "  breaking      answer member `Widget.id`: type: `string` here, `integer` upstream\n",
        "  compatible    server https://sandbox.widgets.example/v2: published upstream, not here\n                fix: add the server with its `x-credkit-environment`\n",
        "  compatible    answer member `Widget.size`: new optional member upstream (`string`)\n",
        "  informational path parameter `{widget_id}`: named `{id}` upstream\n",
        "  informational status 404: not in the published definition\n",
        "  informational status 410: documented upstream (Withdrawn.)\n",
        "  deviation     answer member `Widget.colour`: not in the published definition\n",
        // A deviation on an operation covers everything at and under it, its removal included.
        "  deviation     operation: not in the published definition\n                in GET /ping (ping)\n",
        "  summary: 2 breaking, 2 compatible, 3 informational; 2 declared deviation(s)\n",
    ] {
        assert_contains(out, expected);
    }

    let json = scratch.run(&["widgets", "--from", &published, "--format", "json"]);
    assert_eq!(json.code, 1, "{json:?}");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let service = &report["services"][0];
    assert_eq!(service["service"], "widgets");
    assert_eq!(service["upstream"], published.as_str());
    assert_eq!(service["version"], "3.0.0");
    assert_eq!(service["drift"], true);
    assert_eq!(
        service["counts"],
        serde_json::json!({"breaking": 2, "compatible": 2, "informational": 3, "deviations": 2})
    );
    assert_eq!(service["differences"][0]["class"], "breaking");
    assert_eq!(
        service["differences"][0]["operations"][0],
        "GET /widgets/{widget_id} (get_widget)"
    );
    assert_eq!(report["errors"], serde_json::json!([]));

    let markdown = scratch.run(&["--format=markdown", "widgets", "--from", &published]);
    assert_eq!(markdown.code, 1);
    assert!(
        markdown
            .stdout
            .starts_with("## widgets\n\n`specs/widgets.yaml` against "),
        "{}",
        markdown.stdout
    );
    assert_contains(
        &markdown.stdout,
        "| breaking | GET /widgets/{widget_id} (get_widget) | answer member `Widget.id` | type: `string` here, `integer` upstream | make answer member `Widget.id` `integer` |\n",
    );
}

#[test]
fn usage_errors_exit_2() {
    let scratch = Scratch::new("usage", |spec| spec);
    let published = fixture("published.yaml");
    for (args, message) in [
        (
            vec!["--from", published.as_str()],
            "--from FILE compares one service",
        ),
        (vec!["widgets", "--format", "html"], "unknown format `html`"),
        (vec!["widgets", "--from"], "--from needs a value"),
        (vec!["widgets", "--since"], "unknown option --since"),
        (
            vec!["gadgets"],
            "no spec specs/gadgets.yaml (services: widgets)",
        ),
        (
            vec!["widgets", "--from", "/nonexistent/published.yaml"],
            "cannot read /nonexistent/published.yaml",
        ),
    ] {
        let outcome = scratch.run(&args);
        assert_eq!(outcome.code, 2, "{args:?}: {outcome:?}");
        assert!(
            outcome.stderr.contains(message),
            "{args:?}: {}",
            outcome.stderr
        );
    }
    let not_openapi = scratch.0.join("not-openapi.json");
    std::fs::write(&not_openapi, "{\"hello\": 1}").unwrap();
    let outcome = scratch.run(&["widgets", "--from", not_openapi.to_str().unwrap()]);
    assert_eq!(outcome.code, 2);
    assert_contains(
        &outcome.stderr,
        "is not an OpenAPI document: it has no `paths`",
    );
}

#[test]
fn a_spec_naming_no_upstream_is_an_error_when_named_and_a_note_otherwise() {
    let scratch = Scratch::new("none", |spec| {
        spec.replace(
            "  x-credkit-upstream:\n    url: https://127.0.0.1:9/widgets.yaml\n    format: yaml\n",
            "",
        )
    });
    let named = scratch.run(&["widgets"]);
    assert_eq!(named.code, 2, "{named:?}");
    assert_contains(
        &named.stderr,
        "specs/widgets.yaml: no `info.x-credkit-upstream`",
    );
    let all = scratch.run(&[]);
    assert_eq!(all.code, 0, "{all:?}");
    assert_eq!(
        all.stderr,
        "note: specs/widgets.yaml declares no `info.x-credkit-upstream`; not compared\n"
    );
}

#[test]
fn a_malformed_upstream_or_deviation_is_refused_with_file_and_place() {
    let text = std::fs::read_to_string(fixture("widgets.yaml"))
        .unwrap()
        .replace(
            "    url: https://127.0.0.1:9/widgets.yaml\n    format: yaml\n",
            "    url: http://vendor.example/api.yaml\n    format: xml\n    branch: main\n",
        )
        .replace(
            "x-credkit-deviation: Anonymous, as the vendor's guide says.",
            "x-credkit-deviation: true",
        );
    let spec = Spec::parse(&text, "specs/widgets.yaml").unwrap();
    let problems: Vec<String> = xtask::parse::parse(&spec)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "specs/widgets.yaml: info.x-credkit-upstream: unknown key `branch`: write `{url: https://<the published file>, format: yaml|json}`",
            "specs/widgets.yaml: info.x-credkit-upstream: `url` is \"http://vendor.example/api.yaml\": write the https URL of the published file itself",
            "specs/widgets.yaml: info.x-credkit-upstream: `format` is \"xml\": write `yaml` or `json`, as the published file is written",
            "specs/widgets.yaml: /paths/~1ping/get: `x-credkit-deviation` is true: write why the spec differs from the published definition here, as a string",
        ]
    );

    // The command names the same problems and compares nothing.
    let scratch = Scratch::new("malformed", |_| text.clone());
    let outcome = scratch.run(&["widgets", "--from", &fixture("published.yaml")]);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert_contains(&outcome.stderr, "specs/widgets.yaml does not parse");
    assert_contains(&outcome.stderr, "unknown key `branch`");
}

#[test]
fn the_model_knows_where_the_vendor_publishes() {
    let spec = Spec::load(Path::new(&fixture("widgets.yaml")), "specs/widgets.yaml").unwrap();
    let upstream = xtask::parse::parse(&spec).unwrap().upstream.unwrap();
    assert_eq!(upstream.url, "https://127.0.0.1:9/widgets.yaml");
    assert_eq!(upstream.format, xtask::model::UpstreamFormat::Yaml);
    // Each of the three vendors publishes its file, and its spec names it. (A service added
    // later from a vendor that publishes none may have no upstream.)
    for service in ["rentri-ca", "sparkfly", "openapi-pec"] {
        let service = workspace::services(&workspace::root())
            .unwrap()
            .into_iter()
            .find(|s| s.name == service)
            .unwrap();
        let spec = Spec::load(&workspace::root().join(&service.spec), &service.spec).unwrap();
        let upstream = xtask::parse::parse(&spec).unwrap().upstream;
        assert!(
            upstream.is_some_and(|u| u.url.starts_with("https://raw.githubusercontent.com/")),
            "{}",
            service.spec
        );
    }
}

#[test]
fn deviations_and_upstream_change_no_generated_code() {
    let file = "tests/fixtures/generator/ok_minimal.yaml";
    let plain = std::fs::read_to_string(workspace::root().join(file)).unwrap();
    let declared = plain
        .replace(
            "  x-credkit-error-schema: Problem\n",
            "  x-credkit-error-schema: Problem\n  x-credkit-upstream:\n    url: https://vendor.example/api.json\n    format: json\n",
        )
        .replace(
            "      operationId: get_thing\n",
            "      operationId: get_thing\n      x-credkit-deviation: an operation's reason\n",
        )
        .replace(
            "        - name: id\n",
            "        - x-credkit-deviation: a parameter's reason\n          name: id\n",
        )
        .replace(
            "    Thing:\n      type: object\n      properties:\n        name:\n",
            "    Thing:\n      x-credkit-deviation: a schema's reason\n      type: object\n      properties:\n        name:\n          x-credkit-deviation: a member's reason\n",
        )
        .replace(
            "                $ref: '#/components/schemas/Thing'\n",
            "                $ref: '#/components/schemas/Thing'\n                x-credkit-deviation: a reference's reason\n",
        );
    assert_eq!(
        declared.matches("x-credkit-deviation").count(),
        5,
        "{declared}"
    );
    let generate = |text: &str| xtask::generate(&Spec::parse(text, file).unwrap()).unwrap();
    assert_eq!(generate(&plain), generate(&declared));
}

#[test]
fn a_definition_that_cannot_be_fetched_exits_2_naming_the_url() {
    // A port nobody listens on: the connection is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("https://127.0.0.1:{port}/widgets.yaml");
    let scratch = Scratch::new("refused", |spec| {
        spec.replace("https://127.0.0.1:9/widgets.yaml", &url)
    });
    let outcome = scratch.run(&["widgets"]);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert!(
        outcome
            .stderr
            .starts_with(&format!("error: cannot fetch {url}: ")),
        "{}",
        outcome.stderr
    );
    assert_eq!(outcome.stdout, "");
}

/// A local https server answering one request for `/widgets.yaml`: its URL, its certificate
/// and the request head it received.
fn serve_once(
    status: &'static str,
    body: &'static str,
) -> (String, Vec<u8>, std::thread::JoinHandle<String>) {
    let server = credkit_tests::https_once::serve_once(status, "application/yaml", body);
    (
        format!("{}/widgets.yaml", server.base_url),
        server.certificate,
        server.request,
    )
}

#[test]
fn a_published_definition_is_read_over_https() {
    let (url, certificate, server) = serve_once("200 OK", "openapi: 3.0.3\npaths: {}\n");
    let text = fetch::text(&url, &Trust::Only(vec![certificate])).unwrap();
    assert_eq!(text, "openapi: 3.0.3\npaths: {}\n");
    let head = server.join().unwrap();
    assert!(head.starts_with("GET /widgets.yaml HTTP/1.1\r\n"), "{head}");
}

#[test]
fn an_error_status_or_an_unknown_certificate_is_a_fetch_error() {
    let (url, certificate, server) = serve_once("404 Not Found", "no such file");
    let error = fetch::text(&url, &Trust::Only(vec![certificate])).unwrap_err();
    assert!(error.contains("404"), "{error}");
    server.join().unwrap();

    // The platform does not trust the server's own certificate.
    let (url, _, _server) = serve_once("200 OK", "never sent");
    let error = fetch::text(&url, &Trust::Platform).unwrap_err();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
}

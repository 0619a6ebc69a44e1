//! Definitions as vendors publish them, over HTTP through the fixture clients: without
//! credkit's bookkeeping (`ok_published_bookkeeping.yaml`: no security scheme, no servers, no
//! operationIds, error bodies that differ, a redirection as the only answer), with servers
//! written with variables, relative or over plain http (`ok_published_servers.yaml`), and with
//! security schemes of every kind (`ok_published_security.yaml`), and answers offered in several
//! media types (`ok_answer_media_types.yaml`), a `$ref` with sibling keywords
//! (`ok_ref_siblings.yaml`), a request twin whose name is taken
//! (`ok_request_twin_name_taken.yaml`), query parameters that are arrays or objects
//! (`ok_query_styles.yaml`), `$ref`s into other schemas' insides (`ok_inner_refs.yaml`) and
//! `patternProperties` (`ok_pattern_properties.yaml`), a download beside a bodiless answer
//! (`ok_binary_beside_bodiless.yaml`), a definition of webhooks alone
//! (`ok_webhooks_only.yaml`) and WebSocket upgrades, left out (`ok_websocket_left_out.yaml`).

use credkit_fixture_clients::{
    ok_answer_media_types, ok_binary_beside_bodiless, ok_inner_refs, ok_pattern_properties,
    ok_published_bookkeeping, ok_published_security, ok_published_servers, ok_query_styles,
    ok_ref_siblings, ok_request_twin_name_taken, ok_webhooks_only, ok_websocket_left_out,
};
use credkit_runtime::{Auth, Environment, ErrorKind, GeneratedClient, RetryPolicy};
use httpmock::Method::{DELETE, GET};
use httpmock::MockServer;
use serde_json::json;

fn at<C: GeneratedClient>(server: &MockServer) -> credkit_runtime::ClientBuilder<C> {
    C::builder()
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::disabled())
}

#[tokio::test]
async fn a_definition_without_bookkeeping_is_called_anonymously_by_method_and_path_names() {
    let server = MockServer::start_async().await;
    let shelf = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/shelves/s1")
                .header_missing("authorization");
            then.status(200).json_body(json!({"label": "fiction"}));
        })
        .await;
    let removed = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/shelves/s1");
            then.status(204);
        })
        .await;
    let client: ok_published_bookkeeping::Client = at(&server).build().unwrap();

    let answer = client
        .get_shelves_shelf_id()
        .shelf_id("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.into_inner().label.as_deref(), Some("fiction"));
    client
        .delete_shelves_shelf_id()
        .shelf_id("s1")
        .send()
        .await
        .unwrap();
    shelf.assert_async().await;
    removed.assert_async().await;
    assert!(
        ok_published_bookkeeping::SERVICE
            .operations
            .iter()
            .all(|op| op.anonymous)
    );
    assert_eq!(
        ok_published_bookkeeping::SERVICE.auth,
        credkit_runtime::AuthScheme::None
    );
}

#[tokio::test]
async fn error_bodies_of_different_schemas_and_media_types_reach_the_caller_raw() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/shelves/gone");
            then.status(404)
                .json_body(json!({"reason": "no such shelf"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/shelves/busy");
            then.status(503)
                .header("content-type", "text/html")
                .body("<html><title>Maintenance</title></html>");
        })
        .await;
    let client: ok_published_bookkeeping::Client = at(&server).build().unwrap();

    let missing = client
        .get_shelves_shelf_id()
        .shelf_id("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    let complaint: ok_published_bookkeeping::types::Complaint = missing.service_error().unwrap();
    assert_eq!(complaint.reason.as_deref(), Some("no such shelf"));
    let down = client
        .get_shelves_shelf_id()
        .shelf_id("busy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(down.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        down.body(),
        Some(&b"<html><title>Maintenance</title></html>"[..])
    );
}

/// An operation documented by its `303` alone answers any 2XX without a body: the redirection
/// is followed within the origin, and one to another origin comes back as an error with its
/// `Location`.
#[tokio::test]
async fn an_operation_documented_by_a_redirection_follows_it_within_the_origin() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/shelves/s1/open");
            then.status(303).header("location", "/pages/s1");
        })
        .await;
    let page = server
        .mock_async(|when, then| {
            when.method(GET).path("/pages/s1");
            then.status(200).body("<html>shelf</html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/shelves/s2/open");
            then.status(303)
                .header("location", "https://elsewhere.example.com/s2");
        })
        .await;
    let client: ok_published_bookkeeping::Client = at(&server).build().unwrap();

    client
        .get_shelves_shelf_id_open()
        .shelf_id("s1")
        .send()
        .await
        .unwrap();
    page.assert_async().await;
    let away = client
        .get_shelves_shelf_id_open()
        .shelf_id("s2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(away.status().map(|s| s.as_u16()), Some(303));
    let location = away.headers().and_then(|h| h.get("location"));
    assert_eq!(
        location.and_then(|l| l.to_str().ok()),
        Some("https://elsewhere.example.com/s2")
    );
}

#[test]
fn a_service_without_servers_needs_the_callers_base_url() {
    let refused = ok_published_bookkeeping::Client::builder()
        .build()
        .unwrap_err();
    assert!(matches!(refused.kind(), ErrorKind::Config(_)), "{refused}");
    assert!(refused.to_string().contains("base_url"), "{refused}");
}

#[test]
fn servers_take_their_variables_defaults_and_plain_http_needs_the_opt_in() {
    assert_eq!(
        ok_published_servers::SERVICE.servers,
        [
            (Environment::Production, "https://eu.lockers.example.com/v2"),
            (
                Environment::Sandbox,
                "http://sandbox.lockers.example.com/v2"
            ),
        ]
    );
    let build = |builder: credkit_runtime::ClientBuilder<ok_published_servers::Client>| {
        builder.environment(Environment::Sandbox).token("k").build()
    };
    let refused = build(ok_published_servers::Client::builder()).unwrap_err();
    assert!(
        refused.to_string().contains("allow_plain_http"),
        "{refused}"
    );
    build(ok_published_servers::Client::builder().allow_plain_http()).unwrap();
    ok_published_servers::Client::builder()
        .environment(Environment::Production)
        .token("k")
        .build()
        .unwrap();
}

#[tokio::test]
async fn the_first_scheme_named_takes_the_token_and_the_others_go_through_auth() {
    let server = MockServer::start_async().await;
    // `user:pa55` in base64.
    let basic = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/secrets/db")
                .header("authorization", "Basic dXNlcjpwYTU1");
            then.status(200).json_body(json!({"name": "db"}));
        })
        .await;
    let health = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/health")
                .header_missing("authorization");
            then.status(204);
        })
        .await;
    let combined = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/secrets/db")
                .query_param("api_key", "q-key")
                .header("x-vault-tenant", "acme")
                .header("cookie", "vault_session=c-key");
            then.status(204);
        })
        .await;
    let client: ok_published_security::Client = at(&server).token("user:pa55").build().unwrap();
    client.read_secret().name("db").send().await.unwrap();
    client.health().send().await.unwrap();
    basic.assert_async().await;
    health.assert_async().await;
    assert!(!format!("{client:?}").contains("pa55"));

    let several = Auth::all([
        Auth::query("api_key", "q-key"),
        Auth::header("x-vault-tenant", "acme"),
        Auth::cookie("vault_session", "c-key"),
    ]);
    let debug = format!("{several:?}");
    for secret in ["q-key", "acme", "c-key"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    let client: ok_published_security::Client = at(&server).auth(several).build().unwrap();
    client.destroy_secret().name("db").send().await.unwrap();
    combined.assert_async().await;
    assert_eq!(
        ok_published_security::SERVICE.auth,
        credkit_runtime::AuthScheme::Basic
    );
    assert_eq!(
        ok_published_security::SERVICE.credential_headers,
        ["x-vault-tenant"]
    );
}

#[test]
fn a_user_name_with_a_colon_or_a_cookie_that_would_split_is_refused_before_sending() {
    let build = |auth: Auth| {
        ok_published_security::Client::builder()
            .base_url("https://vault.example.com")
            .auth(auth)
            .build()
            .map(drop)
    };
    assert!(build(Auth::basic("a:b", "pw")).is_err());
    assert!(build(Auth::cookie("session", "x; admin=1")).is_err());
    assert!(build(Auth::all([Auth::bearer("t"), Auth::cookie("s", "v\r\n")])).is_err());
    build(Auth::all([Auth::basic("a", "p:w"), Auth::cookie("s", "v")])).unwrap();
}

/// One answer in several media types: the client asks for the one it reads, JSON first, then
/// text or XML as a `String`, else bytes.
#[tokio::test]
async fn an_answer_offered_in_several_media_types_is_asked_for_and_read_in_one() {
    use futures::StreamExt as _;
    let server = MockServer::start_async().await;
    let json = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/labels/l1")
                .header("accept", "application/json");
            then.status(200).json_body(json!({"text": "fragile"}));
        })
        .await;
    let xml = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/labels/l1/markup")
                .header("accept", "application/xml");
            then.status(200)
                .header("content-type", "application/xml")
                .body("<label><text>fragile</text></label>");
        })
        .await;
    let scan = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/labels/l1/scan")
                .header("accept", "image/jpeg");
            then.status(200)
                .header("content-type", "image/jpeg")
                .body([0xff_u8, 0xd8, 0xff]);
        })
        .await;
    let client: ok_answer_media_types::Client = at(&server).token("t").build().unwrap();

    let label = client
        .get_label()
        .id("l1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(label.text.as_deref(), Some("fragile"));
    let markup = client.get_label_markup().id("l1").send().await.unwrap();
    assert_eq!(markup.into_inner(), "<label><text>fragile</text></label>");
    let mut stream = client
        .get_label_scan()
        .id("l1")
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(bytes, [0xff, 0xd8, 0xff]);
    for mock in [json, xml, scan] {
        mock.assert_async().await;
    }
}

/// A `$ref` with siblings takes both: `owner` is read-only, so the request type has no such
/// member, while the answer's `owner` is read as the referenced `Person`.
#[tokio::test]
async fn a_ref_with_sibling_keywords_applies_both() {
    use ok_ref_siblings::types::{ParcelRequest, Person};
    let server = MockServer::start_async().await;
    let sent = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/parcels")
                .json_body(json!({"weight": 2, "sender": {"name": "Bob"}}));
            then.status(201)
                .json_body(json!({"weight": 2, "owner": {"name": "Ada"}}));
        })
        .await;
    let client: ok_ref_siblings::Client = at(&server).token("t").build().unwrap();
    let parcel = client
        .send_parcel()
        .body(ParcelRequest {
            weight: Some(2),
            sender: Some(Person {
                name: Some("Bob".into()),
            }),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    sent.assert_async().await;
    assert_eq!(
        parcel.owner.and_then(|owner| owner.name).as_deref(),
        Some("Ada")
    );
}

/// A request twin whose name a schema already has takes the next free one.
#[tokio::test]
async fn a_request_twin_takes_the_next_free_name() {
    use ok_request_twin_name_taken::types::AccountRequest2;
    let server = MockServer::start_async().await;
    let opened = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/accounts")
                .json_body(json!({"name": "savings"}));
            then.status(201)
                .json_body(json!({"id": "a1", "name": "savings"}));
        })
        .await;
    let client: ok_request_twin_name_taken::Client = at(&server).token("t").build().unwrap();
    let account = client
        .open_account()
        .body(AccountRequest2 {
            name: Some("savings".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    opened.assert_async().await;
    assert_eq!(account.id.as_deref(), Some("a1"));
}

/// A `default` not of its schema's type is dropped: the parameter is an integer, sent as given.
#[tokio::test]
async fn a_default_not_of_its_type_is_dropped_and_the_parameter_keeps_its_type() {
    let server = MockServer::start_async().await;
    let feed = server
        .mock_async(|when, then| {
            when.method(GET).path("/feed").query_param("limit", "5");
            then.status(200).json_body(json!(["a", "b"]));
        })
        .await;
    let client: credkit_fixture_clients::ok_unfit_default::Client = at(&server).build().unwrap();
    let items = client
        .read_feed()
        .limit(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    feed.assert_async().await;
    assert_eq!(items, ["a", "b"]);
}

/// Query parameters that are arrays or objects (`ok_query_styles.yaml`), written in each
/// style OpenAPI spells them: the exact query string sent, and the answer decoded.
#[tokio::test]
async fn query_arrays_and_objects_are_sent_in_the_style_each_parameter_declares() {
    use credkit_tests::raw_server::{RawServer, Reply};
    use ok_query_styles::types;

    let server = RawServer::start(|_| {
        Reply::http(
            200,
            &[("content-type", "application/json")],
            r#"[{"code": "P-1", "weight": 2.5}]"#,
        )
    })
    .await;
    let client: ok_query_styles::Client = ok_query_styles::Client::builder()
        .base_url(server.base_url())
        .token("t")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let answer = client
        .list_parcels()
        .window(types::Window {
            from: Some("2026-01-01".into()),
            until: None,
        })
        .near(types::ListParcelsNearQuery {
            lat: 45.5,
            lon: 9.25,
        })
        .labels(
            [("zone".to_owned(), "north east".to_owned())]
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>(),
        )
        .tags(vec!["fragile".to_owned(), "a&b".to_owned()])
        .ids(vec![3, 4, 5])
        .sizes(vec![
            types::ListParcelsSizesItem::Small,
            types::ListParcelsSizesItem::Large,
        ])
        .carriers(vec!["post".to_owned(), "courier".to_owned()])
        .weight(types::ListParcelsWeightQuery {
            min: Some(1),
            max: Some(20),
        })
        .filters(vec![types::ListParcelsFiltersItem {
            field: Some("color".into()),
            equals: Some("red".into()),
        }])
        .send()
        .await
        .unwrap();
    let parcels = answer.into_inner();
    assert_eq!(parcels.len(), 1);
    assert_eq!(parcels[0].code.as_deref(), Some("P-1"));
    assert_eq!(parcels[0].weight, Some(2.5));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let query = requests[0].target.split_once('?').unwrap().1;
    assert_eq!(
        query,
        "from=2026-01-01\
         &near%5Blat%5D=45.5&near%5Blon%5D=9.25\
         &labels%5Bzone%5D=north+east\
         &tags=fragile&tags=a%26b\
         &ids=3,4,5\
         &sizes=small%20large\
         &carriers=post|courier\
         &weight=max,20,min,1\
         &filters=%5B%7B%22equals%22%3A%22red%22%2C%22field%22%3A%22color%22%7D%5D"
    );
}

/// An empty map in deepObject style sends no pair at all.
#[tokio::test]
async fn an_empty_query_map_sends_no_pair() {
    let server = MockServer::start_async().await;
    let client: ok_query_styles::Client = at(&server).token("t").build().unwrap();
    let labels: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let listed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/parcels")
                .query_param_missing("labels");
            then.status(200).json_body(json!([]));
        })
        .await;
    client.list_parcels().labels(labels).send().await.unwrap();
    listed.assert_async().await;
}

/// `$ref`s into other schemas' insides (`ok_inner_refs.yaml`): the schema pointed at is one
/// type, `TagAllOf0`, which both the member that refers to it and the composed schema use, and
/// a parameter's schema taken from a shared parameter is that parameter's enum.
#[tokio::test]
async fn a_ref_into_another_schema_is_one_type_sent_and_decoded() {
    use ok_inner_refs::types;

    let server = MockServer::start_async().await;
    let listed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/badges")
                .query_param("sort", "oldest");
            then.status(200).json_body(json!([
                {"tag": {"id": "t1", "label": "early"}, "awarded": 3}
            ]));
        })
        .await;
    let tag = server
        .mock_async(|when, then| {
            when.method(GET).path("/tags/t1");
            then.status(200)
                .json_body(json!({"id": "t1", "label": "early", "color": "green"}));
        })
        .await;
    let client: ok_inner_refs::Client = at(&server).token("t").build().unwrap();

    let badges = client
        .list_badges()
        .sort(types::OrderSchema::Oldest)
        .send()
        .await
        .unwrap()
        .into_inner();
    let first: &types::TagAllOf0 = badges[0].tag.as_ref().unwrap();
    assert_eq!(first.id, "t1");
    assert_eq!(first.label.as_deref(), Some("early"));
    assert_eq!(badges[0].awarded, Some(3));
    let whole = client.get_tag().id("t1").send().await.unwrap().into_inner();
    assert_eq!(whole.id, "t1");
    assert_eq!(whole.color.as_deref(), Some("green"));
    listed.assert_async().await;
    tag.assert_async().await;
}

/// OpenAPI 3.1's `patternProperties` (`ok_pattern_properties.yaml`) is read as a map of the
/// pattern's schema; a name outside the pattern is read too (the pattern is not checked).
#[tokio::test]
async fn members_named_by_a_pattern_are_decoded_as_a_map_of_its_schema() {
    let server = MockServer::start_async().await;
    let listed = server
        .mock_async(|when, then| {
            when.method(GET).path("/deliveries");
            then.status(200).json_body(json!({"by_address": {
                "ada@example.com": {"attempts": 2, "last_status": "delivered"},
                "not-an-address": {"attempts": 0}
            }}));
        })
        .await;
    let client: ok_pattern_properties::Client = at(&server).token("t").build().unwrap();

    let answer = client.list_deliveries().send().await.unwrap().into_inner();
    let by_address = answer.by_address;
    assert_eq!(by_address.len(), 2);
    let ada = &by_address["ada@example.com"];
    assert_eq!(ada.attempts, Some(2));
    assert_eq!(ada.last_status.as_deref(), Some("delivered"));
    assert_eq!(by_address["not-an-address"].attempts, Some(0));
    listed.assert_async().await;
}

/// A download beside a bodiless answer (`ok_binary_beside_bodiless.yaml`): the file's bytes
/// for `200`, an empty stream for `202`, each answer with its status and headers.
#[tokio::test]
async fn a_download_beside_a_bodiless_status_streams_both_keeping_the_status() {
    let server = MockServer::start_async().await;
    let ready = server
        .mock_async(|when, then| {
            when.method(GET).path("/exports/e1/file");
            then.status(200)
                .header("content-type", "application/zip")
                .body(b"PK\x03\x04zip bytes");
        })
        .await;
    let pending = server
        .mock_async(|when, then| {
            when.method(GET).path("/exports/e2/file");
            then.status(202).header("retry-after", "30");
        })
        .await;
    let client: ok_binary_beside_bodiless::Client = at(&server).token("t").build().unwrap();

    async fn all_of<B: AsRef<[u8]>, E: std::fmt::Debug>(
        mut stream: impl futures::Stream<Item = Result<B, E>> + Unpin,
    ) -> Vec<u8> {
        use futures::StreamExt as _;
        let mut received = Vec::new();
        while let Some(chunk) = stream.next().await {
            received.extend_from_slice(chunk.unwrap().as_ref());
        }
        received
    }
    let file = client.download_export().id("e1").send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(
        all_of(file.into_inner().into_inner()).await,
        b"PK\x03\x04zip bytes"
    );
    let later = client.download_export().id("e2").send().await.unwrap();
    assert_eq!(later.status().as_u16(), 202);
    assert_eq!(later.headers()["retry-after"], "30");
    assert!(all_of(later.into_inner().into_inner()).await.is_empty());
    ready.assert_async().await;
    pending.assert_async().await;
}

/// A definition of webhooks alone (`ok_webhooks_only.yaml`): no operation, and each webhook's
/// body parsed into its type by its function; a body that does not fit is an error.
#[test]
fn a_definition_of_webhooks_alone_parses_each_webhook_body() {
    use ok_webhooks_only::callbacks;

    assert!(ok_webhooks_only::SERVICE.operations.is_empty());
    let filled = callbacks::parse_shelf_filled(br#"{"id": "s1", "books": 12}"#).unwrap();
    assert_eq!(filled.id, "s1");
    assert_eq!(filled.books, Some(12));
    let emptied = callbacks::parse_shelf_emptied(
        br#"{"shelf_id": "s2", "emptied_at": "2026-12-08T01:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(emptied.shelf_id, "s2");
    // 2026-12-08T01:00:00Z
    assert_eq!(emptied.emptied_at.unwrap().timestamp(), 1_796_691_600);
    assert!(callbacks::parse_shelf_filled(br#"{"books": 1}"#).is_err());
}

/// WebSocket upgrades are left out (`ok_websocket_left_out.yaml`): the client has the other
/// operation alone, and it is sent and decoded as usual.
#[tokio::test]
async fn websocket_operations_are_left_out_and_the_others_work() {
    let names: Vec<&str> = ok_websocket_left_out::SERVICE
        .operations
        .iter()
        .map(|op| op.id)
        .collect();
    assert_eq!(names, ["get_machine"]);
    let server = MockServer::start_async().await;
    let machine = server
        .mock_async(|when, then| {
            when.method(GET).path("/machines/m1");
            then.status(200)
                .json_body(json!({"name": "m1", "running": true}));
        })
        .await;
    let client: ok_websocket_left_out::Client = at(&server).token("t").build().unwrap();
    let answer = client
        .get_machine()
        .id("m1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.name.as_deref(), Some("m1"));
    assert_eq!(answer.running, Some(true));
    machine.assert_async().await;
}

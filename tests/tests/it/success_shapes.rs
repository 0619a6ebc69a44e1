//! The success shapes vendors write, over HTTP, through the clients generated from the
//! generator's fixtures (`tests/fixtures/generator/ok_success_shapes.yaml` and
//! `ok_default_beside_success.yaml`): statuses sharing one schema, a `default` that is the only
//! answer, text answers, downloads labelled JSON, a `default` error, and the bodies of callbacks
//! (`ok_callbacks.yaml`).

use credkit_fixture_clients::{ok_default_beside_success, ok_success_shapes};
use credkit_runtime::{ErrorKind, GeneratedClient, RetryPolicy};
use futures::StreamExt as _;
use httpmock::Method::{GET, PUT};
use httpmock::MockServer;
use serde_json::json;

fn client<C: GeneratedClient>(server: &MockServer) -> C {
    C::builder()
        .base_url(server.base_url())
        .token("token")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

#[tokio::test]
async fn two_statuses_with_one_schema_decode_into_one_type() {
    let server = MockServer::start_async().await;
    for (status, name) in [(200, "now"), (202, "later")] {
        let mock = server
            .mock_async(|when, then| {
                when.method(PUT)
                    .path(format!("/things/{name}"))
                    .header("accept", "application/json");
                then.status(status).json_body(json!({ "name": name }));
            })
            .await;
        let answer = client::<ok_success_shapes::Client>(&server)
            .put_thing()
            .id(name)
            .send()
            .await
            .unwrap();
        mock.assert_async().await;
        assert_eq!(answer.status(), status);
        assert_eq!(answer.name.as_deref(), Some(name));
    }
}

#[tokio::test]
async fn a_default_only_answer_is_the_success_for_any_2xx_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/made");
            then.status(201).json_body(json!({ "name": "made" }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/missing");
            then.status(404).body("no such thing");
        })
        .await;
    let client = client::<ok_success_shapes::Client>(&server);

    let answer = client.get_thing().id("made").send().await.unwrap();
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.name.as_deref(), Some("made"));

    let error = client.get_thing().id("missing").send().await.unwrap_err();
    assert_eq!(error.status().unwrap(), 404);
    assert!(matches!(error.kind(), ErrorKind::Api(_)), "{error:?}");
    assert_eq!(error.body().unwrap(), b"no such thing");
}

#[tokio::test]
async fn a_text_answer_is_a_string_and_bytes_that_are_not_utf8_keep_the_raw_body() {
    let server = MockServer::start_async().await;
    let notes = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/a/notes")
                .header("accept", "text/plain");
            then.status(200)
                .header("content-type", "text/plain; charset=utf-8")
                .body("première note\nseconde");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/b/notes");
            then.status(200).body([0x66u8, 0xff, 0x6f]);
        })
        .await;
    let client = client::<ok_success_shapes::Client>(&server);

    let answer = client.get_notes().id("a").send().await.unwrap();
    notes.assert_async().await;
    assert_eq!(answer.into_inner(), "première note\nseconde");

    let error = client.get_notes().id("b").send().await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(error.body().unwrap(), [0x66u8, 0xff, 0x6f]);
}

#[tokio::test]
async fn a_binary_string_labelled_json_is_streamed_as_bytes() {
    let server = MockServer::start_async().await;
    let zip: Vec<u8> = b"PK\x03\x04 not JSON at all \xff\x00"
        .iter()
        .copied()
        .cycle()
        .take(70_000)
        .collect();
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/a/archive");
            then.status(200)
                .header("content-type", "application/json")
                .body(zip.clone());
        })
        .await;

    let answer = client::<ok_success_shapes::Client>(&server)
        .download_archive()
        .id("a")
        .send()
        .await
        .unwrap();

    let mut stream = answer.into_inner().into_inner();
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, zip);
}

#[tokio::test]
async fn a_default_beside_a_success_is_an_error_with_its_status_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/x");
            then.status(503)
                .header("content-type", "application/json")
                .json_body(json!({ "title": "down" }));
        })
        .await;

    let error = client::<ok_default_beside_success::Client>(&server)
        .get_thing()
        .id("x")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status().unwrap(), 503);
    assert!(matches!(error.kind(), ErrorKind::Api(_)), "{error:?}");
    assert_eq!(
        error.service_error::<serde_json::Value>().unwrap(),
        json!({ "title": "down" })
    );
}

/// A callback's body, as a receiver gets it, parses into its type: each variant of an inline
/// `oneOf`, a referenced schema, and a body that fits none is an error naming the place.
#[test]
fn callback_bodies_parse_into_their_types() {
    use credkit_fixture_clients::ok_callbacks::{callbacks, types};

    let device =
        callbacks::parse_subscribe_device_notice(br#"{"device":"B4HUPE820","battery":87}"#)
            .unwrap();
    assert_eq!(
        device,
        types::SubscribeDeviceNoticePayload::DeviceEvent(types::DeviceEvent {
            device: "B4HUPE820".into(),
            battery: Some(87),
        })
    );
    let sync = callbacks::parse_subscribe_device_notice(br#"{"synced_at":"2026-11-30T06:30:00Z"}"#)
        .unwrap();
    assert!(
        matches!(sync, types::SubscribeDeviceNoticePayload::SyncEvent(_)),
        "{sync:?}"
    );
    let event =
        callbacks::parse_subscribe_sync(br#"{"synced_at":"2026-11-30T06:30:00+01:00"}"#).unwrap();
    assert_eq!(
        event.synced_at,
        "2026-11-30T05:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert!(callbacks::parse_subscribe_sync(br#"{"synced":"yesterday"}"#).is_err());
}

/// A webhook's body (a request the service sends to a URL registered with it) parses the same
/// way: an inline body of an OpenAPI 3.0 `x-webhooks`, and bodies of a 3.1 `webhooks`.
#[test]
fn webhook_bodies_parse_into_their_types() {
    use credkit_fixture_clients::{ok_callbacks, ok_openapi31};

    let retired = ok_callbacks::callbacks::parse_device_retired(
        br#"{"device":"B4HUPE820","retired_at":"2026-11-30T06:30:00Z"}"#,
    )
    .unwrap();
    assert_eq!(
        retired,
        ok_callbacks::types::DeviceRetiredWebhookPayload {
            device: "B4HUPE820".into(),
            retired_at: "2026-11-30T06:30:00Z".parse().unwrap(),
        }
    );
    let missing =
        ok_callbacks::callbacks::parse_device_retired(br#"{"device":"B4HUPE820"}"#).unwrap_err();
    assert!(missing.to_string().contains("retired_at"), "{missing}");

    let moved = ok_openapi31::callbacks::parse_parcel_moved(
        br#"{"kind":"parcel","weight":1.5,"note":null,"tracking":null}"#,
    )
    .unwrap();
    assert_eq!(moved.kind, ok_openapi31::types::ParcelKind::Parcel);
    assert_eq!(moved.weight, 1.5);
    assert!(ok_openapi31::callbacks::parse_parcel_moved(br#"{"kind":"box"}"#).is_err());
    // A webhook written as a reference to `components.pathItems`, its body nullable in 3.1's
    // spelling.
    let lost = ok_openapi31::callbacks::parse_parcel_lost(br#"{"last_seen":null}"#).unwrap();
    assert_eq!(lost.last_seen, None);
}

/// Statuses with different schemas answer an enum with a variant per status, each keeping the
/// status and headers it came with.
#[tokio::test]
async fn statuses_with_different_schemas_answer_one_variant_each() {
    use credkit_fixture_clients::ok_answers_by_status::{Client, builder::GetThingAnswer, types};

    let server = MockServer::start_async().await;
    for (id, status, body) in [
        ("a", 200, Some(json!({ "name": "thing" }))),
        ("b", 201, Some(json!({ "title": "made" }))),
        ("c", 204, None),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/things/{id}"))
                    .header("accept", "application/json");
                let then = then.status(status).header("x-request-id", id);
                if let Some(body) = body {
                    then.json_body(body);
                }
            })
            .await;
    }
    let client = client::<Client>(&server);

    let thing = client.get_thing().id("a").send().await.unwrap();
    assert_eq!(thing.status(), 200);
    assert_eq!(thing.headers()["x-request-id"], "a");
    assert_eq!(
        thing.into_inner(),
        GetThingAnswer::Status200(types::Thing {
            name: Some("thing".into())
        })
    );
    let made = client.get_thing().id("b").send().await.unwrap();
    assert_eq!(made.status(), 201);
    assert!(
        matches!(&*made, GetThingAnswer::Status201(p) if p.title.as_deref() == Some("made")),
        "{made:?}"
    );
    let nothing = client.get_thing().id("c").send().await.unwrap();
    assert_eq!(nothing.status(), 204);
    assert!(
        matches!(&*nothing, GetThingAnswer::Status204),
        "{nothing:?}"
    );
}

/// A text status beside a JSON one and a bodiless one: its variant holds the text; a text that
/// is not UTF-8 is a decode error keeping status and bytes.
#[tokio::test]
async fn a_text_status_beside_json_answers_is_a_variant_holding_the_text() {
    use credkit_fixture_clients::ok_text_beside_json_answers::{
        Client, builder::GetNoteAnswer, types,
    };

    let server = MockServer::start_async().await;
    // Each note's id, status and body (media type and bytes).
    type Sent = (&'static str, u16, Option<(&'static str, &'static [u8])>);
    let answers: [Sent; 4] = [
        (
            "a",
            200,
            Some(("application/json", br#"{"text": "buy milk"}"#)),
        ),
        (
            "b",
            203,
            Some(("text/plain; charset=utf-8", "compra il latte".as_bytes())),
        ),
        ("c", 204, None),
        ("d", 203, Some(("text/plain", b"\xff\xfe"))),
    ];
    for (id, status, body) in answers {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/notes/{id}"))
                    .header("accept", "application/json, text/plain");
                let then = then.status(status).header("x-mirror", id);
                if let Some((media_type, body)) = body {
                    then.header("content-type", media_type).body(body);
                }
            })
            .await;
    }
    let client = client::<Client>(&server);

    let note = client.get_note().id("a").send().await.unwrap();
    assert_eq!(
        note.into_inner(),
        GetNoteAnswer::Status200(types::Note {
            text: Some("buy milk".into())
        })
    );
    let mirrored = client.get_note().id("b").send().await.unwrap();
    assert_eq!(mirrored.status(), 203);
    assert_eq!(mirrored.headers()["x-mirror"], "b");
    assert_eq!(
        mirrored.into_inner(),
        GetNoteAnswer::Status203("compra il latte".into())
    );
    let empty = client.get_note().id("c").send().await.unwrap();
    assert_eq!(empty.into_inner(), GetNoteAnswer::Status204);
    let error = client.get_note().id("d").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(203));
    assert_eq!(error.body(), Some(&b"\xff\xfe"[..]));
}

/// Statuses whose answers are written inline get a type each (hoisted into the components),
/// beside a `$ref` status and a bodiless one; a body that fits no type of its status is a
/// decode error keeping status and body.
#[tokio::test]
async fn inline_answers_of_each_status_decode_into_types_of_their_own() {
    use credkit_fixture_clients::ok_inline_answers_by_status::{
        Client, builder::StoreParcelAnswer, types,
    };

    let server = MockServer::start_async().await;
    for (code, status, body) in [
        ("a", 200, Some(json!({ "shelf": 4, "note": "top" }))),
        ("b", 201, Some(json!([{ "code": "b" }, { "code": "b2" }]))),
        ("c", 202, Some(json!({ "code": "c" }))),
        ("d", 204, None),
        ("e", 200, Some(json!({ "note": "no shelf" }))),
    ] {
        server
            .mock_async(|when, then| {
                when.method(PUT)
                    .path(format!("/parcels/{code}"))
                    .header("accept", "application/json");
                let then = then.status(status);
                if let Some(body) = body {
                    then.json_body(body);
                }
            })
            .await;
    }
    let client = client::<Client>(&server);
    let parcel = |code: &str| types::Parcel { code: code.into() };

    let stored = client.store_parcel().code("a").send().await.unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(
        stored.into_inner(),
        StoreParcelAnswer::Status200(types::StoreParcel200Answer {
            shelf: 4,
            note: Some("top".into()),
        })
    );
    let created = client.store_parcel().code("b").send().await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.into_inner(),
        StoreParcelAnswer::Status201(types::StoreParcel201Answer(vec![parcel("b"), parcel("b2")]))
    );
    let queued = client.store_parcel().code("c").send().await.unwrap();
    assert_eq!(
        queued.into_inner(),
        StoreParcelAnswer::Status202(parcel("c"))
    );
    let there = client.store_parcel().code("d").send().await.unwrap();
    assert_eq!(there.status(), 204);
    assert_eq!(there.into_inner(), StoreParcelAnswer::Status204);

    let error = client.store_parcel().code("e").send().await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(error.body().unwrap(), br#"{"note":"no shelf"}"#);
}

/// Each status of an answer with a variant per status is read tolerantly along its own schema.
#[tokio::test]
async fn each_status_of_an_answer_by_status_is_read_along_its_own_schema() {
    use credkit_fixture_clients::ok_answers_by_status::{Client, builder::GetThingAnswer};

    let server = MockServer::start_async().await;
    for (id, status, body) in [
        ("a", 200, json!({ "name": 12 })),
        ("b", 201, json!({ "title": {"nested": true} })),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/things/{id}"));
                then.status(status).json_body(body);
            })
            .await;
    }
    let client = client::<Client>(&server);
    let thing = client.get_thing().id("a").send().await.unwrap();
    assert!(
        matches!(&*thing, GetThingAnswer::Status200(t) if t.name.as_deref() == Some("12")),
        "{thing:?}"
    );
    assert_eq!(
        thing.unfit()[0].to_string(),
        "/name: expected string, found 12 (read as that type)"
    );
    let made = client.get_thing().id("b").send().await.unwrap();
    assert!(
        matches!(&*made, GetThingAnswer::Status201(p) if p.title.is_none()),
        "{made:?}"
    );
    assert_eq!(
        made.unfit()[0].to_string(),
        r#"/title: expected string, found {"nested":true} (read as absent)"#
    );
}

/// A required member that cannot be read leaves nothing sensible to answer: the call fails,
/// naming it. An optional one beside it is read as absent.
#[tokio::test]
async fn a_required_answer_member_that_cannot_be_read_fails_the_answer_naming_it() {
    use credkit_fixture_clients::ok_nullable_ref::Client;

    let server = MockServer::start_async().await;
    for (id, body) in [
        ("kept", json!({ "owner": {"email": 7}, "name": ["x"] })),
        ("lost", json!({ "owner": "nobody", "name": "thing" })),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/things/{id}"));
                then.status(200).json_body(body);
            })
            .await;
    }
    let client = client::<Client>(&server);
    let thing = client.get_thing().id("kept").send().await.unwrap();
    assert_eq!(thing.owner.as_ref().unwrap().email.as_deref(), Some("7"));
    assert_eq!(thing.name, None);
    assert_eq!(thing.unfit().len(), 2, "{:?}", thing.unfit());

    let error = client.get_thing().id("lost").send().await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert!(
        error.to_string().contains(
            r#"the answer cannot be read without its required members: /owner: expected object Owner, found "nobody" (read as absent)"#
        ),
        "{error}"
    );
}

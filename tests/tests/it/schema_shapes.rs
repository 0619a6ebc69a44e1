//! The schema patterns vendors write, over HTTP, through the clients generated from the
//! generator's fixtures: what each request sent and what each answer decoded into.
//! `ok_read_write_only.yaml`: members only the server writes never leave the client, members
//! only the caller sends are never expected back. `ok_nullable_spellings.yaml`,
//! `ok_union_objects.yaml`, `ok_maps.yaml`, `ok_recursive.yaml`: each operation stores a value
//! and answers what was stored, so one call shows what a type sends and what it decodes.
//! `ok_openapi31.yaml`: an OpenAPI 3.1 spec, read after its conversion to 3.0.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use credkit_runtime::ErrorKind;
use credkit_tests::client;
use httpmock::Method::{PATCH, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};

/// A server that expects `sent` as the JSON body of `PUT /<path>` and answers `answer`.
async fn storing_server(path: &str, sent: Value, answer: Value) -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(format!("/{path}"))
                .header("content-type", "application/json")
                .json_body(sent);
            then.status(200).json_body(answer);
        })
        .await;
    server
}

#[tokio::test]
async fn read_only_members_are_never_sent_and_write_only_ones_never_expected_back() {
    use credkit_fixture_clients::ok_read_write_only::{Client, types};

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/accounts").json_body(json!({
                "name": "ops",
                "password": "s3cret",
                "members": [{ "email": "a@example.com" }],
            }));
            // The server echoes a write-only member it should not: it is ignored, not an error.
            then.status(201).json_body(json!({
                "id": "acc-1",
                "name": "ops",
                "password": "s3cret",
                "opened": "2026-11-30T08:00:00Z",
                "members": [{ "email": "a@example.com", "badge": 7 }],
            }));
        })
        .await;

    let opened = client::<Client>(&server, "token")
        .open_account()
        .body_map(|b| {
            b.name("ops".to_owned())
                .password("s3cret".to_owned())
                .members(vec![types::MemberRequest {
                    email: "a@example.com".into(),
                }])
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(opened.status(), 201);
    assert_eq!(
        opened.into_inner(),
        types::Account {
            id: "acc-1".into(),
            name: "ops".into(),
            opened: "2026-11-30T08:00:00Z".parse::<DateTime<Utc>>().unwrap(),
            members: vec![types::Member {
                email: "a@example.com".into(),
                badge: Some(7),
            }],
        }
    );
}

#[tokio::test]
async fn an_inline_body_leaves_out_its_read_only_members_and_an_inline_answer_its_write_only_ones()
{
    use credkit_fixture_clients::ok_read_write_only::{Client, types};

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/accounts/acc-1")
                .json_body(json!({ "name": "renamed" }));
            then.status(200).json_body(json!({ "name": "renamed" }));
        })
        .await;

    let renamed = client::<Client>(&server, "token")
        .rename_account()
        .id("acc-1")
        .body(types::RenameAccountBody {
            name: "renamed".into(),
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        renamed.into_inner(),
        types::RenameAccountResponse {
            name: "renamed".into()
        }
    );
}

/// A required nullable member is sent as `null` when unset and an optional one is left out;
/// every spelling of null (scalar, array, map, enum, reference with or without `type`) decodes
/// `null` into `None`.
#[tokio::test]
async fn every_spelling_of_null_sends_and_decodes_null() {
    use credkit_fixture_clients::ok_nullable_spellings::{Client, types};

    let label = |text: &str| types::Label { text: text.into() };
    let server = storing_server(
        "shipments",
        json!({
            "note": null, "size": 3, "tags": null, "extras": { "fragile": "yes" },
            "colour": null, "label": { "text": "top" }, "backup_label": null, "weight": 1.5,
        }),
        json!({
            "note": "by hand", "size": null, "tags": ["a"], "extras": null, "colour": "green",
            "label": null, "backup_label": { "text": "spare" }, "carrier": null,
        }),
    )
    .await;

    let stored = client::<Client>(&server, "token")
        .store_shipment()
        .body(types::Shipment {
            note: None,
            size: Some(3),
            tags: None,
            extras: Some(HashMap::from([("fragile".into(), "yes".into())])),
            colour: None,
            label: Some(label("top")),
            backup_label: None,
            carrier: None,
            weight: Some(1.5),
        })
        .send()
        .await
        .unwrap();

    assert_eq!(
        stored.into_inner(),
        types::Shipment {
            note: Some("by hand".into()),
            size: None,
            tags: Some(vec!["a".into()]),
            extras: None,
            colour: Some(types::ShipmentColour::Green),
            label: None,
            backup_label: Some(label("spare")),
            carrier: None,
            weight: None,
        }
    );
}

/// A `oneOf` of objects sends the chosen alternative's members as they are and decodes each
/// alternative by its members (the discriminator's value among them); an `anyOf` of objects
/// sends and decodes any combination of its alternatives, both at once included.
#[tokio::test]
async fn unions_of_objects_send_the_chosen_alternative_and_decode_each() {
    use credkit_fixture_clients::ok_union_objects::{Client, types};

    let server = storing_server(
        "orders",
        json!({
            "payment": { "kind": "transfer", "iban": "IT60X0542811101000000123456" },
            "discount": { "serial": 7 },
            "contact": { "email": "a@example.com", "phone": "+39 06 1234" },
        }),
        json!({
            "payment": { "kind": "card", "number": "4111" },
            "discount": { "code": "WINTER" },
            "contact": { "phone": "+39 06 1234" },
        }),
    )
    .await;

    let placed = client::<Client>(&server, "token")
        .place_order()
        .body(types::Order {
            payment: types::Payment::Transfer(types::Transfer {
                kind: types::TransferKind::Transfer,
                iban: "IT60X0542811101000000123456".into(),
            }),
            discount: Some(types::OrderDiscount::Voucher(types::Voucher { serial: 7 })),
            contact: Some(types::Contact {
                email: Some("a@example.com".into()),
                phone: Some("+39 06 1234".into()),
            }),
        })
        .send()
        .await
        .unwrap();

    assert_eq!(
        placed.into_inner(),
        types::Order {
            payment: types::Payment::Card(types::Card {
                kind: types::CardKind::Card,
                number: "4111".into(),
            }),
            discount: Some(types::OrderDiscount::Coupon(types::Coupon {
                code: "WINTER".into()
            })),
            contact: Some(types::Contact {
                email: None,
                phone: Some("+39 06 1234".into()),
            }),
        }
    );
}

/// A payment that is no alternative of the `oneOf` (an unknown discriminator value) is a
/// decode error keeping the status and the body.
#[tokio::test]
async fn a_value_of_no_alternative_is_a_decode_error() {
    use credkit_fixture_clients::ok_union_objects::{Client, types};

    let answer = json!({ "payment": { "kind": "cash", "amount": 3 } });
    let server = storing_server(
        "orders",
        json!({ "payment": { "kind": "card", "number": "4111" } }),
        answer.clone(),
    )
    .await;

    let error = client::<Client>(&server, "token")
        .place_order()
        .body_map(|b| {
            b.payment(types::Payment::Card(types::Card {
                kind: types::CardKind::Card,
                number: "4111".into(),
            }))
        })
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(error.body().unwrap()).unwrap(),
        answer
    );
}

/// `additionalProperties` maps of scalars, of references and of anything, and members of any
/// name beside named ones, sent and decoded.
#[tokio::test]
async fn maps_send_and_decode_their_members() {
    use credkit_fixture_clients::ok_maps::{Client, types};

    let server = storing_server(
        "inventory",
        json!({
            "counts": { "bolts": 3 },
            "shelves": { "north": { "slots": 2 } },
            "metadata": { "source": ["scan", 2] },
            "labels": { "main": "hardware", "aisle": "4" },
        }),
        json!({ "counts": { "nuts": 9, "bolts": 0 }, "labels": { "main": "m" } }),
    )
    .await;

    let stored = client::<Client>(&server, "token")
        .store_inventory()
        .body(types::Inventory {
            counts: HashMap::from([("bolts".into(), 3)]),
            shelves: HashMap::from([("north".into(), types::Shelf { slots: 2 })]),
            metadata: serde_json::Map::from_iter([("source".into(), json!(["scan", 2]))]),
            labels: Some(types::Labels {
                main: "hardware".into(),
                extra: HashMap::from([("aisle".into(), "4".into())]),
            }),
        })
        .send()
        .await
        .unwrap();

    assert_eq!(
        stored.into_inner(),
        types::Inventory {
            counts: HashMap::from([("nuts".into(), 9), ("bolts".into(), 0)]),
            shelves: HashMap::new(),
            metadata: serde_json::Map::new(),
            labels: Some(types::Labels {
                main: "m".into(),
                extra: HashMap::new(),
            }),
        }
    );
}

/// A folder holding folders (in a list, in a map, as its parent) and rules holding rules
/// through a union, several levels deep, sent and decoded.
#[tokio::test]
async fn recursive_schemas_send_and_decode_at_every_depth() {
    use credkit_fixture_clients::ok_recursive::{Client, types};

    let folder = |name: &str| types::Folder {
        name: name.into(),
        children: Vec::new(),
        by_name: HashMap::new(),
        parent: None,
        rule: None,
    };
    let tree = types::Folder {
        children: vec![types::Folder {
            children: vec![folder("leaf")],
            ..folder("branch")
        }],
        by_name: HashMap::from([("old".into(), folder("archive"))]),
        parent: Some(Box::new(folder("home"))),
        rule: Some(types::Rule::AllOfRules(types::AllOfRules {
            all: vec![
                types::Rule::Match(types::Match {
                    pattern: "*.pdf".into(),
                }),
                types::Rule::AllOfRules(types::AllOfRules { all: Vec::new() }),
            ],
        })),
        ..folder("root")
    };
    let wire = json!({
        "name": "root",
        "children": [{ "name": "branch", "children": [{ "name": "leaf" }] }],
        "by_name": { "old": { "name": "archive" } },
        "parent": { "name": "home" },
        "rule": { "all": [{ "pattern": "*.pdf" }, { "all": [] }] },
    });
    let server = storing_server("folders", wire.clone(), wire).await;

    let stored = client::<Client>(&server, "token")
        .store_folder()
        .body(tree.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(stored.into_inner(), tree);
}

/// A client generated from OpenAPI 3.1: `type: [string, null]` sends and decodes null, a
/// `const` is a one-value enum, a null alternative (of a reference, of a union) is an `Option`,
/// and a string
/// of `contentMediaType` is a download streamed as bytes.
#[tokio::test]
async fn a_client_generated_from_openapi_31_sends_and_decodes_what_the_31_spec_says() {
    use credkit_fixture_clients::ok_openapi31::{Client, types};
    use futures::StreamExt as _;

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/parcels/p1").json_body(json!({
                "kind": "parcel", "note": null, "weight": 2.5, "tracking": null,
            }));
            then.status(200).json_body(json!({
                "kind": "parcel", "note": "fragile", "weight": 1, "copies": 2,
                "owner": { "email": "o@example.com" }, "tracking": 7,
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PUT).path("/parcels/p2");
            then.status(200)
                .json_body(json!({ "kind": "box", "note": null, "weight": 1 }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET)
                .path("/parcels/p1/label")
                .header("accept", "application/pdf");
            then.status(200)
                .header("content-type", "application/pdf")
                .body(b"%PDF-1.7 label");
        })
        .await;
    let client = client::<Client>(&server, "token");
    let parcel = types::Parcel {
        kind: types::ParcelKind::Parcel,
        note: None,
        weight: 2.5,
        copies: None,
        owner: None,
        tracking: None,
    };

    let stored = client
        .store_parcel()
        .code("p1")
        .body(parcel.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        stored.into_inner(),
        types::Parcel {
            note: Some("fragile".into()),
            weight: 1.0,
            copies: Some(std::num::NonZeroU64::new(2).unwrap()),
            owner: Some(types::Owner {
                email: "o@example.com".into()
            }),
            tracking: Some(types::ParcelTracking::Integer(7)),
            ..parcel.clone()
        }
    );

    let error = client
        .store_parcel()
        .code("p2")
        .body(parcel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");

    let label = client.get_label().code("p1").send().await.unwrap();
    let mut stream = label.into_inner().into_inner();
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, b"%PDF-1.7 label");
}

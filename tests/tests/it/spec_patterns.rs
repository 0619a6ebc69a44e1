//! The naming and schema patterns of real specs, over HTTP, through the clients generated from
//! the generator's fixtures: operations sharing a path under other names, camelCase and
//! kebab-case ids and paths, parameters and members named like Rust keywords or starting with
//! a digit (`ok_awkward_names.yaml`, `ok_camel_case_operation_id.yaml`), members that meet
//! once they are Rust and a member that extends its own type (`ok_names_that_meet.yaml`),
//! `oneOf` unions in a
//! request (`ok_unions.yaml`), a `oneOf` told apart by its discriminator alone
//! (`ok_discriminated_union.yaml`), a nullable `$ref` (`ok_nullable_ref.yaml`), and a deprecated
//! operation whose pattern the regex engine cannot compile (`ok_deprecated_and_patterns.yaml`),
//! and operations whose replay the spec does not state (`ok_idempotent_by_method.yaml`), enum
//! values and parameters whose Rust names would meet (`ok_values_and_parameters_that_meet.yaml`),
//! inline members typify would name as a schema is named (`ok_inline_type_name_taken.yaml`),
//! a JSON answer without a schema (`ok_json_answer_without_schema.yaml`), and one in a vendor's
//! `+json` media type under an operationId with a slash (`ok_vendor_json_answer.yaml`).

use credkit_fixture_clients::{
    ok_awkward_names, ok_camel_case_operation_id, ok_deprecated_and_patterns,
    ok_discriminated_union, ok_idempotent_by_method, ok_inline_type_name_taken,
    ok_json_answer_without_schema, ok_names_that_meet, ok_nullable_ref, ok_unions,
    ok_values_and_parameters_that_meet, ok_vendor_json_answer,
};
use credkit_runtime::{GeneratedClient, RetryPolicy};
use httpmock::Method::{DELETE, GET, PATCH, POST, PUT};
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
async fn awkward_names_reach_the_wire_as_the_spec_spells_them() {
    use ok_awkward_names::types::{ThingState, X2faCode};
    let server = MockServer::start_async().await;
    // `getThing` and `delete-thing` share `/things/{thing-id}`; `type` and `2nd` are query
    // parameters, `X-Pin` a secret header, `match` an answer member.
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/a%20b")
                .query_param("type", "kind")
                .query_param("2nd", "2")
                .header("x-pin", "4321");
            then.status(200).json_body(json!({ "match": 7 }));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path("/things/a%20b");
            then.status(204);
        })
        .await;
    let check = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/2fa")
                .json_body(json!({ "type": "totp", "self": true, "async": "in-use" }));
            then.status(200)
                .json_body(json!({ "type": "totp", "self": null, "async": "3rd" }));
        })
        .await;
    let type_ = server
        .mock_async(|when, then| {
            when.method(GET).path("/type");
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = client::<ok_awkward_names::Client>(&server);

    let thing = client
        .get_thing()
        .thing_id("a b")
        .type_("kind")
        ._2nd(2)
        .x_pin("4321")
        .send()
        .await
        .unwrap();
    assert_eq!(thing.match_, Some(7));
    client.delete_thing().thing_id("a b").send().await.unwrap();
    let checked = client
        ._2fa_check()
        .body(X2faCode {
            type_: Some("totp".into()),
            self_: Some(true),
            async_: Some(ThingState::InUse),
        })
        .send()
        .await
        .unwrap();
    // `format: nullable` reads null as absent; an unknown value of the open enum is kept.
    assert_eq!(checked.self_, None);
    assert_eq!(checked.async_, Some(ThingState::Unknown("3rd".into())));
    assert_eq!(client.type_().send().await.unwrap().match_, None);

    for mock in [get, delete, check, type_] {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn members_spelled_alike_get_a_field_each_and_keep_their_names_on_the_wire() {
    use ok_names_that_meet::types::{LedgerEntry, LedgerEntryParent};
    let server = MockServer::start_async().await;
    // Every member as the spec spells it: twins by case or punctuation, keywords, a digit
    // first, names with no letter, and the self-extending `parent` with its own `depth`.
    let entry = json!({
        "id": "e-1", "Id": 41, "name": "rent", "Name": "Rent", "user_name": "ada",
        "userName": "Ada", "self": "/entries/e-1", "Self": true, "type": "debit", "crate": 3,
        "super": "books", "2nd-line": "flat 2", "": "blank", "$": 12.5,
    });
    let mut stored = entry.clone();
    stored["parent"] = json!({ "id": "e-0", "Id": 40, "depth": 1, "Name": "Deposit" });
    let open = server
        .mock_async(|when, then| {
            when.method(POST).path("/entries").json_body(entry.clone());
            then.status(201).json_body(stored.clone());
        })
        .await;
    let read = server
        .mock_async(|when, then| {
            when.method(GET).path("/entries/e%201");
            then.status(200)
                .json_body(json!({ "id": "e 1", "Id": 7, "self": "/entries/e%201" }));
        })
        .await;
    let client = client::<ok_names_that_meet::Client>(&server);

    // An operation called `new` beside the client's constructors, and one called `client`.
    let sent = LedgerEntry {
        id: "e-1".into(),
        id_2: 41,
        name: Some("rent".into()),
        name_2: Some("Rent".into()),
        user_name: Some("ada".into()),
        user_name_2: Some("Ada".into()),
        self_: Some(true),
        self_2: Some("/entries/e-1".into()),
        type_: Some("debit".into()),
        crate_: Some(3),
        super_: Some("books".into()),
        x2nd_line: Some("flat 2".into()),
        x: Some("blank".into()),
        x_2: Some(12.5),
        parent: None,
    };
    let answer = client.new().body(sent.clone()).send().await.unwrap();
    let parent: &LedgerEntryParent = answer.parent.as_deref().unwrap();
    assert_eq!(
        (parent.id.as_str(), parent.id_2, parent.depth),
        ("e-0", 40, Some(1))
    );
    assert_eq!(parent.name_2.as_deref(), Some("Deposit"));
    assert_eq!(parent.name, None);
    let mut expected = sent;
    expected.parent.clone_from(&answer.parent);
    assert_eq!(*answer, expected);

    let read_back = client.client().entry_id("e 1").send().await.unwrap();
    assert_eq!((read_back.id.as_str(), read_back.id_2), ("e 1", 7));
    assert_eq!(read_back.self_2.as_deref(), Some("/entries/e%201"));
    assert_eq!(read_back.self_, None);
    open.assert_async().await;
    read.assert_async().await;
}

#[tokio::test]
async fn multipart_parts_spelled_alike_are_sent_under_their_own_names() {
    use ok_names_that_meet::types::AttachScanBody;
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/entries/e-1/scans")
                .body_includes("name=\"note\"\r\n\r\nlower\r\n")
                .body_includes("name=\"Note\"\r\n\r\nUpper\r\n")
                .body_includes("name=\"scan\"; filename=\"scan\"");
            then.status(204);
        })
        .await;
    let body = AttachScanBody {
        note: Some("lower".into()),
        note_2: Some("Upper".into()),
        scan: credkit_runtime::FilePart::bytes(b"%PDF".to_vec()),
    };
    let answer = client::<ok_names_that_meet::Client>(&server)
        .attach_scan()
        .entry_id("e-1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    mock.assert_async().await;
}

#[tokio::test]
async fn a_camel_case_operation_id_is_a_snake_case_method() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/one");
            then.status(200).json_body(json!({ "name": "one" }));
        })
        .await;
    let thing = client::<ok_camel_case_operation_id::Client>(&server)
        .get_thing()
        .id("one")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(thing.name.as_deref(), Some("one"));
}

#[tokio::test]
async fn each_alternative_of_a_union_is_sent_as_itself() {
    use ok_unions::types::{PatchThingBody, PatchThingBodyDocuments, PatchThingBodySpace};
    let server = MockServer::start_async().await;
    let cases = [
        (
            PatchThingBodyDocuments::String("id.pdf".into()),
            PatchThingBodySpace::Integer(2048),
            json!({ "documents": "id.pdf", "space": 2048 }),
        ),
        (
            PatchThingBodyDocuments::Array(vec!["a.pdf".into(), "b.pdf".into()]),
            PatchThingBodySpace::String("2 GB".into()),
            json!({ "documents": ["a.pdf", "b.pdf"], "space": "2 GB" }),
        ),
    ];
    for (documents, space, sent) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(PATCH).path("/things/t").json_body(sent.clone());
                then.status(200).json_body(json!({ "name": "t" }));
            })
            .await;
        let thing = client::<ok_unions::Client>(&server)
            .patch_thing()
            .id("t")
            .body(PatchThingBody {
                documents: Some(documents),
                space: Some(space),
            })
            .send()
            .await
            .unwrap();
        mock.assert_async().await;
        assert_eq!(thing.name.as_deref(), Some("t"));
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_discriminated_union_reads_each_answer_as_the_alternative_its_value_names() {
    use ok_discriminated_union::types::{
        Cat, CatKind, Dog, DogKind, Parrot, ParrotKind, Pet, Rabbit, RabbitKind,
    };
    let server = MockServer::start_async().await;
    // Every member but the discriminator is optional: without it, `Cat` (the first
    // alternative) would take all four. `Rabbit` has `kind` from a base it shares.
    let answers = [
        (1, json!({ "kind": "cat", "indoor": true })),
        (2, json!({ "kind": "dog", "good": true })),
        (3, json!({ "kind": "Parrot", "words": 12 })),
        (5, json!({ "kind": "rabbit", "name": "Bun", "ears": 2 })),
    ];
    for (id, body) in &answers {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/pets/{id}"));
                then.status(200).json_body(body.clone());
            })
            .await;
    }
    let client = client::<ok_discriminated_union::Client>(&server);
    let mut read = Vec::new();
    for (id, _) in &answers {
        read.push(client.get_pet().id(*id).send().await.unwrap().into_inner());
    }
    assert_eq!(
        read,
        [
            Pet::Cat(Cat {
                kind: CatKind::Cat,
                indoor: Some(true)
            }),
            Pet::Dog(Dog {
                kind: DogKind::Dog,
                good: Some(true)
            }),
            Pet::Parrot(Parrot {
                kind: ParrotKind::Parrot,
                words: Some(12)
            }),
            Pet::Rabbit(Rabbit {
                kind: RabbitKind::Rabbit,
                name: Some("Bun".into()),
                ears: Some(2)
            }),
        ]
    );

    // A value the discriminator does not name fits no alternative (an untagged `Rabbit`, whose
    // `kind` is any text, would take it): a decode error that keeps the status and the body.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/pets/4");
            then.status(200).json_body(json!({ "kind": "fish" }));
        })
        .await;
    let error = client.get_pet().id(4).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(String::from_utf8_lossy(error.body().unwrap_or_default()).contains("fish"));

    // Each alternative is sent as itself, its discriminator included.
    let stores = [
        (
            2,
            Pet::Dog(Dog {
                kind: DogKind::Dog,
                good: Some(false),
            }),
            json!({ "kind": "dog", "good": false }),
        ),
        (
            5,
            Pet::Rabbit(Rabbit {
                kind: RabbitKind::Rabbit,
                name: None,
                ears: Some(1),
            }),
            json!({ "kind": "rabbit", "ears": 1 }),
        ),
    ];
    for (id, pet, sent) in stores {
        let stored = server
            .mock_async(|when, then| {
                when.method(PUT).path(format!("/pets/{id}")).json_body(sent);
                then.status(204);
            })
            .await;
        client.put_pet().id(id).body(pet).send().await.unwrap();
        stored.assert_async().await;
    }
}

#[tokio::test]
async fn a_nullable_reference_reads_null_as_none_and_an_object_as_some() {
    let server = MockServer::start_async().await;
    for (id, owner) in [
        ("empty", json!(null)),
        ("owned", json!({ "email": "a@example.com" })),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/things/{id}"));
                then.status(200)
                    .json_body(json!({ "name": id, "owner": owner }));
            })
            .await;
    }
    let client = client::<ok_nullable_ref::Client>(&server);
    let empty = client.get_thing().id("empty").send().await.unwrap();
    assert!(empty.owner.is_none());
    let owned = client.get_thing().id("owned").send().await.unwrap();
    assert_eq!(
        owned.owner.as_ref().and_then(|o| o.email.as_deref()),
        Some("a@example.com")
    );
}

/// The pattern `(?i)^mobile$` is documentation only (the regex engine of the generated code
/// has no inline flags), so any spelling decodes; `^[A-Z]{3}$` is checked.
#[tokio::test]
#[allow(deprecated)]
async fn a_deprecated_operation_still_works_and_an_uncompilable_pattern_is_not_checked() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/devices/d1");
            then.status(200)
                .json_body(json!({ "kind": "Mobile", "code": "ABC" }));
        })
        .await;
    let device = client::<ok_deprecated_and_patterns::Client>(&server)
        .get_device()
        .id("d1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(device.kind.as_deref(), Some("Mobile"));
    assert_eq!(
        device.code.as_ref().map(|c| c.to_string()).as_deref(),
        Some("ABC")
    );
    // A checked pattern refuses a value that does not match, before anything is sent.
    assert!(ok_deprecated_and_patterns::types::DeviceCode::try_from("abc".to_owned()).is_err());
}

/// A spec that does not say whether an operation may be replayed gets the method's rule (GET
/// may, POST may not), and `x-credkit-idempotent` overrides it either way: after a `502`, which
/// the request may have reached, only the replayable ones are sent again.
#[tokio::test]
async fn without_a_mark_the_method_decides_whether_an_operation_is_replayed() {
    use ok_idempotent_by_method::types::Counter;
    let server = MockServer::start_async().await;
    let mocks = [
        ("GET", "read_counter", 2),
        ("POST", "bump_counter", 1),
        ("DELETE", "drain_counter", 1),
        ("PATCH", "set_counter", 2),
    ];
    let mut mounted = Vec::new();
    for (method, _, _) in &mocks {
        mounted.push(
            server
                .mock_async(|when, then| {
                    when.method(*method).path("/counters/c1");
                    then.status(502).body("bad gateway");
                })
                .await,
        );
    }
    let client = ok_idempotent_by_method::Client::builder()
        .base_url(server.base_url())
        .token("token")
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    let statuses = [
        client.read_counter().id("c1").send().await.map(drop),
        client.bump_counter().id("c1").send().await.map(drop),
        client.drain_counter().id("c1").send().await.map(drop),
        client
            .set_counter()
            .id("c1")
            .body(Counter { value: Some(3) })
            .send()
            .await
            .map(drop),
    ]
    .map(|answer| answer.unwrap_err().status().map(|s| s.as_u16()));

    for (((_, operation, requests), mock), status) in mocks.iter().zip(&mounted).zip(statuses) {
        assert_eq!(status, Some(502), "{operation}");
        assert_eq!(mock.calls_async().await, *requests, "{operation}");
    }
    let replayable: Vec<(&str, bool)> = ok_idempotent_by_method::SERVICE
        .operations
        .iter()
        .map(|op| (op.id, op.idempotent))
        .collect();
    assert_eq!(
        replayable,
        [
            ("read_counter", true),
            ("bump_counter", false),
            ("drain_counter", false),
            ("set_counter", true),
        ]
    );
}

#[tokio::test]
async fn enum_values_and_parameters_spelled_alike_get_own_names_and_keep_theirs_on_the_wire() {
    use ok_values_and_parameters_that_meet::types::{Mood, Reading, Station, Zone};
    let server = MockServer::start_async().await;
    let place = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/stations/north")
                .json_body(json!({ "name": "North", "zone": "Etc/GMT+2" }));
            then.status(200)
                .json_body(json!({ "name": "North", "zone": "Etc/GMT-2" }));
        })
        .await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/stations/north/readings")
                .query_param("TakenAt", "noon")
                .query_param("TakenAt<", "dusk")
                .query_param("TakenAt>", "dawn")
                .query_param("station", "south")
                .query_param("mood", "-1")
                .header("Station", "east");
            then.status(200).json_body(json!([
                { "taken_at": "dawn", "mood": "+1" },
                { "taken_at": "noon", "mood": "calm", "celsius": 21.5 },
                { "mood": "Calm" },
                { "mood": "" },
                { "mood": "*" },
            ]));
        })
        .await;
    let client = client::<ok_values_and_parameters_that_meet::Client>(&server);

    let placed = client
        .place_station()
        .station("north")
        .body(Station {
            name: "North".into(),
            zone: Zone::EtcGmtPlus2,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(placed.zone, Zone::EtcGmtMinus2);
    // The spec's default names its value, not the variant typify would have spelled.
    assert_eq!(Zone::default(), Zone::EtcGmtMinus2);
    assert_eq!(Zone::EtcGmt2.to_string(), "Etc/GMT2");
    assert_eq!("Etc/GMT+2".parse::<Zone>().unwrap(), Zone::EtcGmtPlus2);

    let readings = client
        .list_readings()
        .station("north")
        .taken_at("noon")
        .taken_at_lt("dusk")
        .taken_at_gt("dawn")
        .station_query("south")
        .station_header("east")
        .mood(Mood::Minus1)
        .send()
        .await
        .unwrap();
    let moods: Vec<Option<Mood>> = readings.iter().map(|r: &Reading| r.mood).collect();
    assert_eq!(
        moods,
        [
            Some(Mood::Plus1),
            Some(Mood::Calm2),
            Some(Mood::Calm),
            Some(Mood::Empty),
            Some(Mood::Star),
        ]
    );
    assert_eq!(readings[1].celsius, Some(21.5));
    place.assert_async().await;
    list.assert_async().await;
}

#[tokio::test]
async fn an_inline_member_named_like_a_schema_takes_the_next_free_name_and_both_decode() {
    use ok_inline_type_name_taken::types::{
        ParcelRecipient, ParcelRecipient2, ParcelSender, ParcelSender2,
    };
    let server = MockServer::start_async().await;
    let parcels = server
        .mock_async(|when, then| {
            when.method(GET).path("/parcels");
            then.status(200).json_body(json!([
                { "sender": { "address": "1 Quay" }, "recipient": { "door": "B" } },
                { "recipient": null },
            ]));
        })
        .await;
    let senders = server
        .mock_async(|when, then| {
            when.method(GET).path("/senders");
            then.status(200).json_body(json!([{ "name": "Ada" }]));
        })
        .await;
    let recipient = server
        .mock_async(|when, then| {
            when.method(GET).path("/recipients/latest");
            then.status(200).json_body(json!({ "signature": true }));
        })
        .await;
    let client = client::<ok_inline_type_name_taken::Client>(&server);

    let listed = client.list_parcels().send().await.unwrap();
    assert_eq!(
        listed[0].sender,
        Some(ParcelSender2 {
            address: Some("1 Quay".into())
        })
    );
    assert_eq!(
        listed[0].recipient,
        Some(ParcelRecipient2 { door: "B".into() })
    );
    assert_eq!(listed[1].recipient, None);
    let named = client.list_senders().send().await.unwrap();
    assert_eq!(
        named.into_inner(),
        [ParcelSender {
            name: Some("Ada".into())
        }]
    );
    let last = client.last_recipient().send().await.unwrap();
    assert_eq!(
        last.into_inner(),
        ParcelRecipient {
            signature: Some(true)
        }
    );
    for mock in [parcels, senders, recipient] {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn a_schema_titled_like_another_is_named_after_its_place_and_a_nullable_body_is_sent() {
    use ok_inline_type_name_taken::types::{MaybeSenderInner, RelabelParcelBody};
    let server = MockServer::start_async().await;
    let relabel = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/parcels/p-1")
                .json_body(json!({ "label": "fragile" }));
            then.status(200)
                .json_body(json!({ "label": "fragile", "handler": { "name": "Bo" } }));
        })
        .await;
    let answer = client::<ok_inline_type_name_taken::Client>(&server)
        .relabel_parcel()
        .id("p-1")
        .body(RelabelParcelBody {
            label: Some("fragile".into()),
        })
        .send()
        .await
        .unwrap();
    // Titled `Parcel` inline, beside the schema `Parcel`: `Parcel2`.
    let relabelled: &ok_inline_type_name_taken::types::Parcel2 = &answer;
    assert_eq!(relabelled.label.as_deref(), Some("fragile"));
    assert_eq!(
        relabelled.handler.as_ref().and_then(|h| h.0.clone()),
        Some(MaybeSenderInner {
            name: Some("Bo".into())
        })
    );
    relabel.assert_async().await;
}

#[tokio::test]
async fn a_json_answer_without_a_schema_is_any_json_value() {
    let server = MockServer::start_async().await;
    let reported = json!({ "heap": { "used": 512 }, "roles": ["data", "ingest"], "up": true });
    let stats = server
        .mock_async(|when, then| {
            when.method(GET).path("/nodes/n-1/stats");
            then.status(200).json_body(reported.clone());
        })
        .await;
    let answer = client::<ok_json_answer_without_schema::Client>(&server)
        .node_stats()
        .node("n-1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.into_inner(), reported);
    stats.assert_async().await;
}

#[tokio::test]
async fn a_vendor_json_answer_is_decoded_into_its_type() {
    let server = MockServer::start_async().await;
    let members = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/groups/admins/members")
                .header("authorization", "Bearer token");
            then.status(200)
                .header("content-type", "application/scim+json")
                .body(r#"{"totalResults": 1, "Resources": [{"userName": "ada", "active": true}]}"#);
        })
        .await;
    let answer = client::<ok_vendor_json_answer::Client>(&server)
        .directory_list_members()
        .group("admins")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.total_results, 1);
    assert_eq!(answer.resources[0].user_name, "ada");
    assert_eq!(answer.resources[0].active, Some(true));
    members.assert_async().await;
}

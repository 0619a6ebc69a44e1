//! The schema patterns vendors write, over HTTP, through the clients generated from the
//! generator's fixtures: what each request sent and what each answer decoded into.
//! `ok_read_write_only.yaml`: members only the server writes never leave the client, members
//! only the caller sends are never expected back.

use chrono::{DateTime, Utc};
use credkit_tests::client;
use httpmock::Method::{PATCH, POST};
use httpmock::MockServer;
use serde_json::json;

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

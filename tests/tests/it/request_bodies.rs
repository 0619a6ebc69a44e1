//! The request bodies vendors take beside JSON, over HTTP, through the clients generated from
//! the generator's fixtures (`ok_request_bodies.yaml`, `ok_two_request_media_types.yaml`): what
//! was sent, media type and bytes.

use credkit_fixture_clients::{ok_request_bodies, ok_two_request_media_types};
use credkit_runtime::{GeneratedClient, RetryPolicy};
use httpmock::Method::{PATCH, POST, PUT};
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
async fn a_merge_patch_body_is_json_sent_with_its_own_media_type() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/things/t1")
                .header("content-type", "application/merge-patch+json")
                .json_body(json!({ "name": "renamed" }));
            then.status(204);
        })
        .await;

    client::<ok_request_bodies::Client>(&server)
        .patch_thing()
        .id("t1")
        .body_map(|b| b.name("renamed".to_owned()))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
}

#[tokio::test]
async fn a_form_body_is_url_encoded() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/things/t1/form")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("name=a+b%26c&size=3");
            then.status(204);
        })
        .await;

    client::<ok_request_bodies::Client>(&server)
        .post_form()
        .id("t1")
        .body_map(|b| b.name("a b&c".to_owned()).size(3))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
}

#[tokio::test]
async fn bytes_and_text_bodies_are_sent_as_they_are_with_the_spec_media_type() {
    let server = MockServer::start_async().await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let expected = bytes.clone();
    let file = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/things/t1/file")
                .header("content-type", "application/octet-stream")
                .is_true(move |request| request.body().0 == expected[..]);
            then.status(204);
        })
        .await;
    let photo = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/things/t1/photo")
                .header("content-type", "image/png")
                .is_true(|request| request.body().0 == b"\x89PNG\r\n\x1a\n"[..]);
            then.status(204);
        })
        .await;
    let note = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/things/t1/note")
                .header("content-type", "text/plain")
                .body("première ligne");
            then.status(204);
        })
        .await;
    let client = client::<ok_request_bodies::Client>(&server);

    let path = std::env::temp_dir().join(format!("credkit-upload-{}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let opened = tokio::fs::File::open(&path).await.unwrap();
    client
        .upload_file()
        .id("t1")
        .body(opened)
        .send()
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    client
        .upload_photo()
        .id("t1")
        .body(b"\x89PNG\r\n\x1a\n".to_vec())
        .send()
        .await
        .unwrap();
    client
        .put_note()
        .id("t1")
        .body("première ligne")
        .send()
        .await
        .unwrap();

    file.assert_async().await;
    photo.assert_async().await;
    note.assert_async().await;
}

#[tokio::test]
async fn of_a_body_offered_as_json_and_as_a_form_the_json_one_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/things/t1")
                .header("content-type", "application/json")
                .json_body(json!({ "name": "n" }));
            then.status(200).json_body(json!({ "name": "n" }));
        })
        .await;

    let answer = client::<ok_two_request_media_types::Client>(&server)
        .get_thing()
        .id("t1")
        .body_map(|b| b.name("n".to_owned()))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(answer.name.as_deref(), Some("n"));
}

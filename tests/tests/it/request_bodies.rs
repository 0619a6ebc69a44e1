//! The request bodies vendors take beside JSON, over HTTP, through the clients generated from
//! the generator's fixtures (`ok_request_bodies.yaml`, `ok_two_request_media_types.yaml`,
//! `ok_multipart_upload.yaml`): what was sent, media type and bytes, part by part for
//! multipart.

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

/// One part of a `multipart/form-data` body as a server reads it.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    media_type: Option<String>,
    body: Vec<u8>,
}

impl Part {
    fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.into(),
            file_name: None,
            media_type: None,
            body: value.as_bytes().to_vec(),
        }
    }

    fn file(name: &str, file_name: &str, media_type: &str, body: &[u8]) -> Self {
        Self {
            name: name.into(),
            file_name: Some(file_name.into()),
            media_type: Some(media_type.into()),
            body: body.to_vec(),
        }
    }
}

/// The parts of a `multipart/form-data` body, by the boundary its `Content-Type` names (a form
/// without parts is an empty body, as reqwest sends it).
fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    if body.is_empty() {
        return Vec::new();
    }
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap_or_else(|| panic!("no boundary in {content_type}"));
    let delimiter = format!("\r\n--{boundary}");
    let mut rest = [b"\r\n", body].concat();
    let mut parts = Vec::new();
    loop {
        let start = find(&rest, delimiter.as_bytes()).expect("a delimiter") + delimiter.len();
        rest.drain(..start);
        if rest.starts_with(b"--") {
            return parts;
        }
        let end = find(&rest, delimiter.as_bytes()).expect("a closing delimiter");
        let part = &rest[2..end];
        let split = find(part, b"\r\n\r\n").expect("a blank line after the headers");
        let headers = String::from_utf8(part[..split].to_vec()).unwrap();
        let header = |name: &str| {
            headers.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_owned())
            })
        };
        let disposition = header("content-disposition").expect("a Content-Disposition");
        let parameter = |key: &str| {
            disposition
                .split(';')
                .filter_map(|p| p.trim().strip_prefix(&format!("{key}=")))
                .map(|v| v.trim_matches('"').to_owned())
                .next()
        };
        parts.push(Part {
            name: parameter("name").expect("a part name"),
            file_name: parameter("filename"),
            media_type: header("content-type"),
            body: part[split + 4..].to_vec(),
        });
        rest.drain(..end);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a mock server received (`Content-Type` and body of each request), for assertions
/// after the call.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A request matcher that records each request into `received`.
fn record(
    received: &Received,
) -> impl Fn(&httpmock::HttpMockRequest) -> bool + Send + Sync + 'static {
    let received = received.clone();
    move |request| {
        let content_type = request
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        received
            .lock()
            .unwrap()
            .push((content_type, request.body_vec()));
        true
    }
}

/// A multipart body is one part per member, in the type's order: files streamed from a path
/// or given as bytes, with their file names and media types (the spec's `encoding`, the
/// caller's, or application/octet-stream for bytes), text members as text, a list of scalars
/// a part per item, an object a JSON part; absent members send nothing.
#[tokio::test]
async fn a_multipart_body_sends_each_member_as_a_part() {
    use credkit_fixture_clients::ok_multipart_upload::{Client, types};
    use credkit_runtime::FilePart;

    let server = MockServer::start_async().await;
    let received = Received::default();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/documents")
                .header_matches("content-type", "^multipart/form-data; boundary=")
                .is_true(record(&received));
            then.status(201)
                .json_body(json!({ "id": "doc-1", "parts": 9 }));
        })
        .await;
    let scan: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let dir = std::env::temp_dir().join(format!("credkit-multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scan 2026.pdf");
    std::fs::write(&path, &scan).unwrap();

    let receipt = client::<Client>(&server)
        .upload_document()
        .body_map(|b| {
            b.kind(types::Kind::Invoice)
                .note(Some("première page".to_owned()))
                .copies(Some(2))
                .tags(vec!["urgent".to_owned(), "q4".to_owned()])
                .origin(Some(types::DocumentUploadOrigin {
                    office: Some("Roma".into()),
                }))
                .scan(FilePart::path(&path))
                .attachments(vec![
                    FilePart::bytes(b"\x89PNG one".to_vec()).file_name("p1.png"),
                    FilePart::bytes(b"\xff\xd8 two".to_vec())
                        .file_name("p2.jpg")
                        .media_type("image/jpeg"),
                ])
        })
        .send()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    mock.assert_async().await;
    assert_eq!(receipt.status(), 201);
    assert_eq!(
        receipt.into_inner(),
        types::Receipt {
            id: "doc-1".into(),
            parts: 9
        }
    );
    let (content_type, body) = received.lock().unwrap().pop().unwrap();
    assert_eq!(
        multipart_parts(&content_type, &body),
        [
            Part::file(
                "attachments",
                "p1.png",
                "application/octet-stream",
                b"\x89PNG one"
            ),
            Part::file("attachments", "p2.jpg", "image/jpeg", b"\xff\xd8 two"),
            Part::text("copies", "2"),
            Part::text("kind", "invoice"),
            Part::text("note", "première page"),
            Part {
                media_type: Some("application/json".into()),
                ..Part::text("origin", r#"{"office":"Roma"}"#)
            },
            Part::file("scan", "scan 2026.pdf", "application/pdf", &scan),
            Part::text("tags", "urgent"),
            Part::text("tags", "q4"),
        ]
    );
}

/// Bytes given without a name are named after their member; an absent optional file sends an
/// empty form; a path that cannot be opened, or a required file not given, is refused before
/// anything is sent, naming the member.
#[tokio::test]
async fn a_multipart_file_gets_a_name_and_a_missing_one_is_refused_before_sending() {
    use credkit_fixture_clients::ok_multipart_upload::{Client, types};
    use credkit_runtime::{ErrorKind, FilePart};

    let server = MockServer::start_async().await;
    let received = Received::default();
    let avatar = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/people/p1/avatar")
                .is_true(record(&received));
            then.status(204);
        })
        .await;
    let client = client::<Client>(&server);

    client
        .set_avatar()
        .id("p1")
        .body_map(|b| b.image(Some(FilePart::bytes(b"GIF89a".to_vec()))))
        .send()
        .await
        .unwrap();
    client.set_avatar().id("p1").send().await.unwrap();
    avatar.assert_calls_async(2).await;
    let sent: Vec<Vec<Part>> = received
        .lock()
        .unwrap()
        .iter()
        .map(|(content_type, body)| multipart_parts(content_type, body))
        .collect();
    assert_eq!(
        sent,
        [
            vec![Part::file(
                "image",
                "image",
                "application/octet-stream",
                b"GIF89a"
            )],
            vec![],
        ]
    );

    let missing = std::env::temp_dir().join("credkit-no-such-dir/scan.pdf");
    let error = client
        .upload_document()
        .body_map(|b| b.kind(types::Kind::Receipt).scan(FilePart::path(&missing)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidRequest(m) if m.contains("`scan`") && m.contains("credkit-no-such-dir")),
        "{error:?}"
    );
    let error = client
        .upload_document()
        .body_map(|b| b.kind(types::Kind::Receipt))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidRequest(m) if m.contains("scan")),
        "{error:?}"
    );
}

//! Every RENTRI CA operation against a mock server: what was sent and what came back,
//! error statuses included.

mod modi;
mod modi_operator;
mod modi_setup;

use credkit_rentri_ca::mock::MockServerExt;
use credkit_rentri_ca::{Client, Error, ServiceError, types};
use credkit_tests::calls::rentri_ca::CREDENTIALS_ID as ID;
use credkit_tests::client;
use httpmock::prelude::*;
use serde_json::json;

const TOKEN: &str = "jwt-for-tests";
const BEARER: &str = "Bearer jwt-for-tests";

#[tokio::test]
async fn boarding_is_anonymous_and_sends_the_pin_in_the_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/boarding/0b3c9a3e-41c5-4f9a-9d0e-2f6f4b1d2c77")
                .query_param("pin", "12 4+6")
                // Its errors are documented as problem+json: content negotiation must allow it.
                .header("accept", "application/json, application/problem+json")
                .header_missing("authorization")
                .header_missing("api-version");
            then.status(200).json_body(json!({
                "identificativo_soggetto": "01234567890",
                "denominazione_soggetto": "Rifiuti Srl",
                "num_iscr_operatore": "OP123XXXXXXXX00",
                "num_iscr_sito": "OP123XXXXXXXX00-PD00001",
                "nome_sito": "Sede di Padova",
                "token": "5f0c8a7e-2b1d-4c3e-9f6a-7d8e9a0b1c2d",
                "campo_futuro": "a field this version does not know"
            }));
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .get_boarding_info()
        .qrcode_token("0b3c9a3e-41c5-4f9a-9d0e-2f6f4b1d2c77")
        .pin("12 4+6")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.denominazione_soggetto.as_deref(),
        Some("Rifiuti Srl")
    );
    assert_eq!(
        answer.num_iscr_sito.as_deref(),
        Some("OP123XXXXXXXX00-PD00001")
    );
    let token = answer.token.as_ref().unwrap();
    assert_eq!(token.expose(), "5f0c8a7e-2b1d-4c3e-9f6a-7d8e9a0b1c2d");
    assert!(!format!("{answer:?}").contains("5f0c8a7e"), "{answer:?}");
}

#[tokio::test]
async fn boarding_percent_encodes_the_pin() {
    let server = MockServer::start_async().await;
    // The typed helper matches a secret parameter on its value, not on its redacted `Display`.
    let mock = server.get_boarding_info(|when, then| {
        when.qrcode_token(&uuid::Uuid::nil())
            .pin(&"a&b=c/".parse().unwrap());
        then.ok(&types::BoardingAccessResponse::default());
    });
    client::<Client>(&server, TOKEN)
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin("a&b=c/")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn boarding_rejects_a_short_pin_without_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin("123")
        .send()
        .await
        .unwrap_err();
    assert_eq!(any.calls_async().await, 0);
    assert!(
        matches!(
            error.kind(),
            credkit_rentri_ca::ErrorKind::InvalidRequest(_)
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("invalid pin: Pin must be at least 6 characters"),
        "{error}"
    );
}

#[tokio::test]
async fn boarding_403_has_no_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path_includes("/credentials/boarding/");
            then.status(403);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_boarding_info()
        .qrcode_token(uuid::Uuid::nil())
        .pin("123456")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.body(), Some(&b""[..]));
    assert_eq!(error.operation(), Some("get_boarding_info"));
    assert_eq!(
        error.to_string(),
        "rentri-ca get_boarding_info: the server answered 403 Forbidden with an empty body"
    );
}

#[tokio::test]
async fn get_credentials_sends_the_bearer_token_and_parses_the_model() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820")
                .header("authorization", BEARER)
                .header("accept", "application/json")
                .header_missing("api-version");
            then.status(200).json_body(json!({
                "identifier": ID,
                "identificativo": "RSSMRA80A01H501U",
                "identificativo_altro": null,
                "user_name": "TINIT-RSSMRA80A01H501U",
                "ultimo_accesso": "2025-01-14T09:30:00Z",
                "data_eliminazione": null,
                "data_scadenza_richiesta_pin_reset": null,
                "stato": "Attivo",
                "siti": ["OP123XXXXXXXX00-PD00001"],
                "device_identifier": "device-1",
                "device_is_banned": false
            }));
        })
        .await;
    let credentials = client::<Client>(&server, TOKEN)
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(credentials.identifier.as_deref(), Some(ID));
    assert_eq!(credentials.stato, Some(types::Stato::Attivo));
    assert_eq!(
        credentials.ultimo_accesso.unwrap().timestamp(),
        1_736_847_000
    );
    assert_eq!(
        credentials.siti.as_deref(),
        Some(&["OP123XXXXXXXX00-PD00001".to_owned()][..])
    );
    assert_eq!(credentials.device_is_banned, Some(false));
}

#[tokio::test]
async fn an_unknown_state_still_parses() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(200)
                .json_body(json!({ "stato": "Sospeso", "extra": {"nested": true} }));
        })
        .await;
    let credentials = client::<Client>(&server, TOKEN)
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        credentials.stato,
        Some(types::Stato::Unknown("Sospeso".into()))
    );
    assert_eq!(credentials.stato.as_ref().unwrap().as_str(), "Sospeso");
}

#[tokio::test]
async fn get_credentials_percent_encodes_the_path() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/a%2Fb%20c");
            then.status(200).json_body(json!({}));
        })
        .await;
    client::<Client>(&server, TOKEN)
        .get_credentials()
        .credentials_id("a/b c")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The typed helper matches a path value the way the client sends it: percent-encoded, and
/// literally (`+`, `(` and `.` are not regex syntax there).
#[tokio::test]
async fn the_typed_mock_matches_an_encoded_path_value_literally() {
    let server = MockServer::start_async().await;
    let exact = server.get_credentials(|when, then| {
        when.credentials_id("a/b c+(1).");
        then.ok(&types::CredentialsModel::default());
    });
    let api = client::<Client>(&server, TOKEN);
    api.get_credentials()
        .credentials_id("a/b c+(1).")
        .send()
        .await
        .unwrap();
    assert_eq!(exact.calls(), 1);
    // `a%2Fb%20ccc1x` matches the pattern `a%2Fb%20c+(1).` read as a regex.
    let other = api
        .get_credentials()
        .credentials_id("a/b ccc1x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404), "{other:?}");
    assert_eq!(exact.calls(), 1);
}

#[tokio::test]
async fn get_credentials_status_exposes_sites_and_a_redacted_pin() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/credentials/B4HUPE820/status")
                .header("authorization", BEARER);
            then.status(200).json_body(json!({
                "identifier": ID,
                "pin": "482913",
                "stato": "Nuovo",
                "is_abbinato_solo_soggetto": true,
                "siti": [{
                    "num_iscr_sito": "OP123XXXXXXXX00-PD00001",
                    "nome": "Sede",
                    "indirizzo": "Via Roma",
                    "civico": "1",
                    "comune_id": "028060",
                    "provincia_id": "PD"
                }]
            }));
        })
        .await;
    let status = client::<Client>(&server, TOKEN)
        .get_credentials_status()
        .credentials_id(ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let pin = status.pin.as_ref().unwrap();
    assert_eq!(pin.expose(), "482913");
    assert!(!format!("{status:?}").contains("482913"));
    assert_eq!(status.stato, Some(types::Stato::Nuovo));
    assert_eq!(status.is_abbinato_solo_soggetto, Some(true));
    let site = &status.siti.as_ref().unwrap()[0];
    assert_eq!(site.comune_id.as_deref(), Some("028060"));
    assert_eq!(site.provincia_id.as_deref(), Some("PD"));
}

#[tokio::test]
async fn change_pin_puts_both_pins_and_succeeds_with_an_empty_200() {
    let server = MockServer::start_async().await;
    let pins: types::ChangePinRequest = types::ChangePinRequest::builder()
        .current_pin("111111")
        .new_pin("222222")
        .try_into()
        .unwrap();
    let mock = server.change_pin(|when, then| {
        when.credentials_id(&ID.parse().unwrap())
            .body(&pins)
            .into_inner()
            .header("authorization", BEARER)
            .header("content-type", "application/json");
        then.ok();
    });
    let answer = client::<Client>(&server, TOKEN)
        .change_pin()
        .credentials_id(ID)
        .body_map(|body| body.current_pin("111111").new_pin("222222"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn change_pin_checks_the_credentials_id_length() {
    let server = MockServer::start_async().await;
    let error = client::<Client>(&server, TOKEN)
        .change_pin()
        .credentials_id("TOO-LONG-ID")
        .body_map(|body| body.current_pin("111111").new_pin("222222"))
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("invalid credentials_id: longer than 9 characters"),
        "{error}"
    );
}

#[tokio::test]
async fn reset_pin_completes_with_a_new_pin() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/credentials/B4HUPE820/reset-pin")
                .header("authorization", BEARER)
                .json_body(
                    json!({ "token": "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "new_pin": "333333" }),
                );
            then.status(200);
        })
        .await;
    client::<Client>(&server, TOKEN)
        .reset_pin()
        .credentials_id(ID)
        .body_map(|body| {
            body.token(uuid::Uuid::parse_str("6f1c2d3e-4b5a-4c6d-8e7f-901234567890").unwrap())
                .new_pin(Some("333333".parse().unwrap()))
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn reset_pin_aborts() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/credentials/B4HUPE820/reset-pin")
                .json_body(
                    json!({ "token": "00000000-0000-0000-0000-000000000000", "abort": true }),
                );
            then.status(200);
        })
        .await;
    client::<Client>(&server, TOKEN)
        .reset_pin()
        .credentials_id(ID)
        .body_map(|body| body.token(uuid::Uuid::nil()).abort(Some(true)))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_credentials_succeeds_with_202() {
    let server = MockServer::start_async().await;
    let mock = server.delete_credentials(|when, then| {
        when.credentials_id(&ID.parse().unwrap())
            .into_inner()
            .header("authorization", BEARER);
        then.accepted();
    });
    let answer = client::<Client>(&server, TOKEN)
        .delete_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 202);
}

#[tokio::test]
async fn delete_credentials_422_keeps_status_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/credentials/B4HUPE820");
            then.status(422)
                .header("content-type", "application/problem+json")
                .json_body(json!({
                    "type": "https://demoapi.rentri.gov.it/problems/device",
                    "title": "Eliminazione del dispositivo non riuscita",
                    "status": 422
                }));
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .delete_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 422);
    let problem: ServiceError = error.service_error().unwrap();
    assert_eq!(
        problem.title.as_deref(),
        Some("Eliminazione del dispositivo non riuscita")
    );
    assert_eq!(problem.status, Some(422));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn remove_site_association_sends_the_site_in_the_query() {
    let server = MockServer::start_async().await;
    let mock = server.remove_site_association(|when, then| {
        when.credentials_id(&ID.parse().unwrap())
            .num_iscr_sito("OP123XXXXXXXX00-PD00001")
            .into_inner()
            .header("authorization", BEARER);
        then.accepted();
    });
    let answer = client::<Client>(&server, TOKEN)
        .remove_site_association()
        .credentials_id(ID)
        .num_iscr_sito("OP123XXXXXXXX00-PD00001")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 202);
}

/// One operation per documented error status, each with a problem+json body.
#[tokio::test]
async fn error_statuses_keep_status_headers_and_problem() {
    for status in [400u16, 403, 404, 422, 429, 500] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(DELETE).path("/credentials/B4HUPE820");
                then.status(status)
                    .header("content-type", "application/problem+json")
                    .header("retry-after", "10")
                    .json_body(json!({ "title": format!("problem {status}"), "status": status, "detail": "see the guide" }));
            })
            .await;
        let error = client::<Client>(&server, TOKEN)
            .delete_credentials()
            .credentials_id(ID)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().unwrap(), status);
        assert_eq!(
            error.headers().unwrap()["content-type"],
            "application/problem+json"
        );
        assert_eq!(
            error.retry_after(),
            Some(std::time::Duration::from_secs(10))
        );
        let problem = error.service_error::<ServiceError>().unwrap();
        assert_eq!(problem.status, Some(i32::from(status)));
        assert_eq!(error.message().as_deref(), Some("see the guide"));
        assert_eq!(error.is_retryable(), status == 429, "{status}");
    }
}

#[tokio::test]
async fn rate_limit_exposes_retry_after_to_the_caller() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820/status");
            then.status(429).header("retry-after", "10");
        })
        .await;
    let error: Error = client::<Client>(&server, TOKEN)
        .get_credentials_status()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        mock.calls_async().await,
        1,
        "retries are disabled in these tests"
    );
    assert_eq!(error.status().unwrap(), 429);
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_secs(10))
    );
    assert!(error.is_retryable());
    assert!(
        error
            .to_string()
            .ends_with("429 Too Many Requests with an empty body (retry after 10s)"),
        "{error}"
    );
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_kept_as_text() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html><body>Bad Gateway</body></html>");
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 502);
    assert_eq!(
        error.body().unwrap(),
        b"<html><body>Bad Gateway</body></html>"
    );
    assert!(error.service_error::<ServiceError>().is_none());
    assert!(
        error
            .to_string()
            .contains("502 Bad Gateway: <html><body>Bad Gateway</body></html>"),
        "{error}"
    );
}

#[tokio::test]
async fn truncated_json_on_200_keeps_status_headers_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820");
            then.status(200)
                .header("x-request-id", "req-7")
                .body(r#"{"identifier": "B4HU"#);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_credentials()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), credkit_rentri_ca::ErrorKind::Decode(_)),
        "{error:?}"
    );
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(error.headers().unwrap()["x-request-id"], "req-7");
    assert_eq!(error.body().unwrap(), br#"{"identifier": "B4HU"#);
    assert!(
        error
            .to_string()
            .contains("does not match the API description"),
        "{error}"
    );
}

#[tokio::test]
async fn an_empty_200_where_json_is_expected_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/credentials/B4HUPE820/status");
            then.status(200);
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_credentials_status()
        .credentials_id(ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap(), 200);
    assert_eq!(error.body().unwrap(), b"");
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output() {
    let client = client::<Client>(&MockServer::start_async().await, TOKEN);
    let printed = format!("{client:?}");
    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains("Bearer(<redacted>)"), "{printed}");
}

#[tokio::test]
async fn change_pin_refuses_a_short_pin_its_type_did_not_check_without_sending_or_showing_it() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    // Deserialized, the PIN's type accepts any length (as an answer's PIN is read): the
    // spec's limits are checked before sending, as `get_boarding_info`'s `pin` is.
    let body: types::ChangePinRequest =
        serde_json::from_value(json!({ "current_pin": "111111", "new_pin": "12345" })).unwrap();
    let error = client::<Client>(&server, TOKEN)
        .change_pin()
        .credentials_id(ID)
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(any.calls_async().await, 0);
    assert!(
        matches!(
            error.kind(),
            credkit_rentri_ca::ErrorKind::InvalidRequest(m)
                if m == "invalid body: new_pin: must be at least 6 characters (it has 5)"
        ),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("12345"), "{error:?}");
}

//! Every Openapi.it PEC operation against a mock server: what was sent (method, path, query,
//! bearer token, body, both forms of the union fields) and what came back, the documented
//! error statuses with their published bodies, and streamed downloads. Which operations are
//! retried after what (renewals and billing changes never after a 5xx) is in `retries.rs`.

mod fixtures;

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use chrono::{NaiveDate, TimeZone, Utc};
use credkit_openapi_pec::mock::MockServerExt;
use credkit_openapi_pec::types::{
    self, CallbackEcho, CallbackMethod, Documenti, MailboxState, MailboxType, SpaceAmount,
};
use credkit_openapi_pec::{
    Answer, Client, Download, Enveloped, Environment, Error, ErrorKind, SERVICE, ServiceError,
    SpaceChange, format_date, from_epoch, parse_date, refusal, servers,
};
use credkit_tests::calls::{self, openapi_pec::ID, openapi_pec::register_body};
use credkit_tests::client;
use httpmock::Method;
use httpmock::prelude::*;
use serde_json::{Value, json};

const TOKEN: &str = "pec-token-for-tests";
const BEARER: &str = "Bearer pec-token-for-tests";
const REQUEST_ID: &str = "60ad149c3a7168084f1d2b68";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/openapi-pec/tests/fixtures")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A published sample as the client's own type, for the typed mock helpers.
fn typed<T: serde::de::DeserializeOwned>(sample: Value) -> T {
    serde_json::from_value(sample).expect("a published sample parses as its type")
}

fn envelope(data: Value) -> Value {
    json!({ "data": data, "success": true, "message": "", "error": null })
}

/// A unique path in the temporary directory, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = format!(
            "credkit-pec-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Self(std::env::temp_dir().join(unique))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ----- one test per operation: what was sent, what came back -----

#[tokio::test]
async fn check_domain_answers_in_the_message() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/domini_pec/legalmail.it")
                .header("authorization", BEARER)
                .header("accept", "application/json")
                .header_missing("api-version");
            then.status(200)
                .json_body(fixture("check_domain.response.published.json"));
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .check_domain()
        .dominio("legalmail.it")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 200);
    let answer = answer.into_inner().expect("a 200 carries the envelope");
    assert!(answer.is_success());
    assert_eq!(answer.message(), Some("legalmail.it found!"));
    assert_eq!(answer.error_code(), None);
    assert_eq!(answer.into_data().unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn check_domain_204_is_an_answer_without_content() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/domini_pec/example.com")
                .header("authorization", BEARER);
            then.status(204).header("x-request-id", "r-204");
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .check_domain()
        .dominio("example.com")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 204);
    assert_eq!(answer.headers()["x-request-id"], "r-204");
    assert_eq!(answer.into_inner(), None);
}

#[tokio::test]
async fn check_availability_sends_the_address_in_the_path() {
    let server = MockServer::start_async().await;
    let mock = server.check_availability(|when, then| {
        when.pec("prova_pec@legalmail.it")
            .into_inner()
            .header("authorization", BEARER);
        then.ok(&typed(fixture(
            "check_availability.response.published.json",
        )));
    });
    let available = client::<Client>(&server, TOKEN)
        .check_availability()
        .pec("prova_pec@legalmail.it")
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(available.available, Some(true));
}

#[tokio::test]
async fn list_mailboxes_parses_the_summaries() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/pec")
                .header("authorization", BEARER);
            then.status(200)
                .json_body(fixture("list_mailboxes.response.published.json"));
        })
        .await;
    let mailboxes = client::<Client>(&server, TOKEN)
        .list_mailboxes()
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailboxes.len(), 2);
    let first = &mailboxes[0];
    assert_eq!(first.id.as_deref(), Some(ID));
    assert_eq!(first.tipo_casella, Some(MailboxType::Bronze));
    assert_eq!(first.stato, Some(MailboxState::Revocata));
    assert_eq!(first.expiry_date(), NaiveDate::from_ymd_opt(2022, 3, 4));
    let times = first.timestamp.as_ref().unwrap();
    assert_eq!(
        times.registered_at(),
        Some(Utc.with_ymd_and_hms(2021, 3, 4, 13, 45, 4).unwrap())
    );
    assert_eq!(times.revoked_at().unwrap().timestamp(), 1_614_868_400);
    assert_eq!(mailboxes[1].stato, Some(MailboxState::Evasa));
    assert_eq!(mailboxes[1].timestamp.as_ref().unwrap().revoked_at(), None);
}

#[tokio::test]
async fn register_mailbox_posts_the_published_sample() {
    let mut expected = fixture("register_mailbox.request.published.json");
    // `autorinnovo` has a default (false) and is always sent.
    expected["autorinnovo"] = json!(false);
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/pec")
                .header("authorization", BEARER)
                .header("content-type", "application/json")
                .json_body(expected);
            then.status(200)
                .json_body(fixture("register_mailbox.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .register_mailbox()
        .body_map(register_body)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailbox.id.as_deref(), Some("6045fdee3a716847a978a471"));
    assert_eq!(mailbox.tipo_casella, Some(MailboxType::Bronze));
    assert_eq!(mailbox.stato, Some(MailboxState::Registrata));
    assert_eq!(mailbox.tipo_cliente, Some(types::CustomerType::Pv));
    assert_eq!(
        mailbox.sottotipo_cliente,
        Some(types::CustomerSubtype::Unknown(String::new()))
    );
    assert_eq!(mailbox.sesso_richiedente, Some(types::Gender::M));
    assert_eq!(
        mailbox.applicant_birth_date(),
        NaiveDate::from_ymd_opt(1982, 4, 11)
    );
    // Not activated yet: the expiry date is empty.
    assert_eq!(mailbox.data_scadenza.as_deref(), Some(""));
    assert_eq!(mailbox.expiry_date(), None);
    assert_eq!(mailbox.spazio_disco, Some(0));
    assert_eq!(mailbox.autorinnovo, Some(false));
}

#[tokio::test]
async fn register_mailbox_checks_required_values_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    let empty_address = client
        .register_mailbox()
        .body_map(|body| register_body(body).casella_pec(""))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(empty_address.kind(), ErrorKind::InvalidRequest(_)),
        "{empty_address:?}"
    );
    assert!(
        empty_address.to_string().contains("casella_pec"),
        "{empty_address}"
    );
    let five_digit_year = client
        .register_mailbox()
        .body_map(|body| {
            register_body(body)
                .data_nascita_richiedente(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap())
        })
        .send()
        .await
        .unwrap_err();
    assert!(
        five_digit_year
            .to_string()
            .contains("10000-01-01 is not a dd/mm/yyyy date"),
        "{five_digit_year}"
    );
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn get_mailbox_parses_the_published_detail() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/pec/{ID}"))
                .header("authorization", BEARER)
                .header("accept", "application/json");
            then.status(200)
                .json_body(fixture("get_mailbox.response.published.json"));
        })
        .await;
    let answer = client::<Client>(&server, TOKEN)
        .get_mailbox()
        .id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.message(), None, "an empty message reads as none");
    let mailbox = answer.into_data().unwrap();
    assert_eq!(
        mailbox.casella_pec.as_deref(),
        Some("yourpec@testcert.legalmail.it")
    );
    assert_eq!(mailbox.stato, Some(MailboxState::Revocata));
    assert_eq!(
        mailbox.activation_date(),
        NaiveDate::from_ymd_opt(2021, 3, 4)
    );
    assert_eq!(mailbox.expiry_date(), NaiveDate::from_ymd_opt(2022, 3, 4));
    assert_eq!(
        mailbox.timestamp.as_ref().unwrap().expires_at(),
        from_epoch(1_646_391_493)
    );
    assert_eq!(mailbox.spazio_disco, Some(3072));
    assert_eq!(mailbox.spazio_conservazione, Some(512));
    assert_eq!(mailbox.conservazione, Some(true));
    let Some(CallbackEcho::Callback(callback)) = &mailbox.callback else {
        panic!("{:?}", mailbox.callback)
    };
    assert_eq!(callback.method, Some(CallbackMethod::Post));
    assert_eq!(callback.data, Some(serde_json::Map::new()));
    let user = &mailbox.multiutenza.as_ref().unwrap()[0];
    assert_eq!(user.userid.as_deref(), Some("MA177993"));
    assert_eq!(
        user.timestamp.as_ref().unwrap().activated_at(),
        from_epoch(1_614_868_138)
    );
    assert_eq!(mailbox.documenti_attivazione.as_ref().unwrap().len(), 2);
}

#[tokio::test]
async fn revoke_mailbox_deletes_it() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/pec/{ID}"))
                .header("authorization", BEARER);
            then.status(200)
                .json_body(fixture("revoke_mailbox.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .revoke_mailbox()
        .id(ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailbox.stato, Some(MailboxState::Revocata));
    assert!(mailbox.timestamp.unwrap().revoked_at().is_some());
}

#[tokio::test]
async fn activate_mailbox_sends_several_documents_as_a_list() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/pec/{ID}/attivazione"))
                .header("authorization", BEARER)
                .header("content-type", "application/json")
                // "%PDF-1" and "%PDF-2" in base64
                .json_body(json!({ "documenti": ["JVBERi0x", "JVBERi0y"] }));
            then.status(200)
                .json_body(fixture("activate_mailbox.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .activate_mailbox()
        .id(ID)
        .body_map(|body| body.documenti(Documenti::from_many([b"%PDF-1", b"%PDF-2"])))
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailbox.stato, Some(MailboxState::InEvasione));
}

#[tokio::test]
async fn activate_mailbox_sends_one_document_as_a_string() {
    let file = TempPath::new("modulo.pdf");
    std::fs::write(&file.0, b"%PDF-1.4\n\x00\xff").unwrap();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/pec/{ID}/attivazione"))
                .header("authorization", BEARER)
                .json_body(json!({ "documenti": "JVBERi0xLjQKAP8=" }));
            then.status(200).json_body(envelope(json!({ "id": ID })));
        })
        .await;
    client::<Client>(&server, TOKEN)
        .activate_mailbox()
        .id(ID)
        .body_map(|body| body.documenti(Documenti::from_file(&file.0).unwrap()))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn change_mailbox_space_sends_set_as_an_integer_and_add_as_a_string() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/pec/{ID}/modifica"))
                .header("authorization", BEARER)
                .json_body(json!({
                    "spazio_disco": 2048,
                    "spazio_storico": "+1024",
                    "spazio_conservazione": "+512"
                }));
            then.status(200)
                .json_body(fixture("change_mailbox_space.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .change_mailbox_space()
        .id(ID)
        .body_map(|body| {
            body.spazio_disco(SpaceAmount::set(2048))
                .spazio_storico(SpaceAmount::add(1024))
                .spazio_conservazione(SpaceAmount::from(SpaceChange::Add(512)))
        })
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert!(mailbox.spazio_disco.is_some());
}

#[tokio::test]
async fn change_mailbox_space_sends_only_what_is_given() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/pec/{ID}/modifica"))
                .json_body(json!({ "spazio_disco": "+1024" }));
            then.status(200).json_body(envelope(json!({})));
        })
        .await;
    client::<Client>(&server, TOKEN)
        .change_mailbox_space()
        .id(ID)
        .body_map(|body| body.spazio_disco(SpaceAmount::add(1024)))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn enable_conservation_sends_space_and_documents() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/pec/{ID}/conservazione"))
                .header("authorization", BEARER)
                .json_body(json!({ "spazio_conservazione": 1024, "documenti": "JVBERi0x" }));
            then.status(200)
                .json_body(fixture("enable_conservation.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .enable_conservation()
        .id(ID)
        .body_map(|body| {
            body.spazio_conservazione(SpaceAmount::set(1024))
                .documenti(Documenti::from_bytes(b"%PDF-1"))
        })
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailbox.conservazione, Some(true));
}

#[tokio::test]
async fn change_mailbox_type_patches_the_type() {
    let server = MockServer::start_async().await;
    let mock = server.change_mailbox_type(|when, then| {
        when.id(ID)
            .body(&typed(fixture(
                "change_mailbox_type.request.published.json",
            )))
            .into_inner()
            .header("authorization", BEARER);
        then.ok(&typed(fixture(
            "change_mailbox_type.response.published.json",
        )));
    });
    let mailbox = client::<Client>(&server, TOKEN)
        .change_mailbox_type()
        .id(ID)
        .body_map(|body| body.tipo_casella(types::MailboxUpgradeType::Gold))
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mailbox.tipo_casella, Some(MailboxType::Gold));
}

#[tokio::test]
async fn renew_mailbox_sends_the_years_in_the_query() {
    let server = MockServer::start_async().await;
    let two_years = server.renew_mailbox(|when, then| {
        when.id(ID)
            .anni(std::num::NonZeroU32::new(2))
            .into_inner()
            .header("authorization", BEARER);
        then.ok(&typed(fixture("renew_mailbox.response.published.json")));
    });
    let default_years = server.renew_mailbox(|when, then| {
        when.id(ID).anni(None);
        then.ok(&typed(envelope(json!({ "id": ID }))));
    });
    let client = client::<Client>(&server, TOKEN);
    let renewed = client
        .renew_mailbox()
        .id(ID)
        .anni(2u32)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    two_years.assert_async().await;
    assert_eq!(renewed.stato, Some(MailboxState::Evasa));
    client.renew_mailbox().id(ID).send().await.unwrap();
    default_years.assert_async().await;

    let zero = client
        .renew_mailbox()
        .id(ID)
        .anni(0u32)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(zero.kind(), ErrorKind::InvalidRequest(_)),
        "{zero:?}"
    );
    assert!(zero.to_string().contains("invalid anni"), "{zero}");
}

#[tokio::test]
async fn add_mailbox_user_posts_the_user() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/pec/{ID}/multiutenza"))
                .header("authorization", BEARER)
                .json_body(fixture("add_mailbox_user.request.published.json"));
            then.status(200)
                .json_body(fixture("add_mailbox_user.response.published.json"));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .add_mailbox_user()
        .id(ID)
        .body_map(|body| {
            body.nome("luca")
                .cognome("bianchi")
                .descrizione("prima utenza")
                .email_gestione_password("mail@domain.com")
        })
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    let users = mailbox.multiutenza.unwrap();
    assert_eq!(users[0].nome.as_deref(), Some("luca"));
    assert!(users[0].id_utenza.is_some());
}

#[tokio::test]
async fn list_registry_communications_parses_the_summaries() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/comunica_pec")
                .header("authorization", BEARER);
            then.status(200).json_body(fixture(
                "list_registry_communications.response.published.json",
            ));
        })
        .await;
    let requests = client::<Client>(&server, TOKEN)
        .list_registry_communications()
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].stato,
        Some(types::RegistryCommunicationState::ComunicazioneEvasa)
    );
    assert_eq!(requests[0].updated_at(), from_epoch(1_622_127_248));
}

#[tokio::test]
async fn create_registry_communication_posts_the_published_sample() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/comunica_pec")
                .header("authorization", BEARER)
                .json_body(fixture(
                    "create_registry_communication.request.published.json",
                ));
            then.status(200).json_body(fixture(
                "create_registry_communication.response.published.json",
            ));
        })
        .await;
    let request = client::<Client>(&server, TOKEN)
        .create_registry_communication()
        .body_map(|body| {
            body.casella_pec("mypec@pec.com")
                .cf("RSSMRA80A01L117D")
                .nome("mario")
                .cognome("rossi")
                .qualifica(types::ApplicantRole::LegaleRappresentante)
                .email("mail@domain.com")
                .cellulare("34xxxxxx18")
                .ragione_sociale("azienda test")
                .cf_piva("12345678910")
                .comune("roma")
                .provincia("RM")
        })
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(request.id.as_deref(), Some(REQUEST_ID));
    assert_eq!(request.callback, Some(CallbackEcho::Boolean(false)));
    assert_eq!(
        request.qualifica,
        Some(types::ApplicantRole::LegaleRappresentante)
    );
    assert_eq!(
        request.stato,
        Some(types::RegistryCommunicationState::CodiceInRichiesta)
    );
    assert_eq!(
        request.updated_at(),
        Some(Utc.with_ymd_and_hms(2021, 5, 25, 15, 15, 39).unwrap())
    );
}

#[tokio::test]
async fn get_registry_communication_parses_the_detail() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/comunica_pec/{REQUEST_ID}"))
                .header("authorization", BEARER);
            then.status(200).json_body(fixture(
                "get_registry_communication.response.published.json",
            ));
        })
        .await;
    let request = client::<Client>(&server, TOKEN)
        .get_registry_communication()
        .id(REQUEST_ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        request.documenti_registro_imprese.as_deref(),
        Some(&["60ad149c3a7168084f1d2b68_0_registro_imprese.p7m".to_owned()][..])
    );
}

#[tokio::test]
async fn upload_registry_communication_documents_sends_the_signed_file() {
    let p7m = b"0\x82\x01\x00signed";
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("/comunica_pec/{REQUEST_ID}"))
                .header("authorization", BEARER)
                .json_body(json!({ "documenti": "MIIBAHNpZ25lZA==" }));
            then.status(200).json_body(fixture(
                "upload_registry_communication_documents.response.published.json",
            ));
        })
        .await;
    let request = client::<Client>(&server, TOKEN)
        .upload_registry_communication_documents()
        .id(REQUEST_ID)
        .body_map(|body| body.documenti(Documenti::from_bytes(p7m)))
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        request.stato,
        Some(types::RegistryCommunicationState::DocumentiCaricati)
    );
}

#[tokio::test]
async fn the_three_forms_download_as_pdf() {
    let pdf = b"%PDF-1.7\n\x00\x01\xfe\xff\n%%EOF\n";
    for operation in [
        "download_activation_form",
        "download_conservation_form",
        "download_registry_power_of_attorney",
    ] {
        let server = MockServer::start_async().await;
        // The typed helpers send the bytes with the spec's media type, `application/pdf`.
        let mock = match operation {
            "download_activation_form" => server.download_activation_form(|when, then| {
                when.id(ID).into_inner().header("authorization", BEARER);
                then.ok(pdf);
            }),
            "download_conservation_form" => server.download_conservation_form(|when, then| {
                when.id(ID).into_inner().header("authorization", BEARER);
                then.ok(pdf);
            }),
            _ => server.download_registry_power_of_attorney(|when, then| {
                when.id(REQUEST_ID)
                    .into_inner()
                    .header("authorization", BEARER);
                then.ok(pdf);
            }),
        };
        let client = client::<Client>(&server, TOKEN);
        let response = match operation {
            "download_activation_form" => client.download_activation_form().id(ID).send().await,
            "download_conservation_form" => client.download_conservation_form().id(ID).send().await,
            _ => {
                client
                    .download_registry_power_of_attorney()
                    .id(REQUEST_ID)
                    .send()
                    .await
            }
        }
        .unwrap();
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let mut received = Vec::new();
        let written = response.write_to(&mut received).await.unwrap();
        mock.assert_async().await;
        assert_eq!(received, pdf, "{operation}");
        assert_eq!(written, pdf.len() as u64);
    }
}

// ----- documented errors -----

/// Calls `operation` with valid arguments; the mock decides the answer.
async fn call(client: &Client, operation: &str) -> Result<(), Error> {
    calls::openapi_pec::call(client, operation, calls::openapi_pec::path_value(operation)).await
}

/// The method and concrete path `call` uses for `operation`.
fn route(operation: &str) -> (Method, String) {
    let meta = SERVICE
        .operation(operation)
        .unwrap_or_else(|| panic!("unknown operation `{operation}`"));
    let path = meta
        .path
        .replace("{id}", ID)
        .replace("{dominio}", "legalmail.it")
        .replace("{pec}", "prova_pec@legalmail.it");
    (meta.method.parse().unwrap(), path)
}

/// The error fixtures: `(operation, status, file name)` for `<operation>.<status>.*`.
fn error_fixtures(extension: &str) -> Vec<(String, u16, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let parts: Vec<&str> = name.split('.').collect();
        if let [operation, status, _source, ext] = parts[..]
            && ext == extension
            && let Ok(status) = status.parse::<u16>()
        {
            found.push((operation.to_owned(), status, name.clone()));
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn every_documented_error_status_keeps_its_envelope_message() {
    let cases = error_fixtures("json");
    assert_eq!(
        cases.len(),
        54,
        "one published example per documented JSON error"
    );
    let mut statuses: Vec<u16> = cases.iter().map(|(_, status, _)| *status).collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses, [400, 402, 404, 406, 428, 503]);
    let server = MockServer::start_async().await;
    let client = client::<Client>(&server, TOKEN);
    for (operation, status, file) in &cases {
        let body = fixture(file);
        let (method, path) = route(operation);
        let mock = server
            .mock_async(|when, then| {
                when.method(method)
                    .path(&path)
                    .header("authorization", BEARER);
                then.status(*status)
                    .header("content-type", "application/json")
                    .json_body(body.clone());
            })
            .await;
        let error = call(&client, operation).await.unwrap_err();
        mock.assert_async().await;
        mock.delete_async().await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(*status), "{file}");
        assert_eq!(error.operation(), Some(operation.as_str()), "{file}");
        let expected: ServiceError = serde_json::from_value(body.clone()).unwrap();
        let envelope = error.service_error::<ServiceError>().unwrap();
        assert_eq!(envelope, expected, "{file}");
        assert_eq!(envelope.success, Some(false), "{file}");
        assert!(envelope.error.is_some(), "{file}");
        assert_eq!(error.message(), expected.message, "{file}");
        assert_eq!(refusal(&error), Some(expected.clone()), "{file}");
        assert!(
            error
                .to_string()
                .ends_with(&format!(": {}", expected.message.as_deref().unwrap())),
            "{error}"
        );
    }
}

#[tokio::test]
async fn download_errors_keep_their_plain_text() {
    let cases = error_fixtures("txt");
    assert_eq!(
        cases.len(),
        9,
        "400, 404 and 406 for each of the three downloads"
    );
    let server = MockServer::start_async().await;
    let client = client::<Client>(&server, TOKEN);
    for (operation, status, file) in &cases {
        let text = fixture_text(file);
        let (method, path) = route(operation);
        let mock = server
            .mock_async(|when, then| {
                when.method(method).path(&path);
                then.status(*status)
                    .header("content-type", "text/plain")
                    .body(&text);
            })
            .await;
        let error = call(&client, operation).await.unwrap_err();
        mock.delete_async().await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(*status), "{file}");
        assert_eq!(error.message().as_deref(), Some(text.trim()), "{file}");
        assert_eq!(error.body(), Some(text.as_bytes()), "{file}");
        assert!(error.service_error::<ServiceError>().is_none(), "{file}");
        assert_eq!(refusal(&error), None, "{file}");
    }
}

#[tokio::test]
async fn success_false_in_a_200_is_an_error_with_message_and_code() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/pec/{ID}"));
            then.status(200)
                .header("x-request-id", "r-1")
                .json_body(json!({
                    "data": null, "success": false, "message": "no pec found", "error": 202
                }));
        })
        .await;
    let error = client::<Client>(&server, TOKEN)
        .get_mailbox()
        .id(ID)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Api(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.headers().unwrap()["x-request-id"], "r-1");
    assert_eq!(error.operation(), Some("get_mailbox"));
    assert_eq!(error.message().as_deref(), Some("no pec found"));
    let envelope = error.service_error::<ServiceError>().unwrap();
    assert_eq!(envelope.error, Some(202));
    assert_eq!(refusal(&error), Some(envelope));
    assert_eq!(
        error.to_string(),
        "openapi-pec get_mailbox: the server answered 200 OK but reported a failure: no pec found"
    );
    assert!(!error.is_retryable());
}

/// The error of a `get_mailbox` answered `200` with `body`.
async fn get_mailbox_error(body: Value) -> Error {
    get_mailbox_answer(body).await.unwrap_err()
}

/// What `get_mailbox` answers when the server sends `body` with a 200.
async fn get_mailbox_answer(body: Value) -> Result<Answer<types::MailboxEnvelope>, Error> {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/pec/{ID}"));
            then.status(200).json_body(body);
        })
        .await;
    client::<Client>(&server, TOKEN)
        .get_mailbox()
        .id(ID)
        .send()
        .await
}

#[tokio::test]
async fn success_false_is_a_refusal_even_when_data_does_not_fit_the_answer_type() {
    let error = get_mailbox_error(json!({
        "data": "not a mailbox", "success": false, "message": "no pec found", "error": 202
    }))
    .await;
    assert!(matches!(error.kind(), ErrorKind::Api(_)), "{error:?}");
    assert_eq!(error.message().as_deref(), Some("no pec found"));
}

#[tokio::test]
async fn success_true_with_data_that_does_not_fit_reads_as_no_data() {
    let answer = get_mailbox_answer(json!({
        "data": "not a mailbox", "success": true, "message": "", "error": ""
    }))
    .await
    .unwrap();
    let listed: Vec<String> = answer.unfit().iter().map(ToString::to_string).collect();
    assert_eq!(
        listed,
        [
            "/data: expected object Casella, found \"not a mailbox\" (read as absent)",
            "/error: expected integer, found \"\" (read as absent)",
        ]
    );
    // Unwrapping the envelope then says what is missing.
    let error = answer.into_inner().into_data().unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
}

#[test]
fn an_envelope_built_by_hand_that_reports_a_failure_gives_no_data() {
    let envelope = types::MailboxEnvelope {
        data: None,
        success: Some(false),
        message: Some("no pec found".into()),
        error: Some(202),
    };
    assert!(!envelope.is_success());
    assert_eq!(envelope.message(), Some("no pec found"));
    assert_eq!(envelope.error_code(), Some(202));
    let error = envelope.into_data().unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert_eq!(
        error.message().as_deref(),
        Some("the service reported a failure: no pec found (error 202)")
    );
    assert_eq!(refusal(&error).unwrap().error, Some(202));
}

#[tokio::test]
async fn a_missing_object_is_an_error_and_a_missing_list_is_empty() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/pec/{ID}"));
            then.status(200)
                .json_body(json!({ "success": true, "message": "done", "error": null }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/pec");
            then.status(200)
                .json_body(json!({ "success": true, "data": null }));
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    let error = client
        .get_mailbox()
        .id(ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap_err();
    assert_eq!(
        error.message().as_deref(),
        Some("the answer has no `data`: done")
    );
    assert_eq!(refusal(&error), None, "not a refusal: success was true");
    let empty = client
        .list_mailboxes()
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(empty.is_empty());
}

#[tokio::test]
async fn answers_stay_lenient() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/pec/{ID}"));
            then.status(200).json_body(json!({
                "data": {
                    "id": ID,
                    "stato": "sospesa",
                    "tipo_casella": "PLATINUM",
                    "callback": false,
                    "data_scadenza": "2022-03-04",
                    "timestamp": { "registrazione": 1614865504, "nuovo": 1 },
                    "a_new_field": { "nested": [1, 2] }
                },
                "success": true,
                "error": null
            }));
        })
        .await;
    let mailbox = client::<Client>(&server, TOKEN)
        .get_mailbox()
        .id(ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(mailbox.stato, Some(MailboxState::Unknown("sospesa".into())));
    assert_eq!(mailbox.tipo_casella.as_ref().unwrap().as_str(), "PLATINUM");
    assert_eq!(mailbox.callback, Some(CallbackEcho::Boolean(false)));
    assert_eq!(mailbox.data_scadenza.as_deref(), Some("2022-03-04"));
    assert_eq!(
        mailbox.expiry_date(),
        None,
        "not dd/mm/yyyy: kept as text only"
    );
    assert_eq!(mailbox.casella_pec, None);
    assert!(mailbox.timestamp.unwrap().registered_at().is_some());
}

#[tokio::test]
async fn a_null_callback_reads_as_absent() {
    let parsed: types::MailboxEnvelope =
        serde_json::from_value(envelope(json!({ "callback": null }))).unwrap();
    assert_eq!(parsed.data.unwrap().callback, None);
}

#[test]
fn the_readme_table_matches_the_service() {
    let readme = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/openapi-pec/README.md"
    ));
    let mut rows = Vec::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let ["", method, path, operation, replayed, ""] = cells[..]
            && let Some(operation) = operation
                .strip_prefix('`')
                .and_then(|o| o.strip_suffix('`'))
            && matches!(method, "GET" | "POST" | "PATCH" | "DELETE")
        {
            let path = path.trim_matches('`').split('?').next().unwrap().to_owned();
            rows.push((
                operation.to_owned(),
                method.to_owned(),
                path,
                replayed == "yes",
            ));
        }
    }
    let mut documented: Vec<_> = SERVICE
        .operations
        .iter()
        .map(|op| {
            (
                op.id.to_owned(),
                op.method.to_owned(),
                op.path.to_owned(),
                op.idempotent,
            )
        })
        .collect();
    rows.sort();
    documented.sort();
    assert_eq!(rows, documented);
    assert_eq!(rows.len(), 19);
}

#[test]
fn both_environments_are_known() {
    assert_eq!(
        SERVICE.server(Environment::Production),
        Some(servers::PRODUCTION)
    );
    assert_eq!(servers::PRODUCTION, "https://pec.openapi.it");
    assert_eq!(
        SERVICE.server(Environment::Sandbox),
        Some("https://test.pec.openapi.it")
    );
    assert!(
        Client::builder()
            .environment(Environment::Sandbox)
            .build()
            .is_ok()
    );
    let demo = Client::builder()
        .environment(Environment::Demo)
        .build()
        .unwrap_err();
    assert!(
        demo.to_string().contains("offers production, sandbox"),
        "{demo}"
    );
}

// ----- downloads: streaming a large form -----

/// Five MiB of bytes that are not a repeated pattern, with every byte value present.
fn large_pdf() -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..=255u8).rev());
    while pdf.len() < 5 * 1024 * 1024 - 6 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        pdf.extend_from_slice(&state.to_le_bytes());
    }
    pdf.extend_from_slice(b"%%EOF\n");
    pdf
}

#[tokio::test]
async fn a_large_form_is_streamed_to_a_file_byte_for_byte() {
    let pdf = large_pdf();
    assert!(pdf.len() >= 5 * 1024 * 1024 - 8);
    assert!(pdf.contains(&0x00) && pdf.contains(&0xFF));
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/pec/{ID}/modulo_attivazione"))
                .header("authorization", BEARER);
            then.status(200)
                .header("content-type", "application/pdf")
                .body(&pdf);
        })
        .await;
    let target = TempPath::new("modulo_attivazione.pdf");
    let written = client::<Client>(&server, TOKEN)
        .download_activation_form()
        .id(ID)
        .send()
        .await
        .unwrap()
        .save_to_file(&target.0)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(written, pdf.len() as u64);
    let saved = std::fs::read(&target.0).unwrap();
    assert_eq!(saved.len(), pdf.len());
    assert!(saved == pdf, "the saved file differs from the served body");
    let mut partial = target.0.clone().into_os_string();
    partial.push(".part");
    assert!(
        !PathBuf::from(partial).exists(),
        "the partial file was renamed"
    );
}

/// Records how the body arrives: how many writes, and the largest.
#[derive(Default)]
struct ChunkRecorder {
    bytes: Vec<u8>,
    writes: usize,
    largest: usize,
    flushed: bool,
}

impl tokio::io::AsyncWrite for ChunkRecorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.writes += 1;
        self.largest = self.largest.max(buf.len());
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.flushed = true;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_large_form_reaches_the_writer_in_chunks() {
    let pdf = large_pdf();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!(
                "/comunica_pec/{REQUEST_ID}/procura_registro_imprese"
            ));
            then.status(200).body(&pdf);
        })
        .await;
    let mut recorder = ChunkRecorder::default();
    client::<Client>(&server, TOKEN)
        .download_registry_power_of_attorney()
        .id(REQUEST_ID)
        .send()
        .await
        .unwrap()
        .write_to(&mut recorder)
        .await
        .unwrap();
    assert!(recorder.bytes == pdf);
    assert!(recorder.flushed);
    assert!(recorder.writes > 1, "{} write(s)", recorder.writes);
    assert!(
        recorder.largest < pdf.len() / 4,
        "the largest chunk was {} bytes of {}",
        recorder.largest,
        pdf.len()
    );
}

#[tokio::test]
async fn a_failed_save_leaves_no_file() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/pec/{ID}/modulo_conservazione"));
            then.status(200).body(b"%PDF-1.7");
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    let missing_dir = TempPath::new("missing-dir");
    let target = missing_dir.0.join("modulo.pdf");
    let error = client
        .download_conservation_form()
        .id(ID)
        .send()
        .await
        .unwrap()
        .save_to_file(&target)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    assert!(!target.exists());
    let no_name = client
        .download_conservation_form()
        .id(ID)
        .send()
        .await
        .unwrap()
        .save_to_file("/")
        .await
        .unwrap_err();
    assert_eq!(no_name.kind(), std::io::ErrorKind::InvalidInput);
}

// ----- helpers: documents, space, dates -----

#[test]
fn documents_are_encoded_from_bytes_and_files() {
    let one = TempPath::new("one.pdf");
    let two = TempPath::new("two.pdf");
    std::fs::write(&one.0, b"%PDF-1").unwrap();
    std::fs::write(&two.0, b"%PDF-2").unwrap();
    assert_eq!(
        Documenti::from_file(&one.0).unwrap(),
        Documenti::from_bytes(b"%PDF-1")
    );
    assert_eq!(
        serde_json::to_value(Documenti::from_bytes(b"%PDF-1")).unwrap(),
        json!("JVBERi0x")
    );
    let both = Documenti::from_files([&one.0, &two.0]).unwrap();
    assert_eq!(
        serde_json::to_value(&both).unwrap(),
        json!(["JVBERi0x", "JVBERi0y"])
    );
    assert_eq!(both.len(), 2);
    assert_eq!(both.encoded(), ["JVBERi0x", "JVBERi0y"]);
    assert_eq!(
        both.decode().unwrap(),
        [b"%PDF-1".to_vec(), b"%PDF-2".to_vec()]
    );

    let empty = TempPath::new("empty.pdf");
    std::fs::write(&empty.0, b"").unwrap();
    let error = Documenti::from_files([&one.0, &empty.0]).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(error.to_string().contains("is empty"), "{error}");
    let missing = TempPath::new("missing.pdf");
    let error = Documenti::from_file(&missing.0).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    assert!(error.to_string().contains("missing.pdf"), "{error}");
    let none: [&str; 0] = [];
    assert_eq!(
        Documenti::from_files(none).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
}

#[test]
fn space_amounts_say_set_or_add() {
    assert_eq!(
        serde_json::to_value(SpaceAmount::set(2048)).unwrap(),
        json!(2048)
    );
    assert_eq!(
        serde_json::to_value(SpaceAmount::add(1024)).unwrap(),
        json!("+1024")
    );
    assert_eq!(
        SpaceAmount::set(2048).change(),
        Some(SpaceChange::SetTo(2048))
    );
    assert_eq!(
        SpaceAmount::add(1024).change(),
        Some(SpaceChange::Add(1024))
    );
    // The forms of the published sample: "3072" sets, "+1024" adds, 1536 sets.
    let sample: types::ChangeMailboxSpaceRequest =
        serde_json::from_value(fixture("change_mailbox_space.request.published.json")).unwrap();
    assert_eq!(
        sample.spazio_disco.unwrap().change(),
        Some(SpaceChange::SetTo(3072))
    );
    assert_eq!(
        sample.spazio_storico.unwrap().change(),
        Some(SpaceChange::Add(1024))
    );
    assert_eq!(
        sample.spazio_conservazione.unwrap().change(),
        Some(SpaceChange::SetTo(1536))
    );
    // Parsing text keeps the `+`.
    let parsed: SpaceAmount = "+1024".parse().unwrap();
    assert_eq!(parsed.change(), Some(SpaceChange::Add(1024)));
    assert_eq!(serde_json::to_value(parsed).unwrap(), json!("+1024"));
    // Beyond i64, set goes as digits, which also set.
    assert_eq!(
        serde_json::to_value(SpaceAmount::set(u64::MAX)).unwrap(),
        json!(u64::MAX.to_string())
    );
    assert_eq!(
        SpaceAmount::set(u64::MAX).change(),
        Some(SpaceChange::SetTo(u64::MAX))
    );
    assert_eq!(SpaceAmount::Int64(-1).change(), None);
    assert!("-1024".parse::<types::SpaceAmountString>().is_err());
}

#[test]
fn dates_read_and_write_dd_mm_yyyy() {
    assert_eq!(
        parse_date("04/03/2022"),
        NaiveDate::from_ymd_opt(2022, 3, 4)
    );
    assert_eq!(
        parse_date(" 4/3/2022 "),
        NaiveDate::from_ymd_opt(2022, 3, 4)
    );
    for bad in [
        "",
        "2022-03-04",
        "31/02/2022",
        "04/03/22",
        "04/03/2022/1",
        "aa/bb/cccc",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    assert_eq!(
        format_date(NaiveDate::from_ymd_opt(1982, 4, 11).unwrap()),
        "11/04/1982"
    );
    assert_eq!(
        from_epoch(1_614_865_504),
        Some(Utc.with_ymd_and_hms(2021, 3, 4, 13, 45, 4).unwrap())
    );
    let field = types::RegisterMailboxRequestDataNascitaRichiedente::try_from(
        NaiveDate::from_ymd_opt(1982, 4, 11).unwrap(),
    )
    .unwrap();
    assert_eq!(field.as_str(), "11/04/1982");
}

#[tokio::test]
async fn a_space_below_the_specs_minimum_is_refused_before_sending_however_it_was_built() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({ "success": true }));
        })
        .await;
    let client = client::<Client>(&server, TOKEN);
    // typify's type is an i64 (the minimum is on a branch of a oneOf): the spec's limit is
    // what refuses it, through the builder as through a deserialized body.
    let built = client
        .change_mailbox_space()
        .id(ID)
        .body_map(|body| body.spazio_disco(credkit_openapi_pec::types::SpaceAmount::Int64(-5)))
        .send()
        .await
        .unwrap_err();
    let deserialized: credkit_openapi_pec::types::ChangeMailboxSpaceRequest =
        serde_json::from_value(json!({ "spazio_storico": -1024 })).unwrap();
    let read = client
        .change_mailbox_space()
        .id(ID)
        .body(deserialized)
        .send()
        .await
        .unwrap_err();
    for (error, reason) in [
        (built, "spazio_disco: -5 is less than the minimum 0"),
        (read, "spazio_storico: -1024 is less than the minimum 0"),
    ] {
        assert!(
            matches!(error.kind(), ErrorKind::InvalidRequest(m) if m.contains(reason)),
            "{error:?}"
        );
    }
    assert_eq!(any.calls_async().await, 0);
    // Within the range: sent.
    client
        .change_mailbox_space()
        .id(ID)
        .body_map(|body| body.spazio_disco(credkit_openapi_pec::types::SpaceAmount::Int64(2048)))
        .send()
        .await
        .unwrap();
    assert_eq!(any.calls_async().await, 1);
}

/// A limit a call leaves to the value's type (`checked_by_type`) is one the type checks: the
/// empty `casella_pec` its `minLength` refuses cannot be deserialized or parsed into the type,
/// so no value built either way reaches a call unchecked.
#[test]
fn each_limit_left_to_its_type_is_refused_by_the_type() {
    let marked: Vec<_> = credkit_openapi_pec::SERVICE
        .operations
        .iter()
        .flat_map(|op| op.limits.iter().map(move |limit| (op.id, limit)))
        .filter(|(_, limit)| limit.checked_by_type)
        .collect();
    assert!(!marked.is_empty());
    // `casella_pec` of a registry communication: `minLength: 1`, as one of the marked.
    let (_, limit) = marked
        .iter()
        .find(|(id, limit)| *id == "create_registry_communication" && limit.at == "/casella_pec")
        .expect("create_registry_communication's /casella_pec is left to its type");
    assert_eq!(limit.rule, credkit_runtime::Rule::MinLength(1));
    let empty: Result<credkit_openapi_pec::types::CreateRegistryCommunicationRequestCasellaPec, _> =
        serde_json::from_value(json!(""));
    assert!(empty.is_err(), "{empty:?}");
    let empty: Result<credkit_openapi_pec::types::CreateRegistryCommunicationRequestCasellaPec, _> =
        "".parse();
    assert!(empty.is_err());
}

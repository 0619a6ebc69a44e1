//! Every Openapi.it PEC operation with valid arguments.

use super::Seen;
use chrono::NaiveDate;
use credkit_openapi_pec::types::{self, Documenti, MailboxType, SpaceAmount};
use credkit_openapi_pec::{Client, Error};

/// A mailbox or communication id of the documented form.
pub const ID: &str = "6040e4613a716838dc4eee0e";

/// The path value [`call`] is given by default for `operation`.
pub fn path_value(operation: &str) -> &'static str {
    match operation {
        "check_domain" => "legalmail.it",
        "check_availability" => "prova_pec@legalmail.it",
        _ => ID,
    }
}

/// The published sample of a mailbox registration.
pub fn register_body(
    body: types::builder::RegisterMailboxRequest,
) -> types::builder::RegisterMailboxRequest {
    body.casella_pec("yourpec@testcert.legalmail.it")
        .tipo_casella(MailboxType::from("bronze"))
        .tipo_cliente(types::CustomerType::Pv)
        .sottotipo_cliente(types::CustomerSubtype::from(""))
        .sottotipo_cliente_altro(Some(String::new()))
        .nome_richiedente("mario")
        .cognome_richiedente("rossi")
        .email("mail@domain.com")
        .telefono("0548798569")
        .codice_fiscale_richiedente("RSSXXXXXXXX56E")
        .data_nascita_richiedente(NaiveDate::from_ymd_opt(1982, 4, 11).unwrap())
        .sesso_richiedente(types::Gender::M)
        .nazione_nascita_richiedente("it")
        .provincia_nascita_richiedente(Some("RM".to_owned()))
        .denominazione_titolare(Some(String::new()))
        .cf_piva_titolare(Some(String::new()))
        .indirizzo_titolare("via verdi 20")
        .comune_titolare("roma")
        .cap_titolare("00042")
        .nazione_titolare("it")
        .provincia_titolare("rm")
        .callback(types::Callback {
            url: Some("https://your_domain.it/your_callback.php".into()),
            field: Some("data".into()),
            ..Default::default()
        })
}

/// Calls `operation` as [`read`] does, dropping the answer.
pub async fn call(client: &Client, operation: &str, value: &str) -> Result<(), Error> {
    read(client, operation, value).await.map(drop)
}

/// Calls `operation` with valid arguments and `value` in its path parameter (`id`, `dominio`
/// or `pec`); the server decides the answer.
pub async fn read(client: &Client, operation: &str, value: &str) -> Result<Seen, Error> {
    match operation {
        "check_domain" => client
            .check_domain()
            .dominio(value)
            .send()
            .await
            .map(Seen::json),
        "check_availability" => client
            .check_availability()
            .pec(value)
            .send()
            .await
            .map(Seen::json),
        "list_mailboxes" => client.list_mailboxes().send().await.map(Seen::json),
        "register_mailbox" => client
            .register_mailbox()
            .body_map(register_body)
            .send()
            .await
            .map(Seen::json),
        "get_mailbox" => client.get_mailbox().id(value).send().await.map(Seen::json),
        "revoke_mailbox" => client.revoke_mailbox().id(value).send().await.map(Seen::json),
        "activate_mailbox" => client
            .activate_mailbox()
            .id(value)
            .body_map(|b| b.documenti(Documenti::from_bytes(b"%PDF")))
            .send()
            .await
            .map(Seen::json),
        "change_mailbox_space" => client
            .change_mailbox_space()
            .id(value)
            .body_map(|b| b.spazio_disco(SpaceAmount::add(1000)))
            .send()
            .await
            .map(Seen::json),
        "enable_conservation" => client
            .enable_conservation()
            .id(value)
            .body_map(|b| b.documenti(Documenti::from_bytes(b"%PDF")))
            .send()
            .await
            .map(Seen::json),
        "change_mailbox_type" => client
            .change_mailbox_type()
            .id(value)
            .body_map(|b| b.tipo_casella(types::MailboxUpgradeType::Standard))
            .send()
            .await
            .map(Seen::json),
        "renew_mailbox" => client.renew_mailbox().id(value).send().await.map(Seen::json),
        "add_mailbox_user" => client
            .add_mailbox_user()
            .id(value)
            .body_map(|b| {
                b.nome("a")
                    .cognome("b")
                    .descrizione("c")
                    .email_gestione_password("d")
            })
            .send()
            .await
            .map(Seen::json),
        "list_registry_communications" => {
            client.list_registry_communications().send().await.map(Seen::json)
        }
        "create_registry_communication" => client
            .create_registry_communication()
            .body(
                serde_json::from_str::<types::CreateRegistryCommunicationRequest>(include_str!(
                    "../../../crates/openapi-pec/tests/fixtures/create_registry_communication.request.published.json"
                ))
                .expect("the published request parses"),
            )
            .send()
            .await
            .map(Seen::json),
        "get_registry_communication" => client
            .get_registry_communication()
            .id(value)
            .send()
            .await
            .map(Seen::json),
        "upload_registry_communication_documents" => client
            .upload_registry_communication_documents()
            .id(value)
            .body_map(|b| b.documenti(Documenti::from_bytes(b"p7m")))
            .send()
            .await
            .map(Seen::json),
        "download_activation_form" => client
            .download_activation_form()
            .id(value)
            .send()
            .await
            .map(Seen::of),
        "download_conservation_form" => client
            .download_conservation_form()
            .id(value)
            .send()
            .await
            .map(Seen::of),
        "download_registry_power_of_attorney" => client
            .download_registry_power_of_attorney()
            .id(value)
            .send()
            .await
            .map(Seen::of),
        other => panic!("no call for operation `{other}`"),
    }
}

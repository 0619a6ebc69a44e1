//! Every operation of every service, as a command: what it sent (method, path, query,
//! credentials, body) and what it printed. The table must name every operation the clients
//! have: a new one fails here until it has a row.

use std::collections::BTreeSet;

use credkit::ServiceInfo;
use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::{Credkit, file, scratch};

const TOKEN: &str = "t0ken-for-tests";
const PEC_ID: &str = "6040e4613a716838dc4eee0e";
const UUID: &str = "0b3c9a3e-41c5-4f9a-9d0e-2f6f4b1d2c77";

/// What a successful answer is.
enum Answer {
    /// A JSON body, printed as it came (every member is one the client knows).
    Json(Value),
    /// No body: nothing is printed.
    Empty,
    /// A file, written to `--output`.
    File(&'static [u8]),
    /// No body, a token in the service's token header: printed as `{"token": ...}`.
    Token(&'static str),
}

/// One command and the request it must send.
struct Case {
    args: Vec<String>,
    method: &'static str,
    path: String,
    query: Vec<(&'static str, &'static str)>,
    body: Option<Value>,
    status: u16,
    answer: Answer,
}

fn case(args: &[&str], method: &'static str, path: &str, status: u16, answer: Answer) -> Case {
    Case {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        method,
        path: path.to_owned(),
        query: Vec::new(),
        body: None,
        status,
        answer,
    }
}

impl Case {
    fn query(mut self, name: &'static str, value: &'static str) -> Self {
        self.query.push((name, value));
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

fn envelope(data: Value) -> Value {
    json!({ "data": data, "success": true, "message": "" })
}

fn cases(dir: &std::path::Path) -> Vec<Case> {
    let pdf = file(dir, "form.pdf", b"%PDF-1.7 form");
    let p7m = file(dir, "proxy.p7m", b"p7m bytes");
    let reset = file(
        dir,
        "reset.json",
        json!({ "token": UUID }).to_string().as_bytes(),
    );
    let mailbox = || {
        Answer::Json(envelope(
            json!({ "id": PEC_ID, "casella_pec": "a@legalmail.it" }),
        ))
    };
    let communication =
        || Answer::Json(envelope(json!({ "id": PEC_ID, "cf": "RSSMRA80A01H501U" })));
    let credential = || Answer::Json(json!({ "credential": { "id": 123, "identifier": "ABC" } }));
    let sites = "/credentials/B4HUPE820";
    vec![
        // RENTRI CA
        case(
            &["rentri-ca", "get-boarding-info", "--qrcode-token", UUID, "--pin", "12 4+6"],
            "GET",
            &format!("/credentials/boarding/{UUID}"),
            200,
            Answer::Json(json!({ "nome_sito": "Sede di Padova", "token": UUID })),
        )
        .query("pin", "12 4+6"),
        case(
            &["rentri-ca", "get-credentials", "--credentials-id", "B4HUPE820"],
            "GET",
            sites,
            200,
            Answer::Json(json!({ "identifier": "B4HUPE820", "siti": ["OP1-SITE1"] })),
        ),
        case(
            &["rentri-ca", "get-credentials-status", "--credentials-id", "B4HUPE820"],
            "GET",
            &format!("{sites}/status"),
            200,
            Answer::Json(json!({ "identifier": "B4HUPE820", "user_name": "mario" })),
        ),
        case(
            &["rentri-ca", "delete-credentials", "--credentials-id", "B4HUPE820"],
            "DELETE",
            sites,
            202,
            Answer::Empty,
        ),
        case(
            &[
                "rentri-ca", "change-pin", "--credentials-id", "B4HUPE820",
                "--current-pin", "111111", "--new-pin", "222222",
            ],
            "PUT",
            &format!("{sites}/change-pin"),
            200,
            Answer::Empty,
        )
        .body(json!({ "current_pin": "111111", "new_pin": "222222" })),
        // `token` is also credkit's own flag: that member comes from --body.
        case(
            &[
                "rentri-ca", "reset-pin", "--credentials-id", "B4HUPE820", "--body", &reset,
                "--new-pin", "222222",
            ],
            "PUT",
            &format!("{sites}/reset-pin"),
            200,
            Answer::Empty,
        )
        .body(json!({ "token": UUID, "new_pin": "222222" })),
        case(
            &[
                "rentri-ca", "remove-site-association", "--credentials-id", "B4HUPE820",
                "--num-iscr-sito", "OP12345678-SITE1",
            ],
            "DELETE",
            &format!("{sites}/rimuovi-associazione"),
            202,
            Answer::Empty,
        )
        .query("num_iscr_sito", "OP12345678-SITE1"),
        // Sparkfly
        case(
            &["sparkfly", "authenticate", "--x-auth-identity", "me", "--x-auth-key", "k3y"],
            "GET",
            "/auth",
            204,
            Answer::Token("issued-t0ken"),
        ),
        case(
            &["sparkfly", "list-credentials", "--member-id", "7", "--store-id", "9"],
            "GET",
            "/v1.0/credentials",
            200,
            Answer::Json(json!({ "credentials": [{ "credential": { "id": 1 } }], "page": 1 })),
        )
        .query("member_id", "7")
        .query("store_id", "9"),
        case(
            &["sparkfly", "create-credential", "--credential", r#"{"member_id":7,"channel_id":2}"#],
            "POST",
            "/v1.0/credentials",
            201,
            credential(),
        )
        .body(json!({ "credential": { "member_id": 7, "channel_id": 2 } })),
        case(
            &["sparkfly", "get-offer-eligibility", "--member-id", "7", "--offer-id", "8"],
            "GET",
            "/v1.0/credentials/eligible",
            200,
            Answer::Json(json!({ "is_eligible": true, "status": "ok" })),
        )
        .query("member_id", "7")
        .query("offer_id", "8"),
        case(
            &["sparkfly", "get-credential", "--credential-id", "123"],
            "GET",
            "/v1.0/credentials/123",
            200,
            credential(),
        ),
        case(
            &["sparkfly", "delete-credential", "--credential-id", "123"],
            "DELETE",
            "/v1.0/credentials/123",
            200,
            credential(),
        ),
        case(
            &[
                "sparkfly", "update-credential", "--credential-id", "123",
                "--credential", r#"{"member_id":7}"#, "--printable", "true",
            ],
            "PUT",
            "/v1.0/credentials/123",
            201,
            credential(),
        )
        .body(json!({ "credential": { "member_id": 7 }, "printable": true })),
        case(
            &["sparkfly", "redeem-credential", "--credential-id", "123"],
            "PUT",
            "/v1.0/credentials/123/redeem",
            201,
            credential(),
        ),
        case(
            &["sparkfly", "void-credential", "--credential-id", "123"],
            "PUT",
            "/v1.0/credentials/123/void",
            201,
            credential(),
        ),
        // Openapi.it PEC
        case(
            &["pec", "check-domain", "--dominio", "legalmail.it"],
            "GET",
            "/domini_pec/legalmail.it",
            200,
            Answer::Json(json!({ "data": [], "success": true, "message": "legalmail.it found!" })),
        ),
        case(
            &["pec", "check-availability", "--pec", "prova_pec@legalmail.it"],
            "GET",
            "/verifica_pec/prova_pec@legalmail.it",
            200,
            Answer::Json(envelope(json!({ "available": true }))),
        ),
        case(
            &["pec", "list-mailboxes"],
            "GET",
            "/pec",
            200,
            Answer::Json(envelope(json!([{ "id": PEC_ID, "stato": "REGISTRATA" }]))),
        ),
        case(
            &[
                "pec", "register-mailbox", "--casella-pec", "yourpec@legalmail.it",
                "--tipo-casella", "BRONZE", "--tipo-cliente", "PV", "--nome-richiedente", "mario",
                "--cognome-richiedente", "rossi", "--email", "mail@domain.com",
                "--telefono", "0548798569", "--codice-fiscale-richiedente", "RSSMRA82D11H501U",
                "--data-nascita-richiedente", "11/04/1982", "--sesso-richiedente", "M",
                "--nazione-nascita-richiedente", "it", "--indirizzo-titolare", "via verdi 20",
                "--comune-titolare", "roma", "--cap-titolare", "00042",
                "--nazione-titolare", "it", "--provincia-titolare", "RM", "--autorinnovo", "false",
            ],
            "POST",
            "/pec",
            200,
            mailbox(),
        )
        .body(json!({
            "casella_pec": "yourpec@legalmail.it", "tipo_casella": "BRONZE", "tipo_cliente": "PV",
            "nome_richiedente": "mario", "cognome_richiedente": "rossi", "email": "mail@domain.com",
            "telefono": "0548798569", "codice_fiscale_richiedente": "RSSMRA82D11H501U",
            "data_nascita_richiedente": "11/04/1982", "sesso_richiedente": "M",
            "nazione_nascita_richiedente": "it", "indirizzo_titolare": "via verdi 20",
            "comune_titolare": "roma", "cap_titolare": "00042", "nazione_titolare": "it",
            "provincia_titolare": "RM", "autorinnovo": false,
        })),
        case(&["pec", "get-mailbox", "--id", PEC_ID], "GET", &format!("/pec/{PEC_ID}"), 200, mailbox()),
        case(&["pec", "revoke-mailbox", "--id", PEC_ID], "DELETE", &format!("/pec/{PEC_ID}"), 200, mailbox()),
        case(
            &["pec", "activate-mailbox", "--id", PEC_ID, "--documenti", &pdf, "--documenti", &pdf],
            "PATCH",
            &format!("/pec/{PEC_ID}/attivazione"),
            200,
            mailbox(),
        )
        .body(json!({ "documenti": ["JVBERi0xLjcgZm9ybQ==", "JVBERi0xLjcgZm9ybQ=="] })),
        case(
            &["pec", "change-mailbox-space", "--id", PEC_ID, "--spazio-disco", "+1024", "--spazio-storico", "2048"],
            "PATCH",
            &format!("/pec/{PEC_ID}/modifica"),
            200,
            mailbox(),
        )
        .body(json!({ "spazio_disco": "+1024", "spazio_storico": 2048 })),
        case(
            &["pec", "enable-conservation", "--id", PEC_ID, "--documenti", &pdf, "--spazio-conservazione", "512"],
            "PATCH",
            &format!("/pec/{PEC_ID}/conservazione"),
            200,
            mailbox(),
        )
        .body(json!({ "documenti": "JVBERi0xLjcgZm9ybQ==", "spazio_conservazione": 512 })),
        case(
            &["pec", "change-mailbox-type", "--id", PEC_ID, "--tipo-casella", "GOLD"],
            "PATCH",
            &format!("/pec/{PEC_ID}/trasformazione"),
            200,
            mailbox(),
        )
        .body(json!({ "tipo_casella": "GOLD" })),
        case(
            &["pec", "renew-mailbox", "--id", PEC_ID, "--anni", "2"],
            "GET",
            &format!("/pec/{PEC_ID}/rinnovo"),
            200,
            mailbox(),
        )
        .query("anni", "2"),
        case(
            &[
                "pec", "add-mailbox-user", "--id", PEC_ID, "--nome", "a", "--cognome", "b",
                "--descrizione", "c", "--email-gestione-password", "d@x.it",
            ],
            "POST",
            &format!("/pec/{PEC_ID}/multiutenza"),
            200,
            mailbox(),
        )
        .body(json!({ "nome": "a", "cognome": "b", "descrizione": "c", "email_gestione_password": "d@x.it" })),
        case(
            &["pec", "list-registry-communications"],
            "GET",
            "/comunica_pec",
            200,
            Answer::Json(envelope(json!([{ "id": PEC_ID }]))),
        ),
        case(
            &[
                "pec", "create-registry-communication", "--casella-pec", "a@legalmail.it",
                "--cellulare", "3331234567", "--cf", "RSSMRA80A01H501U", "--cf-piva", "12345678901",
                "--cognome", "rossi", "--comune", "roma", "--email", "m@x.it", "--nome", "mario",
                "--pec-amministratore", "true", "--provincia", "RM", "--qualifica", "TITOLARE",
                "--ragione-sociale", "Rossi Srl",
            ],
            "POST",
            "/comunica_pec",
            200,
            communication(),
        )
        .body(json!({
            "casella_pec": "a@legalmail.it", "cellulare": "3331234567", "cf": "RSSMRA80A01H501U",
            "cf_piva": "12345678901", "cognome": "rossi", "comune": "roma", "email": "m@x.it",
            "nome": "mario", "pec_amministratore": true, "provincia": "RM",
            "qualifica": "TITOLARE", "ragione_sociale": "Rossi Srl",
        })),
        case(
            &["pec", "get-registry-communication", "--id", PEC_ID],
            "GET",
            &format!("/comunica_pec/{PEC_ID}"),
            200,
            communication(),
        ),
        case(
            &["pec", "upload-registry-communication-documents", "--id", PEC_ID, "--documenti", &p7m],
            "PATCH",
            &format!("/comunica_pec/{PEC_ID}"),
            200,
            communication(),
        )
        .body(json!({ "documenti": "cDdtIGJ5dGVz" })),
        case(
            &["pec", "download-activation-form", "--id", PEC_ID],
            "GET",
            &format!("/pec/{PEC_ID}/modulo_attivazione"),
            200,
            Answer::File(b"%PDF-1.7 activation"),
        ),
        case(
            &["pec", "download-conservation-form", "--id", PEC_ID],
            "GET",
            &format!("/pec/{PEC_ID}/modulo_conservazione"),
            200,
            Answer::File(b"%PDF-1.7 conservation"),
        ),
        case(
            &["pec", "download-registry-power-of-attorney", "--id", PEC_ID],
            "GET",
            &format!("/comunica_pec/{PEC_ID}/procura_registro_imprese"),
            200,
            Answer::File(b"%PDF-1.7 proxy"),
        ),
    ]
}

/// Each service as the command line names it, with what its client knows of it.
fn services() -> [(&'static str, &'static ServiceInfo); 3] {
    [
        ("rentri-ca", &credkit::rentri_ca::SERVICE),
        ("sparkfly", &credkit::sparkfly::SERVICE),
        ("pec", &credkit::pec::SERVICE),
    ]
}

#[test]
fn the_table_has_every_operation_of_every_service() {
    let dir = scratch("table-names");
    let named: BTreeSet<(String, String)> = cases(&dir)
        .iter()
        .map(|c| (c.args[0].clone(), c.args[1].clone()))
        .collect();
    let all: BTreeSet<(String, String)> = services()
        .iter()
        .flat_map(|(name, info)| {
            info.operations
                .iter()
                .map(|op| ((*name).to_owned(), op.id.replace('_', "-")))
        })
        .collect();
    assert_eq!(named, all);
}

#[test]
fn every_operation_sends_what_the_library_sends_and_prints_the_answer() {
    let dir = scratch("table");
    for case in cases(&dir) {
        let (service, operation) = (case.args[0].as_str(), case.args[1].as_str());
        let (_, info) = services()
            .into_iter()
            .find(|(name, _)| *name == service)
            .unwrap();
        let meta = info
            .operation(&operation.replace('-', "_"))
            .expect("an operation of the service");
        let server = MockServer::start();
        let mock = server.mock(|when, then| {
            let mut when = when
                .method(case.method)
                .path(case.path.as_str())
                .header("user-agent", credkit::USER_AGENT);
            for (name, value) in &case.query {
                when = when.query_param(*name, *value);
            }
            when = match (meta.anonymous, info.auth) {
                (true, _) => when
                    .header_missing("authorization")
                    .header_missing("x-auth-token"),
                (false, credkit_runtime::AuthScheme::Bearer) => {
                    when.header("authorization", format!("Bearer {TOKEN}"))
                }
                (false, credkit_runtime::AuthScheme::Header(name)) => when.header(name, TOKEN),
                (false, scheme) => {
                    panic!("the three services send a bearer or header token, not {scheme:?}")
                }
            };
            if let Some(body) = &case.body {
                when.json_body(body.clone());
            }
            let then = then.status(case.status);
            match &case.answer {
                Answer::Json(value) => {
                    then.json_body(value.clone());
                }
                Answer::File(bytes) => {
                    then.header("content-type", "application/pdf").body(*bytes);
                }
                Answer::Empty => {}
                Answer::Token(token) => {
                    if let credkit_runtime::AuthScheme::Header(name) = info.auth {
                        then.header(name, *token);
                    }
                }
            }
        });
        let output = dir.join(format!("{operation}.pdf"));
        let mut command = Credkit::new(&case.args.iter().map(String::as_str).collect::<Vec<_>>())
            .env(&format!("{}_BASE_URL", info.env_prefix), server.base_url())
            .env(&format!("{}_TOKEN", info.env_prefix), TOKEN);
        if matches!(case.answer, Answer::File(_)) {
            command = command.args(["--output", output.to_str().unwrap()]);
        }
        let run = command.run();
        assert_eq!(run.code, 0, "{service} {operation}: {}", run.shown());
        mock.assert();
        match &case.answer {
            Answer::Json(value) => assert_eq!(&run.json(), value, "{service} {operation}"),
            Answer::Empty => assert_eq!(run.stdout, "", "{service} {operation}"),
            Answer::Token(token) => {
                assert_eq!(
                    run.json(),
                    json!({ "token": token }),
                    "{service} {operation}"
                );
            }
            Answer::File(bytes) => {
                assert_eq!(run.stdout, "", "{service} {operation}");
                assert_eq!(
                    &std::fs::read(&output).unwrap(),
                    bytes,
                    "{service} {operation}"
                );
            }
        }
    }
}

//! `--wait` on the operations that have a waiter: the binary polls a server stepping through the
//! resource's states, prints the final answer on stdout (and the changes of state on a
//! terminal), and exits 0 when the state is reached, 6 on a failure state, 7 when the maximum
//! wait passes first.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::{Credkit, TOKEN, has_script};

const ID: &str = "6040e4613a716838dc4eee0e";

/// A server answering each request with the next body of `states` (the last one repeated), as
/// JSON with 200; it records each request's head.
fn stepping(states: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let recorded = heads.clone();
    std::thread::spawn(move || {
        let mut states = states.into_iter().peekable();
        let mut last = String::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0; 8192];
            let read = stream.read(&mut request).unwrap_or(0);
            recorded
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request[..read]).into_owned());
            if let Some(next) = states.next() {
                last = next;
            }
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{last}",
                last.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (base_url, heads)
}

fn credentials(state: &str) -> String {
    format!(r#"{{"identifier":"B4HUPE820","stato":"{state}"}}"#)
}

fn pec(state: &str) -> String {
    format!(
        r#"{{"data":{{"id":"{ID}","stato":"{state}"}},"success":true,"message":"","error":null}}"#
    )
}

fn credkit(service: &str, prefix: &str, base_url: &str, args: &[&str]) -> Credkit {
    Credkit::new(&[&[service], args].concat())
        .env(&format!("{prefix}_BASE_URL"), base_url)
        .env(&format!("{prefix}_TOKEN"), TOKEN)
}

/// Each request was `GET path` with the token.
#[track_caller]
fn assert_polls(heads: &Mutex<Vec<String>>, path: &str, count: usize) {
    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), count, "{heads:?}");
    for head in heads.iter() {
        assert!(
            head.starts_with(&format!("GET {path} HTTP/1.1\r\n")),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase().contains(&format!(
                "authorization: bearer {}",
                TOKEN.to_ascii_lowercase()
            )),
            "{head}"
        );
    }
}

/// `credkit rentri-ca get-credentials-status --wait` polling every 20 ms or so, and `extra`.
fn credentials_wait(base_url: &str, extra: &[&str]) -> Credkit {
    let args = [
        &[
            "get-credentials-status",
            "--credentials-id",
            "B4HUPE820",
            "--wait",
            "--first-delay",
            "20ms",
        ],
        extra,
    ]
    .concat();
    credkit("rentri-ca", "RENTRI_CA", base_url, &args)
}

#[test]
fn wait_polls_until_the_credentials_are_active_and_prints_the_final_answer() {
    let (base_url, heads) = stepping(vec![
        credentials("Nuovo"),
        credentials("Nuovo"),
        credentials("Attivo"),
    ]);
    let run = credentials_wait(&base_url, &[]).run().success();
    assert_eq!(run.json()["stato"], "Attivo");
    assert_eq!(run.stderr, "", "no terminal, no progress");
    assert_polls(&heads, "/credentials/B4HUPE820/status", 3);
}

#[test]
fn a_failure_state_prints_the_answer_and_exits_6() {
    let (base_url, heads) = stepping(vec![pec("in_evasione"), pec("revocata")]);
    let args = ["get-mailbox", "--id", ID, "--wait", "--first-delay", "20ms"];
    let run = credkit("pec", "OPENAPI_PEC", &base_url, &args)
        .run()
        .code(6);
    assert_eq!(run.json()["data"]["stato"], "revocata");
    run.stderr_has("pec get-mailbox: mailbox_active: ended in state revocata");
    assert_polls(&heads, &format!("/pec/{ID}"), 2);
}

#[test]
fn a_wait_longer_than_max_wait_prints_the_last_answer_and_exits_7() {
    let (base_url, heads) = stepping(vec![pec("stato_futuro")]);
    let args = [
        "get-registry-communication",
        "--id",
        ID,
        "--wait",
        "--first-delay",
        "20ms",
        "--max-wait",
        "300ms",
    ];
    let run = credkit("pec", "OPENAPI_PEC", &base_url, &args)
        .run()
        .code(7);
    assert_eq!(run.json()["data"]["stato"], "stato_futuro");
    run.stderr_has("registry_communication_done: timed out after")
        .stderr_has("states credkit does not know: stato_futuro");
    let polls = heads.lock().unwrap().len();
    assert!(polls >= 2, "{polls} polls");
    assert_polls(&heads, &format!("/comunica_pec/{ID}"), polls);
}

#[test]
fn without_wait_the_operation_is_called_once() {
    let (base_url, heads) = stepping(vec![credentials("Nuovo")]);
    let args = ["get-credentials-status", "--credentials-id", "B4HUPE820"];
    let run = credkit("rentri-ca", "RENTRI_CA", &base_url, &args)
        .run()
        .success();
    assert_eq!(run.json()["stato"], "Nuovo");
    assert_polls(&heads, "/credentials/B4HUPE820/status", 1);
}

#[test]
fn max_wait_needs_wait_and_a_duration() {
    let (base_url, heads) = stepping(vec![credentials("Nuovo")]);
    let args = [
        "get-credentials-status",
        "--credentials-id",
        "B4HUPE820",
        "--max-wait",
        "10s",
    ];
    credkit("rentri-ca", "RENTRI_CA", &base_url, &args)
        .run()
        .code(2)
        .stderr_has("--wait");
    credentials_wait(&base_url, &["--max-wait", "soon"])
        .run()
        .code(2)
        .stderr_has("--max-wait `soon` is not a duration");
    assert_polls(&heads, "/credentials/B4HUPE820/status", 0);
}

#[test]
fn on_a_terminal_each_change_of_state_is_shown() {
    if !has_script() {
        eprintln!("skipped: no `script` to run credkit on a terminal");
        return;
    }
    let (base_url, _) = stepping(vec![
        credentials("Nuovo"),
        credentials("Nuovo"),
        credentials("Attivo"),
    ]);
    let run = credentials_wait(&base_url, &[])
        .on_terminal()
        .run()
        .success();
    // stdout and stderr are both the terminal: the changes, once each, then the answer.
    assert_eq!(
        run.stdout
            .matches("credentials_active: Nuovo (poll 1")
            .count(),
        1,
        "{}",
        run.shown()
    );
    assert!(
        !run.stdout.contains("(poll 2"),
        "no line for a state seen again: {}",
        run.shown()
    );
    run.stdout_has("credentials_active: Attivo (poll 3)");
}

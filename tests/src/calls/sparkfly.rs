//! Every Sparkfly operation with valid arguments.

use credkit_sparkfly::types::{CredentialInput, CredentialInputRequest};
use credkit_sparkfly::{Client, Error};

/// A credential id. Sparkfly's ids are integers, so no value can change a request's path.
pub const CREDENTIAL_ID: i64 = 123;

fn credential_input() -> CredentialInputRequest {
    CredentialInputRequest {
        credential: Some(CredentialInput {
            member_id: Some(1),
            channel_id: Some(456),
            ..Default::default()
        }),
        printable: None,
    }
}

/// Calls `operation` with valid arguments; the server decides the answer.
pub async fn call(client: &Client, operation: &str) -> Result<(), Error> {
    match operation {
        "authenticate" => client
            .authenticate()
            .x_auth_identity("identity")
            .x_auth_key("key")
            .send()
            .await
            .map(drop),
        "list_credentials" => client
            .list_credentials()
            .member_id(1)
            .send()
            .await
            .map(drop),
        "create_credential" => client
            .create_credential()
            .body(credential_input())
            .send()
            .await
            .map(drop),
        "get_offer_eligibility" => client
            .get_offer_eligibility()
            .member_id(1)
            .offer_id(2)
            .send()
            .await
            .map(drop),
        "get_credential" => client
            .get_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(drop),
        "update_credential" => client
            .update_credential()
            .credential_id(CREDENTIAL_ID)
            .body(credential_input())
            .send()
            .await
            .map(drop),
        "delete_credential" => client
            .delete_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(drop),
        "redeem_credential" => client
            .redeem_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(drop),
        "void_credential" => client
            .void_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(drop),
        other => panic!("no call for Sparkfly operation `{other}`"),
    }
}

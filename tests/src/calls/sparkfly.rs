//! Every Sparkfly operation with valid arguments.

use super::Seen;
use credkit_sparkfly::types::{CredentialInput, CredentialInputRequest};
use credkit_sparkfly::{Client, Error};

/// A credential id. Sparkfly's ids are integers, so no value can change a request's path.
pub const CREDENTIAL_ID: i64 = 123;

/// A create or update body for `member_id` on `channel_id`.
pub fn credential_input(member_id: i64, channel_id: i64) -> CredentialInputRequest {
    CredentialInputRequest {
        credential: Some(CredentialInput {
            member_id: Some(member_id),
            channel_id: Some(channel_id),
            ..Default::default()
        }),
        printable: None,
    }
}

/// Calls `operation` as [`read`] does, dropping the answer.
pub async fn call(client: &Client, operation: &str) -> Result<(), Error> {
    read(client, operation).await.map(drop)
}

/// Calls `operation` with valid arguments; the server decides the answer.
pub async fn read(client: &Client, operation: &str) -> Result<Seen, Error> {
    match operation {
        "authenticate" => client
            .authenticate()
            .x_auth_identity("identity")
            .x_auth_key("key")
            .send()
            .await
            .map(Seen::json),
        "list_credentials" => client
            .list_credentials()
            .member_id(1)
            .send()
            .await
            .map(Seen::json),
        "create_credential" => client
            .create_credential()
            .body(credential_input(1, 456))
            .send()
            .await
            .map(Seen::json),
        "get_offer_eligibility" => client
            .get_offer_eligibility()
            .member_id(1)
            .offer_id(2)
            .send()
            .await
            .map(Seen::json),
        "get_credential" => client
            .get_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(Seen::json),
        "update_credential" => client
            .update_credential()
            .credential_id(CREDENTIAL_ID)
            .body(credential_input(1, 456))
            .send()
            .await
            .map(Seen::json),
        "delete_credential" => client
            .delete_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(Seen::json),
        "redeem_credential" => client
            .redeem_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(Seen::json),
        "void_credential" => client
            .void_credential()
            .credential_id(CREDENTIAL_ID)
            .send()
            .await
            .map(Seen::json),
        other => panic!("no call for Sparkfly operation `{other}`"),
    }
}

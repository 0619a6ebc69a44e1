//! Every RENTRI CA operation with valid arguments.

use super::Seen;
use credkit_rentri_ca::{Client, Error};

/// A credentials id of the documented form (9 characters).
pub const CREDENTIALS_ID: &str = "B4HUPE820";

/// Calls `operation` as [`read`] does, dropping the answer.
pub async fn call(client: &Client, operation: &str, credentials_id: &str) -> Result<(), Error> {
    read(client, operation, credentials_id).await.map(drop)
}

/// Calls `operation` with valid arguments and `credentials_id` in its path (the boarding
/// token is a UUID, so that operation always uses the nil UUID); the server decides the
/// answer.
pub async fn read(client: &Client, operation: &str, credentials_id: &str) -> Result<Seen, Error> {
    match operation {
        "get_boarding_info" => client
            .get_boarding_info()
            .qrcode_token(uuid::Uuid::nil())
            .pin("123456")
            .send()
            .await
            .map(Seen::json),
        "get_credentials" => client
            .get_credentials()
            .credentials_id(credentials_id)
            .send()
            .await
            .map(Seen::json),
        "get_credentials_status" => client
            .get_credentials_status()
            .credentials_id(credentials_id)
            .send()
            .await
            .map(Seen::json),
        "delete_credentials" => client
            .delete_credentials()
            .credentials_id(credentials_id)
            .send()
            .await
            .map(Seen::json),
        "change_pin" => client
            .change_pin()
            .credentials_id(credentials_id)
            .body_map(|body| body.current_pin("111111").new_pin("222222"))
            .send()
            .await
            .map(Seen::json),
        "reset_pin" => client
            .reset_pin()
            .credentials_id(credentials_id)
            .body_map(|body| {
                body.token(uuid::Uuid::nil())
                    .new_pin(Some("222222".parse().unwrap()))
            })
            .send()
            .await
            .map(Seen::json),
        "remove_site_association" => client
            .remove_site_association()
            .credentials_id(credentials_id)
            .num_iscr_sito("OP12345678-SITE1")
            .send()
            .await
            .map(Seen::json),
        other => panic!("no call for RENTRI CA operation `{other}`"),
    }
}

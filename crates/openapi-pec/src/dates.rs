//! Typed access to the service's `dd/mm/yyyy` dates and Unix epoch timestamps.
//!
//! The models keep the values as sent (a date the service leaves empty, `""`, or writes in
//! another format still parses); these methods read them as `chrono` values and give `None`
//! for an absent, empty or unreadable value.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::generated::types::error::ConversionError;
use crate::generated::types::{
    Casella, CasellaSummary, RegisterMailboxRequestDataNascitaRichiedente,
    RegisterMailboxRequestDataRilascioDocumento, RegisterMailboxRequestDataScadenzaDocumento,
    RichiestaComunicazionePec, RichiestaComunicazionePecSummary, Timestamp, UtenzaTimestamp,
};

/// Reads a `dd/mm/yyyy` date (`"04/03/2022"` is 4 March 2022). `None` when the text is
/// empty or is not a valid date in that format.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !digits(day, 2)
        || !digits(month, 2)
        || year.len() != 4
        || !digits(year, 4)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Writes a date as the service expects it: `dd/mm/yyyy`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Reads a Unix epoch timestamp in seconds (`1614865504` is 2021-03-04T13:45:04Z).
pub fn from_epoch(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

fn date(field: &Option<String>) -> Option<NaiveDate> {
    field.as_deref().and_then(parse_date)
}

fn time(field: Option<i64>) -> Option<DateTime<Utc>> {
    field.and_then(from_epoch)
}

impl Casella {
    /// `data_attivazione`: the day the mailbox was activated.
    pub fn activation_date(&self) -> Option<NaiveDate> {
        date(&self.data_attivazione)
    }

    /// `data_scadenza`: the day the mailbox expires (empty before activation).
    pub fn expiry_date(&self) -> Option<NaiveDate> {
        date(&self.data_scadenza)
    }

    /// `data_nascita_richiedente`: the applicant's date of birth.
    pub fn applicant_birth_date(&self) -> Option<NaiveDate> {
        date(&self.data_nascita_richiedente)
    }

    /// `data_rilascio_documento`: the issue date of the identity document.
    pub fn document_issue_date(&self) -> Option<NaiveDate> {
        date(&self.data_rilascio_documento)
    }

    /// `data_scadenza_documento`: the expiry date of the identity document.
    pub fn document_expiry_date(&self) -> Option<NaiveDate> {
        date(&self.data_scadenza_documento)
    }
}

impl CasellaSummary {
    /// `data_scadenza`: the day the mailbox expires.
    pub fn expiry_date(&self) -> Option<NaiveDate> {
        date(&self.data_scadenza)
    }
}

impl Timestamp {
    /// `registrazione`: when the mailbox was registered.
    pub fn registered_at(&self) -> Option<DateTime<Utc>> {
        time(self.registrazione)
    }

    /// `ultima_modifica`: when the mailbox last changed.
    pub fn modified_at(&self) -> Option<DateTime<Utc>> {
        time(self.ultima_modifica)
    }

    /// `evasione`: when the mailbox was processed (activated).
    pub fn processed_at(&self) -> Option<DateTime<Utc>> {
        time(self.evasione)
    }

    /// `scadenza`: when the mailbox expires.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        time(self.scadenza)
    }

    /// `revoca`: when the mailbox was revoked.
    pub fn revoked_at(&self) -> Option<DateTime<Utc>> {
        time(self.revoca)
    }
}

impl UtenzaTimestamp {
    /// `attivazione`: when the user was activated.
    pub fn activated_at(&self) -> Option<DateTime<Utc>> {
        time(self.attivazione)
    }
}

impl RichiestaComunicazionePec {
    /// `timestamp`: when the communication last changed.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        time(self.timestamp)
    }
}

impl RichiestaComunicazionePecSummary {
    /// `timestamp`: when the communication last changed.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        time(self.timestamp)
    }
}

/// The request's `dd/mm/yyyy` date fields accept a `NaiveDate`:
/// `.data_nascita_richiedente(NaiveDate::from_ymd_opt(1982, 4, 11).unwrap())`. A year
/// outside 0000-9999 cannot be written in four digits and is refused before sending.
macro_rules! from_date {
    ($($field:ident),*) => {$(
        impl TryFrom<NaiveDate> for $field {
            type Error = ConversionError;

            fn try_from(date: NaiveDate) -> Result<Self, ConversionError> {
                format_date(date)
                    .parse()
                    .map_err(|_| ConversionError::from(format!("{date} is not a dd/mm/yyyy date")))
            }
        }
    )*};
}

from_date!(
    RegisterMailboxRequestDataNascitaRichiedente,
    RegisterMailboxRequestDataRilascioDocumento,
    RegisterMailboxRequestDataScadenzaDocumento
);

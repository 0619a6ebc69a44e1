//! Sparkfly's timestamps: the published definition says `format: dateTime`, a format OpenAPI
//! does not define, so the models keep them as the strings the service sends; these accessors
//! parse them.

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use crate::types::Credential;

/// Parses a Sparkfly timestamp: RFC 3339 / ISO 8601 as in the documentation
/// (`2013-09-16T18:41:13Z`, with or without fractional seconds or an offset), or the Rails
/// text forms `2013-09-16 18:41:13 UTC` and `2013-09-16 18:41:13 -0400`. `None` for anything
/// else.
///
/// ```
/// let time = credkit_sparkfly::parse_timestamp("2013-09-16T18:41:13Z").unwrap();
/// assert_eq!(time.timestamp(), 1_379_356_873);
/// assert_eq!(credkit_sparkfly::parse_timestamp("2013-09-16 18:41:13 UTC"), Some(time));
/// assert_eq!(credkit_sparkfly::parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %z"))
        .ok()
        .or_else(|| {
            let naive = text
                .strip_suffix(" UTC")
                .or_else(|| text.strip_suffix('Z'))?;
            NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S%.f"))
                .ok()
                .map(|time| time.and_utc().fixed_offset())
        })
}

/// Parsed timestamps. Each is `None` when the field is absent, `null`, or not a timestamp
/// [`parse_timestamp`] recognises; the text stays in the field of the same name.
impl Credential {
    /// `created_at`, parsed.
    pub fn created_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_timestamp(self.created_at.as_deref()?)
    }

    /// `updated_at`, parsed.
    pub fn updated_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_timestamp(self.updated_at.as_deref()?)
    }

    /// `redeemed_at`, parsed; `None` while the credential is not redeemed.
    pub fn redeemed_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_timestamp(self.redeemed_at.as_deref()?)
    }

    /// `voided_at`, parsed; `None` while the credential is not voided.
    pub fn voided_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_timestamp(self.voided_at.as_deref()?)
    }
}

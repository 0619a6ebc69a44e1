//! Space amounts of `change_mailbox_space` and `enable_conservation`: set to N, or add N.

use crate::generated::types::SpaceAmount;

/// What a [`SpaceAmount`] asks for, in MB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpaceChange {
    /// Set the space to this amount (sent as `2048`).
    SetTo(u64),
    /// Add this amount to the current space (sent as `"+1024"`).
    Add(u64),
}

impl SpaceAmount {
    /// Set the space to `mb` megabytes: sent as the integer `mb`.
    ///
    /// The service accepts multiples of 1024 for disk and archive space, multiples of 512
    /// for conservation space, and only increases; it answers 406 otherwise.
    pub fn set(mb: u64) -> Self {
        match i64::try_from(mb) {
            Ok(mb) => Self::Int64(mb),
            // Beyond i64 the digits-only string form, which also sets, carries the value.
            Err(_) => Self::String(mb.to_string().parse().expect("digits match the pattern")),
        }
    }

    /// Add `mb` megabytes to the current space: sent as the string `"+mb"`.
    pub fn add(mb: u64) -> Self {
        Self::String(
            format!("+{mb}")
                .parse()
                .expect("`+` and digits match the pattern"),
        )
    }

    /// What this amount asks for; `None` for a negative integer, which the service refuses.
    pub fn change(&self) -> Option<SpaceChange> {
        match self {
            Self::Int64(mb) => u64::try_from(*mb).ok().map(SpaceChange::SetTo),
            Self::String(text) => match text.strip_prefix('+') {
                Some(digits) => digits.parse().ok().map(SpaceChange::Add),
                None => text.parse().ok().map(SpaceChange::SetTo),
            },
        }
    }
}

impl From<SpaceChange> for SpaceAmount {
    fn from(change: SpaceChange) -> Self {
        match change {
            SpaceChange::SetTo(mb) => Self::set(mb),
            SpaceChange::Add(mb) => Self::add(mb),
        }
    }
}

//! Types typify cannot express, emitted by the generator in their place:
//! - `x-credkit-secret` strings: a newtype over `credkit_runtime::Secret` that never prints its
//!   value and checks the schema's length limits when built by the caller;
//! - `x-credkit-open-enum` enums: known variants plus `Unknown(String)`, so a value the server
//!   adds later still parses.
//!
//! progenitor is told to use these (`with_replacement`) wherever the schema is referenced.

use proc_macro2::TokenStream;
use progenitor::TypeImpl;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::problem::Problem;
use crate::spec::Spec;

/// A component schema replaced by a generated type.
pub struct CustomType {
    pub name: String,
    /// A secret (never printed) rather than an open enum.
    pub secret: bool,
    pub impls: Vec<TypeImpl>,
    pub tokens: TokenStream,
}

/// Where the replacement types live in a client crate: inside progenitor's `types` module.
pub fn path(name: &str) -> String {
    format!("crate::generated::types::{name}")
}

/// The custom types of a spec, or the problems that prevent them.
pub fn collect(spec: &Spec) -> Result<Vec<CustomType>, Vec<Problem>> {
    let mut types = Vec::new();
    let mut problems = Vec::new();
    for (name, schema) in spec.schemas() {
        if schema.get("x-credkit-secret").and_then(Value::as_bool) == Some(true) {
            types.push(secret(name, schema));
        } else if schema.get("x-credkit-open-enum").and_then(Value::as_bool) == Some(true) {
            match open_enum(name, schema) {
                Ok(t) => types.push(t),
                Err(message) => {
                    problems.push(spec.problem(Some(format!("components.schemas.{name}")), message))
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(types)
    } else {
        Err(problems)
    }
}

fn doc(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn secret(name: &str, schema: &Value) -> CustomType {
    let ident = format_ident!("{name}");
    let doc = doc(schema);
    let min = schema.get("minLength").and_then(Value::as_u64);
    let max = schema.get("maxLength").and_then(Value::as_u64);
    let check_min = min.map(|min| {
        let min = min as usize;
        quote! {
            if value.chars().count() < #min {
                return Err(format!("{} must be at least {} characters", stringify!(#ident), #min));
            }
        }
    });
    let check_max = max.map(|max| {
        let max = max as usize;
        quote! {
            if value.chars().count() > #max {
                return Err(format!("{} must be at most {} characters", stringify!(#ident), #max));
            }
        }
    });
    let tokens = quote! {
        #[doc = #doc]
        ///
        /// A secret: `Debug` and `Display` print `<redacted>`. Built from a string with
        /// `try_into()` / `parse()`, which check the length limits of the API description;
        /// values received from the server are accepted as they are.
        #[derive(Clone, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #ident(credkit_runtime::Secret);

        impl #ident {
            /// The secret value. Call it only where the value is used, never to log it.
            pub fn expose(&self) -> &str {
                self.0.expose()
            }
        }

        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::string::String;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                #check_min
                #check_max
                Ok(Self(credkit_runtime::Secret::new(value)))
            }
        }

        impl ::std::convert::TryFrom<&str> for #ident {
            type Error = ::std::string::String;

            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl ::std::convert::TryFrom<&::std::string::String> for #ident {
            type Error = ::std::string::String;

            fn try_from(value: &::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for #ident {
            type Error = ::std::string::String;

            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                value.parse()
            }
        }
    };
    CustomType {
        name: name.to_owned(),
        secret: true,
        impls: vec![TypeImpl::FromStr, TypeImpl::Display],
        tokens,
    }
}

/// `documenti_errati` → `DocumentiErrati`, `STANDARD` → `Standard`, `2FA` → `V2fa`: enum
/// variants of open enums and of `Environment`.
pub(crate) fn variant_name(value: &str) -> String {
    let mut name: String = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

fn open_enum(name: &str, schema: &Value) -> Result<CustomType, String> {
    let ident = format_ident!("{name}");
    let doc = doc(schema);
    let values: Vec<&str> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let variants: Vec<String> = values.iter().map(|v| variant_name(v)).collect();
    for (i, variant) in variants.iter().enumerate() {
        if variant == "Unknown" {
            return Err(format!(
                "enum value `{}` would clash with the `Unknown` variant",
                values[i]
            ));
        }
        if let Some(j) = variants[..i].iter().position(|v| v == variant) {
            return Err(format!(
                "enum values `{}` and `{}` give the same variant `{variant}`",
                values[j], values[i]
            ));
        }
    }
    let idents: Vec<_> = variants.iter().map(|v| format_ident!("{v}")).collect();
    let docs = values.iter().map(|v| format!("`{v}`"));
    let tokens = quote! {
        #[doc = #doc]
        ///
        /// Open: a value this version of credkit does not know parses as `Unknown`, so a
        /// server that adds a value does not break the response.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#[doc = #docs] #idents,)*
            /// A value not in the API description.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value.parse() {
                    Ok(parsed) => parsed,
                    Err(never) => match never {},
                }
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
    Ok(CustomType {
        name: name.to_owned(),
        secret: false,
        impls: vec![TypeImpl::FromStr, TypeImpl::Display],
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("Attivo"), "Attivo");
        assert_eq!(variant_name("documenti_errati"), "DocumentiErrati");
        assert_eq!(variant_name("STANDARD"), "Standard");
        assert_eq!(variant_name("in attesa-di"), "InAttesaDi");
        assert_eq!(variant_name("2FA"), "V2fa");
    }
}

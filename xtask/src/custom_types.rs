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

use crate::model::{CustomKind, CustomType};

/// The traits every custom type implements, which progenitor's replacement is told of.
pub const IMPLS: [TypeImpl; 2] = [TypeImpl::FromStr, TypeImpl::Display];

/// The items of a custom type.
pub fn emit(t: &CustomType) -> TokenStream {
    match &t.kind {
        CustomKind::Secret {
            min_length,
            max_length,
        } => secret(&t.name.rust, &t.description, *min_length, *max_length),
        CustomKind::OpenEnum { values } => open_enum(&t.name.rust, &t.description, values),
    }
}

fn secret(name: &str, doc: &str, min: Option<u64>, max: Option<u64>) -> TokenStream {
    let ident = format_ident!("{name}");
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
    quote! {
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
    }
}

fn open_enum(name: &str, doc: &str, known: &[(String, String)]) -> TokenStream {
    let ident = format_ident!("{name}");
    let values: Vec<&str> = known.iter().map(|(value, _)| value.as_str()).collect();
    let variants: Vec<&str> = known.iter().map(|(_, variant)| variant.as_str()).collect();
    let idents: Vec<_> = variants.iter().map(|v| format_ident!("{v}")).collect();
    let docs = values.iter().map(|v| format!("`{v}`"));
    quote! {
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
    }
}

//! What the command line learns from the types of the client just generated, where typify and
//! credkit's custom types wrote down the spec's rules: the values of an enum (closed, or open
//! to values the spec does not list), and which types check a string (`FromStr`: a length, a
//! pattern, a secret's length), so that a body member given on the command line is checked
//! as its parameter twin is.

use syn::visit::Visit;
use syn::{Fields, ImplItem, Item, Type};

/// The items of the client's `types` module.
pub struct ClientTypes<'a> {
    items: Vec<&'a Item>,
}

/// The values an enum type takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values {
    /// As sent on the wire, in the spec's order.
    pub known: Vec<String>,
    /// An `x-credkit-open-enum`: other values are accepted too.
    pub open: bool,
}

impl<'a> ClientTypes<'a> {
    pub fn of(client: &'a syn::File) -> Self {
        let items = client
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
                _ => None,
            })
            .flat_map(|(_, items)| items)
            .collect();
        Self { items }
    }

    /// The name of the client's type `ty` stands for (through `Option`), when the `types`
    /// module defines it.
    pub fn defined(&self, ty: &Type) -> Option<syn::Ident> {
        let ident = last_ident(unwrap_option(ty))?;
        self.items
            .iter()
            .any(|item| match item {
                Item::Struct(s) => s.ident == ident,
                Item::Enum(e) => e.ident == ident,
                _ => false,
            })
            .then_some(ident)
    }

    /// The values of the enum `ty` (through `Option`), read from its `FromStr`: the string
    /// literals it matches. `None` for anything that is not an enum of strings.
    pub fn values(&self, ty: &Type) -> Option<Values> {
        let ident = self.defined(ty)?;
        let variants = self.items.iter().find_map(|item| match item {
            Item::Enum(e) if e.ident == ident => Some(&e.variants),
            _ => None,
        })?;
        let from_str = self.parser_of(&ident)?;
        let mut literals = Literals::default();
        literals.visit_impl_item_fn(from_str);
        if literals.0.is_empty() {
            return None;
        }
        // credkit's open enums keep an unknown value as `Unknown(String)`.
        let open = variants
            .iter()
            .any(|v| v.ident == "Unknown" && matches!(v.fields, Fields::Unnamed(_)));
        Some(Values {
            known: literals.0,
            open,
        })
    }

    /// Whether `ty` (through `Option`) is a type of the client that checks a string when
    /// parsed from one.
    pub fn parses(&self, ty: &Type) -> bool {
        self.defined(ty)
            .is_some_and(|ident| self.parser_of(&ident).is_some())
    }

    /// The type of member `name` (as sent) of the struct `body`.
    pub fn member_type(&self, body: &Type, name: &str) -> Option<Type> {
        let ident = last_ident(body)?;
        let fields = self.items.iter().find_map(|item| match item {
            Item::Struct(s) if s.ident == ident => Some(&s.fields),
            _ => None,
        })?;
        fields
            .iter()
            .find(|field| {
                serde_rename(&field.attrs).map_or_else(
                    || field.ident.as_ref().is_some_and(|i| i == name),
                    |renamed| renamed == name,
                )
            })
            .map(|field| unwrap_option(&field.ty).clone())
    }

    /// `from_str` of the type's `FromStr` implementation.
    fn parser_of(&self, ident: &syn::Ident) -> Option<&'a syn::ImplItemFn> {
        self.items.iter().find_map(|item| {
            let Item::Impl(block) = item else {
                return None;
            };
            let (trait_path, _) = block.trait_.as_ref()?;
            let implements = trait_path
                .segments
                .last()
                .is_some_and(|s| s.ident == "FromStr");
            if !implements || last_ident(&block.self_ty).as_ref() != Some(ident) {
                return None;
            }
            block.items.iter().find_map(|item| match item {
                ImplItem::Fn(f) if f.sig.ident == "from_str" => Some(f),
                _ => None,
            })
        })
    }
}

/// The string literals of the match arms' patterns.
#[derive(Default)]
struct Literals(Vec<String>);

impl Visit<'_> for Literals {
    fn visit_pat(&mut self, pat: &syn::Pat) {
        if let syn::Pat::Lit(syn::PatLit {
            lit: syn::Lit::Str(s),
            ..
        }) = pat
        {
            self.0.push(s.value());
        }
        syn::visit::visit_pat(self, pat);
    }
}

/// `T` of `Option<T>` (any path ending in `Option`), or the type itself.
fn unwrap_option(ty: &Type) -> &Type {
    if let Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(arguments) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = arguments.args.first()
    {
        return inner;
    }
    ty
}

fn last_ident(ty: &Type) -> Option<syn::Ident> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// `#[serde(rename = "...")]` of a field.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                renamed = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Another `key = value`: its value is read and left.
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = r#"
        pub mod types {
            pub enum Closed { #[serde(rename = "A")] A, #[serde(rename = "B")] B }
            impl ::std::str::FromStr for Closed {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> {
                    match value { "A" => Ok(Self::A), "B" => Ok(Self::B), _ => Err("invalid value".into()) }
                }
            }
            pub enum Open { X, Unknown(String) }
            impl ::std::str::FromStr for Open {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(match value { "X" => Self::X, other => Self::Unknown(other.to_owned()) })
                }
            }
            pub struct Pin(Secret);
            impl ::std::str::FromStr for Pin {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> { Err(value.to_owned()) }
            }
            pub struct Body {
                #[serde(rename = "thing-id", default)]
                pub thing_id: Option<crate::generated::types::Closed>,
                pub pin: Pin,
                pub note: Option<String>,
            }
        }
    "#;

    #[test]
    fn enum_values_closed_or_open_and_checked_types_are_read_from_the_client() {
        let file = syn::parse_file(CLIENT).unwrap();
        let types = ClientTypes::of(&file);
        let ty = |text: &str| syn::parse_str::<Type>(text).unwrap();
        assert_eq!(
            types.values(&ty("credkit::x::types::Closed")),
            Some(Values {
                known: vec!["A".into(), "B".into()],
                open: false
            })
        );
        assert_eq!(
            types.values(&ty("Option<Open>")),
            Some(Values {
                known: vec!["X".into()],
                open: true
            })
        );
        assert_eq!(types.values(&ty("Pin")), None);
        assert!(types.parses(&ty("Pin")) && !types.parses(&ty("String")));
        let body = ty("credkit::x::types::Body");
        let member = types.member_type(&body, "thing-id").unwrap();
        assert_eq!(
            quote::quote!(#member).to_string().replace(' ', ""),
            "crate::generated::types::Closed"
        );
        assert!(types.member_type(&body, "pin").is_some());
        assert!(types.member_type(&body, "thing_id").is_none());
    }
}

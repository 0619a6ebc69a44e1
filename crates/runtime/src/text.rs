//! A path or header value as text, as OpenAPI's `simple` style writes it: a string as itself,
//! a number or a boolean as written in JSON, an enum as its wire value, an array's items joined
//! by commas. Written straight from the value's `Serialize`, without building a JSON value
//! first: it runs for every path and header parameter of every call.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

/// `value` as the text of a path segment or a header, or why it has none (`null`, an object).
pub(crate) fn text<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    value.serialize(Text { in_list: false }).map_err(|e| e.0)
}

struct Text {
    /// Serializing an item of an array: another array has no text.
    in_list: bool,
}

#[derive(Debug)]
pub(crate) struct TextError(String);

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

impl ser::Error for TextError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

fn refuse(what: &str) -> TextError {
    TextError(format!("{what} cannot be written as text"))
}

macro_rules! displayed {
    ($($method:ident: $type:ty),*) => {
        $(fn $method(self, value: $type) -> Result<String, TextError> {
            Ok(value.to_string())
        })*
    };
}

impl ser::Serializer for Text {
    type Ok = String;
    type Error = TextError;
    type SerializeSeq = Items;
    type SerializeTuple = Items;
    type SerializeTupleStruct = Impossible<String, TextError>;
    type SerializeTupleVariant = Impossible<String, TextError>;
    type SerializeMap = Impossible<String, TextError>;
    type SerializeStruct = Impossible<String, TextError>;
    type SerializeStructVariant = Impossible<String, TextError>;

    displayed!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str
    );

    fn serialize_bytes(self, _: &[u8]) -> Result<String, TextError> {
        Err(refuse("bytes"))
    }

    fn serialize_none(self) -> Result<String, TextError> {
        Err(refuse("null"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, TextError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, TextError> {
        Err(refuse("null"))
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, TextError> {
        Err(refuse("null"))
    }

    /// An enum's wire value (`#[serde(rename)]` gives it here).
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, TextError> {
        Ok(variant.to_owned())
    }

    /// A newtype (a constrained string, a secret) as what it wraps.
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, TextError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, TextError> {
        Err(refuse("an object"))
    }

    fn serialize_seq(self, length: Option<usize>) -> Result<Items, TextError> {
        if self.in_list {
            return Err(refuse("a list of lists"));
        }
        Ok(Items(Vec::with_capacity(length.unwrap_or(0))))
    }

    fn serialize_tuple(self, length: usize) -> Result<Items, TextError> {
        self.serialize_seq(Some(length))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, TextError> {
        Err(refuse("a tuple"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, TextError> {
        Err(refuse("an object"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, TextError> {
        Err(refuse("an object"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, TextError> {
        Err(refuse("an object"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, TextError> {
        Err(refuse("an object"))
    }
}

/// An array's items, joined by commas when it ends.
struct Items(Vec<String>);

impl ser::SerializeSeq for Items {
    type Ok = String;
    type Error = TextError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TextError> {
        self.0.push(value.serialize(Text { in_list: true })?);
        Ok(())
    }

    fn end(self) -> Result<String, TextError> {
        Ok(self.0.join(","))
    }
}

impl ser::SerializeTuple for Items {
    type Ok = String;
    type Error = TextError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TextError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<String, TextError> {
        ser::SerializeSeq::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[derive(serde::Serialize)]
    enum Kind {
        #[serde(rename = "premium")]
        Premium,
    }

    #[derive(serde::Serialize)]
    struct Pin(String);

    #[test]
    fn scalars_enums_newtypes_and_lists_have_text_and_the_rest_is_refused() {
        assert_eq!(text("B4HUPE820"), Ok("B4HUPE820".to_owned()));
        assert_eq!(text(&42_i64), Ok("42".to_owned()));
        assert_eq!(text(&1.5_f64), Ok("1.5".to_owned()));
        assert_eq!(text(&true), Ok("true".to_owned()));
        assert_eq!(text(&Kind::Premium), Ok("premium".to_owned()));
        assert_eq!(text(&Pin("123456".into())), Ok("123456".to_owned()));
        assert_eq!(text(&crate::Secret::new("s3cret")), Ok("s3cret".to_owned()));
        assert_eq!(text(&Some(7_u8)), Ok("7".to_owned()));
        assert_eq!(text(&vec!["a", "b"]), Ok("a,b".to_owned()));
        assert_eq!(
            text(&None::<u8>),
            Err("null cannot be written as text".to_owned())
        );
        assert_eq!(
            text(&vec![vec![1]]),
            Err("a list of lists cannot be written as text".to_owned())
        );
        assert_eq!(
            text(&std::collections::BTreeMap::from([("a", 1)])),
            Err("an object cannot be written as text".to_owned())
        );
    }
}

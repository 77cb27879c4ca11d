//! [`Text`]: a string parameter, borrowed from the call's JSON when it can be.

use serde::de::{Deserialize, Deserializer, Error, Visitor};
use serde::{Serialize, Serializer};
use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

/// A string parameter as the gateway hands it to a core function.
///
/// On the dynamic path it borrows from the JSON parameters it was decoded from, so a call
/// does not copy its strings; on the typed path it holds what the caller passed, borrowed or
/// owned. `#[operation]` turns it into what the core function takes (`&str`, `String` or
/// `Cow<str>`), so core functions rarely name it.
///
/// It exists because serde decodes a `Cow<str>` as an owned copy, always; `Text` decodes as
/// borrowed whenever the input lets it.
///
/// ```
/// use gateway_runtime::Text;
///
/// let json = serde_json::json!("hello");
/// let text = Text::deserialize(&json).unwrap();
/// assert!(text.is_borrowed());
/// assert_eq!(&*text, "hello");
/// # use serde::Deserialize;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    /// A parameter of `text`, borrowed or owned as it is given.
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Text(text.into())
    }

    /// The string, owned: copied only if it was borrowed.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }

    /// The string as a `Cow`, without copying.
    pub fn into_cow(self) -> Cow<'a, str> {
        self.0
    }

    /// Whether the string is borrowed (from the call's parameters or the caller).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Text(Cow::Borrowed(text))
    }
}

impl From<String> for Text<'_> {
    fn from(text: String) -> Self {
        Text(Cow::Owned(text))
    }
}

impl<'a> From<Cow<'a, str>> for Text<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Text(text)
    }
}

impl<'a> From<Text<'a>> for Cow<'a, str> {
    fn from(text: Text<'a>) -> Self {
        text.0
    }
}

impl From<Text<'_>> for String {
    fn from(text: Text<'_>) -> Self {
        text.into_owned()
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Keeps a string borrowed when the deserializer lends it for `'de`.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn decoding_from_a_json_value_borrows() {
        let value = json!("k");
        let text = Text::deserialize(&value).unwrap();
        assert!(text.is_borrowed());
        assert_eq!(text.into_owned(), "k");
    }

    #[test]
    fn decoding_text_with_escapes_owns_and_other_types_fail() {
        let text: Text<'_> = serde_json::from_str(r#""a\"b""#).unwrap();
        assert!(!text.is_borrowed());
        assert_eq!(&*text, "a\"b");
        let plain: Text<'_> = serde_json::from_str(r#""ab""#).unwrap();
        assert!(plain.is_borrowed());
        let error = Text::deserialize(&json!(5)).unwrap_err();
        assert!(error.to_string().contains("a string"), "{error}");
    }

    #[test]
    fn it_serializes_as_its_string_and_converts_both_ways() {
        let text = Text::new(String::from("x\"y"));
        assert_eq!(serde_json::to_value(&text).unwrap(), Value::from("x\"y"));
        assert_eq!(Cow::from(text.clone()), "x\"y");
        assert_eq!(String::from(text), "x\"y");
        assert_eq!(Text::from("z").to_string(), "z");
    }
}

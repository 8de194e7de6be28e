//! A small macro for enums with one stable string form each (used for storage, serde and CLI).

use thiserror::Error;

/// A string did not name any variant of a string-backed enum.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {type_name} `{value}` (expected one of: {})", expected.join(", "))]
pub struct ParseEnumError {
    /// The enum's name, e.g. `Role`.
    pub type_name: &'static str,
    /// The rejected input.
    pub value: String,
    /// Every accepted spelling.
    pub expected: &'static [&'static str],
}

/// Declares a fieldless enum whose variants each map to one stable string.
///
/// Generates `ALL`, `as_str`, `Display`, `FromStr` (exact match on the string form) and serde
/// impls that use the same string, so storage, JSON and CLI spellings can never drift apart.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const STRINGS: &'static [&'static str] = &[$($text),+];

            /// The stable string form (the one stored, serialized and accepted by `FromStr`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::string_enum::ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::string_enum::ParseEnumError {
                        type_name: stringify!($name),
                        value: s.to_owned(),
                        expected: Self::STRINGS,
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    string_enum! {
        /// Test enum.
        enum Colour {
            Red => "red",
            DarkBlue => "dark_blue",
        }
    }

    #[test]
    fn round_trips_every_variant() {
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>().unwrap(), *c);
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
    }

    #[test]
    fn rejects_unknown_with_expected_list() {
        let err = "DarkBlue".parse::<Colour>().unwrap_err();
        assert_eq!(err.type_name, "Colour");
        assert_eq!(
            err.to_string(),
            "unknown Colour `DarkBlue` (expected one of: red, dark_blue)"
        );
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
    }
}

//! The JSON Schema of an operation's parameters object, built from its parameter descriptors:
//! the same for operations of the manifest and operations registered at runtime.
//!
//! Manifest types map to JSON Schema directly. A parameter whose type names a Rust type asks
//! that type's `JsonSchema` impl, through the function its descriptor carries
//! ([`ParamDescriptor::schema_with`]); the definitions it brings land in `$defs`.

use crate::descriptor::{ParamDescriptor, TypeDesc};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// The schema of a parameter of Rust type `T`, for [`ParamDescriptor::schema_with`]: a
/// reference into `$defs` for named types.
pub fn schema_of<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of a parameters object declared by `params`.
pub(crate) fn params_schema(params: &[ParamDescriptor]) -> Schema {
    let mut generator = None::<SchemaGenerator>;
    let mut properties = Map::new();
    for param in params {
        let mut property = match param.schema_with {
            Some(schema) => {
                schema(generator.get_or_insert_with(SchemaGenerator::default)).to_value()
            }
            None => type_schema(&param.ty),
        };
        if let Value::Object(object) = &mut property {
            if !param.description.is_empty() {
                object.insert("description".into(), param.description.into());
            }
            if let Some(default) = param.default.and_then(|d| serde_json::from_str(d).ok()) {
                object.insert("default".into(), default);
            }
        }
        properties.insert(param.name.into(), property);
    }
    let required: Vec<&str> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let Some(mut generator) = generator {
        let definitions = generator.take_definitions(true);
        if !definitions.is_empty() {
            schema["$defs"] = Value::Object(definitions);
        }
    }
    Schema::try_from(schema).unwrap_or_default()
}

fn type_schema(ty: &TypeDesc) -> Value {
    match ty {
        TypeDesc::String => json!({"type": "string"}),
        TypeDesc::Int => json!({"type": "integer", "format": "int64"}),
        TypeDesc::Float => json!({"type": "number"}),
        TypeDesc::Bool => json!({"type": "boolean"}),
        TypeDesc::Any | TypeDesc::Rust(_) => json!({}),
        TypeDesc::Dict => json!({"type": "object"}),
        TypeDesc::List => json!({"type": "array"}),
        TypeDesc::None => json!({"type": "null"}),
        TypeDesc::ListOf(item) => json!({"type": "array", "items": type_schema(item)}),
        TypeDesc::MapOf(item) => {
            json!({"type": "object", "additionalProperties": type_schema(item)})
        }
        TypeDesc::Optional(inner) => json!({"anyOf": [type_schema(inner), {"type": "null"}]}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Entry {
        key: String,
    }

    static PARAMS: [ParamDescriptor; 3] = [
        ParamDescriptor::new("key", TypeDesc::String)
            .required()
            .describe("The key."),
        ParamDescriptor::new("limit", TypeDesc::Int).default_json("10"),
        ParamDescriptor::new("entries", TypeDesc::ListOf(&TypeDesc::Rust("Entry")))
            .schema_with(schema_of::<Vec<Entry>>),
    ];

    #[test]
    fn manifest_types_map_to_json_schema_and_rust_types_bring_their_definitions() {
        let schema = params_schema(&PARAMS).to_value();
        assert_eq!(
            schema["properties"]["key"],
            json!({"type": "string", "description": "The key."})
        );
        assert_eq!(
            schema["properties"]["limit"],
            json!({"type": "integer", "format": "int64", "default": 10})
        );
        assert_eq!(
            schema["properties"]["entries"],
            json!({"type": "array", "items": {"$ref": "#/$defs/Entry"}})
        );
        assert_eq!(schema["$defs"]["Entry"]["required"], json!(["key"]));
        assert_eq!(schema["required"], json!(["key"]));
        assert_eq!(schema["additionalProperties"], json!(false));
    }

    #[test]
    fn without_rust_types_there_are_no_definitions() {
        let schema = params_schema(&PARAMS[..2]).to_value();
        assert!(schema.get("$defs").is_none(), "{schema}");
    }
}

//! The OpenAPI 3.1 document of the HTTP routes a service exposes through its event router.
//!
//! Only public operations appear: internal ones answer 404 from outside, exactly like
//! operations that do not exist (`docs/ENTRY.md`). Each public operation is
//! `POST /{INTERFACE}/{operation}` with its parameters object as the JSON body; the service
//! routes are `GET /health`, `GET /stats`, `GET /operations`, `POST /invoke` and `POST /batch`.
//!
//! Schemas are derived from the manifest, as the registry's parameter descriptors describe
//! themselves: `int` is `{"type": "integer", "format": "int64"}`, an optional parameter also
//! accepts `null`, and so on. A Rust type (`crate::model::User`) has a schema only the compiled
//! service knows (`GET /operations` serves it): here it is unconstrained, `{}` with the type's
//! path in `x-rust-type`.
//!
//! The output is deterministic: object keys are sorted, arrays are in manifest order.

use crate::generate::flags_sentence;
use crate::model::{Model, Operation, Param, Type, Visibility};
use crate::validate::names::camel_case;
use serde_json::{Map, Value, json};

/// The OpenAPI version of the document.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The tag of the service routes (`/health`, `/stats`, ...). Interface tags are
/// SCREAMING_SNAKE_CASE, so it cannot collide with one.
pub const SERVICE_TAG: &str = "service";

/// What the document's `info` object says about the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiInfo {
    /// The API's title (`info.title`).
    pub title: String,
    /// The API's version (`info.version`), e.g. the service's crate version.
    pub version: String,
}

impl Default for ApiInfo {
    /// Title `gateway`, version `0.1.0`.
    fn default() -> Self {
        Self {
            title: "gateway".into(),
            version: "0.1.0".into(),
        }
    }
}

/// The error statuses every operation route can answer, with the name of their shared
/// response in `components.responses` and what they mean.
const OPERATION_ERRORS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The body is not JSON (`invalid_json`), or the parameters do not fit the operation \
         (`invalid_params`, with every problem in `problems`).",
    ),
    (
        "404",
        "NotFound",
        "No such public operation (`unknown_interface`, `unknown_operation`, with the closest \
         name); internal operations answer this way too.",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is over `GATEWAY_MAX_BODY_BYTES` (`payload_too_large`).",
    ),
    (
        "429",
        "Throttled",
        "The free-tier guard throttles the operation (`throttled`): retry after `Retry-After` \
         seconds (also in `retry_after_s`).",
    ),
    (
        "500",
        "InternalError",
        "The operation failed (`operation_failed`, `panicked`, ...). The message says only that; \
         the service log has the details under `request_id`.",
    ),
    (
        "503",
        "Blocked",
        "The free-tier guard blocks the operation (`blocked`); critical operations are still \
         served.",
    ),
    (
        "504",
        "Timeout",
        "The operation ran past its timeout (`timeout`).",
    ),
];

/// The OpenAPI 3.1 document of `model`'s public HTTP routes.
pub fn document(model: &Model, info: &ApiInfo) -> Value {
    let public: Vec<&Operation> = model
        .operations()
        .filter(|op| op.visibility == Visibility::Public)
        .collect();
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for op in &public {
        schemas.insert(params_schema_name(op), params_schema(op));
        paths.insert(
            format!("/{}/{}", op.interface, op.name),
            json!({ "post": operation(op) }),
        );
    }
    service_routes(&mut paths);
    service_schemas(&mut schemas);
    let mut tags: Vec<Value> = model
        .interfaces
        .iter()
        .filter(|interface| public.iter().any(|op| op.interface == interface.name))
        .map(|interface| {
            let mut tag = json!({ "name": interface.name });
            if let Some(description) = &interface.description {
                tag["description"] = json!(description);
            }
            tag
        })
        .collect();
    tags.push(json!({
        "name": SERVICE_TAG,
        "description": "The service's own routes: health, stats, the operation list, calls by name and batches.",
    }));
    let mut document = json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": info.title,
            "version": info.version,
            "description": description(model, public.len()),
        },
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": error_responses(),
            "headers": {
                "RetryAfter": {
                    "description": "Seconds to wait before trying again.",
                    "schema": { "type": "integer", "minimum": 1 },
                },
            },
        },
    });
    document.sort_all_objects();
    document
}

/// [`document`], pretty-printed with a final newline.
pub fn to_json(model: &Model, info: &ApiInfo) -> String {
    let mut text = serde_json::to_string_pretty(&document(model, info)).unwrap_or_default();
    text.push('\n');
    text
}

/// The name of an operation's parameter schema in `components.schemas`: `CacheGetParams`.
pub fn params_schema_name(op: &Operation) -> String {
    format!("{}Params", camel_case(&op.wrapper))
}

fn description(model: &Model, public: usize) -> String {
    format!(
        "The HTTP routes of the gateway generated from `{}`, as its event router serves them \
         (local `serve`, API Gateway, Lambda function URLs): `POST /{{INTERFACE}}/{{operation}}` \
         for each of its {public} public operations, with the operation's parameters as the JSON \
         body, and the service routes. Internal operations are not part of this API: from \
         outside they answer as operations that do not exist. Every error is a JSON body \
         `{{\"error\": {{\"kind\", \"message\", \"status\", \"request_id\", ...}}}}`.",
        model.manifest
    )
}

/// The `post` operation object of `POST /{INTERFACE}/{operation}`.
fn operation(op: &Operation) -> Value {
    let mut description = op.description.clone().unwrap_or_default();
    if let Some(flags) = flags_sentence(op) {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&flags);
    }
    let schema_ref = format!("#/components/schemas/{}", params_schema_name(op));
    let mut responses = error_refs();
    responses.insert(
        "200".into(),
        json!({
            "description": format!("The result: `{}`.", op.returns.manifest_name()),
            "content": { "application/json": { "schema": type_schema(&op.returns) } },
        }),
    );
    let mut object = json!({
        "operationId": op.wrapper,
        "summary": op.qualified_name(),
        "tags": [op.interface],
        "requestBody": {
            "description": if op.params.is_empty() {
                "No parameters: an empty body, `{}` or `null`."
            } else {
                "The parameters, by name."
            },
            "required": op.params.iter().any(|p| p.required),
            "content": { "application/json": { "schema": { "$ref": schema_ref } } },
        },
        "responses": responses,
    });
    if !description.is_empty() {
        object["description"] = json!(description);
    }
    object
}

/// The JSON Schema of an operation's parameters object, as the dynamic path checks it.
pub fn params_schema(op: &Operation) -> Value {
    let mut properties = Map::new();
    for param in &op.params {
        properties.insert(param.name.clone(), param_schema(param));
    }
    let required: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    json!({
        "title": camel_case(&op.wrapper),
        "description": format!("Parameters of `{}` (`{}`).", op.qualified_name(), op.wrapper),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// A parameter's schema: its type, nullable when it may be omitted or is `optional<T>`,
/// with its description and default.
fn param_schema(param: &Param) -> Value {
    let mut schema = type_schema(&param.ty);
    if !param.required {
        schema = nullable(schema);
    }
    if let Some(description) = &param.description {
        schema["description"] = json!(description);
    }
    if let Some(default) = &param.default {
        schema["default"] = default.clone();
    } else if !param.required {
        schema["default"] = Value::Null;
    }
    schema
}

/// The JSON Schema of a manifest type.
pub fn type_schema(ty: &Type) -> Value {
    match ty {
        Type::String => json!({ "type": "string" }),
        Type::Int => json!({ "type": "integer", "format": "int64" }),
        Type::Float => json!({ "type": "number", "format": "double" }),
        Type::Bool => json!({ "type": "boolean" }),
        Type::Any => json!({}),
        Type::Dict => json!({ "type": "object" }),
        Type::List => json!({ "type": "array" }),
        Type::None => json!({ "type": "null" }),
        Type::ListOf(inner) => json!({ "type": "array", "items": type_schema(inner) }),
        Type::MapOf(inner) => {
            json!({ "type": "object", "additionalProperties": type_schema(inner) })
        }
        Type::Optional(inner) => nullable(type_schema(inner)),
        Type::Rust(path) => json!({ "x-rust-type": path }),
    }
}

/// `schema`, also accepting `null`. A schema without a `type` accepts it already.
fn nullable(mut schema: Value) -> Value {
    match schema.get("type").cloned() {
        Some(Value::String(ty)) if ty != "null" => schema["type"] = json!([ty, "null"]),
        Some(Value::Array(mut types)) if !types.contains(&json!("null")) => {
            types.push(json!("null"));
            schema["type"] = Value::Array(types);
        }
        _ => {}
    }
    schema
}

/// `{"400": {"$ref": "#/components/responses/BadRequest"}, ...}`.
fn error_refs() -> Map<String, Value> {
    OPERATION_ERRORS
        .iter()
        .map(|(status, name, _)| {
            (
                (*status).to_owned(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            )
        })
        .collect()
}

/// The shared error responses, each with the error body schema.
fn error_responses() -> Map<String, Value> {
    OPERATION_ERRORS
        .iter()
        .map(|(status, name, description)| {
            let mut response = json!({
                "description": description,
                "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Error" } },
                },
            });
            if *status == "429" {
                response["headers"] = json!({
                    "Retry-After": { "$ref": "#/components/headers/RetryAfter" },
                });
            }
            ((*name).to_owned(), response)
        })
        .collect()
}

/// `/health`, `/stats`, `/operations`, `/invoke` and `/batch`.
fn service_routes(paths: &mut Map<String, Value>) {
    let ok = |description: &str, schema: Value| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": schema } },
        })
    };
    let schema_ref = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    paths.insert(
        "/health".into(),
        json!({ "get": {
            "operationId": "getHealth",
            "summary": "Health",
            "description": "Whether the service is up, its name and version, whether this invocation was a cold start, and which interfaces have their state loaded.",
            "tags": [SERVICE_TAG],
            "responses": { "200": ok("The service is up.", schema_ref("Health")) },
        }}),
    );
    paths.insert(
        "/stats".into(),
        json!({ "get": {
            "operationId": "getStats",
            "summary": "Runtime statistics",
            "description": "The runtime's stats: modules, heat, the fast path, calls and maintenance (`docs/RUNTIME.md`).",
            "tags": [SERVICE_TAG],
            "responses": { "200": ok("The stats.", json!({ "type": "object" })) },
        }}),
    );
    paths.insert(
        "/operations".into(),
        json!({ "get": {
            "operationId": "listOperations",
            "summary": "Public operations",
            "description": "The public operations: path, description, parameter JSON Schema, return type and flags.",
            "tags": [SERVICE_TAG],
            "responses": { "200": ok("The operations.", schema_ref("OperationList")) },
        }}),
    );
    let mut invoke_responses = error_refs();
    invoke_responses.insert("200".into(), ok("The operation's result.", json!({})));
    paths.insert(
        "/invoke".into(),
        json!({ "post": {
            "operationId": "invokeOperation",
            "summary": "Call a public operation by name",
            "description": "Calls `interface.operation` with `params`, as `POST /{INTERFACE}/{operation}` would. A body without string `interface` and `operation` is a 400 (`invalid_request`).",
            "tags": [SERVICE_TAG],
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": schema_ref("Call") } },
            },
            "responses": invoke_responses,
        }}),
    );
    let mut batch_responses = Map::new();
    batch_responses.insert(
        "200".into(),
        ok(
            "One result or error per call, in call order.",
            schema_ref("BatchResults"),
        ),
    );
    for (status, name, _) in OPERATION_ERRORS {
        if ["400", "413"].contains(status) {
            batch_responses.insert(
                (*status).to_owned(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
    }
    paths.insert(
        "/batch".into(),
        json!({ "post": {
            "operationId": "runBatch",
            "summary": "Many calls, fused where possible",
            "description": "Runs the calls in order through `execute_batch`: runs of calls of an operation with a batch partner become calls of the partner (`docs/BATCHING.md`). Errors are per call. A batch holds at most 1,000 calls by default (a 413 beyond).",
            "tags": [SERVICE_TAG],
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": {
                    "oneOf": [
                        { "type": "array", "items": schema_ref("Call") },
                        {
                            "type": "object",
                            "properties": { "calls": { "type": "array", "items": schema_ref("Call") } },
                            "required": ["calls"],
                        },
                    ],
                } } },
            },
            "responses": batch_responses,
        }}),
    );
}

/// The schemas of the service routes and of the error body.
fn service_schemas(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "Error".into(),
        json!({
            "description": "Every error: what kind, a message, the status again (for callers that see no HTTP status) and the request id.",
            "type": "object",
            "properties": { "error": {
                "type": "object",
                "properties": {
                    "kind": { "type": "string", "description": "`invalid_params`, `unknown_operation`, `throttled`, ..." },
                    "message": { "type": "string" },
                    "status": { "type": "integer" },
                    "request_id": { "type": "string" },
                    "problems": {
                        "type": "array",
                        "items": { "type": "string" },
                        "description": "`invalid_params` only: every problem with the parameters.",
                    },
                    "retry_after_s": {
                        "type": "integer",
                        "description": "`throttled` only: seconds to wait before trying again.",
                    },
                },
                "required": ["kind", "message", "status", "request_id"],
            } },
            "required": ["error"],
        }),
    );
    schemas.insert(
        "Call".into(),
        json!({
            "description": "A call by name.",
            "type": "object",
            "properties": {
                "interface": { "type": "string" },
                "operation": { "type": "string" },
                "params": { "description": "The operation's parameters; absent or null means none." },
            },
            "required": ["interface", "operation"],
        }),
    );
    schemas.insert(
        "BatchResults".into(),
        json!({
            "type": "object",
            "properties": { "results": {
                "type": "array",
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": { "result": {} },
                            "required": ["result"],
                        },
                        { "$ref": "#/components/schemas/Error" },
                    ],
                },
            } },
            "required": ["results"],
        }),
    );
    schemas.insert(
        "Health".into(),
        json!({
            "type": "object",
            "properties": {
                "status": { "const": "ok" },
                "service": { "type": "string" },
                "version": { "type": "string" },
                "cold_start": { "type": "boolean" },
                "loaded_modules": { "type": "array", "items": { "type": "string" } },
            },
            "required": ["status", "service", "version", "cold_start", "loaded_modules"],
        }),
    );
    schemas.insert(
        "OperationList".into(),
        json!({
            "type": "object",
            "properties": { "operations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "interface": { "type": "string" },
                        "operation": { "type": "string" },
                        "path": { "type": "string" },
                        "description": { "type": ["string", "null"] },
                        "params": { "description": "The parameters' JSON Schema." },
                        "returns": { "type": "string" },
                        "async": { "type": "boolean" },
                        "cacheable": { "type": "boolean" },
                        "timeout_ms": { "type": ["integer", "null"] },
                        "priority": { "enum": ["normal", "critical"] },
                    },
                },
            } },
            "required": ["operations"],
        }),
    );
}

//! One Web API answer, independent of axum so `$batch` can run the same
//! handlers and print their answers into its multipart body.

use serde_json::{Value, json};

pub const JSON_CT: &str = "application/json; odata.metadata=minimal";

#[derive(Debug, Clone)]
pub struct OpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OpResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        Self::raw_json(status, serde_json::to_vec(body).unwrap_or_default())
    }

    pub fn raw_json(status: u16, body: Vec<u8>) -> Self {
        OpResponse {
            status,
            headers: vec![
                ("Content-Type".into(), JSON_CT.into()),
                ("OData-Version".into(), "4.0".into()),
            ],
            body,
        }
    }

    pub fn no_content() -> Self {
        OpResponse {
            status: 204,
            headers: vec![("OData-Version".into(), "4.0".into())],
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_json(&self) -> bool {
        self.header("Content-Type")
            .is_some_and(|c| c.starts_with("application/json"))
    }
}

/// A Dataverse error: `{"error": {"code": "0x...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 0x80060888: the catch-all of the OData layer (bad syntax, unknown
    /// property, unsupported query option).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "0x80060888", message)
    }

    pub fn unknown_property(type_name: &str, prop: &str) -> Self {
        Self::bad_request(format!(
            "Could not find a property named '{prop}' on type '{type_name}'."
        ))
    }

    pub fn not_found(logical: &str, id: &str) -> Self {
        Self::new(
            404,
            "0x80040217",
            format!("{logical} With Id = {id} Does Not Exist"),
        )
    }

    pub fn resource_not_found(path: &str) -> Self {
        Self::new(
            404,
            "0x8006088a",
            format!("Resource not found for the segment '{path}'."),
        )
    }

    pub fn into_response(self) -> OpResponse {
        OpResponse::json(
            self.status,
            &json!({"error": {"code": self.code, "message": self.message}}),
        )
    }
}

impl From<ApiError> for OpResponse {
    fn from(e: ApiError) -> Self {
        e.into_response()
    }
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

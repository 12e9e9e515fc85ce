//! What multipart bodies (the depot webhook, staff POD uploads) answer when they cannot be
//! read, in the contract's codes: over a limit `413`, not an accepted file `415`, broken `400`.
use crate::http::ApiError;
use crate::storage::PodUploadError;

pub fn multipart_error(e: multer::Error) -> ApiError {
    match e {
        multer::Error::FieldSizeExceeded { limit, field_name } => ApiError::PayloadTooLarge(format!(
            "multipart field {} is over the limit of {limit} bytes",
            field_name.as_deref().unwrap_or("(unnamed)")
        )),
        multer::Error::StreamSizeExceeded { limit } => {
            ApiError::PayloadTooLarge(format!("request body is over the limit of {limit} bytes"))
        }
        other => ApiError::BadRequest(format!("malformed multipart body: {other}")),
    }
}

/// `field` names the file field in the message (`pod_file`, `file`).
pub fn pod_error(field: &str, e: PodUploadError) -> ApiError {
    match e {
        PodUploadError::UnsupportedType => ApiError::UnsupportedMediaType(format!("{field}: {e}")),
        PodUploadError::TooLarge { .. } => ApiError::PayloadTooLarge(format!("{field}: {e}")),
        PodUploadError::Empty | PodUploadError::Body(_) => ApiError::BadRequest(format!("{field}: {e}")),
        PodUploadError::Store(cause) => ApiError::unavailable(cause),
    }
}

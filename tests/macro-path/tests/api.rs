//! The shared API tests through the macro-path way in.

use macro_path as service;

include!("../../shared/api_tests.rs");

//! The shared API tests through the build-path way in.

use build_path as service;

include!("../../shared/api_tests.rs");

//! Running on AWS Lambda: the Runtime API loop of `lambda_runtime`, each event through the router.

use super::router::EventRouter;
use crate::service::Service;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;

/// Serves invocations from the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`) until it stops.
pub async fn run<S: Service>(router: Arc<EventRouter<S>>) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let router = router.clone();
        async move {
            let request_id = event.context.request_id.clone();
            router
                .handle_event(event.payload, &request_id)
                .await
                .map_err(|error| lambda_runtime::Error::from(error.to_string()))
        }
    }))
    .await
}

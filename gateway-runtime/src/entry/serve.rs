//! The local HTTP server: requests on a loopback port through the same router as Lambda.

use super::errors;
use super::http::{HttpRequest, HttpResponse};
use super::router::EventRouter;
use crate::service::Service;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

/// How long a client may take to send a request's headers, and then its body: a stalled client
/// gets its connection closed (headers) or a 408 (body) instead of holding a task forever.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a refused body that is read (and discarded) so that its client, still sending,
/// can read the refusal; beyond it the connection is closed.
const DRAIN_LIMIT: usize = 16 << 20;

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve<S: Service>(
    router: Arc<EventRouter<S>>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let requests = Arc::new(AtomicU64::new(0));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: keep serving the others.
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let router = router.clone();
        let requests = requests.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let router = router.clone();
                let id = format!("local-{}", requests.fetch_add(1, Ordering::Relaxed) + 1);
                async move { Ok::<_, std::convert::Infallible>(handle(&router, request, &id).await) }
            });
            if let Err(error) = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, %peer, "connection closed with an error");
            }
        });
    }
}

async fn handle<S: Service>(
    router: &EventRouter<S>,
    request: Request<Incoming>,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let response = match read(request, router.options().max_body_bytes, request_id).await {
        Ok(request) => router.handle_http(request, request_id).await,
        Err(refused) => refused,
    };
    let mut builder = Response::builder()
        .status(response.status)
        .header(hyper::header::CONTENT_TYPE, "application/json");
    for (name, value) in &response.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body_text())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::from_static(b"{}"))))
}

/// Reads a request with its body. Bodies over `limit` bytes are refused (by their declared
/// length, when there is one, before reading them), and so are bodies that stall or break off.
async fn read(
    request: Request<Incoming>,
    limit: usize,
    request_id: &str,
) -> Result<HttpRequest, HttpResponse> {
    let (parts, mut body) = request.into_parts();
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let read = if declared.is_some_and(|length| length > limit as u64) {
        Body::TooLarge
    } else {
        tokio::time::timeout(READ_TIMEOUT, collect(&mut body, limit))
            .await
            .unwrap_or(Body::Stalled)
    };
    let refusal = match read {
        Body::Complete(bytes) => {
            return Ok(HttpRequest {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                body: bytes,
            });
        }
        Body::TooLarge => errors::too_large(limit, request_id),
        Body::Stalled => errors::plain(
            408,
            "request_timeout",
            format!("the body did not arrive within {}s", READ_TIMEOUT.as_secs()),
            request_id,
        ),
        Body::Broken(error) => errors::plain(
            400,
            "invalid_request",
            format!("the body could not be read: {error}"),
            request_id,
        ),
    };
    // A client still sending a refused body reads the refusal only if the server reads on, so
    // the rest of a too-large body is read and discarded (unless the client waits for
    // `100 Continue` and so sends nothing more). Whenever a body is left unread, hyper closes
    // the connection after the response and says so in a `Connection: close` header.
    let expects_continue = parts
        .headers
        .get(hyper::header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if refusal.status == 413 && !expects_continue {
        let _ = tokio::time::timeout(READ_TIMEOUT, drain(&mut body)).await;
    }
    Err(refusal.into())
}

/// A request body, as far as it was read.
enum Body {
    /// All of it.
    Complete(Vec<u8>),
    /// More than the limit.
    TooLarge,
    /// Not all of it within [`READ_TIMEOUT`].
    Stalled,
    /// The connection failed.
    Broken(hyper::Error),
}

async fn collect(body: &mut Incoming, limit: usize) -> Body {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                let Some(data) = frame.data_ref() else {
                    continue;
                };
                if bytes.len() + data.len() > limit {
                    return Body::TooLarge;
                }
                bytes.extend_from_slice(data);
            }
            Err(error) => return Body::Broken(error),
        }
    }
    Body::Complete(bytes)
}

/// Reads and discards the rest of a refused body, up to [`DRAIN_LIMIT`] bytes.
async fn drain(body: &mut Incoming) {
    let mut seen = 0;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, Bytes::len);
        if seen > DRAIN_LIMIT {
            return;
        }
    }
}

/// Binds `addr`, returning the listener and the address it got (port 0 picks a free port).
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/**
 * A plain-Java client for the OCI distribution API, built on OkHttp and free of Spring.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Manifests are kept as the exact bytes the registry served or the caller supplied, and
 *       their digests are computed from those bytes; nothing is re-serialised.
 *   <li>Every blob read is verified for size and digest when the stream ends.
 *   <li>A blob push is HEAD, POST, optional PATCH chunks, then PUT with {@code ?digest=}; each
 *       {@code Location} is resolved against the URL of the response that carried it.
 *   <li>A SOCI push must upload all blobs before the manifests that reference them, and child
 *       manifests before the index, because Distribution rejects an index whose children are
 *       missing. {@code RegistryClient} uploads what it is given and does not enforce this order.
 *   <li>Credentials and tokens never appear in exception messages or logs, and URL query strings
 *       are removed from both because signed storage URLs carry secrets there.
 *   <li>Each operation retries transient failures within its {@link
 *       io.sociindexer.registry.RequestRetryPolicy}: GET and HEAD of manifests and blobs, token
 *       requests, manifest PUTs and monolithic blob uploads, which start over with a new upload
 *       session. Blob downloads resume with range requests. Chunked uploads from a stream are not
 *       retried. {@link io.sociindexer.registry.RegistryException#retryable()} returns whether
 *       retrying the whole step later may succeed.
 *   <li>Redirects stay on the registry's scheme, host and port, except that blob downloads may go
 *       to storage on another host; see {@link io.sociindexer.registry.RedirectGuard}. Upload
 *       {@code Location} headers must stay on the registry's scheme, host and port.
 * </ul>
 */
package io.sociindexer.registry;

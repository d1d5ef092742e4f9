/**
 * Registry authentication: credential lookup (docker {@code config.json}), a {@code
 * WWW-Authenticate} parser, and an OkHttp interceptor that responds to Bearer and Basic challenges
 * with a scoped token cache. Credentials go only to the registry they are configured for and to
 * the token realm that registry names.
 */
package io.sociindexer.registry.auth;

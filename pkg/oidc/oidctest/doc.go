// Package oidctest provides fakes for testing trusted publishing: an OIDC
// token issuer that signs real RS256 JWTs and serves its discovery document
// and JWKS, the CI-side token endpoints that hand those JWTs out (GitHub
// Actions, the Google metadata server, IAM Credentials), fake
// buildkite-agent and circleci executables, and MintServer, a PyPI-like
// /_/oidc/ endpoint that verifies ID tokens and mints upload tokens.
//
// Everything here is for tests: keys are generated per Issuer and never
// persisted, and handlers are meant to be mounted on httptest servers.
package oidctest

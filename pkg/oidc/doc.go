// Package oidc implements PyPI trusted publishing for pyup: it finds an
// ambient OpenID Connect ID token in the CI environment (GitHub Actions,
// GitLab CI/CD, Google Cloud, Buildkite, CircleCI) and exchanges it at a
// package index for a short-lived upload token.
//
// The package reads no process state on its own: the environment, the HTTP
// client, the command runner and the file reader are injected through
// [ProviderOption]s, and the providers are an explicit ordered list (see
// [DefaultProviders]).
//
// ID tokens and minted tokens are bearer credentials. No error, string or
// log value produced by this package contains one: [Token] prints itself
// masked, and server text that is echoed into errors is redacted.
package oidc

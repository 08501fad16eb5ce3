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
// A credential resolver typically does:
//
//	providers := oidc.DefaultProviders(oidc.WithEnv(os.LookupEnv))
//	p, err := oidc.Detect(ctx, providers) // errors.Is(err, oidc.ErrNoAmbientCredential): not in CI
//	if !oidc.IsPyPI(uploadURL) && !userOptedIn { /* do not send an ID token there */ }
//	m := oidc.NewMinter(p, client, uploadURL, oidc.WithOnMint(mask))
//	tok, err := m.Token(ctx) // before each upload; re-mints near expiry
//
// On failure, a *[ProviderError] carries a one-line Hint, a *[MintError]
// carries the index's reasons and the ID token's claims ([MintError.Details]),
// and the sentinels below classify the rest.
//
// ID tokens and minted tokens are bearer credentials. No error, string or
// log value produced by this package contains one: [Token] prints itself
// masked, and server or tool text that is echoed into errors is redacted.
package oidc

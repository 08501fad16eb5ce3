package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
)

// Buildkite gets ID tokens from `buildkite-agent oidc request-token`. It is
// detected by BUILDKITE. Create it with [DefaultProviders].
type Buildkite struct{ cfg *providerConfig }

var _ Provider = (*Buildkite)(nil)

// Name returns "Buildkite".
func (*Buildkite) Name() string { return "Buildkite" }

// Detect reports whether BUILDKITE is set.
func (b *Buildkite) Detect(context.Context) bool { return b.cfg.isSet("BUILDKITE") }

// IDToken runs `buildkite-agent oidc request-token --audience <audience>`.
func (b *Buildkite) IDToken(ctx context.Context, audience string) (string, error) {
	return runTokenCommand(ctx, b.cfg.run, b.Name(), "buildkite-agent", "oidc", "request-token", "--audience", audience)
}

// CircleCI gets ID tokens from `circleci run oidc get`. It is detected by
// CIRCLECI. Create it with [DefaultProviders].
type CircleCI struct{ cfg *providerConfig }

var _ Provider = (*CircleCI)(nil)

// Name returns "CircleCI".
func (*CircleCI) Name() string { return "CircleCI" }

// Detect reports whether CIRCLECI is set.
func (c *CircleCI) Detect(context.Context) bool { return c.cfg.isSet("CIRCLECI") }

// IDToken runs `circleci run oidc get --claims '{"aud":"<audience>"}'`.
func (c *CircleCI) IDToken(ctx context.Context, audience string) (string, error) {
	claims, err := json.Marshal(map[string]string{"aud": audience})
	if err != nil {
		return "", &ProviderError{Provider: c.Name(), Reason: "encoding claims", Err: err}
	}
	return runTokenCommand(ctx, c.cfg.run, c.Name(), "circleci", "run", "oidc", "get", "--claims", string(claims))
}

func runTokenCommand(ctx context.Context, run CommandRunner, provider, name string, args ...string) (string, error) {
	out, err := run(ctx, name, args...)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", &ProviderError{Provider: provider, Reason: "could not find `" + name + "` on PATH", Err: err}
		}
		return "", &ProviderError{Provider: provider, Reason: "`" + name + "` failed", Err: err}
	}
	tok := strings.TrimSpace(string(out))
	if err := checkJWT(tok); err != nil {
		return "", &ProviderError{Provider: provider, Reason: "`" + name + "` did not print an ID token", Err: err}
	}
	return tok, nil
}

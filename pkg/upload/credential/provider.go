package credential

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Provider is one place a credential may come from. A Resolver asks its
// providers in order and stops at the first that yields a credential.
// pyup's own providers are in this package (see DefaultProviders); one for
// another place (a cloud's credential service, say) lives in its own
// package and joins the list where the caller builds it.
type Provider interface {
	// Source names the provider: the Source of its credentials and of its
	// Step in a Report. It is unique within a Resolver.
	Source() Source
	// Applies reports, without I/O, whether the provider has anything to
	// offer for req (whose Username is already defaulted); when it has not,
	// reason says why, for the Report.
	Applies(req Request) (ok bool, reason string)
	// Resolve asks the provider. It returns a credential (its Username,
	// Password, Detail, and, for one that renews itself, Renew and
	// Expires), or nil and an Outcome that says why not: StatusSkipped,
	// StatusNotFound or StatusFailed (a failure the resolution survives).
	// A non-nil error ends the resolution; the Outcome's Reason, else the
	// error, goes into the Report. Resolve must not put a secret into an
	// Outcome or an error.
	Resolve(ctx context.Context, req Request) (*Credential, Outcome, error)
}

// Outcome is what one provider made of a request, for the Report.
type Outcome struct {
	// Status is StatusUsed with a credential, else why there is none.
	Status Status
	// Reason explains Status for people; it never contains a secret.
	Reason string
}

func outcome(st Status, format string, args ...any) Outcome {
	return Outcome{Status: st, Reason: fmt.Sprintf(format, args...)}
}

// Explicit returns the provider of the credentials the caller gathered
// itself (flags, environment, URL userinfo, .pypirc), Request.Explicit: the
// first candidate with a password wins.
func Explicit() Provider { return explicitProvider{} }

type explicitProvider struct{}

func (explicitProvider) Source() Source                 { return SourceExplicit }
func (explicitProvider) Applies(Request) (bool, string) { return true, "" }

func (explicitProvider) Resolve(_ context.Context, req Request) (*Credential, Outcome, error) {
	var passed []string
	for _, cand := range req.Explicit {
		if cand.Password == "" {
			if cand.Detail != "" {
				passed = append(passed, cand.Detail)
			}
			continue
		}
		u := cand.Username
		if u == "" {
			u = req.Username
		}
		return &Credential{Username: u, Password: cand.Password, Detail: cand.Detail},
			outcome(StatusUsed, "password from %s", cand.Detail), nil
	}
	if len(passed) > 0 {
		return nil, outcome(StatusNotFound, "no password in %s", strings.Join(passed, ", ")), nil
	}
	return nil, outcome(StatusNotFound, "none given"), nil
}

// TrustedPublishing returns the provider of tokens minted through tp (nil:
// not available in this build), as Request.TrustedPublishing says. Its
// credentials renew themselves. Its failures end the resolution: like
// twine, pyup treats a detected CI provider whose exchange fails as a
// configuration error the user must see.
func TrustedPublishing(tp TrustedPublisher) Provider { return trustedProvider{tp} }

type trustedProvider struct{ tp TrustedPublisher }

func (trustedProvider) Source() Source { return SourceTrustedPublishing }

func (p trustedProvider) Applies(req Request) (bool, string) {
	switch req.TrustedPublishing {
	case ModeNever:
		return false, "disabled (mode never)"
	case ModeAuto:
		if !IsPyPI(req.RepositoryURL) {
			return false, fmt.Sprintf("%s is not PyPI or TestPyPI (mode auto; use mode always to force it)", req.RepositoryURL)
		}
		if req.Username != TokenUsername {
			return false, fmt.Sprintf("username is %q, not %s", req.Username, TokenUsername)
		}
		if p.tp == nil {
			return false, "not available in this build"
		}
	}
	return true, ""
}

func (p trustedProvider) Resolve(ctx context.Context, req Request) (*Credential, Outcome, error) {
	fail := func(provider, op string, err error) (*Credential, Outcome, error) {
		tpErr := &TrustedPublishingError{Provider: provider, Op: op, Err: err}
		return nil, outcome(StatusFailed, "%v", tpErr), tpErr
	}
	switch req.TrustedPublishing {
	case ModeAuto:
	case ModeAlways:
		if p.tp == nil {
			return fail("", "detect", errors.New("not available in this build"))
		}
	default:
		return fail("", "detect", fmt.Errorf("unknown mode %v", req.TrustedPublishing))
	}
	provider, ok := p.tp.Detect(ctx)
	if !ok {
		if req.TrustedPublishing == ModeAlways {
			return fail("", "detect", errors.New("no CI identity provider detected"))
		}
		return nil, outcome(StatusSkipped, "no CI provider detected"), nil
	}
	ts, err := p.tp.Token(ctx, req.RepositoryURL)
	if err != nil {
		return fail(provider, "prepare", err)
	}
	value, exp, err := ts.Token(ctx)
	if err != nil {
		return fail(provider, "mint token", err)
	}
	if value == "" {
		return fail(provider, "mint token", errors.New("the index returned an empty token"))
	}
	detail := "trusted publishing via " + provider
	return &Credential{Username: TokenUsername, Password: Secret(value), Detail: detail, Expires: exp, Renew: ts},
		outcome(StatusUsed, "token minted %s", detail), nil
}

// FromKeyring returns the provider of passwords kept in s (nil: no keyring
// configured) under the repository URL and the username, unless
// Request.NoKeyring. A keyring that fails or does not answer in time is
// recorded and the resolution moves on.
func FromKeyring(s *KeyringStore) Provider { return keyringProvider{s} }

type keyringProvider struct{ s *KeyringStore }

func (keyringProvider) Source() Source { return SourceKeyring }

func (p keyringProvider) Applies(req Request) (bool, string) {
	switch {
	case req.NoKeyring:
		return false, "disabled (no-keyring)"
	case p.s == nil || p.s.keyring == nil:
		return false, "no keyring configured"
	case req.RepositoryURL == "":
		return false, "no repository URL to look up"
	}
	if why := p.s.Unavailable(); why != "" {
		return false, why
	}
	return true, ""
}

func (p keyringProvider) Resolve(ctx context.Context, req Request) (*Credential, Outcome, error) {
	entry := req.RepositoryURL + " " + req.Username
	pw, err := p.s.Get(ctx, req.RepositoryURL, req.Username)
	switch {
	case errors.Is(err, ErrNoEntry):
		return nil, outcome(StatusNotFound, "no entry for %s", entry), nil
	case err != nil:
		return nil, outcome(StatusFailed, "%v", err), nil
	case pw == "":
		return nil, outcome(StatusNotFound, "empty entry for %s", entry), nil
	}
	return &Credential{Username: req.Username, Password: Secret(pw), Detail: "keyring " + entry},
		outcome(StatusUsed, "entry for %s", entry), nil
}

// FromPrompt returns the provider that asks the user through p (nil: never
// prompts), only for a Request marked Interactive. An empty answer is no
// credential; a prompt error ends the resolution.
func FromPrompt(p Prompt) Provider { return promptProvider{p} }

type promptProvider struct{ p Prompt }

func (promptProvider) Source() Source { return SourcePrompt }

func (p promptProvider) Applies(req Request) (bool, string) {
	if !req.Interactive {
		why := req.NotInteractiveReason
		if why == "" {
			why = "non-interactive session"
		}
		return false, fmt.Sprintf("not interactive (%s)", why)
	}
	if p.p == nil {
		return false, "no prompt available"
	}
	return true, ""
}

func (p promptProvider) Resolve(ctx context.Context, req Request) (*Credential, Outcome, error) {
	what := "password"
	if IsPyPI(req.RepositoryURL) || req.Username == TokenUsername {
		what = "API token"
	}
	pw, err := p.p(ctx, fmt.Sprintf("Enter your %s for %s: ", what, req.RepositoryURL), false)
	if err != nil {
		return nil, outcome(StatusFailed, "%v", err), fmt.Errorf("prompt for %s: %w", what, err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if pw == "" {
		return nil, outcome(StatusNotFound, "empty answer"), nil
	}
	return &Credential{Username: req.Username, Password: Secret(pw), Detail: "prompt"},
		outcome(StatusUsed, "typed at the prompt"), nil
}

var (
	_ Provider = explicitProvider{}
	_ Provider = trustedProvider{}
	_ Provider = keyringProvider{}
	_ Provider = promptProvider{}
)

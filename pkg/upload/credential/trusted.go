package credential

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/pypi"
)

// TrustedPublisher gets PyPI tokens through trusted publishing (OIDC).
type TrustedPublisher interface {
	// Detect reports whether an ambient CI identity provider is present,
	// and its name for people ("GitHub Actions"). It should be cheap:
	// environment variables, or at most a short-timeout local probe.
	Detect(ctx context.Context) (provider string, ok bool)
	// Token prepares token minting for the index that repositoryURL uploads
	// to. The returned TokenSource fetches a fresh ID token and exchanges it
	// on every call.
	Token(ctx context.Context, repositoryURL string) (TokenSource, error)
}

// ErrTrustedPublishing is matched (errors.Is) by every *TrustedPublishingError.
var ErrTrustedPublishing = errors.New("trusted publishing failed")

// TrustedPublishingError reports a trusted publishing attempt that could not
// produce a token. Resolve returns it instead of falling back to the keyring
// or a prompt: like twine, pyup treats a detected CI provider whose exchange
// fails as a configuration error the user must see (a wrong publisher, a
// missing id-token permission), not as "no credentials here".
type TrustedPublishingError struct {
	// Provider is the detected provider, if any.
	Provider string
	// Op is the step that failed: "detect", "prepare", "mint token",
	// "renew token".
	Op string
	// Err is the cause, often from pkg/oidc with the index's error codes.
	Err error
}

// Error names the provider, step and cause.
func (e *TrustedPublishingError) Error() string {
	via := ""
	if e.Provider != "" {
		via = " via " + e.Provider
	}
	return fmt.Sprintf("trusted publishing%s: %s: %v", via, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *TrustedPublishingError) Unwrap() error { return e.Err }

// Is reports whether target is ErrTrustedPublishing.
func (e *TrustedPublishingError) Is(target error) bool { return target == ErrTrustedPublishing }

// IsPyPI reports whether repositoryURL is PyPI's or TestPyPI's (https,
// host upload.pypi.org, test.pypi.org or pypi.org), the only indexes an ID
// token is sent to unless trusted publishing is forced. It is pypi.IsPyPI.
func IsPyPI(repositoryURL string) bool { return pypi.IsPyPI(repositoryURL) }

// OIDCPublisher is the TrustedPublisher backed by pkg/oidc: it detects the
// CI provider among its providers and mints tokens with an oidc.Minter. It
// remembers the provider and the last ID token's claims, for pyup whoami.
type OIDCPublisher struct {
	providers []oidc.Provider
	client    *http.Client
	opts      []oidc.MinterOption

	mu       sync.Mutex
	provider oidc.Provider
	minter   *oidc.Minter
}

// NewOIDCPublisher returns a TrustedPublisher over providers (typically
// oidc.DefaultProviders(oidc.WithEnv(os.LookupEnv))). client is used for the
// index's audience and mint-token requests (nil: pkg/oidc's default). opts
// configure each Minter, e.g. oidc.WithOnMint to print GitHub's
// ::add-mask:: line and oidc.WithOnRenewError to log failed renewals.
func NewOIDCPublisher(providers []oidc.Provider, client *http.Client, opts ...oidc.MinterOption) *OIDCPublisher {
	return &OIDCPublisher{providers: providers, client: client, opts: opts}
}

// Detect implements TrustedPublisher: the first provider whose environment
// announces it. It makes no network request (a provider that can only be
// found by probing its service, such as Google Cloud's metadata server, is
// probed by Token, when trusted publishing is required).
func (p *OIDCPublisher) Detect(ctx context.Context) (string, bool) {
	for _, prov := range p.providers {
		if prov.Detect(ctx) {
			return prov.Name(), true
		}
	}
	return "", false
}

// Token implements TrustedPublisher: it returns a TokenSource backed by an
// oidc.Minter for repositoryURL, using oidc.Detect (environment, then
// probes) to pick the provider. Errors from the exchange (an
// *oidc.MintError with the index's reasons and the ID token's claims, an
// *oidc.ProviderError with a hint) reach the caller wrapped in a
// *TrustedPublishingError.
func (p *OIDCPublisher) Token(ctx context.Context, repositoryURL string) (TokenSource, error) {
	prov, err := oidc.Detect(ctx, p.providers)
	if err != nil {
		return nil, err
	}
	m := oidc.NewMinter(prov, p.client, repositoryURL, p.opts...)
	p.mu.Lock()
	p.provider, p.minter = prov, m
	p.mu.Unlock()
	return minterSource{m}, nil
}

// Provider returns the provider Token last used, or nil.
func (p *OIDCPublisher) Provider() oidc.Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.provider
}

// Claims returns the unverified claims of the last ID token exchanged (also
// after a refused exchange), or nil before the first exchange.
func (p *OIDCPublisher) Claims() *oidc.Claims {
	p.mu.Lock()
	m := p.minter
	p.mu.Unlock()
	if m == nil {
		return nil
	}
	return m.Claims()
}

// minterSource adapts an oidc.Minter to TokenSource.
type minterSource struct{ m *oidc.Minter }

func (s minterSource) Token(ctx context.Context) (string, time.Time, error) {
	tok, err := s.m.Token(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok.Value, tok.Expires, nil
}

var _ TrustedPublisher = (*OIDCPublisher)(nil)

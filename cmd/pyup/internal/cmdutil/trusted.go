package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// TrustedPublisher connects pkg/oidc's ambient providers and token exchange
// to the credential resolver. It remembers the provider and the claims of
// the last ID token exchanged, for `pyup whoami`.
type TrustedPublisher struct {
	providers []oidc.Provider
	client    *http.Client
	onMint    func(token string)

	mu       sync.Mutex
	provider oidc.Provider
	minter   *oidc.Minter
}

var _ credential.TrustedPublisher = (*TrustedPublisher)(nil)

// NewTrustedPublisher returns the trusted publisher for f's environment.
// client carries the exchange with the index; onMint sees every minted
// token first (GitHub Actions masks it).
func NewTrustedPublisher(f *Factory, client *http.Client, onMint func(token string)) (*TrustedPublisher, error) {
	providers := oidc.DefaultProviders(oidc.WithEnv(f.LookupEnv))
	return &TrustedPublisher{providers: providers, client: client, onMint: onMint}, nil
}

// Detect reports the first provider whose environment announces it,
// without touching the network.
func (t *TrustedPublisher) Detect(ctx context.Context) (string, bool) {
	for _, p := range t.providers {
		if p.Detect(ctx) {
			return p.Name(), true
		}
	}
	return "", false
}

// Token prepares minting for the index behind repositoryURL. When no
// provider announces itself in the environment, the ones that can probe
// their service (Google Cloud's metadata server) get a short chance.
func (t *TrustedPublisher) Token(ctx context.Context, repositoryURL string) (credential.TokenSource, error) {
	p, err := oidc.Detect(ctx, t.providers)
	if err != nil {
		return nil, err
	}
	m := oidc.NewMinter(p, t.client, repositoryURL, oidc.WithOnMint(func(tok *oidc.Token) {
		if t.onMint != nil {
			t.onMint(tok.Value)
		}
	}))
	t.mu.Lock()
	t.provider, t.minter = p, m
	t.mu.Unlock()
	return minterSource{m}, nil
}

// Provider returns the provider last used, or nil.
func (t *TrustedPublisher) Provider() oidc.Provider {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.provider
}

// Claims returns the claims of the last ID token exchanged, or nil.
func (t *TrustedPublisher) Claims() *oidc.Claims {
	t.mu.Lock()
	m := t.minter
	t.mu.Unlock()
	if m == nil {
		return nil
	}
	return m.Claims()
}

type minterSource struct{ m *oidc.Minter }

func (s minterSource) Token(ctx context.Context) (string, time.Time, error) {
	tok, err := s.m.Token(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok.Value, tok.Expires, nil
}

// ExplainTrustedPublishing prints what a trusted-publishing failure needs
// beyond its one-line message (each refusal code with its description, then
// the ID token's claims to compare with the configured publisher) and
// returns the one hint to show.
func ExplainTrustedPublishing(w io.Writer, err error) (hint string) {
	var me *oidc.MintError
	if errors.As(err, &me) {
		for _, l := range me.Details() {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	var pe *oidc.ProviderError
	if errors.As(err, &pe) && pe.Hint != "" {
		return pe.Hint
	}
	return "see " + oidc.TroubleshootingDoc + "; `pyup whoami` repeats the exchange and shows the token's claims"
}

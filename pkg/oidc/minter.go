package oidc

import (
	"context"
	"net/http"
	"time"
)

// Minter hands out a trusted-publishing upload token, minting one on first
// use and again when less than the renewal margin remains, so that long
// uploads never present an expired token. It is safe for concurrent use;
// concurrent callers share a single exchange.
type Minter struct {
	provider Provider
	client   *http.Client
	indexURL string

	now    func() time.Time
	margin time.Duration
	onMint func(*Token)
	onFail func(error)
	xopts  []ExchangeOption

	sem    chan struct{} // 1-slot lock that honours context cancellation
	token  *Token
	claims *Claims
}

// MinterOption configures [NewMinter].
type MinterOption func(*Minter)

// WithClock sets the clock used to decide when to re-mint. Default:
// time.Now.
func WithClock(now func() time.Time) MinterOption {
	return func(m *Minter) { m.now = now }
}

// WithRenewBefore sets how long before expiry a token is replaced.
// Default: 5 minutes (as twine does; PyPI tokens live 15 minutes).
func WithRenewBefore(d time.Duration) MinterOption {
	return func(m *Minter) { m.margin = d }
}

// WithOnMint sets a hook called with every newly minted token before any
// caller receives it, e.g. to print `::add-mask::<token>` in GitHub
// Actions. It runs while the Minter is locked: keep it quick and do not
// call the Minter from it. Default: none.
func WithOnMint(f func(*Token)) MinterOption {
	return func(m *Minter) { m.onMint = f }
}

// WithOnRenewError sets a hook called when a re-mint fails while the
// current token is still valid, so the failure is not silent (the CLI logs
// it as a warning). Default: none.
func WithOnRenewError(f func(error)) MinterOption {
	return func(m *Minter) { m.onFail = f }
}

// WithExchangeOptions passes opts to every [Exchange] the Minter runs
// ([ExpectAudience], [OnIDToken]). Default: none.
func WithExchangeOptions(opts ...ExchangeOption) MinterOption {
	return func(m *Minter) { m.xopts = append(m.xopts, opts...) }
}

// NewMinter returns a Minter that exchanges ID tokens from p at the index
// behind indexURL, using client for the index requests.
func NewMinter(p Provider, client *http.Client, indexURL string, opts ...MinterOption) *Minter {
	m := &Minter{
		provider: p,
		client:   client,
		indexURL: indexURL,
		now:      time.Now,
		margin:   5 * time.Minute,
		sem:      make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Token returns a token valid for at least the renewal margin, minting a
// new one (with a fresh ID token) when needed. If re-minting fails while
// the current token has not expired yet, Token returns the current token
// (reporting the failure to the WithOnRenewError hook) and the next call
// tries again; the first mint's failure is returned as is.
func (m *Minter) Token(ctx context.Context) (*Token, error) {
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-m.sem }()

	now := m.now()
	if m.token != nil && m.token.Expires.Sub(now) >= m.margin {
		return m.token, nil
	}
	tok, claims, err := Exchange(ctx, m.provider, m.client, m.indexURL, m.xopts...)
	if claims != nil {
		m.claims = claims
	}
	if err != nil {
		if m.token != nil && now.Before(m.token.Expires) {
			if m.onFail != nil {
				m.onFail(err)
			}
			return m.token, nil
		}
		return nil, err
	}
	if m.onMint != nil {
		m.onMint(tok)
	}
	m.token = tok
	return tok, nil
}

// Claims returns the unverified claims of the last ID token exchanged, or
// nil before the first exchange.
func (m *Minter) Claims() *Claims {
	m.sem <- struct{}{}
	defer func() { <-m.sem }()
	return m.claims
}

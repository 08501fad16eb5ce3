package credential

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TokenUsername is the username PyPI requires with API tokens, and the
// default username.
const TokenUsername = "__token__"

// DefaultRenewBefore is how long before its expiry a trusted publishing
// token is replaced, the threshold twine uses.
const DefaultRenewBefore = 5 * time.Minute

// Source names where a credential came from.
type Source string

// The sources of the default providers (see DefaultProviders), in the
// order Resolve asks them. A provider of another package names its own.
const (
	// SourceExplicit is a credential the caller passed in Request.Explicit.
	SourceExplicit Source = "explicit"
	// SourceTrustedPublishing is a token minted through trusted publishing.
	SourceTrustedPublishing Source = "trusted-publishing"
	// SourceKeyring is a password read from the OS keyring.
	SourceKeyring Source = "keyring"
	// SourcePrompt is a password the user typed.
	SourcePrompt Source = "prompt"
)

// TokenSource mints tokens, for a credential that renews itself (trusted
// publishing). Token returns a fresh token and its expiry (zero when
// unknown) on each call.
type TokenSource interface {
	Token(ctx context.Context) (value string, expires time.Time, err error)
}

// Credential is a resolved username and password. It satisfies the
// upload package's Credentials interface; a renewable one (Renew set, as
// trusted publishing's) re-mints its token when asked for it with less
// than the renewal threshold (default DefaultRenewBefore) left. A Provider
// fills Username, Password, Detail, Expires and Renew; the Resolver sets
// Source and the rest. Use it through a pointer: it holds a mutex. It is
// safe for concurrent use.
type Credential struct {
	// Username is the login name, "__token__" for API tokens.
	Username string
	// Password is the password or token, masked when printed.
	Password Secret
	// Source is where the credential came from: the Source of the
	// provider that found it, set by the Resolver.
	Source Source
	// Detail names the exact origin for people: "flag --password",
	// "env TWINE_PASSWORD", ".pypirc [pypi]",
	// "keyring https://upload.pypi.org/legacy/ __token__",
	// "trusted publishing via GitHub Actions", "prompt".
	Detail string
	// Identity names who the credential acts as, when the provider knows
	// it ("ci@project.iam.gserviceaccount.com",
	// "arn:aws:sts::111122223333:assumed-role/publish/ci"); empty when
	// unknown. It is never a secret.
	Identity string
	// Expires is when the password stops working, zero when unknown: a
	// minted token's expiry, or the expiry embedded in a PyPI token.
	Expires time.Time
	// Renew mints replacement tokens; nil for a credential that never
	// changes. Set it before the credential is used.
	Renew TokenSource

	mu          sync.Mutex
	renewBefore time.Duration
	now         func() time.Time
	onSecret    func(username, password string)
}

// Credentials returns the username and password to send. For a renewable
// credential whose token has less than the renewal threshold
// left (or an unknown expiry) it first asks its TokenSource for a new one,
// and returns an error if that fails (a *TrustedPublishingError for a
// trusted publishing token).
func (c *Credential) Credentials(ctx context.Context) (username, password string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Renew != nil && (c.Expires.IsZero() || c.clock().Add(c.renewBefore).After(c.Expires)) {
		value, exp, err := c.Renew.Token(ctx)
		if err != nil {
			if c.Source == SourceTrustedPublishing {
				return "", "", &TrustedPublishingError{Op: "renew token", Err: err}
			}
			return "", "", fmt.Errorf("%s: renew token: %w", c.Source.Label(), err)
		}
		if c.onSecret != nil {
			c.onSecret(c.Username, value)
		}
		c.Password, c.Expires = Secret(value), exp
	}
	return c.Username, c.Password.Reveal(), nil
}

// Renewable reports whether the credential can mint replacement tokens.
func (c *Credential) Renewable() bool { return c.Renew != nil }

func (c *Credential) clock() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// String describes the credential without its secret.
func (c *Credential) String() string {
	s := fmt.Sprintf("%s (%s) password %s from %s", c.Username, c.Source, c.Password.Masked(), c.Detail)
	if c.Identity != "" {
		s += " as " + c.Identity
	}
	if !c.Expires.IsZero() {
		s += ", expires " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s
}

// Format prints String for every verb, so no verb reaches the secret.
func (c *Credential) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

package credential

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
)

// ErrInsecureURL is matched by the error Resolve returns for a repository URL
// no credential may be sent to: plain http:// to a host that is not a
// loopback address.
var ErrInsecureURL = errors.New("refusing to send credentials over plain http")

// CheckURL judges whether credentials may be sent to repositoryURL: it must
// be an https:// URL, or http:// to a loopback address (an index on this
// machine). An empty URL is accepted (nothing will be sent). Errors wrap
// ErrInsecureURL, or say that the URL is not an http(s) URL; they never
// repeat the URL's userinfo.
func CheckURL(repositoryURL string) error {
	if repositoryURL == "" {
		return nil
	}
	u, err := url.Parse(repositoryURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errors.New("repository URL is not an http(s) URL")
	}
	if u.Scheme == "http" && !oidc.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%w to %s: use an https:// repository URL", ErrInsecureURL, u.Host)
	}
	return nil
}

// ErrNotFound is matched (errors.Is) by *NotFoundError: no source produced
// a credential.
var ErrNotFound = errors.New("no credentials found")

// Mode says when to try trusted publishing.
type Mode int

const (
	// ModeAuto tries trusted publishing when a CI provider is detected, the
	// repository is PyPI or TestPyPI and the username is "__token__". It is
	// the zero value.
	ModeAuto Mode = iota
	// ModeAlways tries trusted publishing for any repository and fails when
	// it cannot.
	ModeAlways
	// ModeNever skips trusted publishing.
	ModeNever
)

// String returns "auto", "always" or "never".
func (m Mode) String() string {
	switch m {
	case ModeAuto:
		return "auto"
	case ModeAlways:
		return "always"
	case ModeNever:
		return "never"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses "auto", "always" or "never" (as a flag value).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return ModeAuto, nil
	case "always":
		return ModeAlways, nil
	case "never":
		return ModeNever, nil
	}
	return 0, fmt.Errorf("invalid trusted publishing mode %q (want auto, always or never)", s)
}

// Candidate is one explicit credential the caller found.
type Candidate struct {
	// Username goes with this password (for example from URL userinfo).
	// Empty means Request.Username.
	Username string
	// Password is the password or token; an empty one is skipped.
	Password Secret
	// Detail names the origin for people: "flag --password",
	// "env TWINE_PASSWORD", "URL userinfo", ".pypirc [pypi]".
	Detail string
}

// Request says what to resolve credentials for.
type Request struct {
	// RepositoryURL is the upload URL. It is the keyring service name.
	RepositoryURL string
	// Username is the username already chosen by the caller (flag, env,
	// .pypirc); empty means "__token__". It is the keyring user name and
	// the username sent with keyring and prompt passwords.
	Username string
	// Explicit are credentials from flags, environment, URL userinfo and
	// .pypirc, highest precedence first. The first with a password wins.
	Explicit []Candidate
	// TrustedPublishing says when to try trusted publishing.
	TrustedPublishing Mode
	// NoKeyring skips the keyring.
	NoKeyring bool
	// Interactive allows prompting. The caller sets it only when stdin is
	// a terminal and non-interactive mode was not asked for.
	Interactive bool
	// NotInteractiveReason says why Interactive is false, for the Report
	// ("stdin is not a terminal", "--non-interactive"). Optional.
	NotInteractiveReason string
}

// Status is the outcome of one provider in Resolve.
type Status string

// The step outcomes.
const (
	// StatusUsed means the step produced the credential.
	StatusUsed Status = "used"
	// StatusSkipped means the step did not apply and was not tried.
	StatusSkipped Status = "skipped"
	// StatusNotFound means the step was tried and found nothing.
	StatusNotFound Status = "not-found"
	// StatusFailed means the step was tried and failed. Whether that ends
	// the resolution is the provider's call: for the keyring it does not;
	// for trusted publishing it does.
	StatusFailed Status = "failed"
	// StatusNotReached means an earlier step produced the credential.
	StatusNotReached Status = "not-reached"
)

// Step is one provider Resolve considered.
type Step struct {
	// Source is the source.
	Source Source `json:"source"`
	// Status is what happened.
	Status Status `json:"status"`
	// Reason explains Status for people; it never contains a secret.
	Reason string `json:"reason"`
}

// Report is every step Resolve took, for pyup whoami and for error messages.
type Report struct {
	// RepositoryURL is the repository resolved for.
	RepositoryURL string `json:"repository_url"`
	// Username is the username looked up (keyring, prompt).
	Username string `json:"username"`
	// Steps has one Step per provider, in the Resolver's order: every
	// provider when a credential was found or none was, those asked so
	// far when a provider's error ended the resolution.
	Steps []Step `json:"steps"`
}

// NotFoundError says that no source produced a credential, and why each
// did not. It matches ErrNotFound.
type NotFoundError struct {
	// RepositoryURL is the repository resolved for.
	RepositoryURL string
	// Steps are the sources tried, with reasons.
	Steps []Step
}

// Error lists each source and why it gave nothing.
func (e *NotFoundError) Error() string {
	parts := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		parts[i] = s.Source.Label() + ": " + s.Reason
	}
	return fmt.Sprintf("no credentials for %s: %s", e.RepositoryURL, strings.Join(parts, "; "))
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Label names the source for people: its name with dashes as spaces
// ("trusted publishing").
func (s Source) Label() string { return strings.ReplaceAll(string(s), "-", " ") }

// Prompt asks the user for a value. label is the full prompt ("Enter your
// API token for https://upload.pypi.org/legacy/: "); echo false means the
// answer must not be shown (a password). It returns ctx.Err() if ctx ends.
type Prompt func(ctx context.Context, label string, echo bool) (string, error)

// Option configures a Resolver.
type Option func(*Resolver)

// WithProviders sets the providers Resolve asks, in order. The default is
// DefaultProviders built from the other options: explicit candidates,
// trusted publishing (WithTrustedPublisher), the keyring (WithKeyring,
// WithKeyringTimeout, WithLookupEnv) and the prompt (WithPrompt). With
// WithProviders those options still configure Store and Delete.
func WithProviders(ps ...Provider) Option {
	return func(r *Resolver) { r.providers = ps; r.customProviders = true }
}

// WithKeyring sets the keyring. The default is SystemKeyring{}.
func WithKeyring(k Keyring) Option {
	return func(r *Resolver) { r.keyringOpts = append(r.keyringOpts, KeyringBackend(k)) }
}

// WithKeyringTimeout bounds each keyring call. The default is
// DefaultKeyringTimeout (5 s); values <= 0 keep the default.
func WithKeyringTimeout(d time.Duration) Option {
	return func(r *Resolver) { r.keyringOpts = append(r.keyringOpts, KeyringTimeout(d)) }
}

// WithTrustedPublisher sets how trusted publishing tokens are minted. The
// default is nil: trusted publishing is unavailable, so ModeAuto skips it
// and ModeAlways fails.
func WithTrustedPublisher(tp TrustedPublisher) Option { return func(r *Resolver) { r.trusted = tp } }

// WithPrompt sets the prompt. The default is nil: Resolve never prompts,
// even for an interactive Request.
func WithPrompt(p Prompt) Option { return func(r *Resolver) { r.prompt = p } }

// WithLookupEnv lets the Resolver's keyring read the environment, which it
// uses only to skip the default SystemKeyring on Linux when
// DBUS_SESSION_BUS_ADDRESS is unset (see KeyringLookupEnv). The default is
// nil: the environment is not consulted.
func WithLookupEnv(f func(string) (string, bool)) Option {
	return func(r *Resolver) { r.keyringOpts = append(r.keyringOpts, KeyringLookupEnv(f)) }
}

// WithOnSecret sets a hook called with the username and password of every
// credential the Resolver produces (whichever provider found it, and each
// renewed token) before anything uses it, so that the caller can scrub them
// from its output. Default: none.
func WithOnSecret(f func(username, password string)) Option {
	return func(r *Resolver) { r.onSecret = f }
}

// WithClock sets the time source used to judge token expiry. The default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(r *Resolver) { r.now = now } }

// WithRenewBefore sets how long before expiry a renewable credential is
// renewed. The default is DefaultRenewBefore (5 min); values <= 0 keep it.
func WithRenewBefore(d time.Duration) Option {
	return func(r *Resolver) {
		if d > 0 {
			r.renewBefore = d
		}
	}
}

// Resolver finds credentials by asking an ordered list of providers, as a
// chain of keychains does. Create it with NewResolver; it is safe for
// concurrent use.
type Resolver struct {
	providers       []Provider
	customProviders bool
	keyringOpts     []KeyringOption
	keyring         *KeyringStore
	trusted         TrustedPublisher
	prompt          Prompt
	now             func() time.Time
	renewBefore     time.Duration
	onSecret        func(username, password string)
}

// NewResolver returns a Resolver configured by opts.
func NewResolver(opts ...Option) *Resolver {
	r := &Resolver{now: time.Now, renewBefore: DefaultRenewBefore}
	for _, o := range opts {
		o(r)
	}
	r.keyring = NewKeyringStore(r.keyringOpts...)
	if !r.customProviders {
		r.providers = DefaultProviders(r.trusted, r.keyring, r.prompt)
	}
	return r
}

// DefaultProviders returns pyup's providers in pyup's order: the explicit
// candidates of the Request, trusted publishing through tp (nil: not
// available), the keyring (nil: none configured) and the prompt (nil: never
// prompts).
func DefaultProviders(tp TrustedPublisher, kr *KeyringStore, p Prompt) []Provider {
	return []Provider{Explicit(), TrustedPublishing(tp), FromKeyring(kr), FromPrompt(p)}
}

// Resolve finds a credential for req by asking each provider in order,
// stopping at the first that yields one. The repository URL is judged first
// (CheckURL): no provider is asked for a URL a credential must not go to.
// The Report, with one Step per provider asked, is returned with and
// without an error. When no provider yields, the error is a *NotFoundError
// (matching ErrNotFound) naming each provider and why it gave nothing. A
// provider's error ends the resolution and is returned as is: with the
// default providers, a trusted publishing failure after a CI provider was
// detected (ModeAuto on PyPI) or any failure under ModeAlways (a
// *TrustedPublishingError: no fall back to the keyring or a prompt), and a
// prompt error other than an empty answer. Keyring errors are recorded in
// the Report and Resolve moves on.
func (r *Resolver) Resolve(ctx context.Context, req Request) (*Credential, *Report, error) {
	if req.Username == "" {
		req.Username = TokenUsername
	}
	rep := &Report{RepositoryURL: req.RepositoryURL, Username: req.Username}
	// The URL is judged before any provider is asked: no credential is
	// looked up, minted or typed for a place it must not go.
	if err := CheckURL(req.RepositoryURL); err != nil {
		return nil, rep, err
	}
	for i, p := range r.providers {
		if i > 0 {
			if err := ctx.Err(); err != nil {
				return nil, rep, err
			}
		}
		step := Step{Source: p.Source()}
		if ok, why := p.Applies(req); !ok {
			step.Status, step.Reason = StatusSkipped, why
			rep.Steps = append(rep.Steps, step)
			continue
		}
		c, out, err := p.Resolve(ctx, req)
		step.Status, step.Reason = out.Status, out.Reason
		if err != nil {
			if step.Reason == "" {
				step.Reason = err.Error()
			}
			step.Status = StatusFailed
			rep.Steps = append(rep.Steps, step)
			return nil, rep, err
		}
		if c == nil {
			rep.Steps = append(rep.Steps, step)
			continue
		}
		step.Status = StatusUsed
		rep.Steps = append(rep.Steps, step)
		for _, rest := range r.providers[i+1:] {
			rep.Steps = append(rep.Steps, Step{Source: rest.Source(), Status: StatusNotReached,
				Reason: "not needed: " + p.Source().Label() + " gave a credential"})
		}
		return r.finish(c, p.Source()), rep, nil
	}
	return nil, rep, &NotFoundError{RepositoryURL: req.RepositoryURL, Steps: rep.Steps}
}

// finish makes c the Resolver's: its source, the renewal threshold and
// clock, its expiry when the token embeds one, and the secret hook, which
// sees the password before anything else does.
func (r *Resolver) finish(c *Credential, src Source) *Credential {
	c.Source = src
	c.renewBefore, c.now, c.onSecret = r.renewBefore, r.now, r.onSecret
	if c.Username == "" {
		c.Username = TokenUsername
	}
	if c.Expires.IsZero() && c.Renew == nil {
		if info, err := ParseToken(c.Password.Reveal()); err == nil {
			c.Expires = info.Expires
		}
	}
	if r.onSecret != nil {
		r.onSecret(c.Username, c.Password.Reveal())
	}
	return c
}

package credential

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strings"
	"time"
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
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%w to %s: use an https:// repository URL", ErrInsecureURL, u.Host)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// Status is the outcome of one step of Resolve.
type Status string

// The step outcomes.
const (
	// StatusUsed means the step produced the credential.
	StatusUsed Status = "used"
	// StatusSkipped means the step did not apply and was not tried.
	StatusSkipped Status = "skipped"
	// StatusNotFound means the step was tried and found nothing.
	StatusNotFound Status = "not-found"
	// StatusFailed means the step was tried and failed. For the keyring
	// this is not fatal; for trusted publishing it is.
	StatusFailed Status = "failed"
	// StatusNotReached means an earlier step produced the credential.
	StatusNotReached Status = "not-reached"
)

// Step is one source Resolve considered.
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
	// Steps are the sources in the order tried, all four always present.
	Steps []Step `json:"steps"`
}

func (r *Report) add(src Source, st Status, format string, args ...any) {
	r.Steps = append(r.Steps, Step{Source: src, Status: st, Reason: fmt.Sprintf(format, args...)})
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
		parts[i] = stepLabel(s.Source) + ": " + s.Reason
	}
	return fmt.Sprintf("no credentials for %s: %s", e.RepositoryURL, strings.Join(parts, "; "))
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func stepLabel(s Source) string {
	if s == SourceTrustedPublishing {
		return "trusted publishing"
	}
	return string(s)
}

// Prompt asks the user for a value. label is the full prompt ("Enter your
// API token for https://upload.pypi.org/legacy/: "); echo false means the
// answer must not be shown (a password). It returns ctx.Err() if ctx ends.
type Prompt func(ctx context.Context, label string, echo bool) (string, error)

// Option configures a Resolver.
type Option func(*Resolver)

// WithKeyring sets the keyring. The default is SystemKeyring{}.
func WithKeyring(k Keyring) Option {
	return func(r *Resolver) { r.keyring = k; r.systemKeyring = false }
}

// WithKeyringTimeout bounds each keyring call. The default is
// DefaultKeyringTimeout (5 s); values <= 0 keep the default.
func WithKeyringTimeout(d time.Duration) Option {
	return func(r *Resolver) {
		if d > 0 {
			r.keyringTimeout = d
		}
	}
}

// WithTrustedPublisher sets how trusted publishing tokens are minted. The
// default is nil: trusted publishing is unavailable, so ModeAuto skips it
// and ModeAlways fails.
func WithTrustedPublisher(tp TrustedPublisher) Option { return func(r *Resolver) { r.trusted = tp } }

// WithPrompt sets the prompt. The default is nil: Resolve never prompts,
// even for an interactive Request.
func WithPrompt(p Prompt) Option { return func(r *Resolver) { r.prompt = p } }

// WithLookupEnv lets the Resolver read the environment, which it uses only
// to skip the default SystemKeyring on Linux when DBUS_SESSION_BUS_ADDRESS
// is unset (D-Bus would otherwise try to launch a session daemon). The
// default is nil: the environment is not consulted. Pass os.LookupEnv.
func WithLookupEnv(f func(string) (string, bool)) Option {
	return func(r *Resolver) { r.lookupEnv = f }
}

// WithOnSecret sets a hook called with the username and password of every
// credential the Resolver produces (explicit, minted, from the keyring or
// the prompt, and each renewed token) before anything uses it, so that the
// caller can scrub them from its output. Default: none.
func WithOnSecret(f func(username, password string)) Option {
	return func(r *Resolver) { r.onSecret = f }
}

// WithClock sets the time source used to judge token expiry. The default is
// time.Now.
func WithClock(now func() time.Time) Option { return func(r *Resolver) { r.now = now } }

// WithRenewBefore sets how long before expiry a trusted publishing token is
// re-minted. The default is DefaultRenewBefore (5 min); values <= 0 keep it.
func WithRenewBefore(d time.Duration) Option {
	return func(r *Resolver) {
		if d > 0 {
			r.renewBefore = d
		}
	}
}

// Resolver finds credentials. Create it with NewResolver; it is safe for
// concurrent use.
type Resolver struct {
	keyring        Keyring
	systemKeyring  bool
	keyringTimeout time.Duration
	trusted        TrustedPublisher
	prompt         Prompt
	lookupEnv      func(string) (string, bool)
	now            func() time.Time
	renewBefore    time.Duration
	goos           string
	onSecret       func(username, password string)
}

// NewResolver returns a Resolver configured by opts.
func NewResolver(opts ...Option) *Resolver {
	r := &Resolver{
		keyring:        SystemKeyring{},
		systemKeyring:  true,
		keyringTimeout: DefaultKeyringTimeout,
		now:            time.Now,
		renewBefore:    DefaultRenewBefore,
		goos:           runtime.GOOS,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Resolve finds a credential for req, trying explicit candidates, trusted
// publishing, the keyring and the prompt in that order. The Report is
// returned with and without an error. When nothing applies the error is a
// *NotFoundError (matching ErrNotFound) naming each source and why it did
// not apply. A trusted publishing failure after a provider was detected
// (ModeAuto on PyPI), or any failure under ModeAlways, is a
// *TrustedPublishingError: Resolve does not fall back then. Keyring errors
// are recorded in the Report and Resolve moves on. A prompt error (other
// than an empty answer) is returned as is.
func (r *Resolver) Resolve(ctx context.Context, req Request) (*Credential, *Report, error) {
	username := req.Username
	if username == "" {
		username = TokenUsername
	}
	rep := &Report{RepositoryURL: req.RepositoryURL, Username: username}
	// The URL is judged before any source is asked: no credential is looked
	// up, minted or typed for a place it must not go.
	if err := CheckURL(req.RepositoryURL); err != nil {
		return nil, rep, err
	}
	done := func(c *Credential, src Source) (*Credential, *Report, error) {
		if r.onSecret != nil {
			r.onSecret(c.Username, c.Password.Reveal())
		}
		c.onSecret = r.onSecret
		for _, s := range []Source{SourceExplicit, SourceTrustedPublishing, SourceKeyring, SourcePrompt} {
			if !rep.has(s) {
				rep.add(s, StatusNotReached, "not needed: %s gave a credential", stepLabel(src))
			}
		}
		return c, rep, nil
	}

	// 1. Explicit.
	if c := r.explicit(req, username, rep); c != nil {
		return done(c, SourceExplicit)
	}

	// 2. Trusted publishing.
	c, err := r.trustedPublishing(ctx, req, username, rep)
	if err != nil {
		return nil, rep, err
	}
	if c != nil {
		return done(c, SourceTrustedPublishing)
	}

	// 3. Keyring.
	if c := r.fromKeyring(ctx, req, username, rep); c != nil {
		return done(c, SourceKeyring)
	}
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}

	// 4. Prompt.
	c, err = r.fromPrompt(ctx, req, username, rep)
	if err != nil {
		return nil, rep, err
	}
	if c != nil {
		return done(c, SourcePrompt)
	}
	return nil, rep, &NotFoundError{RepositoryURL: req.RepositoryURL, Steps: rep.Steps}
}

func (r *Report) has(s Source) bool {
	for _, st := range r.Steps {
		if st.Source == s {
			return true
		}
	}
	return false
}

func (r *Resolver) newCredential(username string, pw Secret, src Source, detail string) *Credential {
	c := &Credential{Username: username, Password: pw, Source: src, Detail: detail, renewBefore: r.renewBefore, now: r.now}
	if info, err := ParseToken(pw.Reveal()); err == nil {
		c.Expires = info.Expires
	}
	return c
}

func (r *Resolver) explicit(req Request, username string, rep *Report) *Credential {
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
			u = username
		}
		rep.add(SourceExplicit, StatusUsed, "password from %s", cand.Detail)
		return r.newCredential(u, cand.Password, SourceExplicit, cand.Detail)
	}
	if len(passed) > 0 {
		rep.add(SourceExplicit, StatusNotFound, "no password in %s", strings.Join(passed, ", "))
	} else {
		rep.add(SourceExplicit, StatusNotFound, "none given")
	}
	return nil
}

func (r *Resolver) trustedPublishing(ctx context.Context, req Request, username string, rep *Report) (*Credential, error) {
	src := SourceTrustedPublishing
	fail := func(provider, op string, err error) (*Credential, error) {
		tpErr := &TrustedPublishingError{Provider: provider, Op: op, Err: err}
		rep.add(src, StatusFailed, "%v", tpErr)
		return nil, tpErr
	}
	switch req.TrustedPublishing {
	case ModeNever:
		rep.add(src, StatusSkipped, "disabled (mode never)")
		return nil, nil
	case ModeAuto:
		if !IsPyPI(req.RepositoryURL) {
			rep.add(src, StatusSkipped, "%s is not PyPI or TestPyPI (mode auto; use mode always to force it)", req.RepositoryURL)
			return nil, nil
		}
		if username != TokenUsername {
			rep.add(src, StatusSkipped, "username is %q, not %s", username, TokenUsername)
			return nil, nil
		}
		if r.trusted == nil {
			rep.add(src, StatusSkipped, "not available in this build")
			return nil, nil
		}
	case ModeAlways:
		if r.trusted == nil {
			return fail("", "detect", errors.New("not available in this build"))
		}
	default:
		return fail("", "detect", fmt.Errorf("unknown mode %v", req.TrustedPublishing))
	}

	provider, ok := r.trusted.Detect(ctx)
	if !ok {
		if req.TrustedPublishing == ModeAlways {
			return fail("", "detect", errors.New("no CI identity provider detected"))
		}
		rep.add(src, StatusSkipped, "no CI provider detected")
		return nil, nil
	}
	ts, err := r.trusted.Token(ctx, req.RepositoryURL)
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
	rep.add(src, StatusUsed, "token minted %s", detail)
	return &Credential{
		Username: TokenUsername, Password: Secret(value), Source: src, Detail: detail, Expires: exp,
		tokens: ts, renewBefore: r.renewBefore, now: r.now,
	}, nil
}

func (r *Resolver) fromKeyring(ctx context.Context, req Request, username string, rep *Report) *Credential {
	src := SourceKeyring
	switch {
	case req.NoKeyring:
		rep.add(src, StatusSkipped, "disabled (no-keyring)")
		return nil
	case r.keyring == nil:
		rep.add(src, StatusSkipped, "no keyring configured")
		return nil
	case req.RepositoryURL == "":
		rep.add(src, StatusSkipped, "no repository URL to look up")
		return nil
	}
	if r.systemKeyring && r.goos == "linux" && r.lookupEnv != nil {
		if v, ok := r.lookupEnv("DBUS_SESSION_BUS_ADDRESS"); !ok || v == "" {
			rep.add(src, StatusSkipped, "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service")
			return nil
		}
	}
	entry := req.RepositoryURL + " " + username
	pw, err := r.lookupKeyring(ctx, req.RepositoryURL, username)
	switch {
	case errors.Is(err, ErrNoEntry):
		rep.add(src, StatusNotFound, "no entry for %s", entry)
		return nil
	case err != nil:
		rep.add(src, StatusFailed, "%v", err)
		return nil
	case pw == "":
		rep.add(src, StatusNotFound, "empty entry for %s", entry)
		return nil
	}
	rep.add(src, StatusUsed, "entry for %s", entry)
	return r.newCredential(username, Secret(pw), src, "keyring "+entry)
}

func (r *Resolver) fromPrompt(ctx context.Context, req Request, username string, rep *Report) (*Credential, error) {
	src := SourcePrompt
	if !req.Interactive {
		why := req.NotInteractiveReason
		if why == "" {
			why = "non-interactive session"
		}
		rep.add(src, StatusSkipped, "not interactive (%s)", why)
		return nil, nil
	}
	if r.prompt == nil {
		rep.add(src, StatusSkipped, "no prompt available")
		return nil, nil
	}
	what := "password"
	if IsPyPI(req.RepositoryURL) || username == TokenUsername {
		what = "API token"
	}
	pw, err := r.prompt(ctx, fmt.Sprintf("Enter your %s for %s: ", what, req.RepositoryURL), false)
	if err != nil {
		rep.add(src, StatusFailed, "%v", err)
		return nil, fmt.Errorf("prompt for %s: %w", what, err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	if pw == "" {
		rep.add(src, StatusNotFound, "empty answer")
		return nil, nil
	}
	rep.add(src, StatusUsed, "typed at the prompt")
	return r.newCredential(username, Secret(pw), src, "prompt"), nil
}

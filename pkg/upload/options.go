package upload

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Credentials supplies the username and password for a request. It is
// called before every upload attempt (and every simple-API lookup sent to
// the repository's host), so a short-lived token, such as one minted by
// trusted publishing, can be refreshed between attempts. The credential
// package implements it; BasicAuth wraps fixed values.
type Credentials interface {
	Credentials(ctx context.Context) (username, password string, err error)
}

// BasicAuth returns Credentials that always answer username and password.
// The value prints itself without the password.
func BasicAuth(username, password string) Credentials {
	return staticCredentials{username: username, password: password}
}

type staticCredentials struct{ username, password string }

var _ Credentials = staticCredentials{}
var _ fmt.Stringer = staticCredentials{}

func (s staticCredentials) Credentials(context.Context) (string, string, error) {
	return s.username, s.password, nil
}

// String masks the password so the value is safe to log by accident.
func (s staticCredentials) String() string { return s.username + ":****" }

// GoString masks the password in %#v too.
func (s staticCredentials) GoString() string { return s.String() }

// Progress reports bytes of one upload attempt. Sent and Total count the
// request body: the file plus a few KiB of form fields.
type Progress struct {
	// File is the distribution's file name.
	File string
	// Sent is the number of body bytes handed to the connection so far.
	Sent int64
	// Total is the body length.
	Total int64
	// Attempt is 1 for the first attempt and grows with each retry; a new
	// attempt restarts Sent from 0.
	Attempt int
	// Done is true on the last report of an attempt that sent the whole body.
	Done bool
}

// Option configures a Client. Options are validated by New.
type Option func(*settings) error

type settings struct {
	creds         Credentials
	transport     http.RoundTripper
	tlsConfig     *tls.Config
	caFile        string
	certFile      string
	version       string
	retries       int
	backoffMin    time.Duration
	backoffMax    time.Duration
	stall         time.Duration
	checkURL      *string
	skipExisting  bool
	dryRun        bool
	hashFirst     bool
	logf          func(format string, args ...any)
	warnf         func(format string, args ...any)
	progress      func(Progress)
	sleep         func(ctx context.Context, d time.Duration) error
	progressChunk int64

	// responseTimeout bounds reading a response body (WithResponseTimeout).
	responseTimeout time.Duration
}

func defaultSettings() settings {
	return settings{
		version:       "dev",
		retries:       3,
		backoffMin:    time.Second,
		backoffMax:    30 * time.Second,
		stall:         60 * time.Second,
		sleep:         sleepContext,
		progressChunk: 256 << 10,

		responseTimeout: 2 * time.Minute,
	}
}

// WithCredentials sets the source of the username and password sent with
// Basic auth. Default: none (no Authorization header).
func WithCredentials(c Credentials) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("WithCredentials: nil Credentials")
		}
		s.creds = c
		return nil
	}
}

// WithTransport replaces the base transport (default: an http.Transport
// with the proxy from the environment, connection timeouts and the TLS
// settings of WithTLS). pyup's layers (user agent, auth, logging) still wrap
// it. It cannot be combined with WithTLS or WithTLSConfig.
func WithTransport(rt http.RoundTripper) Option {
	return func(s *settings) error {
		if rt == nil {
			return errors.New("WithTransport: nil RoundTripper")
		}
		s.transport = rt
		return nil
	}
}

// WithTLS trusts the PEM CA bundle caCertFile (instead of the system roots)
// and presents the PEM client certificate (certificate and key in one file,
// as twine's --client-cert) clientCertFile. Either may be empty. Default:
// system roots, no client certificate.
func WithTLS(caCertFile, clientCertFile string) Option {
	return func(s *settings) error {
		s.caFile, s.certFile = caCertFile, clientCertFile
		return nil
	}
}

// WithTLSConfig uses cfg (cloned) for TLS. Default: Go's defaults. WithTLS's
// files are applied on top of it.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(s *settings) error {
		if cfg == nil {
			return errors.New("WithTLSConfig: nil config")
		}
		s.tlsConfig = cfg.Clone()
		return nil
	}
}

// WithUserAgent sets the version in the User-Agent header
// "pyup/<version> (<os>; <arch>)". Default: "dev".
func WithUserAgent(version string) Option {
	return func(s *settings) error {
		if version == "" {
			return errors.New("WithUserAgent: empty version")
		}
		s.version = version
		return nil
	}
}

// WithRetries sets how many times a failed attempt is retried (so n+1
// attempts in all). Retried: transport errors (reset, EOF, timeout, stall)
// and statuses 408, 429, 500, 502, 503, 504. Default: 3.
func WithRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("WithRetries: negative count %d", n)
		}
		s.retries = n
		return nil
	}
}

// WithBackoff sets the delay before the first retry and its cap; the delay
// doubles on each retry and is jittered (between half and all of it). A
// Retry-After header overrides it (capped at 5 minutes). Default: 1s, 30s.
func WithBackoff(initial, max time.Duration) Option {
	return func(s *settings) error {
		if initial <= 0 || max < initial {
			return fmt.Errorf("WithBackoff: need 0 < initial <= max, got %v, %v", initial, max)
		}
		s.backoffMin, s.backoffMax = initial, max
		return nil
	}
}

// WithStallTimeout cancels an attempt on which no bytes moved for d: not an
// overall deadline, a large upload on a slow link runs as long as it makes
// progress. After the last byte of the body is sent the index gets 5×d to
// answer (it hashes and inspects the file first). Default: 60s.
func WithStallTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithStallTimeout: need a positive duration, got %v", d)
		}
		s.stall = d
		return nil
	}
}

// WithResponseTimeout bounds the time to read a response body once its
// headers have arrived, however steadily bytes trickle in: the stall
// timeout (WithStallTimeout) only catches a connection on which nothing
// moves, and an index that drips a byte a second never stalls. A
// simple-API page must arrive in full within d, or the lookup fails with
// ErrResponseTimeout. An error answer, and the answer to a successful
// upload (read only so the connection can be reused), are read for at most
// 64 KiB and 5 seconds, or d when shorter; the status is known by then, so
// what arrived is used. Default: 2 minutes.
func WithResponseTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("WithResponseTimeout: need a positive duration, got %v", d)
		}
		s.responseTimeout = d
		return nil
	}
}

// WithCheckURL sets the simple-API base URL (ending in /simple/) used to
// learn which files the index holds: before uploading with skip-existing,
// and after an "already exists" answer to compare hashes. An empty string
// disables lookups. Default: https://pypi.org/simple/ for
// upload.pypi.org, https://test.pypi.org/simple/ for test.pypi.org, else
// the upload URL with a last path segment "legacy" or "upload" replaced by
// "simple" or, failing that, "simple/" appended (pypiserver, devpi-less
// private indexes, GitLab, Gitea, Nexus, Artifactory, Azure Artifacts).
func WithCheckURL(simpleIndexURL string) Option {
	return func(s *settings) error {
		s.checkURL = &simpleIndexURL
		return nil
	}
}

// WithSkipExisting makes files the index already holds with the same
// SHA-256 count as skipped instead of failing. When the index cannot tell
// the hash, a file it says it holds is skipped as twine does. Default:
// false.
func WithSkipExisting(skip bool) Option {
	return func(s *settings) error {
		s.skipExisting = skip
		return nil
	}
}

// WithDryRun does everything but the upload POST: files are checked, the
// index is asked what it holds (with skip-existing), and Results say
// StatusWouldUpload. Default: false.
func WithDryRun(dry bool) Option {
	return func(s *settings) error {
		s.dryRun = dry
		return nil
	}
}

// WithHashFirst makes Upload hash every file before sending it and send the
// digests before the file, in twine's order, at the cost of reading each
// file twice. Default: false: a Dist opened without digests
// (dist.WithoutDigests) is hashed while it is sent, in one read, and
// sha256_digest and blake2_256_digest follow the content part. Indexes that
// read the whole form before validating it (Warehouse, pypiserver, devpi,
// Nexus, GitLab) accept either order; this is the fallback for one that
// would not. A Dist that already carries its digests is always sent in
// twine's order.
func WithHashFirst(first bool) Option {
	return func(s *settings) error {
		s.hashFirst = first
		return nil
	}
}

// WithWarnings sets where the client reports what the user should see even
// without a request log: a simple-API lookup that failed, so --skip-existing
// style checks could not decide and the file is sent anyway (the index then
// settles it), and each retry of a failed attempt. Default: these go to the
// WithLogger function, if any, else nowhere.
func WithWarnings(warnf func(format string, args ...any)) Option {
	return func(s *settings) error {
		if warnf == nil {
			return errors.New("WithWarnings: nil function")
		}
		s.warnf = warnf
		return nil
	}
}

// WithLogger receives a verbose log: one line per request and response
// (method, URL without userinfo, status, duration, Authorization redacted,
// never bodies) and retry decisions. Default: no log.
func WithLogger(logf func(format string, args ...any)) Option {
	return func(s *settings) error {
		if logf == nil {
			return errors.New("WithLogger: nil function")
		}
		s.logf = logf
		return nil
	}
}

// WithProgress receives byte counts while a body is sent, at most every
// 256 KiB and at the end of each attempt. It is called from the uploading
// goroutine (UploadAll runs several) and must be quick. Default: none.
func WithProgress(fn func(Progress)) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("WithProgress: nil function")
		}
		s.progress = fn
		return nil
	}
}

// WithSleep replaces the function that waits between retries (tests use it
// to record delays instead of waiting). It must return ctx.Err() when ctx
// ends first. Default: a timer that honours ctx.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) error {
		if sleep == nil {
			return errors.New("WithSleep: nil function")
		}
		s.sleep = sleep
		return nil
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

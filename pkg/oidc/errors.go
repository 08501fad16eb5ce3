package oidc

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pyup-dev/pyup/pkg/redact"
)

// Sentinel errors. Errors returned by this package wrap these with %w, so
// callers test them with [errors.Is].
var (
	// ErrNoAmbientCredential means no provider recognised the environment:
	// this is not a CI system pyup knows how to get an ID token from.
	ErrNoAmbientCredential = errors.New("no ambient OIDC credential: not running on a supported CI system")

	// ErrIDTokenPermission means the CI system was recognised but the job
	// was not granted an ID token (GitHub Actions without
	// `permissions: id-token: write`, GitLab CI/CD without `id_tokens:`).
	ErrIDTokenPermission = errors.New("the job is not allowed to request an OIDC ID token")

	// ErrForkPullRequest means the job runs for a pull request from a fork,
	// to which GitHub never hands out ID tokens. It wraps
	// ErrIDTokenPermission too.
	ErrForkPullRequest = fmt.Errorf("%w: pull requests from forks get no OIDC token", ErrIDTokenPermission)

	// ErrTrustedPublishingDisabled means the index answered 403 to the
	// audience request: it supports trusted publishing but has it turned off.
	ErrTrustedPublishingDisabled = errors.New("trusted publishing is disabled on this index")

	// ErrNotSupported means the index answered 404 to the audience request:
	// it does not implement trusted publishing.
	ErrNotSupported = errors.New("this index does not support trusted publishing")

	// ErrMalformedResponse means a server, CLI or environment variable
	// produced something other than what the protocol promises (a 200
	// without a token, output that is not a JWT).
	ErrMalformedResponse = errors.New("malformed response")
)

// ProviderError is a failure of a detected provider to produce an ID token.
// Hint, when set, is one line telling the user what to change (for example
// the YAML to add to the workflow).
type ProviderError struct {
	Provider string // provider name, e.g. "GitHub Actions"
	Reason   string // what went wrong, never containing a credential
	Hint     string // optional remedy for the user
	Err      error  // underlying cause or sentinel; may be nil
}

// Error returns "<provider>: <reason>[: <cause>]". The hint is not part of
// it: the CLI prints the hint on its own line.
func (e *ProviderError) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ProviderError) Unwrap() error { return e.Err }

// HTTPError is an unexpected HTTP answer from a token endpoint, the
// metadata server or the index. It has the shape of upload.HTTPError (the
// same fields, meaning the same), with Op in front.
type HTTPError struct {
	// Op is what was attempted, e.g. "trusted publishing audience".
	Op string
	// Method and URL of the request; URL has no query string or user info.
	Method string
	URL    string
	// StatusCode is the HTTP status code.
	StatusCode int
	// Reason is the server's reason phrase when it sent its own, else the
	// standard status text.
	Reason string
	// Body is a short excerpt of the response body (at most 512 bytes), with
	// the request's secrets and anything resembling a token masked.
	Body string
}

// Error returns one line: "<op>: <method> <url>: <status> <reason>[ (<body
// excerpt>)]".
func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s: %s %s: %d %s", e.Op, e.Method, e.URL, e.StatusCode, e.Reason)
	if e.Body != "" {
		s += " (" + e.Body + ")"
	}
	return s
}

// reasonOf returns the reason phrase of resp's status line, or the standard
// status text when the server sent none of its own.
func reasonOf(resp *http.Response) string {
	std := http.StatusText(resp.StatusCode)
	phrase := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if phrase == "" || strings.EqualFold(phrase, std) {
		return std
	}
	return phrase
}

const maxExcerpt = 512

// scrub removes the secrets given, and anything that looks like a
// credential, from server text before it goes into an error, and caps its
// length.
func scrub(s string, secrets ...string) string {
	s = strings.TrimSpace(redact.Lookalikes(redact.Scrub(s, secrets...)))
	if len(s) > maxExcerpt {
		s = s[:maxExcerpt] + "…"
	}
	return s
}

// safeURL renders raw without query, fragment or user info: request URLs
// handed to us by CI systems may carry signatures in the query.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<invalid URL>"
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

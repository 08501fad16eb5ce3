package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/pypi"
)

// Mint error codes PyPI (Warehouse) returns in a 422 answer.
const (
	CodeInvalidPayload          = "invalid-payload"
	CodeNotEnabled              = "not-enabled"
	CodeInvalidToken            = "invalid-token"
	CodeInvalidPendingPublisher = "invalid-pending-publisher"
	CodeInvalidPublisher        = "invalid-publisher"
	CodeInvalidReuseToken       = "invalid-reuse-token"
)

// TroubleshootingDoc is where [MintError.Details] points the user.
const TroubleshootingDoc = "docs/trusted-publishing.md#troubleshooting"

// IndexBaseURL returns the scheme and host whose /_/oidc/ endpoints serve
// the index behind uploadURL, the repository upload URL: the upload URL's
// own scheme and host ("https://upload.pypi.org/legacy/" ->
// "https://upload.pypi.org", "https://test.pypi.org/legacy/" ->
// "https://test.pypi.org"). That is where twine, uv and
// pypa/gh-action-pypi-publish send the exchange, and PyPI serves the
// endpoints on its upload host.
func IndexBaseURL(uploadURL string) (string, error) {
	u, err := url.Parse(uploadURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("index URL %q is not an http(s) URL", safeURL(uploadURL))
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// IsPyPI reports whether indexURL belongs to PyPI or TestPyPI: https on
// the hosts pypi.org, upload.pypi.org, test.pypi.org (it is
// [pypi.IsPyPI]). An ID token for audience "pypi" can be replayed at PyPI
// by whoever receives it, so a credential resolver should send ID tokens
// only to these hosts unless the user opts in for another index.
func IsPyPI(indexURL string) bool { return pypi.IsPyPI(indexURL) }

// Audience asks the index behind indexURL (see [IndexBaseURL]) which
// audience its ID tokens must carry: GET <base>/_/oidc/audience. A 403
// yields an error wrapping [ErrTrustedPublishingDisabled], a 404 one
// wrapping [ErrNotSupported]; other failures are *[HTTPError]. A nil client
// means a client with a 30 s timeout (likewise for [Mint] and [Exchange]).
func Audience(ctx context.Context, client *http.Client, indexURL string) (string, error) {
	base, err := IndexBaseURL(indexURL)
	if err != nil {
		return "", err
	}
	req, err := newRequest(ctx, "GET", base+"/_/oidc/audience", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	body, err := do(clientOrDefault(client), req, "trusted publishing audience")
	if err != nil {
		var he *HTTPError
		if errors.As(err, &he) {
			switch he.StatusCode {
			case http.StatusForbidden:
				return "", fmt.Errorf("%s: %w", hostOf(base), ErrTrustedPublishingDisabled)
			case http.StatusNotFound:
				return "", fmt.Errorf("%s: %w", hostOf(base), ErrNotSupported)
			}
		}
		return "", err
	}
	aud, err := decodeField(body, "audience")
	if err != nil {
		return "", fmt.Errorf("trusted publishing audience from %s: %w", hostOf(base), err)
	}
	return aud, nil
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Host
	}
	return base
}

// ErrorDetail is one reason the index gave for refusing a mint.
type ErrorDetail struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// MintError is the index's refusal to mint a token (PyPI answers 422).
// Claims are the unverified claims of the refused ID token, to compare with
// the configured trusted publisher; they are the zero value when the token
// could not be decoded.
type MintError struct {
	Host       string
	StatusCode int
	Message    string // the server's message, e.g. "Token request failed"
	Errors     []ErrorDetail
	Claims     Claims
}

// Error summarises the refusal on one line with the error codes.
func (e *MintError) Error() string {
	codes := make([]string, 0, len(e.Errors))
	for _, d := range e.Errors {
		codes = append(codes, d.Code)
	}
	if len(codes) == 0 {
		codes = append(codes, "no reason given")
	}
	return fmt.Sprintf("%s refused to mint an upload token (%d): %s", e.Host, e.StatusCode, strings.Join(codes, ", "))
}

// HasCode reports whether the server gave code among its reasons.
func (e *MintError) HasCode(code string) bool {
	for _, d := range e.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}

// Details returns the lines to show under the error: each "code:
// description", then the ID token's claims as [Claims.Lines] renders them,
// then any [Warnings], then a pointer to the troubleshooting guide.
func (e *MintError) Details() []string {
	var out []string
	for _, d := range e.Errors {
		out = append(out, d.Code+": "+d.Description)
	}
	out = append(out, "claims of the ID token (compare them with the trusted publisher configured on the index):")
	for _, l := range e.Claims.Lines() {
		out = append(out, "  "+l)
	}
	for _, w := range Warnings(&e.Claims) {
		out = append(out, "warning: "+w)
	}
	out = append(out, "see "+TroubleshootingDoc)
	return out
}

// Mint exchanges idToken for an upload token at the index behind indexURL:
// POST <base>/_/oidc/mint-token {"token": idToken}. A refusal that carries
// reasons (PyPI's 422) is a *[MintError]; any other failure is an
// *[HTTPError] or wraps [ErrMalformedResponse]. Never call Mint twice with
// the same ID token: its jti is single-use.
func Mint(ctx context.Context, client *http.Client, indexURL, idToken string) (*Token, error) {
	base, err := IndexBaseURL(indexURL)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(map[string]string{"token": idToken})
	if err != nil {
		return nil, fmt.Errorf("encoding mint request: %w", err)
	}
	req, err := newRequest(ctx, "POST", base+"/_/oidc/mint-token", bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	body, err := do(clientOrDefault(client), req, "trusted publishing mint-token", idToken)
	if err != nil {
		var he *HTTPError
		if !errors.As(err, &he) {
			return nil, err
		}
		var refusal struct {
			Message string        `json:"message"`
			Errors  []ErrorDetail `json:"errors"`
		}
		if json.Unmarshal(body, &refusal) != nil || len(refusal.Errors) == 0 {
			return nil, err
		}
		me := &MintError{Host: hostOf(base), StatusCode: he.StatusCode, Message: scrub(refusal.Message, idToken)}
		for _, d := range refusal.Errors {
			me.Errors = append(me.Errors, ErrorDetail{Code: scrub(d.Code, idToken), Description: scrub(d.Description, idToken)})
		}
		if c, perr := ParseClaims(idToken); perr == nil {
			me.Claims = *c
		}
		return nil, me
	}
	var ok struct {
		Success *bool   `json:"success"`
		Token   string  `json:"token"`
		Expires float64 `json:"expires"`
	}
	if json.Unmarshal(body, &ok) != nil || ok.Token == "" || (ok.Success != nil && !*ok.Success) {
		return nil, fmt.Errorf("trusted publishing mint-token at %s: %w: no token in the answer", hostOf(base), ErrMalformedResponse)
	}
	t := &Token{Value: ok.Token}
	if ok.Expires > 0 {
		t.Expires = time.Unix(int64(ok.Expires), 0).UTC()
	} else {
		// Warehouse tokens live 900 s; assume so when the index doesn't say.
		t.Expires = time.Now().Add(900 * time.Second).UTC()
	}
	return t, nil
}

// ExchangeOption configures [Exchange] (and, through [WithExchangeOptions],
// a [Minter]).
type ExchangeOption func(*exchangeSettings)

type exchangeSettings struct {
	audience  string
	onIDToken func(string)
}

// ExpectAudience names the audience the user accepts for ID tokens sent to
// an index other than PyPI and TestPyPI. Such an index names its audience in
// an unauthenticated answer, and an ID token is a bearer credential that
// others accept (PyPI for audience "pypi", a cloud's token service for its
// own), so Exchange uses the index's audience only when it equals this one.
// Default: "", so Exchange refuses every index but PyPI and TestPyPI.
func ExpectAudience(aud string) ExchangeOption {
	return func(s *exchangeSettings) { s.audience = strings.TrimSpace(aud) }
}

// OnIDToken sets a hook called with every ID token Exchange obtains, before
// the token is sent anywhere (for example to scrub it from output). Default:
// none.
func OnIDToken(f func(idToken string)) ExchangeOption {
	return func(s *exchangeSettings) { s.onIDToken = f }
}

// KnownAudience returns the audience of PyPI ("pypi") or TestPyPI
// ("testpypi") for an index URL on their hosts (see [IsPyPI]), or "" for any
// other index.
func KnownAudience(indexURL string) string {
	if !IsPyPI(indexURL) {
		return ""
	}
	idx, _ := pypi.Lookup(indexURL)
	return idx.Name
}

// ErrInsecureIndex is matched by the error [Exchange] returns for an index
// URL an ID token must not be sent to: plain http:// to a host that is not a
// loopback address.
var ErrInsecureIndex = errors.New("refusing to send an ID token over plain http")

// CheckIndexURL judges whether an ID token may be sent to the index behind
// indexURL: it must be https://, or http:// to a loopback address (a test
// index on this machine). Errors wrap [ErrInsecureIndex].
func CheckIndexURL(indexURL string) error {
	u, err := url.Parse(indexURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("index URL %q is not an http(s) URL", safeURL(indexURL))
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%w to %s: use an https:// repository URL", ErrInsecureIndex, u.Host)
	}
	return nil
}

// IsLoopbackHost reports whether host (a URL's Hostname) is "localhost" or
// a loopback IP address: the one place plain http may carry a credential,
// to an index on the same machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AudienceError is Exchange's refusal to get an ID token for the audience an
// index other than PyPI and TestPyPI asked for: the user named no audience
// ([ExpectAudience]), or another one.
type AudienceError struct {
	// Host is the index's host.
	Host string
	// Asked is the audience the index named.
	Asked string
	// Expected is the audience the user accepts; "" when none was given.
	Expected string
}

// Error names the index, the audience it asked for and the one expected.
func (e *AudienceError) Error() string {
	if e.Expected == "" {
		return fmt.Sprintf("%s asks for ID tokens with audience %q; an ID token goes to an index other than PyPI or TestPyPI only for an audience the user names", e.Host, e.Asked)
	}
	return fmt.Sprintf("%s asks for ID tokens with audience %q, not the expected %q", e.Host, e.Asked, e.Expected)
}

// audience decides the audience of the ID token for indexURL: PyPI's and
// TestPyPI's are known and never asked for; any other index is asked, and
// its answer is used only when it equals the expected audience.
func audience(ctx context.Context, client *http.Client, indexURL, expected string) (string, error) {
	if known := KnownAudience(indexURL); known != "" {
		if expected != "" && expected != known {
			return "", fmt.Errorf("the audience of %s is %q, not %q", hostOf(indexURL), known, expected)
		}
		return known, nil
	}
	asked, err := Audience(ctx, client, indexURL)
	if err != nil {
		return "", err
	}
	if asked != expected {
		return "", &AudienceError{Host: hostOf(indexURL), Asked: asked, Expected: expected}
	}
	return asked, nil
}

// Exchange runs one trusted-publishing exchange with provider p: it judges
// the index URL ([CheckIndexURL]) before anything is sent, decides the
// audience (PyPI's and TestPyPI's are known; any other index's must equal
// the one given with [ExpectAudience], else an *[AudienceError]), gets a
// fresh ID token for it, and mints an upload token. It returns the ID
// token's unverified claims (for display) whenever it got a token, also
// alongside a *[MintError]. Each call fetches a new ID token; it never
// retries a mint.
func Exchange(ctx context.Context, p Provider, client *http.Client, indexURL string, opts ...ExchangeOption) (*Token, *Claims, error) {
	var s exchangeSettings
	for _, o := range opts {
		o(&s)
	}
	if err := CheckIndexURL(indexURL); err != nil {
		return nil, nil, err
	}
	aud, err := audience(ctx, client, indexURL, s.audience)
	if err != nil {
		return nil, nil, err
	}
	idToken, err := p.IDToken(ctx, aud)
	if err != nil {
		return nil, nil, err
	}
	if s.onIDToken != nil {
		s.onIDToken(idToken)
	}
	claims, _ := ParseClaims(idToken)
	tok, err := Mint(ctx, client, indexURL, idToken)
	if err != nil {
		return nil, claims, err
	}
	return tok, claims, nil
}

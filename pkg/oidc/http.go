package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody caps how much of any response this package reads.
const maxBody = 1 << 20

// do sends req and returns the body of a 200 response. Any other status
// becomes an *HTTPError with a redacted excerpt; secrets are also removed
// verbatim from that excerpt.
//
// Every request refuses a redirect from https to http (an answer that came
// in clear text cannot be trusted, and Go's client would forward the
// request's headers to it); a request that carries a secret (one is given)
// also refuses a redirect to another host.
func do(client *http.Client, req *http.Request, op string, secrets ...string) ([]byte, error) {
	resp, err := guardRedirects(client, len(secrets) > 0).Do(req)
	if err != nil {
		// url.Error includes the URL with its query; rebuild it safely.
		return nil, fmt.Errorf("%s: %s %s: %w", op, req.Method, safeURL(req.URL.String()), unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%s: reading response: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, &HTTPError{
			Op:         op,
			Method:     req.Method,
			URL:        safeURL(req.URL.String()),
			StatusCode: resp.StatusCode,
			Reason:     scrub(reasonOf(resp), secrets...),
			Body:       scrub(string(body), secrets...),
		}
	}
	return body, nil
}

func unwrapURLError(err error) error {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok {
		if inner := u.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func newRequest(ctx context.Context, method, url string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, fmt.Errorf("building request for %s: %w", safeURL(url), err)
	}
	return req, nil
}

// decodeField decodes body as a JSON object and returns the non-empty
// string field name.
func decodeField(body []byte, name string) (string, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("%w: not a JSON object", ErrMalformedResponse)
	}
	v, ok := m[name].(string)
	if !ok || v == "" {
		return "", fmt.Errorf("%w: no %q string in the JSON object", ErrMalformedResponse, name)
	}
	return v, nil
}

// clientOrDefault returns client, or for nil a client with a 30 s timeout.
func clientOrDefault(client *http.Client) *http.Client {
	if client == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return client
}

// guardRedirects returns a copy of client whose redirects never lower the
// scheme (https to http) and, with sameHost, never leave the first request's
// host. Its own redirect policy, if any, still applies after these checks.
func guardRedirects(client *http.Client, sameHost bool) *http.Client {
	c := *client
	next := client.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 {
			prev := via[len(via)-1]
			if prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("refusing a redirect from https to %s (%s)", req.URL.Scheme, req.URL.Host)
			}
			if sameHost && !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
				return fmt.Errorf("refusing to send a credential to %s after a redirect from %s", req.URL.Host, via[0].URL.Host)
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

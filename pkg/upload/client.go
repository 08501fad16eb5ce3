package upload

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/pyup-dev/pyup/pkg/pypi"
)

// Client uploads distributions to one repository. It is safe for
// concurrent use.
type Client struct {
	repo     *url.URL // upload URL, without userinfo
	checkURL string   // simple-API base ending in "/", or "" for no lookups
	http     *http.Client
	s        settings
	// ignoresExpect is set once the index has let a wait for "100
	// Continue" run out: later bodies go without "Expect".
	ignoresExpect atomic.Bool
}

// New returns a Client for the upload URL repositoryURL (for example
// https://upload.pypi.org/legacy/). The URL must not carry credentials (use
// SplitURLCredentials first). It fails with ErrInsecureURL when credentials
// are configured and the URL is plain http:// to a host other than a
// loopback address.
func New(repositoryURL string, opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("upload: nil Option")
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	u, err := parseHTTPURL(repositoryURL)
	if err != nil {
		return nil, fmt.Errorf("repository URL: %w", err)
	}
	if u.User != nil {
		return nil, errors.New("repository URL: carries credentials; split them off with SplitURLCredentials")
	}
	if s.creds != nil && !secureEnough(u) {
		return nil, fmt.Errorf("%w: %s", ErrInsecureURL, redactURL(u))
	}
	if s.transport != nil && (s.tlsConfig != nil || s.caFile != "" || s.certFile != "") {
		return nil, errors.New("WithTransport cannot be combined with WithTLS or WithTLSConfig")
	}
	c := &Client{repo: u, s: s}
	if s.checkURL != nil {
		c.checkURL = *s.checkURL
		if c.checkURL != "" {
			cu, err := parseHTTPURL(c.checkURL)
			if err != nil {
				return nil, fmt.Errorf("check URL: %w", err)
			}
			if !strings.HasSuffix(cu.Path, "/") {
				cu.Path += "/"
			}
			c.checkURL = cu.String()
		}
	} else {
		c.checkURL = DefaultCheckURL(u.String())
	}
	rt, err := newTransport(u, &c.s)
	if err != nil {
		return nil, err
	}
	c.http = &http.Client{
		Transport: rt,
		// Uploads never follow redirects: the body cannot be replayed and a
		// redirect usually means a wrong URL the user should fix. Simple-API
		// GETs do (PyPI redirects non-normalized names).
		// No request follows a redirect from https to http: its answer
		// (what the index holds) could be forged in transit, and Go's client
		// would forward the request's headers to it.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.Method != http.MethodGet {
				return http.ErrUseLastResponse
			}
			if prev := via[len(via)-1]; prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("refusing a redirect from https to %s (%s)", req.URL.Scheme, req.URL.Host)
			}
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return nil
		},
	}
	return c, nil
}

// RepositoryURL returns the upload URL the client posts to.
func (c *Client) RepositoryURL() string { return c.repo.String() }

// CheckURL returns the simple-API base URL used for lookups, or "" when
// lookups are disabled.
func (c *Client) CheckURL() string { return c.checkURL }

// DefaultCheckURL derives the simple-API base URL of an upload URL, as
// WithCheckURL documents. It returns "" for a URL it cannot parse.
func DefaultCheckURL(repositoryURL string) string {
	u, err := url.Parse(repositoryURL)
	if err != nil || u.Host == "" {
		return ""
	}
	if idx, ok := pypi.Lookup(repositoryURL); ok {
		return idx.SimpleURL()
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	p := strings.TrimSuffix(c.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		switch p[i+1:] {
		case "legacy", "upload":
			p = p[:i]
		}
	}
	c.Path = p + "/simple/"
	return c.String()
}

// SplitURLCredentials removes userinfo from a repository URL such as
// https://user:pass@host/legacy/ and returns the clean URL and the
// credentials (percent-decoded). Errors never repeat the URL, as it may
// hold a password.
func SplitURLCredentials(raw string) (clean, username, password string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", "", "", fmt.Errorf("invalid repository URL: %v", err)
	}
	if u.User != nil {
		username = u.User.Username()
		password, _ = u.User.Password()
		u.User = nil
	}
	return u.String(), username, password, nil
}

func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("invalid URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid URL %s: scheme must be http or https", redactURL(u))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("invalid URL %s: no host", redactURL(u))
	}
	return u, nil
}

// secureEnough reports whether credentials may be sent to u: https, or
// plain http to a loopback address (a local test index).
func secureEnough(u *url.URL) bool {
	return u.Scheme == "https" || isLoopback(u.Hostname())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

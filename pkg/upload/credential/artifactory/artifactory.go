// Package artifactory is the credential provider for JFrog Artifactory's
// OpenID Connect integration: given the name of the OIDC provider
// configured in the JFrog Platform, it fetches the CI's ID token (GitHub
// Actions, GitLab CI/CD, ...) and exchanges it at the platform's
// /access/api/v1/oidc/token for a short-lived access token, as JFrog's own
// setup-jfrog-cli action does. Without a provider name it does nothing:
// tokens are then given as for any index.
package artifactory

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Source is the provider's source name in reports and pyup whoami.
const Source credential.Source = "artifactory-oidc"

// ExchangePath is the JFrog Access endpoint that exchanges ID tokens.
const ExchangePath = "/access/api/v1/oidc/token"

// IDTokenFunc fetches a fresh ID token for audience ("" is the CI's
// default audience) from the CI, and names the CI.
type IDTokenFunc func(ctx context.Context, audience string) (token, ci string, err error)

// Option configures the provider.
type Option func(*provider)

// WithProviderName sets the OIDC provider name of the JFrog Platform's
// integration. Default: "": the provider does not apply.
func WithProviderName(name string) Option { return func(p *provider) { p.name = name } }

// WithAudience sets the audience of the ID token, which must match the
// integration's. Default: "", the CI's default audience.
func WithAudience(aud string) Option { return func(p *provider) { p.audience = aud } }

// WithIDToken sets how the CI's ID token is fetched. Default: none: the
// provider fails when it applies.
func WithIDToken(f IDTokenFunc) Option { return func(p *provider) { p.idToken = f } }

// WithHTTPClient sets the client for the exchange. Default: a client with
// a 30 s timeout.
func WithHTTPClient(c *http.Client) Option { return func(p *provider) { p.client = c } }

// WithOnSecret sets a hook that receives the ID token before it is sent, so
// that the caller can scrub it from its output. Default: none.
func WithOnSecret(f func(secret string)) Option { return func(p *provider) { p.onSecret = f } }

// New returns the Artifactory OIDC provider.
func New(opts ...Option) credential.Provider {
	p := &provider{}
	for _, o := range opts {
		o(p)
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 30 * time.Second}
	}
	return p
}

type provider struct {
	name, audience string
	idToken        IDTokenFunc
	client         *http.Client
	onSecret       func(string)
}

func (*provider) Source() credential.Source { return Source }

func (p *provider) Applies(req credential.Request) (bool, string) {
	if p.name == "" {
		return false, "no JFrog OIDC provider name (--artifactory-oidc-provider)"
	}
	if _, ok := credential.HTTPSHost(req.RepositoryURL); !ok {
		return false, "the repository URL is not https"
	}
	if !IsPyPIPath(req.RepositoryURL) {
		return false, "not an Artifactory PyPI repository URL (https://<host>/artifactory/api/pypi/<repo>)"
	}
	return true, ""
}

// IsPyPIPath reports whether repositoryURL has the path of an Artifactory
// PyPI repository: .../api/pypi/<repo>. The ID token is only ever sent to
// the host of such a URL.
func IsPyPIPath(repositoryURL string) bool {
	u, err := url.Parse(repositoryURL)
	if err != nil {
		return false
	}
	_, repo, ok := strings.Cut(u.Path, "/api/pypi/")
	return ok && strings.Trim(repo, "/") != ""
}

// PlatformURL returns the JFrog Platform's base URL for a repository URL:
// its scheme and host, and any path before "/artifactory/".
func PlatformURL(repositoryURL string) (string, error) {
	u, err := url.Parse(repositoryURL)
	if err != nil || u.Host == "" {
		return "", errors.New("repository URL is not a URL")
	}
	prefix, _, found := strings.Cut(u.Path, "/artifactory/")
	if !found {
		prefix = ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: prefix}).String(), nil
}

func (p *provider) Resolve(ctx context.Context, req credential.Request) (*credential.Credential, credential.Outcome, error) {
	fail := func(format string, args ...any) (*credential.Credential, credential.Outcome, error) {
		return nil, credential.Outcome{Status: credential.StatusFailed, Reason: fmt.Sprintf(format, args...)}, nil
	}
	if p.idToken == nil {
		return fail("no CI identity provider to get an ID token from")
	}
	idTok, ci, err := p.idToken(ctx, p.audience)
	if err != nil {
		if ctx.Err() != nil {
			return nil, credential.Outcome{}, ctx.Err()
		}
		return fail("ID token: %v", err)
	}
	p.secret(idTok)
	base, err := PlatformURL(req.RepositoryURL)
	if err != nil {
		return fail("%v", err)
	}
	body, _ := json.Marshal(map[string]string{
		"grant_type":         "urn:ietf:params:oauth:grant-type:token-exchange",
		"subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
		"subject_token":      idTok,
		"provider_name":      p.name,
	})
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, base+ExchangePath, bytes.NewReader(body))
	if err != nil {
		return fail("exchange request: %v", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(r)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fail("exchange at %s%s: %v", base, ExchangePath, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var v struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Username    string `json:"username"`
		Errors      []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(raw, &v)
	if resp.StatusCode != http.StatusOK || v.AccessToken == "" {
		why := resp.Status
		for _, e := range v.Errors {
			why += "; " + strings.TrimSpace(e.Code+" "+e.Message)
		}
		return fail("JFrog refused the %s ID token for OIDC provider %q: %s", ci, p.name, why)
	}
	user := v.Username
	if user == "" {
		user = subjectUser(v.AccessToken)
	}
	if user == "" {
		user = req.Username
	}
	c := &credential.Credential{Username: user, Password: credential.Secret(v.AccessToken),
		Detail: fmt.Sprintf("JFrog OIDC exchange (provider %s) of the %s ID token", p.name, ci), Identity: user}
	if v.ExpiresIn > 0 {
		c.Expires = time.Now().Add(time.Duration(v.ExpiresIn) * time.Second)
	}
	return c, credential.Outcome{Status: credential.StatusUsed, Reason: fmt.Sprintf("access token for %s from OIDC provider %s", user, p.name)}, nil
}

func (p *provider) secret(s string) {
	if s != "" && p.onSecret != nil {
		p.onSecret(s)
	}
}

// subjectUser reads the user name from a JFrog access token's subject
// (".../users/<name>"), without verifying the token.
func subjectUser(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	_, user, ok := strings.Cut(c.Sub, "/users/")
	if !ok {
		return ""
	}
	return user
}

var _ credential.Provider = (*provider)(nil)

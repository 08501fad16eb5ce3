// Package gcp is the credential provider for Google Artifact Registry:
// for a repository on a *-python.pkg.dev host it sends the username
// "oauth2accesstoken" and an OAuth2 access token from Application Default
// Credentials (golang.org/x/oauth2/google): the file GOOGLE_APPLICATION_CREDENTIALS
// names (a service-account key, workload identity federation such as
// GitHub OIDC to Google, an impersonated service account), gcloud's
// application-default login, else the metadata server (GCE_METADATA_HOST
// overrides its address, as in every Google library).
package gcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/compute/metadata"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Source is the provider's source name in reports and pyup whoami.
const Source credential.Source = "google-adc"

// Username is the username Artifact Registry expects with an access token.
const Username = "oauth2accesstoken"

// Scope is the OAuth2 scope asked for: Artifact Registry accepts
// cloud-platform tokens, as gcloud's and keyrings.google-artifactregistry-auth's.
const Scope = "https://www.googleapis.com/auth/cloud-platform"

// HostSuffix is what an Artifact Registry Python repository's host ends
// with: <location>-python.pkg.dev.
const HostSuffix = "-python.pkg.dev"

// IsRegistryHost reports whether repositoryURL is an https URL on an
// Artifact Registry Python host: a single label ending in "-python" under
// pkg.dev ("us-central1-python.pkg.dev"), and nothing else
// ("us-python.pkg.dev.example.com", "python.pkg.dev" are not).
func IsRegistryHost(repositoryURL string) bool {
	host, ok := credential.HTTPSHost(repositoryURL)
	if !ok || !credential.HostUnder(host, "pkg.dev") {
		return false
	}
	label := strings.TrimSuffix(host, ".pkg.dev")
	return !strings.Contains(label, ".") && strings.HasSuffix(label, "-python") && len(label) > len("-python")
}

// Option configures the provider.
type Option func(*provider)

// WithHTTPClient sets the client for token requests (token endpoints, STS,
// IAM Credentials). Default: http.DefaultClient. The metadata server is
// always asked through the metadata package's own client.
func WithHTTPClient(c *http.Client) Option { return func(p *provider) { p.client = c } }

// WithOnSecret sets a hook that receives every secret the provider reads
// on the way to an access token (a refresh token, a private key, a client
// secret), so that the caller can scrub them from its output. Default: none.
func WithOnSecret(f func(secret string)) Option { return func(p *provider) { p.onSecret = f } }

// New returns the Google Artifact Registry provider.
func New(opts ...Option) credential.Provider {
	p := &provider{}
	for _, o := range opts {
		o(p)
	}
	return p
}

type provider struct {
	client   *http.Client
	onSecret func(string)
}

func (*provider) Source() credential.Source { return Source }

func (*provider) Applies(req credential.Request) (bool, string) {
	if !IsRegistryHost(req.RepositoryURL) {
		return false, "not a Google Artifact Registry host (https://<location>" + HostSuffix + ")"
	}
	return true, ""
}

func (p *provider) Resolve(ctx context.Context, req credential.Request) (*credential.Credential, credential.Outcome, error) {
	if p.client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)
	}
	creds, err := google.FindDefaultCredentialsWithParams(ctx, google.CredentialsParams{Scopes: []string{Scope}})
	if err != nil {
		return nil, credential.Outcome{Status: credential.StatusNotFound,
			Reason: "no Application Default Credentials (set GOOGLE_APPLICATION_CREDENTIALS, run `gcloud auth application-default login`, or run on Google Cloud)"}, nil
	}
	kind, identity := p.describe(creds.JSON)
	tok, err := creds.TokenSource.Token()
	if err != nil {
		// The oauth2 error may quote the token endpoint's answer, never a
		// secret of ours; it is reported without the body all the same.
		return nil, credential.Outcome{Status: credential.StatusFailed, Reason: kind + ": no access token: " + summarize(err)}, nil
	}
	if tok.AccessToken == "" {
		return nil, credential.Outcome{Status: credential.StatusFailed, Reason: kind + ": the token endpoint returned an empty access token"}, nil
	}
	c := &credential.Credential{Username: Username, Password: credential.Secret(tok.AccessToken),
		Detail: "Google Application Default Credentials (" + kind + ")", Identity: identity, Expires: tok.Expiry,
		Renew: tokenSource{creds.TokenSource}}
	return c, credential.Outcome{Status: credential.StatusUsed, Reason: "access token for " + orUnknown(identity) + " from " + kind}, nil
}

// describe names the kind of credentials and who they act as, and hands
// every secret in the credentials file to onSecret.
func (p *provider) describe(raw []byte) (kind, identity string) {
	if len(raw) == 0 {
		email, err := metadata.Email("default")
		if err != nil {
			email = ""
		}
		return "metadata server", email
	}
	var f struct {
		Type             string `json:"type"`
		ClientEmail      string `json:"client_email"`
		ClientID         string `json:"client_id"`
		PrivateKey       string `json:"private_key"`
		ClientSecret     string `json:"client_secret"`
		RefreshToken     string `json:"refresh_token"`
		Audience         string `json:"audience"`
		ImpersonationURL string `json:"service_account_impersonation_url"`
		Account          string `json:"account"`
		CredentialSource *struct {
			Headers map[string]string `json:"headers"`
		} `json:"credential_source"`
		SourceCredentialsJSON *struct {
			ClientSecret string `json:"client_secret"`
			RefreshToken string `json:"refresh_token"`
			PrivateKey   string `json:"private_key"`
		} `json:"source_credentials"`
	}
	_ = json.Unmarshal(raw, &f)
	for _, s := range []string{f.PrivateKey, f.ClientSecret, f.RefreshToken} {
		p.secret(s)
	}
	// A URL credential source may carry a bearer token (GitHub's request
	// token, in google-github-actions/auth's files).
	if cs := f.CredentialSource; cs != nil {
		for _, v := range cs.Headers {
			p.secret(v)
			if _, tok, ok := strings.Cut(v, " "); ok {
				p.secret(tok)
			}
		}
	}
	if sc := f.SourceCredentialsJSON; sc != nil {
		for _, s := range []string{sc.PrivateKey, sc.ClientSecret, sc.RefreshToken} {
			p.secret(s)
		}
	}
	switch f.Type {
	case "service_account":
		return "service account key", f.ClientEmail
	case "authorized_user":
		id := f.Account
		if id == "" {
			id = "gcloud user credentials"
		}
		return "gcloud application-default login", id
	case "external_account":
		if email := impersonated(f.ImpersonationURL); email != "" {
			return "workload identity federation", email
		}
		return "workload identity federation", f.Audience
	case "impersonated_service_account":
		return "impersonated service account", impersonated(f.ImpersonationURL)
	}
	return f.Type, f.ClientEmail
}

func (p *provider) secret(s string) {
	if s != "" && p.onSecret != nil {
		p.onSecret(s)
	}
}

// impersonated returns the service account in an IAM Credentials
// generateAccessToken URL (.../serviceAccounts/EMAIL:generateAccessToken).
func impersonated(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	_, rest, ok := strings.Cut(u.Path, "/serviceAccounts/")
	if !ok {
		return ""
	}
	email, _, _ := strings.Cut(rest, ":")
	return email
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown identity"
	}
	return s
}

// summarize keeps the first line of an oauth2 error, without the response
// body *oauth2.RetrieveError carries.
func summarize(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code, desc := re.ErrorCode, re.ErrorDescription
		if code == "" {
			var v struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal(re.Body, &v) == nil {
				code, desc = v.Error, v.Description
			}
		}
		if code != "" {
			if len(desc) > 200 {
				desc = desc[:200] + "…"
			}
			return strings.TrimSuffix(fmt.Sprintf("token endpoint refused: %s: %s", code, desc), ": ")
		}
		if re.Response != nil {
			return "token endpoint answered " + re.Response.Status
		}
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// tokenSource renews the access token through the credentials' own
// (caching) token source.
type tokenSource struct{ ts oauth2.TokenSource }

func (s tokenSource) Token(context.Context) (string, time.Time, error) {
	tok, err := s.ts.Token()
	if err != nil {
		return "", time.Time{}, errors.New(summarize(err))
	}
	return tok.AccessToken, tok.Expiry, nil
}

var _ credential.Provider = (*provider)(nil)

package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Issuer URLs PyPI trusts, for use as TokenClaims.Issuer and
// Publisher.Issuer.
const (
	GitHubIssuerURL = "https://token.actions.githubusercontent.com"
	GitLabIssuerURL = "https://gitlab.com"
	GoogleIssuerURL = "https://accounts.google.com"
)

// TokenClaims are the claims an Issuer puts in a token. Zero fields are
// omitted, except those [Issuer.Issue] fills in.
type TokenClaims struct {
	Issuer            string   // iss; "" = the Issuer's URL
	Subject           string   // sub
	Audience          []string // aud; one value is encoded as a string
	Repository        string   // repository
	RepositoryOwner   string   // repository_owner
	RepositoryOwnerID string   // repository_owner_id
	WorkflowRef       string   // workflow_ref
	JobWorkflowRef    string   // job_workflow_ref
	Ref               string   // ref
	SHA               string   // sha
	Environment       string   // environment
	EventName         string   // event_name
	Email             string   // email (sets email_verified too)
	JTI               string   // jti; "" = a fresh random value per token
	IssuedAt          time.Time
	NotBefore         time.Time
	Expires           time.Time
	Extra             map[string]any // merged last; may override anything
}

// GitHubClaims returns the claims GitHub Actions puts in a token for a push
// of ref running .github/workflows/<workflow> in repo ("owner/name"), with
// repository_owner_id "1234567" and event "push".
func GitHubClaims(repo, workflow, ref string) TokenClaims {
	owner, _, _ := strings.Cut(repo, "/")
	wref := repo + "/.github/workflows/" + workflow + "@" + ref
	return TokenClaims{
		Issuer:            GitHubIssuerURL,
		Subject:           "repo:" + repo + ":ref:" + ref,
		Repository:        repo,
		RepositoryOwner:   owner,
		RepositoryOwnerID: "1234567",
		WorkflowRef:       wref,
		JobWorkflowRef:    wref,
		Ref:               ref,
		SHA:               "0123456789abcdef0123456789abcdef01234567",
		EventName:         "push",
	}
}

// Issuer is a fake OIDC provider holding a fresh RSA key. It is safe for
// concurrent use.
type Issuer struct {
	url      string
	key      *rsa.PrivateKey
	kid      string
	signer   jose.Signer
	now      func() time.Time
	lifetime time.Duration

	mu       sync.Mutex
	defaults TokenClaims
	issued   int
}

// IssuerOption configures [NewIssuer].
type IssuerOption func(*Issuer)

// WithIssuerURL sets the iss claim and discovery issuer. Default:
// [GitHubIssuerURL].
func WithIssuerURL(u string) IssuerOption { return func(i *Issuer) { i.url = u } }

// WithClaims sets the claims template used by the token endpoint handlers.
// Default: GitHubClaims("octo-org/octo-repo", "release.yml",
// "refs/tags/v1.0.0") with iss left to the Issuer's URL.
func WithClaims(c TokenClaims) IssuerOption { return func(i *Issuer) { i.defaults = c } }

// WithClock sets the clock for iat, nbf and exp. Default: time.Now.
func WithClock(now func() time.Time) IssuerOption { return func(i *Issuer) { i.now = now } }

// WithLifetime sets how long issued tokens are valid. Default: 5 minutes.
func WithLifetime(d time.Duration) IssuerOption { return func(i *Issuer) { i.lifetime = d } }

// NewIssuer generates a 2048-bit RSA key and returns an Issuer signing with it.
func NewIssuer(opts ...IssuerOption) (*Issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("oidctest: generating RSA key: %w", err)
	}
	i := &Issuer{
		url:      GitHubIssuerURL,
		key:      key,
		kid:      randomHex(8),
		now:      time.Now,
		lifetime: 5 * time.Minute,
		defaults: GitHubClaims("octo-org/octo-repo", "release.yml", "refs/tags/v1.0.0"),
	}
	i.defaults.Issuer = "" // follow WithIssuerURL
	for _, o := range opts {
		o(i)
	}
	i.signer, err = jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: i.kid, Algorithm: string(jose.RS256)}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("oidctest: creating signer: %w", err)
	}
	return i, nil
}

// URL returns the issuer URL (the iss claim of tokens issued from the
// template).
func (i *Issuer) URL() string { return i.url }

// SetClaims replaces the claims template used by the token endpoints.
func (i *Issuer) SetClaims(c TokenClaims) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.defaults = c
}

// Claims returns a copy of the claims template.
func (i *Issuer) Claims() TokenClaims {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.defaults
}

// Issued returns how many tokens the Issuer has signed.
func (i *Issuer) Issued() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.issued
}

// JWKS returns the public key set that verifies the Issuer's tokens.
func (i *Issuer) JWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &i.key.PublicKey, KeyID: i.kid, Algorithm: string(jose.RS256), Use: "sig",
	}}}
}

// Issue signs a token with claims c. Empty Issuer, JTI and times are filled
// in: iss = the Issuer's URL, a random jti, iat = nbf = now, exp = now +
// lifetime.
func (i *Issuer) Issue(c TokenClaims) (string, error) {
	now := i.now()
	m := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	if c.Issuer == "" {
		c.Issuer = i.url
	}
	if c.JTI == "" {
		c.JTI = randomHex(16)
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = now
	}
	if c.Expires.IsZero() {
		c.Expires = now.Add(i.lifetime)
	}
	set("iss", c.Issuer)
	set("sub", c.Subject)
	switch len(c.Audience) {
	case 0:
	case 1:
		m["aud"] = c.Audience[0]
	default:
		m["aud"] = c.Audience
	}
	set("repository", c.Repository)
	set("repository_owner", c.RepositoryOwner)
	set("repository_owner_id", c.RepositoryOwnerID)
	set("workflow_ref", c.WorkflowRef)
	set("job_workflow_ref", c.JobWorkflowRef)
	set("ref", c.Ref)
	set("sha", c.SHA)
	set("environment", c.Environment)
	set("event_name", c.EventName)
	if c.Email != "" {
		m["email"] = c.Email
		m["email_verified"] = true
	}
	set("jti", c.JTI)
	m["iat"] = c.IssuedAt.Unix()
	m["nbf"] = c.NotBefore.Unix()
	m["exp"] = c.Expires.Unix()
	for k, v := range c.Extra {
		m[k] = v
	}
	tok, err := jwt.Signed(i.signer).Claims(m).Serialize()
	if err != nil {
		return "", fmt.Errorf("oidctest: signing token: %w", err)
	}
	i.mu.Lock()
	i.issued++
	i.mu.Unlock()
	return tok, nil
}

// issueFor signs a token from the template with audience aud and changes
// applied.
func (i *Issuer) issueFor(aud string, change func(*TokenClaims)) (string, error) {
	c := i.Claims()
	c.Audience = []string{aud}
	if change != nil {
		change(&c)
	}
	return i.Issue(c)
}

// Handler serves /.well-known/openid-configuration and /.well-known/jwks.
// The discovery document's jwks_uri points back at the serving host.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                i.url,
			"jwks_uri":                              scheme + "://" + r.Host + "/.well-known/jwks",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public", "pairwise"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"claims_supported": []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository",
				"repository_owner", "repository_owner_id", "workflow_ref", "job_workflow_ref", "environment", "event_name", "email"},
		})
	})
	mux.HandleFunc("GET /.well-known/jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, i.JWKS())
	})
	return mux
}

// GitHubEnv returns the environment a GitHub Actions job with
// `permissions: id-token: write` sees, for a token endpoint served by
// GitHubHandler(requestToken) at serverURL.
func GitHubEnv(serverURL, requestToken string) map[string]string {
	return map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"GITHUB_EVENT_NAME":              "push",
		"GITHUB_REPOSITORY":              "octo-org/octo-repo",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   strings.TrimSuffix(serverURL, "/") + "/_apis/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": requestToken,
	}
}

// GitHubHandler serves the GitHub Actions ID token endpoint: a GET with
// `Authorization: bearer <requestToken>` and an audience query parameter
// answers {"value": "<JWT>"} signed from the template with that audience.
// Without audience it uses GitHub's default, https://github.com/<owner>.
// A wrong or missing bearer token gets 401. Mount it at any path and use
// the server URL plus "?api-version=2.0" as ACTIONS_ID_TOKEN_REQUEST_URL.
func (i *Issuer) GitHubHandler(requestToken string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
			return
		}
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") || tok != requestToken {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "invalid request token"})
			return
		}
		aud := r.URL.Query().Get("audience")
		if aud == "" {
			aud = "https://github.com/" + i.Claims().RepositoryOwner
		}
		jwt, err := i.issueFor(aud, nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": 1, "value": jwt})
	})
}

// GoogleMetadataHandler serves the parts of the Compute Engine metadata
// server that trusted publishing uses, each requiring `Metadata-Flavor:
// Google` (403 otherwise) and answering with that header:
//
//	GET /computeMetadata/v1/                                       (probe)
//	GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=A[&format=full]
//	GET /computeMetadata/v1/instance/service-accounts/default/token
//
// identity returns a bare JWT for audience A (400 without it); format=full
// adds the "google" compute_engine claim. token returns {"access_token":
// accessToken, ...} for use with IAMHandler.
func (i *Issuer) GoogleMetadataHandler(accessToken string) http.Handler {
	const sa = "/computeMetadata/v1/instance/service-accounts/default/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Metadata-Flavor", "Google")
		if r.Header.Get("Metadata-Flavor") != "Google" {
			http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case "/computeMetadata/v1/":
			w.Header().Set("Content-Type", "application/text")
			fmt.Fprintln(w, "instance/")
			fmt.Fprintln(w, "project/")
		case sa + "identity":
			aud := r.URL.Query().Get("audience")
			if aud == "" {
				http.Error(w, "non-empty audience parameter required", http.StatusBadRequest)
				return
			}
			full := r.URL.Query().Get("format") == "full"
			tok, err := i.issueFor(aud, func(c *TokenClaims) {
				if full {
					extra := map[string]any{"google": map[string]any{"compute_engine": map[string]any{
						"instance_id": "1234567890", "instance_name": "fake-vm", "project_id": "fake-project",
						"project_number": 1234567890, "zone": "us-central1-a",
					}}}
					for k, v := range c.Extra {
						extra[k] = v
					}
					c.Extra = extra
				}
			})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, tok)
		case sa + "token":
			writeJSON(w, http.StatusOK, map[string]any{"access_token": accessToken, "expires_in": 3599, "token_type": "Bearer"})
		default:
			http.NotFound(w, r)
		}
	})
}

// IAMHandler serves IAM Credentials'
// POST /v1/projects/-/serviceAccounts/<email>:generateIdToken, requiring
// `Authorization: Bearer <accessToken>` (401 otherwise) and a JSON body
// with a non-empty audience (400 otherwise). It answers {"token": "<JWT>"}
// signed from the template with that audience, sub and (with includeEmail)
// email set to the service account.
func (i *Issuer) IAMHandler(accessToken string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix, suffix = "/v1/projects/-/serviceAccounts/", ":generateIdToken"
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) || !strings.HasSuffix(r.URL.Path, suffix) {
			writeJSON(w, http.StatusNotFound, googleError(404, "NOT_FOUND", "not found"))
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			writeJSON(w, http.StatusUnauthorized, googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."))
			return
		}
		account := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, prefix), suffix)
		var body struct {
			Audience     string `json:"audience"`
			IncludeEmail bool   `json:"includeEmail"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Audience == "" {
			writeJSON(w, http.StatusBadRequest, googleError(400, "INVALID_ARGUMENT", "audience is required"))
			return
		}
		tok, err := i.issueFor(body.Audience, func(c *TokenClaims) {
			c.Subject = account
			c.Email = ""
			if body.IncludeEmail {
				c.Email = account
			}
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	})
}

func googleError(code int, status, msg string) map[string]any {
	return map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oidctest: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

package cloudtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Google fakes Google's OAuth2 token endpoint (POST /token: the JWT-bearer
// grant of a service-account key, the refresh-token grant of gcloud's user
// credentials) and the metadata server (/computeMetadata/v1/...). Serve it
// with httptest and point GOOGLE_APPLICATION_CREDENTIALS at a file from
// ServiceAccountJSON or UserJSON, or GCE_METADATA_HOST at its host:port.
type Google struct {
	// Email is the service account's email (client_email, metadata email).
	Email string
	// OnToken is called with every access token issued, before it is
	// returned (a fake index accepts it). Optional.
	OnToken func(token string)
	// WIFAudience is the workload identity provider's audience
	// ("//iam.googleapis.com/projects/.../providers/..."): Security Token
	// Service (POST /v1/token) exchanges for it the tokens VerifySubject
	// accepts, and IAM Credentials (POST
	// /v1/projects/-/serviceAccounts/<Email>:generateAccessToken) turns the
	// federated token into the service account's.
	WIFAudience string
	// VerifySubject judges an external subject token (a CI's ID token).
	VerifySubject func(token string) error

	key *rsa.PrivateKey

	mu        sync.Mutex
	issued    int
	errs      []string
	federated map[string]bool
}

// RefreshToken is the refresh token of UserJSON's credentials.
const RefreshToken = "1//fake-refresh-token-0123456789abcdef"

// ClientSecret is the OAuth client secret of UserJSON's credentials.
const ClientSecret = "fake-client-secret-0123456789"

// NewGoogle returns a fake for service account email.
func NewGoogle(email string) (*Google, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &Google{Email: email, key: key}, nil
}

// Issued returns how many access tokens the fake issued.
func (g *Google) Issued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.issued
}

// Errors returns why each refused request was refused.
func (g *Google) Errors() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.errs...)
}

// PrivateKeyPEM is the service account's private key as a key file holds it.
func (g *Google) PrivateKeyPEM() string {
	der, _ := x509.MarshalPKCS8PrivateKey(g.key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// ServiceAccountJSON is a service-account key file whose token_uri is
// base + "/token".
func (g *Google) ServiceAccountJSON(base string) []byte {
	b, _ := json.MarshalIndent(map[string]string{
		"type": "service_account", "project_id": "demo", "private_key_id": "fake-key-1",
		"private_key": g.PrivateKeyPEM(), "client_email": g.Email, "client_id": "100000000000000000001",
		"auth_uri": base + "/auth", "token_uri": base + "/token",
	}, "", "  ")
	return b
}

// UserJSON is gcloud's application-default credentials file for a user;
// its token endpoint cannot be changed, so tests use it only where no
// token is fetched.
func UserJSON() []byte {
	b, _ := json.Marshal(map[string]string{"type": "authorized_user", "client_id": "fake.apps.googleusercontent.com",
		"client_secret": ClientSecret, "refresh_token": RefreshToken})
	return b
}

func (g *Google) refuse(w http.ResponseWriter, status int, code, why string) {
	g.mu.Lock()
	g.errs = append(g.errs, why)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

func (g *Google) issue(w http.ResponseWriter) {
	tok := "ya29.fake-" + randomHex(24)
	g.mu.Lock()
	g.issued++
	g.mu.Unlock()
	if g.OnToken != nil {
		g.OnToken(tok)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

// ServeHTTP implements http.Handler.
func (g *Google) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/computeMetadata/") {
		g.serveMetadata(w, r)
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/v1/token" {
		g.sts(w, r)
		return
	}
	if r.Method == http.MethodPost && r.URL.Path == "/v1/projects/-/serviceAccounts/"+g.Email+":generateAccessToken" {
		g.generateAccessToken(w, r)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/token" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		g.refuse(w, http.StatusBadRequest, "invalid_request", "unparsable form")
		return
	}
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		g.jwtBearer(w, r)
	default:
		g.refuse(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+gt)
	}
}

// jwtBearer checks the assertion as Google does: RS256 signed by the
// service account's key, iss the account, aud the token endpoint, a scope,
// a lifetime of at most an hour.
func (g *Google) jwtBearer(w http.ResponseWriter, r *http.Request) {
	tok, err := jwt.ParseSigned(r.PostForm.Get("assertion"), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		g.refuse(w, http.StatusBadRequest, "invalid_grant", "assertion is not an RS256 JWT")
		return
	}
	var c struct {
		jwt.Claims
		Scope string `json:"scope"`
	}
	if err := tok.Claims(&g.key.PublicKey, &c); err != nil {
		g.refuse(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	aud := "http://" + r.Host + "/token"
	switch {
	case c.Issuer != g.Email:
		g.refuse(w, http.StatusBadRequest, "invalid_grant", "iss is "+c.Issuer)
	case !c.Audience.Contains(aud) && !c.Audience.Contains("https://oauth2.googleapis.com/token"):
		g.refuse(w, http.StatusBadRequest, "invalid_grant", fmt.Sprintf("aud %v is not %s", c.Audience, aud))
	case c.Scope == "" || !strings.Contains(c.Scope, "https://www.googleapis.com/auth/cloud-platform"):
		g.refuse(w, http.StatusBadRequest, "invalid_scope", "scope "+c.Scope)
	case c.Expiry == nil || c.IssuedAt == nil || c.Expiry.Time().Sub(c.IssuedAt.Time()) > time.Hour:
		g.refuse(w, http.StatusBadRequest, "invalid_grant", "bad iat/exp")
	default:
		g.issue(w)
	}
}

// ExternalAccountJSON is the credentials file google-github-actions/auth
// writes for workload identity federation from GitHub Actions: the subject
// token is fetched from idTokenURL (ACTIONS_ID_TOKEN_REQUEST_URL) with the
// request token, exchanged at base's STS, and the service account
// impersonated at base's IAM Credentials.
func (g *Google) ExternalAccountJSON(base, idTokenURL, requestToken string) []byte {
	b, _ := json.MarshalIndent(map[string]any{
		"type": "external_account", "audience": g.WIFAudience,
		"subject_token_type":                "urn:ietf:params:oauth:token-type:jwt",
		"token_url":                         base + "/v1/token",
		"service_account_impersonation_url": base + "/v1/projects/-/serviceAccounts/" + g.Email + ":generateAccessToken",
		"credential_source": map[string]any{
			"url":     idTokenURL + "&audience=" + g.WIFAudience,
			"headers": map[string]string{"Authorization": "Bearer " + requestToken},
			"format":  map[string]string{"type": "json", "subject_token_field_name": "value"},
		},
	}, "", "  ")
	return b
}

// sts is Security Token Service's token exchange.
func (g *Google) sts(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		g.refuse(w, http.StatusBadRequest, "invalid_request", "unparsable form")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange":
		g.refuse(w, http.StatusBadRequest, "unsupported_grant_type", f.Get("grant_type"))
	case g.WIFAudience == "" || f.Get("audience") != g.WIFAudience:
		g.refuse(w, http.StatusBadRequest, "invalid_target", "audience "+f.Get("audience"))
	case f.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt" ||
		f.Get("requested_token_type") != "urn:ietf:params:oauth:token-type:access_token":
		g.refuse(w, http.StatusBadRequest, "invalid_request", "token types")
	case !strings.Contains(f.Get("scope"), "https://www.googleapis.com/auth/cloud-platform"):
		g.refuse(w, http.StatusBadRequest, "invalid_scope", f.Get("scope"))
	case g.VerifySubject == nil:
		g.refuse(w, http.StatusBadRequest, "invalid_grant", "no provider")
	default:
		if err := g.VerifySubject(f.Get("subject_token")); err != nil {
			g.refuse(w, http.StatusBadRequest, "invalid_grant", "subject token: "+err.Error())
			return
		}
		tok := "ya29.federated-" + randomHex(24)
		g.mu.Lock()
		if g.federated == nil {
			g.federated = map[string]bool{}
		}
		g.federated[tok] = true
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
			"token_type": "Bearer", "expires_in": 3600})
	}
}

// generateAccessToken is IAM Credentials' impersonation of Email by a
// federated token.
func (g *Google) generateAccessToken(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	g.mu.Lock()
	known := ok && g.federated[bearer]
	g.mu.Unlock()
	var body struct {
		Scope    []string `json:"scope"`
		Lifetime string   `json:"lifetime"`
	}
	switch {
	case !known:
		g.refuse(w, http.StatusUnauthorized, "unauthenticated", "not a federated token of this fake")
	case json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Scope) == 0:
		g.refuse(w, http.StatusBadRequest, "invalid_argument", "body needs scope")
	default:
		tok := "ya29.fake-" + randomHex(24)
		g.mu.Lock()
		g.issued++
		g.mu.Unlock()
		if g.OnToken != nil {
			g.OnToken(tok)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"accessToken": tok, "expireTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	}
}

func (g *Google) serveMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Metadata-Flavor", "Google")
	if r.Header.Get("Metadata-Flavor") != "Google" {
		http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
		return
	}
	const sa = "/computeMetadata/v1/instance/service-accounts/default/"
	switch r.URL.Path {
	case "/computeMetadata/v1/project/project-id":
		fmt.Fprint(w, "demo")
	case sa + "email":
		fmt.Fprint(w, g.Email)
	case sa + "token":
		if s := r.URL.Query().Get("scopes"); s != "" && !strings.Contains(s, "cloud-platform") {
			g.refuse(w, http.StatusBadRequest, "invalid_scope", "scopes "+s)
			return
		}
		g.issue(w)
	default:
		http.NotFound(w, r)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

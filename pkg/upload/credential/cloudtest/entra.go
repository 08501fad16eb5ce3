package cloudtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DevOpsScope is the scope of an Entra ID token for Azure DevOps.
const DevOpsScope = "499b84ac-1321-427f-aa17-267ca6975798/.default"

// Entra fakes Microsoft Entra ID's token endpoint, POST
// /<tenant>/oauth2/v2.0/token, for the client-credentials grant with a
// client secret or a federated assertion (a JWT that VerifyAssertion
// judges), and the managed identity endpoint (GET /msi/token with
// X-IDENTITY-HEADER). Point AZURE_AUTHORITY_HOST, or IDENTITY_ENDPOINT, at it.
type Entra struct {
	// Tenant and ClientID are the app registration's.
	Tenant, ClientID string
	// ClientSecret is the app's secret ("" accepts none).
	ClientSecret string
	// VerifyAssertion judges a federated ID token; nil refuses them.
	VerifyAssertion func(token string) error
	// IdentityHeader is the managed identity endpoint's secret header.
	IdentityHeader string
	// OnToken is called with every access token issued. Optional.
	OnToken func(token string)

	mu     sync.Mutex
	issued int
	errs   []string
}

// Issued returns how many tokens the fake issued.
func (e *Entra) Issued() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issued
}

// Errors returns why each refused request was refused.
func (e *Entra) Errors() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.errs...)
}

func (e *Entra) refuse(w http.ResponseWriter, status int, code, why string) {
	e.mu.Lock()
	e.errs = append(e.errs, code+": "+why)
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": "AADSTS00000: " + why})
}

// AccessToken makes an Entra-like access token (a JWT whose signature no
// one checks here) for Azure DevOps, acting as appid.
func AccessToken(appid string) string {
	enc := base64.RawURLEncoding.EncodeToString
	h, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256"})
	p, _ := json.Marshal(map[string]any{"aud": "499b84ac-1321-427f-aa17-267ca6975798", "appid": appid, "oid": "00000000-0000-0000-0000-0000000000aa",
		"exp": time.Now().Add(time.Hour).Unix(), "uti": randomHex(8)})
	return enc(h) + "." + enc(p) + "." + enc([]byte(randomHex(32)))
}

func (e *Entra) issue(w http.ResponseWriter, expiresOn bool) {
	tok := AccessToken(e.ClientID)
	e.mu.Lock()
	e.issued++
	e.mu.Unlock()
	if e.OnToken != nil {
		e.OnToken(tok)
	}
	w.Header().Set("Content-Type", "application/json")
	v := map[string]any{"token_type": "Bearer", "access_token": tok}
	if expiresOn {
		v["expires_on"] = fmt.Sprint(time.Now().Add(time.Hour).Unix())
		v["resource"] = "499b84ac-1321-427f-aa17-267ca6975798"
	} else {
		v["expires_in"] = 3599
		v["ext_expires_in"] = 3599
	}
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP implements http.Handler.
func (e *Entra) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/msi/token" {
		e.managedIdentity(w, r)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/"+e.Tenant+"/oauth2/v2.0/token" {
		e.refuse(w, http.StatusNotFound, "invalid_tenant", "no such endpoint "+r.URL.Path)
		return
	}
	if err := r.ParseForm(); err != nil {
		e.refuse(w, http.StatusBadRequest, "invalid_request", "unparsable form")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "client_credentials":
		e.refuse(w, http.StatusBadRequest, "unsupported_grant_type", f.Get("grant_type"))
	case f.Get("client_id") != e.ClientID:
		e.refuse(w, http.StatusBadRequest, "unauthorized_client", "unknown client_id")
	case f.Get("scope") != DevOpsScope:
		e.refuse(w, http.StatusBadRequest, "invalid_scope", f.Get("scope"))
	case f.Get("client_secret") != "":
		if e.ClientSecret == "" || f.Get("client_secret") != e.ClientSecret {
			e.refuse(w, http.StatusUnauthorized, "invalid_client", "Invalid client secret provided.")
			return
		}
		e.issue(w, false)
	case f.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
		if e.VerifyAssertion == nil {
			e.refuse(w, http.StatusUnauthorized, "invalid_client", "no federated credential")
			return
		}
		if err := e.VerifyAssertion(f.Get("client_assertion")); err != nil {
			e.refuse(w, http.StatusUnauthorized, "invalid_client", "federated assertion: "+err.Error())
			return
		}
		e.issue(w, false)
	default:
		e.refuse(w, http.StatusBadRequest, "invalid_request", "no client credential")
	}
}

func (e *Entra) managedIdentity(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case e.IdentityHeader == "" || r.Header.Get("X-IDENTITY-HEADER") != e.IdentityHeader:
		e.refuse(w, http.StatusUnauthorized, "unauthorized", "X-IDENTITY-HEADER")
	case q.Get("api-version") != "2019-08-01":
		e.refuse(w, http.StatusBadRequest, "invalid_request", "api-version "+q.Get("api-version"))
	case strings.TrimSuffix(q.Get("resource"), "/") != "499b84ac-1321-427f-aa17-267ca6975798":
		e.refuse(w, http.StatusBadRequest, "invalid_resource", q.Get("resource"))
	default:
		e.issue(w, true)
	}
}

package cloudtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// JFrog fakes the JFrog Platform's OIDC token exchange, POST
// /access/api/v1/oidc/token with a JSON body {grant_type:
// urn:ietf:params:oauth:grant-type:token-exchange, subject_token_type:
// urn:ietf:params:oauth:token-type:id_token, subject_token, provider_name}.
// Mount it on the fake index (same host as the repository).
type JFrog struct {
	// Provider is the OIDC integration's name.
	Provider string
	// User is the user the identity mapping gives the token.
	User string
	// VerifyIDToken judges the subject token; nil refuses all.
	VerifyIDToken func(token string) error
	// OnToken is called with every access token issued. Optional.
	OnToken func(user, token string)

	mu     sync.Mutex
	issued int
	errs   []string
}

// Issued returns how many tokens the fake issued.
func (j *JFrog) Issued() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.issued
}

// Errors returns why each refused request was refused.
func (j *JFrog) Errors() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.errs...)
}

func (j *JFrog) refuse(w http.ResponseWriter, status int, msg string) {
	j.mu.Lock()
	j.errs = append(j.errs, msg)
	j.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"code": "UNAUTHORIZED", "message": msg}}})
}

// ServeHTTP implements http.Handler.
func (j *JFrog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/access/api/v1/oidc/token" {
		j.refuse(w, http.StatusNotFound, "no such endpoint")
		return
	}
	var v map[string]string
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&v); err != nil {
		j.refuse(w, http.StatusBadRequest, "body is not a JSON object of strings")
		return
	}
	switch {
	case v["grant_type"] != "urn:ietf:params:oauth:grant-type:token-exchange":
		j.refuse(w, http.StatusBadRequest, "grant_type "+v["grant_type"])
	case v["subject_token_type"] != "urn:ietf:params:oauth:token-type:id_token":
		j.refuse(w, http.StatusBadRequest, "subject_token_type "+v["subject_token_type"])
	case v["provider_name"] != j.Provider:
		j.refuse(w, http.StatusUnauthorized, "OIDC provider not found: "+v["provider_name"])
	case j.VerifyIDToken == nil:
		j.refuse(w, http.StatusUnauthorized, "no identity mapping")
	default:
		if err := j.VerifyIDToken(v["subject_token"]); err != nil {
			j.refuse(w, http.StatusUnauthorized, "token verification failed: "+err.Error())
			return
		}
		enc := base64.RawURLEncoding.EncodeToString
		h, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": "fake"})
		p, _ := json.Marshal(map[string]any{"sub": "jfac@01fake/users/" + j.User, "scp": "applied-permissions/user",
			"aud": "*@*", "iss": "jfac@01fake", "exp": time.Now().Add(time.Hour).Unix(), "jti": randomHex(8)})
		tok := enc(h) + "." + enc(p) + "." + enc([]byte(randomHex(32)))
		j.mu.Lock()
		j.issued++
		j.mu.Unlock()
		if j.OnToken != nil {
			j.OnToken(j.User, tok)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600,
			"scope": "applied-permissions/user", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token", "username": j.User})
	}
}

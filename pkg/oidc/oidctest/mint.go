package oidctest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Publisher is a trusted publisher configured on a MintServer: the claims
// an ID token must carry to be exchanged. Empty fields are not checked,
// except as noted.
//
// For GitHub (Issuer == GitHubIssuerURL), the checks mirror PyPI's:
// repository (case-insensitive, required), repository_owner_id,
// job_workflow_ref == "<repository>/.github/workflows/<Workflow>@<ref or
// sha>" (Workflow required), environment (case-insensitive) when set, and
// event_name must not be pull_request_target. For other issuers, Subject
// and Email are compared exactly.
type Publisher struct {
	Issuer            string // iss; "" = GitHubIssuerURL
	Repository        string // "owner/name"
	RepositoryOwnerID string
	Workflow          string // workflow file name, e.g. "release.yml"
	Environment       string
	Subject           string // non-GitHub issuers
	Email             string // Google
	Projects          []string
	// Pending marks a pending publisher (one that may create its project).
	// With ProjectExists the server answers invalid-pending-publisher.
	Pending       bool
	ProjectExists bool
}

// MintServer is a PyPI-like trusted publishing endpoint. It serves
//
//	GET  /_/oidc/audience    -> {"audience": Audience}, or 403 when Disabled
//	POST /_/oidc/mint-token  -> {"success":true,"token":"pypi-...","expires":N}
//
// and refuses mints with 422 {"message":"Token request failed","errors":
// [{"code","description"}]} using PyPI's codes and checks, in PyPI's order:
// payload, issuer, enabled, signature and aud/exp/nbf/iat, pending
// publisher, publisher, single-use jti. A jti is consumed only by a mint
// that passes the publisher check.
//
// Set the exported fields before serving; the server's own state (used
// jti values, minted tokens) is safe for concurrent use.
type MintServer struct {
	// Audience is the required aud and the /_/oidc/audience answer.
	// Default (empty): "pypi".
	Audience string
	// Issuers maps each trusted iss to the keys that verify its tokens.
	Issuers map[string]jose.JSONWebKeySet
	// Publishers are the trusted publishers.
	Publishers []Publisher
	// Disabled turns trusted publishing off: the audience endpoint answers
	// 403 and mints fail with not-enabled.
	Disabled bool
	// NotEnabled lists issuers whose mints fail with not-enabled.
	NotEnabled []string
	// OnMint is called with every minted token and its expiry, before the
	// answer is sent, so a fake index can accept it. Default: none.
	OnMint func(token string, expires time.Time)
	// Now is the server's clock. Default: time.Now.
	Now func() time.Time
	// Lifetime of minted tokens. Default: 900 s, as PyPI.
	Lifetime time.Duration
	// Leeway for exp, nbf and iat. Default: 0.
	Leeway time.Duration
	// Location is the macaroon location in minted tokens. Default: "pypi.org".
	Location string

	mu     sync.Mutex
	used   map[string]bool
	minted map[string]time.Time
	mints  int
}

var _ http.Handler = (*MintServer)(nil)

// NewMintServer returns a MintServer for audience that trusts each
// issuer's URL and keys, with publishers configured.
func NewMintServer(audience string, issuers []*Issuer, publishers ...Publisher) *MintServer {
	s := &MintServer{Audience: audience, Issuers: map[string]jose.JSONWebKeySet{}, Publishers: publishers}
	for _, i := range issuers {
		s.Issuers[i.URL()] = i.JWKS()
	}
	return s
}

// Mints returns how many tokens the server has minted.
func (s *MintServer) Mints() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mints
}

// Accepts reports whether token was minted by this server and has not
// expired: what a fake index's upload endpoint should check.
func (s *MintServer) Accepts(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.minted[token]
	return ok && s.now().Before(exp)
}

func (s *MintServer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *MintServer) audience() string {
	if s.Audience == "" {
		return "pypi"
	}
	return s.Audience
}

// ServeHTTP implements http.Handler.
func (s *MintServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_/oidc/audience":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
			return
		}
		if s.Disabled {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Trusted publishing functionality not enabled"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"audience": s.audience()})
	case "/_/oidc/mint-token", "/_/oidc/github/mint-token":
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
			return
		}
		s.mint(w, r)
	default:
		http.NotFound(w, r)
	}
}

type refusal struct{ code, description string }

func (s *MintServer) refuse(w http.ResponseWriter, errs ...refusal) {
	list := make([]map[string]string, len(errs))
	for i, e := range errs {
		list[i] = map[string]string{"code": e.code, "description": e.description}
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Token request failed", "errors": list})
}

type signedClaims struct {
	Iss               string           `json:"iss"`
	Sub               string           `json:"sub"`
	Aud               jwt.Audience     `json:"aud"`
	Exp               *jwt.NumericDate `json:"exp"`
	Nbf               *jwt.NumericDate `json:"nbf"`
	Iat               *jwt.NumericDate `json:"iat"`
	JTI               string           `json:"jti"`
	Repository        string           `json:"repository"`
	RepositoryOwnerID json.RawMessage  `json:"repository_owner_id"`
	JobWorkflowRef    string           `json:"job_workflow_ref"`
	Ref               string           `json:"ref"`
	SHA               string           `json:"sha"`
	Environment       string           `json:"environment"`
	EventName         string           `json:"event_name"`
	Email             string           `json:"email"`
}

func (s *MintServer) mint(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.refuse(w, refusal{"invalid-payload", "could not read request body"})
		return
	}
	var payload map[string]json.RawMessage
	var raw string
	if json.Unmarshal(body, &payload) != nil || payload["token"] == nil || json.Unmarshal(payload["token"], &raw) != nil {
		s.refuse(w, refusal{"invalid-payload", "1 validation error for TokenPayload: token: Input should be a valid string"})
		return
	}

	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	var unverified signedClaims
	if err == nil {
		err = tok.UnsafeClaimsWithoutVerification(&unverified)
	}
	if err != nil || unverified.Iss == "" {
		s.refuse(w, refusal{"invalid-payload", "malformed JWT"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	keys, trusted := s.Issuers[unverified.Iss]
	if !trusted {
		s.refuse(w, refusal{"invalid-payload", "unknown trusted publishing issuer"})
		return
	}
	if s.Disabled || contains(s.NotEnabled, unverified.Iss) {
		s.refuse(w, refusal{"not-enabled", issuerName(unverified.Iss) + " trusted publishing functionality not enabled"})
		return
	}
	claims, ok := s.verify(tok, keys)
	if !ok {
		s.refuse(w, refusal{"invalid-token", "malformed or invalid token"})
		return
	}

	var pendingOK bool
	for _, p := range s.Publishers {
		if !p.Pending {
			continue
		}
		if p.matches(claims) == nil {
			if p.ProjectExists {
				s.refuse(w, refusal{"invalid-pending-publisher", "valid token, but project already exists"})
				return
			}
			pendingOK = true
			break
		}
	}
	if !pendingOK {
		if reason := s.findPublisher(claims); reason != "" {
			s.refuse(w, refusal{"invalid-publisher", "valid token, but no corresponding publisher (" + reason + ")"})
			return
		}
	}

	if claims.JTI != "" {
		if s.used[claims.JTI] {
			s.refuse(w, refusal{"invalid-reuse-token", "invalid token: already used"})
			return
		}
		if s.used == nil {
			s.used = map[string]bool{}
		}
		s.used[claims.JTI] = true
	}

	lifetime := s.Lifetime
	if lifetime == 0 {
		lifetime = 900 * time.Second
	}
	notBefore := s.now()
	expires := notBefore.Add(lifetime)
	minted := s.macaroon(notBefore, expires)
	if s.minted == nil {
		s.minted = map[string]time.Time{}
	}
	s.minted[minted] = expires
	s.mints++
	if s.OnMint != nil {
		s.OnMint(minted, expires)
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "token": minted, "expires": expires.Unix()})
}

// verify checks the signature with the issuer's keys (by kid, else every
// key), then aud (exactly one, equal to the audience), exp, nbf, iat.
func (s *MintServer) verify(tok *jwt.JSONWebToken, keys jose.JSONWebKeySet) (signedClaims, bool) {
	var c signedClaims
	candidates := keys.Keys
	if len(tok.Headers) > 0 && tok.Headers[0].KeyID != "" {
		candidates = keys.Key(tok.Headers[0].KeyID)
	}
	verified := false
	for _, k := range candidates {
		if tok.Claims(k.Key, &c) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return c, false
	}
	now := s.now()
	if len(c.Aud) != 1 || c.Aud[0] != s.audience() {
		return c, false
	}
	if c.Exp == nil || c.Iat == nil || !now.Before(c.Exp.Time().Add(s.Leeway)) {
		return c, false
	}
	if c.Nbf != nil && now.Add(s.Leeway).Before(c.Nbf.Time()) {
		return c, false
	}
	if now.Add(s.Leeway).Before(c.Iat.Time()) {
		return c, false
	}
	return c, true
}

// findPublisher returns "" when a non-pending publisher matches, else the
// reason the closest one did not.
func (s *MintServer) findPublisher(c signedClaims) string {
	reason := "Publisher with matching claims was not found"
	for _, p := range s.Publishers {
		if p.Pending || p.issuer() != c.Iss {
			continue
		}
		err := p.matches(c)
		if err == nil {
			return ""
		}
		if p.Repository == "" || strings.EqualFold(p.Repository, c.Repository) {
			reason = err.Error()
		}
	}
	return reason
}

func (p Publisher) issuer() string {
	if p.Issuer == "" {
		return GitHubIssuerURL
	}
	return p.Issuer
}

func (p Publisher) matches(c signedClaims) error {
	if p.issuer() != c.Iss {
		return fmt.Errorf("issuer %q does not match", c.Iss)
	}
	if p.issuer() == GitHubIssuerURL {
		if c.EventName == "pull_request_target" {
			return fmt.Errorf("Publishing from a workflow invoked via 'pull_request_target' is not supported.")
		}
		if c.Repository == "" || !strings.EqualFold(c.Repository, p.Repository) {
			return fmt.Errorf("Check failed for required claim 'repository'")
		}
		if p.RepositoryOwnerID != "" && rawString(c.RepositoryOwnerID) != p.RepositoryOwnerID {
			return fmt.Errorf("Check failed for required claim 'repository_owner_id'")
		}
		if c.JobWorkflowRef == "" {
			return fmt.Errorf("The job_workflow_ref claim is empty")
		}
		if c.Ref == "" && c.SHA == "" {
			return fmt.Errorf("The ref and sha claims are empty")
		}
		want := p.Repository + "/.github/workflows/" + p.Workflow
		if c.JobWorkflowRef != want+"@"+c.Ref && (c.SHA == "" || c.JobWorkflowRef != want+"@"+c.SHA) {
			return fmt.Errorf("The job_workflow_ref claim does not match, expecting %s@<ref or sha>, got %s", want, c.JobWorkflowRef)
		}
		if p.Environment != "" && !strings.EqualFold(p.Environment, c.Environment) {
			return fmt.Errorf("Check failed for optional claim 'environment'")
		}
		return nil
	}
	if p.Subject != "" && p.Subject != c.Sub {
		return fmt.Errorf("Check failed for required claim 'sub'")
	}
	if p.Email != "" && p.Email != c.Email {
		return fmt.Errorf("Check failed for required claim 'email'")
	}
	return nil
}

func rawString(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return string(m)
}

func issuerName(iss string) string {
	switch iss {
	case GitHubIssuerURL:
		return "GitHub"
	case GitLabIssuerURL:
		return "GitLab"
	case GoogleIssuerURL:
		return "Google"
	}
	return iss
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// macaroon builds a token shaped like a PyPI API token: "pypi-" + base64url
// (no padding) of a V2 binary macaroon with location, a random identifier,
// an expiry caveat [0, exp, nbf] and a random 32-byte signature. It is not
// verifiable; a fake index recognises it through OnMint or Accepts.
func (s *MintServer) macaroon(nbf, exp time.Time) string {
	loc := s.Location
	if loc == "" {
		loc = "pypi.org"
	}
	var b []byte
	packet := func(typ int, data []byte) {
		b = binary.AppendUvarint(b, uint64(typ))
		b = binary.AppendUvarint(b, uint64(len(data)))
		b = append(b, data...)
	}
	const eos = 0
	b = append(b, 2)                 // version
	packet(1, []byte(loc))           // location
	packet(2, []byte(randomHex(16))) // identifier
	b = append(b, eos)               // end of header
	caveat, _ := json.Marshal([]int64{0, exp.Unix(), nbf.Unix()})
	packet(2, caveat)
	b = append(b, eos) // end of caveat
	b = append(b, eos) // end of caveats
	sig := make([]byte, 32)
	if _, err := rand.Read(sig); err != nil {
		panic("oidctest: crypto/rand failed: " + err.Error())
	}
	packet(6, sig)
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b)
}

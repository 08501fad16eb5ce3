package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// Paths the Server answers, as Fulcio and Rekor do.
const (
	FulcioPath = "/api/v2/signingCert"
	RekorPath  = "/api/v1/log/entries"
)

// Server is the instance on the network, for a signer to reach as its
// Fulcio and its Rekor (one URL serves both). The certificate authority
// accepts only ID tokens signed by the issuers it was given, with audience
// attest.SigstoreAudience, and certifies the identity Fulcio gives their
// claims: a GitHub Actions job's workflow, a GitLab pipeline's CI file, or
// a verified email. The log takes dsse entries and answers as Rekor v1.
type Server struct {
	s       *Instance
	issuers []*oidctest.Issuer

	mu       sync.Mutex
	certs    int
	entries  int
	idTokens []string
	refuse   string
}

// Server returns the instance's network face, trusting issuers' tokens.
func (s *Instance) Server(issuers ...*oidctest.Issuer) *Server {
	return &Server{s: s, issuers: issuers}
}

// Refuse makes the certificate authority answer every request with 400 and
// msg ("" restores it).
func (v *Server) Refuse(msg string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.refuse = msg
}

// Certificates returns how many certificates the Server has issued.
func (v *Server) Certificates() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.certs
}

// Entries returns how many entries the Server has logged.
func (v *Server) Entries() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.entries
}

// IDTokens returns the ID tokens the certificate authority received.
func (v *Server) IDTokens() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.idTokens...)
}

// ServeHTTP serves FulcioPath and RekorPath.
func (v *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == FulcioPath:
		v.serveCertificate(w, r)
	case r.Method == http.MethodPost && r.URL.Path == RekorPath:
		v.serveEntry(w, r)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func fail(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]any{"code": status, "message": fmt.Sprintf(format, args...)})
}

// serveCertificate answers Fulcio's v2 signingCert: a verified bearer ID
// token, a public key and a proof of possession (the key's signature over
// the token's subject, or its email) give a certificate chain.
func (v *Server) serveCertificate(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	refuse := v.refuse
	v.mu.Unlock()
	if refuse != "" {
		fail(w, http.StatusBadRequest, "%s", refuse)
		return
	}
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		fail(w, http.StatusUnauthorized, "missing bearer ID token")
		return
	}
	v.mu.Lock()
	v.idTokens = append(v.idTokens, raw)
	v.mu.Unlock()
	id, subject, err := v.identity(raw)
	if err != nil {
		fail(w, http.StatusUnauthorized, "error processing the identity token: %v", err)
		return
	}
	var req struct {
		PublicKeyRequest struct {
			PublicKey struct {
				Content string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession string `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "malformed request: %v", err)
		return
	}
	block, _ := pem.Decode([]byte(req.PublicKeyRequest.PublicKey.Content))
	if block == nil {
		fail(w, http.StatusBadRequest, "the public key is not PEM")
		return
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		fail(w, http.StatusBadRequest, "public key: %v", err)
		return
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		fail(w, http.StatusBadRequest, "the fake certifies ECDSA keys only")
		return
	}
	sig, err := base64.StdEncoding.DecodeString(req.PublicKeyRequest.ProofOfPossession)
	digest := sha256.Sum256([]byte(subject))
	if err != nil || !ecdsa.VerifyASN1(ec, digest[:], sig) {
		fail(w, http.StatusBadRequest, "the signature supplied in the request could not be verified")
		return
	}
	cert, err := v.s.certificate(id, ec, time.Now().Truncate(time.Second))
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	v.mu.Lock()
	v.certs++
	v.mu.Unlock()
	chain := []string{pemOf(cert), pemOf(v.s.interCert), pemOf(v.s.rootCert)}
	writeJSON(w, http.StatusOK, map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}},
	})
}

func pemOf(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// identity verifies raw against the issuers' keys, its audience and
// expiry, and returns the identity Fulcio certifies for its claims and the
// subject the proof of possession signs.
func (v *Server) identity(raw string) (Identity, string, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		return Identity{}, "", errors.New("not a signed JWT")
	}
	var std jwt.Claims
	var claims map[string]any
	verified := false
	for _, is := range v.issuers {
		keys := is.JWKS()
		if tok.Claims(&keys, &std, &claims) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return Identity{}, "", errors.New("the token is not signed by a trusted issuer")
	}
	if err := std.ValidateWithLeeway(jwt.Expected{AnyAudience: jwt.Audience{attest.SigstoreAudience}, Time: time.Now()}, time.Minute); err != nil {
		return Identity{}, "", fmt.Errorf("invalid token: %v", err)
	}
	str := func(k string) string { s, _ := claims[k].(string); return s }
	switch std.Issuer {
	case attest.GitHubIssuer:
		if str("job_workflow_ref") == "" || str("repository") == "" {
			return Identity{}, "", errors.New("a GitHub token without job_workflow_ref or repository")
		}
		return Identity{
			SAN:                    "https://github.com/" + str("job_workflow_ref"),
			Issuer:                 std.Issuer,
			SourceRepositoryURI:    "https://github.com/" + str("repository"),
			SourceRepositoryDigest: str("sha"),
			SourceRepositoryRef:    str("ref"),
			BuildConfigURI:         "https://github.com/" + str("workflow_ref"),
		}, std.Subject, nil
	case attest.GitLabIssuer:
		cfg, project := str("ci_config_ref_uri"), str("project_path")
		if cfg == "" || project == "" {
			return Identity{}, "", errors.New("a GitLab token without ci_config_ref_uri or project_path")
		}
		_, ref, _ := strings.Cut(cfg, "@")
		return Identity{
			SAN:                    "https://" + cfg,
			Issuer:                 std.Issuer,
			SourceRepositoryURI:    std.Issuer + "/" + project,
			SourceRepositoryDigest: str("sha"),
			SourceRepositoryRef:    ref,
			BuildConfigURI:         "https://" + cfg,
		}, std.Subject, nil
	}
	email := str("email")
	if email == "" || claims["email_verified"] != true {
		return Identity{}, "", fmt.Errorf("issuer %q: a token needs a verified email", std.Issuer)
	}
	return Email(email, std.Issuer), email, nil
}

// serveEntry logs a proposed dsse entry and answers as Rekor v1 does: the
// entry under its UUID with its body, time, index, log ID, signed entry
// timestamp and inclusion proof.
func (v *Server) serveEntry(w http.ResponseWriter, r *http.Request) {
	var pe struct {
		Kind string `json:"kind"`
		Spec struct {
			ProposedContent struct {
				Envelope  string   `json:"envelope"`
				Verifiers [][]byte `json:"verifiers"`
			} `json:"proposedContent"`
		} `json:"spec"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&pe); err != nil {
		fail(w, http.StatusBadRequest, "malformed entry: %v", err)
		return
	}
	if pe.Kind != "dsse" || len(pe.Spec.ProposedContent.Verifiers) != 1 {
		fail(w, http.StatusBadRequest, "the fake logs dsse entries with one verifier only")
		return
	}
	var env struct {
		Payload     []byte `json:"payload"`
		PayloadType string `json:"payloadType"`
		Signatures  []struct {
			Sig []byte `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal([]byte(pe.Spec.ProposedContent.Envelope), &env); err != nil || len(env.Signatures) != 1 {
		fail(w, http.StatusBadRequest, "the envelope is not a DSSE envelope with one signature")
		return
	}
	block, _ := pem.Decode(pe.Spec.ProposedContent.Verifiers[0])
	if block == nil {
		fail(w, http.StatusBadRequest, "the verifier is not a PEM certificate")
		return
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		fail(w, http.StatusBadRequest, "verifier: %v", err)
		return
	}
	ec, ok := cert.PublicKey.(*ecdsa.PublicKey)
	digest := sha256.Sum256(pae(env.PayloadType, env.Payload))
	if !ok || !ecdsa.VerifyASN1(ec, digest[:], env.Signatures[0].Sig) {
		fail(w, http.StatusBadRequest, "the envelope's signature does not verify with the certificate")
		return
	}
	tle, err := v.s.logDSSE(env.Payload, env.Signatures[0].Sig, cert, time.Now().Truncate(time.Second))
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	v.mu.Lock()
	v.entries++
	v.mu.Unlock()
	proof := tle.GetInclusionProof()
	hashes := []string{}
	for _, h := range proof.GetHashes() {
		hashes = append(hashes, hex.EncodeToString(h))
	}
	uuid := hex.EncodeToString(proof.GetRootHash())
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", RekorPath+"/"+uuid)
	writeJSON(w, http.StatusCreated, map[string]any{uuid: map[string]any{
		"body":           base64.StdEncoding.EncodeToString(tle.GetCanonicalizedBody()),
		"integratedTime": tle.GetIntegratedTime(),
		"logID":          hex.EncodeToString(tle.GetLogId().GetKeyId()),
		"logIndex":       tle.GetLogIndex(),
		"verification": map[string]any{
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(tle.GetInclusionPromise().GetSignedEntryTimestamp()),
			"inclusionProof": map[string]any{
				"checkpoint": proof.GetCheckpoint().GetEnvelope(),
				"hashes":     hashes,
				"logIndex":   proof.GetLogIndex(),
				"rootHash":   uuid,
				"treeSize":   proof.GetTreeSize(),
			},
		},
	}})
}

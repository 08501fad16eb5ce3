// Package attesttest is a fake Sigstore for tests: a certificate authority
// that speaks Fulcio's v2 signing-certificate API and a transparency log
// that speaks Rekor's v1 entry API, with the trusted root that verifies
// what they issue. The certificate authority accepts only ID tokens
// signed by the oidctest issuers it is given, with audience "sigstore",
// and writes the identity into the certificate the way Fulcio does for
// GitHub Actions, GitLab CI/CD and Google service accounts, so a verifier
// can match a signer to a trusted publisher.
package attesttest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/go-openapi/runtime"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	_ "github.com/sigstore/rekor/pkg/types/dsse/v0.0.1" // the entry kind signers send
	"github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// Audience is the only audience the fake certificate authority accepts.
const Audience = "sigstore"

// Paths the fake serves, as Fulcio and Rekor do.
const (
	FulcioPath = "/api/v2/signingCert"
	RekorPath  = "/api/v1/log/entries"
)

// Fulcio's certificate extensions that carry the signer's identity.
var (
	oidIssuerV1            = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2            = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidBuildSignerURI      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 9}
	oidRunnerEnvironment   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	oidSourceRepositoryURI = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceRepositoryRef = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidSourceRepoOwnerURI  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 16}
	oidBuildConfigURI      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 18}
	oidSANExtension        = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// Sigstore is the fake. Its zero value is not usable: call New. It is safe
// for concurrent use.
type Sigstore struct {
	issuers []*oidctest.Issuer
	now     func() time.Time

	caRoot  *x509.Certificate
	caInter *x509.Certificate
	caKey   *ecdsa.PrivateKey
	logKey  *ecdsa.PrivateKey
	logID   []byte
	start   time.Time

	mu       sync.Mutex
	certs    int
	entries  int
	idTokens []string
	refuse   string
}

// Option configures New.
type Option func(*Sigstore)

// WithClock sets the fake's clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Sigstore) { s.now = now } }

// New returns a fake Sigstore that trusts ID tokens signed by issuers.
func New(issuers []*oidctest.Issuer, opts ...Option) (*Sigstore, error) {
	s := &Sigstore{issuers: issuers, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.start = s.now().Add(-time.Hour)
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pyup test sigstore root", Organization: []string{"pyup test"}},
		NotBefore:             s.start,
		NotAfter:              s.start.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if s.caRoot, err = createCert(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey); err != nil {
		return nil, err
	}
	if s.caKey, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
		return nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{CommonName: "pyup test sigstore intermediate", Organization: []string{"pyup test"}},
		NotBefore:             s.start,
		NotAfter:              s.start.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	if s.caInter, err = createCert(interTmpl, s.caRoot, &s.caKey.PublicKey, rootKey); err != nil {
		return nil, err
	}
	if s.logKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&s.logKey.PublicKey)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	s.logID = id[:]
	return s, nil
}

func createCert(tmpl, parent *x509.Certificate, pub any, key crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// TrustedRoot returns the trusted material that verifies what the fake
// issues: its certificate authority and its log. It lists no certificate
// transparency log: the fake's certificates carry no SCT.
func (s *Sigstore) TrustedRoot() *root.TrustedRoot {
	ca := &root.FulcioCertificateAuthority{
		Root:                s.caRoot,
		Intermediates:       []*x509.Certificate{s.caInter},
		ValidityPeriodStart: s.start,
		URI:                 "https://fulcio.test.invalid",
	}
	logs := map[string]*root.TransparencyLog{
		hex.EncodeToString(s.logID): {
			BaseURL:             "https://rekor.test.invalid",
			ID:                  s.logID,
			ValidityPeriodStart: s.start,
			HashFunc:            crypto.SHA256,
			PublicKey:           &s.logKey.PublicKey,
			SignatureHashFunc:   crypto.SHA256,
		},
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, []root.CertificateAuthority{ca}, nil, nil, logs)
	if err != nil {
		panic(err) // only a wrong media type fails, and it is a constant
	}
	return tr
}

// TrustedRootJSON returns TrustedRoot in the trusted_root.json format.
func (s *Sigstore) TrustedRootJSON() ([]byte, error) { return s.TrustedRoot().MarshalJSON() }

// Refuse makes the certificate authority answer every request with 400 and
// msg ("" restores it).
func (s *Sigstore) Refuse(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = msg
}

// Certificates returns how many certificates the fake has issued.
func (s *Sigstore) Certificates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certs
}

// Entries returns how many entries the log holds.
func (s *Sigstore) Entries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entries
}

// IDTokens returns the ID tokens the certificate authority has received,
// for leak tests.
func (s *Sigstore) IDTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.idTokens...)
}

// ServeHTTP serves FulcioPath and RekorPath.
func (s *Sigstore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == FulcioPath:
		s.serveCertificate(w, r)
	case r.Method == http.MethodPost && r.URL.Path == RekorPath:
		s.serveEntry(w, r)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]any{"code": status, "message": fmt.Sprintf(format, args...)})
}

// certRequest is Fulcio's v2 request body.
type certRequest struct {
	PublicKeyRequest struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession string `json:"proofOfPossession"`
	} `json:"publicKeyRequest"`
}

// identity is what a verified ID token says about its bearer.
type identity struct {
	issuer   string
	email    string // an email SAN (Google)
	uri      string // a URI SAN (CI workflows)
	subject  string // what the proof of possession signs
	extra    []pkix.Extension
	expected string
}

func (s *Sigstore) serveCertificate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse != "" {
		fail(w, http.StatusBadRequest, "%s", refuse)
		return
	}
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		fail(w, http.StatusUnauthorized, "missing bearer ID token")
		return
	}
	s.mu.Lock()
	s.idTokens = append(s.idTokens, raw)
	s.mu.Unlock()
	id, err := s.verifyToken(raw)
	if err != nil {
		fail(w, http.StatusUnauthorized, "error processing the identity token: %v", err)
		return
	}
	var req certRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "malformed request: %v", err)
		return
	}
	block, _ := pem.Decode([]byte(req.PublicKeyRequest.PublicKey.Content))
	if block == nil {
		fail(w, http.StatusBadRequest, "public key is not PEM")
		return
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		fail(w, http.StatusBadRequest, "public key: %v", err)
		return
	}
	ecPub, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		fail(w, http.StatusBadRequest, "the fake accepts ECDSA keys only")
		return
	}
	sig, err := base64.StdEncoding.DecodeString(req.PublicKeyRequest.ProofOfPossession)
	if err != nil {
		fail(w, http.StatusBadRequest, "proof of possession is not base64")
		return
	}
	digest := sha256.Sum256([]byte(id.subject))
	if !ecdsa.VerifyASN1(ecPub, digest[:], sig) {
		fail(w, http.StatusBadRequest, "the signature supplied in the request could not be verified")
		return
	}
	now := s.now()
	tmpl := &x509.Certificate{
		SerialNumber:    randomSerial(),
		NotBefore:       now.Add(-time.Minute),
		NotAfter:        now.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: id.extra,
	}
	if id.email != "" {
		tmpl.EmailAddresses = []string{id.email}
	} else {
		u, err := url.Parse(id.uri)
		if err != nil {
			fail(w, http.StatusBadRequest, "identity URI: %v", err)
			return
		}
		tmpl.URIs = []*url.URL{u}
	}
	cert, err := createCert(tmpl, s.caInter, ecPub, s.caKey)
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	s.mu.Lock()
	s.certs++
	s.mu.Unlock()
	chain := []string{pemCert(cert), pemCert(s.caInter), pemCert(s.caRoot)}
	writeJSON(w, http.StatusOK, map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}},
	})
}

func pemCert(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n
}

func derString(s string) []byte {
	b, err := asn1.MarshalWithParams(s, "utf8")
	if err != nil {
		panic(err)
	}
	return b
}

// verifyToken checks raw's signature against the issuers' keys, its
// audience and expiry, and maps its claims to a certificate identity.
func (s *Sigstore) verifyToken(raw string) (*identity, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		return nil, errors.New("not a signed JWT")
	}
	var claims map[string]any
	var std jwt.Claims
	verified := false
	for _, is := range s.issuers {
		keys := is.JWKS()
		if err := tok.Claims(&keys, &std, &claims); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, errors.New("the token is not signed by a trusted issuer")
	}
	if err := std.ValidateWithLeeway(jwt.Expected{AnyAudience: jwt.Audience{Audience}, Time: s.now()}, time.Minute); err != nil {
		return nil, fmt.Errorf("invalid token: %v", err)
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	id := &identity{issuer: std.Issuer, subject: std.Subject}
	switch std.Issuer {
	case oidctest.GitHubIssuerURL:
		ref := str("job_workflow_ref")
		repo := str("repository")
		if ref == "" || repo == "" {
			return nil, errors.New("GitHub token without job_workflow_ref or repository")
		}
		id.uri = "https://github.com/" + ref
		repoURL := "https://github.com/" + repo
		id.extra = []pkix.Extension{
			{Id: oidBuildSignerURI, Value: derString(id.uri)},
			{Id: oidRunnerEnvironment, Value: derString("github-hosted")},
			{Id: oidSourceRepositoryURI, Value: derString(repoURL)},
			{Id: oidSourceRepositoryRef, Value: derString(str("ref"))},
			{Id: oidSourceRepoOwnerURI, Value: derString("https://github.com/" + str("repository_owner"))},
			{Id: oidBuildConfigURI, Value: derString("https://github.com/" + str("workflow_ref"))},
		}
	case oidctest.GitLabIssuerURL:
		cfg := str("ci_config_ref_uri")
		project := str("project_path")
		if cfg == "" || project == "" {
			return nil, errors.New("GitLab token without ci_config_ref_uri or project_path")
		}
		id.uri = "https://" + cfg
		id.extra = []pkix.Extension{
			{Id: oidBuildSignerURI, Value: derString(id.uri)},
			{Id: oidSourceRepositoryURI, Value: derString(std.Issuer + "/" + project)},
			{Id: oidBuildConfigURI, Value: derString(id.uri)},
		}
	default:
		email := str("email")
		if email == "" || claims["email_verified"] != true {
			return nil, fmt.Errorf("issuer %q: a token needs a verified email", std.Issuer)
		}
		id.email = email
		id.subject = email
	}
	id.extra = append([]pkix.Extension{
		{Id: oidIssuerV1, Value: []byte(std.Issuer)},
		{Id: oidIssuerV2, Value: derString(std.Issuer)},
	}, id.extra...)
	return id, nil
}

// serveEntry records a proposed entry and answers as Rekor v1 does: the
// canonical entry, its time and index, a signed entry timestamp, and an
// inclusion proof in a signed checkpoint. Each entry is the single leaf
// of its own tree, as in a log whose every shard holds one entry.
func (s *Sigstore) serveEntry(w http.ResponseWriter, r *http.Request) {
	pe, err := models.UnmarshalProposedEntry(io.LimitReader(r.Body, 1<<20), runtime.JSONConsumer())
	if err != nil {
		fail(w, http.StatusBadRequest, "malformed entry: %v", err)
		return
	}
	entry, err := types.CreateVersionedEntry(pe)
	if err != nil {
		fail(w, http.StatusBadRequest, "invalid entry: %v", err)
		return
	}
	ctx := r.Context()
	body, err := types.CanonicalizeEntry(ctx, entry)
	if err != nil {
		fail(w, http.StatusBadRequest, "invalid entry: %v", err)
		return
	}
	s.mu.Lock()
	index := int64(s.entries)
	s.entries++
	s.mu.Unlock()
	integrated := s.now().Unix()
	logID := hex.EncodeToString(s.logID)
	b64 := base64.StdEncoding.EncodeToString(body)

	set, err := s.signSET(b64, integrated, index, logID)
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	leaf := sha256.Sum256(append([]byte{0}, body...))
	signer, err := signature.LoadECDSASignerVerifier(s.logKey, crypto.SHA256)
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	checkpoint, err := util.CreateAndSignCheckpoint(context.WithoutCancel(ctx), "rekor.test.invalid", 1, 1, leaf[:], signer)
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	uuid := hex.EncodeToString(leaf[:])
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", RekorPath+"/"+uuid)
	writeJSON(w, http.StatusCreated, map[string]any{uuid: map[string]any{
		"body":           b64,
		"integratedTime": integrated,
		"logID":          logID,
		"logIndex":       index,
		"verification": map[string]any{
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(set),
			"inclusionProof": map[string]any{
				"checkpoint": string(checkpoint),
				"hashes":     []string{},
				"logIndex":   0,
				"rootHash":   hex.EncodeToString(leaf[:]),
				"treeSize":   1,
			},
		},
	}})
}

// signSET signs the canonical JSON of an entry's body, time, index and log
// ID, as Rekor's signed entry timestamp is.
func (s *Sigstore) signSET(body string, integrated, index int64, logID string) ([]byte, error) {
	payload, err := json.Marshal(map[string]any{
		"body": body, "integratedTime": integrated, "logIndex": index, "logID": logID,
	})
	if err != nil {
		return nil, err
	}
	canon, err := jsoncanonicalizer.Transform(payload)
	if err != nil {
		return nil, err
	}
	signer, err := signature.LoadECDSASignerVerifier(s.logKey, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	return signer.SignMessage(bytes.NewReader(canon))
}

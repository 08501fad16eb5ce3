package attest

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/sign"

	"github.com/pyup-dev/pyup/pkg/escape"
)

// Sigstore's public-good instance, which PyPI trusts.
const (
	DefaultFulcioURL = "https://fulcio.sigstore.dev"
	DefaultRekorURL  = "https://rekor.sigstore.dev"
)

// SigstoreAudience is the audience of the ID token a signer presents to
// Fulcio.
const SigstoreAudience = "sigstore"

// IDTokenSource returns a fresh OIDC ID token with audience
// SigstoreAudience, such as the ambient one of a CI job. Its error must
// not contain the token.
type IDTokenSource func(ctx context.Context) (string, error)

// SignError is a failure to sign; Step says which part of Sigstore's flow
// failed ("statement", "identity", "certificate", "transparency log",
// "signature", or "verification" with WithVerifyAfterSigning).
type SignError struct {
	Step string
	Err  error
}

func (e *SignError) Error() string { return "signing: " + e.Step + ": " + e.Err.Error() }
func (e *SignError) Unwrap() error { return e.Err }

// Signer signs publish attestations keylessly: an ephemeral key, a
// short-lived certificate from Fulcio for the ID token's identity, and an
// entry in Rekor for each signature. One key and one certificate serve
// every file signed while the certificate is valid, as one CI job has one
// identity; a certificate close to expiry is replaced before use. A Signer
// is safe for concurrent use: files sign in parallel once the certificate
// is in hand.
type Signer struct {
	cfg signerConfig

	mu      sync.Mutex
	keypair *sign.EphemeralKeypair
	cert    *x509.Certificate
}

type signerConfig struct {
	fulcioURL string
	rekorURL  string
	transport http.RoundTripper
	onIDToken func(string)
	now       func() time.Time
	trusted   root.TrustedMaterial
	timeout   time.Duration
	tokens    IDTokenSource
}

// SignerOption configures NewSigner.
type SignerOption func(*signerConfig)

// WithFulcioURL sets the certificate authority's base URL (default
// DefaultFulcioURL).
func WithFulcioURL(u string) SignerOption { return func(c *signerConfig) { c.fulcioURL = u } }

// WithRekorURL sets the transparency log's base URL (default
// DefaultRekorURL).
func WithRekorURL(u string) SignerOption { return func(c *signerConfig) { c.rekorURL = u } }

// WithTransport sets the HTTP transport of requests to the certificate
// authority (default http.DefaultTransport).
func WithTransport(rt http.RoundTripper) SignerOption {
	return func(c *signerConfig) { c.transport = rt }
}

// WithOnIDToken calls f with every ID token before it is sent, so that a
// caller can keep it out of its output.
func WithOnIDToken(f func(idToken string)) SignerOption {
	return func(c *signerConfig) { c.onIDToken = f }
}

// WithSignClock sets the signer's clock (default time.Now).
func WithSignClock(now func() time.Time) SignerOption { return func(c *signerConfig) { c.now = now } }

// WithVerifyAfterSigning makes Sign verify every attestation it makes
// against tm (as Verify does, for the file and the certificate's own
// identity) before returning it: a check that the Sigstore instance signed
// with is one tm trusts, and that what is uploaded will verify.
func WithVerifyAfterSigning(tm root.TrustedMaterial) SignerOption {
	return func(c *signerConfig) { c.trusted = tm }
}

// WithRequestTimeout bounds each request to Sigstore (default 30 s).
func WithRequestTimeout(d time.Duration) SignerOption {
	return func(c *signerConfig) { c.timeout = d }
}

// NewSigner returns a signer that gets its identity from tokens.
func NewSigner(tokens IDTokenSource, opts ...SignerOption) *Signer {
	c := signerConfig{
		fulcioURL: DefaultFulcioURL,
		rekorURL:  DefaultRekorURL,
		now:       time.Now,
		timeout:   30 * time.Second,
		tokens:    tokens,
	}
	for _, o := range opts {
		o(&c)
	}
	return &Signer{cfg: c}
}

// CheckServiceURL refuses a Sigstore URL that is not https, but for a
// loopback host (a local test instance).
func CheckServiceURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s URL %q is not an absolute URL", what, escape.Text(raw))
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if u.Scheme == "http" && (host == "localhost" || host == "127.0.0.1" || host == "::1") {
		return nil
	}
	return fmt.Errorf("%s URL %s: the ID token would travel in clear: use https", what, escape.Text(raw))
}

// maxErrorText bounds how much of a Sigstore service's error (which may
// quote its whole answer) goes into pyup's one-line message.
const maxErrorText = 300

// excerpt makes a service's error one printable line of at most
// maxErrorText characters.
func excerpt(s string) string {
	s = escape.Text(s)
	if r := []rune(s); len(r) > maxErrorText {
		s = string(r[:maxErrorText]) + "..."
	}
	return s
}

// renewBefore is how long before its expiry a certificate is replaced:
// long enough for one signature and its log entry.
const renewBefore = 2 * time.Minute

// certificate returns the key and certificate to sign with, getting a new
// pair from Fulcio when there is none or the one held is about to expire.
func (s *Signer) certificate(ctx context.Context) (*sign.EphemeralKeypair, *x509.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cert != nil && s.cfg.now().Add(renewBefore).Before(s.cert.NotAfter) {
		return s.keypair, s.cert, nil
	}
	if err := CheckServiceURL("Fulcio", s.cfg.fulcioURL); err != nil {
		return nil, nil, &SignError{Step: "certificate", Err: err}
	}
	if s.cfg.tokens == nil {
		return nil, nil, &SignError{Step: "identity", Err: errors.New("no ID token source")}
	}
	tok, err := s.cfg.tokens(ctx)
	if err != nil {
		return nil, nil, &SignError{Step: "identity", Err: err}
	}
	if s.cfg.onIDToken != nil {
		s.cfg.onIDToken(tok)
	}
	kp, err := sign.NewEphemeralKeypair(nil)
	if err != nil {
		return nil, nil, &SignError{Step: "certificate", Err: err}
	}
	fulcio := sign.NewFulcio(&sign.FulcioOptions{
		BaseURL:   strings.TrimRight(s.cfg.fulcioURL, "/"),
		Timeout:   s.cfg.timeout,
		Retries:   1,
		Transport: s.cfg.transport,
	})
	der, err := fulcio.GetCertificate(ctx, kp, &sign.CertificateProviderOptions{IDToken: tok})
	if err != nil {
		return nil, nil, &SignError{Step: "certificate", Err: fmt.Errorf("%s: %s", s.cfg.fulcioURL, excerpt(err.Error()))}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, &SignError{Step: "certificate", Err: fmt.Errorf("%s answered with a certificate that does not parse: %v", s.cfg.fulcioURL, err)}
	}
	s.keypair, s.cert = kp, cert
	return kp, cert, nil
}

// Certificate returns the signing certificate in use, or nil before the
// first signature.
func (s *Signer) Certificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cert
}

// staticCert hands sign.Bundle the certificate already obtained.
type staticCert []byte

func (c staticCert) GetCertificate(context.Context, sign.Keypair, *sign.CertificateProviderOptions) ([]byte, error) {
	return c, nil
}

// signBundle signs statement (an in-toto Statement) in a DSSE envelope and
// logs the signature, returning the Sigstore bundle.
func (s *Signer) signBundle(ctx context.Context, statement []byte) (*protobundle.Bundle, error) {
	kp, cert, err := s.certificate(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckServiceURL("Rekor", s.cfg.rekorURL); err != nil {
		return nil, &SignError{Step: "transparency log", Err: err}
	}
	opts := sign.BundleOptions{
		Context:             ctx,
		CertificateProvider: staticCert(cert.Raw),
		TransparencyLogs: []sign.Transparency{sign.NewRekor(&sign.RekorOptions{
			BaseURL: strings.TrimRight(s.cfg.rekorURL, "/"),
			Timeout: s.cfg.timeout,
			Retries: 1,
		})},
	}
	b, err := sign.Bundle(&sign.DSSEData{Data: statement, PayloadType: PayloadType}, kp, opts)
	if err != nil {
		return nil, &SignError{Step: "transparency log", Err: fmt.Errorf("%s: %s", s.cfg.rekorURL, excerpt(err.Error()))}
	}
	return b, nil
}

// Sign signs the publish attestation of the distribution file named
// filename whose sha256 is sha256Hex, and returns it in PyPI's format.
func (s *Signer) Sign(ctx context.Context, filename, sha256Hex string) (*Attestation, error) {
	sum, err := hex.DecodeString(sha256Hex)
	if err != nil || len(sum) != 32 {
		return nil, &SignError{Step: "statement", Err: fmt.Errorf("%q is not a sha256 in hex", sha256Hex)}
	}
	stmt, err := Statement(filename, sum)
	if err != nil {
		return nil, &SignError{Step: "statement", Err: err}
	}
	pb, err := s.signBundle(ctx, stmt)
	if err != nil {
		return nil, err
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return nil, &SignError{Step: "signature", Err: err}
	}
	doc, err := FromBundle(b)
	if err != nil {
		return nil, &SignError{Step: "signature", Err: err}
	}
	if s.cfg.trusted != nil {
		cert, err := x509.ParseCertificate(doc.VerificationMaterial.Certificate)
		if err != nil {
			return nil, &SignError{Step: "verification", Err: err}
		}
		san, issuer := CertificateIdentity(cert)
		policy, err := IdentityPolicy(san, issuer)
		if err != nil {
			return nil, &SignError{Step: "verification", Err: err}
		}
		if _, err := Verify(ctx, doc, Subject{Name: filename, SHA256: sum}, policy, WithTrustedMaterial(s.cfg.trusted)); err != nil {
			return nil, &SignError{Step: "verification", Err: err}
		}
	}
	raw, err := doc.Encode()
	if err != nil {
		return nil, &SignError{Step: "signature", Err: err}
	}
	return &Attestation{raw: raw}, nil
}

// CertificateIdentity returns a signing certificate's subject (its URI or
// email SAN) and the OIDC issuer Fulcio recorded in it.
func CertificateIdentity(c *x509.Certificate) (subject, issuer string) {
	s, err := certificate.SummarizeCertificate(c)
	if err != nil {
		return "", ""
	}
	return s.SubjectAlternativeName, s.Issuer
}

// Attests reports whether the attestation is a publish attestation whose
// one subject is the file filename with sha256 sha256Hex. It checks the
// statement only, not the signature: it tells whether an attestation file
// belongs to a distribution, not whether it can be trusted (Verify does).
func (a *Attestation) Attests(filename, sha256Hex string) (bool, error) {
	d, err := a.Document()
	if err != nil {
		return false, err
	}
	st, err := parseStatement(d.Envelope.Statement)
	if err != nil {
		return false, fmt.Errorf("%s: %w", filepath.Base(a.File), err)
	}
	if st.PredicateType != PublishPredicate || len(st.Subject) != 1 {
		return false, nil
	}
	want, err := parseDistFilename(filename)
	if err != nil {
		return false, err
	}
	got, err := parseDistFilename(st.Subject[0].Name)
	if err != nil {
		return false, nil
	}
	return got.equal(want) && strings.EqualFold(st.Subject[0].Digest["sha256"], sha256Hex), nil
}

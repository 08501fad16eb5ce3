package attest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// Check names one of the things verification checks; a
// *VerificationError says which failed.
type Check string

// The checks, in the order Verify makes them.
const (
	// CheckFormat: the attestation could not be turned into a Sigstore
	// bundle (an unparsable certificate or transparency entry).
	CheckFormat Check = "attestation format"
	// CheckCertificate: the signing certificate does not chain to the
	// trusted root's certificate authority, was not valid when the
	// signature was logged, or lacks the certificate transparency
	// timestamp the root requires.
	CheckCertificate Check = "certificate"
	// CheckSignature: the DSSE signature does not verify with the
	// certificate's key over the statement.
	CheckSignature Check = "signature"
	// CheckTransparencyLog: the transparency log entry is not for this
	// signature, or its inclusion proof, checkpoint or signed entry
	// timestamp do not verify against a log of the trusted root.
	CheckTransparencyLog Check = "transparency log"
	// CheckTimestamp: an RFC 3161 signed timestamp of the signature does not
	// verify against a timestamp authority of the trusted root.
	CheckTimestamp Check = "timestamp"
	// CheckIdentity: the certificate's identity is not the expected one.
	CheckIdentity Check = "identity"
	// CheckStatement: the statement is not an in-toto v1 Statement with
	// exactly one subject.
	CheckStatement Check = "statement"
	// CheckPredicateType: the statement's predicate type is not an
	// accepted one.
	CheckPredicateType Check = "predicate type"
	// CheckSubjectName: the subject names another file.
	CheckSubjectName Check = "subject name"
	// CheckSubjectDigest: the subject's sha256 is not the file's.
	CheckSubjectDigest Check = "subject digest"
)

// ErrVerification is matched (errors.Is) by every *VerificationError.
var ErrVerification = errors.New("attestation verification failed")

// VerificationError is why an attestation did not verify: which check
// failed and what was expected and found.
type VerificationError struct {
	Check Check
	// Msg says what failed, in words: "expected X, got Y".
	Msg string
	// Err is the underlying error, if any (from sigstore-go).
	Err error
}

func (e *VerificationError) Error() string {
	s := string(e.Check) + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *VerificationError) Unwrap() error { return e.Err }

// Is matches ErrVerification.
func (e *VerificationError) Is(target error) bool { return target == ErrVerification }

func failed(c Check, err error, format string, args ...any) *VerificationError {
	return &VerificationError{Check: c, Msg: fmt.Sprintf(format, args...), Err: err}
}

// Subject is the file an attestation is verified for: its name and its
// SHA-256.
type Subject struct {
	// Name is the file's base name, a wheel or sdist file name.
	Name string
	// SHA256 is the digest of the file's content (32 bytes).
	SHA256 []byte
}

// SubjectOf hashes the distribution file at path (a regular file; a named
// pipe or device is refused without being opened). ctx can abandon the
// hashing of a large file.
func SubjectOf(ctx context.Context, path string) (Subject, error) {
	f, err := dist.OpenFile(path)
	if err != nil {
		return Subject{}, err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return Subject{}, context.Cause(ctx)
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return Subject{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	return Subject{Name: filepath.Base(path), SHA256: h.Sum(nil)}, nil
}

// Result is what a verified attestation says.
type Result struct {
	// Identity is the signing certificate's subject alternative name: a
	// workflow URI or an email address.
	Identity string
	// Issuer is the OIDC issuer that vouched for Identity.
	Issuer string
	// PredicateType is the statement's predicate type.
	PredicateType string
	// Certificate holds the certificate's Fulcio claims (source
	// repository, ref, digest, build config, ...).
	Certificate certificate.Summary
	// Timestamps are the verified times the signature was observed at
	// (the log's integrated time, signed timestamps).
	Timestamps []time.Time
}

// VerifyOption configures Verify.
type VerifyOption func(*verifySettings)

type verifySettings struct {
	trusted    root.TrustedMaterial
	predicates []string
}

// WithTrustedMaterial verifies against tm instead of Sigstore's public-good
// instance (the default, PublicGood). Signed certificate timestamps are
// required when tm lists certificate transparency logs.
func WithTrustedMaterial(tm root.TrustedMaterial) VerifyOption {
	return func(s *verifySettings) { s.trusted = tm }
}

// WithPredicateTypes sets the predicate types accepted; the default is
// PublishPredicate only.
func WithPredicateTypes(types ...string) VerifyOption {
	return func(s *verifySettings) { s.predicates = types }
}

// Verify checks that the attestation d was signed, through Sigstore, by an
// identity policy accepts, for the file subject. In order:
//
//   - the certificate chains to a certificate authority of the trusted root;
//   - the DSSE signature over the statement verifies with its key;
//   - the first transparency log entry is for this signature and
//     certificate, and its inclusion proof (and signed entry timestamp or
//     checkpoint) verifies against a log of the trusted root; its time (or
//     a signed timestamp) falls within the certificate's validity;
//   - every RFC 3161 timestamp the attestation carries verifies against a
//     timestamp authority of the trusted root (sigstore-go alone would
//     ignore a bad one when the log's time suffices);
//   - a certificate transparency timestamp (SCT) is present when the root
//     lists CT logs;
//   - the certificate's identity satisfies policy;
//   - the statement is an in-toto v1 Statement with exactly one subject,
//     whose name is subject.Name (as a distribution file name: compared
//     after normalizing the project name and version, as PyPI does) and
//     whose sha256 is subject.SHA256; its predicate type is accepted.
//
// It does not touch the network. Every failure is a *VerificationError
// naming the check.
func Verify(ctx context.Context, d *Document, subject Subject, policy Policy, opts ...VerifyOption) (*Result, error) {
	s := verifySettings{predicates: []string{PublishPredicate}}
	for _, o := range opts {
		o(&s)
	}
	if policy == nil {
		return nil, errors.New("attest.Verify: no policy: say whose signature is expected")
	}
	if s.trusted == nil {
		tr, err := PublicGood()
		if err != nil {
			return nil, err
		}
		s.trusted = tr
	}
	want, err := parseDistFilename(subject.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}

	leaf, err := x509.ParseCertificate(d.VerificationMaterial.Certificate)
	if err != nil {
		return nil, failed(CheckCertificate, err, "not a DER X.509 certificate")
	}
	b, err := d.Bundle()
	if errors.Is(err, ErrLogEntry) {
		return nil, failed(CheckTransparencyLog, err, "cannot read the log entry")
	}
	if err != nil {
		return nil, failed(CheckFormat, err, "cannot read as a Sigstore bundle")
	}
	tm := s.trusted

	// The chain first, at the certificate's own start of validity: a
	// changed byte anywhere in the certificate is a certificate failure,
	// not a signature failure. The time it was used at is checked below.
	chains, err := verify.VerifyLeafCertificate(leaf.NotBefore, leaf, tm)
	if err != nil {
		return nil, failed(CheckCertificate, err, "does not chain to the trusted root's certificate authority")
	}
	sigContent, err := b.SignatureContent()
	if err != nil {
		return nil, failed(CheckFormat, err, "no signature content")
	}
	vc, err := b.VerificationContent()
	if err != nil {
		return nil, failed(CheckFormat, err, "no verification content")
	}
	if err := verify.VerifySignature(sigContent, vc, tm); err != nil {
		return nil, failed(CheckSignature, err, "the statement's signature does not verify with the certificate's key")
	}
	logTimes, err := verify.VerifyTlogEntry(b, tm, 1, true)
	if err != nil {
		return nil, failed(CheckTransparencyLog, err, "the log entry does not verify")
	}
	if len(d.VerificationMaterial.Timestamps) > 0 {
		// sigstore-go's verifier ignores a timestamp that fails when the
		// log's time is enough; pyup refuses an attestation carrying one.
		_, errs, err := verify.VerifySignedTimestamp(b, tm)
		if err == nil && len(errs) > 0 {
			err = errors.Join(errs...)
		}
		if err != nil {
			return nil, failed(CheckTimestamp, err, "the signed timestamps do not verify")
		}
	}
	if len(tm.CTLogs()) > 0 {
		if err := verify.VerifySignedCertificateTimestamp(chains, 1, tm); err != nil {
			return nil, failed(CheckCertificate, err, "no valid certificate transparency timestamp")
		}
	}
	// Everything again, through sigstore-go's own verifier, which also
	// checks the certificate at the verified times and any signed
	// timestamps: what it refuses that the steps above did not is a
	// certificate validity or timestamp failure.
	vopts := []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1)}
	if len(tm.CTLogs()) > 0 {
		vopts = append(vopts, verify.WithSignedCertificateTimestamps(1))
	}
	v, err := verify.NewVerifier(tm, vopts...)
	if err != nil {
		return nil, err
	}
	vr, err := v.Verify(b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), verify.WithoutIdentitiesUnsafe()))
	if err != nil {
		if len(logTimes) > 0 && (leaf.NotAfter.Before(logTimes[0].Time) || leaf.NotBefore.After(logTimes[0].Time)) {
			return nil, failed(CheckCertificate, err, "not valid at the time the signature was logged (%s)", logTimes[0].Time.UTC().Format(time.RFC3339))
		}
		if len(d.VerificationMaterial.Timestamps) > 0 {
			return nil, failed(CheckTimestamp, err, "the signed timestamps do not verify")
		}
		return nil, failed(CheckTransparencyLog, err, "the log entry's time does not verify")
	}

	summary, err := certificate.SummarizeCertificate(leaf)
	if err != nil {
		return nil, failed(CheckCertificate, err, "unreadable Fulcio claims")
	}
	res := &Result{Identity: summary.SubjectAlternativeName, Issuer: summary.Issuer, Certificate: summary}
	for _, ts := range vr.VerifiedTimestamps {
		res.Timestamps = append(res.Timestamps, ts.Timestamp)
	}
	if err := policy.check(summary); err != nil {
		return nil, err
	}

	st, err := parseStatement(d.Envelope.Statement)
	if err != nil {
		return nil, err
	}
	res.PredicateType = st.PredicateType
	sub := st.Subject[0]
	got, err := parseDistFilename(sub.Name)
	if err != nil {
		return nil, failed(CheckSubjectName, nil, "subject %q is not a distribution file name", sub.Name)
	}
	if !got.equal(want) {
		return nil, failed(CheckSubjectName, nil, "expected %s, got %s", subject.Name, sub.Name)
	}
	wantHex := hex.EncodeToString(subject.SHA256)
	if gotHex, ok := sub.Digest["sha256"]; !ok {
		return nil, failed(CheckSubjectDigest, nil, "the subject has no sha256 digest")
	} else if gotHex != wantHex {
		return nil, failed(CheckSubjectDigest, nil, "expected sha256 %s (the file's), got %s", wantHex, gotHex)
	}
	if !slices.Contains(s.predicates, st.PredicateType) {
		return nil, failed(CheckPredicateType, nil, "expected %s, got %s", strings.Join(s.predicates, " or "), orNone(st.PredicateType))
	}
	return res, nil
}

// inTotoStatement is the part of an in-toto v1 Statement Verify reads.
type inTotoStatement struct {
	Type    string `json:"_type"`
	Subject []struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

func parseStatement(b []byte) (*inTotoStatement, error) {
	var st inTotoStatement
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&st); err != nil {
		return nil, failed(CheckStatement, err, "not an in-toto Statement")
	}
	if st.Type != StatementType {
		return nil, failed(CheckStatement, nil, "expected _type %s, got %s", StatementType, orNone(st.Type))
	}
	if len(st.Subject) != 1 {
		return nil, failed(CheckStatement, nil, "expected exactly one subject, got %d", len(st.Subject))
	}
	if st.Subject[0].Name == "" {
		return nil, failed(CheckStatement, nil, "the subject has no name")
	}
	return &st, nil
}

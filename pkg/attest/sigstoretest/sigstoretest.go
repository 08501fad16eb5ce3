// Package sigstoretest is a Sigstore instance in a box, for tests: a
// certificate authority that issues Fulcio-style signing certificates
// (identity, issuer and the source-repository claims PyPI's publishers
// check) and a Rekor v1-style transparency log that records DSSE entries
// with a signed entry timestamp and a signed checkpoint. Bundles it makes
// verify with sigstore-go against its TrustedRoot, offline; they verify
// against no other root.
//
// It signs in process: no server, no network. The instance lists no
// certificate transparency log, so its certificates carry no SCT and
// verifiers (such as attest.Verify) do not ask for one.
package sigstoretest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/pyup-dev/pyup/pkg/attest"
)

// Origin is the checkpoint origin of the instance's log; its host is
// under .invalid, so nothing can ever be sent there.
const Origin = "rekor.sigstoretest.invalid - 1"

// Instance is one fake Sigstore. Its methods are safe for concurrent use.
type Instance struct {
	rootCert, interCert *x509.Certificate
	interKey            *ecdsa.PrivateKey
	logKey              *ecdsa.PrivateKey
	logID               []byte
	start               time.Time
	trusted             *root.TrustedRoot

	mu    sync.Mutex
	index int64
}

// New creates an instance with fresh keys: a root and an intermediate CA
// valid from a day ago for ten years, and a log key.
func New() (*Instance, error) {
	now := time.Now().Truncate(time.Second)
	s := &Instance{start: now.Add(-24 * time.Hour)}
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if s.interKey, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
		return nil, err
	}
	if s.logKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	end := s.start.AddDate(10, 0, 0)
	caTemplate := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber:          serial(),
			Subject:               pkix.Name{Organization: []string{"sigstoretest.invalid"}, CommonName: cn},
			NotBefore:             s.start,
			NotAfter:              end,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
	}
	rt := caTemplate("sigstoretest-root")
	der, err := x509.CreateCertificate(rand.Reader, rt, rt, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	if s.rootCert, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	it := caTemplate("sigstoretest-intermediate")
	it.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	if der, err = x509.CreateCertificate(rand.Reader, it, s.rootCert, s.interKey.Public(), rootKey); err != nil {
		return nil, err
	}
	if s.interCert, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	pkix, err := x509.MarshalPKIXPublicKey(s.logKey.Public())
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(pkix)
	s.logID = id[:]
	s.trusted, err = root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{&root.FulcioCertificateAuthority{
			Root:                s.rootCert,
			Intermediates:       []*x509.Certificate{s.interCert},
			ValidityPeriodStart: s.start,
			URI:                 "https://fulcio.sigstoretest.invalid",
		}},
		nil, nil,
		map[string]*root.TransparencyLog{hex.EncodeToString(s.logID): {
			BaseURL:             "https://rekor.sigstoretest.invalid",
			ID:                  s.logID,
			ValidityPeriodStart: s.start,
			HashFunc:            crypto.SHA256,
			PublicKey:           s.logKey.Public(),
			SignatureHashFunc:   crypto.SHA256,
		}})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// TrustedRoot returns the instance's trusted root: its CA and its log.
func (s *Instance) TrustedRoot() *root.TrustedRoot { return s.trusted }

// TrustedRootJSON returns the trusted root as a trusted_root.json file
// holds it, for a command's --trusted-root flag.
func (s *Instance) TrustedRootJSON() ([]byte, error) { return s.trusted.MarshalJSON() }

// Identity is what a signing certificate says of its holder.
type Identity struct {
	// SAN is the subject alternative name: a URI (a CI workflow) or an
	// email address.
	SAN string
	// Issuer is the OIDC issuer.
	Issuer string
	// The Fulcio claims PyPI's publisher policies read; empty ones are
	// left out of the certificate.
	SourceRepositoryURI    string
	SourceRepositoryDigest string
	SourceRepositoryRef    string
	BuildConfigURI         string
}

// GitHub is the identity of a GitHub Actions run of workflow (a file name
// in .github/workflows) of repository ("OWNER/REPO") on ref
// ("refs/tags/v1.0"), as Fulcio certifies it.
func GitHub(repository, workflow, ref string) Identity {
	uri := "https://github.com/" + repository + "/.github/workflows/" + workflow + "@" + ref
	return Identity{
		SAN: uri, Issuer: attest.GitHubIssuer,
		SourceRepositoryURI:    "https://github.com/" + repository,
		SourceRepositoryDigest: strings.Repeat("ab", 20),
		SourceRepositoryRef:    ref,
		BuildConfigURI:         uri,
	}
}

// GitLab is the identity of a GitLab CI/CD pipeline of project
// ("GROUP/PROJECT") with CI file ciFile on ref, as Fulcio certifies it.
func GitLab(project, ciFile, ref string) Identity {
	uri := "https://gitlab.com/" + project + "//" + ciFile + "@" + ref
	return Identity{
		SAN: uri, Issuer: attest.GitLabIssuer,
		SourceRepositoryURI:    "https://gitlab.com/" + project,
		SourceRepositoryDigest: strings.Repeat("cd", 20),
		SourceRepositoryRef:    ref,
		BuildConfigURI:         uri,
	}
}

// Email is the identity of a person or service account signing with
// their email address, vouched for by issuer.
func Email(address, issuer string) Identity { return Identity{SAN: address, Issuer: issuer} }

// Fulcio's claim OIDs.
var (
	oidIssuerV1               = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2               = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidSourceRepositoryURI    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceRepositoryDigest = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 13}
	oidSourceRepositoryRef    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidBuildConfigURI         = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 18}
	oidSubjectAltName         = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// certificate issues a ten-minute leaf certificate for pub and id.
func (s *Instance) certificate(id Identity, pub crypto.PublicKey, now time.Time) (*x509.Certificate, error) {
	san, err := sanExtension(id.SAN)
	if err != nil {
		return nil, err
	}
	exts := []pkix.Extension{san, {Id: oidIssuerV1, Value: []byte(id.Issuer)}}
	for _, c := range []struct {
		oid asn1.ObjectIdentifier
		val string
	}{
		{oidIssuerV2, id.Issuer},
		{oidSourceRepositoryURI, id.SourceRepositoryURI},
		{oidSourceRepositoryDigest, id.SourceRepositoryDigest},
		{oidSourceRepositoryRef, id.SourceRepositoryRef},
		{oidBuildConfigURI, id.BuildConfigURI},
	} {
		if c.val == "" {
			continue
		}
		v, err := asn1.MarshalWithParams(c.val, "utf8")
		if err != nil {
			return nil, err
		}
		exts = append(exts, pkix.Extension{Id: c.oid, Value: v})
	}
	t := &x509.Certificate{
		SerialNumber:    serial(),
		NotBefore:       now.Add(-time.Minute),
		NotAfter:        now.Add(10 * time.Minute),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		ExtraExtensions: exts,
	}
	der, err := x509.CreateCertificate(rand.Reader, t, s.interCert, pub, s.interKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// sanExtension is a critical subjectAltName holding one URI or one email
// address, as Fulcio writes it (its subject is empty).
func sanExtension(san string) (pkix.Extension, error) {
	tag := 1 // rfc822Name
	if strings.Contains(san, "://") {
		tag = 6 // uniformResourceIdentifier
	}
	v, err := asn1.Marshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: tag, Bytes: []byte(san)}})
	if err != nil {
		return pkix.Extension{}, err
	}
	return pkix.Extension{Id: oidSubjectAltName, Critical: true, Value: v}, nil
}

// pae is DSSE's pre-authentication encoding.
func pae(payloadType string, payload []byte) []byte {
	return []byte(fmt.Sprintf("DSSEv1 %d %s %d %s", len(payloadType), payloadType, len(payload), payload))
}

// SignStatement signs statement (an in-toto Statement) as id would through
// Sigstore: an ephemeral key, a certificate for it, a DSSE envelope, and a
// log entry with its inclusion proof. It returns the bundle (v0.3).
func (s *Instance) SignStatement(id Identity, statement []byte) (*bundle.Bundle, error) {
	now := time.Now().Truncate(time.Second)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	cert, err := s.certificate(id, key.Public(), now)
	if err != nil {
		return nil, fmt.Errorf("sigstoretest: certificate: %w", err)
	}
	digest := sha256.Sum256(pae(attest.PayloadType, statement))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, err
	}
	entry, err := s.logDSSE(statement, sig, cert, now)
	if err != nil {
		return nil, fmt.Errorf("sigstoretest: log entry: %w", err)
	}
	pb := &protobundle.Bundle{
		MediaType: attest.BundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: cert.Raw},
			},
			TlogEntries: []*protorekor.TransparencyLogEntry{entry},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     statement,
			PayloadType: attest.PayloadType,
			Signatures:  []*protodsse.Signature{{Sig: sig}},
		}},
	}
	return bundle.NewBundle(pb)
}

// Attest returns a publish attestation by id of the file filename with
// content: attest.Statement for it, signed by SignStatement.
func (s *Instance) Attest(id Identity, filename string, content []byte) (*attest.Document, error) {
	sum := sha256.Sum256(content)
	st, err := attest.Statement(filename, sum[:])
	if err != nil {
		return nil, err
	}
	b, err := s.SignStatement(id, st)
	if err != nil {
		return nil, err
	}
	return attest.FromBundle(b)
}

// logDSSE appends a dsse v0.0.1 entry to the log, in a tree of its own
// (size index+1 is not kept: each entry's proof is for a one-leaf tree
// whose checkpoint the log signs), with a signed entry timestamp.
func (s *Instance) logDSSE(payload, sig []byte, cert *x509.Certificate, now time.Time) (*protorekor.TransparencyLogEntry, error) {
	s.mu.Lock()
	index := s.index
	s.index++
	s.mu.Unlock()

	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	env, err := json.Marshal(map[string]any{
		"payload":     base64.StdEncoding.EncodeToString(payload),
		"payloadType": attest.PayloadType,
		"signatures":  []map[string]string{{"sig": base64.StdEncoding.EncodeToString(sig)}},
	})
	if err != nil {
		return nil, err
	}
	envHash := sha256.Sum256(env)
	payloadHash := sha256.Sum256(payload)
	body, err := json.Marshal(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{
			"envelopeHash": map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(envHash[:])},
			"payloadHash":  map[string]string{"algorithm": "sha256", "value": hex.EncodeToString(payloadHash[:])},
			"signatures": []map[string]string{{
				"signature": base64.StdEncoding.EncodeToString(sig),
				"verifier":  base64.StdEncoding.EncodeToString(certPEM),
			}},
		},
	})
	if err != nil {
		return nil, err
	}

	// The signed entry timestamp: the log's signature over the canonical
	// JSON (sorted keys, compact; encoding/json sorts map keys) of what it
	// promises.
	promise, err := json.Marshal(map[string]any{
		"body":           base64.StdEncoding.EncodeToString(body),
		"integratedTime": now.Unix(),
		"logID":          hex.EncodeToString(s.logID),
		"logIndex":       index,
	})
	if err != nil {
		return nil, err
	}
	ph := sha256.Sum256(promise)
	set, err := ecdsa.SignASN1(rand.Reader, s.logKey, ph[:])
	if err != nil {
		return nil, err
	}

	// RFC 6962 leaf hash; in a one-leaf tree it is the root.
	leaf := sha256.Sum256(append([]byte{0}, body...))
	note := fmt.Sprintf("%s\n1\n%s\n", Origin, base64.StdEncoding.EncodeToString(leaf[:]))
	nh := sha256.Sum256([]byte(note))
	noteSig, err := ecdsa.SignASN1(rand.Reader, s.logKey, nh[:])
	if err != nil {
		return nil, err
	}
	keyHint := make([]byte, 4)
	binary.BigEndian.PutUint32(keyHint, binary.BigEndian.Uint32(s.logID[:4]))
	checkpoint := note + "\n\u2014 " + strings.Fields(Origin)[0] + " " +
		base64.StdEncoding.EncodeToString(append(keyHint, noteSig...)) + "\n"

	return &protorekor.TransparencyLogEntry{
		LogIndex:          index,
		LogId:             &protocommon.LogId{KeyId: s.logID},
		KindVersion:       &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"},
		IntegratedTime:    now.Unix(),
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		CanonicalizedBody: body,
		InclusionProof: &protorekor.InclusionProof{
			LogIndex:   0,
			RootHash:   leaf[:],
			TreeSize:   1,
			Checkpoint: &protorekor.Checkpoint{Envelope: checkpoint},
		},
	}, nil
}

// Encode is a shortcut: the attestation's JSON, for writing to a
// .publish.attestation file or an upload form. It panics on error, which
// Encode never returns for a document Attest made.
func Encode(d *attest.Document) []byte {
	b, err := d.Encode()
	if err != nil {
		panic(err)
	}
	return bytes.Clone(b)
}

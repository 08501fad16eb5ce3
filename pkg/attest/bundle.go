package attest

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"google.golang.org/protobuf/encoding/protojson"
)

// BundleMediaType is the media type of the Sigstore bundles Document.Bundle
// builds (bundle format v0.3).
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// ErrConversion is matched by the errors of FromBundle and Document.Bundle:
// the bundle or the document holds something the other form cannot carry,
// or something PyPI refuses.
var ErrConversion = errors.New("cannot convert between attestation and Sigstore bundle")

// ErrLogEntry is matched by the errors of Document.Bundle for a
// transparency entry that is not a Rekor TransparencyLogEntry sigstore-go
// can read (malformed, or of a kind it does not support, such as a Rekor v2
// dsse entry).
var ErrLogEntry = errors.New("invalid or unsupported transparency log entry")

// FromBundle returns the attestation object carrying what a Sigstore bundle
// holds: the leaf certificate (from a v0.3 certificate or the first of a
// v0.1/v0.2 chain), every transparency log entry (protobuf-JSON, compact),
// the RFC 3161 timestamps if any, and the DSSE payload and signature.
// It refuses, with an error matching ErrConversion, what PyPI refuses: a
// bundle without a DSSE envelope (a plain message signature), a payload
// type other than in-toto JSON, other than exactly one signature, a public
// key instead of a certificate, and no transparency log entry.
func FromBundle(b *bundle.Bundle) (*Document, error) {
	fail := func(format string, args ...any) (*Document, error) {
		return nil, fmt.Errorf("%w: %s", ErrConversion, fmt.Sprintf(format, args...))
	}
	if b == nil || b.Bundle == nil {
		return fail("no bundle")
	}
	env := b.GetDsseEnvelope()
	if env == nil {
		return fail("the bundle holds no DSSE envelope (PyPI accepts only DSSE-signed statements)")
	}
	if env.GetPayloadType() != PayloadType {
		return fail("DSSE payload type %q, want %q", env.GetPayloadType(), PayloadType)
	}
	if n := len(env.GetSignatures()); n != 1 {
		return fail("expected exactly one DSSE signature, got %d", n)
	}
	vm := b.GetVerificationMaterial()
	var cert []byte
	switch {
	case vm.GetCertificate() != nil:
		cert = vm.GetCertificate().GetRawBytes()
	case len(vm.GetX509CertificateChain().GetCertificates()) > 0:
		cert = vm.GetX509CertificateChain().GetCertificates()[0].GetRawBytes()
	default:
		return fail("the bundle holds no signing certificate (PyPI accepts only certificate-based signatures)")
	}
	if _, err := x509.ParseCertificate(cert); err != nil {
		return fail("invalid signing certificate: %v", err)
	}
	entries := vm.GetTlogEntries()
	if len(entries) == 0 {
		return fail("the bundle holds no transparency log entry")
	}
	d := &Document{Version: 1}
	d.VerificationMaterial.Certificate = bytes.Clone(cert)
	for i, e := range entries {
		raw, err := protojson.Marshal(e)
		if err != nil {
			return fail("transparency log entry %d: %v", i, err)
		}
		// protojson varies its whitespace on purpose; store it compact.
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return fail("transparency log entry %d: %v", i, err)
		}
		d.VerificationMaterial.TransparencyEntries = append(d.VerificationMaterial.TransparencyEntries, buf.Bytes())
	}
	for _, ts := range vm.GetTimestampVerificationData().GetRfc3161Timestamps() {
		d.VerificationMaterial.Timestamps = append(d.VerificationMaterial.Timestamps, bytes.Clone(ts.GetSignedTimestamp()))
	}
	d.Envelope.Statement = bytes.Clone(env.GetPayload())
	d.Envelope.Signature = bytes.Clone(env.GetSignatures()[0].GetSig())
	return d, nil
}

// Bundle returns the Sigstore bundle (media type BundleMediaType) that the
// attestation stands for, to verify it: a DSSE envelope of PayloadType with
// the statement and the single signature, the leaf certificate, the first
// transparency entry (the one PyPI verifies; others are ignored), and the
// timestamps if any. Errors match ErrConversion and name the field: a
// certificate that is not DER X.509, an entry that is not a Rekor
// TransparencyLogEntry, or a bundle sigstore-go refuses (an entry without
// inclusion proof).
func (d *Document) Bundle() (*bundle.Bundle, error) {
	fail := func(format string, args ...any) (*bundle.Bundle, error) {
		return nil, fmt.Errorf("%w: %s", ErrConversion, fmt.Sprintf(format, args...))
	}
	if d.Version != 1 {
		return fail("version %d, want 1", d.Version)
	}
	if _, err := x509.ParseCertificate(d.VerificationMaterial.Certificate); err != nil {
		return fail("verification_material.certificate: invalid X.509 certificate: %v", err)
	}
	if len(d.VerificationMaterial.TransparencyEntries) == 0 {
		return fail("verification_material.transparency_entries: no entry")
	}
	var entry protorekor.TransparencyLogEntry
	if err := protojson.Unmarshal(d.VerificationMaterial.TransparencyEntries[0], &entry); err != nil {
		return nil, fmt.Errorf("%w: verification_material.transparency_entries[0]: %w: %v", ErrConversion, ErrLogEntry, err)
	}
	if _, err := tlog.ParseTransparencyLogEntry(&entry); err != nil {
		return nil, fmt.Errorf("%w: verification_material.transparency_entries[0]: %w: %v", ErrConversion, ErrLogEntry, err)
	}
	vm := &protobundle.VerificationMaterial{
		Content: &protobundle.VerificationMaterial_Certificate{
			Certificate: &protocommon.X509Certificate{RawBytes: bytes.Clone(d.VerificationMaterial.Certificate)},
		},
		TlogEntries: []*protorekor.TransparencyLogEntry{&entry},
	}
	if len(d.VerificationMaterial.Timestamps) > 0 {
		tsd := &protobundle.TimestampVerificationData{}
		for _, ts := range d.VerificationMaterial.Timestamps {
			tsd.Rfc3161Timestamps = append(tsd.Rfc3161Timestamps, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: bytes.Clone(ts)})
		}
		vm.TimestampVerificationData = tsd
	}
	pb := &protobundle.Bundle{
		MediaType:            BundleMediaType,
		VerificationMaterial: vm,
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     bytes.Clone(d.Envelope.Statement),
			PayloadType: PayloadType,
			Signatures:  []*protodsse.Signature{{Sig: bytes.Clone(d.Envelope.Signature)}},
		}},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		return fail("%v", err)
	}
	return b, nil
}

// DecodeBundleJSON reads a Sigstore bundle in its JSON form (what
// sigstore-python and cosign write as a .sigstore.json file) and returns
// the attestation it stands for (see FromBundle).
func DecodeBundleJSON(b []byte) (*Document, error) {
	var bb bundle.Bundle
	if err := bb.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("%w: not a Sigstore bundle: %v", ErrConversion, err)
	}
	return FromBundle(&bb)
}

package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// PublishPredicate is the predicate type of PyPI's publish attestation, the
// one a trusted publisher signs when it uploads a file.
const PublishPredicate = "https://docs.pypi.org/attestations/publish/v1"

// SLSAProvenancePredicate is the other predicate type PyPI accepts on
// upload (SLSA build provenance v1).
const SLSAProvenancePredicate = "https://slsa.dev/provenance/v1"

// StatementType is the _type of an in-toto v1 Statement.
const StatementType = "https://in-toto.io/Statement/v1"

// PayloadType is the DSSE payload type of an attestation's envelope: the
// statement is in-toto JSON.
const PayloadType = "application/vnd.in-toto+json"

// ErrMalformed is matched by every error Decode returns for input that is
// not an attestation object in PyPI's shape.
var ErrMalformed = errors.New("malformed attestation")

// Document is one PEP 740 attestation object in PyPI's JSON format.
//
// Its JSON form is written by Encode and read by Decode; the binary fields
// are standard base64 with padding there, as PyPI serves them.
type Document struct {
	// Version is the format's version; PyPI knows only 1.
	Version int `json:"version"`
	// VerificationMaterial is what a verifier needs besides the envelope.
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	// Envelope is the signed statement.
	Envelope Envelope `json:"envelope"`
}

// VerificationMaterial is the certificate and transparency log evidence of
// an attestation.
type VerificationMaterial struct {
	// Certificate is the leaf certificate, DER.
	Certificate []byte
	// TransparencyEntries are the Rekor TransparencyLogEntry messages in
	// protobuf-JSON, each kept as is. PyPI requires at least one and
	// verifies the first.
	TransparencyEntries []json.RawMessage
	// Timestamps are optional RFC 3161 signed timestamps (DER) of the
	// signature, present in attestations logged to a Rekor v2 instance,
	// which gives no integrated time. Nil when absent.
	Timestamps [][]byte
}

// Envelope is the DSSE envelope of an attestation, without its payload
// type (always PayloadType) and with its single signature.
type Envelope struct {
	// Statement is the DSSE payload: an in-toto v1 Statement, JSON.
	Statement []byte
	// Signature is the DSSE signature over the payload.
	Signature []byte
}

// wire* mirror the JSON shape with pointers, so that Decode can tell a
// missing field from an empty one.
type wireDocument struct {
	Version              *int          `json:"version"`
	VerificationMaterial *wireMaterial `json:"verification_material"`
	Envelope             *wireEnvelope `json:"envelope"`
}

type wireMaterial struct {
	Certificate         *string           `json:"certificate"`
	TransparencyEntries []json.RawMessage `json:"transparency_entries"`
	Timestamps          []string          `json:"timestamps"`
}

type wireEnvelope struct {
	Statement *string `json:"statement"`
	Signature *string `json:"signature"`
}

// Decode parses one attestation object. It is strict: the object must have
// exactly PyPI's fields (version 1; verification_material with certificate,
// at least one transparency entry, each a JSON object, and optionally
// timestamps; envelope with statement and signature), every binary field
// must be standard, padded base64 with no line breaks, and nothing may
// follow the object. Errors match ErrMalformed and name the field.
func Decode(b []byte) (*Document, error) {
	fail := func(format string, args ...any) (*Document, error) {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w wireDocument
	if err := dec.Decode(&w); err != nil {
		return fail("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail("data after the attestation object")
	}
	if w.Version == nil {
		return fail(`no "version"`)
	}
	if *w.Version != 1 {
		return fail("version %d, want 1", *w.Version)
	}
	vm, env := w.VerificationMaterial, w.Envelope
	if vm == nil {
		return fail(`no "verification_material"`)
	}
	if env == nil {
		return fail(`no "envelope"`)
	}
	d := &Document{Version: 1}
	var err error
	if d.VerificationMaterial.Certificate, err = decodeB64("verification_material.certificate", vm.Certificate); err != nil {
		return fail("%v", err)
	}
	if len(vm.TransparencyEntries) == 0 {
		return fail("verification_material.transparency_entries: at least one entry is required")
	}
	for i, e := range vm.TransparencyEntries {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(e, &obj); err != nil || obj == nil {
			return fail("verification_material.transparency_entries[%d]: not a JSON object", i)
		}
	}
	d.VerificationMaterial.TransparencyEntries = vm.TransparencyEntries
	for i, s := range vm.Timestamps {
		ts, err := decodeB64(fmt.Sprintf("verification_material.timestamps[%d]", i), &s)
		if err != nil {
			return fail("%v", err)
		}
		d.VerificationMaterial.Timestamps = append(d.VerificationMaterial.Timestamps, ts)
	}
	if d.Envelope.Statement, err = decodeB64("envelope.statement", env.Statement); err != nil {
		return fail("%v", err)
	}
	if d.Envelope.Signature, err = decodeB64("envelope.signature", env.Signature); err != nil {
		return fail("%v", err)
	}
	return d, nil
}

func decodeB64(field string, s *string) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("no %q", field)
	}
	// StdEncoding skips '\r' and '\n'; PyPI's encoder never writes them.
	if strings.ContainsAny(*s, "\r\n") {
		return nil, fmt.Errorf("%s: line breaks in base64", field)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(*s)
	if err != nil {
		return nil, fmt.Errorf("%s: not standard base64: %v", field, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: empty", field)
	}
	return b, nil
}

// Encode returns the document's JSON as PyPI's tooling writes it: compact,
// fields in the order version, verification_material (certificate,
// transparency_entries, timestamps when present), envelope (statement,
// signature), standard padded base64, each transparency entry compacted
// with its keys in their order. No newline follows.
func (d *Document) Encode() ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"version":%d,"verification_material":{"certificate":"`, d.Version)
	buf.WriteString(base64.StdEncoding.EncodeToString(d.VerificationMaterial.Certificate))
	buf.WriteString(`","transparency_entries":[`)
	for i, e := range d.VerificationMaterial.TransparencyEntries {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := json.Compact(&buf, e); err != nil {
			return nil, fmt.Errorf("transparency entry %d: %w", i, err)
		}
	}
	buf.WriteByte(']')
	if len(d.VerificationMaterial.Timestamps) > 0 {
		buf.WriteString(`,"timestamps":[`)
		for i, ts := range d.VerificationMaterial.Timestamps {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('"')
			buf.WriteString(base64.StdEncoding.EncodeToString(ts))
			buf.WriteByte('"')
		}
		buf.WriteByte(']')
	}
	buf.WriteString(`},"envelope":{"statement":"`)
	buf.WriteString(base64.StdEncoding.EncodeToString(d.Envelope.Statement))
	buf.WriteString(`","signature":"`)
	buf.WriteString(base64.StdEncoding.EncodeToString(d.Envelope.Signature))
	buf.WriteString(`"}}`)
	return buf.Bytes(), nil
}

// MarshalJSON is Encode, so that a Document inside other JSON (a provenance
// object, an upload's form value) has the same form.
func (d *Document) MarshalJSON() ([]byte, error) { return d.Encode() }

// UnmarshalJSON is Decode.
func (d *Document) UnmarshalJSON(b []byte) error {
	doc, err := Decode(b)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// Document decodes the attestation as read (see Decode).
func (a *Attestation) Document() (*Document, error) {
	d, err := Decode(a.raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(a.File), err)
	}
	return d, nil
}

// Statement returns the in-toto v1 Statement pyup signs for the
// distribution file named filename (a base name) whose SHA-256 is sha256:
// one subject {name, digest {sha256: lowercase hex}}, predicate type
// PublishPredicate and a null predicate, compact, keys in the order
// _type, subject, predicateType, predicate, as PyPI's own publishing
// action writes it. filename must be a valid wheel or sdist name.
func Statement(filename string, sha256 []byte) ([]byte, error) {
	if err := checkDistFilename(filename); err != nil {
		return nil, err
	}
	if len(sha256) != 32 {
		return nil, fmt.Errorf("sha256 digest of %d bytes, want 32", len(sha256))
	}
	name, err := marshalNoHTML(filename)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"_type":"` + StatementType + `","subject":[{"name":`)
	buf.Write(name)
	buf.WriteString(`,"digest":{"sha256":"` + hex.EncodeToString(sha256) + `"}}],`)
	buf.WriteString(`"predicateType":"` + PublishPredicate + `","predicate":null}`)
	return buf.Bytes(), nil
}

func marshalNoHTML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkDistFilename accepts the names PyPI's attestation tooling accepts:
// a wheel name, or an sdist name ending in .tar.gz or .zip.
func checkDistFilename(name string) error {
	_, err := parseDistFilename(name)
	return err
}

// distName is a distribution file name reduced to what identifies the
// file for an attestation subject, as PyPI's attestation tooling compares
// them: the normalized project name, the version (compared as PEP 440
// versions, so 1.0 equals 1.0.0) and, for a wheel, the build tag (its
// number and its rest) and the set of tags. Two names equal in these name
// the same file ("Foo.Bar-1.0.tar.gz" and "foo_bar-1.0.tar.gz").
type distName struct {
	wheel     bool
	project   string
	version   dist.Version
	buildNum  string
	buildRest string
	tags      string
}

func (a distName) equal(b distName) bool {
	return a.wheel == b.wheel && a.project == b.project && dist.CompareVersions(a.version, b.version) == 0 &&
		a.buildNum == b.buildNum && a.buildRest == b.buildRest && a.tags == b.tags
}

func parseDistFilename(name string) (distName, error) {
	switch {
	case strings.HasSuffix(name, ".whl"):
		w, err := dist.ParseWheelFilename(name)
		if err != nil {
			return distName{}, err
		}
		v, err := dist.ParseVersion(w.Version)
		if err != nil {
			return distName{}, err
		}
		var tags []string
		for _, py := range w.PythonTags {
			for _, abi := range w.ABITags {
				for _, plat := range w.PlatformTags {
					tags = append(tags, strings.ToLower(py+"-"+abi+"-"+plat))
				}
			}
		}
		slices.Sort(tags)
		tags = slices.Compact(tags)
		n := strings.IndexFunc(w.BuildTag, func(r rune) bool { return r < '0' || r > '9' })
		if n < 0 {
			n = len(w.BuildTag)
		}
		num := strings.TrimLeft(w.BuildTag[:n], "0")
		return distName{wheel: true, project: dist.NormalizeName(w.Distribution), version: v,
			buildNum: num, buildRest: w.BuildTag[n:], tags: strings.Join(tags, ",")}, nil
	case strings.HasSuffix(name, ".tar.gz"), strings.HasSuffix(name, ".zip"):
		s, err := dist.ParseSdistFilename(name)
		if err != nil {
			return distName{}, err
		}
		v, err := dist.ParseVersion(s.Version)
		if err != nil {
			return distName{}, err
		}
		return distName{project: dist.NormalizeName(s.Distribution), version: v}, nil
	}
	return distName{}, fmt.Errorf("%w: %q: not a wheel (.whl) or sdist (.tar.gz, .zip) file name", dist.ErrInvalidFilename, name)
}

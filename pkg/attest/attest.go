// Package attest reads and verifies (and will sign) PEP 740 attestations:
// the provenance PyPI shows next to a file. An attestation of a
// distribution lives beside it as <dist>.publish.attestation, one JSON
// object in PyPI's format (version, verification_material, envelope); the
// upload sends the attestations of a file as a JSON array in the form field
// "attestations".
//
// Document is the attestation in PyPI's JSON format (Decode, Encode), and
// converts to and from a Sigstore bundle (Bundle, FromBundle). Verify checks
// one offline against a trusted root (PublicGood, built in, by default) and
// a Policy saying who must have signed; FetchReleaseFiles and
// FetchProvenance read what an index publishes.
//
// The package has no command-line concerns: pyup's upload and verify
// commands call it, and so can any other program.
package attest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// Suffix is what a publish attestation's file name adds to its
// distribution's.
const Suffix = ".publish.attestation"

// MaxSize bounds an attestation file (PyPI's own bundles are a few KiB).
const MaxSize = 1 << 20

// ErrNotFound is matched by the error Load returns when a distribution has
// no attestation file beside it.
var ErrNotFound = errors.New("no attestation file")

// Path returns the attestation file of the distribution at distPath.
func Path(distPath string) string { return distPath + Suffix }

// Attestation is one attestation object as read from disk, kept byte for
// byte: pyup sends what was signed, never a re-encoding of it.
type Attestation struct {
	// File is the path it was read from.
	File string
	raw  json.RawMessage
}

// Bytes returns the attestation's JSON as read.
func (a *Attestation) Bytes() []byte { return a.raw }

// Load reads the attestation of the distribution at distPath
// (Path(distPath)) and checks that it is a JSON object with PyPI's three
// top-level fields. A missing file is an error matching ErrNotFound; a
// special file (a named pipe would block), a file over MaxSize and anything
// that is not such an object are errors naming the file.
func Load(distPath string) (*Attestation, error) {
	a, err := LoadFile(Path(distPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w %s", filepath.Base(distPath), ErrNotFound, filepath.Base(Path(distPath)))
	}
	return a, err
}

// LoadFile reads the attestation file at p, whatever its name, with Load's
// checks; errors name the file. A missing file is an error matching
// fs.ErrNotExist.
func LoadFile(p string) (*Attestation, error) {
	b, err := dist.ReadFile(p, MaxSize)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("%s: not a JSON attestation object: %v", filepath.Base(p), err)
	}
	for _, k := range []string{"version", "verification_material", "envelope"} {
		if _, ok := obj[k]; !ok {
			return nil, fmt.Errorf("%s: attestation has no %q field", filepath.Base(p), k)
		}
	}
	return &Attestation{File: p, raw: json.RawMessage(b)}, nil
}

// FormValue returns the upload form's "attestations" value for atts: a JSON
// array holding each attestation as read.
func FormValue(atts ...*Attestation) ([]byte, error) {
	raws := make([]json.RawMessage, len(atts))
	for i, a := range atts {
		raws[i] = a.raw
	}
	return json.Marshal(raws)
}

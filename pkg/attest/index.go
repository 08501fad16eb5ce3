package attest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// IntegrityMediaType is the media type of PyPI's integrity API answers.
const IntegrityMediaType = "application/vnd.pypi.integrity.v1+json"

// Bounds on what an index may send: a provenance object holds a few
// attestations of about 10 KiB; a release's JSON lists its files and its
// project's metadata (a long description included).
const (
	MaxProvenanceSize = 4 << 20
	MaxReleaseSize    = 32 << 20
)

// ErrIndexNotFound is matched by the errors of FetchProvenance and
// FetchReleaseFiles when the index answers 404: no such release, or no
// provenance for the file.
var ErrIndexNotFound = errors.New("not found on the index")

// IndexError is an answer of the index that is not the one asked for: a
// status other than 200, or a body that is not the expected JSON.
type IndexError struct {
	// URL is the request's URL, without userinfo.
	URL string
	// StatusCode is the HTTP status (200 when the body was the problem).
	StatusCode int
	// Msg says what was wrong.
	Msg string
	// Err is the underlying error, if any.
	Err error
}

func (e *IndexError) Error() string {
	s := "GET " + e.URL + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *IndexError) Unwrap() error { return e.Err }

// Provenance is the integrity API's answer for one file: PEP 740's
// provenance object.
type Provenance struct {
	// Version is 1.
	Version int `json:"version"`
	// AttestationBundles group the file's attestations by the publisher
	// that uploaded them.
	AttestationBundles []AttestationBundle `json:"attestation_bundles"`
}

// AttestationBundle is the attestations one trusted publisher uploaded
// with a file.
type AttestationBundle struct {
	// Publisher is the trusted publisher the index recorded.
	Publisher Publisher `json:"publisher"`
	// Attestations are decoded strictly (see Decode).
	Attestations []*Document `json:"attestations"`
}

// DecodeProvenance parses a provenance object. It must be version 1 with
// at least one bundle, each with a publisher kind and at least one
// attestation.
func DecodeProvenance(b []byte) (*Provenance, error) {
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("not a provenance object: %w", err)
	}
	if p.Version != 1 {
		return nil, fmt.Errorf("provenance version %d, want 1", p.Version)
	}
	if len(p.AttestationBundles) == 0 {
		return nil, errors.New("provenance holds no attestation bundle")
	}
	for i, ab := range p.AttestationBundles {
		if ab.Publisher.Kind == "" {
			return nil, fmt.Errorf("attestation bundle %d has no publisher kind", i)
		}
		if len(ab.Attestations) == 0 {
			return nil, fmt.Errorf("attestation bundle %d holds no attestation", i)
		}
		for j, d := range ab.Attestations {
			if d == nil {
				return nil, fmt.Errorf("attestation bundle %d: attestation %d is null", i, j)
			}
		}
	}
	return &p, nil
}

// ReleaseFile is one file of a release as the index lists it.
type ReleaseFile struct {
	// Filename is the file's name.
	Filename string
	// SHA256 is the digest the index publishes for it.
	SHA256 []byte
}

// redact drops userinfo from a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// get fetches rawURL with accept, reading at most limit bytes of a 200
// answer. It sends no credentials: only Accept is set, and the URL must not
// carry userinfo.
func get(ctx context.Context, client *http.Client, rawURL, accept string, limit int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s: URL carries credentials; pyup sends none when verifying", redact(rawURL))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("GET %s: %w", redact(rawURL), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &IndexError{URL: redact(rawURL), StatusCode: resp.StatusCode, Msg: "404 Not Found", Err: ErrIndexNotFound}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &IndexError{URL: redact(rawURL), StatusCode: resp.StatusCode, Msg: resp.Status}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("GET %s: reading the answer: %w", redact(rawURL), err)
	}
	if int64(len(b)) > limit {
		return nil, &IndexError{URL: redact(rawURL), StatusCode: resp.StatusCode, Msg: fmt.Sprintf("answer larger than %d bytes", limit)}
	}
	return b, nil
}

// FetchProvenance gets the provenance of one file from the integrity API
// URL (pypi.Index.IntegrityURL) with client, asking for IntegrityMediaType.
// The answer is bounded by MaxProvenanceSize; a 404 is an *IndexError
// matching ErrIndexNotFound; a body that is not a provenance object is an
// *IndexError. client's timeout bounds the exchange.
func FetchProvenance(ctx context.Context, client *http.Client, integrityURL string) (*Provenance, error) {
	b, err := get(ctx, client, integrityURL, IntegrityMediaType, MaxProvenanceSize)
	if err != nil {
		return nil, err
	}
	p, err := DecodeProvenance(b)
	if err != nil {
		return nil, &IndexError{URL: redact(integrityURL), StatusCode: http.StatusOK, Msg: "not PyPI's provenance format", Err: err}
	}
	return p, nil
}

// FetchReleaseFiles lists the files of a release from PyPI's JSON API URL
// (pypi.Index.JSONURL(project, version)): each file's name and sha256 from
// "urls". The answer is bounded by MaxReleaseSize; a 404 matches
// ErrIndexNotFound.
func FetchReleaseFiles(ctx context.Context, client *http.Client, jsonURL string) ([]ReleaseFile, error) {
	b, err := get(ctx, client, jsonURL, "application/json", MaxReleaseSize)
	if err != nil {
		return nil, err
	}
	var rel struct {
		URLs []struct {
			Filename string            `json:"filename"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	bad := func(err error) error {
		return &IndexError{URL: redact(jsonURL), StatusCode: http.StatusOK, Msg: "not PyPI's JSON API format", Err: err}
	}
	if err := json.Unmarshal(b, &rel); err != nil {
		return nil, bad(err)
	}
	var out []ReleaseFile
	for _, f := range rel.URLs {
		if f.Filename == "" || strings.ContainsAny(f.Filename, "/\\") {
			return nil, bad(fmt.Errorf("file name %q", f.Filename))
		}
		sum, err := hex.DecodeString(f.Digests["sha256"])
		if err != nil || len(sum) != 32 {
			return nil, bad(fmt.Errorf("%s: no valid sha256 digest", f.Filename))
		}
		out = append(out, ReleaseFile{Filename: f.Filename, SHA256: sum})
	}
	return out, nil
}

package uploadtest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/dist"
)

// attestations is the index's PEP 740 state.
type attestations struct {
	trusted   root.TrustedMaterial
	publisher *attest.Publisher
	minted    map[string]bool
	// provenance: normalized project -> filename -> provenance
	provenance map[string]map[string]*attest.Provenance
}

// supportedPredicates are the predicate types Warehouse accepts; it takes
// at most one attestation of each.
var supportedPredicates = []string{attest.PublishPredicate, attest.SLSAProvenancePredicate}

// WithTrustedMaterial makes the index check the attestations of uploads as
// PyPI does, against tm (a sigstoretest instance's root in tests): only
// from trusted publishing (a token given to AddMintedToken), a non-empty
// JSON array of at most two, each verifying for the uploaded file and
// signed by the publisher (WithPublisher), at most one per predicate type.
// Accepted attestations are served by the integrity API
// (/integrity/<project>/<version>/<file>/provenance). Without this option
// the index records the attestations field of an upload without checking
// or serving it.
func WithTrustedMaterial(tm root.TrustedMaterial) Option {
	return func(ix *Index) { ix.attestations.trusted = tm }
}

// WithPublisher sets the trusted publisher that tokens registered with
// AddMintedToken stand for: the identity attestations must be signed by,
// and the publisher the integrity API records.
func WithPublisher(p attest.Publisher) Option {
	return func(ix *Index) { ix.attestations.publisher = &p }
}

// WithProvenance preloads the provenance of a file, as if uploaded with
// attestations earlier (the file itself is added with WithFile).
func WithProvenance(project, filename string, p *attest.Provenance) Option {
	return func(ix *Index) { ix.storeProvenance(normalize(project), filename, p) }
}

// AddMintedToken registers a token minted through trusted publishing: an
// API token (as AddToken) whose uploads come from the index's publisher.
// A mint handler's OnMint calls it.
func (ix *Index) AddMintedToken(token string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.tokens[token] = true
	if ix.attestations.minted == nil {
		ix.attestations.minted = map[string]bool{}
	}
	ix.attestations.minted[token] = true
}

// Provenance returns the provenance the index holds for a file, nil if
// none.
func (ix *Index) Provenance(project, filename string) *attest.Provenance {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.attestations.provenance[normalize(project)][filename]
}

// storeProvenance records p; the caller holds ix.mu (or is New).
func (ix *Index) storeProvenance(project, filename string, p *attest.Provenance) {
	if ix.attestations.provenance == nil {
		ix.attestations.provenance = map[string]map[string]*attest.Provenance{}
	}
	if ix.attestations.provenance[project] == nil {
		ix.attestations.provenance[project] = map[string]*attest.Provenance{}
	}
	ix.attestations.provenance[project][filename] = p
}

// checkAttestations applies Warehouse's checks to an upload's attestations
// field. It returns the provenance to store (nil when the upload has none
// or the index does not check them) or the message after "Invalid
// attestations supplied during upload: ".
func (ix *Index) checkAttestations(ctx context.Context, u *Upload, password string) (*attest.Provenance, string) {
	vals := u.Field("attestations")
	ix.mu.Lock()
	trusted, pub, minted := ix.attestations.trusted, ix.attestations.publisher, ix.attestations.minted[password]
	ix.mu.Unlock()
	if len(vals) == 0 || trusted == nil {
		return nil, ""
	}
	if !minted || pub == nil {
		return nil, "Attestations are only supported when using Trusted Publishing"
	}
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(vals[0]), &raws); err != nil {
		return nil, "Malformed attestations: " + err.Error()
	}
	if len(raws) == 0 {
		return nil, "Malformed attestations: an empty attestation set is not permitted"
	}
	if len(raws) > len(supportedPredicates) {
		return nil, fmt.Sprintf("A maximum of %d attestations per file are supported", len(supportedPredicates))
	}
	var docs []*attest.Document
	for _, raw := range raws {
		d, err := attest.Decode(raw)
		if err != nil {
			return nil, "Malformed attestations: " + err.Error()
		}
		docs = append(docs, d)
	}
	policy, err := attest.PublisherPolicy(*pub)
	if err != nil {
		return nil, fmt.Sprintf("Attestations are not currently supported with %s publishers", pub.Kind)
	}
	sum, err := hexSum(u.SHA256)
	if err != nil {
		return nil, "Unknown error while trying to verify included attestations: " + err.Error()
	}
	seen := map[string]bool{}
	for _, d := range docs {
		res, err := attest.Verify(ctx, d, attest.Subject{Name: u.Filename, SHA256: sum}, policy,
			attest.WithTrustedMaterial(trusted), attest.WithPredicateTypes(supportedPredicates...))
		if err != nil {
			return nil, "Could not verify the uploaded artifact using the included attestation: Verification failed: " +
				warehouseReason(err, d, u.Filename)
		}
		if seen[res.PredicateType] {
			return nil, fmt.Sprintf("Multiple attestations for the same file with the same predicate type (%s) are not supported", res.PredicateType)
		}
		seen[res.PredicateType] = true
	}
	return &attest.Provenance{Version: 1, AttestationBundles: []attest.AttestationBundle{{Publisher: *pub, Attestations: docs}}}, ""
}

// warehouseReason words a verification failure as pypi-attestations does
// where its wording is known (subject and predicate checks); other
// failures keep attest's message.
func warehouseReason(err error, d *attest.Document, filename string) string {
	var ve *attest.VerificationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var st struct {
		Subject []struct {
			Name string `json:"name"`
		} `json:"subject"`
		PredicateType string `json:"predicateType"`
	}
	_ = json.Unmarshal(d.Envelope.Statement, &st)
	switch ve.Check {
	case attest.CheckSubjectName:
		if len(st.Subject) == 1 {
			return fmt.Sprintf("subject does not match distribution name: %s != %s", st.Subject[0].Name, filename)
		}
	case attest.CheckSubjectDigest:
		return "subject does not match distribution digest"
	case attest.CheckPredicateType:
		return "unknown attestation type: " + st.PredicateType
	case attest.CheckStatement:
		if len(st.Subject) != 1 {
			return "too many subjects in statement (must be exactly one)"
		}
	}
	return err.Error()
}

func hexSum(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, errors.New("no sha256 digest")
	}
	return b, nil
}

// serveProvenance is PyPI's integrity API: the provenance of one file, 404
// when the file has none. Keys are sorted, as PyPI serves them.
func (ix *Index) serveProvenance(w http.ResponseWriter, r *http.Request) {
	project, version, filename := normalize(r.PathValue("project")), r.PathValue("version"), r.PathValue("filename")
	ix.mu.Lock()
	p := ix.attestations.provenance[project][filename]
	f := ix.projects[project][filename]
	ix.mu.Unlock()
	if p == nil || f == nil || !sameVersion(filename, version) {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	b, err := json.Marshal(p)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var generic any
	_ = json.Unmarshal(b, &generic)
	w.Header().Set("Content-Type", attest.IntegrityMediaType)
	_ = json.NewEncoder(w).Encode(generic)
}

// serveReleaseJSON is the part of PyPI's JSON API pyup reads: a release's
// info and its files (urls) with their digests.
func (ix *Index) serveReleaseJSON(w http.ResponseWriter, r *http.Request) {
	project, version := normalize(r.PathValue("project")), r.PathValue("version")
	ix.mu.Lock()
	var files []StoredFile
	for name, f := range ix.projects[project] {
		if sameVersion(name, version) {
			files = append(files, *f)
		}
	}
	ix.mu.Unlock()
	if len(files) == 0 {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	sortFiles(files)
	type file struct {
		Filename    string            `json:"filename"`
		URL         string            `json:"url"`
		Digests     map[string]string `json:"digests"`
		Size        int64             `json:"size"`
		PackageType string            `json:"packagetype"`
	}
	page := struct {
		Info map[string]string `json:"info"`
		URLs []file            `json:"urls"`
	}{Info: map[string]string{"name": project, "version": version}, URLs: []file{}}
	for _, f := range files {
		pt := "sdist"
		if strings.HasSuffix(f.Filename, ".whl") {
			pt = "bdist_wheel"
		}
		page.URLs = append(page.URLs, file{f.Filename, fileURL(f), map[string]string{"sha256": f.SHA256, "blake2b_256": f.Blake2b256}, f.Size, pt})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(page)
}

// sameVersion reports whether the file name holds version (compared as
// PEP 440 versions).
func sameVersion(filename, version string) bool {
	want, err := dist.ParseVersion(version)
	if err != nil {
		return false
	}
	var v string
	if strings.HasSuffix(filename, ".whl") {
		w, err := dist.ParseWheelFilename(filename)
		if err != nil {
			return false
		}
		v = w.Version
	} else {
		s, err := dist.ParseSdistFilename(filename)
		if err != nil {
			return false
		}
		v = s.Version
	}
	got, err := dist.ParseVersion(v)
	return err == nil && dist.CompareVersions(got, want) == 0
}

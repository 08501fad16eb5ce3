package attest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
)

// The real provenance PyPI served for pypi_attestations 0.0.19's sdist
// decodes, and its attestation verifies against the publisher it names.
func TestRealProvenanceVerifiesAgainstItsPublisher(t *testing.T) {
	p, err := attest.DecodeProvenance(readAsset(t, "pypi_attestations-0.0.19.tar.gz.provenance"))
	if err != nil {
		t.Fatal(err)
	}
	ab := p.AttestationBundles[0]
	want := attest.Publisher{Kind: "GitHub", Repository: "trailofbits/pypi-attestations", Workflow: "release.yml"}
	if ab.Publisher != want || len(ab.Attestations) != 1 {
		t.Fatalf("bundle = %+v", ab)
	}
	pol, err := attest.PublisherPolicy(ab.Publisher)
	if err != nil {
		t.Fatal(err)
	}
	v := realVectors[0]
	if _, err := attest.Verify(context.Background(), ab.Attestations[0], v.subject(t), pol); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeProvenanceRefuses(t *testing.T) {
	att := string(readAsset(t, realAttestations[0].file))
	for _, tc := range []struct{ in, want string }{
		{`{`, "not a provenance object"},
		{`{"version":2,"attestation_bundles":[]}`, "version 2"},
		{`{"version":1,"attestation_bundles":[]}`, "no attestation bundle"},
		{`{"version":1,"attestation_bundles":[{"publisher":{},"attestations":[` + att + `]}]}`, "no publisher kind"},
		{`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[]}]}`, "holds no attestation"},
		{`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[null]}]}`, "is null"},
		{`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[{"version":1}]}]}`, "malformed attestation"},
	} {
		if _, err := attest.DecodeProvenance([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestFetch(t *testing.T) {
	prov := readAsset(t, "pypi_attestations-0.0.19.tar.gz.provenance")
	var accepts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accepts = append(accepts, r.Header.Get("Accept"))
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			t.Errorf("credentials sent: %v", r.Header)
		}
		switch r.URL.Path {
		case "/prov":
			w.Write(prov)
		case "/huge":
			w.Write([]byte(`{"version":1,"attestation_bundles":[` + strings.Repeat(" ", attest.MaxProvenanceSize) + `]}`))
		case "/json":
			w.Write([]byte(`{"urls":[{"filename":"a-1.0.tar.gz","digests":{"sha256":"` + strings.Repeat("ab", 32) + `"}}]}`))
		case "/badjson":
			w.Write([]byte(`{"urls":[{"filename":"../a-1.0.tar.gz","digests":{"sha256":"` + strings.Repeat("ab", 32) + `"}}]}`))
		case "/500":
			http.Error(w, "boom", 500)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	p, err := attest.FetchProvenance(ctx, c, srv.URL+"/prov")
	if err != nil || len(p.AttestationBundles) != 1 {
		t.Fatalf("%+v %v", p, err)
	}
	if accepts[0] != attest.IntegrityMediaType {
		t.Errorf("Accept %q", accepts[0])
	}
	var ie *attest.IndexError
	if _, err := attest.FetchProvenance(ctx, c, srv.URL+"/nope"); !errors.Is(err, attest.ErrIndexNotFound) || !errors.As(err, &ie) {
		t.Errorf("404: %v", err)
	}
	if _, err := attest.FetchProvenance(ctx, c, srv.URL+"/huge"); !errors.As(err, &ie) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge: %v", err)
	}
	if _, err := attest.FetchProvenance(ctx, c, srv.URL+"/500"); !errors.As(err, &ie) || ie.StatusCode != 500 {
		t.Errorf("500: %v", err)
	}
	files, err := attest.FetchReleaseFiles(ctx, c, srv.URL+"/json")
	if err != nil || len(files) != 1 || files[0].Filename != "a-1.0.tar.gz" || len(files[0].SHA256) != 32 {
		t.Errorf("%+v %v", files, err)
	}
	if _, err := attest.FetchReleaseFiles(ctx, c, srv.URL+"/badjson"); !errors.As(err, &ie) {
		t.Errorf("bad file name: %v", err)
	}
	u := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/prov"
	if _, err := attest.FetchProvenance(ctx, c, u); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("userinfo: %v", err)
	}
}

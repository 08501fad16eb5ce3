package uploadtest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

var demoPublisher = attest.Publisher{Kind: "GitHub", Repository: "octo/demo", Workflow: "release.yml"}

func attestIndex(t *testing.T) (*sigstoretest.Instance, *uploadtest.Index, *httptest.Server) {
	t.Helper()
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	ix := uploadtest.New(uploadtest.WithToken("pypi-plain"), uploadtest.WithTrustedMaterial(s.TrustedRoot()),
		uploadtest.WithPublisher(demoPublisher))
	ix.AddMintedToken("pypi-minted")
	srv := httptest.NewServer(ix)
	t.Cleanup(srv.Close)
	return s, ix, srv
}

func withAttestations(fields [][2]string, docs ...[]byte) [][2]string {
	parts := make([]string, len(docs))
	for i, d := range docs {
		parts[i] = string(d)
	}
	return append(fields, [2]string{"attestations", "[" + strings.Join(parts, ",") + "]"})
}

func TestAttestationsAcceptedAndServed(t *testing.T) {
	s, ix, srv := attestIndex(t)
	content := []byte("sdist bytes")
	id := sigstoretest.GitHub("octo/demo", "release.yml", "refs/tags/v1.0")
	d, err := s.Attest(id, "demo-1.0.tar.gz", content)
	if err != nil {
		t.Fatal(err)
	}
	resp := post(t, srv.URL+"/legacy/", "pypi-minted", "", withAttestations(validFields(content), sigstoretest.Encode(d)), "demo-1.0.tar.gz", content)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %s", resp.Status)
	}
	if p := ix.Provenance("Demo", "demo-1.0.tar.gz"); p == nil || p.AttestationBundles[0].Publisher != demoPublisher {
		t.Fatalf("provenance %+v", p)
	}

	ctx := context.Background()
	files, err := attest.FetchReleaseFiles(ctx, srv.Client(), srv.URL+"/pypi/demo/1.0/json")
	if err != nil || len(files) != 1 || files[0].Filename != "demo-1.0.tar.gz" {
		t.Fatalf("JSON API: %+v %v", files, err)
	}
	prov, err := attest.FetchProvenance(ctx, srv.Client(), srv.URL+"/integrity/demo/1.0/demo-1.0.tar.gz/provenance")
	if err != nil {
		t.Fatal(err)
	}
	ab := prov.AttestationBundles[0]
	pol, err := attest.PublisherPolicy(ab.Publisher)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attest.Verify(ctx, ab.Attestations[0], attest.Subject{Name: files[0].Filename, SHA256: files[0].SHA256}, pol,
		attest.WithTrustedMaterial(s.TrustedRoot())); err != nil {
		t.Fatal(err)
	}
	// Served with sorted keys, as PyPI does.
	r, err := http.Get(srv.URL + "/integrity/demo/1.0/demo-1.0.tar.gz/provenance")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if !strings.HasPrefix(string(b), `{"attestation_bundles":[{"attestations":[{"envelope":`) || r.Header.Get("Content-Type") != attest.IntegrityMediaType {
		t.Errorf("integrity answer %s %s", r.Header.Get("Content-Type"), b)
	}
	for _, u := range []string{"/integrity/demo/2.0/demo-1.0.tar.gz/provenance", "/integrity/demo/1.0/demo-1.0.zip/provenance", "/pypi/demo/2.0/json"} {
		if r, err := http.Get(srv.URL + u); err != nil || r.StatusCode != 404 {
			t.Errorf("%s: %v %v", u, r.Status, err)
		}
	}
}

func TestAttestationsRefusedAsWarehouse(t *testing.T) {
	s, ix, srv := attestIndex(t)
	content := []byte("sdist bytes")
	other := []byte("other bytes")
	good := sigstoretest.GitHub("octo/demo", "release.yml", "refs/tags/v1.0")
	att := func(id sigstoretest.Identity, name string, content []byte) []byte {
		d, err := s.Attest(id, name, content)
		if err != nil {
			t.Fatal(err)
		}
		return sigstoretest.Encode(d)
	}
	signed := func(statement string) []byte {
		b, err := s.SignStatement(good, []byte(statement))
		if err != nil {
			t.Fatal(err)
		}
		d, err := attest.FromBundle(b)
		if err != nil {
			t.Fatal(err)
		}
		return sigstoretest.Encode(d)
	}
	sum := sha256.Sum256(content)
	digest := func() string {
		b, _ := json.Marshal(map[string]string{"sha256": hex.EncodeToString(sum[:])})
		return string(b)
	}()
	const prefix = "400 Invalid attestations supplied during upload: "
	const verifyFailed = prefix + "Could not verify the uploaded artifact using the included attestation: Verification failed: "
	for _, tc := range []struct {
		name, token, field string
		want               string
	}{
		{"not trusted publishing", "pypi-plain", "[" + string(att(good, "demo-1.0.tar.gz", content)) + "]",
			prefix + "Attestations are only supported when using Trusted Publishing"},
		{"not JSON", "pypi-minted", "[{", prefix + "Malformed attestations: "},
		{"empty", "pypi-minted", "[]", prefix + "Malformed attestations: an empty attestation set is not permitted"},
		{"three", "pypi-minted", "[" + strings.Repeat(string(att(good, "demo-1.0.tar.gz", content))+",", 2) + string(att(good, "demo-1.0.tar.gz", content)) + "]",
			prefix + "A maximum of 2 attestations per file are supported"},
		{"not an attestation", "pypi-minted", `[{"version":1}]`, prefix + "Malformed attestations: "},
		{"other content", "pypi-minted", "[" + string(att(good, "demo-1.0.tar.gz", other)) + "]",
			verifyFailed + "subject does not match distribution digest"},
		{"other file", "pypi-minted", "[" + string(att(good, "demo-2.0.tar.gz", content)) + "]",
			verifyFailed + "subject does not match distribution name: demo-2.0.tar.gz != demo-1.0.tar.gz"},
		{"other signer", "pypi-minted", "[" + string(att(sigstoretest.GitHub("octo/fork", "release.yml", "refs/tags/v1.0"), "demo-1.0.tar.gz", content)) + "]",
			verifyFailed + "identity: expected source repository https://github.com/octo/demo, got https://github.com/octo/fork"},
		{"other workflow", "pypi-minted", "[" + string(att(sigstoretest.GitHub("octo/demo", "ci.yml", "refs/heads/main"), "demo-1.0.tar.gz", content)) + "]",
			verifyFailed + "identity: expected workflow https://github.com/octo/demo/.github/workflows/release.yml, got https://github.com/octo/demo/.github/workflows/ci.yml@refs/heads/main"},
		{"twice the same type", "pypi-minted", "[" + string(att(good, "demo-1.0.tar.gz", content)) + "," + string(att(good, "demo-1.0.tar.gz", content)) + "]",
			prefix + "Multiple attestations for the same file with the same predicate type (https://docs.pypi.org/attestations/publish/v1) are not supported"},
		{"unknown predicate", "pypi-minted", "[" + string(signed(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"demo-1.0.tar.gz","digest":`+digest+`}],"predicateType":"https://example.invalid/p","predicate":null}`)) + "]",
			verifyFailed + "unknown attestation type: https://example.invalid/p"},
		{"two subjects", "pypi-minted", "[" + string(signed(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"demo-1.0.tar.gz","digest":`+digest+`},{"name":"x-1.0.tar.gz","digest":`+digest+`}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`)) + "]",
			verifyFailed + "too many subjects in statement (must be exactly one)"},
	} {
		fields := append(validFields(content), [2]string{"attestations", tc.field})
		resp := post(t, srv.URL+"/legacy/", tc.token, "", fields, "demo-1.0.tar.gz", content)
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Status, tc.want) {
			t.Errorf("%s: %s\nwant %s", tc.name, resp.Status, tc.want)
		}
	}
	if n := len(ix.Files("demo")); n != 0 {
		t.Errorf("refused uploads stored %d files", n)
	}
}

// Without WithTrustedMaterial the index records attestations unchecked,
// as before.
func TestAttestationsUncheckedByDefault(t *testing.T) {
	ix := uploadtest.New()
	srv := httptest.NewServer(ix)
	defer srv.Close()
	content := []byte("sdist bytes")
	resp := post(t, srv.URL+"/legacy/", "", "", withAttestations(validFields(content), []byte(`{"version":1}`)), "demo-1.0.tar.gz", content)
	if resp.StatusCode != 200 || ix.Provenance("demo", "demo-1.0.tar.gz") != nil {
		t.Fatalf("%s", resp.Status)
	}
}

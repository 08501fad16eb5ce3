package verify

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil/cmdutiltest"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

const assets = "../../../../../pkg/attest/testdata/pypi-attestations"

// copyAssets copies real dists and attestations into a fresh directory.
func copyAssets(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(assets, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run executes pyup verify with args as pyup does (flags, then env through
// config.Apply) and returns the exit code and the streams.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	f, s := cmdutiltest.New(env, nil)
	cmd := NewCmdVerify(f, nil)
	cmd.PreRunE = func(c *cobra.Command, _ []string) error {
		if _, err := config.Apply(c, f.LookupEnv); err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
		return nil
	}
	cmd.SetArgs(args)
	cmd.SetOut(s.ErrOut)
	cmd.SetErr(s.ErrOut)
	err := cmd.ExecuteContext(context.Background())
	code, _ := cmdutil.ExitCode(err)
	if err != nil {
		s.ErrOut.WriteString(err.Error() + "\n")
	}
	return code, s.Out.String(), s.ErrOut.String()
}

func TestUsageErrors(t *testing.T) {
	dir := copyAssets(t, "pypi_attestations-0.0.19.tar.gz", "gitlab_oidc_project-0.0.3.tar.gz")
	sdist := filepath.Join(dir, "pypi_attestations-0.0.19.tar.gz")
	gh := "https://github.com/trailofbits/pypi-attestations"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", nil, "needs at least one DIST"},
		{"no policy", []string{sdist}, "--repository URL or --identity SAN"},
		{"both", []string{"--repository", gh, "--identity", "a@example.invalid", sdist}, "exclusive"},
		{"workflow alone", []string{"--identity", "a@example.invalid", "--workflow", "r.yml", sdist}, "--workflow needs --repository"},
		{"issuer alone", []string{"--repository", gh, "--issuer", "https://x.invalid", sdist}, "--issuer needs --identity"},
		{"attestation for two", []string{"--repository", gh, "--attestation", "x", dir}, "exactly one DIST; 2 were given"},
		{"missing dist", []string{"--repository", gh, filepath.Join(dir, "nope-1.0.tar.gz")}, "nope-1.0.tar.gz"},
		{"bad repository", []string{"--repository", "https://example.invalid/o/r", sdist}, "only github.com and gitlab.com"},
		{"repository not a repo", []string{"--repository", "https://github.com/octo", sdist}, "OWNER/REPO"},
		{"index without release", []string{"--index", "pypi"}, "NAME==VERSION"},
		{"index bad release", []string{"--index", "pypi", "demo"}, "NAME==VERSION"},
		{"index bad version", []string{"--index", "pypi", "demo==x.y"}, "not a PEP 440 version"},
		{"index and attestation", []string{"--index", "pypi", "--attestation", "x", "demo==1.0"}, "--attestation is for local files"},
		{"index with credentials", []string{"--index", "https://u:secret@pypi.example.invalid", "demo==1.0"}, "carries credentials"},
		{"index not a URL", []string{"--index", "ftp://x.invalid", "demo==1.0"}, "want pypi, testpypi"},
		{"trusted root unreadable", []string{"--repository", gh, "--trusted-root", filepath.Join(dir, "none.json"), sdist}, "--trusted-root"},
		{"trusted root not a root", []string{"--repository", gh, "--trusted-root", sdist, sdist}, "not a Sigstore trusted root"},
	} {
		code, out, errOut := run(t, nil, tc.args...)
		if code != cmdutil.ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.name, code, out, errOut, tc.want)
		}
		if strings.Contains(errOut, "secret") {
			t.Errorf("%s: the URL's password is repeated: %s", tc.name, errOut)
		}
	}
}

// TWINE_REPOSITORY and PYUP_REPOSITORY name an index for upload; they never
// fill verify's --repository. PYUP_SIGSTORE_TRUSTED_ROOT fills --trusted-root.
func TestEnvironment(t *testing.T) {
	f, _ := cmdutiltest.New(map[string]string{
		"TWINE_REPOSITORY": "pypi", "PYUP_REPOSITORY": "testpypi",
		"PYUP_SIGSTORE_TRUSTED_ROOT": "root.json", "PYUP_IDENTITY": "a@example.invalid",
		"TWINE_CERT": "ca.pem", // upload's; harmless for local files
	}, nil)
	dir := copyAssets(t, "pypi_attestations-0.0.19.tar.gz")
	o := cmdutiltest.Parse(t, f, NewCmdVerify, dir)
	if o.Repository != "" || o.TrustedRoot != "root.json" || o.Identity != "a@example.invalid" || o.Cert != "ca.pem" {
		t.Errorf("options %+v", o)
	}
}

func TestVerifyLocalRealVectors(t *testing.T) {
	dir := copyAssets(t,
		"pypi_attestations-0.0.19.tar.gz", "pypi_attestations-0.0.19.tar.gz.publish.attestation",
		"gitlab_oidc_project-0.0.3.tar.gz", "gitlab_oidc_project-0.0.3.tar.gz.publish.attestation")
	sdist := filepath.Join(dir, "pypi_attestations-0.0.19.tar.gz")
	code, out, errOut := run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestations", "--workflow", "release.yml", sdist)
	want := "✓ pypi_attestations-0.0.19.tar.gz  signed by https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}

	// The directory: the GitLab one fails the GitHub repository.
	code, out, errOut = run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestations", dir)
	if code != cmdutil.ExitVerifyFailed || !strings.Contains(out, want) ||
		!strings.Contains(out, "✗ gitlab_oidc_project-0.0.3.tar.gz  identity: expected OIDC issuer https://token.actions.githubusercontent.com, got https://gitlab.com\n") ||
		!strings.Contains(errOut, "1 file of 2 failed verification") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}

	// --json: one object per file.
	code, out, _ = run(t, nil, "--json", "--repository", "https://gitlab.com/facutuesca/gitlab-oidc-project", dir)
	var rep report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != cmdutil.ExitVerifyFailed || rep.Success || rep.Verified != 1 || rep.Failed != 1 || len(rep.Files) != 2 {
		t.Fatalf("exit %d %+v", code, rep)
	}
	gl, ghf := rep.Files[0], rep.Files[1]
	if gl.File != "gitlab_oidc_project-0.0.3.tar.gz" || !gl.Verified || gl.Issuer != attest.GitLabIssuer ||
		gl.Identity != "https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main" || gl.Error != "" {
		t.Errorf("gitlab %+v", gl)
	}
	if ghf.Verified || ghf.Check != "identity" || !strings.Contains(ghf.Error, "expected OIDC issuer https://gitlab.com") {
		t.Errorf("github %+v", ghf)
	}

	// --attestation names another file.
	other := filepath.Join(t.TempDir(), "bundle.json")
	b, _ := os.ReadFile(sdist + attest.Suffix)
	if err := os.WriteFile(other, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, nil, "--identity", "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19", "--attestation", other, sdist)
	if code != 0 || out != want {
		t.Errorf("--attestation: exit %d\n%s%s", code, out, errOut)
	}
	// The staging-signed wheel verifies with the staging root only.
	wdir := copyAssets(t, "rfc8785-0.1.2-py3-none-any.whl", "rfc8785-0.1.2-py3-none-any.whl.publish.attestation")
	code, out, _ = run(t, nil, "--identity", "william@yossarian.net", wdir)
	if code != cmdutil.ExitVerifyFailed || !strings.Contains(out, "certificate: does not chain") {
		t.Errorf("staging vector on the public-good root: exit %d %s", code, out)
	}
	code, out, errOut = run(t, map[string]string{"PYUP_SIGSTORE_TRUSTED_ROOT": "../../../../../pkg/attest/testdata/staging_trusted_root.json"},
		"--identity", "william@yossarian.net", wdir)
	if code != 0 || out != "✓ rfc8785-0.1.2-py3-none-any.whl  signed by william@yossarian.net\n" {
		t.Errorf("staging root from the environment: exit %d\n%s%s", code, out, errOut)
	}
}

// Bad input fails its file with one line naming it, exit 6, no panic.
func TestVerifyBadInput(t *testing.T) {
	dir := copyAssets(t, "pypi_attestations-0.0.19.tar.gz", "pypi_attestations-0.0.19.tar.gz.publish.attestation")
	sdist := filepath.Join(dir, "pypi_attestations-0.0.19.tar.gz")
	att := sdist + attest.Suffix
	good, _ := os.ReadFile(att)
	content, _ := os.ReadFile(sdist)
	for _, tc := range []struct {
		name       string
		attBytes   []byte // nil: no attestation file
		distBytes  []byte
		wantInLine string
	}{
		{"missing attestation", nil, content, "no attestation file pypi_attestations-0.0.19.tar.gz.publish.attestation"},
		{"truncated", good[:len(good)/2], content, "pypi_attestations-0.0.19.tar.gz.publish.attestation: not a JSON attestation object"},
		{"2 MB", append([]byte(`{"version":1,"x":"`), make([]byte, 2<<20)...), content, "pypi_attestations-0.0.19.tar.gz.publish.attestation"},
		{"not PyPI's shape", []byte(`{"version":1,"verification_material":{},"envelope":{}}`), content, "pypi_attestations-0.0.19.tar.gz.publish.attestation: malformed attestation"},
		{"changed dist", good, append(append([]byte{}, content[:100]...), append([]byte{content[100] ^ 1}, content[101:]...)...), "subject digest: expected sha256 "},
	} {
		os.Remove(att)
		if tc.attBytes != nil {
			if err := os.WriteFile(att, tc.attBytes, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(sdist, tc.distBytes, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestations", sdist)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if code != cmdutil.ExitVerifyFailed || len(lines) != 1 || !strings.HasPrefix(lines[0], "✗ pypi_attestations-0.0.19.tar.gz  ") ||
			!strings.Contains(lines[0], tc.wantInLine) {
			t.Errorf("%s: exit %d\n%s%s\nwant one line with %q", tc.name, code, out, errOut, tc.wantInLine)
		}
	}
}

// fakeSetup is a fake Sigstore, a fake index holding a release signed
// through it, and the trusted root written to a file.
type fakeSetup struct {
	sig      *sigstoretest.Instance
	ix       *uploadtest.Index
	srv      *httptest.Server
	rootFile string
}

func newFake(t *testing.T, wrap func(http.Handler) http.Handler) *fakeSetup {
	t.Helper()
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	pub := attest.Publisher{Kind: "GitHub", Repository: "octo/demo", Workflow: "release.yml"}
	id := sigstoretest.GitHub("octo/demo", "release.yml", "refs/tags/v1.0")
	opts := []uploadtest.Option{uploadtest.WithTrustedMaterial(s.TrustedRoot()), uploadtest.WithPublisher(pub)}
	for _, f := range []struct{ name, content string }{
		{"demo-1.0-py3-none-any.whl", "wheel bytes"}, {"demo-1.0.tar.gz", "sdist bytes"},
	} {
		d, err := s.Attest(id, f.name, []byte(f.content))
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, uploadtest.WithFile("demo", f.name, []byte(f.content)),
			uploadtest.WithProvenance("demo", f.name, &attest.Provenance{Version: 1,
				AttestationBundles: []attest.AttestationBundle{{Publisher: pub, Attestations: []*attest.Document{d}}}}))
	}
	// A file without attestations, and one attested for other content.
	opts = append(opts, uploadtest.WithFile("demo", "demo-2.0.tar.gz", []byte("two")))
	d, err := s.Attest(id, "demo-2.0-py3-none-any.whl", []byte("not the wheel"))
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, uploadtest.WithFile("demo", "demo-2.0-py3-none-any.whl", []byte("the wheel")),
		uploadtest.WithProvenance("demo", "demo-2.0-py3-none-any.whl", &attest.Provenance{Version: 1,
			AttestationBundles: []attest.AttestationBundle{{Publisher: pub, Attestations: []*attest.Document{d}}}}))
	ix := uploadtest.New(opts...)
	var h http.Handler = ix
	if wrap != nil {
		h = wrap(ix)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	j, err := s.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	rootFile := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(rootFile, j, 0o644); err != nil {
		t.Fatal(err)
	}
	return &fakeSetup{s, ix, srv, rootFile}
}

func TestVerifyIndex(t *testing.T) {
	var sawCredentials bool
	fk := newFake(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
				sawCredentials = true
			}
			h.ServeHTTP(w, r)
		})
	})
	env := map[string]string{"PYUP_PASSWORD": "pypi-secret", "TWINE_PASSWORD": "pypi-secret", "TWINE_USERNAME": "__token__"}
	code, out, errOut := run(t, env, "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "demo==1.0")
	want := "✓ demo-1.0-py3-none-any.whl  signed by https://github.com/octo/demo/.github/workflows/release.yml@refs/tags/v1.0\n" +
		"✓ demo-1.0.tar.gz  signed by https://github.com/octo/demo/.github/workflows/release.yml@refs/tags/v1.0\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if sawCredentials {
		t.Error("verify sent credentials to the index")
	}

	// Both the index's publisher and the user's repository must hold.
	code, out, _ = run(t, nil, "--index", fk.srv.URL+"/", "--trusted-root", fk.rootFile, "--repository", "https://github.com/octo/other", "demo==1.0.0")
	if code != cmdutil.ExitVerifyFailed || strings.Count(out, "identity: expected source repository https://github.com/octo/other, got https://github.com/octo/demo") != 2 {
		t.Errorf("user policy: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "--identity",
		"https://github.com/octo/demo/.github/workflows/release.yml@refs/tags/v1.0", "demo==1.0")
	if code != 0 {
		t.Errorf("user identity: exit %d\n%s", code, out)
	}

	// Without the fake's root: the built-in public-good root refuses it.
	code, out, _ = run(t, nil, "--index", fk.srv.URL, "demo==1.0")
	if code != cmdutil.ExitVerifyFailed || strings.Count(out, "certificate: does not chain") != 2 {
		t.Errorf("public-good root: exit %d\n%s", code, out)
	}

	// No attestation for one file, a wrong one for the other.
	code, out, _ = run(t, nil, "--json", "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "demo==2.0")
	var rep report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != cmdutil.ExitVerifyFailed || len(rep.Files) != 2 || rep.Failed != 2 {
		t.Fatalf("exit %d %+v", code, rep)
	}
	if f := rep.Files[0]; f.File != "demo-2.0-py3-none-any.whl" || f.Check != "subject digest" || f.Publisher == nil || f.Publisher.Repository != "octo/demo" {
		t.Errorf("%+v", f)
	}
	if f := rep.Files[1]; f.File != "demo-2.0.tar.gz" || !strings.Contains(f.Error, "no attestation") {
		t.Errorf("%+v", f)
	}

	// No such release: a usage error.
	code, _, errOut = run(t, nil, "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "demo==3.0")
	if code != cmdutil.ExitUsage || !strings.Contains(errOut, "no such release") {
		t.Errorf("unknown release: exit %d %s", code, errOut)
	}
}

// An index without the JSON API: the files come from the simple API.
func TestVerifyIndexSimpleFallback(t *testing.T) {
	fk := newFake(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/pypi/") {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	code, out, errOut := run(t, nil, "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "Demo==1.0")
	if code != 0 || strings.Count(out, "✓ ") != 2 {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// The index cannot be reached: the exit code of network failures.
func TestVerifyIndexUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, out, errOut := run(t, nil, "--index", "http://"+addr, "demo==1.0")
	if code != cmdutil.ExitUploadFailed || out != "" || !strings.Contains(errOut, "refused") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	// A server error on the integrity API is the index's failure, not the file's.
	fk := newFake(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/integrity/") {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	code, _, errOut = run(t, nil, "--index", fk.srv.URL, "--trusted-root", fk.rootFile, "demo==1.0")
	if code != cmdutil.ExitUploadFailed || !strings.Contains(errOut, "503") {
		t.Errorf("503: exit %d %s", code, errOut)
	}
}

// --attestation takes a Sigstore bundle too.
func TestVerifySigstoreBundle(t *testing.T) {
	dir := copyAssets(t, "pypi_attestation_models-0.0.4a2.tar.gz", "pypi_attestation_models-0.0.4a2.tar.gz.sigstore")
	sdist := filepath.Join(dir, "pypi_attestation_models-0.0.4a2.tar.gz")
	code, out, errOut := run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestation-models", "--workflow", "release.yml",
		"--attestation", sdist+".sigstore", sdist)
	if code != 0 || !strings.HasPrefix(out, "✓ pypi_attestation_models-0.0.4a2.tar.gz  signed by https://github.com/trailofbits/pypi-attestation-models/") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestation-models",
		"--attestation", filepath.Join(dir, "missing.json"), sdist)
	if code != cmdutil.ExitVerifyFailed || !strings.Contains(out, "missing.json") {
		t.Errorf("missing --attestation: exit %d %s", code, out)
	}
}

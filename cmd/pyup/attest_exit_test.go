package main

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// TestAttestExitCodes: signing that cannot happen fails before any upload,
// with exit 4 when the identity is missing or refused, and 5 when the
// transparency log fails; each says how to upload without attestations.
func TestAttestExitCodes(t *testing.T) {
	keyring.MockInit()
	const token = "pypi-attest-exit-codes-token"
	ix := uploadtest.New(uploadtest.WithToken(token))
	srv := httptest.NewServer(ix)
	defer srv.Close()
	iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
	if err != nil {
		t.Fatal(err)
	}
	gh := httptest.NewServer(iss.GitHubHandler("request-token"))
	defer gh.Close()
	inst, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	sig := inst.Server(iss)
	sigSrv := httptest.NewServer(sig)
	defer sigSrv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	dir := t.TempDir()
	// The root of another instance: what the fake signs does not verify with it.
	otherInst, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	otherRoot, err := otherInst.TrustedRootJSON()
	if err != nil {
		t.Fatal(err)
	}
	otherRootFile := filepath.Join(dir, "other_root.json")
	if err := os.WriteFile(otherRootFile, otherRoot, 0o644); err != nil {
		t.Fatal(err)
	}
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	github := func(on bool) {
		for k, v := range map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": gh.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"} {
			if !on {
				v = ""
			}
			t.Setenv(k, v)
		}
	}
	for _, k := range []string{"PYUP_PASSWORD", "TWINE_PASSWORD", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "GCE_METADATA_HOST"} {
		t.Setenv(k, "")
	}
	upload := []string{"upload", "--repository-url", srv.URL + "/legacy/", "-p", token, "--retries", "0", "--non-interactive", "--no-keyring", "--attest", "always", wheel}
	cases := []struct {
		name       string
		ci         bool
		fulcio     string
		rekor      string
		root       string
		refuse     string
		args       []string
		code       int
		stderr     string
		hintAttest bool
	}{
		{"upload, no CI identity", false, sigSrv.URL, sigSrv.URL, "", "", upload, cmdutil.ExitAuth, "no CI identity", false},
		{"attest, no CI identity", false, sigSrv.URL, sigSrv.URL, "", "", []string{"attest", wheel}, cmdutil.ExitAuth, "no CI identity", false},
		{"upload, Fulcio refuses", true, sigSrv.URL, sigSrv.URL, "", "issuer not allowed", upload, cmdutil.ExitAuth, "issuer not allowed", true},
		{"upload, Rekor unreachable", true, sigSrv.URL, closed, "", "", upload, cmdutil.ExitUploadFailed, "transparency log", true},
		{"upload, plain-http Fulcio", true, "http://fulcio.example.invalid", sigSrv.URL, "", "", upload, cmdutil.ExitUsage, "https", false},
		{"upload, signed by an instance the root does not trust", true, sigSrv.URL, sigSrv.URL, otherRootFile, "", upload, cmdutil.ExitUploadFailed, "does not verify against the trusted root", true},
		{"attest, signed by an instance the root does not trust", true, sigSrv.URL, sigSrv.URL, otherRootFile, "", []string{"attest", wheel}, cmdutil.ExitUploadFailed, "verification: certificate", false},
	}
	for _, c := range cases {
		github(c.ci)
		t.Setenv("PYUP_FULCIO_URL", c.fulcio)
		t.Setenv("PYUP_REKOR_URL", c.rekor)
		t.Setenv("PYUP_SIGSTORE_TRUSTED_ROOT", c.root)
		sig.Refuse(c.refuse)
		before := ix.Posts()
		ios, _, out, errOut := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, LookupEnv: os.LookupEnv}
		code := app.Run(context.Background(), f, c.args)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, code, c.code, out, errOut)
		}
		if !strings.Contains(errOut.String(), c.stderr) && !strings.Contains(out.String(), c.stderr) {
			t.Errorf("%s: the output does not say %q:\n%s%s", c.name, c.stderr, out, errOut)
		}
		if c.hintAttest && !strings.Contains(errOut.String(), "--attest never") {
			t.Errorf("%s: no hint to upload without attestations:\n%s", c.name, errOut)
		}
		if n := ix.Posts() - before; n != 0 {
			t.Errorf("%s: %d files were sent", c.name, n)
		}
	}
}

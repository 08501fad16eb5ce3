package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// sigstores keeps each script's fake Sigstore, and the server that
// fakegithub and fakeci put in front of it, keyed by its work dir.
var sigstores = struct {
	sync.Mutex
	m       map[string]*sigstoretest.Instance
	servers map[string]*sigstoretest.Server
}{m: map[string]*sigstoretest.Instance{}, servers: map[string]*sigstoretest.Server{}}

// fakesigstore: start the script's fake Sigstore (sigstoretest) and write
// its trusted root to $WORK/trusted_root.json, named by $SIGSTORE_ROOT.
func cmdFakeSigstore(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 {
		ts.Fatalf("usage: fakesigstore")
	}
	scriptSigstore(ts)
}

// scriptSigstore returns the script's fake Sigstore, starting it on first
// use.
func scriptSigstore(ts *testscript.TestScript) *sigstoretest.Instance {
	key := ts.Getenv("WORK")
	sigstores.Lock()
	s := sigstores.m[key]
	sigstores.Unlock()
	if s != nil {
		return s
	}
	s, err := sigstoretest.New()
	ts.Check(err)
	j, err := s.TrustedRootJSON()
	ts.Check(err)
	path := filepath.Join(key, "trusted_root.json")
	ts.Check(os.WriteFile(path, j, 0o644))
	sigstores.Lock()
	sigstores.m[key] = s
	sigstores.Unlock()
	ts.Defer(func() {
		sigstores.Lock()
		delete(sigstores.m, key)
		delete(sigstores.servers, key)
		sigstores.Unlock()
	})
	ts.Setenv("SIGSTORE_ROOT", path)
	return s
}

// serveSigstore serves the script's fake Sigstore as Fulcio and Rekor,
// trusting iss's tokens, and points pyup at it (PYUP_FULCIO_URL,
// PYUP_REKOR_URL).
func serveSigstore(ts *testscript.TestScript, iss *oidctest.Issuer) {
	srv := scriptSigstore(ts).Server(iss)
	hs := httptest.NewServer(srv)
	ts.Defer(hs.Close)
	sigstores.Lock()
	sigstores.servers[ts.Getenv("WORK")] = srv
	sigstores.Unlock()
	ts.Setenv("PYUP_FULCIO_URL", hs.URL)
	ts.Setenv("PYUP_REKOR_URL", hs.URL)
}

// sigstorecerts N: the fake Fulcio issued exactly N certificates.
func cmdSigstoreCerts(ts *testscript.TestScript, neg bool, args []string) {
	want := countArg(ts, args, 0, "sigstorecerts N")
	sigstores.Lock()
	srv := sigstores.servers[ts.Getenv("WORK")]
	sigstores.Unlock()
	if srv == nil {
		ts.Fatalf("no fake Sigstore served (fakegithub or fakeci starts one)")
	}
	checkCount(ts, neg, srv.Certificates(), want, "certificates the fake Fulcio issued")
}

func fakeSigstore(ts *testscript.TestScript) *sigstoretest.Instance {
	sigstores.Lock()
	defer sigstores.Unlock()
	s := sigstores.m[ts.Getenv("WORK")]
	if s == nil {
		ts.Fatalf("no fakesigstore running")
	}
	return s
}

// attestdist [-repo OWNER/REPO] [-workflow FILE] [-ref REF] [-email ADDR]
// [-name FILENAME] DIST: write DIST.publish.attestation, signed through the
// fakesigstore by a GitHub workflow (default octo/demo, release.yml,
// refs/heads/main) or an email identity, for DIST's content under its name
// (or FILENAME).
func cmdAttestDist(ts *testscript.TestScript, neg bool, args []string) {
	repo, workflow, ref, email, name := "octo/demo", "release.yml", "refs/heads/main", "", ""
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-repo":
			repo = args[1]
		case "-workflow":
			workflow = args[1]
		case "-ref":
			ref = args[1]
		case "-email":
			email = args[1]
		case "-name":
			name = args[1]
		default:
			ts.Fatalf("attestdist: unknown flag %q", args[0])
		}
		args = args[2:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: attestdist [flags] DIST")
	}
	path := ts.MkAbs(args[0])
	content, err := os.ReadFile(path)
	ts.Check(err)
	id := sigstoretest.GitHub(repo, workflow, ref)
	if email != "" {
		id = sigstoretest.Email(email, "https://github.com/login/oauth")
	}
	if name == "" {
		name = filepath.Base(path)
	}
	d, err := fakeSigstore(ts).Attest(id, name, content)
	ts.Check(err)
	ts.Check(os.WriteFile(attest.Path(path), sigstoretest.Encode(d), 0o644))
}

// attestIndexOptions are fakeindex -attest OWNER/REPO:WORKFLOW's options.
func attestIndexOptions(ts *testscript.TestScript, spec string) []uploadtest.Option {
	repo, workflow, ok := strings.Cut(spec, ":")
	if !ok {
		ts.Fatalf("fakeindex: -attest OWNER/REPO:WORKFLOW")
	}
	return []uploadtest.Option{
		uploadtest.WithTrustedMaterial(fakeSigstore(ts).TrustedRoot()),
		uploadtest.WithPublisher(attest.Publisher{Kind: "GitHub", Repository: repo, Workflow: workflow}),
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// sigstores keeps each script's fake Sigstore, keyed by its work dir.
var sigstores = struct {
	sync.Mutex
	m map[string]*sigstoretest.Instance
}{m: map[string]*sigstoretest.Instance{}}

// fakesigstore: start a fake Sigstore (sigstoretest) for this script and
// write its trusted root to $WORK/trusted_root.json, named by
// $SIGSTORE_ROOT.
func cmdFakeSigstore(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 {
		ts.Fatalf("usage: fakesigstore")
	}
	s, err := sigstoretest.New()
	ts.Check(err)
	j, err := s.TrustedRootJSON()
	ts.Check(err)
	path := filepath.Join(ts.Getenv("WORK"), "trusted_root.json")
	ts.Check(os.WriteFile(path, j, 0o644))
	key := ts.Getenv("WORK")
	sigstores.Lock()
	sigstores.m[key] = s
	sigstores.Unlock()
	ts.Defer(func() {
		sigstores.Lock()
		delete(sigstores.m, key)
		sigstores.Unlock()
	})
	ts.Setenv("SIGSTORE_ROOT", path)
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

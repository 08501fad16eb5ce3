package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// TestNoCloudTokenInAnyOutput runs upload and whoami (--verbose, --json)
// against each private index with the credentials its machine has, and
// against a lookalike host, and fails if any token, key, secret or ID
// token involved appears in any output. pyup runs as its own process (the
// binary testscript put on PATH), each with a clean environment: HTTPS_PROXY
// is read once per process.
func TestNoCloudTokenInAnyOutput(t *testing.T) {
	bin, err := exec.LookPath("pyup")
	if err != nil {
		t.Skip("no pyup on PATH (run through go test, which sets it up)")
	}
	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{"google", "google-metadata", "google-wif", "aws", "aws-webidentity", "aws-github", "azure", "azure-secret", "azure-pipelines", "azure-msi", "gitlab", "artifactory"}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			work := t.TempDir()
			p, err := startPrivate(kind, work, t.Cleanup)
			if err != nil {
				t.Fatal(err)
			}
			env := []string{"HOME=" + work, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "PYUP_ARTIFACTORY_OIDC_PROVIDER=github-oidc"}
			for k, v := range p.env {
				env = append(env, k+"="+v)
			}
			run := func(args ...string) string {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, args...)
				cmd.Env = env
				out, _ := cmd.CombinedOutput()
				return string(out)
			}
			repo, other := p.env["REPO_URL"], p.env["OTHER_URL"]
			var outputs []string
			for _, args := range [][]string{
				{"upload", "--verbose", "--repository-url", repo, "--non-interactive", "--no-keyring", wheel},
				{"upload", "--verbose", "--json", "--repository-url", repo, "--non-interactive", "--no-keyring", wheel},
				{"whoami", "--verbose", "--repository-url", repo, "--non-interactive", "--no-keyring"},
				{"whoami", "--verbose", "--json", "--repository-url", repo, "--non-interactive", "--no-keyring"},
				{"whoami", "--verbose", "--repository-url", other, "--non-interactive", "--no-keyring"},
				{"upload", "--verbose", "--repository-url", other, "--non-interactive", "--no-keyring", wheel},
			} {
				out := run(args...)
				if strings.TrimSpace(out) == "" {
					t.Errorf("%v: no output at all", args)
				}
				outputs = append(outputs, strings.Join(args[:2], " ")+":\n"+out)
			}
			if len(p.index.Uploads()) == 0 {
				t.Fatalf("no upload reached the index:\n%s", strings.Join(outputs, "\n"))
			}
			s := &secrets{}
			for _, v := range p.Secrets() {
				s.add(v)
			}
			if len(s.vals) == 0 {
				t.Fatal("the scenario handled no secret")
			}
			for i, out := range outputs {
				s.check(t, kind+" run "+string(rune('1'+i)), out)
			}
		})
	}
}

package main

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// counted wraps h to count the requests it serves and those that carried an
// Authorization header.
type counted struct {
	h          http.Handler
	n, withKey atomic.Int32
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	if r.Header.Get("Authorization") != "" {
		c.withKey.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

// TestHostileIndexGetsNoSecretOut runs the CLI against indexes that echo
// every credential they receive back in each channel an answer has (body,
// reason phrase, JSON, HTML, a header), with --verbose, --json and the
// GitHub Actions outputs (annotations, the step summary), and fails if a
// secret appears in any of them.
func TestHostileIndexGetsNoSecretOut(t *testing.T) {
	const apiToken = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ1c2VyIl0AAAYgECHOECHOECHOECHO"
	const requestToken = "gh-request-token-ECHOCANARY-0123456789"
	s, _, gh := leakSetup(t, apiToken, requestToken)

	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	setEnv := func(github bool) {
		for _, k := range []string{"PYUP_PASSWORD", "TWINE_PASSWORD", "PYUP_OIDC_AUDIENCE", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY",
			"ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY"} {
			t.Setenv(k, "")
		}
		t.Setenv("HOME", dir)
		t.Setenv("GITHUB_ACTIONS", "true")
		t.Setenv("GITHUB_STEP_SUMMARY", summary)
		if github {
			t.Setenv("GITHUB_EVENT_NAME", "push")
			t.Setenv("GITHUB_REPOSITORY", "octo/demo")
			t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", gh.URL+"/token?api-version=2.0")
			t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
		}
	}
	outputs := func(out string) string {
		b, _ := os.ReadFile(summary)
		os.Remove(summary)
		return out + "\n" + string(b)
	}

	channels := []uploadtest.EchoChannel{uploadtest.EchoBody, uploadtest.EchoReason, uploadtest.EchoJSON,
		uploadtest.EchoHTML, uploadtest.EchoHeader, uploadtest.EchoAll}
	for _, status := range []int{400, 403, 500} {
		for _, ch := range channels {
			name := string(ch) + " " + http.StatusText(status)
			echo := httptest.NewServer(uploadtest.Echo(status, ch))
			for _, extra := range [][]string{{"--verbose"}, {"--verbose", "--json"}, {"--skip-existing"}} {
				setEnv(false)
				t.Setenv("PYUP_PASSWORD", apiToken)
				args := append([]string{"upload", "--repository-url", echo.URL + "/legacy/", "--non-interactive", "--no-keyring", "--retries", "0"}, extra...)
				out := outputs(runPyup(t, "", append(args, wheel)...))
				if !strings.Contains(out, http.StatusText(status)) && !strings.Contains(out, "no credentials") && !strings.Contains(out, "****") {
					t.Errorf("%s %v: the index's answer is not reported:\n%s", name, extra, out)
				}
				s.check(t, name+" "+strings.Join(extra, " "), out)
			}
			echo.Close()

			// The mint endpoint echoes the ID token back in its refusal.
			mint := http.NewServeMux()
			mint.HandleFunc("GET /_/oidc/audience", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"audience":"pypi"}`))
			})
			mint.Handle("/", uploadtest.Echo(status, ch))
			idx := httptest.NewServer(mint)
			setEnv(true)
			for _, cmd := range [][]string{
				{"upload", "--verbose", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", idx.URL + "/legacy/", "--non-interactive", "--no-keyring", wheel},
				{"whoami", "--verbose", "--json", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", idx.URL + "/legacy/", "--non-interactive", "--no-keyring"},
			} {
				out := outputs(runPyup(t, "", cmd...))
				s.check(t, name+" mint "+cmd[0], out)
			}
			idx.Close()
		}
	}
	if len(s.vals) < 6 {
		t.Fatal("no ID token was handed out: the mint scenarios did not run")
	}
}

// TestNoCredentialBeforeTheURLIsJudged: a plain-http remote index, or one
// naming an audience the user did not, gets no ID token, and the CI's token
// endpoint is not even asked for one.
func TestNoCredentialBeforeTheURLIsJudged(t *testing.T) {
	keyring.MockInit()
	iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
	if err != nil {
		t.Fatal(err)
	}
	gh := &counted{h: iss.GitHubHandler("request-token-0123456789")}
	ghSrv := httptest.NewServer(gh)
	defer ghSrv.Close()
	// An index that names another cloud's audience.
	idx := &counted{h: oidctest.NewMintServer("sts.amazonaws.com", []*oidctest.Issuer{iss}, oidctest.Publisher{Repository: "octo/demo", Workflow: "release.yml"})}
	idxSrv := httptest.NewServer(idx)
	defer idxSrv.Close()
	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("PYUP_PASSWORD", "")
	t.Setenv("TWINE_PASSWORD", "")
	t.Setenv("PYUP_OIDC_AUDIENCE", "")
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_EVENT_NAME", "push")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", ghSrv.URL+"/token?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-0123456789")

	cases := []struct {
		name, url, want string
		extra           []string
	}{
		{"plain http remote", "http://pypi.invalid/legacy/", "plain http", nil},
		{"plain http private index", "http://pypi.internal.invalid:8080/", "plain http", nil},
		{"audience not named", idxSrv.URL + "/legacy/", "--oidc-audience sts.amazonaws.com", nil},
		{"audience named differently", idxSrv.URL + "/legacy/", `not the expected "pypi"`, []string{"--oidc-audience", "pypi"}},
	}
	for _, c := range cases {
		for _, verb := range []string{"upload", "whoami"} {
			args := append([]string{verb, "--trusted-publishing", "always", "--repository-url", c.url, "--non-interactive", "--no-keyring"}, c.extra...)
			if verb == "upload" {
				args = append(args, wheel)
			}
			out := runPyup(t, "", args...)
			if !strings.Contains(out, c.want) {
				t.Errorf("%s, %s: output does not say %q:\n%s", c.name, verb, c.want, out)
			}
		}
	}
	if n := gh.n.Load(); n != 0 {
		t.Fatalf("the CI's token endpoint was asked for %d ID tokens", n)
	}
	if n := idx.withKey.Load(); n != 0 {
		t.Fatalf("%d requests carried a credential to the index", n)
	}
}

// TestNoRedirectDowngradesScheme: an https index whose simple API redirects
// to plain http is not followed there (the upload then goes to the https
// index, which refuses a duplicate itself).
func TestNoRedirectDowngradesScheme(t *testing.T) {
	keyring.MockInit()
	const apiToken = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ1c2VyIl0AAAYgREDIRREDIRREDIR"
	plain := &counted{h: uploadtest.New(uploadtest.WithToken(apiToken))}
	plainSrv := httptest.NewServer(plain)
	defer plainSrv.Close()
	ix := uploadtest.New(uploadtest.WithToken(apiToken))
	redirect := uploadtest.RedirectToHTTP(plainSrv.URL)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/simple/") {
			redirect.ServeHTTP(w, r)
			return
		}
		ix.ServeHTTP(w, r)
	}))
	defer secure.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("PYUP_PASSWORD", apiToken)
	out := runPyup(t, "", "upload", "--verbose", "--skip-existing", "--cert", ca, "--repository-url", secure.URL+"/legacy/", "--non-interactive", "--no-keyring", "--retries", "0", wheel)
	if !strings.Contains(out, "from https to http") {
		t.Errorf("the downgrade is not reported:\n%s", out)
	}
	if n := plain.n.Load(); n != 0 {
		t.Fatalf("%d requests followed the redirect to plain http", n)
	}
}

// TestHostileAnswersDoNotHangTheCLI: an index that drips its answer to an
// upload one byte a second, or serves a simple page of a million links,
// costs pyup a bounded time, whatever the page or the drip would have cost.
func TestHostileAnswersDoNotHangTheCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s bound on a dripping answer")
	}
	keyring.MockInit()
	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("PYUP_PASSWORD", "pypi-not-needed-by-these-indexes")

	// 200 OK, then a byte a second for an hour.
	drip := httptest.NewServer(uploadtest.Drip(time.Second, 3600))
	defer drip.Close()
	done := make(chan string, 1)
	go func() {
		done <- runPyup(t, "", "upload", "--repository-url", drip.URL+"/legacy/", "--non-interactive", "--no-keyring", "--retries", "0", wheel)
	}()
	select {
	case out := <-done:
		if !strings.Contains(out, "uploaded") {
			t.Errorf("a 200 answer is an upload, however it drips:\n%s", out)
		}
	case <-time.After(45 * time.Second):
		t.Fatal("pyup was still reading a dripping answer after 45 s")
	}

	// A simple page of 1,000,000 links (about 130 MB of HTML): refused at
	// the page limit, and the upload goes ahead.
	ix := uploadtest.New()
	huge := uploadtest.HugeSimplePage(1_000_000, false)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/simple/") {
			huge.ServeHTTP(w, r)
			return
		}
		ix.ServeHTTP(w, r)
	}))
	defer srv.Close()
	go func() {
		done <- runPyup(t, "", "upload", "--skip-existing", "--repository-url", srv.URL+"/legacy/", "--non-interactive", "--no-keyring", wheel)
	}()
	select {
	case out := <-done:
		if !strings.Contains(out, "pyup: warning: cannot ask the index") || len(ix.Uploads()) != 1 {
			t.Errorf("the huge page was not refused, or the upload did not go ahead (%d uploads):\n%s", len(ix.Uploads()), out)
		}
	case <-time.After(45 * time.Second):
		t.Fatal("pyup was still reading a huge simple page after 45 s")
	}
}

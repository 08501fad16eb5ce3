package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// scriptCmds are the custom commands test scripts may use:
//
//	mkdist wheel|sdist DIR [key=value...]   write a distribution (disttest)
//	fakeindex [flags]                        start a PyPI-like index; sets INDEX_URL, SIMPLE_URL
//	indexposts N                             the index received exactly N upload POSTs
//	indexfiles PROJECT N                     the index holds exactly N files of PROJECT
//	fakegithub [flags]                       start a GitHub Actions OIDC issuer + the index's mint endpoint
//	indexfield NAME REGEXP                   the last upload's form field NAME matches REGEXP
//	fakeci PROVIDER [flags]                  the same for GitLab CI, Buildkite, CircleCI or Google Cloud
//	indexattested N                          exactly N uploads carried an attestations field
//	sigstorecerts N                          the fake Fulcio issued exactly N certificates
//	fakeprivate KIND                         a private index (Google, AWS, Azure, GitLab, Artifactory) and its token service
//	cloudtokens N                            that token service issued exactly N tokens
//	fakesigstore, attestdist                 see script_attest_test.go
//
// fakegithub and fakeci also start the script's fake Sigstore (as
// fakesigstore does) and serve it as Fulcio and Rekor to pyup
// (PYUP_FULCIO_URL, PYUP_REKOR_URL), trusting their issuer.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"fakesigstore":  cmdFakeSigstore,
		"attestdist":    cmdAttestDist,
		"mkdist":        cmdMkdist,
		"fakeindex":     cmdFakeIndex,
		"indexposts":    cmdIndexPosts,
		"indexfiles":    cmdIndexFiles,
		"fakegithub":    cmdFakeGitHub,
		"fakeci":        cmdFakeCI,
		"indexfield":    cmdIndexField,
		"indexattested": cmdIndexAttested,
		"sigstorecerts": cmdSigstoreCerts,
		"fakeprivate":   cmdFakePrivate,
		"cloudtokens":   cmdCloudTokens,
	}
}

// scriptState keeps each script's servers, keyed by the script's work dir.
var scriptState = struct {
	sync.Mutex
	indexes map[string]*uploadtest.Index
	mints   map[string]*oidctest.MintServer
	clouds  map[string]cloudFake
}{indexes: map[string]*uploadtest.Index{}, mints: map[string]*oidctest.MintServer{}, clouds: map[string]cloudFake{}}

// mkdist wheel|sdist DIR key=value...: keys name, version, mv (Metadata-Version),
// ct (Description-Content-Type), body, set=Header:Value, add=Header:Value,
// drop=Header, classifier, filename, truncate, tags=py-abi-plat.
func cmdMkdist(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: mkdist wheel|sdist DIR [key=value...]")
	}
	var opts []disttest.Opt
	var classifiers []string
	for _, kv := range args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("mkdist: %q is not key=value", kv)
		}
		switch k {
		case "name":
			opts = append(opts, disttest.Name(v))
		case "version":
			opts = append(opts, disttest.Version(v))
		case "mv":
			opts = append(opts, disttest.MetadataVersion(v))
		case "ct":
			opts = append(opts, disttest.ContentType(v))
		case "body":
			opts = append(opts, disttest.Body(strings.ReplaceAll(v, `\n`, "\n")))
		case "bodyfile":
			b, err := os.ReadFile(ts.MkAbs(v))
			ts.Check(err)
			opts = append(opts, disttest.Body(string(b)))
		case "set", "add":
			h, val, _ := strings.Cut(v, ":")
			if k == "set" {
				opts = append(opts, disttest.SetHeader(h, strings.TrimSpace(val)))
			} else {
				opts = append(opts, disttest.Header(h, strings.TrimSpace(val)))
			}
		case "drop":
			opts = append(opts, disttest.DropHeader(v))
		case "classifier":
			classifiers = append(classifiers, v)
		case "filename":
			opts = append(opts, disttest.Filename(v))
		case "truncate":
			n, err := strconv.ParseInt(v, 10, 64)
			ts.Check(err)
			opts = append(opts, disttest.Truncate(n))
		case "tags":
			p := strings.SplitN(v, "-", 3)
			if len(p) != 3 {
				ts.Fatalf("mkdist: tags=py-abi-platform")
			}
			opts = append(opts, disttest.Tags(p[0], p[1], p[2]))
		case "file":
			name, data, _ := strings.Cut(v, ":")
			opts = append(opts, disttest.File(name, []byte(data)))
		default:
			ts.Fatalf("mkdist: unknown key %q", k)
		}
	}
	if len(classifiers) > 0 {
		opts = append(opts, disttest.Classifiers(classifiers...))
	}
	dir := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dir, 0o755))
	var path string
	var err error
	switch args[0] {
	case "wheel":
		path, err = disttest.BuildWheel(dir, opts...)
	case "sdist":
		path, err = disttest.BuildSdist(dir, opts...)
	default:
		ts.Fatalf("mkdist: wheel or sdist, not %q", args[0])
	}
	ts.Check(err)
	ts.Logf("mkdist: wrote %s", filepath.Base(path))
}

// fakeindex [-token T] [-fail N:STATUS] [-429 N:RETRYAFTER] [-reset N] [-stall N:DUR]
// [-lose N] [-dialect NAME] [-html] [-preload PROJECT:PATH]
// [-attest OWNER/REPO:WORKFLOW] (check attestations against the fakesigstore,
// trusted publisher that GitHub workflow; needs fakesigstore first)
func cmdFakeIndex(ts *testscript.TestScript, neg bool, args []string) {
	var opts []uploadtest.Option
	pair := func(s string) (int, string) {
		a, b, _ := strings.Cut(s, ":")
		n, err := strconv.Atoi(a)
		ts.Check(err)
		return n, b
	}
	for i := 0; i < len(args); i++ {
		next := func() string {
			i++
			if i >= len(args) {
				ts.Fatalf("fakeindex: %s needs a value", args[i-1])
			}
			return args[i]
		}
		switch args[i] {
		case "-token":
			opts = append(opts, uploadtest.WithToken(next()))
		case "-fail":
			n, s := pair(next())
			code, err := strconv.Atoi(s)
			ts.Check(err)
			opts = append(opts, uploadtest.FailFirst(n, code))
		case "-429":
			n, s := pair(next())
			opts = append(opts, uploadtest.TooManyRequests(n, s))
		case "-reset":
			n, _ := pair(next())
			opts = append(opts, uploadtest.ResetMidBody(n))
		case "-lose":
			n, _ := pair(next())
			opts = append(opts, uploadtest.LoseAnswer(n))
		case "-stall":
			n, s := pair(next())
			d, err := time.ParseDuration(s)
			ts.Check(err)
			opts = append(opts, uploadtest.Stall(n, d))
		case "-dialect":
			opts = append(opts, uploadtest.Dialect(next()))
		case "-html":
			opts = append(opts, uploadtest.WithHTMLOnly())
		case "-attest":
			opts = append(opts, attestIndexOptions(ts, next())...)
		case "-preload":
			project, path, _ := strings.Cut(next(), ":")
			b, err := os.ReadFile(ts.MkAbs(path))
			ts.Check(err)
			opts = append(opts, uploadtest.WithFile(project, filepath.Base(path), b))
		default:
			ts.Fatalf("fakeindex: unknown flag %q", args[i])
		}
	}
	key := ts.Getenv("WORK")
	scriptState.Lock()
	mint := scriptState.mints[key]
	scriptState.Unlock()
	var ix *uploadtest.Index
	if mint != nil {
		opts = append(opts, uploadtest.WithHandler("/_/oidc/", mint))
	}
	ix = uploadtest.New(opts...)
	if mint != nil {
		mint.OnMint = func(token string, _ time.Time) { ix.AddMintedToken(token) }
	}
	srv := httptest.NewServer(ix)
	ts.Defer(srv.Close)
	scriptState.Lock()
	scriptState.indexes[key] = ix
	scriptState.Unlock()
	ts.Defer(func() {
		scriptState.Lock()
		defer scriptState.Unlock()
		delete(scriptState.indexes, key)
		delete(scriptState.mints, key)
	})
	ts.Setenv("INDEX_URL", srv.URL+"/legacy/")
	ts.Setenv("SIMPLE_URL", srv.URL+"/simple/")
	ts.Setenv("INDEX_BASE", srv.URL)
}

func index(ts *testscript.TestScript) *uploadtest.Index {
	scriptState.Lock()
	ix, ok := scriptState.indexes[ts.Getenv("WORK")]
	scriptState.Unlock()
	if !ok {
		ts.Fatalf("no fakeindex running")
	}
	return ix
}

func cmdIndexPosts(ts *testscript.TestScript, neg bool, args []string) {
	want := countArg(ts, args, 0, "indexposts N")
	checkCount(ts, neg, index(ts).Posts(), want, "upload POSTs the index received")
}

func cmdIndexFiles(ts *testscript.TestScript, neg bool, args []string) {
	want := countArg(ts, args, 1, "indexfiles PROJECT N")
	checkCount(ts, neg, len(index(ts).Files(args[0])), want, "files of "+args[0]+" the index holds")
}

// countArg returns a counting command's N: args[n], its last argument.
func countArg(ts *testscript.TestScript, args []string, n int, usage string) int {
	if len(args) != n+1 {
		ts.Fatalf("usage: %s", usage)
	}
	want, err := strconv.Atoi(args[n])
	ts.Check(err)
	return want
}

// checkCount fails the script unless got equals want (or, negated, does
// not).
func checkCount(ts *testscript.TestScript, neg bool, got, want int, what string) {
	if (got == want) == neg {
		not := ""
		if neg {
			not = "not "
		}
		ts.Fatalf("%d %s, want %s%d", got, what, not, want)
	}
}

// fakegithub [-repo OWNER/NAME] [-workflow FILE] [-publisher-repo OWNER/NAME]
// [-no-permission] [-disabled]: an OIDC issuer behind a fake GitHub Actions
// token endpoint, and a mint server that the next fakeindex mounts. It sets
// the GitHub Actions environment pyup reads.
func cmdFakeGitHub(ts *testscript.TestScript, neg bool, args []string) {
	repo, workflow, pubRepo := "octo/demo", "release.yml", ""
	noPerm, disabled := false, false
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-repo":
			i++
			repo = args[i]
		case "-workflow":
			i++
			workflow = args[i]
		case "-publisher-repo":
			i++
			pubRepo = args[i]
		case "-no-permission":
			noPerm = true
		case "-disabled":
			disabled = true
		default:
			ts.Fatalf("fakegithub: unknown flag %q", args[i])
		}
	}
	if pubRepo == "" {
		pubRepo = repo
	}
	iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims(repo, workflow, "refs/heads/main")))
	ts.Check(err)
	const requestToken = "gh-request-token-for-tests"
	gh := httptest.NewServer(iss.GitHubHandler(requestToken))
	ts.Defer(gh.Close)
	mint := oidctest.NewMintServer("pypi", []*oidctest.Issuer{iss}, oidctest.Publisher{Repository: pubRepo, Workflow: workflow})
	mint.Disabled = disabled
	serveSigstore(ts, iss)
	scriptState.Lock()
	scriptState.mints[ts.Getenv("WORK")] = mint
	scriptState.Unlock()
	ts.Setenv("GITHUB_ACTIONS", "true")
	ts.Setenv("GITHUB_REPOSITORY", repo)
	ts.Setenv("GITHUB_EVENT_NAME", "push")
	if noPerm {
		ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "")
		ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
	} else {
		ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", gh.URL+"/token?api-version=2.0")
		ts.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
	}
}

var _ http.Handler = (*uploadtest.Index)(nil)

// fakeci gitlab|buildkite|circleci|google [-subject S]: an OIDC issuer for
// that CI system, its token delivered the way the system delivers it (an
// environment variable, an agent CLI on PATH, the metadata server), and a
// mint server trusting it (publisher subject S, default the token's) that
// the next fakeindex mounts.
func cmdFakeCI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: fakeci gitlab|buildkite|circleci|google [-subject S]")
	}
	provider := args[0]
	subject := "project_path:octo/demo:ref_type:branch:ref:main"
	pubSubject := ""
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "-subject":
			i++
			pubSubject = args[i]
		default:
			ts.Fatalf("fakeci: unknown flag %q", args[i])
		}
	}
	if pubSubject == "" {
		pubSubject = subject
	}
	issuerURL := map[string]string{
		"gitlab":    "https://gitlab.com",
		"buildkite": "https://agent.buildkite.com",
		"circleci":  "https://oidc.circleci.com/org/0000",
		"google":    "https://accounts.google.com",
	}[provider]
	if issuerURL == "" {
		ts.Fatalf("fakeci: unknown provider %q", provider)
	}
	iss, err := oidctest.NewIssuer(oidctest.WithIssuerURL(issuerURL), oidctest.WithClaims(oidctest.TokenClaims{Subject: subject, Email: "publisher@example.iam.gserviceaccount.com"}))
	ts.Check(err)
	mint := oidctest.NewMintServer("pypi", []*oidctest.Issuer{iss}, oidctest.Publisher{Issuer: issuerURL, Subject: pubSubject})
	serveSigstore(ts, iss)
	scriptState.Lock()
	scriptState.mints[ts.Getenv("WORK")] = mint
	scriptState.Unlock()
	token := func() string {
		tok, err := iss.Issue(oidctest.TokenClaims{Subject: subject, Audience: []string{"pypi"}})
		ts.Check(err)
		return tok
	}
	switch provider {
	case "gitlab":
		ts.Setenv("GITLAB_CI", "true")
		ts.Setenv("PYPI_ID_TOKEN", token())
		// GitLab delivers one variable per id_tokens: entry; a job that
		// signs declares SIGSTORE_ID_TOKEN with aud: sigstore.
		sig, err := iss.Issue(oidctest.TokenClaims{Subject: subject, Audience: []string{attest.SigstoreAudience}, Extra: map[string]any{
			"project_path":      "octo/demo",
			"ci_config_ref_uri": "gitlab.com/octo/demo//.gitlab-ci.yml@refs/heads/main",
		}})
		ts.Check(err)
		ts.Setenv("SIGSTORE_ID_TOKEN", sig)
	case "buildkite", "circleci":
		bin := ts.MkAbs("fakebin")
		ts.Check(os.MkdirAll(bin, 0o755))
		ts.Check(oidctest.WriteFakeCLIs(bin, token()))
		ts.Setenv("PATH", bin+string(os.PathListSeparator)+ts.Getenv("PATH"))
		ts.Setenv(strings.ToUpper(provider), "true")
	case "google":
		md := httptest.NewServer(iss.GoogleMetadataHandler("fake-access-token"))
		ts.Defer(md.Close)
		ts.Setenv("GCE_METADATA_HOST", strings.TrimPrefix(md.URL, "http://"))
	}
}

func cmdIndexField(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: indexfield NAME REGEXP")
	}
	ups := index(ts).Uploads()
	if len(ups) == 0 {
		ts.Fatalf("no upload received")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	vals := ups[len(ups)-1].Field(args[0])
	found := false
	for _, v := range vals {
		if re.MatchString(v) {
			found = true
		}
	}
	if found == neg {
		ts.Fatalf("field %s = %q; want %smatch for %s", args[0], vals, map[bool]string{true: "no ", false: ""}[neg], args[1])
	}
}

func cmdIndexAttested(ts *testscript.TestScript, neg bool, args []string) {
	want := countArg(ts, args, 0, "indexattested N")
	got := 0
	for _, u := range index(ts).Uploads() {
		if len(u.Field("attestations")) > 0 {
			got++
		}
	}
	checkCount(ts, neg, got, want, "uploads that carried attestations")
}

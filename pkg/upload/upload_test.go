package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// sleeps records retry delays instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newClient(t testing.TB, url string, opts ...upload.Option) *upload.Client {
	t.Helper()
	c, err := upload.New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUploadStreamsTheFormTwineSends(t *testing.T) {
	ix, srv := newIndex(t, uploadtest.WithToken(testToken))
	dir := t.TempDir()
	content := randomBytes(t, 300<<10)
	d := newDist(t, dir, "demo_pkg-1.0-py3-none-any.whl", content,
		dist.Field{Name: "Classifier", Value: "Programming Language :: Python :: 3"},
		dist.Field{Name: "Classifier", Value: "License :: OSI Approved :: MIT License"},
	)
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)), upload.WithUserAgent("1.2.3"))
	att := []byte(`[{"version":1}]`)
	r := c.Upload(context.Background(), upload.File{Dist: d, Attestations: att})
	if r.Err != nil || r.Status != upload.StatusUploaded || r.Attempts != 1 {
		t.Fatalf("result = %+v", r)
	}
	ups := ix.Uploads()
	if len(ups) != 1 {
		t.Fatalf("uploads = %d", len(ups))
	}
	u := ups[0]
	if u.SHA256 != d.SHA256 || u.Blake2b256 != d.Blake2b256 || u.Size != d.Size {
		t.Errorf("received digests %s %s size %d", u.SHA256, u.Blake2b256, u.Size)
	}
	if !u.FileLast {
		t.Error("content was not the last part")
	}
	if u.ContentLength <= d.Size {
		t.Errorf("Content-Length = %d, want a known length above the file size (no chunking)", u.ContentLength)
	}
	if !strings.HasPrefix(u.UserAgent, "pyup/1.2.3 (") {
		t.Errorf("User-Agent = %q", u.UserAgent)
	}
	if u.Username != "__token__" {
		t.Errorf("username = %q", u.Username)
	}
	if got := u.Field("classifiers"); len(got) != 2 {
		t.Errorf("classifiers = %q", got)
	}
	if got := u.Field("attestations"); len(got) != 1 || got[0] != string(att) {
		t.Errorf("attestations = %q", got)
	}
	for _, k := range []string{":action", "protocol_version", "filetype", "pyversion", "metadata_version", "name", "version", "description"} {
		if len(u.Field(k)) != 1 {
			t.Errorf("field %s = %q", k, u.Field(k))
		}
	}
	files := ix.Files("Demo-Pkg")
	if len(files) != 1 || !bytes.Equal(files[0].Content, content) {
		t.Fatalf("stored = %+v", files)
	}
}

func TestFormFields(t *testing.T) {
	d := &dist.Dist{
		Filename: "my_pkg-2.0-py2.py3-none-any.whl", Kind: dist.Wheel, PyVersion: "py2.py3",
		SHA256: strings.Repeat("a", 64), Blake2b256: strings.Repeat("b", 64),
		Metadata: &dist.Metadata{Fields: []dist.Field{
			{Name: "Metadata-Version", Value: "2.1"},
			{Name: "Name", Value: "my_pkg"},
			{Name: "Version", Value: "2.0"},
			{Name: "Keywords", Value: "a,b , c"},
			{Name: "Project-URL", Value: "Homepage,https://example.org"},
			{Name: "Classifier", Value: "X :: Y"},
			{Name: "Platform", Value: "any"},
			{Name: "License-File", Value: "LICENSE"},
			{Name: "Requires-Dist", Value: "requests>=2"},
			{Name: "Requires-Dist", Value: "idna"},
			{Name: "X-Unknown", Value: "dropped"},
			{Name: "Description-Content-Type", Value: "text/markdown"},
		}, Body: "body text\n"},
	}
	want := [][2]string{
		{"metadata_version", "2.1"},
		{"name", "my-pkg"},
		{"version", "2.0"},
		{"keywords", "a, b, c"},
		{"project_urls", "Homepage, https://example.org"},
		{"classifiers", "X :: Y"},
		{"platform", "any"},
		{"requires_dist", "requests>=2"},
		{"requires_dist", "idna"},
		{"description_content_type", "text/markdown"},
		{"description", "body text\n"},
		{"requires_python", ""},
		{"pyversion", "py2.py3"},
		{"filetype", "bdist_wheel"},
		{"sha256_digest", strings.Repeat("a", 64)},
		{"blake2_256_digest", strings.Repeat("b", 64)},
		{":action", "file_upload"},
		{"protocol_version", "1"},
	}
	if got := upload.FormFields(d); !reflect.DeepEqual(got, want) {
		t.Errorf("FormFields =\n%q\nwant\n%q", got, want)
	}

	// Metadata 2.4 keeps License-File; an old Description header has its
	// continuation indentation removed.
	d.Metadata = &dist.Metadata{Fields: []dist.Field{
		{Name: "Metadata-Version", Value: "2.4"},
		{Name: "Name", Value: "p"},
		{Name: "Version", Value: "1"},
		{Name: "License-File", Value: "LICENSE"},
		{Name: "Description", Value: "Title\n        =====\n\n        Text"},
		{Name: "Requires-Python", Value: ">=3.9"},
	}}
	got := upload.FormFields(d)
	has := func(k, v string) bool {
		for _, f := range got {
			if f[0] == k && f[1] == v {
				return true
			}
		}
		return false
	}
	if !has("license_file", "LICENSE") || !has("description", "Title\n=====\n\nText") || !has("requires_python", ">=3.9") {
		t.Errorf("FormFields = %q", got)
	}
}

func TestWrongTokenIsUnauthorizedAndNeverEchoed(t *testing.T) {
	_, srv := newIndex(t, uploadtest.WithToken(testToken))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("sdist"))
	var logs []string
	var mu sync.Mutex
	logf := func(f string, a ...any) { mu.Lock(); logs = append(logs, fmt.Sprintf(f, a...)); mu.Unlock() }
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", "pypi-wrong-secret")), upload.WithLogger(logf))
	r := c.Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusFailed || !errors.Is(r.Err, upload.ErrUnauthorized) || r.Attempts != 1 {
		t.Fatalf("result = %+v", r)
	}
	var he *upload.HTTPError
	if !errors.As(r.Err, &he) || he.StatusCode != 403 || !strings.Contains(he.Reason, "Invalid or non-existent authentication information") {
		t.Fatalf("err = %v", r.Err)
	}
	msg := r.Err.Error()
	if !strings.HasPrefix(msg, "demo-1.0.tar.gz: POST "+srv.URL+"/legacy/: 403 Invalid") || strings.Contains(msg, "\n") {
		t.Errorf("message = %q", msg)
	}
	all := strings.Join(logs, "\n") + msg
	if strings.Contains(all, "wrong-secret") {
		t.Error("the password leaked into a log line or error")
	}
	if !strings.Contains(all, "Authorization: Basic <redacted>") {
		t.Errorf("log = %q", logs)
	}

	c = newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("alice", "hunter2")))
	r = c.Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrUnauthorized) || !strings.Contains(r.Err.Error(), "Username/Password authentication is no longer supported") {
		t.Fatalf("err = %v", r.Err)
	}
}

func TestStatusLineCarriesTheMessage(t *testing.T) {
	_, srv := newIndex(t, uploadtest.WithToken(testToken))
	resp, err := http.Post(srv.URL+"/legacy/", "multipart/form-data; boundary=x", strings.NewReader("--x--\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Status, "403 Invalid or non-existent authentication information.") {
		t.Errorf("Status = %q", resp.Status)
	}
}

func TestInsecureURL(t *testing.T) {
	creds := upload.WithCredentials(upload.BasicAuth("__token__", "pypi-x"))
	_, err := upload.New("http://index.example.com/legacy/", creds)
	if !errors.Is(err, upload.ErrInsecureURL) || strings.Contains(err.Error(), "pypi-x") {
		t.Fatalf("err = %v", err)
	}
	for _, u := range []string{"http://127.0.0.1:8080/legacy/", "http://[::1]/legacy/", "http://localhost/legacy/", "https://index.example.com/legacy/"} {
		if _, err := upload.New(u, creds); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := upload.New("http://index.example.com/legacy/"); err != nil {
		t.Errorf("without credentials: %v", err)
	}
	if _, err := upload.New("https://u:p@index.example.com/legacy/"); err == nil || strings.Contains(err.Error(), ":p@") {
		t.Errorf("URL with credentials: %v", err)
	}
}

func TestSplitURLCredentials(t *testing.T) {
	clean, u, p, err := upload.SplitURLCredentials("https://alice:s%40cret@index.example.com/legacy/")
	if err != nil || clean != "https://index.example.com/legacy/" || u != "alice" || p != "s@cret" {
		t.Fatalf("got %q %q %q %v", clean, u, p, err)
	}
	_, _, _, err = upload.SplitURLCredentials("https://alice:topsecret@bad host/")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("err = %v", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	ix, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("sdist"))
	r := newClient(t, srv.URL+"/legacy").Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrRedirect) || !strings.Contains(r.Err.Error(), "use "+srv.URL+"/legacy/") || r.Attempts != 1 {
		t.Fatalf("result = %+v", r)
	}
	if n := len(ix.Files("demo")); n != 0 {
		t.Errorf("stored %d files", n)
	}
}

func TestRetriesTransientStatuses(t *testing.T) {
	ix, srv := newIndex(t, uploadtest.FailFirst(2, 503))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("sdist"))
	var s sleeps
	r := newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep), upload.WithBackoff(time.Second, 4*time.Second)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded || r.Attempts != 3 || ix.Posts() != 3 {
		t.Fatalf("result = %+v", r)
	}
	ds := s.all()
	if len(ds) != 2 || ds[0] < 500*time.Millisecond || ds[0] > time.Second || ds[1] < time.Second || ds[1] > 2*time.Second {
		t.Errorf("delays = %v", ds)
	}

	_, srv = newIndex(t, uploadtest.FailFirst(10, 502))
	r = newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep), upload.WithRetries(2)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusFailed || r.Attempts != 3 || !strings.Contains(r.Err.Error(), "502") || !strings.Contains(r.Err.Error(), "gave up after 3 attempts") {
		t.Fatalf("result = %+v", r)
	}

	_, srv = newIndex(t, uploadtest.FailFirst(1, 400))
	r = newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusFailed || r.Attempts != 1 {
		t.Fatalf("400 was retried: %+v", r)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	_, srv := newIndex(t, uploadtest.TooManyRequests(1, "7"))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("sdist"))
	var s sleeps
	r := newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded || r.Attempts != 2 {
		t.Fatalf("result = %+v", r)
	}
	if ds := s.all(); len(ds) != 1 || ds[0] != 7*time.Second {
		t.Errorf("delays = %v", ds)
	}

	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	_, srv = newIndex(t, uploadtest.TooManyRequests(1, date))
	s = sleeps{}
	newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
	if ds := s.all(); len(ds) != 1 || ds[0] < 80*time.Second || ds[0] > 91*time.Second {
		t.Errorf("delays = %v", ds)
	}
}

func TestRetriesAConnectionResetMidBody(t *testing.T) {
	ix, srv := newIndex(t, uploadtest.ResetMidBody(1))
	content := randomBytes(t, 4<<20)
	d := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", content)
	var s sleeps
	r := newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded || r.Attempts != 2 {
		t.Fatalf("result = %+v", r)
	}
	if f := ix.Files("demo"); len(f) != 1 || !bytes.Equal(f[0].Content, content) {
		t.Fatal("file not stored intact")
	}
}

func TestStallWatchdogCancelsAndRetries(t *testing.T) {
	// The body fits in the socket buffers, so the client sees a server that
	// never answers: the watchdog allows 5x the stall timeout for the answer.
	_, srv := newIndex(t, uploadtest.Stall(1, 3*time.Second))
	d := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", randomBytes(t, 64<<10))
	var s sleeps
	start := time.Now()
	r := newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep), upload.WithStallTimeout(200*time.Millisecond)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded || r.Attempts != 2 {
		t.Fatalf("result = %+v", r)
	}
	if el := time.Since(start); el > 2900*time.Millisecond {
		t.Errorf("took %v: the watchdog did not cut the stalled attempt", el)
	}

	_, srv = newIndex(t, uploadtest.Stall(5, 2*time.Second))
	r = newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep), upload.WithRetries(0), upload.WithStallTimeout(100*time.Millisecond)).Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrStalled) || r.Attempts != 1 {
		t.Fatalf("err = %v", r.Err)
	}
}

func TestLostAnswerThenExistsIsSuccess(t *testing.T) {
	for _, dialect := range []string{"pypi", "pypiserver", "artifactory"} {
		t.Run(dialect, func(t *testing.T) {
			ix, srv := newIndex(t, uploadtest.LoseAnswer(1), uploadtest.Dialect(dialect))
			d := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", randomBytes(t, 64<<10))
			var s sleeps
			r := newClient(t, srv.URL+"/legacy/", upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
			if r.Status != upload.StatusUploaded || r.Attempts != 2 || r.Err != nil {
				t.Fatalf("result = %+v", r)
			}
			if n := len(ix.Files("demo")); n != 1 {
				t.Errorf("files = %d", n)
			}
		})
	}
}

func TestAlreadyExistsDialects(t *testing.T) {
	for _, dialect := range []string{"pypi", "pypiserver", "gitea", "nexus", "artifactory", "gitlab", "azure"} {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			content := []byte("wheel bytes")
			d := newDist(t, dir, "demo-1.0-py3-none-any.whl", content)
			other := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", []byte("other bytes"))

			// Same file on the index: success without skip-existing.
			_, srv := newIndex(t, uploadtest.Dialect(dialect), uploadtest.WithFile("demo", d.Filename, content))
			r := newClient(t, srv.URL+"/legacy/").Upload(context.Background(), upload.File{Dist: d})
			if r.Err != nil {
				t.Fatalf("identical: %v", r.Err)
			}
			if dialect != "pypi" && (r.Status != upload.StatusSkipped || r.Message != "already on the index") {
				t.Errorf("identical: %+v", r)
			}

			// Another file of that name: both hashes named.
			r = newClient(t, srv.URL+"/legacy/").Upload(context.Background(), upload.File{Dist: other})
			if !errors.Is(r.Err, upload.ErrHashMismatch) || !strings.Contains(r.Err.Error(), d.SHA256) || !strings.Contains(r.Err.Error(), other.SHA256) {
				t.Fatalf("different: %v", r.Err)
			}

			// No way to compare: ErrFileExists, or skipped with skip-existing.
			r = newClient(t, srv.URL+"/legacy/", upload.WithCheckURL("")).Upload(context.Background(), upload.File{Dist: other})
			if !errors.Is(r.Err, upload.ErrFileExists) || errors.Is(r.Err, upload.ErrUnauthorized) {
				t.Fatalf("unverifiable: %v", r.Err)
			}
			r = newClient(t, srv.URL+"/legacy/", upload.WithCheckURL(""), upload.WithSkipExisting(true)).Upload(context.Background(), upload.File{Dist: other})
			if r.Status != upload.StatusSkipped || r.Err != nil {
				t.Fatalf("unverifiable with skip-existing: %+v", r)
			}
		})
	}
}

func TestSkipExistingAsksFirst(t *testing.T) {
	content := []byte("sdist bytes")
	for _, htmlOnly := range []bool{false, true} {
		opts := []uploadtest.Option{uploadtest.WithFile("Demo", "demo-1.0.tar.gz", content)}
		if htmlOnly {
			opts = append(opts, uploadtest.WithHTMLOnly())
		}
		ix, srv := newIndex(t, opts...)
		d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", content)
		c := newClient(t, srv.URL+"/legacy/", upload.WithSkipExisting(true))
		r := c.Upload(context.Background(), upload.File{Dist: d})
		if r.Status != upload.StatusSkipped || r.Attempts != 0 || ix.Posts() != 0 {
			t.Fatalf("html=%v: %+v", htmlOnly, r)
		}
		other := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("changed"))
		r = c.Upload(context.Background(), upload.File{Dist: other})
		if !errors.Is(r.Err, upload.ErrHashMismatch) || ix.Posts() != 0 {
			t.Fatalf("html=%v: %+v", htmlOnly, r)
		}
		got, err := c.Existing(context.Background(), "DEMO")
		if err != nil || got["demo-1.0.tar.gz"] != d.SHA256 {
			t.Fatalf("Existing = %v, %v", got, err)
		}
		got, err = c.Existing(context.Background(), "unknown-project")
		if err != nil || len(got) != 0 {
			t.Fatalf("Existing(unknown) = %v, %v", got, err)
		}
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	ix, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	r := newClient(t, srv.URL+"/legacy/", upload.WithDryRun(true)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusWouldUpload || ix.Posts() != 0 {
		t.Fatalf("result = %+v", r)
	}
}

// countingCreds counts calls and hands out a new token on each.
type countingCreds struct{ n atomic.Int32 }

func (c *countingCreds) Credentials(context.Context) (string, string, error) {
	c.n.Add(1)
	return "__token__", testToken, nil
}

func TestCredentialsAskedPerAttemptAndScopedToTheHost(t *testing.T) {
	_, srv := newIndex(t, uploadtest.WithToken(testToken), uploadtest.FailFirst(1, 500))
	var sawAuth atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			sawAuth.Store(true)
		}
		http.NotFound(w, r)
	}))
	defer other.Close()
	creds := &countingCreds{}
	var s sleeps
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(creds), upload.WithSleep(s.sleep),
		upload.WithCheckURL(other.URL+"/simple/"), upload.WithSkipExisting(true))
	r := c.Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded || r.Attempts != 2 {
		t.Fatalf("result = %+v", r)
	}
	if n := creds.n.Load(); n != 2 {
		t.Errorf("Credentials called %d times, want once per attempt", n)
	}
	if sawAuth.Load() {
		t.Error("credentials were sent to the check URL's host")
	}
}

func TestCredentialsFailureIsNotRetried(t *testing.T) {
	_, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	bad := credsFunc(func(context.Context) (string, string, error) { return "", "", errors.New("mint failed") })
	r := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(bad)).Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrCredentials) || r.Attempts != 1 || !strings.Contains(r.Err.Error(), "mint failed") {
		t.Fatalf("result = %+v", r)
	}
}

type credsFunc func(context.Context) (string, string, error)

func (f credsFunc) Credentials(ctx context.Context) (string, string, error) { return f(ctx) }

func TestProgressIsReported(t *testing.T) {
	_, srv := newIndex(t, uploadtest.WithDiscardContent())
	d := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", randomBytes(t, 2<<20))
	var ps []upload.Progress
	var mu sync.Mutex
	c := newClient(t, srv.URL+"/legacy/", upload.WithProgress(func(p upload.Progress) { mu.Lock(); ps = append(ps, p); mu.Unlock() }))
	if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(ps) < 4 || ps[0].Sent != 0 {
		t.Fatalf("progress = %+v", ps)
	}
	last := ps[len(ps)-1]
	if !last.Done || last.Sent != last.Total || last.Total <= d.Size || last.File != d.Filename || last.Attempt != 1 {
		t.Errorf("last = %+v", last)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Sent < ps[i-1].Sent {
			t.Fatalf("progress went backwards: %+v", ps)
		}
	}
}

func TestUploadAllOrderAndStop(t *testing.T) {
	ix, srv := newIndex(t)
	dir := t.TempDir()
	sd := newDist(t, dir, "demo-1.0.tar.gz", []byte("s"))
	w1 := newDist(t, dir, "demo-1.0-py3-none-any.whl", []byte("w1"))
	w2 := newDist(t, dir, "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", []byte("w2"))
	c := newClient(t, srv.URL+"/legacy/")
	res := c.UploadAll(context.Background(), []upload.File{{Dist: sd}, {Dist: w1}, {Dist: w2}}, 4)
	var names []string
	for _, r := range res {
		if r.Status != upload.StatusUploaded {
			t.Errorf("%+v", r)
		}
		names = append(names, r.File)
	}
	if want := []string{w1.Filename, w2.Filename, sd.Filename}; !reflect.DeepEqual(names, want) {
		t.Errorf("order = %v", names)
	}
	if ups := ix.Uploads(); ups[0].Filename != w1.Filename {
		t.Errorf("first upload = %s, want the first wheel alone", ups[0].Filename)
	}

	// A bad first file stops the rest.
	_, srv = newIndex(t)
	bad := newDist(t, t.TempDir(), "demo-2.0+local-py3-none-any.whl", []byte("bad"))
	ok := newDist(t, t.TempDir(), "demo-2.0.tar.gz", []byte("ok"))
	res = newClient(t, srv.URL+"/legacy/").UploadAll(context.Background(), []upload.File{{Dist: ok}, {Dist: bad}}, 2)
	if res[0].Status != upload.StatusFailed || !strings.Contains(res[0].Err.Error(), "local versions") {
		t.Errorf("first = %+v", res[0])
	}
	if res[1].Status != upload.StatusNotAttempted || !errors.Is(res[1].Err, upload.ErrNotAttempted) {
		t.Errorf("second = %+v", res[1])
	}
}

func TestDefaultCheckURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://upload.pypi.org/legacy/":                        "https://pypi.org/simple/",
		"https://test.pypi.org/legacy/":                          "https://test.pypi.org/simple/",
		"http://127.0.0.1:8080/":                                 "http://127.0.0.1:8080/simple/",
		"https://nexus.example.com/repository/pypi-hosted/":      "https://nexus.example.com/repository/pypi-hosted/simple/",
		"https://gitlab.com/api/v4/projects/42/packages/pypi":    "https://gitlab.com/api/v4/projects/42/packages/pypi/simple/",
		"https://pkgs.dev.azure.com/o/_packaging/f/pypi/upload/": "https://pkgs.dev.azure.com/o/_packaging/f/pypi/simple/",
		"https://artifactory.example.com/api/pypi/pypi-local":    "https://artifactory.example.com/api/pypi/pypi-local/simple/",
		"https://index.example.com/legacy/":                      "https://index.example.com/simple/",
		// PyPI's and TestPyPI's hosts are pkg/pypi's; upload.pypi.io is not one.
		"https://pypi.org/legacy/":                "https://pypi.org/simple/",
		"https://pypi.python.org/pypi":            "https://pypi.org/simple/",
		"https://testpypi.python.org/pypi":        "https://test.pypi.org/simple/",
		"https://UPLOAD.PYPI.ORG/legacy/":         "https://pypi.org/simple/",
		"https://upload.pypi.io/legacy/":          "https://upload.pypi.io/simple/",
		"https://upload.pypi.org.example/upload/": "https://upload.pypi.org.example/simple/",
	} {
		if got := upload.DefaultCheckURL(in); got != want {
			t.Errorf("DefaultCheckURL(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestOptionsAreValidated(t *testing.T) {
	for name, opt := range map[string]upload.Option{
		"retries": upload.WithRetries(-1),
		"backoff": upload.WithBackoff(time.Second, time.Millisecond),
		"stall":   upload.WithStallTimeout(0),
		"ua":      upload.WithUserAgent(""),
	} {
		if _, err := upload.New("https://index.example.com/legacy/", opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := upload.New("ftp://index.example.com/"); err == nil {
		t.Error("ftp accepted")
	}
	if _, err := upload.New("https://x/legacy/", upload.WithTransport(http.DefaultTransport), upload.WithTLS("ca.pem", "")); err == nil {
		t.Error("WithTransport + WithTLS accepted")
	}
}

func TestFileChangedIsNotRetried(t *testing.T) {
	_, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	d.Size = 100
	r := newClient(t, srv.URL+"/legacy/").Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrFileChanged) || r.Attempts != 1 {
		t.Fatalf("result = %+v", r)
	}
}

func TestUploadAllAfterCancelReportsNotAttempted(t *testing.T) {
	ix, srv := newIndex(t)
	dir := t.TempDir()
	a := newDist(t, dir, "demo-1.0-py3-none-any.whl", []byte("a"))
	b := newDist(t, dir, "demo-1.0.tar.gz", []byte("b"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := newClient(t, srv.URL+"/legacy/").UploadAll(ctx, []upload.File{{Dist: a}, {Dist: b}}, 2)
	if res[0].Status != upload.StatusFailed || !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("first = %+v", res[0])
	}
	if res[1].Status != upload.StatusNotAttempted || ix.Posts() != 0 {
		t.Errorf("second = %+v, posts %d", res[1], ix.Posts())
	}
}

func TestUploadAllAsksTheSimpleAPIOncePerProject(t *testing.T) {
	ix := uploadtest.New(uploadtest.WithFile("demo", "demo-1.0.tar.gz", []byte("s")))
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
		}
		ix.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	files := []upload.File{
		{Dist: newDist(t, dir, "demo-1.0.tar.gz", []byte("s"))},
		{Dist: newDist(t, dir, "demo-1.0-py3-none-any.whl", []byte("w"))},
		{Dist: newDist(t, dir, "demo-1.0-cp312-abi3-win_amd64.whl", []byte("x"))},
	}
	res := newClient(t, srv.URL+"/legacy/", upload.WithSkipExisting(true)).UploadAll(context.Background(), files, 3)
	if res[2].Status != upload.StatusSkipped || res[0].Status != upload.StatusUploaded || res[1].Status != upload.StatusUploaded {
		t.Fatalf("results = %+v", res)
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("simple API fetched %d times", n)
	}
}

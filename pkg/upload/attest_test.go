package upload_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

func TestAttestIsCalledWithTheSHA256BeforeTheSend(t *testing.T) {
	ix, srv := newIndex(t, uploadtest.WithToken(testToken))
	d, want := withoutDigests(newDist(t, t.TempDir(), "demo_pkg-1.0-py3-none-any.whl", randomBytes(t, 4096)))
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)))
	var got string
	r := c.Upload(context.Background(), upload.File{Dist: d, Attest: func(_ context.Context, sha string) ([]byte, error) {
		got = sha
		if ix.Posts() != 0 {
			t.Error("Attest ran after the POST")
		}
		return []byte(`[{"signed":"` + sha + `"}]`), nil
	}})
	if r.Err != nil || r.Status != upload.StatusUploaded {
		t.Fatalf("%+v", r)
	}
	if got != want[0] {
		t.Errorf("Attest got sha256 %q, want %q", got, want[0])
	}
	ups := ix.Uploads()
	if len(ups) != 1 {
		t.Fatalf("%d uploads", len(ups))
	}
	if a := ups[0].Field("attestations"); len(a) != 1 || a[0] != `[{"signed":"`+want[0]+`"}]` {
		t.Errorf("attestations field = %q", a)
	}
}

func TestAttestFailureSendsNothingAndIsNotRetried(t *testing.T) {
	ix, srv := newIndex(t, uploadtest.WithToken(testToken))
	d := newDist(t, t.TempDir(), "demo_pkg-1.0-py3-none-any.whl", randomBytes(t, 100))
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)), upload.WithRetries(3))
	var calls atomic.Int32
	boom := errors.New("Fulcio refused the token")
	r := c.Upload(context.Background(), upload.File{Dist: d, Attest: func(context.Context, string) ([]byte, error) {
		calls.Add(1)
		return nil, boom
	}})
	if r.Status != upload.StatusFailed || !errors.Is(r.Err, upload.ErrAttest) || !errors.Is(r.Err, boom) {
		t.Fatalf("%+v", r)
	}
	if calls.Load() != 1 || ix.Posts() != 0 {
		t.Errorf("Attest called %d times, %d POSTs; want 1 and 0", calls.Load(), ix.Posts())
	}
}

func TestAttestNotCalledForSkippedOrDryRun(t *testing.T) {
	content := randomBytes(t, 100)
	d := newDist(t, t.TempDir(), "demo_pkg-1.0-py3-none-any.whl", content)
	never := func(context.Context, string) ([]byte, error) {
		t.Error("Attest called")
		return nil, nil
	}
	_, srv := newIndex(t, uploadtest.WithToken(testToken), uploadtest.WithFile("demo-pkg", d.Filename, content))
	c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)),
		upload.WithSkipExisting(true), upload.WithCheckURL(srv.URL+"/simple/"))
	if r := c.Upload(context.Background(), upload.File{Dist: d, Attest: never}); r.Status != upload.StatusSkipped {
		t.Fatalf("skip-existing: %+v", r)
	}
	_, srv2 := newIndex(t, uploadtest.WithToken(testToken))
	c2 := newClient(t, srv2.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)), upload.WithDryRun(true))
	if r := c2.Upload(context.Background(), upload.File{Dist: d, Attest: never}); r.Status != upload.StatusWouldUpload {
		t.Fatalf("dry run: %+v", r)
	}
}

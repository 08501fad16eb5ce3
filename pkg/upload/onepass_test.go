package upload_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// withoutDigests is d as dist.Open(..., dist.WithoutDigests()) returns it.
func withoutDigests(d *dist.Dist) (*dist.Dist, [2]string) {
	c := *d
	want := [2]string{c.SHA256, c.Blake2b256}
	c.SHA256, c.Blake2b256 = "", ""
	return &c, want
}

func fieldNames(u uploadtest.Upload) []string {
	var out []string
	for _, f := range u.Fields {
		out = append(out, f[0])
	}
	return out
}

func TestUploadHashesWhileSendingDigestsAfterContent(t *testing.T) {
	for _, size := range []int{100, 300 << 10, 3<<20 + 17} { // below a chunk, a few chunks, above the Expect threshold
		ix, srv := newIndex(t, uploadtest.WithToken(testToken))
		d, want := withoutDigests(newDist(t, t.TempDir(), "demo_pkg-1.0-py3-none-any.whl", randomBytes(t, size)))
		c := newClient(t, srv.URL+"/legacy/", upload.WithCredentials(upload.BasicAuth("__token__", testToken)))
		r := c.Upload(context.Background(), upload.File{Dist: d, Attestations: []byte(`[{"version":1}]`)})
		if r.Err != nil || r.Status != upload.StatusUploaded || r.Attempts != 1 {
			t.Fatalf("size %d: %+v", size, r)
		}
		if r.SHA256 != want[0] || r.Blake2b256 != want[1] {
			t.Errorf("size %d: result digests %s %s, want %s", size, r.SHA256, r.Blake2b256, want)
		}
		ups := ix.Uploads()
		if len(ups) != 1 || ups[0].Status != 200 {
			t.Fatalf("size %d: uploads %+v", size, ups)
		}
		u := ups[0]
		names := fieldNames(u)
		// The file, then the two digests and nothing else.
		if u.FileLast || !slices.Equal(names[len(names)-2:], []string{"sha256_digest", "blake2_256_digest"}) {
			t.Errorf("size %d: fields %q, file last %v", size, names, u.FileLast)
		}
		if got := [2]string{u.Fields[len(names)-2][1], u.Fields[len(names)-1][1]}; got != want || u.SHA256 != want[0] {
			t.Errorf("size %d: sent digests %q, index hashed %s, want %q", size, got, u.SHA256, want)
		}
		if slices.Contains(names, "md5_digest") {
			t.Errorf("size %d: md5_digest sent", size)
		}
	}
}

func TestUploadHashFirstKeepsTwineOrder(t *testing.T) {
	ix, srv := newIndex(t)
	d, want := withoutDigests(newDist(t, t.TempDir(), "demo_pkg-1.0-py3-none-any.whl", randomBytes(t, 200<<10)))
	r := newClient(t, srv.URL+"/legacy/", upload.WithHashFirst(true)).Upload(context.Background(), upload.File{Dist: d})
	if r.Err != nil || r.SHA256 != want[0] || r.Blake2b256 != want[1] {
		t.Fatalf("%+v", r)
	}
	u := ix.Uploads()[0]
	names := fieldNames(u)
	if !u.FileLast || names[len(names)-1] != "protocol_version" || !slices.Contains(names, "sha256_digest") {
		t.Errorf("fields %q, file last %v", names, u.FileLast)
	}
	// The same fields either way.
	ix2, srv2 := newIndex(t)
	if r := newClient(t, srv2.URL+"/legacy/").Upload(context.Background(), upload.File{Dist: d}); r.Err != nil {
		t.Fatal(r.Err)
	}
	if a, b := fieldSet(u), fieldSet(ix2.Uploads()[0]); !slices.Equal(a, b) {
		t.Errorf("hash-first %q\none-pass %q", a, b)
	}
}

func TestUploadHashesAheadOnlyWhenNeeded(t *testing.T) {
	content := randomBytes(t, 64<<10)
	full := newDist(t, t.TempDir(), "demo_pkg-1.0.tar.gz", content)
	d, want := withoutDigests(full)

	// The index has the same file: compared by hash, not sent.
	ix, srv := newIndex(t, uploadtest.WithFile("demo-pkg", "demo_pkg-1.0.tar.gz", content))
	c := newClient(t, srv.URL+"/legacy/", upload.WithCheckURL(srv.URL+"/simple/"), upload.WithSkipExisting(true))
	r := c.Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusSkipped || r.SHA256 != want[0] || len(ix.Uploads()) != 0 {
		t.Fatalf("same file: %+v, %d uploads", r, len(ix.Uploads()))
	}
	// Another file of that name: a mismatch naming both hashes.
	_, srv = newIndex(t, uploadtest.WithFile("demo-pkg", "demo_pkg-1.0.tar.gz", []byte("other")))
	c = newClient(t, srv.URL+"/legacy/", upload.WithCheckURL(srv.URL+"/simple/"), upload.WithSkipExisting(true))
	if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Status != upload.StatusFailed || r.SHA256 != want[0] {
		t.Fatalf("other file: %+v", r)
	}
	// A dry run reports the digests.
	_, srv = newIndex(t)
	r = newClient(t, srv.URL+"/legacy/", upload.WithDryRun(true)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusWouldUpload || r.SHA256 != want[0] || r.Blake2b256 != want[1] {
		t.Fatalf("dry run: %+v", r)
	}
}

// Without hashing first, the index answering "already exists" is settled by
// hashing the file then.
func TestUploadOnePassSettlesAlreadyExists(t *testing.T) {
	content := randomBytes(t, 64<<10)
	d, want := withoutDigests(newDist(t, t.TempDir(), "demo_pkg-1.0.tar.gz", content))
	_, srv := newIndex(t, uploadtest.Dialect("pypiserver"), uploadtest.WithFile("demo-pkg", "demo_pkg-1.0.tar.gz", content))
	r := newClient(t, srv.URL+"/legacy/", upload.WithCheckURL(srv.URL+"/simple/")).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusSkipped || r.SHA256 != want[0] {
		t.Fatalf("%+v", r)
	}
}

package upload_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// hostile mounts h at every path and returns its URL.
func hostile(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// dripError answers status, then drips one byte per interval for ever.
func dripError(status int, interval time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("Error: "))
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(interval):
			}
			if _, err := w.Write([]byte("x")); err != nil || rc.Flush() != nil {
				return
			}
		}
	})
}

// ends runs fn and fails the test if it has not returned after a minute:
// a guard against a hang (what the bounds under test prevent would take
// hours or days), not a measure of speed, which benchmarks do.
func ends(t *testing.T, fn func()) time.Duration {
	t.Helper()
	start := time.Now()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("still running after a minute")
	}
	return time.Since(start)
}

// An index that answers 200 and then drips its body for hours: the upload
// succeeded, and pyup stops draining the answer after the bound.
func TestDripAfterUploadAnswer(t *testing.T) {
	url := hostile(t, uploadtest.Drip(10*time.Millisecond, 1<<30))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	c := newClient(t, url+"/legacy/", upload.WithRetries(0), upload.WithResponseTimeout(200*time.Millisecond))
	ends(t, func() {
		if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Status != upload.StatusUploaded || r.Err != nil {
			t.Errorf("result %+v", r)
		}
	})
}

// Without WithResponseTimeout, draining a successful answer still stops
// after 5 seconds.
func TestDripAfterUploadAnswerDefaultBound(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5s default")
	}
	url := hostile(t, uploadtest.Drip(10*time.Millisecond, 1<<30))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	c := newClient(t, url+"/legacy/", upload.WithRetries(0))
	took := ends(t, func() {
		if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Status != upload.StatusUploaded {
			t.Errorf("result %+v", r)
		}
	})
	if took < 4*time.Second {
		t.Errorf("took %s: gave up before the 5s bound", took)
	}
}

// An error answer that drips: pyup reports the status with what arrived.
func TestDripErrorAnswer(t *testing.T) {
	url := hostile(t, dripError(http.StatusForbidden, 10*time.Millisecond))
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	c := newClient(t, url+"/legacy/", upload.WithRetries(0), upload.WithCheckURL(""),
		upload.WithResponseTimeout(200*time.Millisecond))
	ends(t, func() {
		r := c.Upload(context.Background(), upload.File{Dist: d})
		var he *upload.HTTPError
		if !errors.As(r.Err, &he) || he.StatusCode != http.StatusForbidden || !strings.HasPrefix(he.Body, "Error: x") {
			t.Errorf("result %+v", r)
		}
	})

	// The same on the simple API.
	c = newClient(t, url+"/legacy/", upload.WithResponseTimeout(200*time.Millisecond))
	ends(t, func() {
		_, err := c.Existing(context.Background(), "demo")
		var he *upload.HTTPError
		if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
			t.Errorf("Existing: %v", err)
		}
	})
}

// A simple-API page that drips fails the lookup with ErrResponseTimeout;
// with skip-existing the upload goes ahead (the index answers for itself).
func TestDripSimplePage(t *testing.T) {
	drip := hostile(t, uploadtest.Drip(10*time.Millisecond, 1<<30))
	c := newClient(t, drip+"/legacy/", upload.WithResponseTimeout(300*time.Millisecond))
	ends(t, func() {
		_, err := c.Existing(context.Background(), "demo")
		if !errors.Is(err, upload.ErrResponseTimeout) || !strings.Contains(err.Error(), "simple-API page") {
			t.Errorf("Existing: %v", err)
		}
	})

	ix, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	var logged []string
	c = newClient(t, srv.URL+"/legacy/", upload.WithCheckURL(drip+"/simple/"), upload.WithSkipExisting(true),
		upload.WithResponseTimeout(300*time.Millisecond),
		upload.WithLogger(func(f string, a ...any) { logged = append(logged, f) }))
	ends(t, func() {
		if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Status != upload.StatusUploaded || ix.Posts() != 1 {
			t.Errorf("result %+v", r)
		}
	})
	if !slices.ContainsFunc(logged, func(l string) bool { return strings.HasPrefix(l, "cannot ask the index") }) {
		t.Errorf("logged %q", logged)
	}
}

// A page that drips slower than the stall timeout stalls instead.
func TestDripSlowerThanTheStallTimeout(t *testing.T) {
	url := hostile(t, uploadtest.Drip(time.Second, 100))
	c := newClient(t, url+"/legacy/", upload.WithStallTimeout(200*time.Millisecond))
	ends(t, func() {
		if _, err := c.Existing(context.Background(), "demo"); !errors.Is(err, upload.ErrStalled) {
			t.Errorf("Existing: %v", err)
		}
	})
}

// padded answers a simple-API page of the given type: prefix, then n
// spaces, then suffix.
func padded(ctype, prefix string, n int, suffix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		_, _ = io.WriteString(w, prefix)
		pad := bytes.Repeat([]byte(" "), 64<<10)
		for ; n > 0; n -= len(pad) {
			if _, err := w.Write(pad[:min(n, len(pad))]); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, suffix)
	})
}

// Large pages within the caps parse; pages past them fail as soon as the
// cap is passed, without being held.
func TestHugeSimplePages(t *testing.T) {
	for _, jsonForm := range []bool{false, true} {
		url := hostile(t, uploadtest.HugeSimplePage(100_000, jsonForm))
		files, err := newClient(t, url+"/legacy/").Existing(context.Background(), "demo")
		if err != nil || len(files) != 100_000 || files[uploadtest.HugeFilename(123)] != uploadtest.HugeSHA256(123) {
			t.Errorf("json=%v: %d files, %v", jsonForm, len(files), err)
		}
	}
	const htmlCap, jsonCap = 64 << 20, 128 << 20
	for _, tc := range []struct {
		name string
		h    http.Handler
		want string // "": no error
	}{
		{"html-at-cap", padded("text/html", "<a>x</a>", htmlCap-16, "<a>y</a>"), ""},
		{"html-past-cap", padded("text/html", "<a>x</a>", htmlCap-15, "<a>y</a>"), "page larger than 64 MiB"},
		{"json-at-cap", padded("application/vnd.pypi.simple.v1+json", `{"files": [`, jsonCap-13, `]}`), ""},
		{"json-past-cap", padded("application/vnd.pypi.simple.v1+json", `{"files": [`, jsonCap-12, `]}`), "page larger than 128 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, hostile(t, tc.h)+"/legacy/")
			ends(t, func() {
				_, err := c.Existing(context.Background(), "demo")
				if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
					t.Errorf("err = %v, want %q", err, tc.want)
				}
			})
		})
	}
}

// Cancelling the context ends a lookup in the middle of a page.
func TestExistingCancelledMidPage(t *testing.T) {
	for _, jsonForm := range []bool{false, true} {
		url := hostile(t, uploadtest.HugeSimplePage(50_000_000, jsonForm))
		c := newClient(t, url+"/legacy/")
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		ends(t, func() {
			if _, err := c.Existing(ctx, "demo"); !errors.Is(err, context.Canceled) {
				t.Errorf("json=%v: %v", jsonForm, err)
			}
		})
	}
}

// BenchmarkExistingHugeJSON looks up a PEP 691 page of 500k files (about
// 75 MiB, within the cap) and one of 1.4M files (about 250 MiB, past it)
// over loopback. Allocations stay around the size of the answer: the page
// is never held, and the one past the cap stops at 128 MiB. The peak RSS
// of the process is reported as maxrss-MiB (run one sub-benchmark per
// process to read it for that page alone).
//
//	go test -run '^$' -bench ExistingHugeJSON/files=1400000 -benchmem ./pkg/upload/
func BenchmarkExistingHugeJSON(b *testing.B) {
	for _, n := range []int{500_000, 1_400_000} {
		b.Run("files="+strconv.Itoa(n), func(b *testing.B) {
			url := hostile(b, uploadtest.HugeSimplePage(n, true))
			c := newClient(b, url+"/legacy/")
			for b.Loop() {
				files, err := c.Existing(context.Background(), "demo")
				if n == 500_000 && (err != nil || len(files) != n) {
					b.Fatal(len(files), err)
				}
				if n > 500_000 && (err == nil || !strings.Contains(err.Error(), "larger than 128 MiB")) {
					b.Fatal(err)
				}
			}
			reportMaxRSS(b)
		})
	}
}

func TestResponseTimeoutIsValidated(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := upload.New("https://index.example.com/legacy/", upload.WithResponseTimeout(d)); err == nil {
			t.Errorf("WithResponseTimeout(%v) accepted", d)
		}
	}
}

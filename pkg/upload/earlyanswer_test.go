package upload_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
)

// earlyIndex is a loopback server that behaves like pypiserver under
// wsgiref or nginx over client_max_body_size: it reads the request head,
// answers, and closes without reading the body (the close then resets the
// connection under the client's writes).
type earlyIndex struct {
	ln       net.Listener
	requests atomic.Int32
	answer   string // status line and headers, without the blank line
	body     string
	// readFirst, when more than 0, makes the server send "100 Continue" and
	// read that many body bytes before answering: the answer then races the
	// client's writes. When -1, the server reads the whole body without
	// "100 Continue", as an HTTP/1.0 server that ignores Expect does.
	readFirst int
	// keepAlive makes the server read the rest of the body after its
	// answer and serve the next request on the same connection, instead of
	// hanging up.
	keepAlive bool

	mu      sync.Mutex
	expects []string // each request's Expect header
}

func (e *earlyIndex) expectHeaders() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.expects)
}

func newEarlyIndex(t *testing.T, answer, body string, readFirst int, keepAlive bool) *earlyIndex {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &earlyIndex{ln: ln, answer: answer, body: body, readFirst: readFirst, keepAlive: keepAlive}
	t.Cleanup(func() { ln.Close() })
	go e.serve()
	return e
}

func (e *earlyIndex) url() string { return "http://" + e.ln.Addr().String() + "/legacy/" }

func (e *earlyIndex) serve() {
	for {
		c, err := e.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				e.requests.Add(1)
				e.mu.Lock()
				e.expects = append(e.expects, req.Header.Get("Expect"))
				e.mu.Unlock()
				if e.readFirst < 0 {
					io.Copy(io.Discard, req.Body)
				}
				if e.readFirst > 0 {
					io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
					io.CopyN(io.Discard, req.Body, int64(e.readFirst))
				}
				fmt.Fprintf(c, "%s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", e.answer, len(e.body), e.body)
				if !e.keepAlive {
					return
				}
				// A well-behaved keep-alive server reads what is left of
				// the body before the next request.
				if _, err := io.Copy(io.Discard, req.Body); err != nil {
					return
				}
			}
		}()
	}
}

// An index that answers on the request head and hangs up without reading
// the body: the answer is what pyup reports, every time, never "broken
// pipe", and the file is not sent again.
func TestUploadKeepsEarlyAnswer(t *testing.T) {
	dir := t.TempDir()
	big := newDist(t, dir, "demo_pkg-1.0-py3-none-any.whl", randomBytes(t, 8<<20))
	small := newDist(t, dir, "demo_pkg-1.0.tar.gz", randomBytes(t, 900<<10)) // below the Expect threshold
	cases := []struct {
		name      string
		answer    string
		readFirst int
		d         bool // small file
		status    int
	}{
		{"403 on the head, Connection: close", "HTTP/1.1 403 Invalid or non-existent authentication information.\r\nConnection: close", 0, false, 403},
		{"413 on the head, keep-alive", "HTTP/1.1 413 Request Entity Too Large", 0, false, 413},
		{"405 on the head, HTTP/1.0", "HTTP/1.0 405 Method Not Allowed", 0, false, 405},
		{"403 after 64 KiB of body", "HTTP/1.1 403 Forbidden", 64 << 10, false, 403},
		{"413 after 1 MiB of body", "HTTP/1.1 413 Request Entity Too Large", 1 << 20, false, 413},
		{"403 on the head, no Expect", "HTTP/1.1 403 Forbidden", 0, true, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEarlyIndex(t, tc.answer, "refused by the test index\n", tc.readFirst, false)
			var s sleeps
			d := big
			if tc.d {
				d = small
			}
			for run := range 50 {
				before := e.requests.Load()
				// A new client each run, as each pyup run is a new process.
				c := newClient(t, e.url(), upload.WithCheckURL(""), upload.WithSleep(s.sleep), upload.WithRetries(3))
				r := c.Upload(context.Background(), upload.File{Dist: d})
				var he *upload.HTTPError
				if !errors.As(r.Err, &he) || he.StatusCode != tc.status {
					t.Fatalf("run %d: %+v, want the index's %d", run, r, tc.status)
				}
				// 403 is the credentials' exit code (4), the others 5.
				if errors.Is(r.Err, upload.ErrUnauthorized) != (tc.status == 403) {
					t.Fatalf("run %d: %v: ErrUnauthorized %v", run, r.Err, !(tc.status == 403))
				}
				if msg := r.Err.Error(); strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset") {
					t.Fatalf("run %d: %v", run, msg)
				}
				if n := e.requests.Load() - before; n != 1 || r.Attempts != 1 {
					t.Fatalf("run %d: %d requests, %d attempts: the file was sent again", run, n, r.Attempts)
				}
			}
			if len(s.all()) != 0 {
				t.Errorf("retried: %v", s.all())
			}
		})
	}
}

// An index that never answers "100 Continue" costs the first large file
// the transport's wait; the files after it go without Expect. An index that
// answers on the head, or says 100 Continue, keeps being asked.
func TestUploadStopsExpectingWhereIgnored(t *testing.T) {
	dir := t.TempDir()
	var files []*dist.Dist
	for i := range 3 {
		files = append(files, newDist(t, dir, fmt.Sprintf("demo_pkg-1.%d-py3-none-any.whl", i), randomBytes(t, 2<<20)))
	}
	small := newDist(t, dir, "demo_pkg-1.0.tar.gz", randomBytes(t, 64<<10))
	const ask = "100-continue"
	cases := []struct {
		name, answer string
		readFirst    int
		status       int
		want         []string
	}{
		{"ignores Expect", "HTTP/1.0 200 OK", -1, 200, []string{ask, "", "", ""}},
		{"answers 100 Continue", "HTTP/1.1 200 OK", 1, 200, []string{ask, ask, ask, ""}},
		{"refuses on the head, keep-alive", "HTTP/1.1 403 Forbidden", 0, 403, []string{ask, ask, ask, ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEarlyIndex(t, tc.answer, "", tc.readFirst, true)
			c := newClient(t, e.url(), upload.WithCheckURL(""), upload.WithRetries(0))
			for _, d := range append(files, small) {
				r := c.Upload(context.Background(), upload.File{Dist: d})
				var he *upload.HTTPError
				if got := errors.As(r.Err, &he); got != (tc.status != 200) || (got && he.StatusCode != tc.status) {
					t.Fatalf("%s: %+v, want %d", d.Filename, r, tc.status)
				}
			}
			if got := e.expectHeaders(); !slices.Equal(got, tc.want) {
				t.Errorf("Expect headers sent = %q, want %q", got, tc.want)
			}
		})
	}
}

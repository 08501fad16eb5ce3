package upload_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/upload"
)

// A server that accepts the connection and never reads: the socket buffers
// fill, writes block, and the watchdog must cut the attempt while the body
// is still being sent (no answer window involved).
func TestStallWhileSending(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	d := newDist(t, t.TempDir(), "demo-1.0-py3-none-any.whl", randomBytes(t, 16<<20))
	var last upload.Progress
	var pmu sync.Mutex
	c := newClient(t, "http://"+ln.Addr().String()+"/legacy/", upload.WithRetries(0),
		upload.WithStallTimeout(300*time.Millisecond),
		upload.WithProgress(func(p upload.Progress) { pmu.Lock(); last = p; pmu.Unlock() }))
	r := c.Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, upload.ErrStalled) || r.Attempts != 1 {
		t.Fatalf("result = %+v", r)
	}
	pmu.Lock()
	defer pmu.Unlock()
	if last.Done || last.Sent >= last.Total {
		t.Errorf("last progress %+v: the stall was not detected while sending", last)
	}
}

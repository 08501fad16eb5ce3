package uploadtest_test

import (
	"bytes"
	"io"
	"net"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// The throttle passes bytes through unchanged (its pace is for benchmarks).
func TestThrottleKeepsBytes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := uploadtest.Throttle(ln, 64<<20, 0)
	defer tl.Close()
	want := bytes.Repeat([]byte("pyup"), 50<<10)
	got := make(chan []byte, 1)
	go func() {
		c, err := tl.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		c.Write([]byte("ok"))
		got <- b
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Write(want)
	c.(*net.TCPConn).CloseWrite()
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("got %d bytes, want %d", len(b), len(want))
	}
	ack, _ := io.ReadAll(c)
	if string(ack) != "ok" {
		t.Fatalf("answer %q", ack)
	}
}

package oidc_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/oidc"
)

// TestHTTPErrorReason checks that an unexpected answer keeps the server's
// own reason phrase, as upload.HTTPError does, and the standard text when
// the server sent none.
func TestHTTPErrorReason(t *testing.T) {
	for _, tc := range []struct{ statusLine, want string }{
		{"HTTP/1.1 503 Down for maintenance", "Down for maintenance"},
		{"HTTP/1.1 503 Service Unavailable", "Service Unavailable"},
		{"HTTP/1.1 503", "Service Unavailable"},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_, _ = c.Write([]byte(tc.statusLine + "\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"))
		}()
		_, err = oidc.Audience(context.Background(), nil, "http://"+ln.Addr().String()+"/legacy/")
		ln.Close()
		var he *oidc.HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("%s: err = %v, want *HTTPError", tc.statusLine, err)
		}
		if he.Reason != tc.want || he.Body != "busy" || he.Method != "GET" || !strings.HasSuffix(he.URL, "/_/oidc/audience") {
			t.Errorf("%s: got %+v, want reason %q, body busy", tc.statusLine, *he, tc.want)
		}
	}
}

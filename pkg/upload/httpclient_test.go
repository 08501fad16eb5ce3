package upload

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewHTTPClientSendsUserAgentNoAuthAndLogs(t *testing.T) {
	var gotUA, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAuth = r.UserAgent(), r.Header.Get("Authorization")
		w.Write([]byte(`{"audience":"pypi"}`))
	}))
	defer srv.Close()
	var mu sync.Mutex
	var logged []string
	c, err := NewHTTPClient(time.Second, WithUserAgent("1.2.3"), WithCredentials(BasicAuth("__token__", "pypi-secret")),
		WithLogger(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, format)
		}))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/_/oidc/audience", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(gotUA, "pyup/1.2.3 (") {
		t.Fatalf("User-Agent %q", gotUA)
	}
	if gotAuth != "" {
		t.Fatal("NewHTTPClient sent credentials")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) == 0 {
		t.Fatal("WithLogger saw no request")
	}
}

func TestNewHTTPClientBadCA(t *testing.T) {
	if _, err := NewHTTPClient(0, WithTLS("/nonexistent/ca.pem", "")); err == nil {
		t.Fatal("want an error for a missing CA file")
	}
}

package upload

import (
	"net/http"
	"time"
)

// logTransport writes one line per request and per response. It never
// dumps bodies (an upload body is the file; a token exchange body is a
// secret) and redacts the Authorization header to its scheme.
type logTransport struct {
	next http.RoundTripper
	logf func(format string, args ...any)
}

var _ http.RoundTripper = (*logTransport)(nil)

// RoundTrip logs and forwards the request unchanged.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	auth := "none"
	if a := req.Header.Get("Authorization"); a != "" {
		auth = "<redacted>"
		if scheme, _, ok := cutSpace(a); ok {
			auth = scheme + " <redacted>"
		}
	}
	t.logf("> %s %s (Authorization: %s, Content-Length: %d)", req.Method, redactURL(req.URL), auth, req.ContentLength)
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.logf("< %s %s: %v (after %s)", req.Method, redactURL(req.URL), err, time.Since(start).Round(time.Millisecond))
		return nil, err
	}
	t.logf("< %s %s: %s (%s, Content-Type: %s)", req.Method, redactURL(req.URL), resp.Status,
		time.Since(start).Round(time.Millisecond), resp.Header.Get("Content-Type"))
	return resp, nil
}

func cutSpace(s string) (before, after string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

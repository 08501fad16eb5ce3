package upload

import (
	"fmt"
	"net/http"
	"runtime"
)

// userAgentTransport sets User-Agent on every request.
type userAgentTransport struct {
	next http.RoundTripper
	ua   string
}

var _ http.RoundTripper = (*userAgentTransport)(nil)

func userAgent(version string) string {
	return fmt.Sprintf("pyup/%s (%s; %s)", version, runtime.GOOS, runtime.GOARCH)
}

// RoundTrip clones the request (a RoundTripper must not modify its input)
// and sets the header.
func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.ua)
	return t.next.RoundTrip(r)
}

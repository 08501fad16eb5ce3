package upload

import (
	"fmt"
	"net/http"
	"strings"
)

// authTransport adds Basic auth to requests for the repository's own scheme
// and host only: a redirect to another host, or a simple-API lookup at
// pypi.org for an upload to upload.pypi.org, never carries the token. It
// asks Credentials on every request so a refreshed token is used on retry.
type authTransport struct {
	next   http.RoundTripper
	creds  Credentials
	scheme string
	host   string
}

var _ http.RoundTripper = (*authTransport)(nil)

// credentialsError marks a failure of the Credentials source so the retry
// loop does not retry it as a transport error.
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return fmt.Sprintf("%v: %v", ErrCredentials, e.err) }
func (e *credentialsError) Unwrap() []error {
	return []error{ErrCredentials, e.err}
}

// RoundTrip clones the request before setting Authorization.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != t.scheme || !strings.EqualFold(req.URL.Host, t.host) || !secureEnough(req.URL) {
		return t.next.RoundTrip(req)
	}
	user, pass, err := t.creds.Credentials(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &credentialsError{err: err}
	}
	r := req.Clone(req.Context())
	r.SetBasicAuth(user, pass)
	return t.next.RoundTrip(r)
}

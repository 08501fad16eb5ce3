package upload

import (
	"net/http"
	"net/url"
)

// newTransport builds the RoundTripper chain, outermost first:
//
//	userAgent -> auth -> debug log (only WithLogger) -> base
//
// The log sits inside auth so it sees, and redacts, the Authorization
// header that is actually sent.
func newTransport(repo *url.URL, s *settings) (http.RoundTripper, error) {
	base := s.transport
	if base == nil {
		t, err := newBaseTransport(s)
		if err != nil {
			return nil, err
		}
		base = t
	}
	rt := base
	if s.logf != nil {
		rt = &logTransport{next: rt, logf: s.logf}
	}
	if s.creds != nil {
		rt = &authTransport{next: rt, creds: s.creds, scheme: repo.Scheme, host: repo.Host}
	}
	return &userAgentTransport{next: rt, ua: userAgent(s.version)}, nil
}

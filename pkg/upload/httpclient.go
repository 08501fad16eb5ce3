package upload

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// NewHTTPClient returns a client with the same transport chain as Client
// (user agent, debug log with WithLogger, proxy from the environment, TLS
// from WithTLS or WithTLSConfig, or WithTransport's base) but without
// credentials, for the small JSON exchanges around an upload: the trusted
// publishing token exchange and who-am-I checks. timeout bounds each whole
// request (default when <= 0: 30 s). Upload-only options (retries, stall
// timeout, progress...) are accepted and have no effect.
func NewHTTPClient(timeout time.Duration, opts ...Option) (*http.Client, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("upload: nil Option")
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	s.creds = nil
	rt, err := newTransport(&url.URL{}, &s)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &http.Client{Transport: rt, Timeout: timeout}, nil
}

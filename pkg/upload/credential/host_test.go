package credential

import (
	"errors"
	"net/http"
	"testing"
)

func TestHTTPSHostAndHostUnder(t *testing.T) {
	for _, tc := range []struct {
		url, domain string
		want        bool
	}{
		{"https://us-python.pkg.dev/p/r/", "pkg.dev", true},
		{"https://US-Python.PKG.dev./p/r/", "pkg.dev", true},
		{"https://pkg.dev/", "pkg.dev", true},
		{"https://evilpkg.dev/", "pkg.dev", false},
		{"https://us-python.pkg.dev.attacker.invalid/", "pkg.dev", false},
		{"http://us-python.pkg.dev/p/r/", "pkg.dev", false},
		{"https://user:pw@us-python.pkg.dev:443/p/r/", "pkg.dev", true},
		{"not a url", "pkg.dev", false},
	} {
		host, ok := HTTPSHost(tc.url)
		if got := ok && HostUnder(host, tc.domain); got != tc.want {
			t.Errorf("%s under %s = %v, want %v", tc.url, tc.domain, got, tc.want)
		}
	}
}

type okTransport struct{ n int }

func (t *okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n++
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func TestGuardTransport(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://oauth2.googleapis.com/token":      true,
		"http://127.0.0.1:8080/token":              true,
		"http://localhost/token":                   true,
		"http://169.254.169.254/metadata/identity": true,
		"http://169.254.170.2/v2/credentials":      true,
		"http://[fd00:ec2::254]/latest/api/token":  true,
		"http://[fd00:ec2::1]/x":                   false,
		"http://[fe80::1]/x":                       true,
		"http://token.example.invalid/token":       false,
		"http://10.0.0.1/token":                    false,
		"ftp://127.0.0.1/x":                        false,
	} {
		base := &okTransport{}
		req, _ := http.NewRequest("GET", url, nil)
		_, err := GuardTransport(base).RoundTrip(req)
		if (err == nil) != ok || (base.n == 1) != ok {
			t.Errorf("%s: err %v, sent %d, want allowed %v", url, err, base.n, ok)
		}
		if err != nil && !errors.Is(err, ErrPlainHTTPToken) {
			t.Errorf("%s: %v does not match ErrPlainHTTPToken", url, err)
		}
	}
}

package credential

import "testing"

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

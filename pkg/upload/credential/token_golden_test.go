package credential

import (
	"slices"
	"testing"
	"time"
)

// Tokens serialized by pymacaroons 0.13 (Debian python3-pymacaroons) the way
// Warehouse issues them, signed with a dummy key: they authorize nothing.
const (
	goldenCaveats = "pypi-AgEIcHlwaS5vcmcCJDZkMWIyYzllLTZiM2YtNGJkOC05YTNjLTFhMmIzYzRkNWU2ZgACGVswLDE3NjcyMjU2MDAsMTc2NzIyMjAwMF0AAhVbMSxbInNhbXBsZXByb2plY3QiXV0AAhhbMixbIjBkNmY5ZTJhLXByb2plY3QiXV0AAhNbMywiOGY3ZTZkNWMtdXNlciJdAAIbWzQsImExYjJjMy1wdWJsaXNoZXIiLG51bGxdAAI3eyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogeyJwcm9qZWN0cyI6IFsibGVnYWN5Il19fQAABiCSsxTyM05nnw5Yvkxm0MPsE5kljZn54PtUZOPbVZK1Ug"
	goldenPlain   = "pypi-AgENdGVzdC5weXBpLm9yZwIFcGxhaW4AAAYgPtIttWpxDxla1rMofEiSDOwRCfINGg7J1OuHXfnaf1s"
)

func TestParseTokenPymacaroonsGolden(t *testing.T) {
	ti, err := ParseToken(goldenCaveats)
	if err != nil {
		t.Fatal(err)
	}
	if ti.Location != "pypi.org" || ti.Identifier != "6d1b2c9e-6b3f-4bd8-9a3c-1a2b3c4d5e6f" ||
		!ti.Expires.Equal(time.Unix(1767225600, 0)) || !ti.NotBefore.Equal(time.Unix(1767222000, 0)) ||
		!slices.Equal(ti.Projects, []string{"sampleproject", "legacy"}) ||
		!slices.Equal(ti.ProjectIDs, []string{"0d6f9e2a-project"}) ||
		ti.UserID != "8f7e6d5c-user" || ti.PublisherID != "a1b2c3-publisher" || !ti.Legacy || ti.Unknown != 0 {
		t.Errorf("got %+v", ti)
	}
	if len(ti.Caveats) != 6 {
		t.Errorf("caveats %q", ti.Caveats)
	}
	ti, err = ParseToken(goldenPlain)
	if err != nil {
		t.Fatal(err)
	}
	if ti.Location != "test.pypi.org" || ti.Identifier != "plain" || len(ti.Caveats) != 0 {
		t.Errorf("got %+v", ti)
	}
	// The test encoder writes the same bytes as pymacaroons (bar the signature).
	mine := testMacaroon{location: "test.pypi.org", identifier: "plain"}.token()
	if mine[:len(mine)-43] != goldenPlain[:len(goldenPlain)-43] {
		t.Errorf("test encoder differs from pymacaroons:\n%s\n%s", mine, goldenPlain)
	}
	if got := Secret(goldenCaveats).Masked(); got != "pypi-AgEI…****" {
		t.Errorf("mask %q", got)
	}
}

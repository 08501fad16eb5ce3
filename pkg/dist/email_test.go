package dist

import (
	"slices"
	"testing"
)

// TestSplitAddressList holds splitAddressList to the addresses Python's
// email.utils.getaddresses finds in the same values.
func TestSplitAddressList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`"Doe, Jane" <jane@example.org>, x@y.z`, []string{"jane@example.org", "x@y.z"}},
		{`jane@example.org (Jane \) Doe)`, []string{"jane@example.org"}},
		{`Jane Doe <jane@example.org> (work)`, []string{"jane@example.org"}},
		{`a@b.c (comment (nested)), d@e.f`, []string{"a@b.c", "d@e.f"}},
		{`(lead) a@b.c`, []string{"a@b.c"}},
	} {
		if got := splitAddressList(c.in); !slices.Equal(got, c.want) {
			t.Errorf("splitAddressList(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

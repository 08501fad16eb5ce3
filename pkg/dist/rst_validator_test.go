package dist

import (
	"sync"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist/rst"
)

// TestDocutilsValidatorRepeats checks that remembering the last verdict
// never hands one description's verdict to another, also concurrently, and
// that the zero value (which remembers nothing) gives the same verdicts.
func TestDocutilsValidatorRepeats(t *testing.T) {
	bad, good, other := "Title\n=====\n\nText with `open\n", "Title\n=====\n\nFine.\n", "x\n\n.. unknown:: y\n"
	want := map[string]string{}
	for _, src := range []string{bad, good, other} {
		want[src] = "renders"
		if m := rst.Check(src); m != nil {
			want[src] = m.Level.String() + " " + m.Text
		}
	}
	if want[bad] == "renders" || want[good] != "renders" || want[other] == "renders" || want[bad] == want[other] {
		t.Fatalf("unexpected verdicts: %q", want)
	}
	shared := NewDocutilsValidator()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		v := shared
		if w%2 == 1 {
			v = DocutilsValidator{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			order := []string{bad, bad, good, good, bad, other, other, good}
			for i := 0; i < 50; i++ {
				src := order[(i+w)%len(order)]
				if got := verdictOf(v.Validate(src)); got != want[src] {
					t.Errorf("Validate(%q) = %s, want %s", src, got, want[src])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func verdictOf(e *RSTError) string {
	if e == nil {
		return "renders"
	}
	return e.Level + " " + e.Message
}

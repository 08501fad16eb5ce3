package rst

import (
	"runtime"
	"strings"
	"testing"
)

// TestNestingTooDeep holds pyup to where docutils stops. Docutils has no
// nesting limit of its own: each level of nesting is a few more Python
// frames, and past about 165 levels Python's recursion limit raises
// RecursionError, which readme_renderer does not catch, so no system
// message, no line. The depths are those at which docutils 0.23 and 0.19
// (Python 3.11, scripts/rst-oracle.py) first fail.
func TestNestingTooDeep(t *testing.T) {
	bullets := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(strings.Repeat("  ", i) + "- item\n\n")
		}
		return b.String()
	}
	definitions := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(strings.Repeat(" ", i) + "term\n")
		}
		return b.String() + strings.Repeat(" ", n) + "definition\n"
	}
	want := Message{Level: Severe, Text: TooDeepText, Hint: "flatten the nesting: docutils crashes on more than about 160 nested levels"}
	for _, c := range []struct {
		name  string
		shape func(int) string
		fails int // the least depth docutils fails
	}{
		{"block quotes", deepQuotes, 165},
		{"bullet lists", bullets, 164},
		{"bullets on one line", func(n int) string { return strings.Repeat("- ", n) + "x\n" }, 164},
		{"definition lists", definitions, 164},
	} {
		if m := Check(c.shape(c.fails - 1)); m != nil {
			t.Errorf("%s, %d levels: %v, docutils renders it", c.name, c.fails-1, m)
		}
		for _, depth := range []int{c.fails, c.fails + 1, 1000} {
			m := Check(c.shape(depth))
			if m == nil || m.Level != want.Level || m.Line != want.Line || m.Text != want.Text {
				t.Errorf("%s, %d levels: %v, want %v", c.name, depth, m, &want)
			}
		}
	}
	// the shape of the issue: 10 MB that compress to a few KB
	if m := Check(deepQuotes(4500)); m == nil || *m != want {
		t.Errorf("block quotes, 4500 levels: %v, want %v", m, &want)
	}
	for _, words := range []string{"RecursionError", "maximum recursion depth exceeded"} {
		if !strings.Contains(TooDeepText, words) {
			t.Errorf("TooDeepText does not give docutils' words %q", words)
		}
	}
}

// TestDeepNestingMemory checks that a level of nesting costs memory for
// its own lines only: copying the lines of every level below it once per
// level made 150 levels of 9.7 MB allocate a hundred MB, and 1,500
// levels copied their lines 165 times before docutils' limit stopped them.
// The same holds for list items and definitions.
func TestDeepNestingMemory(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
	}{
		{"150 block quotes, text in the deepest", deepText(150, 1<<20, true)},
		{"150 block quotes, text in each", deepText(150, 1<<20, false)},
		{"1,500 block quotes, past the limit", deepQuotes(1500)},
		{"150 bullet list items", deepList(150, 1<<20, false)},
		{"150 definitions", deepList(150, 1<<20, true)},
	} {
		// The least of several runs: the first grows the parser's pooled
		// memory, and the pool may drop it (it does at random under -race).
		least := ^uint64(0)
		var before, after runtime.MemStats
		for i := 0; i < 10; i++ {
			runtime.ReadMemStats(&before)
			Check(c.src)
			runtime.ReadMemStats(&after)
			least = min(least, after.TotalAlloc-before.TotalAlloc)
		}
		// the tree and the joined paragraph text take about the size of
		// the input; a copy of every level's lines took 6 to 12 times it
		if least > 2*uint64(len(c.src)) {
			t.Errorf("%s: %d bytes of input allocate %d bytes", c.name, len(c.src), least)
		} else {
			t.Logf("%s: %d bytes of input allocate %d bytes", c.name, len(c.src), least)
		}
	}
}

package rst

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// stair nests n levels, each opened by open(margin), which returns the
// lines that open the level and the margin of its content; each level
// holds one paragraph.
func stair(open func(margin string) (head, inner string)) func(n int) string {
	return func(n int) string {
		var b strings.Builder
		margin := ""
		for i := 0; i < n; i++ {
			var head string
			head, margin = open(margin)
			b.WriteString(head + margin + "text\n\n")
		}
		return b.String()
	}
}

// TestNestingTooDeep holds pyup to where docutils stops. Docutils has no
// nesting limit of its own: each level of nesting is a few more Python
// frames, and at Python's recursion limit a RecursionError ends the
// parse; readme_renderer does not catch it, so there is no system
// message and no line. The depths are those at which docutils 0.23 (and
// 0.19 for block quotes) on Python 3.11 first fail under
// scripts/rst-oracle.py; they differ with the frames each kind of
// nesting costs.
func TestNestingTooDeep(t *testing.T) {
	want := Message{Level: Severe, Text: TooDeepText, Hint: tooDeepHint}
	for _, c := range []struct {
		name  string
		shape func(int) string
		fails int // the least depth docutils fails
	}{
		{"block quotes", deepQuotes, 165},
		{"block quotes from the first line", stair(func(m string) (string, string) { return "", m + " " }), 164},
		{"bullet list items", stair(func(m string) (string, string) { return m + "-\n", m + "  " }), 164},
		{"second bullet list items", stair(func(m string) (string, string) { return m + "- a\n\n" + m + "-\n", m + "  " }), 90},
		{"bullets on one line", func(n int) string { return strings.Repeat("- ", n) + "x\n" }, 164},
		{"enumerated list items", stair(func(m string) (string, string) { return m + "#.\n", m + "   " }), 164},
		{"definitions", stair(func(m string) (string, string) { return m + "term\n", m + " " }), 164},
		{"option descriptions", stair(func(m string) (string, string) { return m + "-o  x\n", m + "    " }), 164},
		{"line blocks and quotes", stair(func(m string) (string, string) { return m + "| x\n" + m + "|  y\n\n", m + " " }), 164},
		{"fields", stair(func(m string) (string, string) { return m + ":f:\n", m + "   " }), 140},
		{"second fields", stair(func(m string) (string, string) { return m + ":a: b\n" + m + ":f:\n", m + "   " }), 82},
		{"footnotes", stair(func(m string) (string, string) { return m + ".. [#]\n", m + "   " }), 140},
		{"second footnotes", stair(func(m string) (string, string) { return m + ".. [#] a\n" + m + ".. [#]\n", m + "   " }), 76},
		{"citations", stair(func(m string) (string, string) { return m + ".. [c" + strconv.Itoa(len(m)) + "]\n", m + "   " }), 140},
		{"notes", stair(func(m string) (string, string) { return m + ".. note::\n\n", m + "   " }), 109},
		{"admonitions", stair(func(m string) (string, string) { return m + ".. admonition:: t\n\n", m + "   " }), 109},
		{"containers", stair(func(m string) (string, string) { return m + ".. container::\n\n", m + "   " }), 109},
		{"epigraphs", stair(func(m string) (string, string) { return m + ".. epigraph::\n\n", m + "   " }), 98},
		{"notes holding a quote", stair(func(m string) (string, string) { return m + ".. note::\n\n" + m + "   x\n\n", m + "    " }), 66},
	} {
		if m := Check(c.shape(c.fails - 1)); m != nil {
			t.Errorf("%s, %d levels: %v, docutils renders it", c.name, c.fails-1, m)
		}
		for _, depth := range []int{c.fails, c.fails + 1} {
			if m := Check(c.shape(depth)); m == nil || *m != want {
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

package rst

import (
	"fmt"
	"github.com/pyup-dev/pyup/pkg/dist/rst/rsttest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func BenchmarkCheck1MiB(b *testing.B) {
	src := rsttest.Readme(1 << 20)
	if m := Check(src); m != nil {
		b.Fatalf("benchmark input fails: %v", m)
	}
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Check(src)
	}
}

// pathological inputs must be handled in roughly linear time.
func pathological() map[string]string {
	return map[string]string{
		"stars":          strings.Repeat("*", 100000),
		"stars-lines":    strings.Repeat(strings.Repeat("*", 5000)+"\n", 200),
		"emphasis-open":  strings.Repeat("*a ", 30000),
		"quoted-stars":   strings.Repeat("(*) ", 50000),
		"underscores":    strings.Repeat("a_", 50000),
		"dashes":         strings.Repeat("a-", 4000) + "\n",
		"backquotes":     strings.Repeat("`a` ", 50000),
		"nested-quotes":  nested(200, "  "),
		"nested-bullets": nestedBullets(300),
		"huge-table":     hugeTable(300, 20),
		"many-lines":     strings.Repeat("word\n", 200000),
		"many-titles":    strings.Repeat("Title\n=====\n\ntext\n\n", 20000),
		"many-targets":   manyTargets(20000),
		"deep-sections":  deepSections(),
		"long-para-refs": strings.Repeat("see word_ and `phrase <http://x>`__ ", 20000) + "\n\n.. _word: http://y\n",
	}
}

func nested(depth int, indent string) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat(indent, i) + "para\n\n")
	}
	return b.String()
}

func nestedBullets(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat("  ", i) + "- item\n\n")
	}
	return b.String()
}

func hugeTable(rows, cols int) string {
	var b strings.Builder
	sep := "+" + strings.Repeat("-----+", cols) + "\n"
	b.WriteString(sep)
	for r := 0; r < rows; r++ {
		b.WriteString("|" + strings.Repeat(" abc |", cols) + "\n")
		b.WriteString(sep)
	}
	return b.String() + "\ntext\n"
}

func manyTargets(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "link%d_\n\n.. _link%d: http://example.com/%d\n\n", i, i, i)
	}
	return b.String()
}

func deepSections() string {
	chars := "=-~^\"'`#*+<>:.,;!?$%&@_/\\|"
	var b strings.Builder
	b.WriteString("text\n\n")
	for i := 0; i < len(chars); i++ {
		fmt.Fprintf(&b, "Title %d\n%s\n\ntext\n\n", i, strings.Repeat(string(chars[i]), 10))
	}
	return b.String()
}

func BenchmarkPathological(b *testing.B) {
	for name, src := range pathological() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				Check(src)
			}
		})
	}
}

// TestPathological checks that hostile inputs neither panic nor take long.
func TestPathological(t *testing.T) {
	limit := 2 * time.Second
	if raceEnabled {
		limit = 30 * time.Second
	}
	for name, src := range pathological() {
		start := time.Now()
		m := Check(src)
		if d := time.Since(start); d > limit {
			t.Errorf("%s: took %v", name, d)
		}
		if m != nil && strings.HasPrefix(m.Text, InternalErrorPrefix) {
			t.Errorf("%s: %v", name, m)
		}
	}
}

// BenchmarkCorpus checks every real README and description of the corpus
// and the held-out set in turn: throughput on what people publish.
func BenchmarkCorpus(b *testing.B) {
	var srcs []string
	size := 0
	for _, dir := range []string{"corpus/real", "heldout"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.rst"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, string(data))
			size += len(data)
		}
	}
	if len(srcs) == 0 {
		b.Skip("no corpus files")
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Check(s)
		}
	}
}

// deepQuotes nests a one-word block quote per level, each indented one
// space more than the one before: levels*levels/2 bytes of mostly spaces
// (4,500 levels make 10 MB that compress to a few KB in an sdist).
func deepQuotes(levels int) string {
	var b strings.Builder
	for i := 0; i < levels; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("x\n\n")
	}
	return b.String()
}

// deepText nests levels block quotes, one space deeper each, and fills
// them with about size bytes of paragraph text: spread evenly over the
// levels, or all in the deepest one.
func deepText(levels, size int, deepest bool) string {
	const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod."
	var b strings.Builder
	b.Grow(size + levels*levels)
	for i := 0; i < levels; i++ {
		indent := strings.Repeat(" ", i)
		n := size / levels / (len(text) + i + 1)
		if deepest {
			n = 1
			if i == levels-1 {
				n = size / (len(text) + i + 1)
			}
		}
		for j := 0; j < n; j++ {
			b.WriteString(indent)
			b.WriteString(text)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// deepList nests levels list items or definitions, each in the one
// before, with about size bytes of paragraph text spread over them.
func deepList(levels, size int, definitions bool) string {
	const text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod."
	var b strings.Builder
	b.Grow(size + 2*levels*levels)
	margin := ""
	for i := 0; i < levels; i++ {
		if definitions {
			b.WriteString(margin + "term\n")
			margin += " "
		} else {
			b.WriteString(margin + "- ")
			margin += "  "
		}
		n := size / levels / (len(text) + len(margin) + 1)
		for j := 0; j < max(n, 1); j++ {
			if j > 0 || definitions {
				b.WriteString(margin)
			}
			b.WriteString(text)
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// BenchmarkDeepNesting measures nesting past docutils' limit (the check
// must stop cheaply) and nesting just under it with megabytes of text
// (each level must not rescan or copy what the levels below it hold).
func BenchmarkDeepNesting(b *testing.B) {
	for _, c := range []struct {
		name string
		src  string
		fail bool
	}{
		{"TooDeep4500", deepQuotes(4500), true},
		{"Text150Spread", deepText(150, 9_700_000, false), false},
		{"Text150Deepest", deepText(150, 9_700_000, true), false},
		{"Bullets150", deepList(150, 9_700_000, false), false},
		{"Definitions150", deepList(150, 9_700_000, true), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			if m := Check(c.src); (m != nil) != c.fail {
				b.Fatalf("verdict %v", m)
			}
			b.SetBytes(int64(len(c.src)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Check(c.src)
			}
		})
	}
}

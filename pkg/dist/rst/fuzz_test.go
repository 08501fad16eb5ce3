package rst

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCheck feeds arbitrary text to Check: it must never panic, must
// answer in bounded time, and a failure must carry a message.
func FuzzCheck(f *testing.F) {
	seeds := []string{
		"Title\n=====\n\ntext *emphasis* **strong** ``literal`` `ref`_\n\n.. _ref: http://example.com\n",
		"Title\n===\n",
		"* item\n\n  * nested\n\n1. one\n2. two\n",
		"+---+---+\n| a | b |\n+===+===+\n| c | d |\n+---+---+\n",
		"===  ===\na    b\n===  ===\n1    2\n===  ===\n",
		".. note::\n\n   text\n\n.. image:: x.png\n   :alt: x\n\n.. |s| replace:: *x*\n\n|s|\n",
		"term\n  definition\n\n:field: body\n\n-o  option\n\n>>> 1 + 1\n2\n\n| line\n| block\n",
		"para::\n\n    literal\n\n----\n\npara [1]_ [#]_ [*]_ [cite]_\n\n.. [1] a\n.. [#] b\n.. [*] c\n.. [cite] d\n",
		"`a <b>`__ `c`__\n\n__ x\n__ y\n",
		"\tTab\tindented\r\nCRLF\r\n",
		"東京\n====\n\n.. code-block:: python\n\n   x = 1\n",
		":ref:`x` :class:`y` :raw:`z`\n\n.. toctree::\n",
		"*" + strings.Repeat("a", 100),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	if files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "synthetic", "*.rst")); len(files) > 0 {
		for i, file := range files {
			if i%8 != 0 {
				continue
			}
			if data, err := os.ReadFile(file); err == nil && len(data) < 4096 {
				f.Add(string(data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		m := Check(src)
		if d := time.Since(start); d > 5*time.Second && len(src) < 1<<16 {
			t.Fatalf("Check took %v on %d bytes", d, len(src))
		}
		if m != nil && strings.HasPrefix(m.Text, InternalErrorPrefix) {
			t.Fatalf("internal error: %v", m)
		}
		if m != nil && m.Text == "" {
			t.Fatalf("failure without a message: %+v", m)
		}
		if m != nil && (m.Level < 0 || m.Level > Severe) {
			t.Fatalf("bad level: %+v", m)
		}
	})
}

package rst

import (
	"github.com/pyup-dev/pyup/pkg/dist/rst/rsttest"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		line  int
		level Level
		text  string // "" means the description renders
	}{
		{"ok", "Title\n=====\n\nSome *text* with a `link <https://example.com>`_.\n", 0, 0, ""},
		{"short underline", "Title here\n=====\n\ntext\n", 2, Warning, "Title underline too short."},
		{"short underline of 3 is text", "Title\n===\n\ntext\n", 0, 0, ""},
		{"wide title", "東京東京\n=======\n\ntext\n", 2, Warning, "Title underline too short."},
		{"unknown directive", ".. toctree::\n   :maxdepth: 2\n", 1, Error, `Unknown directive type "toctree".`},
		{"sphinx role", "See :ref:`install`.\n", 1, Error, `Unknown interpreted text role "ref".`},
		{"unclosed emphasis", "a *b c\n", 1, Warning, "Inline emphasis start-string without end-string."},
		{"unknown target", "see foo_\n", 1, Error, `Unknown target name: "foo".`},
		{"duplicate target", ".. _a: http://x\n.. _a: http://y\n", 2, Warning, `Duplicate explicit target name: "a".`},
		{"duplicate implicit target is fine", "Usage\n=====\n\nx\n\nUsage\n=====\n\ny\n", 0, 0, ""},
		{"undefined substitution", "|x|\n", 1, Error, `Undefined substitution referenced: "x".`},
		{"literal expected", "Example::\n\nnot indented\n", 3, Warning, "Literal block expected; none found."},
		{"unexpected indentation", "para\nmore\n  indented\n", 3, Error, "Unexpected indentation."},
		{"raw disabled", ".. raw:: html\n\n   <b>x</b>\n", 1, Warning, `"raw" directive disabled.`},
		{"include disabled", ".. include:: other.rst\n", 1, Warning, `"include" directive disabled.`},
		{"transition at start", "----\n\npara\n", 1, Warning, "Transition at the start of the document."},
		{"empty footnote (docutils 0.23)", "A.\n\n.. [1]\n", 3, Warning, "Footnote content expected."},
		{"empty citation (docutils 0.23)", "A.\n\n.. [CIT]\n\n\n\nText.\n", 6, Warning, "Citation content expected."},
		{"embedded URI and section share a name (docutils 0.23)", "Usage\n=====\n\nSee `Usage`_ and `usage <https://example.com/>`_.\n", 4, Error, `Duplicate target name, cannot be used as a unique reference: "usage".`},
		{"transition after a target (docutils 0.23)", ".. _t: https://example.com\n\n----------\n\nText.\n", 3, Warning, "Transition at the start of the document."},
		{"unknown code language is fine", ".. code-block:: nosuchlanguage\n\n   x\n", 0, 0, ""},
		{"markdown is fine", "# Title\n\nSome **bold** and [a link](http://x).\n\n* a\n* b\n", 0, 0, ""},
		{"crlf", "Title\r\n=====\r\n\r\ntext\r\n", 0, 0, ""},
		{"tabs", "Title\n=====\n\n\t- a\n\t- b\n", 0, 0, ""},
		{"empty", "", 0, 0, EmptyText},
		{"lone title", "Title\n=====\n", 0, 0, EmptyText},
		{"bullet unindent", "- a\nb\n", 2, Warning, "Bullet list ends without a blank line; unexpected unindent."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Check(tt.src)
			if tt.text == "" {
				if m != nil {
					t.Fatalf("want ok, got %v", m)
				}
				return
			}
			if m == nil {
				t.Fatalf("want %q, got ok", tt.text)
			}
			if m.Text != tt.text || m.Line != tt.line || m.Level != tt.level {
				t.Errorf("got line %d level %v %q; want line %d level %v %q", m.Line, m.Level, m.Text, tt.line, tt.level, tt.text)
			}
			if m.Hint == "" {
				t.Errorf("no hint for %q", m.Text)
			}
		})
	}
}

func TestMessageError(t *testing.T) {
	m := &Message{Line: 3, Level: Warning, Text: "Title underline too short."}
	if got, want := m.Error(), "line 3: (WARNING/2) Title underline too short."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e := &Message{Text: EmptyText}
	if got := e.Error(); got != EmptyText {
		t.Errorf("Error() = %q", got)
	}
	for l, s := range map[Level]string{Info: "INFO", Warning: "WARNING", Error: "ERROR", Severe: "SEVERE", 0: ""} {
		if l.String() != s {
			t.Errorf("Level(%d).String() = %q, want %q", l, l.String(), s)
		}
	}
}

func TestLineLengthLimit(t *testing.T) {
	m := Check("ok\n" + strings.Repeat("x", 10001) + "\n")
	if m == nil || m.Text != "Line 2 exceeds the line-length-limit." || m.Level != Error {
		t.Fatalf("got %v", m)
	}
}

func TestMakeID(t *testing.T) {
	for _, c := range []struct {
		in           string
		plain, named string
	}{
		{"Hello, World!", "hello-world", "hello-world"},
		{"  --Foo--Bar--  ", "foo-bar", "-foo-bar"},
		{"2023 Release", "release", "2023-release"},
		{"-a", "a", "-a"},
		{"Ünïcödé Straße", "unicode-strasze", "unicode-strasze"},
		{"Søren Łukasz Æsir", "soren-lukasz-aesir", "soren-lukasz-aesir"},
		{"KELVIN \u212a", "kelvin-k", "kelvin-k"},
		{"---", "", ""},
		{"", "", ""},
	} {
		if got := makeID(c.in); got != c.plain {
			t.Errorf("makeID(%q) = %q, want %q", c.in, got, c.plain)
		}
		if got := makeIDFrom(c.in, true); got != c.named {
			t.Errorf("makeIDFrom(%q, true) = %q, want %q", c.in, got, c.named)
		}
	}
}

func TestReadmeRenders(t *testing.T) {
	for _, n := range []int{1 << 10, 64 << 10} {
		if m := Check(rsttest.Readme(n)); m != nil {
			t.Errorf("rsttest.Readme(%d): %v", n, m)
		}
	}
}

// TestKnownEncoding holds knownEncoding to Python's codecs.lookup; the
// verdicts were recorded with CPython 3.11.
func TestKnownEncoding(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"utf-8", true},
		{"latin-1", true},
		{"LATIN 1", true},
		{"latin--1", true},
		{"utf8", true},
		{"UTF_8", true},
		{"u.t.f.8", false},
		{"latin1.", false},
		{".latin1", false},
		{"latin_1 ", true},
		{" latin1", true},
		{"utf-8-sig", true},
		{"ascii", true},
		{"foo", false},
		{"aliases", false},
		{"utf 8", true},
		{"__latin1__", true},
		{"latién1", false},
		{"utf-8é", true},
		{"cp65001", true},
		{"mbcs", false},
		{"oem", false},
		{"utf_8.", false},
		{"idna", true},
		{"punycode", true},
		{"rot13", true},
		{"rot-13", true},
		{"hex", true},
		{"base64", true},
		{"zlib", true},
		{"undefined", true},
		{"unicode_escape", true},
		{"raw-unicode-escape", true},
		{"x", false},
		{"", false},
		{".", false},
		{"utf..8", false},
		{"utf._8", false},
		{"iso-8859-1", true},
		{"ISO8859-15", true},
		{"iso_8859_15:1998", false},
		{"ms-kanji", true},
		{"shift_jis", true},
		{"euc-jp", true},
		{"koi8_r", true},
		{"mac-roman", true},
		{"macroman", true},
		{"cp1252", true},
		{"windows-1252", true},
		{"big5-hkscs", true},
		{"gb18030", true},
		{"hz", true},
		{"utf_32_be", true},
		{"UTF-16LE", true},
		{"8859", true},
		{"latin", true},
		{"l1", true},
		{"us-ascii", true},
		{"646", true},
		{"ansi_x3.4_1968", true},
		{"ansi_x3_4_1968", true},
		{"ansi.x3.4.1968", true},
		{"tis620", true},
		{"tis-620", true},
		{"utf-7", true},
		{"u7", true},
		{"quopri", true},
		{"qp", false},
		{"bz2", true},
		{"string_escape", false},
		{"l|atin-1", false},
		{"utf\t8", true},
		{"Utf-8", true},
		{"uTf8", true},
		{"ütf-8", false},
		{"1252", true},
		{"cp-1252", false},
		{"cp 1252", false},
	} {
		if got := knownEncoding(c.name); got != c.ok {
			t.Errorf("knownEncoding(%q) = %v, want %v", c.name, got, c.ok)
		}
	}
	// an alias Python can reach (normalized, naming a codec available on
	// Linux) is known in any case
	for alias, mod := range codecAliases {
		if normalizeEncoding(alias) == alias && codecModules[mod] && (!knownEncoding(alias) || !knownEncoding(strings.ToUpper(alias))) {
			t.Errorf("alias %q is not known", alias)
		}
	}
}

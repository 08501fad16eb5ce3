// Package pyrepr quotes strings as Python's repr() does, so that messages
// that repeat PyPI's or docutils' wording read exactly as theirs do.
package pyrepr

import (
	"fmt"
	"strings"
	"unicode"
)

// Str returns Python's repr() of the str s: single quotes, or double quotes
// when s holds a single quote and no double one; backslash escapes for the
// quote, backslashes, control characters and what Python does not print
// (format, private-use, unassigned and separator characters other than the
// ASCII space).
func Str(s string) string { return quote(s, true) }

// StrASCII quotes s as Str does but escapes only ASCII control characters;
// every other character stays as it is. It is for messages that a later
// layer escapes for the terminal in its own way (pyup's output shows a C1
// control or a bidi override as \u009b, \u202e), where Python's \x9b would
// hide what the escaping layer is there to show.
func StrASCII(s string) string { return quote(s, false) }

func quote(s string, unicodeEscapes bool) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		q = "\""
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case string(r) == q:
			b.WriteString(`\` + q)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || !unicodeEscapes || unicode.IsPrint(r):
			// Go's IsPrint is Python's isprintable: letters, marks,
			// numbers, punctuation, symbols and the ASCII space.
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteString(q)
	return b.String()
}

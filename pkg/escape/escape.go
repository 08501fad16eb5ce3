// Package escape makes untrusted text safe to print: text pyup did not write
// itself (metadata from a distribution, file names from an archive or an
// index, a server's reason phrase or body, ID token claims, usernames) can
// carry terminal escape sequences that retitle the window, clear the screen,
// rewrite earlier lines or reorder what the user reads. Every command prints
// such text through Text, and every JSON report through JSON; both escape
// the same characters.
package escape

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Text returns s with everything a terminal could act on written out as a
// visible escape, so that the result is one line of plain, printable text:
//
//   - tab, line feed and carriage return become \t, \n and \r;
//   - the other C0 controls, DEL and bytes that are not UTF-8 become \xNN
//     (ESC is \x1b, BEL \x07);
//   - C1 controls (U+0080 to U+009F, such as U+009B, a one-character CSI),
//     bidirectional and other format characters (U+202E, U+2066, U+200B,
//     U+FEFF...), line and paragraph separators, private-use and unassigned
//     code points become \uXXXX (or \UXXXXXXXX).
//
// Printable text, including spaces and backslashes, is unchanged, so text
// that was already safe reads exactly as before. Text never fails.
func Text(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case printable(r):
			b.WriteString(s[i : i+size])
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}

// safe reports whether Text would return s unchanged.
func safe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return safeSlow(s)
		}
	}
	return true
}

func safeSlow(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return false
			}
		}
		if r < 0x20 || r == 0x7f || !printable(r) {
			return false
		}
	}
	return true
}

// printable: letters, marks, numbers, punctuation, symbols and spaces
// (unicode.IsGraphic), minus the ones that change how text around them is
// shown. Everything in categories C (controls, format, surrogates, private
// use, unassigned) and Zl, Zp is escaped.
func printable(r rune) bool {
	return r >= 0x20 && r != 0x7f && unicode.IsGraphic(r)
}

// JSON returns encoding/json output with every character Text would escape
// that encoding/json leaves raw (C1 controls, bidirectional and other format
// characters, private-use and unassigned code points) written as a \uXXXX
// escape. Outside strings JSON is ASCII, and inside them such an escape
// decodes to the same character, so the document means exactly what it
// meant: only a terminal showing it sees something different. encoding/json
// already escapes C0 controls, U+2028, U+2029 and invalid UTF-8.
func JSON(b []byte) []byte {
	if !hasNonASCII(b) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r < utf8.RuneSelf || printable(r) || (r == utf8.RuneError && size <= 1):
			out.Write(b[i : i+size])
		case r <= 0xffff:
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
		}
		i += size
	}
	return out.Bytes()
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

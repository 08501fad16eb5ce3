package pyrepr

import "testing"

// TestStr holds Str to Python 3.11's repr() of the same strings.
func TestStr(t *testing.T) {
	for in, want := range map[string]string{
		"c\u200benter":  `'c\u200benter'`,
		"\u3000L":       `'\u3000L'`,
		"a\u00a0b":      `'a\xa0b'`,
		"\u00ad":        `'\xad'`,
		"\U000e0001x":   `'\U000e0001x'`,
		"日本":            `'日本'`,
		"\u0301":        "'\u0301'",
		"\ue000":        `'\ue000'`,
		"\U0010ffff":    `'\U0010ffff'`,
		"it's":          `"it's"`,
		`a'b"c`:         `'a\'b"c'`,
		"tab\there\x01": `'tab\there\x01'`,
		"back\\slash":   `'back\\slash'`,
		"cr\r\x7f":      `'cr\r\x7f'`,
	} {
		if got := Str(in); got != want {
			t.Errorf("Str(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestStrASCII checks that StrASCII escapes as Str does below U+0080 and
// keeps every other character.
func TestStrASCII(t *testing.T) {
	for in, want := range map[string]string{
		"c\u200benter":       "'c\u200benter'",
		"x\x1b]0;t\x07":      `'x\x1b]0;t\x07'`,
		"\u009b2J\u202eevil": "'\u009b2J\u202eevil'",
		"it's":               `"it's"`,
		`a'b"c\`:             `'a\'b"c\\'`,
		"tab\t\r\n\x7f":      `'tab\t\r\n\x7f'`,
	} {
		if got := StrASCII(in); got != want {
			t.Errorf("StrASCII(%q) = %s, want %s", in, got, want)
		}
	}
}

package escape

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"demo-1.0-py3-none-any.whl", "demo-1.0-py3-none-any.whl"},
		{`a\b "c" 'd'`, `a\b "c" 'd'`},
		{"Grüße, 日本語, émoji 🐍", "Grüße, 日本語, émoji 🐍"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b[2J", `\x1b[2J`},
		{"ok\rFAKE", `ok\rFAKE`},
		{"a\nb\tc", `a\nb\tc`},
		{"\x00\x7f", `\x00\x7f`},
		{"\u009b2J", `\u009b2J`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"\u2066x\u2069\u200b\ufeff\u2028", `\u2066x\u2069\u200b\ufeff\u2028`},
		{"\U000f0000", `\U000f0000`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"\xe2\x80", `\xe2\x80`}, // a truncated rune
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzText: whatever the input, the output holds no
// control, format or separator character and no invalid UTF-8.
func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b]0;t\x07", "\u009b", "\u202e", "\xff", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if !safe(out) {
			t.Fatalf("Text(%q) = %q is not safe", s, out)
		}
		if strings.ContainsAny(out, "\x1b\x07\r\n\u009b\u202e") {
			t.Fatalf("Text(%q) = %q", s, out)
		}
		if safe(s) && out != s {
			t.Fatalf("safe input changed: %q -> %q", s, out)
		}
	})
}

func TestJSON(t *testing.T) {
	in := map[string]string{"m": "x\x1b]0;title\x07\x1b[2J\rFAKE\u009b2J\u202eevil \U000f0000 Grüße 🐍"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got := JSON(b)
	want := `{"m":"x\u001b]0;title\u0007\u001b[2J\rFAKE\u009b2J\u202eevil \udb80\udc00 Grüße 🐍"}`
	if string(got) != want {
		t.Fatalf("JSON = %s, want %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["m"] != in["m"] {
		t.Fatalf("escaped JSON decodes to %q (%v), want %q", back["m"], err, in["m"])
	}
}

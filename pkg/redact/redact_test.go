package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const token = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ1c2VyIl0AAAYgSECRETSECRET"

func TestStringScrubsEveryForm(t *testing.T) {
	var s Set
	s.Add(token)
	pw := `p@ss wörd/<&>"%x` + "-long-enough"
	s.AddBasic("alice", pw)
	jsonPW, _ := json.Marshal(pw)
	cases := map[string]string{
		"raw":              "403 Invalid token " + token + " for project",
		"basic token":      "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("__token__:"+token)),
		"basic other user": "got Basic " + base64.StdEncoding.EncodeToString([]byte("someone-else:"+token)) + " from you",
		"basic user pw":    base64.StdEncoding.EncodeToString([]byte("alice:" + pw)),
		"query":            "?password=" + url.QueryEscape(pw),
		"userinfo":         "https://alice:" + url.UserPassword("alice", pw).String()[6:] + "@host/",
		"json":             `{"message": ` + string(jsonPW) + `}`,
		"prefix cut":       "Basic " + base64.StdEncoding.EncodeToString([]byte("__token__:" + token))[:40],
		"tail":             "..." + token[len(token)-20:],
		"middle":           "x" + token[30:60] + "y",
		"raw url base64":   base64.RawURLEncoding.EncodeToString([]byte(token)),
	}
	for name, in := range cases {
		got := s.String(in)
		for _, piece := range []string{token[len(token)-Window:], token[40 : 40+Window], "SECRETSECRET", pw} {
			if strings.Contains(got, piece) {
				t.Errorf("%s: %q still holds a piece of a secret: %q", name, got, piece)
			}
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("%s: nothing masked in %q", name, got)
		}
	}
	if got := s.String("pyup: uploaded demo-1.0.tar.gz as __token__"); got != "pyup: uploaded demo-1.0.tar.gz as __token__" {
		t.Errorf("text without secrets changed: %q", got)
	}
}

func TestShortSecretsFoundWhole(t *testing.T) {
	var s Set
	s.Add("hunter2x")
	s.Add("ab") // too short: would mask ordinary words
	if got := s.String("password hunter2x, label ab"); got != "password ****, label ab" {
		t.Errorf("got %q", got)
	}
}

func TestWriterJoinsPiecesAcrossWrites(t *testing.T) {
	var s Set
	s.Add(token)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	// The secret arrives in three writes; no piece may get through.
	for _, p := range []string{"error: " + token[:10], token[10:50], token[50:] + " refused\nnext line"} {
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(out.String(), "next line") {
		t.Errorf("the unfinished line was written before Flush: %q", out.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "error: **** refused\nnext line"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Secrets added after the writer was made are scrubbed too.
	s.Add("minted-later-0123456789")
	w.Write([]byte("token minted-later-0123456789\n"))
	if strings.Contains(out.String(), "minted-later") {
		t.Errorf("a secret added later got through: %q", out.String())
	}
}

func TestWriterPassesCarriageReturnFrames(t *testing.T) {
	var s Set
	s.Add(token)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	w.Write([]byte("\r 10% |##  |"))
	w.Write([]byte("\r 20% |### |"))
	if got := out.String(); got != "\r 10% |##  |" {
		t.Errorf("progress frames: got %q", got)
	}
}

func TestUnwrapBypassesForMaskCommand(t *testing.T) {
	var s Set
	s.Add(token)
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	w.Write([]byte("before "))
	Unwrap(w).Write([]byte("::add-mask::" + token + "\n"))
	if got, want := out.String(), "before ::add-mask::"+token+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var plain bytes.Buffer
	if Unwrap(&plain) != &plain {
		t.Error("Unwrap of a plain writer must return it")
	}
}

func BenchmarkScrubReport(b *testing.B) {
	var s Set
	s.Add(token)
	s.Add(strings.Repeat("eyJhbGciOiJSUzI1NiJ9", 50))
	line := []byte(strings.Repeat(`{"file":"demo-1.0-py3-none-any.whl","status":"uploaded","sha256":"0123456789abcdef"}`+"\n", 100))
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		s.scrub(line)
	}
}

// FuzzWriter checks the Writer's promise on any text, any secret and any
// split into writes: no Window-byte piece of the secret gets through, and
// text that holds no piece of it passes unchanged.
func FuzzWriter(f *testing.F) {
	f.Add("prefix ", token, " suffix\nmore", 7)
	f.Add("\r 10%", "hunter2-0123456789", "\r 20%\n", 1)
	f.Add("", "abcd", "abcdabcd", 3)
	f.Fuzz(func(t *testing.T, before, secret, after string, split int) {
		var s Set
		s.Add(secret)
		text := before + secret + after
		var out bytes.Buffer
		w := NewWriter(&out, &s)
		if split <= 0 || split > len(text) {
			split = len(text) + 1
		}
		for i := 0; i < len(text); i += split {
			w.Write([]byte(text[i:min(i+split, len(text))]))
		}
		w.Flush()
		got := out.String()
		trimmed := strings.TrimSpace(secret)
		if strings.ContainsAny(trimmed, "\r\n") {
			// Matched line by line: check the longest line.
			for _, l := range strings.FieldsFunc(trimmed, func(r rune) bool { return r == '\r' || r == '\n' }) {
				if l = strings.TrimSpace(l); len(l) >= MinLen && len(l) < Window && strings.Contains(got, l) {
					t.Fatalf("line %q of the secret got through: %q", l, got)
				}
			}
			return
		}
		if len(trimmed) < MinLen {
			if got != text {
				t.Fatalf("a secret too short to scrub changed the text: %q -> %q", text, got)
			}
			return
		}
		if len(trimmed) < Window {
			if strings.Contains(got, trimmed) {
				t.Fatalf("secret %q got through: %q", trimmed, got)
			}
			return
		}
		for i := 0; i+Window <= len(trimmed); i++ {
			if strings.Contains(got, trimmed[i:i+Window]) {
				t.Fatalf("piece %q of the secret got through: %q", trimmed[i:i+Window], got)
			}
		}
		// Without the secret, the same writes pass unchanged.
		var plain bytes.Buffer
		pw := NewWriter(&plain, &Set{})
		pw.Write([]byte(before + after))
		pw.Flush()
		if plain.String() != before+after {
			t.Fatalf("an empty set changed the text: %q", plain.String())
		}
	})
}

func TestScrub(t *testing.T) {
	const tok = "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg"
	for _, tc := range []struct{ text, want string }{
		{"refused " + tok + " here", "refused **** here"},
		{"refused " + url.QueryEscape(tok+"/+") + " here", "refused **** here"},
		{"cut: " + tok[:14], "cut: ****"},
		{"nothing to hide", "nothing to hide"},
	} {
		if got := Scrub(tc.text, tok, tok+"/+", "", "ab"); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLookalikes(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln leaked", "id token **** leaked"},
		{"token pypi-AgEIcHlwaS5vcmc leaked", "token pypi-**** leaked"},
		{"Authorization: Bearer abc.def", "Authorization: Bearer ****"},
		{"plain text", "plain text"},
	} {
		if got := Lookalikes(tc.text); got != tc.want {
			t.Errorf("Lookalikes(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

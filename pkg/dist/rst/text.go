package rst

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// isSpace is Python's str.isspace for one character (Unicode White_Space
// plus the ASCII information separators, which Python also counts).
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	}
	return unicode.IsSpace(r)
}

// isWord is Python's \w for str patterns: alphanumerics and underscore.
func isWord(r rune) bool {
	if r < 0x80 {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// splitLines splits like Python's str.splitlines, converts vertical tabs
// and form feeds to spaces, expands tabs to 8-column stops and strips
// trailing whitespace, as docutils' string2lines does.
func splitLines(lines []string, s string) []string {
	if n := strings.Count(s, "\n") + 1; cap(lines) < n {
		lines = make([]string, 0, n)
	}
	start := 0
	tabs := false // the line has a tab, vertical tab or form feed
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 {
			i++
			continue
		}
		if c == '\t' || c == '\v' || c == '\f' {
			tabs = true
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		brk := 0
		switch r {
		case '\n', '\x1c', '\x1d', '\x1e', 0x85, 0x2028, 0x2029:
			brk = size
		case '\r':
			brk = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				brk = 2
			}
		}
		if brk > 0 {
			lines = append(lines, finishLine(s[start:i], tabs))
			i += brk
			start, tabs = i, false
			continue
		}
		i += size
	}
	if start < len(s) {
		lines = append(lines, finishLine(s[start:], tabs))
	}
	return lines
}

// finishLine is cleanLine for a line whose tabs splitLines noted: most
// lines end in a visible ASCII character and need nothing.
func finishLine(s string, tabs bool) string {
	if tabs {
		return cleanLine(s)
	}
	if s == "" || (s[len(s)-1] > ' ' && s[len(s)-1] < 0x80) {
		return s
	}
	return rstrip(s)
}

func cleanLine(s string) string {
	if strings.ContainsAny(s, "\t\v\f") {
		var b strings.Builder
		col := 0
		for _, r := range s {
			switch r {
			case '\t':
				n := 8 - col%8
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			case '\v', '\f':
				r = ' '
			}
			b.WriteRune(r)
			col++
		}
		s = b.String()
	}
	return strings.TrimRightFunc(s, isSpace)
}

// strip is Python's str.strip().
func strip(s string) string { return strings.TrimFunc(s, isSpace) }

func lstrip(s string) string { return strings.TrimLeftFunc(s, isSpace) }

func rstrip(s string) string { return strings.TrimRightFunc(s, isSpace) }

// fields is Python's str.split() with no separator.
func fields(s string) []string { return strings.FieldsFunc(s, isSpace) }

// removeSpace drops all whitespace from s, as "".join(s.split()) does.
func removeSpace(s string) string {
	i := strings.IndexFunc(s, isSpace)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for _, r := range s[i:] {
		if !isSpace(r) {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

// columnWidth is docutils' column_width: wide and full-width East Asian
// characters count 2, combining characters 0.
func columnWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	n := 1
	if isWide(r) {
		n = 2
	}
	if isCombining(r) {
		n--
	}
	return n
}

func isWide(r rune) bool {
	if r < 0x1100 {
		return false
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

func isCombining(r rune) bool {
	if r < 0x300 {
		return false
	}
	return norm.NFD.PropertiesString(string(r)).CCC() != 0
}

// runeLen counts characters.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// dropRunes removes the first n characters of s.
func dropRunes(s string, n int) string {
	if n <= 0 {
		return s
	}
	i := 0
	for ; n > 0 && i < len(s); n-- {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[i:]
}

// fullyNormalizeName lower-cases and collapses whitespace (reference names).
func fullyNormalizeName(s string) string {
	return strings.ToLower(whitespaceNormalizeName(s))
}

// whitespaceNormalizeName collapses whitespace.
func whitespaceNormalizeName(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || (c >= 0x1c && c <= 0x1f) ||
			(c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	return strings.Join(fields(s), " ")
}

// escape2null replaces each backslash escape by NUL + the escaped character.
func escape2null(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '\\')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteByte(0)
		s = s[i+1:]
		if s != "" {
			_, size := utf8.DecodeRuneInString(s)
			b.WriteString(s[:size])
			s = s[size:]
		}
	}
}

// unescape removes escaping NULs (and escaped whitespace).
func unescape(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\x00 ", "")
	s = strings.ReplaceAll(s, "\x00\n", "")
	return strings.ReplaceAll(s, "\x00", "")
}

// restoreBackslashes turns escaping NULs back into backslashes.
func restoreBackslashes(s string) string { return strings.ReplaceAll(s, "\x00", "\\") }

// makeID is docutils' make_id: an ASCII identifier derived from a name.
func makeID(s string) string { return makeIDFrom(s, false) }

// idTranslate is docutils' table for letters NFKD does not reduce to ASCII.
var idTranslate = strings.NewReplacer(
	"ß", "sz", "æ", "ae", "œ", "oe", "ȸ", "db", "ȹ", "qp",
	"ø", "o", "đ", "d", "ħ", "h", "ı", "i", "ł", "l", "ŧ", "t", "ƀ", "b", "ƃ", "b",
	"ƈ", "c", "ƌ", "d", "ƒ", "f", "ƙ", "k", "ƚ", "l", "ƞ", "n", "ƥ", "p", "ƫ", "t",
	"ƭ", "t", "ƴ", "y", "ƶ", "z", "ǥ", "g", "ȥ", "z", "ȴ", "l", "ȵ", "n", "ȶ", "t",
	"ȷ", "j", "ȼ", "c", "ȿ", "s", "ɀ", "z", "ɇ", "e", "ɉ", "j", "ɋ", "q", "ɍ", "r", "ɏ", "y",
)

// makeIDFrom is makeID; with seeded it is makeID("x"+s) without the x,
// which keeps leading digits and dashes.
func makeIDFrom(s string, seeded bool) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			s = norm.NFKD.String(idTranslate.Replace(strings.ToLower(s)))
			break
		}
	}
	b := make([]byte, 0, len(s))
	started, dash := seeded, false
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && started {
				b = append(b, '-')
			}
			dash, started = false, true
			b = append(b, byte(r))
		} else if r < 0x80 {
			dash = true
		}
	}
	id := string(b)
	if !seeded {
		id = strings.TrimLeft(id, "-0123456789")
	}
	return strings.TrimRight(id, "-")
}

// isPunctuationASCII7 is docutils' nonalphanum7bit class [!-/:-@[-`{-~].
func isNonAlnum7(c byte) bool {
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~')
}

var asciiWord = func() (t [128]bool) {
	for r := range t {
		t[r] = r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
	}
	return t
}()

// ASCII classes of the inline markup rules, precomputed.
const (
	asciiOpener = 1 << iota
	asciiCloser
	asciiDelimiter
	asciiClosingDelimiter
	asciiSpace
)

var asciiClass = func() (t [128]uint8) {
	for r := rune(0); r < 128; r++ {
		if unicode.Is(openerChars, r) {
			t[r] |= asciiOpener
		}
		if unicode.Is(closerChars, r) {
			t[r] |= asciiCloser
		}
		if unicode.Is(delimiterChars, r) {
			t[r] |= asciiDelimiter
		}
		if unicode.Is(closingDelimiterChars, r) {
			t[r] |= asciiClosingDelimiter
		}
		if isSpace(r) {
			t[r] |= asciiSpace
		}
	}
	return t
}()

func isOpener(r rune) bool {
	if r < 128 {
		return asciiClass[r]&asciiOpener != 0
	}
	return unicode.Is(openerChars, r)
}

func isCloser(r rune) bool {
	if r < 128 {
		return asciiClass[r]&asciiCloser != 0
	}
	return unicode.Is(closerChars, r)
}

func isDelimiter(r rune) bool {
	if r < 128 {
		return asciiClass[r]&asciiDelimiter != 0
	}
	return unicode.Is(delimiterChars, r)
}

func isClosingDelimiter(r rune) bool {
	if r < 128 {
		return asciiClass[r]&asciiClosingDelimiter != 0
	}
	return unicode.Is(closingDelimiterChars, r)
}

// matchChars is docutils' punctuation_chars.match_chars.
func matchChars(c1, c2 rune) bool {
	i := -1
	for k, r := range openerList {
		if r == c1 {
			i = k
			break
		}
	}
	if i < 0 {
		return false
	}
	if closerList[i] == c2 {
		return true
	}
	switch c1 {
	case 0xbb:
		return c2 == 0xbb
	case 0x2018:
		return c2 == 0x201a
	case 0x2019:
		return c2 == 0x2019
	case 0x201a:
		return c2 == 0x2018 || c2 == 0x2019
	case 0x201c:
		return c2 == 0x201e
	case 0x201e:
		return c2 == 0x201c || c2 == 0x201d
	case 0x201d:
		return c2 == 0x201d
	case 0x203a:
		return c2 == 0x203a
	}
	return false
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

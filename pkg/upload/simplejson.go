package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A PEP 691 page is read by a scanner of its own rather than
// encoding/json: json.Decoder holds a whole value before decoding it (a
// 250 MB page cost 1.5 GB), and rescans a run of whitespace between tokens
// from its start on every read (quadratic: 16 MiB of spaces take seconds).
// The scanner reads the page once, byte by byte from a 32 KiB buffer,
// validating it as encoding/json does, and keeps only files[].filename and
// files[].hashes.sha256; memory holds the answer, the buffer and one kept
// string. It gives encoding/json's answer on every page encoding/json
// accepts (FuzzParseSimple checks it), except that a page naming "files"
// twice, or a kept string longer than maxSimpleText, is refused.

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// errJSONSyntax marks a page that is not JSON, or not shaped as PEP 691
// says.
var errJSONSyntax = errors.New("invalid PEP 691 JSON")

// parseSimpleJSON reads a PEP 691 page in one pass, keeping only
// files[].filename and files[].hashes.sha256 (lowercased), and at most
// maxFiles distinct file names. As with encoding/json, member names match
// case-insensitively, a null page, files, entry or hashes is empty, and
// data after the page's closing brace is not read.
func parseSimpleJSON(ctx context.Context, r io.Reader, maxFiles int) (map[string]string, error) {
	p := &jsonPage{ctx: ctx, r: r, buf: make([]byte, 32<<10), maxFiles: maxFiles}
	files, err := p.page()
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	return files, nil
}

// jsonPage is the scanner's state.
type jsonPage struct {
	ctx      context.Context
	r        io.Reader
	buf      []byte
	pos, end int
	off      int64 // page offset of buf[0]
	err      error // the read error (io.EOF at the end), once buf is used up
	depth    int
	maxFiles int
	raw      []byte // a kept string as written, without its quotes
	str      []byte // a kept string decoded
}

// fill reads more of the page when buf is used up; false at the end or on
// a read error (p.err).
func (p *jsonPage) fill() bool {
	for empty := 0; p.pos >= p.end; empty++ {
		if p.err != nil {
			return false
		}
		if p.ctx.Err() != nil {
			p.err = context.Cause(p.ctx)
			return false
		}
		if empty == 100 {
			p.err = io.ErrNoProgress
			return false
		}
		p.off += int64(p.end)
		n, err := p.r.Read(p.buf)
		p.pos, p.end = 0, n
		if err != nil {
			p.err = err
		}
	}
	return true
}

// syntax returns an error at the current offset.
func (p *jsonPage) syntax(format string, args ...any) error {
	return fmt.Errorf("%w: %s at byte %d", errJSONSyntax, fmt.Sprintf(format, args...), p.off+int64(p.pos))
}

// unexpected reports the byte at pos (or the end of the page, or the read
// error) where something else was expected.
func (p *jsonPage) unexpected(want string) error {
	if p.pos >= p.end {
		if p.err != nil && !errors.Is(p.err, io.EOF) {
			return p.err
		}
		return p.syntax("unexpected end of page looking for %s", want)
	}
	return p.syntax("invalid character %s looking for %s", quoteByte(p.buf[p.pos]), want)
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	if c >= utf8.RuneSelf {
		s = fmt.Sprintf(`"\x%02x"`, c)
	}
	return "'" + s[1:len(s)-1] + "'"
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// space skips whitespace and returns the next byte, unread; false at the
// end of the page.
func (p *jsonPage) space() (byte, bool) {
	for {
		for p.pos < p.end {
			if c := p.buf[p.pos]; !isJSONSpace(c) {
				return c, true
			}
			p.pos++
		}
		if !p.fill() {
			return 0, false
		}
	}
}

// page reads the top-level value.
func (p *jsonPage) page() (map[string]string, error) {
	c, ok := p.space()
	if !ok {
		return nil, p.unexpected("beginning of value")
	}
	files := map[string]string{}
	if c == 'n' {
		if err := p.literal("null"); err != nil {
			return nil, err
		}
		// Like json.Decoder, ignore what follows (it would complain
		// only on a second Decode).
		return files, nil
	}
	if c != '{' {
		return nil, p.mismatch(c, "the page")
	}
	seen := false
	for first := true; ; first = false {
		key, more, err := p.nextMember(first)
		if err != nil {
			return nil, err
		}
		if !more {
			return files, nil
		}
		if !bytes.EqualFold(key, []byte("files")) {
			if err := p.skip(); err != nil {
				return nil, err
			}
			continue
		}
		if seen {
			return nil, p.syntax("files given twice")
		}
		seen = true
		if err := p.files(files); err != nil {
			return nil, err
		}
	}
}

// mismatch refuses a value of the wrong type where c starts it (or a
// syntax error, when c starts no value).
func (p *jsonPage) mismatch(c byte, what string) error {
	kind := ""
	switch {
	case c == '{':
		kind = "an object"
	case c == '[':
		kind = "an array"
	case c == '"':
		kind = "a string"
	case c == '-' || c >= '0' && c <= '9':
		kind = "a number"
	case c == 't' || c == 'f':
		kind = "a boolean"
	default:
		return p.unexpected("beginning of value")
	}
	return p.syntax("%s is %s", what, kind)
}

// files reads the files array into files.
func (p *jsonPage) files(files map[string]string) error {
	c, ok := p.space()
	if !ok {
		return p.unexpected("beginning of value")
	}
	if c == 'n' {
		return p.literal("null")
	}
	if c != '[' {
		return p.mismatch(c, "files")
	}
	p.pos++
	if err := p.push(); err != nil {
		return err
	}
	for first, n := true, 0; ; first, n = false, n+1 {
		more, err := p.nextElem(first)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		name, sha, err := p.file()
		if err != nil {
			return err
		}
		if err := addFile(files, name, strings.ToLower(sha), p.maxFiles); err != nil {
			return err
		}
	}
}

// file reads one entry of files.
func (p *jsonPage) file() (name, sha string, err error) {
	c, ok := p.space()
	if !ok {
		return "", "", p.unexpected("beginning of value")
	}
	if c == 'n' {
		return "", "", p.literal("null")
	}
	if c != '{' {
		return "", "", p.mismatch(c, "a file entry")
	}
	for first := true; ; first = false {
		key, more, err := p.nextMember(first)
		if err != nil || !more {
			return name, sha, err
		}
		switch {
		case bytes.EqualFold(key, []byte("filename")):
			if s, ok, err := p.keptString("filename"); err != nil {
				return "", "", err
			} else if ok {
				name = s
			}
		case bytes.EqualFold(key, []byte("hashes")):
			if err := p.hashes(&sha); err != nil {
				return "", "", err
			}
		default:
			if err := p.skip(); err != nil {
				return "", "", err
			}
		}
	}
}

// hashes reads a file's hashes object, setting *sha to its sha256.
func (p *jsonPage) hashes(sha *string) error {
	c, ok := p.space()
	if !ok {
		return p.unexpected("beginning of value")
	}
	if c == 'n' {
		return p.literal("null")
	}
	if c != '{' {
		return p.mismatch(c, "hashes")
	}
	for first := true; ; first = false {
		key, more, err := p.nextMember(first)
		if err != nil || !more {
			return err
		}
		if !bytes.EqualFold(key, []byte("sha256")) {
			if err := p.skip(); err != nil {
				return err
			}
			continue
		}
		if s, ok, err := p.keptString("sha256"); err != nil {
			return err
		} else if ok {
			*sha = s
		}
	}
}

// keptString reads a string value the answer keeps: false for null (which
// leaves the value as it was, as in encoding/json).
func (p *jsonPage) keptString(what string) (string, bool, error) {
	c, ok := p.space()
	if !ok {
		return "", false, p.unexpected("beginning of value")
	}
	if c == 'n' {
		return "", false, p.literal("null")
	}
	if c != '"' {
		return "", false, p.mismatch(c, what)
	}
	s, long, err := p.string(maxSimpleText)
	if err != nil {
		return "", false, err
	}
	if long {
		return "", false, p.syntax("%s longer than %d bytes", what, maxSimpleText)
	}
	return string(s), true, nil
}

func (p *jsonPage) push() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.syntax("exceeded max depth")
	}
	return nil
}

// nextMember starts an object on its first call (at "{") and moves to the
// next member: it returns the member's name (decoded, nil when longer
// than any name the page looks for) with the value unread, or false
// after the closing brace.
func (p *jsonPage) nextMember(first bool) ([]byte, bool, error) {
	if first {
		p.pos++ // {
		if err := p.push(); err != nil {
			return nil, false, err
		}
	}
	c, ok := p.space()
	if !ok {
		if first {
			return nil, false, p.unexpected("beginning of object key string")
		}
		return nil, false, p.unexpected("',' or '}' after object key:value pair")
	}
	if c == '}' {
		p.pos++
		p.depth--
		return nil, false, nil
	}
	if !first {
		if c != ',' {
			return nil, false, p.unexpected("',' or '}' after object key:value pair")
		}
		p.pos++
		if c, ok = p.space(); !ok || c != '"' {
			return nil, false, p.unexpected("beginning of object key string")
		}
	}
	if c != '"' {
		return nil, false, p.unexpected("beginning of object key string")
	}
	key, long, err := p.string(64)
	if err != nil {
		return nil, false, err
	}
	if long {
		key = nil
	}
	if c, ok = p.space(); !ok || c != ':' {
		return nil, false, p.unexpected("':' after object key")
	}
	p.pos++
	return key, true, nil
}

// nextElem starts an array on its first call (after "[") and moves to the
// next element, unread; false after the closing bracket.
func (p *jsonPage) nextElem(first bool) (bool, error) {
	c, ok := p.space()
	if !ok {
		if first {
			return false, p.unexpected("beginning of value")
		}
		return false, p.unexpected("',' or ']' after array element")
	}
	if c == ']' {
		p.pos++
		p.depth--
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, p.unexpected("',' or ']' after array element")
		}
		p.pos++
	}
	return true, nil
}

// skip reads one value of any kind, keeping nothing.
func (p *jsonPage) skip() error {
	c, ok := p.space()
	if !ok {
		return p.unexpected("beginning of value")
	}
	switch {
	case c == '{':
		for first := true; ; first = false {
			_, more, err := p.nextMember(first)
			if err != nil || !more {
				return err
			}
			if err := p.skip(); err != nil {
				return err
			}
		}
	case c == '[':
		p.pos++
		if err := p.push(); err != nil {
			return err
		}
		for first := true; ; first = false {
			more, err := p.nextElem(first)
			if err != nil || !more {
				return err
			}
			if err := p.skip(); err != nil {
				return err
			}
		}
	case c == '"':
		_, _, err := p.string(0)
		return err
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return p.unexpected("beginning of value")
}

// literal reads true, false or null.
func (p *jsonPage) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if p.pos >= p.end && !p.fill() {
			return p.unexpected("literal " + word)
		}
		if p.buf[p.pos] != word[i] {
			return p.syntax("invalid character %s in literal %s (expecting %s)", quoteByte(p.buf[p.pos]), word, quoteByte(word[i]))
		}
		p.pos++
	}
	return nil
}

// peekByte returns the next byte, unread; false at the end of the page.
func (p *jsonPage) peekByte() (byte, bool) {
	if p.pos >= p.end && !p.fill() {
		return 0, false
	}
	return p.buf[p.pos], true
}

// number reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonPage) number() error {
	c, _ := p.peekByte()
	if c == '-' {
		p.pos++
		if c, ok := p.peekByte(); !ok || c < '0' || c > '9' {
			return p.unexpected("digit in numeric literal")
		}
	}
	if c, _ = p.peekByte(); c == '0' {
		p.pos++
	} else {
		p.digits()
	}
	if c, ok := p.peekByte(); ok && c == '.' {
		p.pos++
		if c, ok := p.peekByte(); !ok || c < '0' || c > '9' {
			return p.unexpected("digit after decimal point in numeric literal")
		}
		p.digits()
	}
	if c, ok := p.peekByte(); ok && (c == 'e' || c == 'E') {
		p.pos++
		if c, ok := p.peekByte(); ok && (c == '+' || c == '-') {
			p.pos++
		}
		if c, ok := p.peekByte(); !ok || c < '0' || c > '9' {
			return p.unexpected("digit in exponent of numeric literal")
		}
		p.digits()
	}
	return nil
}

func (p *jsonPage) digits() {
	for {
		for p.pos < p.end {
			if c := p.buf[p.pos]; c < '0' || c > '9' {
				return
			}
			p.pos++
		}
		if !p.fill() {
			return
		}
	}
}

// string reads a string (at its opening quote), validating it. It returns
// the decoded string when its written form is at most keep bytes long, and
// long = true when it is longer (with keep 0, for a string the caller
// skips, nothing is kept). The result is valid until the next call.
func (p *jsonPage) string(keep int) (s []byte, long bool, err error) {
	p.pos++ // "
	raw := p.raw[:0]
	add := func(b []byte) {
		if long || len(raw)+len(b) > keep {
			long = true
			return
		}
		raw = append(raw, b...)
	}
	for {
		if p.pos >= p.end && !p.fill() {
			return nil, false, p.unexpected("end of string")
		}
		i := p.pos
		for i < p.end {
			if c := p.buf[i]; c == '"' || c == '\\' || c < 0x20 {
				break
			}
			i++
		}
		add(p.buf[p.pos:i])
		p.pos = i
		if i == p.end {
			continue
		}
		switch c := p.buf[i]; {
		case c == '"':
			p.pos++
			p.raw = raw
			if long || keep == 0 {
				return nil, long && keep > 0, nil
			}
			p.str = unquoteJSON(p.str[:0], raw)
			return p.str, false, nil
		case c < 0x20:
			return nil, false, p.syntax("invalid character %s in string literal", quoteByte(c))
		}
		// A backslash and its escape.
		p.pos++
		e, ok := p.peekByte()
		if !ok {
			return nil, false, p.unexpected("escape code")
		}
		switch e {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p.pos++
			add([]byte{'\\', e})
		case 'u':
			p.pos++
			esc := [6]byte{'\\', 'u'}
			for k := 2; k < 6; k++ {
				h, ok := p.peekByte()
				if !ok || !isHex(h) {
					return nil, false, p.unexpected("hexadecimal digit in \\u escape code")
				}
				esc[k] = h
				p.pos++
			}
			add(esc[:])
		default:
			return nil, false, p.syntax("invalid character %s in string escape code", quoteByte(e))
		}
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unquoteJSON appends to dst the string raw (a valid string literal's
// content) stands for, as encoding/json decodes it: invalid UTF-8 and
// unpaired surrogates become U+FFFD.
func unquoteJSON(dst, raw []byte) []byte {
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			switch e := raw[r+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(raw[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(raw[r:])); dec != unicode.ReplacementChar {
						r += 6
						dst = utf8.AppendRune(dst, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // " \ /
				dst = append(dst, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

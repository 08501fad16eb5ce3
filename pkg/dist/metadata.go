package dist

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseMetadata parses core metadata (a wheel's METADATA, an sdist's PKG-INFO)
// the way pypa/packaging's parse_email reads it, which is Python's email
// parser with the compat32 policy:
//
//   - Lines end with "\n", "\r\n" or a lone "\r".
//   - A header line is "Name: value"; the name is a run of printable ASCII
//     without spaces or ':'. The value keeps everything after the colon except
//     leading spaces and tabs; trailing whitespace is kept.
//   - A line starting with a space or tab continues the previous header: it is
//     appended with its line break and indentation, as Python keeps it (only
//     the final line break is dropped). A continuation line before any header,
//     a header with an empty name and a "From " line are dropped, as Python
//     drops them.
//   - The headers end at the first empty line, which is dropped, or at the
//     first line that is not a header, which starts the body.
//   - The body (the long description in Metadata-Version 2.1 and later) is
//     the rest of the data, byte for byte.
//
// Fields keep file order and spelling; multi-use fields appear once per use.
// Unlike Python, ParseMetadata rejects data that is not valid UTF-8 (packaging
// would set the field aside as unparsed, and twine then refuses the file): the
// error wraps ErrInvalidMetadata and names the line. It does not decode
// RFC 2047 encoded words or a Content-Transfer-Encoding, as packaging does not
// for the metadata pyup reads. It never fails otherwise: what the fields mean
// is Check's business.
func ParseMetadata(data []byte) (*Metadata, error) {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8Offset(data)], []byte{'\n'})
		return nil, fmt.Errorf("%w: line %d is not valid UTF-8", ErrInvalidMetadata, line)
	}
	s := string(data)
	m := &Metadata{}
	pos := 0
	// cur is the index in m.Fields of the header continuation lines extend;
	// -1 when there is none (no header yet, or the last one was dropped).
	cur := -1
	var value strings.Builder
	flush := func() {
		if cur >= 0 {
			m.Fields[cur].Value = strings.TrimRight(value.String(), "\r\n")
		}
		value.Reset()
	}
	for pos < len(s) {
		line, next := nextLine(s, pos)
		switch {
		case line == "" || line[0] == '\r' || line[0] == '\n':
			// The separator between headers and body.
			flush()
			m.Body = s[next:]
			return m, nil
		case line[0] == ' ' || line[0] == '\t':
			if cur >= 0 {
				value.WriteString(line)
			}
		case strings.HasPrefix(line, "From "):
			// Python takes a first-line "From " as a Unix envelope and drops
			// a later one as a defect, except when it is the last header
			// line: then it is pushed back as the body's first line.
			flush()
			cur = -1
			if pos > 0 && lastHeaderLine(s, next) {
				if next < len(s) && (s[next] == '\r' || s[next] == '\n') {
					_, after := nextLine(s, next)
					m.Body = line + s[after:]
				} else {
					m.Body = s[pos:]
				}
				return m, nil
			}
		default:
			colon := headerNameEnd(line)
			if colon < 0 {
				// Not a header: Python pushes the line back as the body's
				// first line.
				flush()
				m.Body = s[pos:]
				return m, nil
			}
			flush()
			cur = -1
			if colon == 0 {
				break // empty name: Python drops the line
			}
			m.Fields = append(m.Fields, Field{Name: line[:colon]})
			cur = len(m.Fields) - 1
			value.WriteString(strings.TrimLeft(line[colon+1:], " \t"))
		}
		pos = next
	}
	flush()
	return m, nil
}

// lastHeaderLine reports whether the line at pos ends the header block:
// there is no line there, or it is blank, or it is not a header line.
func lastHeaderLine(s string, pos int) bool {
	if pos >= len(s) {
		return true
	}
	line, _ := nextLine(s, pos)
	switch c := line[0]; {
	case c == '\r' || c == '\n':
		return true
	case c == ' ' || c == '\t' || strings.HasPrefix(line, "From "):
		return false
	}
	return headerNameEnd(line) < 0
}

// nextLine returns the line starting at pos, with its line break, and the
// offset after it. A line break is "\r\n", "\r" or "\n".
func nextLine(s string, pos int) (string, int) {
	i := strings.IndexAny(s[pos:], "\r\n")
	if i < 0 {
		return s[pos:], len(s)
	}
	end := pos + i + 1
	if s[pos+i] == '\r' && end < len(s) && s[end] == '\n' {
		end++
	}
	return s[pos:end], end
}

// headerNameEnd returns the index of the colon ending a header name made of
// the characters Python's header pattern allows (0x21-0x7e except ':'), or
// -1 when line is not a header line.
func headerNameEnd(line string) int {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ':' {
			return i
		}
		if c < 0x21 || c > 0x7e {
			return -1
		}
	}
	return -1
}

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// Get returns the value of the first header called name (compared
// case-insensitively), or "" when there is none.
func (m *Metadata) Get(name string) string {
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// GetAll returns the values of every header called name (compared
// case-insensitively), in file order; nil when there is none.
func (m *Metadata) GetAll(name string) []string {
	var vs []string
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Has reports whether a header called name (compared case-insensitively) is
// present, even with an empty value.
func (m *Metadata) Has(name string) bool {
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Name returns the Name header, as written ("" if absent).
func (m *Metadata) Name() string { return m.Get("Name") }

// Version returns the Version header, as written ("" if absent).
func (m *Metadata) Version() string { return m.Get("Version") }

// MetadataVersion returns the Metadata-Version header ("" if absent).
func (m *Metadata) MetadataVersion() string { return m.Get("Metadata-Version") }

// Description returns the long description: the body when it is not empty
// (where Metadata-Version 2.1 and later put it; packaging also takes a
// non-empty body for older versions), else the first Description header with
// its continuation indentation removed.
//
// Writers indent continuation lines of the Description header: distutils and
// setuptools with 8 spaces, the core metadata specification with 7 spaces and
// a '|'. Description removes, from each line after the first, a leading
// "       |" or 8 spaces, or else up to 8 columns of leading spaces and tabs,
// and joins the lines with "\n". This is what the author wrote; note that
// packaging (and so twine 6) hands the header on verbatim, indentation and
// all, so use Get("Description") for that. When both a body and a Description
// header are present packaging cannot tell which is meant; Check reports that.
func (m *Metadata) Description() string {
	if m.Body != "" {
		return m.Body
	}
	for _, f := range m.Fields {
		if strings.EqualFold(f.Name, "Description") {
			return unindentDescription(f.Value)
		}
	}
	return ""
}

func unindentDescription(v string) string {
	if !strings.ContainsAny(v, "\r\n") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	pos := 0
	for n := 0; pos < len(v); n++ {
		line, next := nextLine(v, pos)
		line = strings.TrimRight(line, "\r\n")
		if n > 0 {
			b.WriteByte('\n')
			switch {
			case strings.HasPrefix(line, "       |"), strings.HasPrefix(line, "        "):
				line = line[8:]
			default:
				col := 0
				i := 0
				for i < len(line) && col < 8 && (line[i] == ' ' || line[i] == '\t') {
					if line[i] == '\t' {
						col += 8 - col%8
					} else {
						col++
					}
					i++
				}
				line = line[i:]
			}
		}
		b.WriteString(line)
		pos = next
	}
	// A value ending in a line break ends the last line; keep that break.
	if strings.HasSuffix(v, "\n") || strings.HasSuffix(v, "\r") {
		b.WriteByte('\n')
	}
	return b.String()
}

package rst

import "strings"

// knownEncoding reports whether Python's codecs.lookup finds name, which
// docutils requires of an `encoding` option: the name is normalized as
// CPython normalizes it, then looked up among the aliases and the codec
// modules of the encodings package (encodings.go).
func knownEncoding(name string) bool {
	norm := normalizeEncoding(name)
	mods := []string{norm}
	alias, ok := codecAliases[norm]
	if !ok {
		alias, ok = codecAliases[strings.ReplaceAll(norm, ".", "_")]
	}
	if ok {
		mods = []string{alias, norm}
	}
	// the first module that imports decides
	for _, m := range mods {
		if m == "" || strings.Contains(m, ".") {
			continue
		}
		if codec, ok := codecModules[m]; ok {
			return codec
		}
	}
	return false
}

// normalizeEncoding is CPython's _Py_normalize_encoding over the name's
// UTF-8 bytes: ASCII letters (lowered), digits and dots are kept, and every
// run of other bytes between two kept ones becomes one underscore.
func normalizeEncoding(name string) string {
	var b strings.Builder
	punct := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isAlnumASCII(c) || c == '.' {
			if punct && b.Len() > 0 {
				b.WriteByte('_')
			}
			punct = false
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		} else {
			punct = true
		}
	}
	return b.String()
}

package rst

import (
	"strings"
)

// Inline markup recognition, after docutils' Inliner. The text is scanned
// for the leftmost start-string (or whole construct) whose surroundings
// satisfy the start-string rules; the matching end-string is then searched
// for in the rest. After each construct, scanning continues on the
// remaining text as a fresh string, so "start of text" rules apply there
// again, exactly as docutils does.

type inliner struct {
	p      *parser
	lineno int
	parent *node
	keep   bool // build text nodes (only where a transform reads the text)
}

func (in *inliner) textNode(s string) *node {
	if !in.keep {
		return nil
	}
	return in.p.textNode(s)
}

// inline parses text (a paragraph, title, term, ...) into parent.
func (p *parser) inline(text string, lineno int, parent *node) {
	in := &p.inl
	*in = inliner{p: p, lineno: lineno, parent: parent}
	switch parent.kind {
	case kTitle, kSubtitle, kFieldName:
		in.keep = true
	case kParagraph:
		in.keep = parent.parent != nil && (parent.parent.kind == kFieldBody || parent.parent.kind == kElement)
	}
	in.parse(text)
}

func (in *inliner) addText(s []rune) {
	if len(s) > 0 && in.keep {
		in.parent.addDetached(in.p.textNode(string(s)))
	}
}

// startPrefixOK: `(^|(?<=\s|[openers delimiters]))` at i.
func startPrefixOK(s []rune, i int) bool {
	if i == 0 {
		return true
	}
	c := s[i-1]
	if c < 128 {
		return asciiClass[c]&(asciiSpace|asciiOpener|asciiDelimiter) != 0
	}
	return isSpace(c) || isOpener(c) || isDelimiter(c)
}

// endSuffixOK: `($|(?=\s|[\x00 closing_delimiters delimiters closers]))` at j.
func endSuffixOK(s []rune, j int) bool {
	if j >= len(s) {
		return true
	}
	c := s[j]
	return isSpace(c) || c == 0 || isClosingDelimiter(c) || isDelimiter(c) || isCloser(c)
}

func nonSpaceAfter(s []rune, j int) bool { return j >= len(s) || !isSpace(s[j]) }

type imatch struct {
	kind       string // "**", "*", "``", "_`", "|", "_", "__", "]_", "`"
	start, end int    // whole match (start-string or whole construct)
	// references
	refname string
	// footnotes
	label    string
	citation bool
	// interpreted
	role      string
	roleStart int
}

// asciiInitial marks the ASCII characters a match can start with.
var asciiInitial = func() (t [128]bool) {
	for r := range t {
		t[r] = asciiWord[r] || strings.ContainsRune("*`_|[:", rune(r))
	}
	return t
}()

// search finds the leftmost initial-pattern match in s.
func searchInitial(s []rune) (imatch, bool) {
	chainStart, chainEnd := -1, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			if !asciiInitial[c] {
				continue
			}
		} else if !isWord(c) {
			continue
		}
		if !startPrefixOK(s, i) {
			continue
		}
		// start-strings
		switch c {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' && nonSpaceAfter(s, i+2) {
				return imatch{kind: "**", start: i, end: i + 2}, true
			}
			if (i+1 >= len(s) || s[i+1] != '*') && nonSpaceAfter(s, i+1) {
				return imatch{kind: "*", start: i, end: i + 1}, true
			}
		case '`':
			if i+1 < len(s) && s[i+1] == '`' && nonSpaceAfter(s, i+2) {
				return imatch{kind: "``", start: i, end: i + 2}, true
			}
		case '_':
			if i+1 < len(s) && s[i+1] == '`' && nonSpaceAfter(s, i+2) {
				return imatch{kind: "_`", start: i, end: i + 2}, true
			}
		case '|':
			if (i+1 >= len(s) || s[i+1] != '|') && nonSpaceAfter(s, i+1) {
				return imatch{kind: "|", start: i, end: i + 1}, true
			}
		}
		// whole constructs: simple reference
		if isWord(c) && c != '_' {
			if i >= chainStart && i < chainEnd {
				// same chain as before: same longest end
			} else {
				chainStart, chainEnd = i, simplenameEnd(s, i)
			}
			if e := chainEnd; e < len(s) && s[e] == '_' {
				{
					if e+1 < len(s) && s[e+1] == '_' && endSuffixOK(s, e+2) {
						return imatch{kind: "__", start: i, end: e + 2, refname: string(s[i:e])}, true
					}
					if endSuffixOK(s, e+1) {
						return imatch{kind: "_", start: i, end: e + 1, refname: string(s[i:e])}, true
					}
				}
			}
		}
		// footnote / citation reference
		if c == '[' {
			if m, ok := matchFootnoteRef(s, i); ok {
				return m, true
			}
		}
		// interpreted text / phrase reference, with optional role prefix
		if c == ':' {
			if e := simplenameEnd(s, i+1); e > 0 {
				if e+1 < len(s) && s[e] == ':' && s[e+1] == '`' && (e+2 >= len(s) || s[e+2] != '`') && nonSpaceAfter(s, e+2) {
					return imatch{kind: "`", start: i, end: e + 2, role: string(s[i+1 : e]), roleStart: i}, true
				}
			}
		}
		if c == '`' && (i+1 >= len(s) || s[i+1] != '`') && nonSpaceAfter(s, i+1) {
			return imatch{kind: "`", start: i, end: i + 1, roleStart: i}, true
		}
	}
	return imatch{}, false
}

func matchFootnoteRef(s []rune, i int) (imatch, bool) {
	j := i + 1
	try := func(e int, label string, citation bool) (imatch, bool) {
		if e+1 < len(s) && s[e] == ']' && s[e+1] == '_' && endSuffixOK(s, e+2) {
			return imatch{kind: "]_", start: i, end: e + 2, label: label, citation: citation}, true
		}
		return imatch{}, false
	}
	// [0-9]+
	if j < len(s) && s[j] >= '0' && s[j] <= '9' {
		e := j
		for e < len(s) && s[e] >= '0' && s[e] <= '9' {
			e++
		}
		for k := e; k > j; k-- {
			if m, ok := try(k, string(s[j:k]), false); ok {
				return m, true
			}
		}
	}
	// \#(simplename)?
	if j < len(s) && s[j] == '#' {
		if e := simplenameEnd(s, j+1); e > 0 {
			if m, ok := try(e, string(s[j:e]), false); ok {
				return m, true
			}
		}
		if m, ok := try(j+1, "#", false); ok {
			return m, true
		}
	}
	// \*
	if j < len(s) && s[j] == '*' {
		if m, ok := try(j+1, "*", false); ok {
			return m, true
		}
	}
	// citation label
	if e := simplenameEnd(s, j); e > 0 {
		if m, ok := try(e, string(s[j:e]), true); ok {
			return m, true
		}
	}
	return imatch{}, false
}

// quotedStart: the start-string is enclosed in matching punctuation (or at
// the end of the text).
func quotedStart(s []rune, start, end int) bool {
	if start == 0 {
		return false
	}
	if end >= len(s) {
		return true
	}
	return matchChars(s[start-1], s[end])
}

// findEnd searches s from "from" for end-string str (simple end patterns),
// returning the index of the end-string, or -1. The lookbehind forbids
// whitespace (and, unless literal, an escaping NUL) right before it; the
// search is on the substring starting at from, so nothing before from is
// visible to the lookbehind.
func findEnd(s []rune, from int, str string, literal bool) (int, int) {
	es := []rune(str)
	for k := from; k+len(es) <= len(s); k++ {
		if s[k] != es[0] {
			continue
		}
		match := true
		for x := 1; x < len(es); x++ {
			if s[k+x] != es[x] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if k > from {
			b := s[k-1]
			if isSpace(b) || (!literal && b == 0) {
				continue
			}
		}
		if !endSuffixOK(s, k+len(es)) {
			continue
		}
		return k, k + len(es)
	}
	return -1, -1
}

// findSubstEnd finds `(?<![\s\x00])(\|_{0,2})` + suffix.
func findSubstEnd(s []rune, from int) (int, int) {
	for k := from; k < len(s); k++ {
		if s[k] != '|' {
			continue
		}
		if k > from && (isSpace(s[k-1]) || s[k-1] == 0) {
			continue
		}
		for n := 2; n >= 0; n-- {
			ok := true
			for x := 1; x <= n; x++ {
				if k+x >= len(s) || s[k+x] != '_' {
					ok = false
					break
				}
			}
			if ok && endSuffixOK(s, k+1+n) {
				return k, k + 1 + n
			}
		}
	}
	return -1, -1
}

// findInterpretedEnd finds the end of interpreted text or a phrase
// reference: a backquote not preceded by unescaped whitespace, optionally
// followed by a role suffix and/or reference underscores.
func findInterpretedEnd(s []rune, from int) (k, end int, role string, refend string, ok bool) {
	for k = from; k < len(s); k++ {
		if s[k] != '`' {
			continue
		}
		if k > from {
			b := s[k-1]
			if isSpace(b) || b == 0 {
				if !(k-1 > from && s[k-2] == 0) {
					continue
				}
			}
		}
		j := k + 1
		// with role suffix
		if j < len(s) && s[j] == ':' {
			if e := simplenameEnd(s, j+1); e > 0 {
				if e < len(s) && s[e] == ':' {
					r := string(s[j+1 : e])
					p := e + 1
					for n := 2; n >= 0; n-- {
						if hasUnderscores(s, p, n) && endSuffixOK(s, p+n) {
							return k, p + n, r, strings.Repeat("_", n), true
						}
					}
				}
			}
		}
		for n := 2; n >= 0; n-- {
			if hasUnderscores(s, j, n) && endSuffixOK(s, j+n) {
				return k, j + n, "", strings.Repeat("_", n), true
			}
		}
	}
	return -1, -1, "", "", false
}

func hasUnderscores(s []rune, p, n int) bool {
	for x := 0; x < n; x++ {
		if p+x >= len(s) || s[p+x] != '_' {
			return false
		}
	}
	return true
}

var inlineNodeNames = map[string]string{
	"*": "emphasis", "**": "strong", "``": "literal", "_`": "target", "|": "substitution_reference",
}

func (in *inliner) parse(text string) {
	// decode into a buffer reused across calls: nothing keeps a slice of it
	buf := in.p.arena.runes[:0]
	for _, r := range escape2null(text) {
		buf = append(buf, r)
	}
	in.p.arena.runes = buf
	s := buf
	for len(s) > 0 {
		m, found := searchInitial(s)
		if !found {
			break
		}
		var rest []rune
		switch m.kind {
		case "*", "**", "``", "_`", "|":
			rest = in.inlineObj(s, m)
		case "_", "__":
			in.addText(s[:m.start])
			ref := in.p.newNode(kReference)
			if m.kind == "__" {
				ref.x().anonymous = true
			} else {
				ref.x().refname = fullyNormalizeName(m.refname)
				ref.x().hasRefname = true
				in.p.noteRefname(ref)
			}
			ref.x().rawsource = string(s[m.start:m.end])
			ref.add(in.textNode(m.refname))
			in.parent.addDetached(ref)
			rest = s[m.end:]
		case "]_":
			in.addText(s[:m.start])
			in.footnoteReference(m)
			rest = s[m.end:]
		case "`":
			rest = in.interpretedOrPhraseRef(s, m)
		}
		s = rest
	}
	in.addText(s)
}

func (in *inliner) inlineObj(s []rune, m imatch) []rune {
	if quotedStart(s, m.start, m.end) {
		in.addText(s[:m.end])
		return s[m.end:]
	}
	var k, end int
	switch m.kind {
	case "*":
		k, end = findEnd(s, m.end, "*", false)
	case "**":
		k, end = findEnd(s, m.end, "**", false)
	case "``":
		k, end = findEnd(s, m.end, "``", true)
	case "_`":
		k, end = findEnd(s, m.end, "`", false)
	case "|":
		k, end = findSubstEnd(s, m.end)
	}
	if k > m.end {
		in.addText(s[:m.start])
		content := func() string { return string(s[m.end:k]) }
		switch m.kind {
		case "*", "**", "``":
			if in.keep {
				k := map[string]kind{"*": kEmphasis, "**": kStrong, "``": kLiteral}[m.kind]
				n := in.p.newNode(k)
				n.add(in.textNode(content()))
				in.parent.addDetached(n)
			}
		case "_`":
			t := in.p.newNode(kTarget)
			t.addDetached(in.p.textNode(content()))
			t.inline = true
			t.x().names = append(t.x().names, fullyNormalizeName(t.astext()))
			in.p.noteExplicitTarget(t, in.parent)
			in.parent.addDetached(t)
		case "|":
			in.substitutionReference(content(), string(s[k:end]), string(s[m.start:end]))
		}
		return s[end:]
	}
	in.p.warnAt("Inline "+inlineNodeNames[m.kind]+" start-string without end-string.", in.lineno)
	return nil
}

func (in *inliner) substitutionReference(content, endstring, raw string) {
	sub := in.p.newNode(kSubstRef)
	sub.add(in.p.textNode(content))
	subText := sub.astext()
	sub.x().refname = whitespaceNormalizeName(subText)
	sub.x().hasRefname = true
	sub.x().rawsource = unescape(raw)
	if strings.HasSuffix(endstring, "_") {
		ref := in.p.newNode(kReference)
		ref.x().rawsource = sub.x().rawsource
		if strings.HasSuffix(endstring, "__") {
			ref.x().anonymous = true
		} else {
			ref.x().refname = fullyNormalizeName(subText)
			ref.x().hasRefname = true
			in.p.noteRefname(ref)
		}
		ref.add(sub)
		in.parent.addDetached(ref)
		return
	}
	in.parent.addDetached(sub)
}

func (in *inliner) footnoteReference(m imatch) {
	label := m.label
	refname := fullyNormalizeName(label)
	if m.citation {
		n := in.p.newNode(kCitationRef)
		n.x().refname = refname
		n.x().hasRefname = true
		n.x().rawsource = "[" + label + "]_"
		n.add(in.textNode(label))
		in.parent.addDetached(n)
		in.p.setID(n)
		in.p.citationRefs[refname] = append(in.p.citationRefs[refname], n)
		in.p.noteRefname(n)
		return
	}
	n := in.p.newNode(kFootnoteRef)
	n.x().rawsource = "[" + label + "]_"
	in.parent.addDetached(n)
	if strings.HasPrefix(refname, "#") {
		refname = refname[1:]
		n.x().auto = 1
		in.p.setID(n)
		in.p.autofootnoteRefs = append(in.p.autofootnoteRefs, n)
	} else if refname == "*" {
		refname = ""
		n.x().auto = 2
		in.p.setID(n)
		in.p.symbolFootnoteRefs = append(in.p.symbolFootnoteRefs, n)
	} else {
		n.add(in.textNode(label))
	}
	if refname != "" {
		n.x().refname = refname
		n.x().hasRefname = true
		in.p.setID(n)
		in.p.footnoteRefs[refname] = append(in.p.footnoteRefs[refname], n)
		in.p.noteRefname(n)
	}
}

func (in *inliner) interpretedOrPhraseRef(s []rune, m imatch) []rune {
	role := m.role
	hasRole := m.roleStart < m.end-1
	position := ""
	if hasRole {
		position = "prefix"
	} else if quotedStart(s, m.start, m.end) {
		in.addText(s[:m.end])
		return s[m.end:]
	}
	matchstart := m.end - 1 // the backquote
	k, textend, suffixRole, refend, found := findInterpretedEnd(s, m.end)
	if found && k > m.end {
		if suffixRole != "" {
			if hasRole {
				in.p.warnAt("Multiple roles in interpreted text (both prefix and suffix present; only one allowed).", in.lineno)
			}
			role = suffixRole
			hasRole = true
			position = "suffix"
		}
		escaped := string(s[m.end:k])
		rawsource := restoreBackslashes(string(s[matchstart:textend]))
		if strings.HasSuffix(rawsource, "_") {
			if hasRole {
				in.p.warnAt("Mismatch: both interpreted text role "+position+" and reference suffix.", in.lineno)
			}
			in.addText(s[:matchstart])
			in.phraseRef(rawsource, escaped, refend == "__")
			return s[textend:]
		}
		in.addText(s[:m.roleStart])
		in.interpreted(restoreBackslashes(string(s[m.roleStart:textend])), escaped, role, hasRole)
		return s[textend:]
	}
	in.p.warnAt("Inline interpreted text or phrase reference start-string without end-string.", in.lineno)
	return nil
}

// embeddedLink finds `(?:[ \n]+|^)<(?!\s)(([^<>]|\x00[<>])+)(?<![\s\x00])>$`
// in escaped; it returns the start of the whole match and the alias text.
func embeddedLink(escaped string) (int, string, bool) {
	r := []rune(escaped)
	n := len(r)
	if n < 3 || r[n-1] != '>' {
		return 0, "", false
	}
	// the inner part runs back from n-2 to the '<'
	j := n - 2
	for j >= 0 {
		if r[j] == '<' || r[j] == '>' {
			if j > 0 && r[j-1] == 0 {
				j -= 2
				continue
			}
			break
		}
		j--
	}
	if j < 0 || r[j] != '<' {
		return 0, "", false
	}
	// candidate opening bracket at j; the leftmost successful start wins,
	// but inner text cannot contain unescaped brackets, so j is the only one.
	inner := r[j+1 : n-1]
	if len(inner) == 0 || isSpace(inner[0]) {
		return 0, "", false
	}
	last := inner[len(inner)-1]
	if isSpace(last) || last == 0 {
		return 0, "", false
	}
	start := j
	if j > 0 {
		if r[j-1] != ' ' && r[j-1] != '\n' {
			return 0, "", false
		}
		for start > 0 && (r[start-1] == ' ' || r[start-1] == '\n') {
			start--
		}
	}
	return runeByteOffset(escaped, start), string(inner), true
}

func runeByteOffset(s string, runeIdx int) int {
	i := 0
	for k := range s {
		if i == runeIdx {
			return k
		}
		i++
	}
	return len(s)
}

// looksLikeURI approximates docutils' uri pattern match at the start of s.
func looksLikeURI(s string) bool {
	i := 0
	if i < len(s) && isAlphaASCII(s[i]) {
		i++
		for i < len(s) && (isAlnumASCII(s[i]) || s[i] == '.' || s[i] == '+' || s[i] == '-') {
			i++
		}
		if i < len(s) && s[i] == ':' && i+1 < len(s) && (isURIC(s[i+1])) {
			return true
		}
	}
	// email
	at := strings.IndexByte(s, '@')
	if at > 0 && at+1 < len(s) {
		for k := 0; k < at; k++ {
			if !isEmailC(s[k]) && s[k] != '.' {
				return false
			}
		}
		return isEmailC(s[at+1])
	}
	return false
}

func isURIC(c byte) bool {
	return isAlnumASCII(c) || strings.IndexByte("-_.!~*'()[];/:@&=+$,%\x00", c) >= 0
}

func isEmailC(c byte) bool {
	return isAlnumASCII(c) || strings.IndexByte("-_!~*'{|}/#?^`&=+$%\x00", c) >= 0
}

func (in *inliner) phraseRef(rawsource, escaped string, anonymousSuffix bool) {
	var text string
	var target *node
	aliasIsName := false
	alias := ""
	if start, aliastext, ok := embeddedLink(escaped); ok {
		text = escaped[:start]
		rawaliastext := restoreBackslashes(aliastext)
		underscoreEscaped := strings.HasSuffix(rawaliastext, `\_`)
		if strings.HasSuffix(aliastext, "_") && !(underscoreEscaped || looksLikeURI(aliastext)) {
			aliasIsName = true
			alias = fullyNormalizeName(unescape(aliastext[:len(aliastext)-1]))
			target = in.p.newNode(kTarget)
			target.x().refname = alias
			target.x().hasRefname = true
		} else {
			if !strings.Contains(aliastext, "\x00") {
				alias = unescape(removeSpace(aliastext))
			} else {
				parts := splitEscapedWhitespace(aliastext)
				for i, part := range parts {
					parts[i] = removeSpace(part)
				}
				alias = unescape(strings.Join(parts, " "))
			}
			if strings.HasSuffix(alias, `\_`) {
				alias = alias[:len(alias)-2] + "_"
			}
			target = in.p.newNode(kTarget)
			target.x().refuri = alias
			target.x().hasRefuri = true
			target.x().referenced = true
		}
		if text == "" {
			text = alias
		}
	} else {
		text = escaped
	}
	refname := fullyNormalizeName(unescape(text))
	ref := in.p.newNode(kReference)
	ref.x().rawsource = rawsource
	ref.add(in.textNode(unescape(text)))
	in.parent.addDetached(ref)
	if anonymousSuffix {
		if target != nil && aliasIsName {
			ref.x().refname = alias
			ref.x().hasRefname = true
			in.p.noteRefname(ref)
		} else if target != nil {
			ref.x().refuri = alias
			ref.x().hasRefuri = true
		} else {
			ref.x().anonymous = true
		}
		return
	}
	if target != nil {
		target.x().names = append(target.x().names, refname)
		if aliasIsName {
			ref.x().refname = alias
			ref.x().hasRefname = true
			in.p.indirectTargets = append(in.p.indirectTargets, target)
			in.p.noteRefname(target)
			in.p.noteRefname(ref)
		} else {
			ref.x().refuri = alias
			ref.x().hasRefuri = true
		}
		// docutils 0.23: an embedded URI or alias is an implicit target
		// (0.19 made a URI an explicit one and did not register aliases).
		in.p.noteImplicitTarget(target, in.parent)
		in.parent.addDetached(target)
		return
	}
	ref.x().refname = refname
	ref.x().hasRefname = true
	in.p.noteRefname(ref)
}

// splitEscapedWhitespace splits at NUL-escaped whitespace (docutils'
// split_escaped_whitespace): "\x00 " and "\x00\n" separate parts.
func splitEscapedWhitespace(s string) []string {
	s = strings.ReplaceAll(s, "\x00\n", "\x00 ")
	return strings.Split(s, "\x00 ")
}

func (in *inliner) interpreted(rawsource, text, role string, hasRole bool) {
	name := role
	if !hasRole {
		name = ""
	}
	fn, ok := in.p.lookupRole(name)
	if !ok {
		in.p.errorAt("Unknown interpreted text role \""+role+"\".", in.lineno)
		return
	}
	fn(in, role, rawsource, text)
}

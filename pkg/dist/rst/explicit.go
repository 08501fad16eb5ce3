package rst

import (
	"strings"
)

// ---- explicit markup: footnotes, citations, targets, substitution
// definitions, directives, comments ----

func (m *machine) explicitMarkup(s stateID) result {
	if s == sExplicit {
		bf := m.explicitConstruct()
		m.blankFinish[sExplicit] = bf
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	bf := m.explicitConstruct()
	m.explicitList(bf)
	return ok(s)
}

func (m *machine) anonymous(s stateID) result {
	if s == sExplicit {
		m.blankFinish[sExplicit] = m.anonymousTarget()
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	bf := m.anonymousTarget()
	m.explicitList(bf)
	return ok(s)
}

func (m *machine) explicitList(bf bool) {
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, m.node, sExplicit, bf, sExplicit, m.matchTitles, func(sub *machine) {
		sub.frames = framesExplicitList
	})
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Explicit markup")
	}
}

// explicitStart returns the end of `\.\.[ ]+` or -1.
func explicitStart(line string) int {
	if !strings.HasPrefix(line, "..") || len(line) < 3 || line[2] != ' ' {
		return -1
	}
	return prefixSpacesEnd(line, 2)
}

func (m *machine) explicitConstruct() bool {
	line := m.line
	if st := explicitStart(line); st > 0 {
		r := []rune(line)
		rst := runeLen(line[:st])
		// footnote
		if rst < len(r) && r[rst] == '[' {
			if label, end, ok := matchFootnoteLabel(r, rst+1); ok {
				return m.footnote(label, end)
			}
			if e := simplenameEnd(r, rst+1); e > 0 && e < len(r) && r[e] == ']' && (e+1 == len(r) || r[e+1] == ' ') {
				return m.citation(string(r[rst+1:e]), prefixSpacesEndRunes(r, e+1))
			}
		}
		if rst+1 < len(r) && r[rst] == '_' && r[rst+1] != ' ' {
			return m.hyperlinkTarget(rst + 1)
		}
		if rst+1 < len(r) && r[rst] == '|' && r[rst+1] != ' ' {
			return m.substitutionDef(rst + 1)
		}
		if e := simplenameEnd(r, rst); e > 0 {
			j := e
			if j < len(r) && r[j] == ' ' {
				j++
			}
			if j+1 < len(r) && r[j] == ':' && r[j+1] == ':' && (j+2 == len(r) || r[j+2] == ' ') {
				return m.directive(string(r[rst:e]), prefixSpacesEndRunes(r, j+2), "")
			}
		}
	}
	return m.comment()
}

func prefixSpacesEndRunes(r []rune, i int) int {
	for i < len(r) && r[i] == ' ' {
		i++
	}
	return i
}

func matchFootnoteLabel(r []rune, i int) (string, int, bool) {
	end := func(e int) (int, bool) {
		if e < len(r) && r[e] == ']' && (e+1 == len(r) || r[e+1] == ' ') {
			return prefixSpacesEndRunes(r, e+1), true
		}
		return 0, false
	}
	if i < len(r) && r[i] >= '0' && r[i] <= '9' {
		j := i
		for j < len(r) && r[j] >= '0' && r[j] <= '9' {
			j++
		}
		if e, ok := end(j); ok {
			return string(r[i:j]), e, true
		}
	}
	if i < len(r) && r[i] == '#' {
		if e, ok := end(i + 1); ok {
			return "#", e, true
		}
		if se := simplenameEnd(r, i+1); se > 0 {
			if e, ok := end(se); ok {
				return string(r[i:se]), e, true
			}
		}
	}
	if i < len(r) && r[i] == '*' {
		if e, ok := end(i + 1); ok {
			return "*", e, true
		}
	}
	return "", 0, false
}

func (m *machine) footnote(label string, end int) bool {
	line := m.absLineNumber()
	block, _, offset, bf := m.getFirstKnownIndented(end, false, true, true)
	name := fullyNormalizeName(label)
	fn := m.p.newNode(kFootnote)
	fn.line = line
	m.node.add(fn)
	p := m.p
	if strings.HasPrefix(name, "#") {
		name = name[1:]
		fn.x().auto = 1
		if name != "" {
			fn.x().names = append(fn.x().names, name)
		}
		p.setID(fn)
		p.autofootnotes = append(p.autofootnotes, fn)
	} else if name == "*" {
		name = ""
		fn.x().auto = 2
		p.setID(fn)
		p.symbolFootnotes = append(p.symbolFootnotes, fn)
	} else {
		lbl := m.p.newNode(kLabel)
		lbl.add(m.p.textNode(label))
		fn.add(lbl)
		fn.x().names = append(fn.x().names, name)
		p.setID(fn)
		p.footnotes = append(p.footnotes, fn)
	}
	if name != "" {
		p.noteExplicitTarget(fn, fn)
	} else {
		p.setID(fn)
	}
	if len(block) > 0 {
		m.nestedParse(block, offset, fn, false, framesField)
	} else {
		m.p.report(Warning, "Footnote content expected.", m.p.currentLine())
	}
	return bf
}

func (m *machine) citation(label string, end int) bool {
	line := m.absLineNumber()
	block, _, offset, bf := m.getFirstKnownIndented(end, false, true, true)
	name := fullyNormalizeName(label)
	c := m.p.newNode(kCitation)
	c.line = line
	m.node.add(c)
	lbl := m.p.newNode(kLabel)
	lbl.add(m.p.textNode(label))
	c.add(lbl)
	c.x().names = append(c.x().names, name)
	m.p.citations = append(m.p.citations, c)
	m.p.noteExplicitTarget(c, c)
	if len(block) > 0 {
		m.nestedParse(block, offset, c, false, framesField)
	} else {
		m.p.report(Warning, "Citation content expected.", m.p.currentLine())
	}
	return bf
}

// matchTargetName matches docutils' explicit target pattern at the start
// of escaped; it returns the name ("" and anon for "_") and the match end.
func matchTargetName(escaped []rune) (name string, anon bool, end int, ok bool) {
	tail := func(k int) (int, bool) {
		// (?<!(?<!\x00):)(?<![\s\x00])[ ]?:([ ]+|$) at k
		if k > 0 {
			b := escaped[k-1]
			if b == ':' && !(k > 1 && escaped[k-2] == 0) {
				return 0, false
			}
			if isSpace(b) || b == 0 {
				return 0, false
			}
		}
		j := k
		if j < len(escaped) && escaped[j] == ' ' {
			j++
		}
		if j < len(escaped) && escaped[j] == ':' {
			j++
			if j == len(escaped) {
				return j, true
			}
			if escaped[j] == ' ' {
				return prefixSpacesEndRunes(escaped, j), true
			}
		}
		// the optional space may also be absent
		if k < len(escaped) && escaped[k] == ':' {
			j = k + 1
			if j == len(escaped) {
				return j, true
			}
			if escaped[j] == ' ' {
				return prefixSpacesEndRunes(escaped, j), true
			}
		}
		return 0, false
	}
	if len(escaped) > 0 && escaped[0] == '_' {
		if e, ok := tail(1); ok {
			return "", true, e, true
		}
		return "", false, 0, false
	}
	if len(escaped) == 0 {
		return "", false, 0, false
	}
	// quoted name first
	if escaped[0] == '`' {
		if len(escaped) > 1 && escaped[1] != ' ' && escaped[1] != '`' {
			for k := 2; k < len(escaped); k++ {
				if escaped[k] != '`' {
					continue
				}
				b := escaped[k-1]
				if isSpace(b) || b == 0 {
					continue
				}
				if e, ok := tail(k + 1); ok {
					return string(escaped[1:k]), false, e, true
				}
			}
		}
	}
	if escaped[0] == ' ' || escaped[0] == '`' {
		return "", false, 0, false
	}
	for k := 1; k <= len(escaped); k++ {
		if e, ok := tail(k); ok {
			return string(escaped[:k]), false, e, true
		}
	}
	return "", false, 0, false
}

func (m *machine) hyperlinkTarget(end int) bool {
	lineno := m.absLineNumber()
	block, _, _, bf := m.getFirstKnownIndented(end, true, false, true)
	for i := range block {
		block[i] = escape2null(block[i])
	}
	if len(block) == 0 {
		m.p.warnAt("malformed hyperlink target.", lineno)
	}
	escaped := []rune(block[0])
	idx := 0
	var name string
	var tend int
	for {
		nm, anon, e, ok := matchTargetName(escaped)
		if ok {
			name = nm
			if anon {
				name = ""
			}
			tend = e
			break
		}
		idx++
		if idx >= len(block) {
			m.p.warnAt("malformed hyperlink target.", m.absLineNumber())
		}
		escaped = append(escaped, []rune(block[idx])...)
	}
	block = block[idx:]
	first := []rune(block[0] + " ")
	cut := tend - len(escaped) - 1
	// Python's negative slice start counts from the end of first.
	st := len(first) + cut
	if st < 0 {
		st = 0
	}
	block[0] = strip(string(first[st:]))
	m.makeTarget(block, lineno, name)
	return bf
}

func (m *machine) anonymousTarget() bool {
	lineno := m.absLineNumber()
	end := prefixSpacesEnd(m.line, 2)
	block, _, _, bf := m.getFirstKnownIndented(end, true, true, true)
	for i := range block {
		block[i] = escape2null(block[i])
	}
	m.makeTarget(block, lineno, "")
	return bf
}

// isReference matches docutils' explicit reference pattern: `name_` or
// “ `phrase`_ “ as the whole string.
func isReference(ref string) (string, bool) {
	ref = whitespaceNormalizeName(ref)
	r := []rune(ref)
	if e := simplenameEnd(r, 0); e > 0 && e == len(r)-1 && r[e] == '_' {
		return unescape(string(r[:e])), true
	}
	if len(r) >= 4 && r[0] == '`' && r[1] != ' ' && r[len(r)-1] == '_' && r[len(r)-2] == '`' {
		b := r[len(r)-3]
		if !isSpace(b) && b != 0 && len(r) > 3 {
			return unescape(string(r[1 : len(r)-2])), true
		}
	}
	return "", false
}

func (m *machine) parseTarget(block []string) (isName bool, data string) {
	if len(block) > 0 {
		last := strip(block[len(block)-1])
		if strings.HasSuffix(last, "_") {
			parts := make([]string, len(block))
			for i, l := range block {
				parts[i] = strip(l)
			}
			if name, ok := isReference(strings.Join(parts, " ")); ok {
				return true, name
			}
		}
	}
	joined := strings.Join(block, " ")
	if !strings.Contains(joined, "\x00") {
		return false, removeSpace(unescape(joined))
	}
	refParts := splitEscapedWhitespace(joined)
	for i, part := range refParts {
		refParts[i] = removeSpace(unescape(part))
	}
	return false, strings.Join(refParts, " ")
}

func (m *machine) makeTarget(block []string, lineno int, targetName string) {
	isName, data := m.parseTarget(block)
	t := m.p.newNode(kTarget)
	t.line = lineno
	m.node.add(t)
	if isName {
		t.x().refname = fullyNormalizeName(data)
		t.x().hasRefname = true
		m.addTarget(targetName, "", t)
		m.p.indirectTargets = append(m.p.indirectTargets, t)
		if len(t.x().names) > 0 {
			m.p.noteRefname(t)
		}
		return
	}
	m.addTarget(targetName, data, t)
}

func (m *machine) addTarget(targetName, refuri string, t *node) {
	if targetName != "" {
		t.x().names = append(t.x().names, fullyNormalizeName(unescape(targetName)))
		if refuri != "" {
			t.x().refuri = adjustURI(refuri)
			t.x().hasRefuri = true
		}
		m.p.noteExplicitTarget(t, m.node)
		return
	}
	if refuri != "" {
		t.x().refuri = refuri
		t.x().hasRefuri = true
	}
	t.x().anonymous = true
	m.p.setID(t)
}

func adjustURI(uri string) string {
	if isEmail(uri) {
		return "mailto:" + uri
	}
	return uri
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == at {
			continue
		}
		if c == '.' {
			continue
		}
		if !isEmailC(c) {
			return false
		}
	}
	if s[0] == '.' || s[at-1] == '.' || s[at+1] == '.' || strings.Contains(s[:at], "..") {
		return false
	}
	last := s[len(s)-1]
	return isAlnumASCII(last) || strings.IndexByte("_~*/=+", last) >= 0
}

func (m *machine) substitutionDef(end int) bool {
	srcline := m.absLineNumber()
	block, _, offset, bf := m.getFirstKnownIndented(end, false, false, true)
	if len(block) == 0 {
		m.p.warnAt("malformed substitution definition.", m.absLineNumber())
	}
	escaped := []rune(escape2null(rstrip(block[0])))
	idx := 0
	var subname string
	var mend int
	for {
		nm, e, ok := matchSubstName(escaped)
		if ok {
			subname, mend = nm, e
			break
		}
		idx++
		if idx >= len(block) {
			m.p.warnAt("malformed substitution definition.", m.absLineNumber())
		}
		escaped = append(append(escaped, ' '), []rune(escape2null(strip(block[idx])))...)
	}
	block = append([]string{}, block[idx:]...)
	start := mend - len(escaped) - 1
	first := []rune(strip(block[0]) + " ")
	st := len(first) + start
	if st < 0 {
		st = 0
	}
	if st > len(first)-1 {
		block[0] = ""
	} else {
		block[0] = string(first[st : len(first)-1])
	}
	if block[0] == "" {
		block = block[1:]
		offset++
	}
	for len(block) > 0 && strip(block[len(block)-1]) == "" {
		block = block[:len(block)-1]
	}
	if len(block) == 0 {
		m.p.report(Warning, "Substitution definition \""+unescape(subname)+"\" missing contents.", srcline)
	}
	block[0] = strip(block[0])
	sd := m.p.newNode(kSubstDef)
	sd.line = srcline
	sd.x().names = append(sd.x().names, whitespaceNormalizeName(subname))
	holder := sd
	holder.parent = m.node
	_, bf2 := m.nestedListParse(block, offset, sd, sSubstitutionDef, bf, sSubstitutionDef, false, func(sub *machine) {
		sub.frames = framesField
		sub.substName = subname
	})
	bf = bf2
	var keep []*node
	for _, c := range sd.children {
		if c.isInline() {
			keep = append(keep, c)
		} else {
			m.node.add(c)
		}
	}
	sd.children = keep
	illegal := ""
	sd.walk(func(n *node) {
		if illegal != "" || n == sd || n.kind == kText {
			return
		}
		// docutils 0.23's disallowed_inside_substitution_definitions
		switch {
		case n.kind == kReference && n.x().anonymous:
			illegal = "Anonymous references"
		case n.kind == kFootnoteRef && n.x().auto != 0:
			illegal = "References to auto-numbered and auto-symbol footnotes"
		case len(n.x().names) > 0 || len(n.x().ids) > 0:
			illegal = "Targets (names and identifiers)"
		}
	})
	if illegal != "" {
		m.p.report(Error, illegal+" are not supported in a substitution definition.", srcline)
	}
	if len(sd.children) == 0 {
		m.p.report(Warning, "Substitution definition \""+unescape(subname)+"\" empty or invalid.", srcline)
	}
	m.node.add(sd)
	m.p.noteSubstitutionDef(sd, subname)
	return bf
}

// matchSubstName matches `(?![ ])(?P<name>.+?)(?<![\s\x00])\|([ ]+|$)`.
func matchSubstName(escaped []rune) (string, int, bool) {
	if len(escaped) == 0 || escaped[0] == ' ' {
		return "", 0, false
	}
	for k := 1; k < len(escaped); k++ {
		if escaped[k] != '|' {
			continue
		}
		b := escaped[k-1]
		if isSpace(b) || b == 0 {
			continue
		}
		j := k + 1
		if j == len(escaped) {
			return string(escaped[:k]), j, true
		}
		if escaped[j] == ' ' {
			return string(escaped[:k]), prefixSpacesEndRunes(escaped, j), true
		}
	}
	return "", 0, false
}

func (m *machine) embeddedDirective() result {
	r := []rune(m.line)
	e := simplenameEnd(r, 0)
	end := prefixSpacesEndRunes(r, e+2)
	bf := m.directive(string(r[:e]), end, m.substName)
	if !m.atEOF() {
		m.blankFinish[sSubstitutionDef] = bf
	}
	return eofResult
}

func (m *machine) comment() bool {
	end := explicitStart(m.line)
	if end < 0 {
		end = len(m.line) // ".." alone
	}
	if m.isNextLineBlank() {
		first := m.line[end:]
		if strip(first) == "" {
			m.node.add(m.p.newNode(kComment))
			return true
		}
	}
	block, _, _, bf := m.getFirstKnownIndented(end, false, true, true)
	for len(block) > 0 && strip(block[len(block)-1]) == "" {
		block = block[:len(block)-1]
	}
	c := m.p.newNode(kComment)
	m.node.add(c)
	if text := strings.Join(block, "\n"); text != "" {
		// a comment with text is not empty (figure captions)
		c.addDetached(m.p.textNode(text))
	}
	return bf
}

package rst

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// nameValueError checks one "name=value" token (docutils'
// extract_name_value) and returns its error, or "".
func nameValueError(line string) string {
	for line != "" {
		eq := strings.IndexByte(line, '=')
		if eq < 0 {
			return "missing \"=\""
		}
		att := strip(line[:eq])
		if eq == 0 || att == "" {
			return "missing attribute name before \"=\""
		}
		line = lstrip(line[eq+1:])
		if line == "" {
			return fmt.Sprintf("missing value after \"%s=\"", att)
		}
		if line[0] == '\'' || line[0] == '"' {
			end := strings.IndexByte(line[1:], line[0])
			if end < 0 {
				return fmt.Sprintf("attribute \"%s\" missing end quote (%c)", att, line[0])
			}
			end++
			if len(line) > end+1 && strip(line[end+1:end+2]) != "" {
				return fmt.Sprintf("attribute \"%s\" end quote (%c) not followed by whitespace", att, line[0])
			}
			line = lstrip(line[end+1:])
		} else {
			sp := strings.IndexByte(line, ' ')
			if sp < 0 {
				line = ""
			} else {
				line = lstrip(line[sp+1:])
			}
		}
	}
	return ""
}

const noIndent = -1

// getIndentedLines extracts an indented block from data starting at start
// (docutils' StringList.get_indented). Indents are in characters. The
// block is a copy, or with inPlace the lines of data themselves, stripped
// where they are: for a caller that owns data and never reads those lines
// again.
func getIndentedLines(data []string, start int, untilBlank, stripIndent, inPlace bool, blockIndent, firstIndent int) ([]string, int, bool) {
	indent := blockIndent
	end := start
	if blockIndent != noIndent && firstIndent == noIndent {
		firstIndent = blockIndent
	}
	if firstIndent != noIndent {
		end++
	}
	blankFinish := true
	for end < len(data) {
		line := data[end]
		if line != "" && (line[0] != ' ' || (blockIndent != noIndent && strip(prefixRunes(line, blockIndent)) != "")) {
			blankFinish = end > start && data[end-1] == ""
			break
		}
		if line == "" {
			if untilBlank {
				blankFinish = true
				break
			}
		} else if blockIndent == noIndent {
			if li := leadingSpace(line, indent); indent == noIndent || li < indent {
				indent = li
			}
		}
		end++
	}
	if end > len(data) {
		end = len(data)
	}
	if start > end {
		start = end
	}
	var block []string
	if inPlace {
		block = data[start:end:end]
	} else {
		block = make([]string, end-start)
		copy(block, data[start:end])
	}
	if firstIndent != noIndent && len(block) > 0 {
		block[0] = dropRunes(block[0], firstIndent)
	}
	if indent > 0 && stripIndent {
		from := 0
		if firstIndent != noIndent {
			from = 1
		}
		for i := from; i < len(block); i++ {
			block[i] = dropRunes(block[i], indent)
		}
	}
	if indent < 0 {
		indent = 0
	}
	return block, indent, blankFinish
}

// leadingSpace is a line's indent, its leading whitespace in characters
// (Python's len(line) - len(line.lstrip())), counted no further than limit
// (noIndent: no limit). A block's indent is the least of its lines', so
// no line need be read past the least found so far: each level of nesting
// then reads its lines' margins, not the text of every level below it.
func leadingSpace(line string, limit int) int {
	n := 0
	for i := 0; i < len(line) && n != limit; n++ {
		c := line[i]
		if c == ' ' {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(line[i:])
		}
		if !isSpace(r) {
			break
		}
		i += size
	}
	return n
}

func prefixRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		if s[i] < 0x80 {
			i++
		} else {
			_, size := decodeRune(s[i:])
			i += size
		}
	}
	return s[:i]
}

func (m *machine) getIndented(untilBlank, stripIndent bool) ([]string, int, int, bool) {
	return m.getIndentedBlock(untilBlank, stripIndent, false)
}

// getIndentedBlock is getIndented; with inPlace the block is the
// machine's own lines, stripped where they are, when the machine owns
// them (see machine.ownsLines).
func (m *machine) getIndentedBlock(untilBlank, stripIndent, inPlace bool) ([]string, int, int, bool) {
	offset := m.absLineOffset()
	block, indent, bf := getIndentedLines(m.lines, m.lineOffset, untilBlank, stripIndent, inPlace && m.ownsLines, noIndent, noIndent)
	if len(block) > 0 {
		m.nextLine(len(block) - 1)
	}
	for len(block) > 0 && block[0] == "" {
		block = block[1:]
		offset++
	}
	return block, indent, offset, bf
}

// getKnownIndented is docutils' get_known_indented; inPlace as for
// getIndentedBlock.
func (m *machine) getKnownIndented(indent int, untilBlank, stripIndent, inPlace bool) ([]string, int, bool) {
	offset := m.absLineOffset()
	block, _, bf := getIndentedLines(m.lines, m.lineOffset, untilBlank, stripIndent, inPlace && m.ownsLines, indent, noIndent)
	m.nextLine(len(block) - 1)
	for len(block) > 0 && block[0] == "" {
		block = block[1:]
		offset++
	}
	return block, offset, bf
}

func (m *machine) getFirstKnownIndented(indent int, untilBlank, stripIndent, stripTop bool) ([]string, int, int, bool) {
	return m.getFirstKnownIndentedBlock(indent, untilBlank, stripIndent, stripTop, false)
}

// getFirstKnownIndentedBlock is getFirstKnownIndented; inPlace as for
// getIndentedBlock.
func (m *machine) getFirstKnownIndentedBlock(indent int, untilBlank, stripIndent, stripTop, inPlace bool) ([]string, int, int, bool) {
	offset := m.absLineOffset()
	block, ind, bf := getIndentedLines(m.lines, m.lineOffset, untilBlank, stripIndent, inPlace && m.ownsLines, noIndent, indent)
	m.nextLine(len(block) - 1)
	if stripTop {
		for len(block) > 0 && strip(block[0]) == "" {
			block = block[1:]
			offset++
		}
	}
	return block, ind, offset, bf
}

// getTextBlock returns lines up to the next blank one. With flushLeft, an
// indented line ends the block early and indentedAt is its line number.
func (m *machine) getTextBlock(flushLeft bool) (block []string, indentedAt int) {
	end := m.lineOffset
	for end < len(m.lines) {
		line := m.lines[end]
		if line == "" {
			break
		}
		if flushLeft && line[0] == ' ' {
			block = m.lines[m.lineOffset:end]
			m.nextLine(len(block) - 1)
			return block, end + m.inputOffset + 1 + m.srcDelta
		}
		end++
	}
	block = m.lines[m.lineOffset:end]
	m.nextLine(len(block) - 1)
	return block, 0
}

// nestedParse runs a Body machine over block, frames Python frames above
// this one in docutils (see maxFrames); it returns the machine's final
// absolute line offset.
func (m *machine) nestedParse(block []string, inputOffset int, n *node, matchTitles bool, frames int) int {
	return m.nestedParseDelta(block, inputOffset, n, matchTitles, m.srcDelta, frames)
}

func (m *machine) nestedParseDelta(block []string, inputOffset int, n *node, matchTitles bool, delta, frames int) int {
	return m.nestedParseFirst(block, inputOffset, n, matchTitles, delta, 0, frames)
}

// nestedParseFirst is nestedParseDelta where the block's first line has
// its own delta, firstFix more than the others' (see parseContent).
func (m *machine) nestedParseFirst(block []string, inputOffset int, n *node, matchTitles bool, delta, firstFix, frames int) int {
	sub := m.p.newMachine(block, inputOffset, n, matchTitles)
	sub.srcDelta = delta
	sub.frames = frames
	if firstFix != 0 {
		sub.firstLine, sub.firstLineFix = inputOffset+1, firstFix
	}
	return m.runNested(sub, n)
}

// nestedParseOwned is nestedParse for a block that nothing but the new
// machine reads any more: a copy made for it, or lines of an owner that
// has read past them. The machine owns its lines, so blocks nested in it
// are stripped where they stand instead of copied once more per level.
func (m *machine) nestedParseOwned(block []string, inputOffset int, n *node, frames int) int {
	sub := m.p.newMachine(block, inputOffset, n, false)
	sub.srcDelta = m.srcDelta
	sub.frames = frames
	sub.ownsLines = true
	return m.runNested(sub, n)
}

// runNested runs sub, a Body machine over nested content rooted at n; it
// returns the machine's final absolute line offset.
func (m *machine) runNested(sub *machine, n *node) int {
	// docutils 0.23 parses nested content (block quotes, list items,
	// footnotes, table cells, directive bodies) into a node that joins the
	// document afterwards: what is added meanwhile gets no line of its own,
	// and messages about it take the nearest ancestor's
	attached := n.attached
	n.attached = false
	defer func() { n.attached = attached }()
	sub.run(sBody)
	off := sub.absLineOffset()
	m.p.release(sub)
	return off
}

func (m *machine) nestedListParse(block []string, inputOffset int, n *node, initial stateID, blankFinish bool, blankFinishState stateID, matchTitles bool, setup func(*machine)) (int, bool) {
	sub := m.p.newMachine(block, inputOffset, n, matchTitles)
	sub.frames = framesList
	sub.srcDelta = m.srcDelta
	sub.blankFinish[blankFinishState] = blankFinish
	if setup != nil {
		setup(sub)
	}
	sub.run(initial)
	off, bf := sub.absLineOffset(), sub.blankFinish[blankFinishState]
	m.p.release(sub)
	return off, bf
}

// shareLines makes sub, a list machine over the rest of m's lines, own
// them as m does: a bullet, enumerated or definition list reads on from
// its items and never back into them, and m reads on from where it ends.
// (An option list reads an item again as a paragraph when its options
// do not parse: it never owns its lines.)
func (m *machine) shareLines(sub *machine) { sub.ownsLines = m.ownsLines }

func (m *machine) unindentWarning(name string) {
	m.p.warnAt(name+" ends without a blank line; unexpected unindent.", m.absLineNumber()+1)
}

func isSpecializedBody(s stateID) bool {
	switch s {
	case sBulletList, sDefinitionList, sEnumeratedList, sFieldList, sOptionList, sLineBlock, sExtensionOptions, sExplicit:
		return true
	}
	return false
}

// invalidInput ends a specialized machine so the parent can reassess the line.
func (m *machine) invalidInput() result {
	m.previousLine(1)
	return eofResult
}

// ---- blank & indent ----

func (m *machine) blank(s stateID, ctx *[]string) result {
	switch s {
	case sText:
		m.paragraphBlank(ctx)
		return ok(sBody)
	case sDefinition:
		return eofResult
	case sLine:
		return m.lineBlank(ctx)
	case sLineBlock, sExplicit:
		return m.invalidInput()
	case sQuotedLiteral:
		if len(*ctx) > 0 {
			return eofResult
		}
		return ok(s)
	}
	return ok(s)
}

func (m *machine) indent(s stateID, ctx *[]string) result {
	switch s {
	case sText:
		return m.definitionListStart(ctx)
	case sDefinition:
		item, bf := m.definitionListItem(*ctx)
		m.node.add(item)
		m.blankFinish[sDefinition] = bf
		return ok(sDefinitionList)
	case sLine:
		return m.lineText(ctx)
	case sQuotedLiteral:
		m.p.errorAt("Unexpected indentation.", m.absLineNumber())
		m.previousLine(1)
		return eofResult
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	// Body (and SubstitutionDef): block quote
	block, _, lineOffset, bf := m.getIndentedBlock(false, true, true)
	m.blockQuote(block, lineOffset, framesBlock)
	if !bf {
		m.unindentWarning("Block quote")
	}
	return ok(s)
}

// blockQuote parses indented as block quotes, each frames Python frames
// above this machine in docutils.
func (m *machine) blockQuote(indented []string, lineOffset, frames int) {
	// docutils parses the quotes before they join the document: what they
	// hold gets no line of its own, and messages about it take the quote's
	var quotes []*node
	defer func() {
		for _, bq := range quotes {
			m.node.add(bq)
		}
	}()
	for len(indented) > 0 {
		bq := m.p.newNode(kBlockQuote)
		bq.line = lineOffset + 1 + m.srcDelta
		bqLines, attrLines, attrOffset, rest, newOffset, hasAttr := splitAttribution(indented, lineOffset)
		quotes = append(quotes, bq)
		m.nestedParseOwned(bqLines, lineOffset, bq, frames)
		if hasAttr {
			text := rstrip(strings.Join(attrLines, "\n"))
			lineno := 1 + lineOffset + attrOffset
			a := m.p.newNode(kAttribution)
			a.line = lineno + m.srcDelta
			bq.add(a)
			m.p.inline(text, lineno, a)
			indented = rest
			lineOffset = newOffset
		} else {
			indented = nil
		}
		for len(indented) > 0 && indented[0] == "" {
			indented = indented[1:]
			lineOffset++
		}
	}
}

// attributionStart matches `(---?(?!-)|\u2014) *(?=[^ \n])` and returns the end.
func attributionStart(line string) (int, bool) {
	i := 0
	if strings.HasPrefix(line, "\u2014") {
		i = len("\u2014")
	} else if strings.HasPrefix(line, "---") && !strings.HasPrefix(line, "----") {
		i = 3
	} else if strings.HasPrefix(line, "--") && !strings.HasPrefix(line, "---") {
		i = 2
	} else {
		return 0, false
	}
	j := i
	for j < len(line) && line[j] == ' ' {
		j++
	}
	if j >= len(line) || line[j] == '\n' {
		return 0, false
	}
	return runeLen(line[:j]), true
}

func splitAttribution(indented []string, lineOffset int) (bq, attr []string, attrOffset int, rest []string, newOffset int, ok bool) {
	blank := -10
	nonblankSeen := false
	for i := 0; i < len(indented); i++ {
		line := indented[i]
		if line != "" {
			if nonblankSeen && blank == i-1 {
				if mend, ok := attributionStart(line); ok {
					end, ind, good := checkAttribution(indented, i)
					if good {
						a := make([]string, 0, end-i)
						for k := i; k < end && k < len(indented); k++ {
							a = append(a, indented[k])
						}
						if len(a) > 0 {
							a[0] = dropRunes(a[0], mend)
						}
						for k := 1; k < len(a); k++ {
							a[k] = dropRunes(a[k], ind)
						}
						var r []string
						if end < len(indented) {
							r = indented[end:]
						}
						return indented[:i], a, i, r, lineOffset + end, true
					}
				}
			}
			nonblankSeen = true
		} else {
			blank = i
		}
	}
	return indented, nil, 0, nil, 0, false
}

func checkAttribution(indented []string, start int) (int, int, bool) {
	indent := -1
	i := start + 1
	broke := false
	for i = start + 1; i < len(indented); i++ {
		line := indented[i]
		if line == "" {
			broke = true
			break
		}
		li := runeLen(line) - runeLen(lstrip(line))
		if indent == -1 {
			indent = li
		} else if li != indent {
			return 0, 0, false
		}
	}
	if !broke {
		if start+1 >= len(indented) {
			i = start + 2
		} else {
			i = len(indented)
		}
	}
	if indent < 0 {
		indent = 0
	}
	return i, indent, i != 0
}

// ---- lists ----

func (m *machine) bullet(s stateID, end int) result {
	bulletChar, _ := utf8.DecodeRuneInString(m.line)
	if s == sBulletList {
		if bulletChar != m.node.x().bullet {
			return m.invalidInput()
		}
		m.listItem(m.node, end)
		m.blankFinish[sBulletList] = m.lastBlankFinish
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	list := m.p.newNode(kBulletList)
	list.line = m.absLineNumber() + m.srcDelta
	list.x().bullet = bulletChar
	m.node.add(list)
	m.listItem(list, end)
	bf := m.lastBlankFinish
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, list, sBulletList, bf, sBulletList, false, m.shareLines)
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Bullet list")
	}
	return ok(s)
}

func (m *machine) rest(offset int) []string {
	if offset >= len(m.lines) {
		return nil
	}
	return m.lines[offset:]
}

// fillListItem parses a list item's body into item (already attached).
// listItem parses a list item and adds it to list. As in docutils, the
// item takes the line it starts on and joins the list only once parsed,
// so what it holds gets no line of its own.
func (m *machine) listItem(list *node, indent int) {
	item := m.p.newNode(kListItem)
	item.line = m.absLineNumber() + m.srcDelta
	defer list.add(item)
	var block []string
	var lineOffset int
	var bf bool
	if dropRunes(m.line, indent) != "" {
		block, lineOffset, bf = m.getKnownIndented(indent, false, true, true)
	} else {
		block, _, lineOffset, bf = m.getFirstKnownIndentedBlock(indent, false, true, true, true)
	}
	m.lastBlankFinish = bf
	if len(block) > 0 {
		m.nestedParseOwned(block, lineOffset, item, framesBlock)
	}
}

var enumPrefix = map[string]string{"parens": "(", "rparen": "", "period": ""}
var enumSuffix = map[string]string{"parens": ")", "rparen": ")", "period": "."}

func matchSequence(seq, text string) bool {
	if text == "" {
		return false
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch seq {
		case "arabic":
			if c < '0' || c > '9' {
				return false
			}
		case "loweralpha":
			return len(text) == 1 && c >= 'a' && c <= 'z'
		case "upperalpha":
			return len(text) == 1 && c >= 'A' && c <= 'Z'
		case "lowerroman":
			if !strings.ContainsRune("ivxlcdm", rune(c)) {
				return false
			}
		case "upperroman":
			if !strings.ContainsRune("IVXLCDM", rune(c)) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

var enumSequences = []string{"arabic", "loweralpha", "upperalpha", "lowerroman", "upperroman"}

// parseEnumerator returns the sequence and ordinal (-1: invalid).
func parseEnumerator(em enumMatch, expected string) (string, int) {
	text := em.text
	seq := ""
	if text == "#" {
		seq = "#"
	} else if expected != "" {
		if matchSequence(expected, text) {
			seq = expected
		}
	} else if text == "i" {
		seq = "lowerroman"
	} else if text == "I" {
		seq = "upperroman"
	}
	if seq == "" {
		for _, s := range enumSequences {
			if matchSequence(s, text) {
				seq = s
				break
			}
		}
		if seq == "" {
			seq = "upperroman"
		}
	}
	switch seq {
	case "#":
		return seq, 1
	case "arabic":
		n, err := strconv.Atoi(text)
		if err != nil {
			// Python ints are unbounded; a huge number is still an ordinal.
			return seq, 1 << 40
		}
		return seq, n
	case "loweralpha":
		return seq, int(text[0]-'a') + 1
	case "upperalpha":
		return seq, int(text[0]-'A') + 1
	default:
		return seq, fromRoman(strings.ToUpper(text))
	}
}

func makeEnumerator(ordinal int, seq, format string) (string, string, bool) {
	var e string
	switch seq {
	case "#":
		e = "#"
	case "arabic":
		e = strconv.Itoa(ordinal)
	case "loweralpha", "upperalpha":
		if ordinal > 26 {
			return "", "", false
		}
		e = string(rune(ordinal + 'a' - 1))
		if seq == "upperalpha" {
			e = strings.ToUpper(e)
		}
	default:
		r, ok := toRoman(ordinal)
		if !ok {
			return "", "", false
		}
		e = r
		if seq == "lowerroman" {
			e = strings.ToLower(e)
		}
	}
	return enumPrefix[format] + e + enumSuffix[format] + " ", enumPrefix[format] + "#" + enumSuffix[format] + " ", true
}

func (m *machine) isEnumeratedListItem(ordinal int, seq, format string) bool {
	if ordinal < 0 {
		return false
	}
	if !m.nextLine(1) {
		m.previousLine(1)
		return true
	}
	next := m.line
	m.previousLine(1)
	// next_line[:1].strip(): a first character that is any whitespace
	if r, _ := utf8.DecodeRuneInString(next); next == "" || isSpace(r) {
		return true
	}
	ne, ae, ok := makeEnumerator(ordinal+1, seq, format)
	if ok && (strings.HasPrefix(next, ne) || strings.HasPrefix(next, ae)) {
		return true
	}
	return false
}

func (m *machine) enumerator(s stateID, em enumMatch) result {
	if s == sEnumeratedList {
		seq, ordinal := parseEnumerator(em, m.node.x().enumtype)
		if em.format != m.enumFormat ||
			(seq != "#" && (seq != m.node.x().enumtype || m.enumAuto || ordinal != m.lastOrdinal+1)) ||
			!m.isEnumeratedListItem(ordinal, seq, em.format) {
			return m.invalidInput()
		}
		if seq == "#" {
			m.enumAuto = true
		}
		m.listItem(m.node, em.end)
		m.blankFinish[sEnumeratedList] = m.lastBlankFinish
		m.lastOrdinal = ordinal
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	seq, ordinal := parseEnumerator(em, "")
	if !m.isEnumeratedListItem(ordinal, seq, em.format) {
		return result{c: cTransCorr, trans: tText}
	}
	list := m.p.newNode(kEnumList)
	if seq == "#" {
		list.x().enumtype = "arabic"
	} else {
		list.x().enumtype = seq
	}
	m.node.add(list)
	if ordinal != 1 {
		m.p.info(m.node, 0)
	}
	m.listItem(list, em.end)
	bf := m.lastBlankFinish
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, list, sEnumeratedList, bf, sEnumeratedList, false, func(sub *machine) {
		sub.lastOrdinal = ordinal
		sub.enumFormat = em.format
		sub.enumAuto = seq == "#"
		m.shareLines(sub)
	})
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Enumerated list")
	}
	return ok(s)
}

func fromRoman(s string) int {
	if s == "" {
		return -1
	}
	// validity: M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})
	i := 0
	count := func(c byte, max int) int {
		n := 0
		for i < len(s) && s[i] == c && n < max {
			i++
			n++
		}
		return n
	}
	total := count('M', 4) * 1000
	digit := func(one, five, ten byte, unit int) bool {
		if i+1 < len(s) && s[i] == one && s[i+1] == ten {
			i += 2
			total += 9 * unit
			return true
		}
		if i+1 < len(s) && s[i] == one && s[i+1] == five {
			i += 2
			total += 4 * unit
			return true
		}
		if i < len(s) && s[i] == five {
			i++
			total += 5 * unit
		}
		total += count(one, 3) * unit
		return true
	}
	digit('C', 'D', 'M', 100)
	digit('X', 'L', 'C', 10)
	digit('I', 'V', 'X', 1)
	if i != len(s) {
		return -1
	}
	return total
}

func toRoman(n int) (string, bool) {
	if n <= 0 || n >= 5000 {
		return "", false
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String(), true
}

func (m *machine) fieldMarker(s stateID, end int) result {
	if s == sFieldList && m.meta {
		name := prefixRunes(m.line, end)[1:]
		if k := strings.LastIndexByte(name, ':'); k >= 0 {
			name = name[:k]
		}
		name = unescape(escape2null(name))
		block, _, _, _ := m.getFirstKnownIndented(end, false, true, true)
		if len(block) > 0 {
			toks := fields(name)
			for _, tok := range toks[min(1, len(toks)):] {
				if e := nameValueError(tok); e != "" {
					m.p.report(Error, fmt.Sprintf("Error parsing meta tag attribute \"%s\": %s.", tok, e), m.p.currentLine())
				}
			}
		}
		return ok(s)
	}
	if s == sFieldList || s == sExtensionOptions {
		f := m.field(end, s == sExtensionOptions)
		m.node.add(f)
		m.blankFinish[s] = m.lastBlankFinish
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	list := m.p.newNode(kFieldList)
	m.node.add(list)
	f := m.field(end, false)
	list.add(f)
	bf := m.lastBlankFinish
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, list, sFieldList, bf, sFieldList, false, nil)
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Field list")
	}
	return ok(s)
}

func (m *machine) field(end int, extension bool) *node {
	marker := prefixRunes(m.line, end)
	name := marker[1:]
	if k := strings.LastIndexByte(name, ':'); k >= 0 {
		name = name[:k]
	}
	f := m.p.newNode(kField)
	f.line = m.absLineNumber() + m.srcDelta
	lineno := m.absLineNumber()
	block, _, lineOffset, bf := m.getFirstKnownIndented(end, false, true, true)
	m.lastBlankFinish = bf
	fn := m.p.newNode(kFieldName)
	fn.text = name
	f.add(fn)
	body := m.p.newNode(kFieldBody)
	f.add(body)
	m.p.inline(name, lineno, fn)
	f.x().fieldBody = block
	if extension {
		return f
	}
	if len(block) > 0 {
		m.nestedParse(block, lineOffset, body, false, framesField)
	}
	return f
}

func (m *machine) optionMarker(s stateID, end int) result {
	if s == sOptionList {
		item, bf, corr := m.optionListItem(end)
		if corr {
			return result{c: cTransCorr, trans: tText}
		}
		m.node.add(item)
		m.blankFinish[sOptionList] = bf
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	list := m.p.newNode(kOptionList)
	list.line = m.absLineNumber() + m.srcDelta
	item, bf, corr := m.optionListItem(end)
	if corr {
		return result{c: cTransCorr, trans: tText}
	}
	m.node.add(list)
	list.add(item)
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, list, sOptionList, bf, sOptionList, false, nil)
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Option list")
	}
	return ok(s)
}

func (m *machine) optionListItem(end int) (*node, bool, bool) {
	offset := m.absLineOffset()
	block, _, lineOffset, bf := m.getFirstKnownIndented(end, false, true, true)
	if len(block) == 0 {
		m.gotoLine(offset)
		return nil, false, true
	}
	item := m.p.newNode(kOptionListItem)
	desc := m.p.newNode(kDefinition)
	item.add(desc)
	m.nestedParse(block, lineOffset, desc, false, framesBlock)
	return item, bf, false
}

func (m *machine) doctest(s stateID) result {
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	m.getTextBlock(false)
	m.node.add(m.p.newNode(kDoctestBlock))
	return ok(s)
}

func (m *machine) lineBlock(s stateID) result {
	if s == sLineBlock {
		lineno := m.absLineNumber()
		bf := m.lineBlockLine(lineno, m.node)
		m.blankFinish[sLineBlock] = bf
		return ok(s)
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	block := m.p.newNode(kLineBlock)
	m.node.add(block)
	lineno := m.absLineNumber()
	bf := m.lineBlockLine(lineno, block)
	if !bf {
		offset := m.lineOffset + 1
		var newOffset int
		newOffset, bf = m.nestedListParse(m.rest(offset), m.absLineOffset()+1, block, sLineBlock, false, sLineBlock, false, nil)
		m.gotoLine(newOffset)
	}
	if !bf {
		m.p.warnAt("Line block ends without a blank line.", lineno+1)
	}
	return ok(s)
}

func (m *machine) lineBlockLine(lineno int, parent *node) bool {
	end := prefixSpacesEnd(m.line, 1)
	block, _, _, bf := m.getFirstKnownIndented(end, true, true, true)
	text := strings.Join(block, "\n")
	ln := m.p.newNode(kLine)
	parent.add(ln)
	ln.line = lineno + m.srcDelta // docutils 0.23 gives each line its line
	m.p.inline(text, lineno, ln)
	return bf
}

// ---- text, paragraphs, sections ----

func (m *machine) text(s stateID, ctx *[]string) result {
	switch s {
	case sText:
		return m.paragraphText(ctx)
	case sDefinition:
		return eofResult
	case sLine:
		return m.lineText(ctx)
	case sDefinitionList:
		*ctx = append((*ctx)[:0], m.line)
		return ok(sDefinition)
	case sSubstitutionDef:
		if !m.atEOF() {
			m.blankFinish[sSubstitutionDef] = m.isNextLineBlank()
		}
		return eofResult
	case sQuotedLiteral:
		if len(*ctx) > 0 {
			m.p.errorAt("Inconsistent literal block quoting.", m.absLineNumber())
			m.previousLine(1)
		}
		return eofResult
	}
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	*ctx = append((*ctx)[:0], m.line)
	return ok(sText)
}

// paragraph builds a paragraph from lines and reports whether a literal
// block follows ("::" at the end).
func (m *machine) paragraph(lines []string, lineno int) bool {
	data := rstrip(strings.Join(lines, "\n"))
	var text string
	literalNext := false
	if strings.HasSuffix(data, "::") && !escapedColons(data) {
		if len(data) == 2 {
			return true
		}
		c := data[len(data)-3]
		if c == ' ' || c == '\n' {
			text = rstrip(data[:len(data)-3])
		} else {
			text = data[:len(data)-1]
		}
		literalNext = true
	} else {
		text = data
	}
	p := m.p.newNode(kParagraph)
	p.line = lineno + m.deltaAt(lineno)
	m.node.add(p)
	m.p.inline(text, lineno, p)
	return literalNext
}

// escapedColons reports whether the final "::" is preceded by an odd
// number of backslashes (`(?<!\\)(\\\\)*::$` fails).
func escapedColons(data string) bool {
	n := 0
	for i := len(data) - 3; i >= 0 && data[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func (m *machine) paragraphBlank(ctx *[]string) {
	literal := m.paragraph(*ctx, m.absLineNumber()-1)
	if literal {
		m.literalBlock()
	}
}

func (m *machine) paragraphText(ctx *[]string) result {
	startline := m.absLineNumber() - 1
	block, indentedAt := m.getTextBlock(true)
	lines := append(append([]string{}, (*ctx)...), block...)
	if indentedAt != 0 {
		// docutils reports this before parsing the paragraph's inline markup
		m.p.report(Error, "Unexpected indentation.", indentedAt)
	}
	literal := m.paragraph(lines, startline)
	if literal {
		m.nextLine(1)
		m.literalBlock()
	}
	return ok(sBody)
}

func (m *machine) literalBlock() {
	block, _, offset, bf := m.getIndented(false, true)
	for len(block) > 0 && block[len(block)-1] == "" {
		block = block[:len(block)-1]
	}
	if len(block) == 0 {
		m.quotedLiteralBlock()
		return
	}
	lb := m.p.newNode(kLiteralBlock)
	lb.line = offset + 1 + m.srcDelta
	m.node.add(lb)
	if !bf {
		m.unindentWarning("Literal block")
	}
}

func (m *machine) quotedLiteralBlock() {
	absOffset := m.absLineOffset()
	holder := m.p.newNode(kElement)
	holder.parent = m.node
	sub := m.p.newMachine(m.rest(m.lineOffset), absOffset, holder, false)
	sub.srcDelta = m.srcDelta
	sub.frames = framesField
	sub.run(sQuotedLiteral)
	m.gotoLine(sub.absLineOffset())
	for _, c := range holder.children {
		m.node.add(c)
	}
}

func (m *machine) quoted(ctx *[]string) result {
	if m.qQuote == 0 {
		m.qQuote = m.line[0]
		m.qInitialLine = m.absLineNumber()
		*ctx = append((*ctx)[:0], m.line)
		return ok(sQuotedLiteral)
	}
	*ctx = append(*ctx, m.line)
	return ok(sQuotedLiteral)
}

func (m *machine) definitionListStart(ctx *[]string) result {
	list := m.p.newNode(kDefList)
	item, bf := m.definitionListItem(*ctx)
	list.add(item)
	m.node.add(list)
	offset := m.lineOffset + 1
	newOffset, bf := m.nestedListParse(m.rest(offset), m.absLineOffset()+1, list, sDefinitionList, bf, sDefinition, false, m.shareLines)
	m.gotoLine(newOffset)
	if !bf {
		m.unindentWarning("Definition list")
	}
	return ok(sBody)
}

func (m *machine) definitionListItem(termline []string) (*node, bool) {
	// docutils 0.23 takes the term's line before reading the definition
	// (0.19: the line before the end of the definition)
	ddLineno := m.absLineNumber()
	lineno := ddLineno - 1
	block, _, lineOffset, bf := m.getIndentedBlock(false, true, true)
	item := m.p.newNode(kDefListItem)
	item.line = lineno + m.srcDelta
	item.parent = m.node
	term := m.p.newNode(kTerm)
	term.line = item.line
	item.add(term)
	m.p.inline(termline[0], lineno, term)
	def := m.p.newNode(kDefinition)
	def.line = ddLineno + m.srcDelta
	item.add(def)
	if strings.HasSuffix(termline[0], "::") {
		m.p.info(def, ddLineno)
	}
	m.nestedParseOwned(block, lineOffset, def, framesBlock)
	return item, bf
}

func (m *machine) underline(s stateID, ctx *[]string) result {
	switch s {
	case sDefinition:
		return eofResult
	case sLine:
		return m.lineUnderline(ctx)
	}
	// Text: section title
	lineno := m.absLineNumber()
	title := rstrip((*ctx)[0])
	underline := rstrip(m.line)
	if columnWidth(title) > runeLen(underline) {
		if runeLen(underline) < 4 {
			if m.matchTitles {
				m.p.info(m.node, lineno)
			}
			return result{c: cTransCorr, trans: tText}
		}
		m.p.warnAt("Title underline too short.", lineno)
	}
	if !m.matchTitles {
		m.p.report(Error, "Unexpected section title.", m.absLineNumber()+m.srcDelta)
		return ok(sBody)
	}
	style := underline[:1]
	*ctx = (*ctx)[:0]
	return m.section(title, style, lineno-1)
}

func (m *machine) section(title, style string, lineno int) result {
	ok1, r := m.checkSubsection(style, lineno)
	if r.c == cBubble {
		return r
	}
	if !ok1 {
		return ok(sBody)
	}
	return m.newSubsection(title, lineno)
}

func (m *machine) checkSubsection(style string, lineno int) (bool, result) {
	p := m.p
	level := -1
	for i, st := range p.titleStyles {
		if st == style {
			level = i + 1
			break
		}
	}
	if level < 0 {
		if len(p.titleStyles) == p.sectionLevel {
			p.titleStyles = append(p.titleStyles, style)
			return true, result{}
		}
		p.errorAt(fmt.Sprintf("Inconsistent title style: skip from level %d to %d.", p.sectionLevel, len(p.titleStyles)+1), lineno)
		return false, result{}
	}
	if level <= p.sectionLevel {
		// back up to the title (2 lines, 3 with an overline) for the
		// parent section's machine to read
		p.sectionLevel = level
		m.previousLine(len(style) + 1)
		return false, bubbleResult
	}
	if level == p.sectionLevel+1 {
		return true, result{}
	}
	p.errorAt(fmt.Sprintf("Inconsistent title style: skip from level %d to %d.", p.sectionLevel, level), lineno)
	return false, result{}
}

func (m *machine) newSubsection(title string, lineno int) result {
	p := m.p
	mylevel := p.sectionLevel
	p.sectionLevel++
	sec := m.p.newNode(kSection)
	m.node.add(sec)
	t := m.p.newNode(kTitle)
	sec.add(t)
	p.inline(title, lineno, t)
	sec.x().names = append(sec.x().names, fullyNormalizeName(t.astext()))
	p.noteImplicitTarget(sec, sec)
	offset := m.lineOffset + 1
	absOffset := m.absLineOffset() + 1
	// docutils 0.23 parses a section's body in the machine that read its
	// title; pyup nests a machine, which stands for that one while it runs
	// where messages that name no line read their line from
	sub := p.newMachine(m.rest(offset), absOffset, sec, true)
	sub.frames = 0 // docutils 0.23 reads it in the same machine
	sub.srcDelta = m.srcDelta
	if p.topMachine == m {
		p.topMachine = sub
	}
	sub.run(sBody)
	if p.topMachine == sub {
		p.topMachine = m
	}
	newAbs := sub.absLineOffset()
	p.release(sub)
	m.gotoLine(newAbs)
	if p.sectionLevel <= mylevel {
		return bubbleResult
	}
	p.sectionLevel = mylevel
	if m.lineOffset >= len(m.lines) {
		// the input ended in the section: docutils' one machine reads on
		// from where the section's machine stopped, so this one must not
		// read past the end once more
		m.lineOffset--
	}
	return ok(sBody)
}

// lineTrans handles a line of punctuation in Body: overline or transition.
func (m *machine) lineTrans(s stateID, ctx *[]string) result {
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	if m.matchTitles {
		*ctx = append((*ctx)[:0], m.line)
		return ok(sLine)
	}
	if strip(m.line) == "::" {
		return result{c: cTransCorr, trans: tText}
	}
	if runeLen(strip(m.line)) < 4 {
		m.p.info(m.node, m.absLineNumber())
		return result{c: cTransCorr, trans: tText}
	}
	m.p.errorAt("Unexpected section title or transition.", m.absLineNumber())
	return ok(s)
}

func (m *machine) stateCorrection(ctx *[]string, lines int) result {
	m.previousLine(lines)
	*ctx = (*ctx)[:0]
	return result{c: cStateCorr, next: sBody, trans: tText}
}

func (m *machine) lineBlank(ctx *[]string) result {
	marker := strip((*ctx)[0])
	if runeLen(marker) < 4 {
		return m.stateCorrection(ctx, 1)
	}
	t := m.p.newNode(kTransition)
	t.line = m.absLineNumber() - 1 + m.srcDelta
	m.node.add(t)
	return ok(sBody)
}

func (m *machine) lineText(ctx *[]string) result {
	lineno := m.absLineNumber() - 1
	overline := (*ctx)[0]
	title := m.line
	underline := ""
	if !m.nextLine(1) {
		if runeLen(rstrip(overline)) < 4 {
			m.p.info(m.node, lineno)
			return m.stateCorrection(ctx, 2)
		}
		m.p.errorAt("Incomplete section title.", lineno)
		return ok(sBody)
	}
	underline = m.line
	overline = rstrip(overline)
	underline = rstrip(underline)
	if !isLine(underline) {
		if runeLen(overline) < 4 {
			m.p.info(m.node, lineno)
			return m.stateCorrection(ctx, 2)
		}
		m.p.errorAt("Missing matching underline for section title overline.", lineno)
		return ok(sBody)
	}
	if overline != underline {
		if runeLen(overline) < 4 {
			m.p.info(m.node, lineno)
			return m.stateCorrection(ctx, 2)
		}
		m.p.errorAt("Title overline & underline mismatch.", lineno)
		return ok(sBody)
	}
	title = rstrip(title)
	if columnWidth(title) > runeLen(overline) {
		if runeLen(overline) < 4 {
			m.p.info(m.node, lineno)
			return m.stateCorrection(ctx, 2)
		}
		m.p.warnAt("Title overline too short.", lineno)
	}
	style := overline[:1] + underline[:1]
	if r := m.section(lstrip(title), style, lineno+1); r.c == cBubble {
		return r
	}
	return ok(sBody)
}

func (m *machine) lineUnderline(ctx *[]string) result {
	overline := (*ctx)[0]
	lineno := m.absLineNumber() - 1
	if runeLen(rstrip(overline)) < 4 {
		m.p.info(m.node, lineno)
		return m.stateCorrection(ctx, 1)
	}
	m.p.errorAt("Invalid section title or transition marker.", lineno)
	return ok(sBody)
}

// eof runs the end-of-input transition of state s.
func (m *machine) eof(s stateID, ctx *[]string) result {
	switch s {
	case sText:
		if len(*ctx) > 0 {
			m.paragraphBlank(ctx)
		}
	case sDefinition:
		m.previousLine(2)
	case sLine:
		marker := strip((*ctx)[0])
		if runeLen(marker) < 4 {
			// docutils' state_correction raises from the eof handler; the
			// run loop retries the line as text in Body.
			return m.stateCorrection(ctx, 1)
		}
		t := m.p.newNode(kTransition)
		t.line = m.lineNumberForEOFTransition()
		m.node.add(t)
	case sQuotedLiteral:
		if len(*ctx) > 0 {
			lb := m.p.newNode(kLiteralBlock)
			lb.line = m.qInitialLine + m.srcDelta
			m.node.add(lb)
		} else {
			m.p.warnAt("Literal block expected; none found.", m.absLineNumber())
			m.previousLine(1)
		}
	}
	return result{}
}

func (m *machine) lineNumberForEOFTransition() int {
	// get_source_and_line() at the current (past the end) line, minus one.
	return m.absLineNumber() - 1 + m.srcDelta
}

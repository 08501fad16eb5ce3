package rst

// The block parser is a line-driven state machine with the semantics of
// docutils' StateMachineWS: each state tries its transitions in order on the
// current line; a transition may consume more lines, start nested machines
// over indented blocks, ask to be retried as another transition or state, or
// end the machine (docutils' EOFError). Following those mechanics closely is
// what makes line numbers and edge cases come out as docutils reports them.

type stateID int

const (
	sBody stateID = iota
	sBulletList
	sDefinitionList
	sEnumeratedList
	sFieldList
	sOptionList
	sLineBlock
	sExtensionOptions
	sExplicit
	sText
	sDefinition
	sLine
	sSubstitutionDef
	sQuotedLiteral
	numStates
)

type transID int

const (
	tNone transID = iota
	tBlank
	tIndent
	tBullet
	tEnumerator
	tFieldMarker
	tOptionMarker
	tDoctest
	tLineBlock
	tGridTop
	tSimpleTop
	tExplicit
	tAnonymous
	tLine
	tText
	tUnderline
	tEmbeddedDirective
	tQuoted
)

var bodyTransitions = []transID{tBlank, tIndent, tBullet, tEnumerator, tFieldMarker, tOptionMarker,
	tDoctest, tLineBlock, tGridTop, tSimpleTop, tExplicit, tAnonymous, tLine, tText}
var textTransitions = []transID{tBlank, tIndent, tUnderline, tText}
var substTransitions = []transID{tBlank, tIndent, tEmbeddedDirective, tText}
var quotedTransitions = []transID{tQuoted, tBlank, tIndent, tText}

type ctl int

const (
	cOK        ctl = iota
	cEOF           // end this machine (docutils raises EOFError)
	cTransCorr     // retry the line with another transition
	cStateCorr     // retry the line in another state
	// cBubble ends this machine at a section title of a higher level, which
	// its parent reads again. docutils 0.23 has one machine for all
	// sections and just moves up the tree, so no end-of-input handling
	// runs; 0.19 raised EOFError there instead.
	cBubble
)

type result struct {
	c     ctl
	next  stateID
	trans transID
}

func ok(next stateID) result { return result{next: next} }

var eofResult = result{c: cEOF}

var bubbleResult = result{c: cBubble}

// Docutils has no nesting limit of its own: its parser recurses, each
// nested state machine a few Python frames above the one that started
// it, and at Python's recursion limit (1000 frames) a RecursionError ends
// the parse; readme_renderer does not catch it, so PyPI cannot render the
// description. pyup counts the same frames and stops where docutils 0.23
// (and 0.19) on Python 3.11 would, under scripts/rst-oracle.py
// (TestNestingTooDeep). The frames a nested machine costs are the
// machine's two run frames, the parent's check_line and transition
// method, the calls between them and nested_parse or nested_list_parse,
// and that call. A description that Warehouse renders deeper in its own
// stack fails a few levels earlier there.
const (
	// maxFrames is what the nested machines may stand on: the recursion
	// limit less the frames below the top-level machine and above the
	// deepest machine's run for its last paragraph.
	maxFrames = 1000 - 21

	// Body.indent -> block_quote, {Body,BulletList,EnumeratedList}.bullet
	// or .enumerator -> list_item, Text.indent or Definition.indent ->
	// definition_list_item, {Body,OptionList}.option_marker ->
	// option_list_item; then nested_parse
	framesBlock = 6
	// a transition method -> nested_list_parse (bullet, enumerated,
	// field, option and definition lists, line blocks)
	framesList = 5
	// explicit_markup -> explicit_list -> nested_list_parse
	framesExplicitList = 6
	// field_marker -> field -> parse_field_body; explicit_markup ->
	// explicit_construct -> footnote or citation, or substitution_def
	// (-> nested_list_parse); Text.blank -> literal_block ->
	// quoted_literal_block
	framesField = 7
	// explicit_markup -> explicit_construct -> directive ->
	// run_directive -> Directive.run; one less when a substitution
	// definition's embedded_directive calls directive; one more when run
	// calls block_quote (epigraph, highlights, pull-quote) or its base
	// class's run (sidebar)
	framesDirective = 9
	// {grid,simple}_table_top -> table_top -> table -> build_table ->
	// build_table_row
	framesTableCell = 9
	// a directive's options: run_directive -> parse_directive_block ->
	// parse_directive_options -> parse_extension_options
	framesOptions = 11
)

// machine is one (possibly nested) state machine run.
type machine struct {
	p           *parser
	lines       []string
	inputOffset int
	lineOffset  int
	line        string
	matchTitles bool
	node        *node

	blankFinish [numStates]bool

	// EnumeratedList
	lastOrdinal int
	enumFormat  string
	enumAuto    bool
	// QuotedLiteralBlock
	qInitialLine int
	qQuote       byte

	srcDelta int // true source line minus docutils' absolute line number
	// firstLine, when not 0, is the absolute line whose true source line
	// differs from the others' by firstLineFix (see parseContent)
	firstLine, firstLineFix int
	lastBlankFinish         bool
	// ownsLines: nothing but this machine reads its lines, and it reads
	// none again once past them (a block quote's machine): an indented
	// block in them is stripped in place (docutils copies it, which
	// makes deep nesting quadratic)
	ownsLines bool
	// frames is how many Python frames deeper docutils runs this machine
	// than its parent (see maxFrames)
	frames    int
	substName string
	meta      bool

	ctxBuf []string // run's context lines, kept across reuse
}

func (p *parser) newMachine(lines []string, inputOffset int, n *node, matchTitles bool) *machine {
	if k := len(p.arena.machines); k > 0 {
		m := p.arena.machines[k-1]
		p.arena.machines = p.arena.machines[:k-1]
		*m = machine{p: p, lines: lines, inputOffset: inputOffset, node: n, matchTitles: matchTitles, ctxBuf: m.ctxBuf, frames: framesBlock}
		return m
	}
	return &machine{p: p, lines: lines, inputOffset: inputOffset, node: n, matchTitles: matchTitles, frames: framesBlock}
}

// release returns a finished nested machine for reuse.
func (p *parser) release(m *machine) {
	if m != p.topMachine {
		p.arena.machines = append(p.arena.machines, m)
	}
}

func (m *machine) absLineOffset() int { return m.lineOffset + m.inputOffset }

// deltaAt is srcDelta for absolute line number line.
func (m *machine) deltaAt(line int) int {
	if m.firstLine != 0 && line == m.firstLine {
		return m.srcDelta + m.firstLineFix
	}
	return m.srcDelta
}
func (m *machine) absLineNumber() int { return m.lineOffset + m.inputOffset + 1 }

// notify is docutils' notify_observers: the document's current line, and
// whether there is a current source (none once a machine reads beyond
// the line just past its input's end).
func (m *machine) notify() {
	if m.lineOffset >= 0 && m.lineOffset < len(m.lines) {
		m.p.curLine = m.absLineNumber() + m.srcDelta
	} else {
		m.p.curLine = 0
	}
	m.p.noSource = m.lineOffset > len(m.lines) || m.lineOffset < -len(m.lines)
}

func (m *machine) nextLine(n int) bool {
	defer m.notify()
	m.lineOffset += n
	if m.lineOffset >= 0 && m.lineOffset < len(m.lines) {
		m.line = m.lines[m.lineOffset]
		return true
	}
	m.line = ""
	if m.lineOffset < 0 {
		// Python indexes from the end.
		if m.lineOffset+len(m.lines) >= 0 {
			m.line = m.lines[m.lineOffset+len(m.lines)]
			return true
		}
	}
	return false
}

func (m *machine) previousLine(n int) {
	defer m.notify()
	m.lineOffset -= n
	if m.lineOffset < 0 || m.lineOffset >= len(m.lines) {
		m.line = ""
	} else {
		m.line = m.lines[m.lineOffset]
	}
}

func (m *machine) gotoLine(absOffset int) {
	defer m.notify()
	m.lineOffset = absOffset - m.inputOffset
	if m.lineOffset >= 0 && m.lineOffset < len(m.lines) {
		m.line = m.lines[m.lineOffset]
	} else {
		m.line = ""
	}
}

func (m *machine) isNextLineBlank() bool {
	i := m.lineOffset + 1
	if i >= len(m.lines) || i < 0 {
		return true
	}
	return m.lines[i] == ""
}

func (m *machine) atEOF() bool { return m.lineOffset >= len(m.lines)-1 }

func (m *machine) transitionsFor(s stateID) []transID {
	switch s {
	case sText, sDefinition, sLine:
		return textTransitions
	case sSubstitutionDef:
		return substTransitions
	case sQuotedLiteral:
		return quotedTransitions
	}
	return bodyTransitions
}

// run drives the machine from state initial until the input is exhausted
// or a transition ends it.
func (m *machine) run(initial stateID) {
	m.lineOffset = -1
	state := initial
	// the context reuses the machine's buffer; a re-entered run gets its own
	ctx := m.ctxBuf[:0]
	m.ctxBuf = nil
	defer func() { m.ctxBuf = ctx[:0] }()
	var only transID
	m.p.frames += m.frames
	if m.p.frames > maxFrames {
		m.p.tooDeep()
	}
	defer func() { m.p.frames -= m.frames }()
	for {
		var r result
		if !m.nextLine(1) {
			r = m.eof(state, &ctx)
			if r.c != cStateCorr {
				return
			}
		} else {
			r = m.checkLine(state, &ctx, only)
			if r.c == cBubble {
				return
			}
			if r.c == cEOF {
				r = m.eof(state, &ctx)
				if r.c != cStateCorr {
					return
				}
			}
		}
		switch r.c {
		case cTransCorr:
			m.previousLine(1)
			only = r.trans
			continue
		case cStateCorr:
			m.previousLine(1)
			only = r.trans
			state = r.next
			continue
		}
		only = tNone
		state = r.next
	}
}

func (m *machine) checkLine(state stateID, ctx *[]string, only transID) result {
	line := m.line
	try := func(t transID) (result, bool) {
		switch t {
		case tBlank:
			if line == "" {
				return m.blank(state, ctx), true
			}
		case tIndent:
			if line != "" && line[0] == ' ' {
				return m.indent(state, ctx), true
			}
		case tBullet:
			if end, ok := matchBullet(line); ok {
				return m.bullet(state, end), true
			}
		case tEnumerator:
			if em, ok := matchEnumerator(line); ok {
				return m.enumerator(state, em), true
			}
		case tFieldMarker:
			if end, ok := matchFieldMarker(line); ok {
				return m.fieldMarker(state, end), true
			}
		case tOptionMarker:
			if end, ok := matchOptionMarker(line); ok {
				// the marker's end in characters, as docutils' match.end()
				return m.optionMarker(state, runeLen(line[:end])), true
			}
		case tDoctest:
			if matchPrefixSpaces(line, ">>>") {
				return m.doctest(state), true
			}
		case tLineBlock:
			if matchPrefixSpaces(line, "|") {
				return m.lineBlock(state), true
			}
		case tGridTop:
			if isGridTableTop(line) {
				return m.gridTableTop(state), true
			}
		case tSimpleTop:
			if isSimpleTableTop(line) {
				return m.simpleTableTop(state), true
			}
		case tExplicit:
			if matchPrefixSpaces(line, "..") {
				return m.explicitMarkup(state), true
			}
		case tAnonymous:
			if matchPrefixSpaces(line, "__") {
				return m.anonymous(state), true
			}
		case tLine:
			if isLine(line) {
				return m.lineTrans(state, ctx), true
			}
		case tText:
			return m.text(state, ctx), true
		case tUnderline:
			if isLine(line) {
				return m.underline(state, ctx), true
			}
		case tEmbeddedDirective:
			if _, ok := matchEmbeddedDirective(line); ok {
				return m.embeddedDirective(), true
			}
		case tQuoted:
			if line != "" && isNonAlnum7(line[0]) && (m.qQuote == 0 || line[0] == m.qQuote) {
				return m.quoted(ctx), true
			}
		}
		return result{}, false
	}
	if only != tNone {
		if r, ok := try(only); ok {
			return r
		}
		return ok(state) // no match: docutils reports an internal error; never happens
	}
	for _, t := range m.transitionsFor(state) {
		if r, ok := try(t); ok {
			return r
		}
	}
	return ok(state)
}

// ---- line patterns ----

func matchBullet(line string) (int, bool) {
	if line == "" {
		return 0, false
	}
	var n int
	switch {
	case line[0] == '-' || line[0] == '+' || line[0] == '*':
		n = 1
	case len(line) >= 3 && (line[:3] == "\u2022" || line[:3] == "\u2023" || line[:3] == "\u2043"):
		n = 3
	default:
		return 0, false
	}
	if n == len(line) {
		return 1, true
	}
	if line[n] != ' ' {
		return 0, false
	}
	end := n
	for end < len(line) && line[end] == ' ' {
		end++
	}
	return 1 + end - n, true // in characters
}

// matchPrefixSpaces matches `prefix( +|$)`.
func matchPrefixSpaces(line, prefix string) bool {
	if len(line) < len(prefix) || line[:len(prefix)] != prefix {
		return false
	}
	return len(line) == len(prefix) || line[len(prefix)] == ' '
}

func prefixSpacesEnd(line string, n int) int {
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

func isLine(line string) bool {
	if line == "" || !isNonAlnum7(line[0]) {
		return false
	}
	c := line[0]
	for i := 1; i < len(line); i++ {
		if line[i] != c {
			return false
		}
	}
	return true
}

func isGridTableTop(line string) bool {
	s := line
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	if len(s) < 5 || s[0] != '+' || s[1] != '-' || s[len(s)-1] != '+' || s[len(s)-2] != '-' {
		return false
	}
	for i := 2; i < len(s)-2; i++ {
		if s[i] != '-' && s[i] != '+' {
			return false
		}
	}
	return true
}

// isSimpleTableTop matches `=+( +=+)+ *$`.
func isSimpleTableTop(line string) bool {
	s := line
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	if s == "" || s[0] != '=' {
		return false
	}
	runs := 0
	i := 0
	for i < len(s) {
		if s[i] != '=' {
			return false
		}
		for i < len(s) && s[i] == '=' {
			i++
		}
		runs++
		if i < len(s) {
			if s[i] != ' ' {
				return false
			}
			for i < len(s) && s[i] == ' ' {
				i++
			}
		}
	}
	return runs >= 2
}

// isSimpleTableBorder matches `=+[ =]*$`.
func isSimpleTableBorder(line string) bool {
	if line == "" || line[0] != '=' {
		return false
	}
	for i := 0; i < len(line); i++ {
		if line[i] != '=' && line[i] != ' ' {
			return false
		}
	}
	return true
}

// matchFieldMarker matches `:(?![: ])([^:\\]|\\.|:(?!([ `]|$)))*(?<! ):( +|$)`
// and returns the match end in characters.
func matchFieldMarker(line string) (int, bool) {
	if len(line) < 2 || line[0] != ':' || line[1] == ':' || line[1] == ' ' {
		return 0, false
	}
	r := []rune(line)
	i := 1
	for i < len(r) {
		c := r[i]
		if c == '\\' {
			if i+1 < len(r) {
				i += 2
				continue
			}
			break
		}
		if c == ':' {
			if i+1 == len(r) || r[i+1] == ' ' || r[i+1] == '`' {
				break
			}
		}
		i++
	}
	if i >= len(r) || r[i] != ':' || i < 2 || r[i-1] == ' ' {
		return 0, false
	}
	if i+1 < len(r) && r[i+1] != ' ' {
		return 0, false
	}
	j := i + 1
	for j < len(r) && r[j] == ' ' {
		j++
	}
	return j, true
}

func isAlnumASCII(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isAlphaASCII(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isAlnumPlus(c byte) bool { return isAlnumASCII(c) || c == '_' || c == '-' }

// optargEnds lists the ends of `optarg` matches at i, longest first.
func optargEnds(s string, i int) []int {
	if i >= len(s) {
		return nil
	}
	if isAlphaASCII(s[i]) {
		j := i + 1
		for j < len(s) && isAlnumPlus(s[j]) {
			j++
		}
		// [a-zA-Z][a-zA-Z0-9_-]* is greedy; backtracking may shorten it
		ends := make([]int, 0, j-i)
		for k := j; k > i; k-- {
			ends = append(ends, k)
		}
		return ends
	}
	if s[i] == '<' {
		j := i + 1
		for j < len(s) && s[j] != '<' && s[j] != '>' {
			j++
		}
		if j < len(s) && s[j] == '>' && j > i+1 {
			return []int{j + 1}
		}
	}
	return nil
}

// optionEnds lists possible ends of one `option` at i, in the regex's
// preference order.
func optionEnds(s string, i int) []int {
	var ends []int
	// shortopt: (-|\+)[a-zA-Z0-9]( ?optarg)?
	if i+1 < len(s) && (s[i] == '-' || s[i] == '+') && isAlnumASCII(s[i+1]) {
		j := i + 2
		if j < len(s) && s[j] == ' ' {
			ends = append(ends, optargEnds(s, j+1)...)
		}
		ends = append(ends, optargEnds(s, j)...)
		ends = append(ends, j)
	}
	// longopt: (--|/)[a-zA-Z0-9][a-zA-Z0-9_-]*([ =]optarg)?
	var starts []int
	if i+1 < len(s) && s[i] == '-' && s[i+1] == '-' {
		starts = append(starts, i+2)
	}
	if i < len(s) && s[i] == '/' {
		starts = append(starts, i+1)
	}
	for _, st := range starts {
		if st < len(s) && isAlnumASCII(s[st]) {
			j := st + 1
			for j < len(s) && isAlnumPlus(s[j]) {
				j++
			}
			for k := j; k > st; k-- {
				if k < len(s) && (s[k] == ' ' || s[k] == '=') {
					ends = append(ends, optargEnds(s, k+1)...)
				}
				ends = append(ends, k)
			}
		}
	}
	return ends
}

// matchOptionMarker matches `option(, option)*(  +| ?$)`.
func matchOptionMarker(line string) (int, bool) {
	if line == "" || (line[0] != '-' && line[0] != '+' && line[0] != '/') {
		return 0, false
	}
	var try func(i int, depth int) (int, bool)
	try = func(i int, depth int) (int, bool) {
		if depth > 64 {
			return 0, false
		}
		for _, e := range optionEnds(line, i) {
			// (, option)* greedy: try another option first
			if e+2 < len(line) && line[e] == ',' && line[e+1] == ' ' {
				if end, ok := try(e+2, depth+1); ok {
					return end, true
				}
			}
			if e == len(line) {
				return e, true
			}
			if e+1 == len(line) && line[e] == ' ' {
				return e + 1, true
			}
			if e+1 < len(line) && line[e] == ' ' && line[e+1] == ' ' {
				j := e
				for j < len(line) && line[j] == ' ' {
					j++
				}
				return j, true
			}
		}
		return 0, false
	}
	return try(0, 0)
}

// enumMatch describes a matched enumerator.
type enumMatch struct {
	format string // "parens", "rparen", "period"
	text   string
	end    int // match end including trailing spaces (bytes == chars: ASCII)
}

// enumTextEnds lists, longest first, where an enumerator's text starting at
// i may end, appending to ends.
func enumTextEnds(s string, i int, ends []int) []int {
	if i >= len(s) {
		return nil
	}
	c := s[i]
	if c >= '0' && c <= '9' {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		for k := j; k > i; k-- {
			ends = append(ends, k)
		}
	}
	if c >= 'a' && c <= 'z' {
		ends = append(ends, i+1)
	}
	if c >= 'A' && c <= 'Z' {
		ends = append(ends, i+1)
	}
	isRoman := func(b byte, upper bool) bool {
		if upper {
			return b == 'I' || b == 'V' || b == 'X' || b == 'L' || b == 'C' || b == 'D' || b == 'M'
		}
		return b == 'i' || b == 'v' || b == 'x' || b == 'l' || b == 'c' || b == 'd' || b == 'm'
	}
	for _, upper := range [2]bool{false, true} {
		if isRoman(c, upper) {
			j := i
			for j < len(s) && isRoman(s[j], upper) {
				j++
			}
			for k := j; k > i; k-- {
				ends = append(ends, k)
			}
		}
	}
	if c == '#' {
		ends = append(ends, i+1)
	}
	return ends
}

func matchEnumerator(line string) (enumMatch, bool) {
	// quick rejection: an enumerator is "(" or a short alphanumeric run
	// followed by ")" or "."
	if line == "" {
		return enumMatch{}, false
	}
	if line[0] != '(' {
		i := 0
		for i < len(line) && (isAlnumASCII(line[i]) || line[i] == '#') {
			i++
		}
		if i == 0 || i == len(line) || (line[i] != ')' && line[i] != '.') {
			return enumMatch{}, false
		}
	}
	tail := func(e int) (int, bool) {
		if e == len(line) {
			return e, true
		}
		if line[e] != ' ' {
			return 0, false
		}
		return prefixSpacesEnd(line, e), true
	}
	var buf [16]int
	if line == "" {
		return enumMatch{}, false
	}
	if line[0] == '(' {
		for _, e := range enumTextEnds(line, 1, buf[:0]) {
			if e < len(line) && line[e] == ')' {
				if end, ok := tail(e + 1); ok {
					return enumMatch{format: "parens", text: line[1:e], end: end}, true
				}
			}
		}
	}
	for _, e := range enumTextEnds(line, 0, buf[:0]) {
		if e < len(line) && line[e] == ')' {
			if end, ok := tail(e + 1); ok {
				return enumMatch{format: "rparen", text: line[:e], end: end}, true
			}
		}
	}
	for _, e := range enumTextEnds(line, 0, buf[:0]) {
		if e < len(line) && line[e] == '.' {
			if end, ok := tail(e + 1); ok {
				return enumMatch{format: "period", text: line[:e], end: end}, true
			}
		}
	}
	return enumMatch{}, false
}

// matchEmbeddedDirective matches `(simplename)::( +|$)` at the start.
func matchEmbeddedDirective(line string) (int, bool) {
	r := []rune(line)
	e := simplenameEnd(r, 0)
	if e > 0 && e+1 < len(r) && r[e] == ':' && r[e+1] == ':' {
		if e+2 == len(r) || r[e+2] == ' ' {
			return e, true
		}
	}
	return 0, false
}

// simplenameEnd returns the end (rune index) of the longest match of
// docutils' simplename `(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*` at i, or -1.
// Shorter matches never matter: every construct that follows a simplename
// needs a character there that can only occur at the longest match's end.
// wordNoUnderscore is \w without the underscore.
func wordNoUnderscore(c rune) bool {
	if c < 0x80 {
		return c != '_' && asciiWord[c]
	}
	return isWord(c)
}

func simplenameEnd(r []rune, i int) int {
	if i >= len(r) || !wordNoUnderscore(r[i]) {
		return -1
	}
	j := i
	for {
		for j < len(r) && wordNoUnderscore(r[j]) {
			j++
		}
		if j+1 < len(r) && (r[j] == '-' || r[j] == '.' || r[j] == '_' || r[j] == '+' || r[j] == ':') && wordNoUnderscore(r[j+1]) {
			j++
			continue
		}
		return j
	}
}

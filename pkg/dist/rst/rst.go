// Package rst decides whether a reStructuredText long description renders on
// PyPI, without Python.
//
// PyPI renders descriptions with readme_renderer, which runs docutils with
// halt_level=2: the first system message at WARNING level or above aborts
// the rendering and the upload is refused. Check parses the text the way
// docutils 0.23 does as PyPI runs it (Warehouse pins docutils 0.23 and
// readme_renderer 45.0), with readme_renderer's settings (raw and file
// insertion disabled), and returns that first message.
package rst

import (
	"fmt"
	"strings"
)

// Level is a docutils system-message level.
type Level int

// The docutils system-message levels. Level 0 marks a verdict that is not a
// docutils message (an empty rendering).
const (
	Info    Level = 1
	Warning Level = 2
	Error   Level = 3
	Severe  Level = 4
)

// String returns docutils' name for the level ("WARNING", ...), or "" for
// level 0.
func (l Level) String() string {
	switch l {
	case Info:
		return "INFO"
	case Warning:
		return "WARNING"
	case Error:
		return "ERROR"
	case Severe:
		return "SEVERE"
	}
	return ""
}

// Message is the first problem that makes a description fail to render.
type Message struct {
	// Line is docutils' 1-based line number, 0 when docutils gives none.
	Line int
	// Level is the message level; 0 for an empty rendering.
	Level Level
	// Text is the message as docutils words it (first paragraph only).
	Text string
	// Hint is a short suggestion on the fix (pyup's, not docutils').
	Hint string
}

// Error formats the message as docutils prints it, without the source name:
// "line 3: (WARNING/2) Title underline too short.".
func (m *Message) Error() string {
	if m.Level == 0 {
		if m.Line > 0 {
			return fmt.Sprintf("line %d: %s", m.Line, m.Text)
		}
		return m.Text
	}
	if m.Line > 0 {
		return fmt.Sprintf("line %d: (%s/%d) %s", m.Line, m.Level, int(m.Level), m.Text)
	}
	return fmt.Sprintf("(%s/%d) %s", m.Level, int(m.Level), m.Text)
}

// InternalErrorPrefix starts the Text of a Message reporting a bug in this
// package rather than a docutils verdict.
const InternalErrorPrefix = "internal error in pyup's reStructuredText checker: "

// TooDeepText is the verdict for input nested deeper than docutils can
// parse (it stops with Python's RecursionError).
const TooDeepText = "Nesting too deep: docutils stops with RecursionError (maximum recursion depth exceeded)."

// EmptyText is the verdict for a description that renders to nothing.
const EmptyText = "No content rendered from RST source."

const lineLengthLimit = 10000

// Check returns nil when src renders on PyPI, else the first system message
// at WARNING or above, worded as docutils words it, with its line and a
// short hint on the fix. A description that renders to nothing yields a
// Message with Level 0, Line 0 and Text EmptyText.
func Check(src string) (msg *Message) {
	p := newParser(src)
	defer p.arena.release()
	defer func() {
		if r := recover(); r != nil {
			if h, ok := r.(halt); ok {
				msg = h.msg
				return
			}
			// A bug here must not take the caller down; say so plainly.
			msg = &Message{Level: Severe, Text: fmt.Sprintf("%s%v", InternalErrorPrefix, r),
				Hint: "this is a bug in pyup, please report it; check the description with python -m readme_renderer"}
		}
	}()
	p.parse()
	p.transform()
	if p.rendersEmpty() {
		return &Message{Text: EmptyText, Hint: hintFor(EmptyText)}
	}
	return nil
}

// halt carries the first halting message out of the parser (docutils
// raises SystemMessage at that point).
type halt struct{ msg *Message }

type parser struct {
	lines  []string
	doc    *node
	frames int // Python frames docutils' nested machines stand on (see maxFrames)

	titleStyles  []string
	sectionLevel int
	topMachine   *machine
	curLine      int  // docutils' document.current_line (0: None)
	noSource     bool // docutils' document.current_source is None

	nameids    map[string]*node // nil value: name known but ambiguous
	nametypes  map[string]bool
	ids        map[string]*node
	idCounters map[string]int
	idBuf      []byte

	refnames           map[string][]*node
	indirectTargets    []*node
	autofootnotes      []*node
	autofootnoteRefs   []*node
	symbolFootnotes    []*node
	symbolFootnoteRefs []*node
	footnotes          []*node
	footnoteRefs       map[string][]*node
	citations          []*node
	citationRefs       map[string][]*node
	substDefs          map[string]*node
	substNames         map[string]string
	pendings           []*node

	coll       collected
	inl        inliner
	decoration *node
	arena      *arena

	defaultRole string
	customRoles map[string]*customRole
}

func newParser(src string) *parser {
	a := arenas.Get().(*arena)
	a.lines = splitLines(a.lines[:0], src)
	lines := a.lines
	a.maps(len(lines))
	p := &parser{
		lines:        lines,
		arena:        a,
		nameids:      a.nameids,
		nametypes:    a.nametypes,
		ids:          a.ids,
		refnames:     a.refnames,
		footnoteRefs: map[string][]*node{},
		citationRefs: map[string][]*node{},
		substDefs:    map[string]*node{},
		substNames:   map[string]string{},
		customRoles:  map[string]*customRole{},
	}
	p.doc = p.newNode(kDocument)
	return p
}

func (p *parser) parse() {
	p.doc.attached = true // the document itself has no source: a search reaching it takes the current line
	for i, l := range p.lines {
		if len(l) > lineLengthLimit && runeLen(l) > lineLengthLimit {
			p.report(Error, fmt.Sprintf("Line %d exceeds the line-length-limit.", i+1), 0)
		}
	}
	m := p.newMachine(p.lines, 0, p.doc, true)
	m.frames = 0 // maxFrames counts from the top-level machine's run
	p.topMachine = m
	m.run(sBody)
}

const tooDeepHint = "flatten the nesting: docutils crashes past about 160 nested block quotes or list items, 140 fields or footnotes, 100 directives"

func (p *parser) tooDeep() {
	panic(halt{&Message{Level: Severe, Text: TooDeepText, Hint: tooDeepHint}})
}

// mapLine converts an absolute line number the way docutils' reporter
// does when a message names a line: through the top-level input, where a
// line just past the end is reported as such; for one further, off the
// input, the reporter keeps the number it was given (pyup reports a
// negative one as no line).
func (p *parser) mapLine(line int) int {
	if l, ok := p.inputLine(line); ok {
		return l
	}
	if line < 0 {
		return 0
	}
	return line
}

// inputLine is docutils' get_source_and_line: the line of the top-level
// input that absolute line number line maps to, and false when it falls
// off the input (Python indexes negative offsets from the end).
func (p *parser) inputLine(line int) (int, bool) {
	n := len(p.lines)
	off := line - 1
	if off < 0 {
		off += n
		if off < 0 {
			return 0, false
		}
		return off + 1, true
	}
	if off < n {
		return off + 1, true
	}
	if off == n && n > 0 {
		return n + 1, true
	}
	return 0, false
}

// currentLine is the line docutils attributes to a message that names no
// line and no node: the top-level machine's current line, none when that
// is off the input.
func (p *parser) currentLine() int {
	if p.topMachine == nil {
		return 0
	}
	l, _ := p.inputLine(p.topMachine.absLineNumber())
	return l
}

// report emits a system message at an already-resolved line. Messages at
// WARNING or above halt the parse, as with halt_level=2.
func (p *parser) report(level Level, text string, line int) *node {
	if level >= Warning {
		panic(halt{&Message{Line: line, Level: level, Text: text, Hint: hintFor(text)}})
	}
	n := p.newNode(kSystemMessage)
	n.line = line
	return n
}

func (p *parser) warnAt(text string, line int)  { p.report(Warning, text, p.mapLine(line)) }
func (p *parser) errorAt(text string, line int) { p.report(Error, text, p.mapLine(line)) }

// errorNode reports at the line of n (docutils' base_node).
func (p *parser) errorNode(text string, n *node) { p.report(Error, text, p.baseLine(n)) }

// info records an INFO message as a child of parent, where docutils puts
// it; it matters to transforms that look at siblings.
func (p *parser) info(parent *node, line int) {
	if parent == nil {
		return
	}
	m := p.newNode(kSystemMessage)
	m.line = line
	parent.add(m)
}

func hintFor(text string) string {
	switch {
	case text == EmptyText:
		return "the description has no body text (a lone title is moved out of the body); add a paragraph"
	case strings.HasPrefix(text, "Title underline too short"), strings.HasPrefix(text, "Title overline too short"):
		return "make the underline at least as long as the title text"
	case strings.HasPrefix(text, "Inconsistent title style"):
		return "use the same underline/overline characters for titles of the same level, in the order first used"
	case strings.HasPrefix(text, "Unexpected section title"):
		return "section titles may only appear at the top level, not inside lists, quotes or directives"
	case strings.HasPrefix(text, "Inline ") && strings.Contains(text, "without end-string"):
		return "close the inline markup or escape the character with a backslash"
	case strings.HasPrefix(text, "Unknown target name"):
		return "define the target (.. _name: URL) or escape the trailing underscore (name\\_)"
	case strings.HasPrefix(text, "Duplicate explicit target name"):
		return "give each link a distinct name, or use anonymous links (`text <url>`__)"
	case strings.HasPrefix(text, "Unknown directive type"):
		return "PyPI runs plain docutils: Sphinx directives are not available"
	case strings.HasPrefix(text, "Unknown interpreted text role"):
		return "PyPI runs plain docutils: Sphinx roles such as :ref: are not available"
	case strings.HasPrefix(text, "Undefined substitution referenced"):
		return "define it with .. |name| replace:: ... or escape the bar"
	case strings.Contains(text, "ends without a blank line"):
		return "add a blank line before the text that follows"
	case strings.HasPrefix(text, "Unexpected indentation"):
		return "separate the indented block with a blank line, or align it with the text above"
	case strings.HasPrefix(text, "Literal block expected"):
		return "indent the block after \"::\", or remove the \"::\""
	case strings.HasPrefix(text, "Malformed table"):
		return "check that every row lines up with the table borders"
	case strings.HasPrefix(text, "Anonymous hyperlink mismatch"):
		return "each `text`__ reference needs one __ target, in order"
	case strings.Contains(text, "disabled"):
		return "PyPI disables raw HTML and file inclusion"
	case strings.HasPrefix(text, "Error in \""):
		return "check the directive's arguments, options and content"
	}
	return "fix the reStructuredText at that line; check it with: python -m readme_renderer"
}

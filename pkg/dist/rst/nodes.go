package rst

// kind identifies a document tree element. Only the distinctions the
// verdict depends on are kept: the transforms that can fail a description
// look at element classes (invisible, targetable, inline, ...) and at a
// handful of attributes, never at rendered output.
type kind uint8

const (
	kText kind = iota
	kDocument
	kSection
	kTitle
	kSubtitle
	kParagraph
	kBulletList
	kEnumList
	kListItem
	kDefList
	kDefListItem
	kTerm
	kClassifier
	kDefinition
	kFieldList
	kField
	kFieldName
	kFieldBody
	kOptionList
	kOptionListItem
	kLiteralBlock
	kDoctestBlock
	kLineBlock
	kLine
	kBlockQuote
	kAttribution
	kTable
	kEntry
	kComment
	kSubstDef
	kTarget
	kFootnote
	kCitation
	kLabel
	kTransition
	kSystemMessage
	kPending
	kBodyElement // any other visible body element made by a directive
	kTopic
	kSidebar
	kRubric
	kImage
	kFigure
	kMeta
	kDocinfo
	kElement    // a detached container (nested parse scratch)
	kDecoration // header and footer: outside the rendered fragment
	// inline elements
	kEmphasis
	kStrong
	kLiteral
	kReference
	kFootnoteRef
	kCitationRef
	kSubstRef
	kInline // other inline (title_reference, abbreviation, math, ...)
	kProblematic
	kRaw
)

// node is an element of the document tree.
type node struct {
	parent   *node
	children []*node
	line     int    // source line (0: unknown)
	text     string // kText value, or an element's raw text when useful

	ext   *nodeExt
	alloc *parser // the parser whose slabs this node came from

	kind     kind
	attached bool // set once attached to the document (docutils' node.document)
	sourced  bool // docutils' node.source is set: a message climbing to it stops
	inline   bool
	promoted bool // a section turned into the document title or a subtitle
	replaced bool
}

// nodeExt holds the attributes few elements use.
type nodeExt struct {
	names    []string
	dupnames []string
	ids      []string

	refname string
	refuri  string
	refid   string

	rawsource string
	origin    *node // substitution reference that produced this one

	enumtype  string
	fieldBody []string
	cols      int

	// pending transforms
	pendingDirective string

	bullet rune
	auto   int8 // footnotes & references: 1 = numbered, 2 = symbol

	hasRefname       bool
	hasRefuri        bool
	hasRefid         bool
	anonymous        bool
	resolved         bool
	referenced       bool
	contents         bool
	multiplyIndirect bool
	pendingClass     bool
}

// x returns n's rarely used attributes, allocating them on first use.
func (n *node) x() *nodeExt {
	if n.ext == nil {
		if n.alloc != nil {
			n.ext = n.alloc.newExt()
		} else {
			n.ext = &nodeExt{}
		}
	}
	return n.ext
}

// Chunk sizes of the arena's slabs, in elements.
const (
	nodeChunk = 512
	extChunk  = 128
	ptrChunk  = 2048
)

// newExt cuts a nodeExt from the arena.
func (p *parser) newExt() *nodeExt { return p.arena.exts.one(extChunk) }

// newNode cuts an element from the arena: one allocation per few hundred
// elements, and none once the arena has been used before.
func (p *parser) newNode(k kind) *node {
	n := p.arena.nodes.one(nodeChunk)
	n.kind = k
	n.alloc = p
	return n
}

// childSlice returns an empty slice with room for a few children, cut
// from the arena.
func (p *parser) childSlice() []*node {
	return p.arena.ptrs.slice(4, ptrChunk)
}

func (p *parser) textNode(s string) *node {
	n := p.newNode(kText)
	n.text = s
	return n
}

// add appends children. As in docutils' setup_child, a child appended to
// a node attached to the document becomes attached and, if it has no line
// yet, takes the line the parser is currently on.
func (n *node) add(children ...*node) {
	for _, c := range children {
		if c == nil {
			continue
		}
		c.parent = n
		if n.attached {
			c.attached = true
			if !n.alloc.noSource {
				c.sourced = true
			}
			if c.line == 0 {
				c.line = n.alloc.curLine
			}
		}
		if n.children == nil && n.alloc != nil {
			n.children = n.alloc.childSlice()
		}
		n.children = append(n.children, c)
	}
}

// addDetached appends a child the way docutils builds inline content: into
// an element not yet attached, so the child gets no line of its own.
func (n *node) addDetached(c *node) {
	if c == nil {
		return
	}
	c.parent = n
	if n.children == nil && n.alloc != nil {
		n.children = n.alloc.childSlice()
	}
	n.children = append(n.children, c)
}

func (n *node) index(c *node) int {
	for i, x := range n.children {
		if x == c {
			return i
		}
	}
	return -1
}

func (n *node) insert(i int, c *node) {
	c.parent = n
	n.children = append(n.children, nil)
	copy(n.children[i+1:], n.children[i:])
	n.children[i] = c
}

func (n *node) remove(c *node) {
	i := n.index(c)
	if i >= 0 {
		n.children = append(n.children[:i], n.children[i+1:]...)
	}
}

// replaceSelf puts nodes in n's place in its parent.
func (n *node) replaceSelf(repl ...*node) {
	p := n.parent
	if p == nil {
		return
	}
	i := p.index(n)
	if i < 0 {
		return
	}
	rest := append([]*node{}, p.children[i+1:]...)
	p.children = p.children[:i]
	for _, r := range repl {
		r.parent = p
		p.children = append(p.children, r)
	}
	p.children = append(p.children, rest...)
}

func (n *node) isInline() bool {
	switch n.kind {
	case kText, kEmphasis, kStrong, kLiteral, kReference, kFootnoteRef,
		kCitationRef, kSubstRef, kInline, kProblematic, kRaw, kTarget, kImage:
		return true
	}
	return false
}

func (n *node) isInvisible() bool {
	switch n.kind {
	case kComment, kSubstDef, kTarget, kPending:
		return true
	}
	return false
}

func (n *node) isTargetable() bool {
	switch n.kind {
	case kTarget, kFootnote, kCitation:
		return true
	}
	return false
}

// isPreBibliographic mirrors docutils' PreBibliographic class.
func (n *node) isPreBibliographic() bool {
	switch n.kind {
	case kTitle, kSubtitle, kMeta, kSystemMessage, kRaw, kDecoration:
		return true
	}
	return n.isInvisible()
}

func (n *node) isTextElement() bool {
	switch n.kind {
	case kParagraph, kTitle, kSubtitle, kTerm, kClassifier, kFieldName, kLiteralBlock,
		kDoctestBlock, kLine, kAttribution, kComment, kSubstDef, kLabel, kRubric,
		kEmphasis, kStrong, kLiteral, kReference, kFootnoteRef, kCitationRef, kSubstRef,
		kInline, kProblematic, kRaw, kTarget:
		return true
	}
	return false
}

// walk calls f on n and its descendants in document order.
func (n *node) walk(f func(*node)) {
	f(n)
	for i := 0; i < len(n.children); i++ {
		n.children[i].walk(f)
	}
}

// findAll lists n's descendants (and n) of kind k in document order.
func (n *node) findAll(k kind) []*node {
	var out []*node
	n.walk(func(c *node) {
		if c.kind == k {
			out = append(out, c)
		}
	})
	return out
}

// astext is the plain text of n.
func (n *node) astext() string {
	if n.kind == kText {
		return unescape(n.text)
	}
	if len(n.children) == 1 {
		return n.children[0].astext()
	}
	var b []byte
	for _, c := range n.children {
		b = append(b, c.astext()...)
	}
	return string(b)
}

// sourceLine walks up the tree to the nearest element that knows its line.
func (n *node) sourceLine() int {
	for x := n; x != nil; x = x.parent {
		if x.line != 0 {
			return x.line
		}
		if x.kind == kDocument {
			return 0
		}
	}
	return 0
}

// nextNodeAscend is docutils' node.next_node(ascend=True): the first node
// after n in document order that is not one of n's descendants... starting
// with n's children when descend is true.
func (n *node) nextNodeAscend(descend bool) *node {
	if descend && len(n.children) > 0 {
		return n.children[0]
	}
	for x := n; x.parent != nil; x = x.parent {
		p := x.parent
		i := p.index(x)
		if i+1 < len(p.children) {
			return p.children[i+1]
		}
	}
	return nil
}

func (n *node) deepcopy() *node {
	var c *node
	if n.alloc != nil {
		c = n.alloc.arena.nodes.one(nodeChunk)
	} else {
		c = new(node)
	}
	*c = *n
	if n.ext != nil {
		var e *nodeExt
		if n.alloc != nil {
			e = n.alloc.newExt()
		} else {
			e = new(nodeExt)
		}
		*e = *n.ext
		e.names = append([]string(nil), n.ext.names...)
		e.ids = append([]string(nil), n.ext.ids...)
		e.dupnames = append([]string(nil), n.ext.dupnames...)
		c.ext = e
	}
	c.children = nil
	for _, ch := range n.children {
		c.addDetached(ch.deepcopy())
	}
	return c
}

package rst

import (
	"fmt"
	"strconv"
	"strings"
)

// ---- document bookkeeping (docutils' document.note_* methods) ----

// idPrefix is readme_renderer 45's id_prefix setting.
const idPrefix = "user-content-"

// setID is docutils 0.23's document.set_id and create_id, with
// readme_renderer's id_prefix and docutils' auto_id_prefix "%".
func (p *parser) setID(n *node) string {
	if n.ext != nil && len(n.ext.ids) > 0 {
		return n.ext.ids[0]
	}
	base, id := "", ""
	found := false
	for _, name := range n.x().names {
		base = makeIDFrom(name, true) // leading digits stay
		id = idPrefix + base
		if _, taken := p.ids[id]; base != "" && !taken {
			found = true
			break
		}
	}
	if !found {
		var prefix string
		switch {
		case base != "":
			prefix = id + "-"
		case len(n.x().dupnames) > 0 && makeID(n.x().dupnames[0]) != "":
			prefix = makeID(n.x().dupnames[0]) + "-"
		default:
			prefix = autoIDPrefix(n.kind)
		}
		if p.idCounters == nil {
			p.idCounters = map[string]int{}
		}
		for {
			c := p.idCounters[prefix] + 1
			p.idCounters[prefix] = c
			p.idBuf = strconv.AppendInt(append(p.idBuf[:0], prefix...), int64(c), 10)
			id = string(p.idBuf)
			if _, taken := p.ids[id]; !taken {
				break
			}
		}
	}
	n.x().ids = append(n.x().ids, id)
	p.ids[id] = n
	return id
}

// baseLine is the line docutils gives a message about node n: that of
// the nearest element, from n up, that has a line; an attached element
// without one stops the search (no line); a detached subtree falls back to
// the current line.
func (p *parser) baseLine(n *node) int {
	for x := n; x != nil; x = x.parent {
		if x.line != 0 {
			return x.line
		}
		if x.sourced {
			return 0
		}
	}
	return p.currentLine()
}

// autoIDPrefix is the prefix of the ids docutils numbers for a kind.
func autoIDPrefix(k kind) string {
	switch k {
	case kFootnote:
		return idPrefix + "footnote-"
	case kFootnoteRef:
		return idPrefix + "footnote-reference-"
	case kTarget:
		return idPrefix + "target-"
	case kSection:
		return idPrefix + "section-"
	}
	return idPrefix + tagPrefix(k) + "-"
}

func tagPrefix(k kind) string {
	switch k {
	case kTarget:
		return "target"
	case kFootnote:
		return "footnote"
	case kFootnoteRef:
		return "footnote-reference"
	case kCitation:
		return "citation"
	case kCitationRef:
		return "citation-reference"
	case kSection:
		return "section"
	case kTopic:
		return "topic"
	case kImage:
		return "image"
	case kTable:
		return "table"
	case kFigure:
		return "figure"
	case kLiteralBlock:
		return "literal-block"
	case kRubric:
		return "rubric"
	case kSidebar:
		return "sidebar"
	case kLineBlock:
		return "line-block"
	}
	return "id"
}

// noteImplicitTarget registers n's names, then gives it an id (docutils
// 0.23 order: a name n loses to a duplicate does not name its id).
func (p *parser) noteImplicitTarget(n, msgnode *node) {
	p.setNameIDMap(n, msgnode, false)
	p.setID(n)
}

func (p *parser) noteExplicitTarget(n, msgnode *node) {
	p.setNameIDMap(n, msgnode, true)
	p.setID(n)
}

func (p *parser) setNameIDMap(n, msgnode *node, explicit bool) {
	// dupname replaces n's names rather than editing them: ranging over
	// the current slice is safe
	for _, name := range n.x().names {
		if old, known := p.nameids[name]; known && old != n {
			p.setDuplicateNameID(n, name, msgnode, explicit)
		} else {
			p.nameids[name] = n
			p.nametypes[name] = explicit
		}
	}
}

func dupname(n *node, name string) {
	n.x().dupnames = append(n.x().dupnames, name)
	for i, x := range n.x().names {
		if x == name {
			n.x().names = append(n.x().names[:i:i], n.x().names[i+1:]...)
			break
		}
	}
	n.x().referenced = true
}

// setDuplicateNameID is docutils 0.23's document.set_duplicate_name: it
// handles a name n shares with an earlier element.
func (p *parser) setDuplicateNameID(n *node, name string, msgnode *node, explicit bool) {
	old := p.nameids[name]
	oldExplicit := p.nametypes[name]
	p.nametypes[name] = oldExplicit || explicit
	level := Level(0)
	text := ""
	switch {
	case old != nil && (n.x().hasRefname && old.x().hasRefname && n.x().refname == old.x().refname ||
		n.x().hasRefuri && old.x().hasRefuri && n.x().refuri == old.x().refuri):
		// indirect targets with the same reference: keep the old one
		level = Info
		dupname(n, name)
	case explicit && oldExplicit:
		level = Warning
		text = fmt.Sprintf("Duplicate explicit target name: \"%s\".", name)
		dupname(n, name)
		if old != nil {
			dupname(old, name)
			p.nameids[name] = nil
		}
	case explicit:
		p.nameids[name] = n
		if old != nil {
			level = Info
			dupname(old, name)
		}
	default:
		level = Info
		dupname(n, name)
		if old != nil && !oldExplicit {
			dupname(old, name)
			p.nameids[name] = nil
			p.setID(old)
		}
	}
	if level != 0 && !(n.kind == kTarget && len(n.children) == 0) {
		p.setID(n) // the message's backref
	}
	if level == Warning {
		p.report(level, text, p.baseLine(n))
	}
	if level != 0 {
		p.info(msgnode, 0)
	}
}

func (p *parser) noteRefname(n *node) {
	p.refnames[n.x().refname] = append(p.refnames[n.x().refname], n)
}

func (p *parser) noteSubstitutionDef(sd *node, defName string) {
	name := whitespaceNormalizeName(defName)
	if old, ok := p.substDefs[name]; ok {
		p.errorNode(fmt.Sprintf("Duplicate substitution definition name: \"%s\".", name), sd)
		_ = old
	}
	p.substDefs[name] = sd
	p.substNames[fullyNormalizeName(name)] = name
}

// ---- transforms, in docutils' priority order ----

// collected lists nodes of interest in document order.
type collected struct {
	substRefs, targets, sections, comments, topics []*node
	anonRefs, anonTargets, transitions, refs       []*node
}

func (p *parser) collectEarly() {
	c := &p.coll
	p.doc.walk(func(n *node) {
		switch n.kind {
		case kSubstRef:
			c.substRefs = append(c.substRefs, n)
		case kTarget:
			c.targets = append(c.targets, n)
		case kSection:
			c.sections = append(c.sections, n)
		case kComment:
			c.comments = append(c.comments, n)
		case kTopic:
			c.topics = append(c.topics, n)
		}
	})
}

func (p *parser) collectLate() {
	c := &p.coll
	p.doc.walk(func(n *node) {
		switch n.kind {
		case kReference:
			if n.x().anonymous {
				c.anonRefs = append(c.anonRefs, n)
			}
			c.refs = append(c.refs, n)
		case kFootnoteRef, kCitationRef:
			c.refs = append(c.refs, n)
		case kTarget:
			if n.x().anonymous {
				c.anonTargets = append(c.anonTargets, n)
			}
		case kTransition:
			c.transitions = append(c.transitions, n)
		}
	})
}

func (p *parser) transform() {
	p.collectEarly()
	p.classAttribute()   // 210
	p.substitutions()    // 220
	p.propagateTargets() // 260
	p.docTitle()         // 320, 350
	p.docInfo()          // 340
	p.collectLate()
	p.anonymousHyperlinks()
	p.indirectHyperlinks()
	p.footnoteTransform()
	p.contentsTransform()  // 720
	p.stripComments()      // 740
	p.transitions()        // 830
	p.danglingReferences() // 850
}

func (p *parser) classAttribute() {
	for _, pending := range p.pendings {
		if pending.parent == nil {
			continue
		}
		parent := pending.parent
		child := pending
		found := false
		for parent != nil && !found {
			i := parent.index(child)
			for _, el := range parent.children[i+1:] {
				if el.isInvisible() || el.kind == kSystemMessage {
					continue
				}
				found = true
				break
			}
			if !found {
				child = parent
				parent = parent.parent
			}
		}
		if found {
			pending.parent.remove(pending)
			continue
		}
		// line=pending.line: when the pending node has none, the
		// reporter takes the current line
		line := pending.line
		if line == 0 {
			line = p.currentLine()
		}
		p.report(Error, fmt.Sprintf("No suitable element following \"%s\" directive", pending.x().pendingDirective), line)
	}
}

func (p *parser) substitutions() {
	refs := p.coll.substRefs
	nested := map[string][]string{}
	for i := 0; i < len(refs); i++ {
		ref := refs[i]
		key := ""
		if _, ok := p.substDefs[ref.x().refname]; ok {
			key = ref.x().refname
		} else if k, ok := p.substNames[lower(ref.x().refname)]; ok {
			key = k
		}
		if key == "" {
			p.report(Error, fmt.Sprintf("Undefined substitution referenced: \"%s\".", ref.x().refname), p.baseLine(ref))
		}
		def := p.substDefs[key]
		cp := def.deepcopy()
		circular := false
		for _, nref := range cp.findAll(kSubstRef) {
			nestedName := p.substNames[lower(nref.x().refname)]
			for _, x := range nested[nestedName] {
				if x == nestedName {
					circular = true
				}
			}
			if circular {
				break
			}
			nested[nestedName] = append(nested[nestedName], key)
			nref.x().origin = ref
			refs = append(refs, nref)
		}
		if circular {
			if ref.parent != nil && ref.parent.kind == kSubstDef {
				p.report(Error, "Circular substitution definition detected:", p.baseLine(ref.parent))
			}
			origin := ref
			for origin.x().origin != nil {
				origin = origin.x().origin
			}
			p.report(Error, fmt.Sprintf("Circular substitution definition referenced: \"%s\".", ref.x().refname), p.baseLine(origin))
		}
		children := cp.children
		ref.replaceSelf(children...)
		for _, c := range children {
			if (c.kind == kReference || c.kind == kFootnoteRef || c.kind == kCitationRef) && c.x().hasRefname {
				p.noteRefname(c)
			}
		}
	}
}

func lower(s string) string { return fullyNormalizeName(s) }

func (p *parser) propagateTargets() {
	for _, t := range p.coll.targets {
		if t.inline || t.x().hasRefid || t.x().hasRefuri || t.x().hasRefname || (t.parent != nil && t.parent.isTextElement()) {
			continue
		}
		next := t.nextNodeAscend(true)
		for next != nil && next.kind == kSystemMessage {
			next = next.nextNodeAscend(false)
		}
		if next == nil || ((next.isInvisible() || next.isTargetable()) && next.kind != kTarget) {
			continue
		}
		next.x().ids = append(next.x().ids, t.x().ids...)
		next.x().names = append(next.x().names, t.x().names...)
		for _, id := range t.x().ids {
			p.ids[id] = next
		}
		if len(t.x().ids) > 0 {
			t.x().refid = t.x().ids[0]
			t.x().hasRefid = true
		}
		t.x().ids = nil
		t.x().names = nil
	}
}

// candidateIndex is TitlePromoter.candidate_index.
func candidateIndex(n *node) int {
	idx := -1
	for i, c := range n.children {
		if !c.isPreBibliographic() {
			idx = i
			break
		}
	}
	if idx < 0 || len(n.children) > idx+1 || n.children[idx].kind != kSection {
		return -1
	}
	return idx
}

func (p *parser) promoteSubtitle(n *node) {
	idx := candidateIndex(n)
	if idx < 0 {
		return
	}
	sub := n.children[idx]
	sub.promoted = true
	st := p.newNode(kSubtitle)
	st.x().names = sub.x().names
	st.x().ids = sub.x().ids
	if len(sub.children) > 0 {
		for _, c := range sub.children[0].children {
			st.add(c)
		}
	}
	for _, id := range sub.x().ids {
		p.ids[id] = st
	}
	var children []*node
	children = append(children, n.children[0], st)
	children = append(children, n.children[1:idx]...)
	if len(sub.children) > 1 {
		children = append(children, sub.children[1:]...)
	}
	n.children = nil
	n.add(children...)
}

func (p *parser) docTitle() {
	idx := candidateIndex(p.doc)
	if idx >= 0 {
		sec := p.doc.children[idx]
		sec.promoted = true
		p.doc.x().names = append(p.doc.x().names, sec.x().names...)
		p.doc.x().ids = append(p.doc.x().ids, sec.x().ids...)
		for _, id := range sec.x().ids {
			p.ids[id] = p.doc
		}
		var children []*node
		if len(sec.children) > 0 {
			children = append(children, sec.children[0])
		}
		children = append(children, p.doc.children[:idx]...)
		if len(sec.children) > 1 {
			children = append(children, sec.children[1:]...)
		}
		p.doc.children = nil
		p.doc.add(children...)
		p.promoteSubtitle(p.doc)
	}
	for _, sec := range p.coll.sections {
		if !sec.promoted {
			p.promoteSubtitle(sec)
		}
	}
}

func (p *parser) anonymousHyperlinks() {
	refs, targets := p.coll.anonRefs, p.coll.anonTargets
	if len(refs) != len(targets) {
		p.report(Error, fmt.Sprintf("Anonymous hyperlink mismatch: %d references but %d targets.\nSee \"backrefs\" attribute for IDs.", len(refs), len(targets)), p.currentLine())
	}
	for i, ref := range refs {
		t := targets[i]
		t.x().referenced = true
		for guard := 0; guard < 1000; guard++ {
			if t.x().hasRefuri {
				ref.x().refuri = t.x().refuri
				ref.x().hasRefuri = true
				ref.x().resolved = true
				break
			}
			if len(t.x().ids) == 0 && t.x().hasRefid {
				if nt, ok := p.ids[t.x().refid]; ok && nt != t {
					t = nt
					continue
				}
			}
			if len(t.x().ids) > 0 {
				ref.x().refid = t.x().ids[0]
				ref.x().hasRefid = true
			}
			break
		}
	}
}

func (p *parser) indirectHyperlinks() {
	for _, t := range p.indirectTargets {
		if !t.x().resolved {
			p.resolveIndirectTarget(t, 0)
		}
		p.resolveIndirectReferences(t, 0)
	}
}

func (p *parser) resolveIndirectTarget(t *node, depth int) {
	if depth > 1000 {
		return
	}
	var reftarget *node
	if !t.x().hasRefname {
		reftarget = p.ids[t.x().refid]
	} else {
		rt, known := p.nameids[t.x().refname]
		if rt == nil {
			_ = known
			p.nonexistentIndirectTarget(t)
			return
		}
		reftarget = rt
	}
	if reftarget == nil {
		return
	}
	reftarget.x().referenced = true
	if reftarget.kind == kTarget && !reftarget.x().resolved && reftarget.x().hasRefname {
		if t.x().multiplyIndirect {
			p.indirectTargetError(t, "forming a circular reference")
			return
		}
		t.x().multiplyIndirect = true
		p.resolveIndirectTarget(reftarget, depth+1)
		t.x().multiplyIndirect = false
	}
	switch {
	case reftarget.x().hasRefuri:
		t.x().refuri = reftarget.x().refuri
		t.x().hasRefuri = true
		t.x().hasRefid = false
	case reftarget.x().hasRefid:
		t.x().refid = reftarget.x().refid
		t.x().hasRefid = true
	default:
		if len(reftarget.x().ids) > 0 {
			t.x().refid = reftarget.x().ids[0]
			t.x().hasRefid = true
		} else {
			p.nonexistentIndirectTarget(t)
			return
		}
	}
	t.x().hasRefname = false
	t.x().resolved = true
}

func (p *parser) nonexistentIndirectTarget(t *node) {
	if _, ok := p.nameids[t.x().refname]; ok {
		p.indirectTargetError(t, "which is a duplicate, and cannot be used as a unique reference")
	}
	p.indirectTargetError(t, "which does not exist")
}

func (p *parser) indirectTargetError(t *node, explanation string) {
	naming := ""
	if len(t.x().names) > 0 {
		naming = fmt.Sprintf("\"%s\" ", t.x().names[0])
	}
	if len(t.x().ids) > 0 {
		naming += fmt.Sprintf("(id=\"%s\")", t.x().ids[0])
	}
	p.report(Error, fmt.Sprintf("Indirect hyperlink target %s refers to target \"%s\", %s.", naming, t.x().refname, explanation), p.baseLine(t))
}

func (p *parser) resolveIndirectReferences(t *node, depth int) {
	if depth > 1000 {
		return
	}
	var isRefid bool
	var val string
	switch {
	case t.x().hasRefid:
		isRefid, val = true, t.x().refid
	case t.x().hasRefuri:
		val = t.x().refuri
	default:
		return
	}
	for _, name := range t.x().names {
		reflist := p.refnames[name]
		if len(reflist) > 0 {
			t.x().referenced = true
		}
		for _, ref := range reflist {
			if ref.x().resolved {
				continue
			}
			ref.x().hasRefname = false
			if isRefid {
				ref.x().refid, ref.x().hasRefid = val, true
			} else {
				ref.x().refuri, ref.x().hasRefuri = val, true
			}
			ref.x().resolved = true
			if ref.kind == kTarget {
				p.resolveIndirectReferences(ref, depth+1)
			}
		}
	}
}

var footnoteSymbols = []string{"*", "\u2020", "\u2021", "\u00a7", "\u00b6", "#", "\u2660", "\u2665", "\u2666", "\u2663"}

func (p *parser) footnoteTransform() {
	var labels []string
	start := 1
	for _, fn := range p.autofootnotes {
		var label string
		for {
			label = strconv.Itoa(start)
			start++
			if _, taken := p.nameids[label]; !taken {
				break
			}
		}
		for _, name := range fn.x().names {
			for _, ref := range p.footnoteRefs[name] {
				ref.x().hasRefname = false
				if len(fn.x().ids) > 0 {
					ref.x().refid, ref.x().hasRefid = fn.x().ids[0], true
				}
				ref.x().resolved = true
			}
		}
		if len(fn.x().names) == 0 && len(fn.x().dupnames) == 0 {
			fn.x().names = append(fn.x().names, label)
			p.noteExplicitTarget(fn, fn)
			labels = append(labels, label)
		}
	}
	i := 0
	for _, ref := range p.autofootnoteRefs {
		if ref.x().resolved || ref.x().hasRefid {
			continue
		}
		if i >= len(labels) {
			plural := ""
			if len(labels) > 1 {
				plural = "s"
			}
			p.report(Error, fmt.Sprintf("Too many autonumbered footnote references: only %d corresponding footnote%s available.", len(labels), plural), p.baseLine(ref))
		}
		ref.x().refid, ref.x().hasRefid = "", true
		ref.x().resolved = true
		i++
	}
	for k, ref := range p.symbolFootnoteRefs {
		if k >= len(p.symbolFootnotes) {
			p.report(Error, fmt.Sprintf("Too many symbol footnote references: only %d corresponding footnotes available.", len(p.symbolFootnotes)), p.baseLine(ref))
		}
		ref.x().hasRefid = true
	}
	for _, fn := range p.footnotes {
		for _, name := range fn.x().names {
			for _, ref := range p.footnoteRefs[name] {
				if !ref.x().resolved {
					ref.x().hasRefname = false
					ref.x().hasRefid = true
					ref.x().resolved = true
				}
			}
		}
	}
	for _, c := range p.citations {
		for _, name := range c.x().names {
			for _, ref := range p.citationRefs[name] {
				if !ref.x().resolved {
					ref.x().hasRefname = false
					ref.x().hasRefid = true
					ref.x().resolved = true
				}
			}
		}
	}
}

// transitionIgnored reports whether docutils 0.23 skips n when it looks
// for what precedes or follows a transition (nodes.transition
// .ignored_siblings: titles, moving and invisible elements but comments).
func transitionIgnored(n *node) bool {
	switch n.kind {
	case kDecoration, kMeta, kPending, kSubstDef, kSubtitle, kTarget, kTitle:
		return true
	}
	return false
}

// transitions is docutils 0.23's misc.Transitions: a transition may not
// begin or end a section or the document (titles, targets and substitution
// definitions aside), nor follow another one; one that ends a section moves
// up the tree.
func (p *parser) transitions() {
	for _, t := range p.coll.transitions {
		parent := t.parent
		if parent == nil {
			continue
		}
		idx := parent.index(t)
		follows := idx > 0 && parent.children[idx-1].kind == kTransition
		begins, ends := true, true
		for _, c := range parent.children[:idx] {
			if !transitionIgnored(c) {
				begins = false
				break
			}
		}
		for _, c := range parent.children[idx+1:] {
			if !transitionIgnored(c) {
				ends = false
				break
			}
		}
		if ends {
			sibling := parent
			moved := false
			for sibling.parent != nil {
				up := sibling.parent
				i := up.index(sibling)
				if i < len(up.children)-1 {
					t.parent.remove(t)
					up.insert(i+1, t)
					moved = true
					break
				}
				sibling = up
			}
			if !moved {
				p.report(Warning, "Transition at the end of the document.", p.mapLine(t.line))
			}
		}
		if begins {
			where := "document"
			if t.parent != nil && t.parent.kind == kSection {
				where = "section"
			}
			p.report(Warning, "Transition at the start of the "+where+".", t.line)
		} else if follows {
			p.report(Warning, "At least one body element should separate transitions.", t.line)
		}
	}
}

func (p *parser) danglingReferences() {
	for _, n := range p.coll.refs {
		if n.x().resolved || !n.x().hasRefname || n.replaced {
			continue
		}
		t, known := p.nameids[n.x().refname]
		if t == nil {
			if known {
				p.report(Error, fmt.Sprintf("Duplicate target name, cannot be used as a unique reference: \"%s\".", n.x().refname), p.baseLine(n))
			}
			p.report(Error, fmt.Sprintf("Unknown target name: \"%s\".", n.x().refname), p.baseLine(n))
		}
		n.x().resolved = true
	}
}

var biblioFields = map[string]bool{"author": true, "authors": true, "organization": true, "address": true,
	"contact": true, "version": true, "revision": true, "status": true, "date": true, "copyright": true,
	"dedication": true, "abstract": true}

func (p *parser) docInfo() {
	var candidate *node
	for _, c := range p.doc.children {
		if !c.isPreBibliographic() {
			candidate = c
			break
		}
	}
	if candidate == nil || candidate.kind != kFieldList {
		return
	}
	// the field list becomes docutils' docinfo element, which has neither
	// a line nor a source
	candidate.line, candidate.sourced = 0, false
	topics := map[string]bool{}
	for _, f := range candidate.children {
		if f.kind != kField || len(f.children) < 2 {
			continue
		}
		name := f.children[0].astext()
		normed := fullyNormalizeName(name)
		body := f.children[len(f.children)-1]
		if len(f.children) != 2 || !biblioFields[normed] {
			continue
		}
		if len(body.children) < 1 {
			p.report(Warning, fmt.Sprintf("Cannot extract empty bibliographic field \"%s\".", name), p.baseLine(f))
		}
		switch normed {
		case "authors":
			if !authorsExtractable(body) {
				p.report(Warning, fmt.Sprintf("Cannot extract \"%[1]s\" from bibliographic field:\n"+
					"Bibliographic field \"%[1]s\" must contain either\n"+
					" a single paragraph (with author names separated by a character from the set \";,\"),\n"+
					" multiple paragraphs (one per author),\n"+
					" or a bullet list with one author name per item.\n"+
					"Note: Leading initials can cause (mis)recognizing names as enumerated list.", name), p.baseLine(f))
			}
			// docutils rebuilds the authors: one paragraph keeps only its
			// text; otherwise the inline content moves into new elements
			// that have no line
			if len(body.children) == 1 && body.children[0].kind == kParagraph {
				body.children[0].children = nil
			} else if len(body.children) == 1 {
				for _, item := range body.children[0].children {
					for _, c := range item.children {
						c.line = 0
						c.attached, c.sourced = true, true
					}
				}
			} else {
				for _, c := range body.children {
					c.line = 0
					c.attached, c.sourced = true, true
				}
			}
		case "dedication", "abstract":
			if topics[normed] {
				p.report(Warning, fmt.Sprintf("There can only be one \"%s\" field.", name), p.baseLine(f))
			}
			topics[normed] = true
		default:
			p.checkCompoundBiblioField(f, body, name)
			// the paragraph's content moves into a new docinfo element,
			// without a line or a source, that takes the field's place
			for _, x := range []*node{f, body, body.children[0]} {
				x.line, x.sourced = 0, false
			}
		}
		// extracted: the field name (and any reference in it) leaves the tree
		f.children[0].children = nil
	}
}

// checkCompoundBiblioField is docutils 0.23's check of a one-paragraph
// bibliographic field. A one-line body read as an enumerated list (an
// initial: "E. Xampl") is parsed again, escaped, as a paragraph.
func (p *parser) checkCompoundBiblioField(f, body *node, name string) {
	if len(body.children) == 1 && body.children[0].kind == kParagraph {
		return
	}
	if body.children[0].kind == kEnumList && !strings.Contains(strip(strings.Join(f.x().fieldBody, "\n")), "\n") {
		para := p.newNode(kParagraph)
		for _, item := range body.children[0].children {
			for _, c := range item.children {
				para.children = append(para.children, c.children...)
			}
		}
		for _, c := range para.children {
			c.parent = para
		}
		body.children = nil
		body.add(para)
		return
	}
	var content []string
	for _, c := range body.children {
		if c.kind != kSystemMessage {
			content = append(content, "<"+bodyTagName(c)+">")
		}
	}
	what := ""
	if len(content) > 1 {
		what = "[" + strings.Join(content, ", ") + "]"
	} else if len(content) == 1 {
		what = "a " + content[0]
	}
	p.report(Warning, fmt.Sprintf("Bibliographic field \"%s\"\nmust contain a single <paragraph>, not %s.", name, what), p.baseLine(f))
}

// bodyTagName is docutils' tag name for a body element.
func bodyTagName(n *node) string {
	switch n.kind {
	case kParagraph:
		return "paragraph"
	case kBulletList:
		return "bullet_list"
	case kEnumList:
		return "enumerated_list"
	case kDefList:
		return "definition_list"
	case kFieldList:
		return "field_list"
	case kOptionList:
		return "option_list"
	case kLiteralBlock:
		return "literal_block"
	case kDoctestBlock:
		return "doctest_block"
	case kLineBlock:
		return "line_block"
	case kBlockQuote:
		return "block_quote"
	case kTable:
		return "table"
	case kComment:
		return "comment"
	case kSubstDef:
		return "substitution_definition"
	case kTarget:
		return "target"
	case kFootnote:
		return "footnote"
	case kCitation:
		return "citation"
	case kTransition:
		return "transition"
	case kTopic:
		return "topic"
	case kSidebar:
		return "sidebar"
	case kRubric:
		return "rubric"
	case kImage:
		return "image"
	case kFigure:
		return "figure"
	case kPending:
		return "pending"
	}
	return "container"
}

func authorsExtractable(body *node) bool {
	if len(body.children) == 1 {
		c := body.children[0]
		switch c.kind {
		case kParagraph:
			text := ""
			for _, t := range c.findAll(kText) {
				text += t.text
			}
			if text == "" {
				return false
			}
			for _, sep := range []string{";", ","} {
				parts := strings.Split(text, sep)
				if len(parts) > 1 {
					for _, part := range parts {
						if strip(part) != "" {
							return true
						}
					}
					return false
				}
			}
			return strip(text) != ""
		case kBulletList:
			n := 0
			for _, item := range c.children {
				if item.kind == kComment {
					continue
				}
				if len(item.children) != 1 || item.children[0].kind != kParagraph {
					return false
				}
				n++
			}
			return n > 0
		}
		return false
	}
	n := 0
	for _, c := range body.children {
		if c.kind != kParagraph && c.kind != kComment {
			return false
		}
		if c.kind == kParagraph && len(c.children) > 0 {
			n++
		}
	}
	return n > 0
}

// contentsTransform drops table-of-contents topics that find no sections.
func (p *parser) contentsTransform() {
	// it runs after the title transform: a section promoted to the
	// document title or subtitle is no longer a section
	for _, sec := range p.coll.sections {
		if !sec.promoted {
			return
		}
	}
	for _, t := range p.coll.topics {
		if t.x().contents && t.parent != nil {
			t.parent.remove(t)
		}
	}
}

func (p *parser) stripComments() {
	for _, c := range p.coll.comments {
		if c.parent != nil {
			c.parent.remove(c)
		}
	}
}

// rendersEmpty reports whether the HTML fragment readme_renderer keeps
// (docinfo + body, without the document title and subtitle) is empty.
func (p *parser) rendersEmpty() bool {
	for _, c := range p.doc.children {
		if rendersSomething(c) {
			return false
		}
	}
	return true
}

func rendersSomething(n *node) bool {
	switch n.kind {
	case kTitle, kSubtitle, kComment, kSubstDef, kSystemMessage, kPending, kMeta, kElement, kDecoration:
		return false
	case kTarget:
		// an unresolved internal target renders as an empty span
		return !(n.x().hasRefuri || n.x().hasRefid || n.x().hasRefname)
	}
	return true
}

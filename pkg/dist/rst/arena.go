package rst

import (
	"sync"
	"unsafe"
)

// An arena holds the memory a parse works in: the tree's elements, their
// extensions and the first few child pointers of each, the lines, the
// name and id maps, finished machines and scratch buffers. When Check is
// done with a tree nothing outside refers to it, so the arena is cleared
// and pooled: checking several descriptions in one process (a wheel and
// its sdist, a directory of dists, a benchmark) reuses the memory instead
// of having the collector reclaim it while the next tree grows.
type arena struct {
	nodes chunks[node]
	exts  chunks[nodeExt]
	ptrs  chunks[*node]
	lines []string

	// the maps that grow with the text
	nameids   map[string]*node
	nametypes map[string]bool
	ids       map[string]*node
	refnames  map[string][]*node

	machines []*machine // finished machines, for reuse
	runes    []rune     // the inline text being parsed

	// scratch for the table being parsed: nothing keeps it once the
	// table's cells are cut out as strings
	tableRunes []rune
	tableRows  [][]rune
	grid       gridParser
}

var arenas = sync.Pool{New: func() any { return new(arena) }}

// maxPooledArena bounds what the pool keeps: the arena of an unusually
// large description is left to the collector.
const maxPooledArena = 64 << 20

// release clears the arena and returns it to the pool.
func (a *arena) release() {
	size := a.nodes.reset() + a.exts.reset() + a.ptrs.reset()
	clear(a.lines)
	a.lines = a.lines[:0]
	clear(a.nameids)
	clear(a.nametypes)
	clear(a.ids)
	clear(a.refnames)
	clear(a.grid.cells)
	for _, m := range a.machines {
		clear(m.ctxBuf[:cap(m.ctxBuf)])
		*m = machine{ctxBuf: m.ctxBuf[:0]}
	}
	if size+cap(a.lines)*int(unsafe.Sizeof("")) <= maxPooledArena {
		arenas.Put(a)
	}
}

// maps makes the arena's maps on first use, sized for n lines of text:
// names and ids grow at about one per ten lines in READMEs.
func (a *arena) maps(n int) {
	if a.nameids == nil {
		hint := n / 10
		a.nameids = make(map[string]*node, hint)
		a.nametypes = make(map[string]bool, hint)
		a.ids = make(map[string]*node, hint)
		a.refnames = make(map[string][]*node, hint)
	}
}

// padLines converts a table's lines to runes, each wide character followed
// by a pad, in the arena's table scratch.
func (a *arena) padLines(lines []string) [][]rune {
	n := 0
	for _, l := range lines {
		n += len(l) // bytes bound runes plus pads: a wide rune takes 3 bytes
	}
	if cap(a.tableRunes) < n {
		a.tableRunes = make([]rune, 0, n)
	}
	if cap(a.tableRows) < len(lines) {
		a.tableRows = make([][]rune, len(lines))
	}
	buf, out := a.tableRunes[:0], a.tableRows[:len(lines)]
	for i, l := range lines {
		start := len(buf)
		for _, r := range l {
			buf = append(buf, r)
			if isWide(r) {
				buf = append(buf, padChar)
			}
		}
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// chunks hands out elements of fixed-size chunks, reusing the chunks of
// earlier parses.
type chunks[T any] struct {
	all  [][]T // every chunk, in the order they are used
	used int   // chunks handed out since the last reset
	cur  []T   // the rest of the current chunk
}

// one returns a zero element.
func (c *chunks[T]) one(size int) *T {
	if len(c.cur) == 0 {
		c.next(size)
	}
	e := &c.cur[0]
	c.cur = c.cur[1:]
	return e
}

// slice returns an empty slice with capacity n (n <= size).
func (c *chunks[T]) slice(n, size int) []T {
	if len(c.cur) < n {
		c.next(size)
	}
	s := c.cur[:0:n]
	c.cur = c.cur[n:]
	return s
}

func (c *chunks[T]) next(size int) {
	if c.used == len(c.all) {
		c.all = append(c.all, make([]T, size))
	}
	c.cur = c.all[c.used]
	c.used++
}

// reset zeroes what was handed out, so the pool holds no pointers into
// an old tree, and returns the bytes the chunks hold.
func (c *chunks[T]) reset() int {
	for _, ch := range c.all[:c.used] {
		clear(ch)
	}
	c.used, c.cur = 0, nil
	size := 0
	for _, ch := range c.all {
		size += len(ch) * int(unsafe.Sizeof(ch[0]))
	}
	return size
}

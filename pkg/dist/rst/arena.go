package rst

import (
	"sync"
	"unsafe"
)

// An arena holds the memory a parse cuts its tree from: elements, their
// extensions and the first few child pointers of each. When Check is done
// with a tree nothing outside refers to it, so the arena is cleared and
// pooled: checking several descriptions in one process (a wheel and its
// sdist, a directory of dists, a benchmark) reuses the memory instead of
// having the collector reclaim it while the next tree grows.
type arena struct {
	nodes chunks[node]
	exts  chunks[nodeExt]
	ptrs  chunks[*node]
	lines []string
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
	if size+cap(a.lines)*int(unsafe.Sizeof("")) <= maxPooledArena {
		arenas.Put(a)
	}
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

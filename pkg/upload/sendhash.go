package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// sendChunk is the unit sendHasher hands to its two hashes, and sendSlots
// how many chunks one file may have in flight: 1 MiB a file, 8 MiB at
// --jobs 8. More than two lets the send run ahead while a hash catches up
// (when both share one core, say), instead of waiting chunk by chunk.
const (
	sendChunk = 256 << 10
	sendSlots = 4
)

// sendHasher computes SHA-256 and BLAKE2b-256 of the bytes the body sends,
// while it sends them: each full chunk is hashed by the two hashes, each in
// a goroutine of its own that starts after the same hash finished the chunk
// before (a hash takes its bytes in order), while the connection takes the
// next chunks. An upload costs one read of the file and, with a core to
// spare, about the time of the slower of the hashes and the send instead of
// their sum.
//
// Write copies what it is given (the transport reuses its buffer) into a
// ring of sendSlots chunks; it blocks only when the slot it is about to
// fill is still being hashed. Every goroutine ends on its own, so an
// attempt that stops half-way leaks nothing.
type sendHasher struct {
	sha, b2 hash.Hash
	slots   [sendSlots]sendSlot
	cur     int // slot being filled
	fill    int // bytes in the current slot
	n       int64
	// lastSHA and lastB2 close when the hashes have taken the latest
	// dispatched chunk.
	lastSHA, lastB2 chan struct{}

	// mu guards final: sum runs in the transport's writing goroutine, which
	// may still run when the attempt has its answer.
	mu    sync.Mutex
	final *[2]string
}

// sendSlot is one chunk of the ring and the signals that its hashes are
// done with it.
type sendSlot struct {
	buf             []byte
	shaDone, b2Done chan struct{}
}

func newSendHasher() *sendHasher {
	b2, err := blake2b.New256(nil)
	if err != nil {
		panic(err)
	}
	return &sendHasher{sha: sha256.New(), b2: b2}
}

// Write takes p into the ring, handing each full chunk to the hashes.
func (h *sendHasher) Write(p []byte) (int, error) {
	n := len(p)
	h.n += int64(n)
	for len(p) > 0 {
		sl := &h.slots[h.cur]
		if h.fill == 0 {
			// Reusing the slot: its last chunk must have been hashed.
			waitClosed(sl.shaDone)
			waitClosed(sl.b2Done)
			if sl.buf == nil {
				sl.buf = make([]byte, sendChunk)
			}
		}
		c := copy(sl.buf[h.fill:], p)
		h.fill += c
		p = p[c:]
		if h.fill == sendChunk {
			h.dispatch()
		}
	}
	return n, nil
}

// dispatch hands the current slot's bytes to the two hashes and moves on.
func (h *sendHasher) dispatch() {
	sl := &h.slots[h.cur]
	b := sl.buf[:h.fill]
	sl.shaDone = after(h.lastSHA, func() { h.sha.Write(b) })
	sl.b2Done = after(h.lastB2, func() { h.b2.Write(b) })
	h.lastSHA, h.lastB2 = sl.shaDone, sl.b2Done
	h.cur = (h.cur + 1) % sendSlots
	h.fill = 0
}

// after runs f in a goroutine once prev (if any) is closed, and returns the
// channel closed when f is done.
func after(prev chan struct{}, f func()) chan struct{} {
	done := make(chan struct{})
	go func() {
		waitClosed(prev)
		f()
		close(done)
	}()
	return done
}

func waitClosed(c chan struct{}) {
	if c != nil {
		<-c
	}
}

// sum finishes the hashes with the last, partial chunk and returns the two
// digests in hex and the number of bytes hashed. It is called once, when
// the body has been read to its end.
func (h *sendHasher) sum() (sha, b2 string, n int64) {
	waitClosed(h.lastSHA)
	waitClosed(h.lastB2)
	if h.fill > 0 {
		b := h.slots[h.cur].buf[:h.fill]
		h.sha.Write(b)
		h.b2.Write(b)
		h.fill = 0
	}
	sha, b2 = hex.EncodeToString(h.sha.Sum(nil)), hex.EncodeToString(h.b2.Sum(nil))
	h.mu.Lock()
	h.final = &[2]string{sha, b2}
	h.mu.Unlock()
	return sha, b2, h.n
}

func (h *sendHasher) result() (sha, b2 string, ok bool) {
	if h == nil {
		return "", "", false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.final == nil {
		return "", "", false
	}
	return h.final[0], h.final[1], true
}

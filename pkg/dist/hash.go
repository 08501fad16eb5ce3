package dist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// Digests are the digests the upload API wants of a file's bytes.
type Digests struct {
	// SHA256 is the lowercase hex SHA-256 (the form's sha256_digest).
	SHA256 string
	// Blake2b256 is the lowercase hex BLAKE2b with a 32-byte digest (the
	// form's blake2_256_digest).
	Blake2b256 string
	// Size is the number of bytes hashed.
	Size int64
}

// ComputeDigests reads r to its end and returns its SHA-256 and BLAKE2b-256
// in one pass. It checks ctx between reads (every 64 KiB at most), so a large
// file can be abandoned promptly; it then returns ctx's error.
func ComputeDigests(ctx context.Context, r io.Reader) (Digests, error) {
	h := NewHasher()
	defer h.Release()
	if err := h.readFrom(ctx, r); err != nil {
		return Digests{}, err
	}
	return h.Sum(), nil
}

// hashChunk is the unit a Hasher hands to its two hashes, and hashSlots how
// many chunks one Hasher may have in flight (256 KiB). More than two lets the
// reader or sender run ahead while a hash catches up, instead of waiting
// chunk by chunk. The ring is each upload's largest buffer, so it is kept
// small: at --jobs 8 a 1 MiB ring per file cost 8 MiB of RSS and bought no
// speed (64 KiB chunks hand off 32768 chunks per GiB, microseconds each).
const (
	hashChunk = 64 << 10
	hashSlots = 4
)

var chunkBufs = sync.Pool{New: func() any { b := make([]byte, hashChunk); return &b }}

// Hasher computes SHA-256 and BLAKE2b-256 of what is written to it, each
// hash in goroutines of its own, so that hashing costs about the time of the
// slower hash rather than their sum, and runs while the caller goes on
// (reading a file, or sending it: the upload hashes what it sends). Writes
// are gathered into a ring of hashSlots chunks; each full chunk is hashed by
// each hash after that hash finished the chunk before (a hash takes its
// bytes in order). Write blocks only when the slot it is about to fill is
// still being hashed. Every goroutine ends on its own, so a Hasher abandoned
// half-way leaks nothing. Create it with NewHasher; it is not safe for
// concurrent use.
type Hasher struct {
	sha, b2 hash.Hash
	slots   [hashSlots]hashSlot
	cur     int // slot being filled
	fill    int // bytes in the current slot
	n       int64
	// lastSHA and lastB2 close when the hashes have taken the latest
	// dispatched chunk.
	lastSHA, lastB2 chan struct{}
}

// hashSlot is one chunk of the ring and the signals that its hashes are
// done with it.
type hashSlot struct {
	buf             *[]byte
	shaDone, b2Done chan struct{}
}

// NewHasher returns an empty Hasher.
func NewHasher() *Hasher {
	b2, err := blake2b.New256(nil)
	if err != nil {
		panic(err)
	}
	return &Hasher{sha: sha256.New(), b2: b2}
}

// slot returns the current slot's free space, waiting until its last chunk
// has been hashed when it is about to be reused.
func (h *Hasher) slot() []byte {
	sl := &h.slots[h.cur]
	if h.fill == 0 {
		waitClosed(sl.shaDone)
		waitClosed(sl.b2Done)
		if sl.buf == nil {
			sl.buf = chunkBufs.Get().(*[]byte)
		}
	}
	return (*sl.buf)[h.fill:]
}

// filled records c more bytes in the current slot, handing it to the hashes
// when it is full.
func (h *Hasher) filled(c int) {
	h.fill += c
	h.n += int64(c)
	if h.fill < hashChunk {
		return
	}
	sl := &h.slots[h.cur]
	b := (*sl.buf)[:h.fill]
	sl.shaDone = after(h.lastSHA, func() { h.sha.Write(b) })
	sl.b2Done = after(h.lastB2, func() { h.b2.Write(b) })
	h.lastSHA, h.lastB2 = sl.shaDone, sl.b2Done
	h.cur = (h.cur + 1) % hashSlots
	h.fill = 0
}

// Write takes p into the ring. It never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := copy(h.slot(), p)
		h.filled(c)
		p = p[c:]
	}
	return n, nil
}

// readFrom reads r to its end straight into the ring, checking ctx between
// chunks.
func (h *Hasher) readFrom(ctx context.Context, r io.Reader) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := io.ReadFull(r, h.slot())
		h.filled(c)
		switch {
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			return err
		}
	}
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

// Sum hashes what is left (the last, partial chunk, in the caller's
// goroutine: a small file starts no goroutine at all) and returns the
// digests of everything written. Call it once, after the last Write.
func (h *Hasher) Sum() Digests {
	waitClosed(h.lastSHA)
	waitClosed(h.lastB2)
	if h.fill > 0 {
		b := (*h.slots[h.cur].buf)[:h.fill]
		h.sha.Write(b)
		h.b2.Write(b)
		h.fill = 0
	}
	return Digests{
		SHA256:     hex.EncodeToString(h.sha.Sum(nil)),
		Blake2b256: hex.EncodeToString(h.b2.Sum(nil)),
		Size:       h.n,
	}
}

// Release gives the Hasher's buffers back for reuse, once every chunk has
// been hashed. Call it when done with the Hasher (after Sum, or to abandon
// it); the Hasher must not be used after.
func (h *Hasher) Release() {
	for i := range h.slots {
		sl := &h.slots[i]
		waitClosed(sl.shaDone)
		waitClosed(sl.b2Done)
		if sl.buf != nil {
			chunkBufs.Put(sl.buf)
			sl.buf = nil
		}
	}
}

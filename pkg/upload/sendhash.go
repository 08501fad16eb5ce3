package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// sendChunk is the unit sendHasher hands to its two hashes. Two of them
// per file in flight: 512 KiB a file, 4 MiB at --jobs 8.
const sendChunk = 256 << 10

// sendHasher computes SHA-256 and BLAKE2b-256 of the bytes the body sends,
// while it sends them: each full chunk is hashed by the two hashes in two
// goroutines while the connection takes the next one, so an upload costs
// one read of the file and, on two cores, about the time of the slower hash
// or the send, whichever is slower, instead of their sum.
//
// Write copies what it is given (the transport reuses its buffer) into one
// half of a double buffer; it blocks only when the other half is still being
// hashed.
type sendHasher struct {
	sha, b2 hash.Hash
	buf     [2][]byte
	cur     int // half being filled
	fill    int // bytes in the current half
	n       int64
	wg      sync.WaitGroup // the chunk in flight

	// mu guards final: sum runs in the transport's writing goroutine, which
	// may still run when the attempt has its answer.
	mu    sync.Mutex
	final *[2]string
}

func newSendHasher() *sendHasher {
	b2, err := blake2b.New256(nil)
	if err != nil {
		// Only a key longer than 64 bytes makes New256 fail; there is none.
		panic(err)
	}
	return &sendHasher{sha: sha256.New(), b2: b2}
}

// Write hashes p; it never fails.
func (h *sendHasher) Write(p []byte) (int, error) {
	n := len(p)
	h.n += int64(n)
	for len(p) > 0 {
		if h.buf[h.cur] == nil {
			h.buf[h.cur] = make([]byte, sendChunk)
		}
		c := copy(h.buf[h.cur][h.fill:], p)
		h.fill += c
		p = p[c:]
		if h.fill == sendChunk {
			h.dispatch()
		}
	}
	return n, nil
}

// dispatch starts hashing the current half once the chunk in flight is
// done, and switches halves.
func (h *sendHasher) dispatch() {
	h.wg.Wait()
	b := h.buf[h.cur][:h.fill]
	h.wg.Add(2)
	go func() { h.sha.Write(b); h.wg.Done() }()
	go func() { h.b2.Write(b); h.wg.Done() }()
	h.cur ^= 1
	h.fill = 0
}

// sum hashes what is left and returns the lowercase hex digests and the
// number of bytes hashed.
func (h *sendHasher) sum() (sha, b2 string, n int64) {
	h.wg.Wait()
	if h.fill > 0 {
		b := h.buf[h.cur][:h.fill]
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

// result returns the digests once sum has run (the whole file was read and
// hashed), else ok is false. A nil hasher has none.
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

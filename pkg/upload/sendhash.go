package upload

import (
	"sync"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// sendHasher hashes the bytes the body sends, while it sends them: the
// body tees the file into a dist.Hasher, so an upload costs one read of the
// file. It adds only what an upload attempt needs around it: the digests
// are fixed once the file has been read (sum, in the transport's writing
// goroutine) and read by the attempt when it has its answer (result), which
// may race with that goroutine.
type sendHasher struct {
	h *dist.Hasher

	mu    sync.Mutex
	final *dist.Digests
}

func newSendHasher() *sendHasher { return &sendHasher{h: dist.NewHasher()} }

// Write takes bytes as the body sends them.
func (s *sendHasher) Write(p []byte) (int, error) { return s.h.Write(p) }

// sum finishes the hashes and returns the two digests in hex and the number
// of bytes hashed. It is called once, when the body has been read to its
// end.
func (s *sendHasher) sum() (sha, b2 string, n int64) {
	d := s.h.Sum()
	s.h.Release()
	s.mu.Lock()
	s.final = &d
	s.mu.Unlock()
	return d.SHA256, d.Blake2b256, d.Size
}

// result returns the digests sum fixed, and whether it has run: a file
// refused before its body was read whole has none.
func (s *sendHasher) result() (sha, b2 string, ok bool) {
	if s == nil {
		return "", "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.final == nil {
		return "", "", false
	}
	return s.final.SHA256, s.final.Blake2b256, true
}

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
// in one pass. It checks ctx between reads (every 1 MiB at most), so a large
// file can be abandoned promptly; it then returns ctx's error.
func ComputeDigests(ctx context.Context, r io.Reader) (Digests, error) {
	h := newDigester()
	defer h.release()
	if err := h.copyFrom(ctx, r); err != nil {
		return Digests{}, err
	}
	return h.sum(), nil
}

// chunkSize is the unit the two hashes work on concurrently.
const chunkSize = 1 << 20

// syncBelow: chunks smaller than this are hashed in the caller's goroutine,
// where starting two goroutines would cost more than it saves.
const syncBelow = 64 << 10

// chunkBufs recycles digesters' double buffers (2 x chunkSize): allocating
// and zeroing them per file would cost more than hashing a small wheel.
var chunkBufs = sync.Pool{New: func() any { b := make([]byte, 2*chunkSize); return &b }}

// digester computes both digests of what is written to it. Each chunk is
// hashed by SHA-256 and BLAKE2b in two goroutines while the caller reads (or
// gunzips) the next chunk into the other half of a double buffer: on two
// cores that runs at the speed of the slower hash instead of their sum.
// Open uses it as an io.Writer so an sdist is hashed as gzip reads it.
type digester struct {
	sha, b2 hash.Hash
	n       int64
	wg      sync.WaitGroup // the chunk in flight
	buf     *[]byte
	cur     int // half of buf to fill next
}

func newDigester() *digester {
	b2, err := blake2b.New256(nil)
	if err != nil {
		// Only a key longer than 64 bytes makes New256 fail; there is none.
		panic(err)
	}
	return &digester{sha: sha256.New(), b2: b2, buf: chunkBufs.Get().(*[]byte)}
}

// half returns the half of the double buffer to fill next.
func (d *digester) half() []byte {
	return (*d.buf)[d.cur*chunkSize : (d.cur+1)*chunkSize]
}

// dispatch hashes b, which must be the current half, once the chunk in
// flight is done; it returns before b is hashed unless b is small.
func (d *digester) dispatch(b []byte) {
	d.wg.Wait()
	d.n += int64(len(b))
	if len(b) < syncBelow {
		d.sha.Write(b)
		d.b2.Write(b)
		return
	}
	d.wg.Add(2)
	go func() { d.sha.Write(b); d.wg.Done() }()
	go func() { d.b2.Write(b); d.wg.Done() }()
	d.cur ^= 1
}

// Write copies p and hashes it; it never fails.
func (d *digester) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		b := d.half()
		c := copy(b, p)
		d.dispatch(b[:c])
		p = p[c:]
	}
	return n, nil
}

// copyFrom hashes the rest of r, reading it straight into the buffer.
func (d *digester) copyFrom(ctx context.Context, r io.Reader) error {
	for {
		if err := ctx.Err(); err != nil {
			d.wg.Wait()
			return err
		}
		b := d.half()
		n, err := io.ReadFull(r, b)
		if n > 0 {
			d.dispatch(b[:n])
		}
		switch {
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			d.wg.Wait()
			return err
		}
	}
}

// sum waits for the chunk in flight and returns the digests.
func (d *digester) sum() Digests {
	d.wg.Wait()
	return Digests{
		SHA256:     hex.EncodeToString(d.sha.Sum(nil)),
		Blake2b256: hex.EncodeToString(d.b2.Sum(nil)),
		Size:       d.n,
	}
}

// release returns the buffer to the pool once nothing hashes from it.
func (d *digester) release() {
	d.wg.Wait()
	if d.buf != nil {
		chunkBufs.Put(d.buf)
		d.buf = nil
	}
}

package dist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	if err := h.copyFrom(ctx, r); err != nil {
		return Digests{}, err
	}
	return h.sum(), nil
}

// digester feeds every byte written to it to both hashes. Open uses it as an
// io.Writer so that an sdist is hashed as its gzip stream is read.
type digester struct {
	sha, b2 hash.Hash
	n       int64
}

func newDigester() *digester {
	b2, err := blake2b.New256(nil)
	if err != nil {
		// Only a key longer than 64 bytes makes New256 fail; there is none.
		panic(err)
	}
	return &digester{sha: sha256.New(), b2: b2}
}

func (d *digester) Write(p []byte) (int, error) {
	d.sha.Write(p)
	d.b2.Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

// copyBufs recycles copyFrom's 1 MiB buffers: allocating (and zeroing) one
// per file would cost more than hashing a small wheel.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// copyFrom hashes the rest of r.
func (d *digester) copyFrom(ctx context.Context, r io.Reader) error {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		d.Write(buf[:n])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (d *digester) sum() Digests {
	return Digests{
		SHA256:     hex.EncodeToString(d.sha.Sum(nil)),
		Blake2b256: hex.EncodeToString(d.b2.Sum(nil)),
		Size:       d.n,
	}
}

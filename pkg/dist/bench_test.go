package dist

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// randomBlock returns n bytes that do not compress, so that archives built
// from them are as large on disk as their contents.
func randomBlock(n int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// BenchmarkOpenLargeWheel opens a 500 MiB wheel (one stored member of random
// bytes): the cost is hashing the whole file, so MB/s is the hashing speed.
func BenchmarkOpenLargeWheel(b *testing.B) {
	data := bytes.Repeat(randomBlock(1<<20), 500)
	p := disttest.Wheel(b, b.TempDir(), disttest.FileMethod("example/big.bin", data, disttest.Store))
	data = nil
	b.Run("digests", func(b *testing.B) { benchOpen(b, p) })
	b.Run("no-digests", func(b *testing.B) { benchOpen(b, p, WithoutDigests()) })
}

// BenchmarkOpenLargeSdist opens a 200 MiB sdist: gunzip, tar walk and hashing
// in one pass.
func BenchmarkOpenLargeSdist(b *testing.B) {
	data := bytes.Repeat(randomBlock(1<<20), 200)
	p := disttest.Sdist(b, b.TempDir(), disttest.File("big.bin", data))
	data = nil
	b.Run("digests", func(b *testing.B) { benchOpen(b, p) })
}

func benchOpen(b *testing.B, path string, opts ...Option) {
	d, err := Open(context.Background(), path, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(d.Size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Open(context.Background(), path, opts...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen1000SmallWheels opens 1,000 small wheels per iteration (the
// target is well under 2 s per iteration).
func BenchmarkOpen1000SmallWheels(b *testing.B) {
	dir := b.TempDir()
	paths := make([]string, 1000)
	for i := range paths {
		paths[i] = disttest.Wheel(b, dir, disttest.Name(fmt.Sprintf("pkg%d", i)))
	}
	b.Run("open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, p := range paths {
				if _, err := Open(context.Background(), p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkParseMetadata parses a typical METADATA with a 20 KiB description.
func BenchmarkParseMetadata(b *testing.B) {
	data := disttest.Metadata(disttest.Classifiers("A :: B", "C :: D", "E :: F"),
		disttest.Body(string(bytes.Repeat([]byte("Some *Markdown* text, line after line.\n"), 512))))
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseMetadata(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVersion(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := ParseVersion("1!2.3.4rc5.post6.dev7+local.8"); err != nil {
			b.Fatal(err)
		}
	}
}

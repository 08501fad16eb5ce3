package dist

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wrappedCountZip writes a zip of n one-byte-named central directory
// entries (no local headers, no data: archive/zip reads only the directory)
// whose end record declares n mod 65,536 entries and has no zip64 record.
func wrappedCountZip(tb testing.TB, n int) string {
	return wrappedCountZipAt(tb, n, 0, 0)
}

// wrappedCountZipAt is wrappedCountZip after prefix junk bytes, with the end
// record's directory offset set to dirOffset (archive/zip then works out
// where the directory really is from its size).
func wrappedCountZipAt(tb testing.TB, n, prefix int, dirOffset uint32) string {
	tb.Helper()
	le := binary.LittleEndian
	buf := make([]byte, prefix, prefix+n*(minCentralHeader+1)+22)
	var h [minCentralHeader]byte
	le.PutUint32(h[0:], sigCentral)
	le.PutUint16(h[4:], 20)
	le.PutUint16(h[6:], 20)
	le.PutUint16(h[28:], 1) // name length
	for i := 0; i < n; i++ {
		buf = append(buf, h[:]...)
		buf = append(buf, 'a'+byte(i%26))
	}
	dirSize := len(buf) - prefix
	var e [22]byte
	le.PutUint32(e[0:], sigEOCD)
	le.PutUint16(e[8:], uint16(n))
	le.PutUint16(e[10:], uint16(n))
	le.PutUint32(e[12:], uint32(dirSize))
	le.PutUint32(e[16:], dirOffset)
	buf = append(buf, e[:]...)
	p := filepath.Join(tb.TempDir(), "wrap-1.0-py3-none-any.whl")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// A zip whose end record's 16-bit count wrapped (65,536 + 3 entries declare
// 3) is refused from a streaming count, before archive/zip loads every
// entry into memory.
func TestOpenWrappedZipCount(t *testing.T) {
	for _, tc := range []struct {
		name      string
		prefix    int
		dirOffset uint32
	}{
		{"plain", 0, 0},
		// The offset as written points nowhere; archive/zip reads the
		// directory from where its size says it starts.
		{"lying offset", 0, 0x7ffffff0},
		// Data before the zip: the directory sits prefix bytes further.
		{"prepended data", 1000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wrappedCountZipAt(t, 1<<16+3, tc.prefix, tc.dirOffset)
			_, err := Open(context.Background(), p, WithMaxMembers(100), WithoutDigests())
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 100 members (its end record declares 3)") {
				t.Fatalf("Open: %v", err)
			}
			// Loading the entries costs several allocations each (65,539
			// *zip.File and their names); counting them, a handful in all.
			allocs := testing.AllocsPerRun(1, func() {
				Open(context.Background(), p, WithMaxMembers(100), WithoutDigests())
			})
			if allocs > 1000 {
				t.Errorf("Open allocated %.0f times: it loaded the central directory before refusing it", allocs)
			}
		})
	}
}

// Under the limit, the real count passes however large the directory.
func TestCountCentralHeaders(t *testing.T) {
	p := wrappedCountZip(t, 5000)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	end, ok := readZipEnd(f, st.Size())
	if !ok || end.records != 5000 || len(end.starts) != 1 || end.starts[0] != 0 {
		t.Fatalf("readZipEnd = %+v, %v", end, ok)
	}
	for _, tc := range []struct{ limit, want int }{{10000, 5000}, {4999, 5000}, {100, 101}} {
		n, err := countZipEntries(context.Background(), f, st.Size(), end, tc.limit)
		if err != nil || n != tc.want {
			t.Errorf("countZipEntries(limit %d) = %d, %v; want %d", tc.limit, n, err, tc.want)
		}
	}
}

// BenchmarkOpenWrappedZipCount opens a zip of 2 million central directory
// entries whose end record declares 2,000,000 mod 65,536: the memory it
// reports (B/op) is what refusing it costs.
func BenchmarkOpenWrappedZipCount(b *testing.B) {
	p := wrappedCountZip(b, 2_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(context.Background(), p, WithoutDigests()); !errors.Is(err, ErrTooLarge) {
			b.Fatal(err)
		}
	}
}

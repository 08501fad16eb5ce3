package dist

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Limits Open applies unless told otherwise.
const (
	// DefaultMaxMetadataSize caps the decompressed size of METADATA / PKG-INFO.
	DefaultMaxMetadataSize int64 = 10 << 20
	// DefaultMaxMembers caps the number of archive members Open lists.
	DefaultMaxMembers = 100_000
	// DefaultMaxUncompressedSize caps the bytes Open decompresses to walk an
	// sdist's tar stream (a zip is never decompressed beyond its metadata).
	// PyPI accepts files up to 100 MiB; source compresses 5-10 times at best.
	DefaultMaxUncompressedSize int64 = 4 << 30
)

// Option configures Open.
type Option func(*openConfig)

type openConfig struct {
	maxMetadataSize     int64
	maxMembers          int
	maxUncompressedSize int64
	digests             bool
}

// WithMaxMetadataSize caps the decompressed size of the metadata file, in
// bytes (default DefaultMaxMetadataSize, 10 MiB). Open reads at most n+1
// bytes of it, so a huge or bomb-like METADATA costs nothing; over the cap it
// fails with ErrTooLarge. n <= 0 keeps the default.
func WithMaxMetadataSize(n int64) Option {
	return func(c *openConfig) {
		if n > 0 {
			c.maxMetadataSize = n
		}
	}
}

// WithMaxMembers caps the number of archive members (default
// DefaultMaxMembers, 100,000); over it Open fails with ErrTooLarge. This also
// bounds the time spent walking a tar. n <= 0 keeps the default.
func WithMaxMembers(n int) Option {
	return func(c *openConfig) {
		if n > 0 {
			c.maxMembers = n
		}
	}
}

// WithMaxUncompressedSize caps the number of bytes Open decompresses while
// walking an sdist's tar stream (default DefaultMaxUncompressedSize, 4 GiB),
// so a gzip bomb costs bounded time; over it Open fails with ErrTooLarge.
// n <= 0 keeps the default.
func WithMaxUncompressedSize(n int64) Option {
	return func(c *openConfig) {
		if n > 0 {
			c.maxUncompressedSize = n
		}
	}
}

// WithoutDigests makes Open skip hashing the file (by default it computes
// SHA256 and Blake2b256): for callers that only check and never upload.
// Dist.SHA256 and Dist.Blake2b256 are then empty.
func WithoutDigests() Option {
	return func(c *openConfig) { c.digests = false }
}

// Open reads the distribution at path: a wheel (.whl), an sdist (.tar.gz) or
// a legacy zip sdist (.zip, which Check then refuses as PyPI does). The kind
// comes from the file name's extension.
//
// Open reads only what it needs: for a wheel, the zip central directory and
// {name}-{version}.dist-info/METADATA (name and version as written in the
// file name, as PyPI looks it up; when that is absent, the only top-level
// *.dist-info/METADATA); for an sdist, every tar header (streamed, never
// extracted) and {top}/PKG-INFO. Dist.MetadataPath names the member read, so
// Check can compare it with the one PyPI expects. It also hashes the whole
// file in one streaming pass (see WithoutDigests).
//
// Memory and time are bounded by the options' limits whatever the input.
// Every error is an *OpenError naming the file, whose cause wraps one of
// ErrNotDistribution, ErrCorrupt, ErrUnsupported, ErrTooLarge, ErrNoMetadata,
// ErrInvalidMetadata, an fs error (fs.ErrNotExist, fs.ErrPermission), or
// ctx's error when ctx ends first.
func Open(ctx context.Context, path string, opts ...Option) (*Dist, error) {
	cfg := openConfig{
		maxMetadataSize:     DefaultMaxMetadataSize,
		maxMembers:          DefaultMaxMembers,
		maxUncompressedSize: DefaultMaxUncompressedSize,
		digests:             true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	d, err := open(ctx, path, &cfg)
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	return d, nil
}

func open(ctx context.Context, path string, cfg *openConfig) (*Dist, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := &Dist{Path: path, Filename: filepath.Base(path)}
	var isZipSdist bool
	switch {
	case strings.HasSuffix(d.Filename, ".whl"):
		d.Kind = Wheel
		d.PyVersion = wheelPyVersion(d.Filename)
	case strings.HasSuffix(d.Filename, ".tar.gz"):
		d.Kind = Sdist
		d.PyVersion = "source"
	case strings.HasSuffix(d.Filename, ".zip"):
		d.Kind = Sdist
		d.PyVersion = "source"
		isZipSdist = true
	default:
		return nil, fmt.Errorf("%w: the file name must end in .whl or .tar.gz", ErrNotDistribution)
	}
	// Never os.Open a path unchecked: opening a FIFO blocks until a writer
	// comes, which may be never.
	f, st, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d.Size = st.Size()
	if d.Size == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}

	var (
		dg  Digests
		raw []byte // the metadata file's bytes
	)
	switch {
	case d.Kind == Wheel || isZipSdist:
		if raw, err = readZip(ctx, f, d, cfg); err != nil {
			return nil, err
		}
		if cfg.digests {
			// A separate pass: the zip was read at random offsets, and only
			// a few KiB of it.
			if _, err := f.Seek(0, 0); err != nil {
				return nil, err
			}
			if dg, err = ComputeDigests(ctx, f); err != nil {
				return nil, err
			}
		}
	default:
		if raw, dg, err = readTarGz(ctx, f, d, cfg); err != nil {
			return nil, err
		}
	}
	if cfg.digests {
		if dg.Size != d.Size {
			// The file changed while we read it: the digests would not
			// describe what the index receives.
			return nil, fmt.Errorf("the file changed while being read (%d bytes, then %d)", d.Size, dg.Size)
		}
		d.SHA256, d.Blake2b256 = dg.SHA256, dg.Blake2b256
	}
	md, err := ParseMetadata(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.MetadataPath, err)
	}
	d.Metadata = md
	return d, nil
}

// unwrapPathError drops the *fs.PathError's path, which OpenError already
// names, keeping the cause (so errors.Is(err, fs.ErrNotExist) still holds).
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// wheelPyVersion returns the python tag set of a wheel file name; for a name
// that does not parse, the third field from the end, as twine's looser
// pattern would find it, or "" (Check reports the name).
func wheelPyVersion(filename string) string {
	if w, err := ParseWheelFilename(filename); err == nil {
		return w.PyVersion()
	}
	parts := strings.Split(strings.TrimSuffix(filename, ".whl"), "-")
	if len(parts) >= 5 {
		return parts[len(parts)-3]
	}
	return ""
}

package dist

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// readTarGz walks an sdist's gzip-compressed tar in one streaming pass: it
// hashes the file bytes as gzip reads them, lists every member into d, and
// returns {top}/PKG-INFO's bytes and the file's digests (zero when
// cfg.digests is off).
func readTarGz(ctx context.Context, f *os.File, d *Dist, cfg *openConfig) ([]byte, Digests, error) {
	var src io.Reader = f
	var dg *Hasher
	if cfg.digests {
		dg = NewHasher()
		defer dg.Release()
		// Every byte bufio pulls from the file passes through the digester
		// exactly once; what gzip leaves unread is hashed at the end.
		src = io.TeeReader(f, dg)
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(src, int(min(d.Size, 256<<10))))
	if err != nil {
		return nil, Digests{}, fmt.Errorf("%w: not a gzip file (%v)", ErrCorrupt, err)
	}
	lim := &capReader{r: gz, left: cfg.maxUncompressedSize}
	tr := tar.NewReader(lim)
	p := newPkgInfoPicker(d.Filename, ".tar.gz")
	var side sdistSideFiles
	var meta []byte
	for {
		if err := ctx.Err(); err != nil {
			return nil, Digests{}, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Digests{}, tarError(err, cfg)
		}
		if len(d.Members) >= cfg.maxMembers {
			return nil, Digests{}, fmt.Errorf("%w: the archive has more than %d members", ErrTooLarge, cfg.maxMembers)
		}
		m := Member{
			Name:           hdr.Name,
			Size:           hdr.Size,
			CompressedSize: hdr.Size,
			Dir:            hdr.Typeflag == tar.TypeDir,
			TarType:        hdr.Typeflag,
		}
		if hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink {
			m.Link = hdr.Linkname
		}
		for k := range hdr.PAXRecords {
			if strings.HasPrefix(k, "GNU.sparse.") {
				m.TarType = tar.TypeGNUSparse
			}
		}
		d.Members = append(d.Members, m)
		regular := hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA
		if !p.consider(hdr.Name, regular) {
			if regular {
				if err := side.consider(tr, hdr); err != nil {
					return nil, Digests{}, tarError(err, cfg)
				}
			}
			continue
		}
		if hdr.Size > cfg.maxMetadataSize {
			return nil, Digests{}, fmt.Errorf("%w: %s is %d bytes, over the limit of %d", ErrTooLarge, quoteName(hdr.Name), hdr.Size, cfg.maxMetadataSize)
		}
		meta, err = io.ReadAll(io.LimitReader(tr, cfg.maxMetadataSize+1))
		if err != nil {
			return nil, Digests{}, tarError(err, cfg)
		}
		d.MetadataPath = hdr.Name
	}
	// Read gzip to its end so its CRC is verified; data after the tar's end
	// (padding, or garbage after the gzip member, which Python's tarfile never
	// reads either) is not an error.
	if _, err := io.Copy(io.Discard, lim); err != nil && !errors.Is(err, gzip.ErrHeader) {
		return nil, Digests{}, tarError(err, cfg)
	}
	if d.MetadataPath == "" {
		return nil, Digests{}, p.missing()
	}
	d.Backend = side.backend(d.MetadataPath)
	if !cfg.digests {
		return meta, Digests{}, nil
	}
	if err := dg.readFrom(ctx, f); err != nil {
		return nil, Digests{}, err
	}
	return meta, dg.Sum(), nil
}

// errUncompressedCap is capReader's error, turned into ErrTooLarge by tarError.
var errUncompressedCap = errors.New("uncompressed size cap reached")

// capReader fails once more than left bytes have been read through it.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errUncompressedCap
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func tarError(err error, cfg *openConfig) error {
	switch {
	case errors.Is(err, errUncompressedCap):
		return fmt.Errorf("%w: the tar stream decompresses to more than %d bytes", ErrTooLarge, cfg.maxUncompressedSize)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%w: the file is truncated", ErrCorrupt)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

// pkgInfoPicker chooses an sdist's metadata file among its members, in
// archive order. PyPI requires exactly {top}/PKG-INFO where top is the one
// top-level directory; copies deeper down (such as *.egg-info/PKG-INFO) are
// never chosen. Preference: {stem}/PKG-INFO where stem is the file name
// without extension, then the first {any}/PKG-INFO, then a PKG-INFO at the
// archive root (which Check reports as a layout error).
type pkgInfoPicker struct {
	stem     string
	rank     int // rank of the current pick; 0 = none
	top      string
	multiTop bool
	seen     bool
}

func newPkgInfoPicker(filename, ext string) *pkgInfoPicker {
	return &pkgInfoPicker{stem: strings.TrimSuffix(filename, ext)}
}

// consider records name and reports whether it becomes the new pick.
// regular says whether the member is a regular file.
func (p *pkgInfoPicker) consider(name string, regular bool) bool {
	first, rest, _ := strings.Cut(name, "/")
	if !p.seen {
		p.top, p.seen = first, true
	} else if first != p.top {
		p.multiTop = true
	}
	if !regular {
		return false
	}
	rank := 0
	switch {
	case rest == "PKG-INFO" && first == p.stem:
		rank = 3
	case rest == "PKG-INFO" && first != "":
		rank = 2
	case name == "PKG-INFO":
		rank = 1
	}
	if rank > p.rank {
		p.rank = rank
		return true
	}
	return false
}

func (p *pkgInfoPicker) missing() error {
	switch {
	case !p.seen:
		return fmt.Errorf("%w: the archive is empty", ErrNoMetadata)
	case p.multiTop:
		return fmt.Errorf("%w: no {top}/PKG-INFO, and the archive has several top-level entries", ErrNoMetadata)
	}
	return fmt.Errorf("%w: no %s/PKG-INFO in the archive", ErrNoMetadata, quoteName(p.top))
}

// maxPyprojectSize caps the pyproject.toml read for its build backend.
const maxPyprojectSize = 256 << 10

// sdistSideFiles remembers, per top-level directory, what says which build
// backend made the sdist: the first {top}/pyproject.toml (read, up to
// maxPyprojectSize) and whether there is a {top}/setup.py. It keeps one of
// each, so its memory is bounded whatever the archive holds.
type sdistSideFiles struct {
	pyTop, setupTop string
	pyproject       []byte
	setupSeen       bool
}

func (s *sdistSideFiles) consider(r io.Reader, hdr *tar.Header) error {
	top, rest, ok := strings.Cut(hdr.Name, "/")
	if !ok {
		return nil
	}
	switch rest {
	case "setup.py":
		if !s.setupSeen {
			s.setupTop, s.setupSeen = top, true
		}
	case "pyproject.toml":
		if s.pyproject != nil || hdr.Size > maxPyprojectSize {
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(r, maxPyprojectSize))
		if err != nil {
			return err
		}
		s.pyTop, s.pyproject = top, b
	}
	return nil
}

// backend names the build backend for the sdist whose metadata is at
// metadataPath ({top}/PKG-INFO), from that top directory's files.
func (s *sdistSideFiles) backend(metadataPath string) Backend {
	top, _, _ := strings.Cut(metadataPath, "/")
	var py []byte
	if s.pyproject != nil && s.pyTop == top {
		py = s.pyproject
	}
	return sdistBackend(py, s.setupSeen && s.setupTop == top)
}

package dist

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// readZip lists a zip's members into d and returns the bytes of its metadata
// file: a wheel's .dist-info/METADATA, or a zip sdist's {top}/PKG-INFO. It
// reads the central directory and that one member, nothing else.
func readZip(ctx context.Context, f *os.File, d *Dist, cfg *openConfig) ([]byte, error) {
	// archive/zip loads the whole central directory; refuse a huge one
	// before it allocates, from the count the end record declares.
	if n, ok := zipDeclaredEntries(f, d.Size); ok && n > uint64(cfg.maxMembers) {
		return nil, fmt.Errorf("%w: the archive declares %d members, over the limit of %d", ErrTooLarge, n, cfg.maxMembers)
	}
	zr, err := zip.NewReader(f, d.Size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, fmt.Errorf("%w: not a zip file, or a truncated one (%v)", ErrCorrupt, err)
	}
	if len(zr.File) > cfg.maxMembers {
		return nil, fmt.Errorf("%w: the archive has %d members, over the limit of %d", ErrTooLarge, len(zr.File), cfg.maxMembers)
	}
	d.Members = make([]Member, 0, len(zr.File))
	for i, zf := range zr.File {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d.Members = append(d.Members, Member{
			Name:           zf.Name,
			Size:           int64(zf.UncompressedSize64),
			CompressedSize: int64(zf.CompressedSize64),
			Method:         zf.Method,
			Dir:            strings.HasSuffix(zf.Name, "/"),
		})
	}
	var target *zip.File
	if d.Kind == Wheel {
		target, err = wheelMetadataFile(zr.File, d.Filename)
	} else {
		target, err = zipSdistMetadataFile(zr.File, d.Filename)
	}
	if err != nil {
		return nil, err
	}
	d.MetadataPath = target.Name
	return readZipMember(target, cfg.maxMetadataSize)
}

// wheelMetadataFile finds {name}-{version}.dist-info/METADATA with name and
// version as written in the file name (PyPI's lookup); failing that, the
// only top-level *.dist-info/METADATA.
func wheelMetadataFile(files []*zip.File, filename string) (*zip.File, error) {
	want := ""
	if parts := strings.SplitN(filename, "-", 3); len(parts) == 3 {
		want = parts[0] + "-" + parts[1] + ".dist-info/METADATA"
	}
	var found []*zip.File
	for _, zf := range files {
		if zf.Name == want {
			return zf, nil
		}
		dir, base, ok := strings.Cut(zf.Name, "/")
		if ok && base == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
			found = append(found, zf)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return nil, fmt.Errorf("%w: no %s and %d other .dist-info directories, so none can be chosen", ErrNoMetadata, want, len(found))
	case want == "":
		return nil, fmt.Errorf("%w: no .dist-info/METADATA in the archive", ErrNoMetadata)
	}
	return nil, fmt.Errorf("%w: no %s in the archive", ErrNoMetadata, want)
}

// zipSdistMetadataFile finds a legacy zip sdist's {top}/PKG-INFO.
func zipSdistMetadataFile(files []*zip.File, filename string) (*zip.File, error) {
	p := newPkgInfoPicker(filename, ".zip")
	var pick *zip.File
	for _, zf := range files {
		if p.consider(zf.Name, !strings.HasSuffix(zf.Name, "/")) {
			pick = zf
		}
	}
	if pick == nil {
		return nil, p.missing()
	}
	return pick, nil
}

// readZipMember reads one member, at most limit bytes of it.
func readZipMember(zf *zip.File, limit int64) ([]byte, error) {
	if zf.Method != zip.Store && zf.Method != zip.Deflate {
		return nil, fmt.Errorf("%w: %s uses compression method %d (only stored and deflated can be read)", ErrUnsupported, quoteName(zf.Name), zf.Method)
	}
	if zf.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: %s is %d bytes, over the limit of %d", ErrTooLarge, quoteName(zf.Name), zf.UncompressedSize64, limit)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read %s (%v)", ErrCorrupt, quoteName(zf.Name), err)
	}
	defer rc.Close()
	// limit+1 so that a member larger than its header says is caught
	// without reading more of it.
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is over the limit of %d bytes", ErrTooLarge, quoteName(zf.Name), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read %s (%v)", ErrCorrupt, quoteName(zf.Name), err)
	}
	return data, nil
}

// quoteName quotes a member name for an error message when it holds
// anything unusual (spaces, control characters), so errors stay one line.
func quoteName(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == '"' {
			return fmt.Sprintf("%q", name)
		}
	}
	return name
}

// zipDeclaredEntries returns the member count a zip's end of central
// directory record (or its zip64 form) declares. ok is false when the record
// cannot be found; archive/zip then reports the file corrupt itself.
func zipDeclaredEntries(r io.ReaderAt, size int64) (n uint64, ok bool) {
	const (
		eocdLen     = 22
		eocdSig     = 0x06054b50
		loc64Sig    = 0x07064b50
		eocd64Sig   = 0x06064b50
		maxComment  = 65535
		loc64Len    = 20
		eocd64Count = 32 // offset of "total entries" in the zip64 record
	)
	if size < eocdLen {
		return 0, false
	}
	tail := int64(eocdLen + maxComment)
	if tail > size {
		tail = size
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	at := -1
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) == eocdSig {
			at = i
			break
		}
	}
	if at < 0 {
		return 0, false
	}
	n = uint64(binary.LittleEndian.Uint16(buf[at+10:]))
	if n != 0xffff {
		return n, true
	}
	// Zip64: a locator sits just before the end record and points at the
	// zip64 end record, which holds the real count.
	locAt := size - tail + int64(at) - loc64Len
	if locAt < 0 {
		return n, true
	}
	var loc [loc64Len]byte
	if _, err := r.ReadAt(loc[:], locAt); err != nil || binary.LittleEndian.Uint32(loc[:]) != loc64Sig {
		return n, true
	}
	off := binary.LittleEndian.Uint64(loc[8:])
	if size < 56 || off > uint64(size)-56 {
		return n, true
	}
	var rec [56]byte
	if _, err := r.ReadAt(rec[:], int64(off)); err != nil || binary.LittleEndian.Uint32(rec[:]) != eocd64Sig {
		return n, true
	}
	return binary.LittleEndian.Uint64(rec[eocd64Count:]), true
}

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
	"unicode/utf8"
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
	d.ZipProblem = zipFramingProblem(f, d.Size, zr.File)
	if err := ctx.Err(); err != nil {
		return nil, err
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

// errZipFraming carries one of PyPI's ZIP framing verdicts.
type errZipFraming string

func (e errZipFraming) Error() string { return string(e) }

const (
	sigCentral    = 0x02014b50
	sigLocal      = 0x04034b50
	sigEOCD       = 0x06054b50
	sigEOCD64     = 0x06064b50
	sigEOCD64Loc  = 0x07064b50
	malformedZip  = errZipFraming("Malformed zip file")
	unprintableFn = errZipFraming("Invalid character in filename")
)

// zipFramingProblem walks a zip's records from the start, as PyPI does since
// 2025 (warehouse/utils/zipfiles.py), so that a reader streaming local
// headers and one reading the central directory see the same files. It
// returns PyPI's reason for refusing the archive, worded as PyPI words it
// ("ZIP contains a data descriptor"), or "" when PyPI would accept it.
// files is the central directory as archive/zip read it.
func zipFramingProblem(r io.ReaderAt, size int64, files []*zip.File) string {
	fw := &frameWalker{r: r, size: size, cdFiles: map[string][2]uint64{}}
	for _, f := range files {
		if f.Flags&0x800 == 0 && !asciiOnly(f.Name) {
			// Python decodes such a name as cp437, which never equals the
			// UTF-8 decoding of the local header's name that PyPI looks up.
			continue
		}
		fw.cdFiles[f.Name] = [2]uint64{f.CompressedSize64, f.UncompressedSize64}
	}
	err := fw.walk()
	var fe errZipFraming
	if errors.As(err, &fe) {
		return string(fe)
	}
	if err != nil {
		return string(malformedZip)
	}
	return ""
}

type frameWalker struct {
	r       io.ReaderAt
	size    int64
	pos     int64
	cdFiles map[string][2]uint64
}

func (fw *frameWalker) read(n int64) ([]byte, error) {
	if n < 0 || fw.pos+n > fw.size {
		return nil, malformedZip
	}
	b := make([]byte, n)
	if _, err := fw.r.ReadAt(b, fw.pos); err != nil && !(err == io.EOF && n == 0) {
		return nil, malformedZip
	}
	fw.pos += n
	return b, nil
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func unprintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

func (fw *frameWalker) walk() error {
	le := binary.LittleEndian
	local := map[string]bool{}
	central := map[string]bool{}
	var (
		cdRecords                      uint64
		cdOffset                       int64 = -1
		cdSize                         uint64
		expected64, actual64           bool
		haveEOCD                       bool
		eocdRecords, eocdSize, eocdOff uint64
	)
	for {
		sigb, err := fw.read(4)
		if err != nil {
			return err
		}
		sig := le.Uint32(sigb)
		if sig == sigEOCD && expected64 && !actual64 {
			return malformedZip
		}
		switch sig {
		case sigCentral:
			if cdOffset < 0 {
				cdOffset = fw.pos - 4
			}
			cdRecords++
			h, err := fw.read(42)
			if err != nil {
				return err
			}
			nameLen, extraLen, commentLen := le.Uint16(h[24:]), le.Uint16(h[26:]), le.Uint16(h[28:])
			if commentLen != 0 {
				return errZipFraming("Comment in central directory")
			}
			name, err := fw.read(int64(nameLen))
			if err != nil {
				return err
			}
			if _, err := fw.read(int64(extraLen)); err != nil {
				return err
			}
			if unprintable(name) {
				return unprintableFn
			}
			cdSize += 46 + uint64(nameLen) + uint64(extraLen)
			if central[string(name)] {
				return errZipFraming("Duplicate filename in central directory")
			}
			if !local[string(name)] {
				return errZipFraming("Missing filename in local headers")
			}
			central[string(name)] = true
		case sigLocal:
			name, err := fw.localHeader()
			if err != nil {
				return err
			}
			if local[name] {
				return errZipFraming("Duplicate filename in local headers")
			}
			local[name] = true
		case sigEOCD:
			if cdOffset < 0 {
				cdOffset = fw.pos - 4
			}
			h, err := fw.read(18)
			if err != nil {
				return err
			}
			if le.Uint16(h[4:]) != le.Uint16(h[6:]) {
				return malformedZip
			}
			if _, err := fw.read(int64(le.Uint16(h[16:]))); err != nil {
				return err
			}
			if !(actual64 && haveEOCD) {
				eocdRecords, eocdSize, eocdOff = uint64(le.Uint16(h[6:])), uint64(le.Uint32(h[8:])), uint64(le.Uint32(h[12:]))
			}
			if eocdRecords != cdRecords {
				return errZipFraming("Mismatched central directory records")
			}
			if eocdOff != uint64(cdOffset) {
				return errZipFraming("Mismatched central directory offset")
			}
			if eocdSize != cdSize {
				return errZipFraming("Mismatched central directory size")
			}
			if len(central) != len(local) {
				return errZipFraming("Mis-matched local headers and central directory")
			}
			if fw.pos != fw.size {
				return errZipFraming("Trailing data")
			}
			return nil
		case sigEOCD64:
			expected64 = true
			h, err := fw.read(52)
			if err != nil {
				return err
			}
			if le.Uint64(h[20:]) != le.Uint64(h[28:]) {
				return malformedZip
			}
			if le.Uint64(h[0:]) != 44 {
				return errZipFraming("ZIP64 extensible data not allowed")
			}
			eocdRecords, eocdSize, eocdOff = le.Uint64(h[28:]), le.Uint64(h[36:]), le.Uint64(h[44:])
			haveEOCD = true
		case sigEOCD64Loc:
			if _, err := fw.read(16); err != nil {
				return err
			}
			actual64 = true
		default:
			return errZipFraming("Unknown record signature")
		}
	}
}

// localHeader checks one local file header (after its signature) and skips
// its data, as PyPI's _handle_local_file_header does.
func (fw *frameWalker) localHeader() (string, error) {
	le := binary.LittleEndian
	h, err := fw.read(26)
	if err != nil {
		return "", err
	}
	flags, method := le.Uint16(h[2:]), le.Uint16(h[4:])
	compSize, fileSize := uint64(le.Uint32(h[14:])), uint64(le.Uint32(h[18:]))
	name, err := fw.read(int64(le.Uint16(h[22:])))
	if err != nil {
		return "", err
	}
	extra, err := fw.read(int64(le.Uint16(h[24:])))
	if err != nil {
		return "", err
	}
	if unprintable(name) {
		return "", unprintableFn
	}
	seen := map[uint16]bool{}
	for len(extra) > 0 {
		if len(extra) < 4 {
			return "", malformedZip
		}
		id, n := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if n+4 > len(extra) {
			return "", malformedZip
		}
		if seen[id] && (id == 0x0001 || id == 0x7075) {
			return "", errZipFraming("Invalid duplicate extra in local file")
		}
		seen[id] = true
		switch id {
		case 0x0001: // zip64 sizes
			switch n {
			case 0:
				if compSize == 0xffffffff || fileSize == 0xffffffff {
					return "", malformedZip
				}
			case 8:
				if method != zip.Store {
					return "", malformedZip
				}
				u := le.Uint64(extra[4:])
				compSize = u
				if fileSize == 0xffffffff {
					fileSize = u
				}
			case 16, 24, 28:
				if fileSize == 0xffffffff {
					fileSize = le.Uint64(extra[4:])
				}
				compSize = le.Uint64(extra[12:])
			default:
				return "", malformedZip
			}
		case 0x7075: // Info-ZIP Unicode path
			if n >= 5 {
				u := extra[9 : 4+n]
				if unprintable(u) {
					return "", unprintableFn
				}
				if !utf8.Valid(u) {
					return "", errZipFraming("Filename not valid UTF-8")
				}
			}
		}
		extra = extra[n+4:]
	}
	if flags&0x08 != 0 {
		return "", errZipFraming("ZIP contains a data descriptor")
	}
	if !utf8.Valid(name) {
		return "", errZipFraming("Filename not unicode")
	}
	want, ok := fw.cdFiles[string(name)]
	if !ok {
		return "", errZipFraming("Filename not in central directory")
	}
	if want[0] != compSize {
		return "", errZipFraming("Mis-matched data size")
	}
	if want[1] != fileSize {
		return "", errZipFraming("Mis-matched file size")
	}
	if compSize > uint64(fw.size-fw.pos) {
		return "", malformedZip
	}
	fw.pos += int64(compSize)
	return string(name), nil
}

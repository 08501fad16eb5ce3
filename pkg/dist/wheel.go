package dist

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// readZip lists a zip's members into d and returns the bytes of its metadata
// file: a wheel's .dist-info/METADATA, or a zip sdist's {top}/PKG-INFO. It
// reads the central directory and that one member, nothing else.
func readZip(ctx context.Context, f *os.File, d *Dist, cfg *openConfig) ([]byte, error) {
	// archive/zip loads the whole central directory; refuse a huge one
	// before it allocates. The end record's count may lie (or wrap at
	// 65,536 without zip64), so unless the directory is too small to hold
	// more than the limit (each entry takes at least 46 bytes), count the
	// entries themselves.
	if end, ok := readZipEnd(f, d.Size); ok {
		if end.records > uint64(cfg.maxMembers) {
			return nil, fmt.Errorf("%w: the archive declares %d members, over the limit of %d", ErrTooLarge, end.records, cfg.maxMembers)
		}
		if (d.Size-slices.Min(end.starts))/minCentralHeader > int64(cfg.maxMembers) {
			n, err := countZipEntries(ctx, f, d.Size, end, cfg.maxMembers)
			if err != nil {
				return nil, err
			}
			if n > cfg.maxMembers {
				return nil, fmt.Errorf("%w: the archive has more than %d members (its end record declares %d)", ErrTooLarge, cfg.maxMembers, end.records)
			}
		}
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
	if d.Kind == Wheel {
		d.Backend = wheelBackend(zr.File, target.Name)
	}
	return readZipMember(target, cfg.maxMetadataSize)
}

// maxWheelFileSize caps the WHEEL file read for its Generator: a few
// lines in any real wheel.
const maxWheelFileSize = 64 << 10

// wheelBackend reads the Generator of the WHEEL file next to the metadata
// file. It is only used to word hints, so a missing or unreadable WHEEL
// gives an unknown backend, not an error.
func wheelBackend(files []*zip.File, metadataPath string) Backend {
	want := strings.TrimSuffix(metadataPath, "METADATA") + "WHEEL"
	for _, zf := range files {
		if zf.Name != want {
			continue
		}
		data, err := readZipMember(zf, maxWheelFileSize)
		if err != nil {
			return Backend{}
		}
		for line := range strings.Lines(string(data)) {
			k, v, ok := strings.Cut(line, ":")
			if ok && strings.EqualFold(strings.TrimSpace(k), "Generator") {
				return parseGenerator(strings.TrimSpace(v))
			}
		}
		return Backend{}
	}
	return Backend{}
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

// zipEnd is what a zip's end of central directory record (or its zip64
// form) declares, found the way archive/zip finds it.
type zipEnd struct {
	records uint64  // the declared entry count (16 bits unless zip64)
	starts  []int64 // where archive/zip may start reading the directory
}

// readZipEnd finds the end of central directory record as archive/zip does
// (the last signature in the last 1 KiB, else in the last 65 KiB; the zip64
// record when a field is saturated). ok is false when there is none, or it
// is unusable; archive/zip then refuses the file itself.
func readZipEnd(r io.ReaderAt, size int64) (end zipEnd, ok bool) {
	const (
		eocdLen   = 22
		loc64Len  = 20
		eocd64Len = 56
	)
	var buf []byte
	at := int64(-1)
	for _, n := range []int64{1024, 65 * 1024} {
		n = min(n, size)
		if n < eocdLen {
			return zipEnd{}, false
		}
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return zipEnd{}, false
		}
		for i := len(buf) - eocdLen; i >= 0; i-- {
			if binary.LittleEndian.Uint32(buf[i:]) == sigEOCD {
				at = size - n + int64(i)
				buf = buf[i:]
				break
			}
		}
		if at >= 0 || n == size {
			break
		}
	}
	if at < 0 {
		return zipEnd{}, false
	}
	le := binary.LittleEndian
	records, dirSize, dirOffset := uint64(le.Uint16(buf[10:])), uint64(le.Uint32(buf[12:])), uint64(le.Uint32(buf[16:]))
	dirEnd := at
	if records == 0xffff || dirSize == 0xffff || dirOffset == 0xffffffff {
		var loc [loc64Len]byte
		if at-loc64Len >= 0 {
			if _, err := r.ReadAt(loc[:], at-loc64Len); err == nil && le.Uint32(loc[:]) == sigEOCD64Loc &&
				le.Uint32(loc[4:]) == 0 && le.Uint32(loc[16:]) == 1 {
				off := le.Uint64(loc[8:])
				var rec [eocd64Len]byte
				if off > uint64(size) || uint64(size)-off < eocd64Len {
					return zipEnd{}, false
				}
				if _, err := r.ReadAt(rec[:], int64(off)); err != nil || le.Uint32(rec[:]) != sigEOCD64 {
					return zipEnd{}, false
				}
				dirEnd = int64(off)
				records, dirSize, dirOffset = le.Uint64(rec[32:]), le.Uint64(rec[40:]), le.Uint64(rec[48:])
			}
		}
	}
	const maxInt64 = 1<<63 - 1
	if dirSize > maxInt64 || dirOffset > maxInt64 {
		return zipEnd{}, false
	}
	// archive/zip reads the directory from dirEnd - dirSize (the declared
	// offset plus its "base offset", which covers data prepended to the
	// zip), or, when that base is positive but a header sits at the offset
	// as written, from there. Both are counted; archive/zip refuses a
	// start outside the file.
	start := dirEnd - int64(dirSize)
	if start < 0 || start >= size {
		return zipEnd{}, false
	}
	end.records, end.starts = records, []int64{start}
	if base := start - int64(dirOffset); base > 0 {
		end.starts = append(end.starts, int64(dirOffset))
	}
	return end, true
}

// minCentralHeader is the size of a central directory header with an empty
// name, extra field and comment: no entry takes fewer bytes.
const minCentralHeader = 46

// countZipEntries counts the central directory headers archive/zip would
// load, reading them from each start it may use and stopping past limit. The
// count in the end record cannot be trusted: it is 16 bits in a zip
// without zip64, archive/zip compares only those 16 bits, and reads
// headers until one fails to parse. Memory is one read buffer.
func countZipEntries(ctx context.Context, r io.ReaderAt, size int64, end zipEnd, limit int) (int, error) {
	most := 0
	for _, start := range end.starts {
		n, err := countCentralHeaders(ctx, r, start, size, limit)
		if err != nil {
			return 0, err
		}
		most = max(most, n)
	}
	return most, nil
}

// countCentralHeaders counts consecutive central directory headers from
// start, stopping at the first that is not one, or past limit.
func countCentralHeaders(ctx context.Context, r io.ReaderAt, start, size int64, limit int) (int, error) {
	if start < 0 || start >= size {
		return 0, nil
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 64<<10)
	var h [minCentralHeader]byte
	le := binary.LittleEndian
	for n := 0; ; n++ {
		if n > limit {
			return n, nil
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if _, err := io.ReadFull(br, h[:]); err != nil || le.Uint32(h[:]) != sigCentral {
			return n, nil
		}
		skip := int(le.Uint16(h[28:])) + int(le.Uint16(h[30:])) + int(le.Uint16(h[32:]))
		if _, err := br.Discard(skip); err != nil {
			return n, nil
		}
	}
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

// Package disttest writes wheels and sdists for tests: valid by default, and
// broken in chosen ways through options.
//
// The files are deterministic (fixed timestamps), so the same options give the
// same bytes and the same digests. disttest imports nothing else of pyup, so
// pkg/dist's own tests can use it.
//
//	whl := disttest.Wheel(t, t.TempDir(), disttest.Name("My.Pkg"), disttest.Omit("RECORD"))
//	sd := disttest.Sdist(t, t.TempDir(), disttest.Header("Classifier", "Not :: Real"))
package disttest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Zip compression methods, for FileMethod and MetadataMethod.
const (
	Store   uint16 = zip.Store   // 0
	Deflate uint16 = zip.Deflate // 8
	// Bzip2 (12) is a method PyPI refuses; disttest labels the data with it
	// but stores it uncompressed, which is enough for readers to refuse it.
	Bzip2 uint16 = 12
)

// modTime is every member's timestamp, so that output is reproducible.
var modTime = time.Date(2024, 1, 2, 3, 4, 6, 0, time.UTC)

type field struct{ name, value string }

type member struct {
	path   string
	data   []byte
	method uint16
	raw    bool // sdist: path is from the archive root, not under the top dir
}

type spec struct {
	name, version, metadataVersion string
	fields                         []field
	body                           string
	rawMetadata                    []byte
	hugeMetadata                   int64
	metadataMethod                 uint16
	members                        []member
	omit                           map[string]bool
	distInfo, top                  string
	py, abi, plat, build           string
	filename                       string
	truncate                       int64
	truncateSet                    bool
	manyMembers                    int
	zipSdist                       bool
	dataDescriptor                 bool
}

// Opt changes what Wheel and Sdist write.
type Opt func(*spec)

func newSpec(opts []Opt) *spec {
	s := &spec{
		name:            "example",
		version:         "1.0.0",
		metadataVersion: "2.4",
		metadataMethod:  Deflate,
		py:              "py3",
		abi:             "none",
		plat:            "any",
		omit:            map[string]bool{},
	}
	s.fields = []field{
		{"Metadata-Version", ""}, // filled from s.metadataVersion
		{"Name", ""},
		{"Version", ""},
		{"Summary", "A package for tests"},
		{"Requires-Python", ">=3.9"},
		{"Description-Content-Type", "text/markdown"},
	}
	s.body = "# example\n\nA package for tests.\n"
	for _, o := range opts {
		o(s)
	}
	for i, f := range s.fields {
		switch {
		case f.name == "Metadata-Version" && f.value == "":
			s.fields[i].value = s.metadataVersion
		case f.name == "Name" && f.value == "":
			s.fields[i].value = s.name
		case f.name == "Version" && f.value == "":
			s.fields[i].value = s.version
		}
	}
	return s
}

// Name sets the project name (default "example"). File and directory names
// use its normalized form with '_' ("My.Pkg" -> "my_pkg"), as PEP 491 and
// PEP 625 require; the Name header keeps it as given.
func Name(name string) Opt { return func(s *spec) { s.name = name } }

// Version sets the version (default "1.0.0"), written as given everywhere.
func Version(v string) Opt { return func(s *spec) { s.version = v } }

// MetadataVersion sets the Metadata-Version header (default "2.4").
func MetadataVersion(v string) Opt { return func(s *spec) { s.metadataVersion = v } }

// Header appends a header to the metadata; call it again for multi-use
// fields (Classifier, Requires-Dist, ...).
func Header(name, value string) Opt {
	return func(s *spec) { s.fields = append(s.fields, field{name, value}) }
}

// SetHeader replaces every header called name (case-insensitively) by one
// with value, where the first one was; it appends it when there is none.
// SetHeader("Name", "Other") writes a Name header differing from the file
// names.
func SetHeader(name, value string) Opt {
	return func(s *spec) {
		out := s.fields[:0:0]
		done := false
		for _, f := range s.fields {
			if strings.EqualFold(f.name, name) {
				if !done {
					out = append(out, field{name, value})
					done = true
				}
				continue
			}
			out = append(out, f)
		}
		if !done {
			out = append(out, field{name, value})
		}
		s.fields = out
	}
}

// DropHeader removes every header called name (case-insensitively), for
// example DropHeader("Version") or DropHeader("Description-Content-Type").
func DropHeader(name string) Opt {
	return func(s *spec) {
		out := s.fields[:0:0]
		for _, f := range s.fields {
			if !strings.EqualFold(f.name, name) {
				out = append(out, f)
			}
		}
		s.fields = out
	}
}

// Body sets the metadata body, the long description (default a short
// Markdown text). Body("") writes none.
func Body(text string) Opt { return func(s *spec) { s.body = text } }

// ContentType sets Description-Content-Type (default "text/markdown");
// ContentType("") removes the header.
func ContentType(ct string) Opt {
	return func(s *spec) {
		if ct == "" {
			DropHeader("Description-Content-Type")(s)
			return
		}
		SetHeader("Description-Content-Type", ct)(s)
	}
}

// DescriptionHeader writes the long description the pre-2.1 way, as a
// Description header whose continuation lines are indented by 8 spaces (as
// setuptools writes it), and no body.
func DescriptionHeader(text string) Opt {
	return func(s *spec) {
		s.body = ""
		SetHeader("Description", strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n        "))(s)
	}
}

// Classifiers appends one Classifier header per value.
func Classifiers(cs ...string) Opt {
	return func(s *spec) {
		for _, c := range cs {
			s.fields = append(s.fields, field{"Classifier", c})
		}
	}
}

// RawMetadata makes METADATA / PKG-INFO exactly these bytes, ignoring every
// header and body option.
func RawMetadata(b []byte) Opt { return func(s *spec) { s.rawMetadata = b } }

// HugeMetadata pads the metadata body until METADATA / PKG-INFO is at least
// n bytes. The padding is streamed, never held in memory, so n may exceed
// available memory; deflated, a gigabyte of it takes about a megabyte.
func HugeMetadata(n int64) Opt { return func(s *spec) { s.hugeMetadata = n } }

// MetadataMethod sets the zip compression method of METADATA (default
// Deflate); wheels and zip sdists only.
func MetadataMethod(m uint16) Opt { return func(s *spec) { s.metadataMethod = m } }

// File adds a member with contents data, deflated. For a wheel, path is from
// the archive root; for an sdist, under the top-level directory.
func File(path string, data []byte) Opt { return FileMethod(path, data, Deflate) }

// FileMethod is File with a zip compression method (Store, Deflate, Bzip2 or
// any other number, which is labelled but stored); tar ignores it.
func FileMethod(path string, data []byte, method uint16) Opt {
	return func(s *spec) { s.members = append(s.members, member{path: path, data: data, method: method}) }
}

// RootFile adds an sdist member at path from the archive root, outside the
// top-level directory: RootFile("other/setup.py", nil) makes a second
// top-level directory. For a wheel it is the same as File.
func RootFile(path string, data []byte) Opt {
	return func(s *spec) {
		s.members = append(s.members, member{path: path, data: data, method: Deflate, raw: true})
	}
}

// LicenseFile adds a License-File header for path and the file itself, at
// {dist-info}/licenses/{path} in a wheel and {top}/{path} in an sdist.
func LicenseFile(path string, data []byte) Opt {
	return func(s *spec) {
		s.fields = append(s.fields, field{"License-File", path})
		s.members = append(s.members, member{path: "\x00license/" + path, data: data, method: Deflate})
	}
}

// Omit leaves out generated files by base name: "METADATA", "WHEEL",
// "RECORD" (wheels) or "PKG-INFO" (sdists).
func Omit(names ...string) Opt {
	return func(s *spec) {
		for _, n := range names {
			s.omit[n] = true
		}
	}
}

// DistInfoDir names the wheel's .dist-info directory (default
// "{name}-{version}.dist-info" with the file-name form of the name).
func DistInfoDir(dir string) Opt { return func(s *spec) { s.distInfo = dir } }

// TopDir names the sdist's top-level directory (default "{name}-{version}"
// with the file-name form of the name).
func TopDir(dir string) Opt { return func(s *spec) { s.top = dir } }

// Tags sets the wheel's python, ABI and platform tags (default "py3",
// "none", "any"); compressed sets are written as given ("py2.py3").
func Tags(python, abi, platform string) Opt {
	return func(s *spec) { s.py, s.abi, s.plat = python, abi, platform }
}

// BuildTag adds a build tag to the wheel file name.
func BuildTag(tag string) Opt { return func(s *spec) { s.build = tag } }

// Filename overrides the output file name (a base name). The archive's
// contents keep their defaults, so this makes names disagree.
func Filename(name string) Opt { return func(s *spec) { s.filename = name } }

// Truncate cuts the written file to n bytes; a negative n cuts -n bytes off
// its end.
func Truncate(n int64) Opt { return func(s *spec) { s.truncate, s.truncateSet = n, true } }

// ManyMembers adds n empty members ("pkg_data/0", "pkg_data/1", ...).
func ManyMembers(n int) Opt { return func(s *spec) { s.manyMembers = n } }

// DataDescriptor writes zip members the way zip.Writer streams them, sizes
// and CRC in a data descriptor after the data, which PyPI refuses ("ZIP
// contains a data descriptor"). By default disttest writes them in the local
// header, as Python's zipfile does.
func DataDescriptor() Opt { return func(s *spec) { s.dataDescriptor = true } }

// ZipSdist makes Sdist write a legacy .zip sdist instead of .tar.gz.
func ZipSdist() Opt { return func(s *spec) { s.zipSdist = true } }

// Metadata returns the METADATA / PKG-INFO bytes the options describe
// (HugeMetadata is ignored).
func Metadata(opts ...Opt) []byte {
	s := newSpec(opts)
	s.hugeMetadata = 0
	var b bytes.Buffer
	s.writeMetadata(&b)
	return b.Bytes()
}

// fileName returns the PEP 491 / PEP 625 form of a project name.
func fileName(name string) string {
	var b strings.Builder
	run := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			if !run {
				b.WriteByte('_')
			}
			run = true
			continue
		}
		run = false
		b.WriteRune(r)
	}
	return b.String()
}

func (s *spec) metadataHead() []byte {
	if s.rawMetadata != nil {
		return s.rawMetadata
	}
	var b bytes.Buffer
	for _, f := range s.fields {
		fmt.Fprintf(&b, "%s: %s\n", f.name, f.value)
	}
	if s.body != "" {
		b.WriteString("\n")
		b.WriteString(s.body)
	}
	return b.Bytes()
}

// metadataSize is the size writeMetadata writes.
func (s *spec) metadataSize() int64 {
	n := int64(len(s.metadataHead()))
	if pad := s.hugeMetadata - n; pad > 0 {
		if s.body == "" && s.rawMetadata == nil {
			n++ // the blank line before the padding
		}
		return n + pad
	}
	return n
}

// padLine is reused for HugeMetadata padding: 64 KiB lines of 'x'.
var padLine = func() []byte {
	b := bytes.Repeat([]byte{'x'}, 64<<10)
	b[len(b)-1] = '\n'
	return b
}()

func (s *spec) writeMetadata(w io.Writer) error {
	head := s.metadataHead()
	if _, err := w.Write(head); err != nil {
		return err
	}
	pad := s.hugeMetadata - int64(len(head))
	if pad <= 0 {
		return nil
	}
	if s.body == "" && s.rawMetadata == nil {
		if _, err := w.Write([]byte{'\n'}); err != nil {
			return err
		}
	}
	for pad > 0 {
		chunk := padLine
		if pad < int64(len(chunk)) {
			chunk = chunk[len(chunk)-int(pad):]
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		pad -= int64(len(chunk))
	}
	return nil
}

// Wheel writes a wheel into dir and returns its path; it fails t on error.
// By default the wheel is valid: METADATA, WHEEL and a correct RECORD in
// {name}-{version}.dist-info, one module, named
// {name}-{version}-py3-none-any.whl.
func Wheel(t testing.TB, dir string, opts ...Opt) string {
	t.Helper()
	p, err := BuildWheel(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Sdist writes an sdist into dir and returns its path; it fails t on error.
// By default the sdist is valid: {name}-{version}/ holding PKG-INFO,
// pyproject.toml and a module, named {name}-{version}.tar.gz.
func Sdist(t testing.TB, dir string, opts ...Opt) string {
	t.Helper()
	p, err := BuildSdist(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BuildWheel is Wheel for callers without a testing.TB (testscript commands).
func BuildWheel(dir string, opts ...Opt) (string, error) {
	s := newSpec(opts)
	fn := fileName(s.name)
	if s.distInfo == "" {
		s.distInfo = fn + "-" + s.version + ".dist-info"
	}
	name := s.filename
	if name == "" {
		tags := s.py + "-" + s.abi + "-" + s.plat
		if s.build != "" {
			tags = s.build + "-" + tags
		}
		name = fn + "-" + s.version + "-" + tags + ".whl"
	}
	path := filepath.Join(dir, name)
	err := s.writeFile(path, func(w io.Writer) error { return s.writeWheel(w, fn) })
	return path, err
}

// BuildSdist is Sdist for callers without a testing.TB (testscript commands).
func BuildSdist(dir string, opts ...Opt) (string, error) {
	s := newSpec(opts)
	fn := fileName(s.name)
	if s.top == "" {
		s.top = fn + "-" + s.version
	}
	name := s.filename
	if name == "" {
		name = fn + "-" + s.version + ".tar.gz"
		if s.zipSdist {
			name = fn + "-" + s.version + ".zip"
		}
	}
	path := filepath.Join(dir, name)
	err := s.writeFile(path, func(w io.Writer) error {
		if s.zipSdist {
			return s.writeZipSdist(w, fn)
		}
		return s.writeTarSdist(w, fn)
	})
	return path, err
}

func (s *spec) writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("disttest: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if s.truncateSet {
		n := s.truncate
		if n < 0 {
			st, err := os.Stat(path)
			if err != nil {
				return err
			}
			n = max(st.Size()+n, 0)
		}
		return os.Truncate(path, n)
	}
	return nil
}

// entry is one archive member to write: either data or a streamed body.
type entry struct {
	path   string
	data   []byte
	size   int64
	stream func(io.Writer) error
	method uint16
}

func (s *spec) commonEntries(licenseDir, under string) []entry {
	var es []entry
	for _, m := range s.members {
		p := m.path
		if rest, ok := strings.CutPrefix(p, "\x00license/"); ok {
			p = licenseDir + rest
		} else if !m.raw {
			p = under + p
		}
		es = append(es, entry{path: p, data: m.data, method: m.method})
	}
	for i := 0; i < s.manyMembers; i++ {
		es = append(es, entry{path: fmt.Sprintf("%spkg_data/%d", under, i), method: Store})
	}
	return es
}

func (s *spec) metadataEntry(path string) entry {
	return entry{path: path, size: s.metadataSize(), stream: s.writeMetadata, method: s.metadataMethod}
}

func (s *spec) writeWheel(w io.Writer, fn string) error {
	di := s.distInfo + "/"
	es := []entry{{path: fn + "/__init__.py", data: []byte(fmt.Sprintf("__version__ = %q\n", s.version)), method: Deflate}}
	es = append(es, s.commonEntries(di+"licenses/", "")...)
	if !s.omit["METADATA"] {
		es = append(es, s.metadataEntry(di+"METADATA"))
	}
	if !s.omit["WHEEL"] {
		wheel := "Wheel-Version: 1.0\nGenerator: disttest\nRoot-Is-Purelib: true\n"
		for _, py := range strings.Split(s.py, ".") {
			for _, abi := range strings.Split(s.abi, ".") {
				for _, plat := range strings.Split(s.plat, ".") {
					wheel += "Tag: " + py + "-" + abi + "-" + plat + "\n"
				}
			}
		}
		if s.build != "" {
			wheel += "Build: " + s.build + "\n"
		}
		es = append(es, entry{path: di + "WHEEL", data: []byte(wheel), method: Deflate})
	}
	zw := zip.NewWriter(w)
	var record strings.Builder
	for _, e := range es {
		sum, n, err := s.writeZipEntry(zw, e)
		if err != nil {
			return err
		}
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", csvQuote(e.path), sum, n)
	}
	if !s.omit["RECORD"] {
		record.WriteString(csvQuote(di+"RECORD") + ",,\n")
		if _, _, err := s.writeZipEntry(zw, entry{path: di + "RECORD", data: []byte(record.String()), method: Deflate}); err != nil {
			return err
		}
	}
	return zw.Close()
}

// csvQuote quotes a RECORD path the way Python's csv module would.
func csvQuote(p string) string {
	if strings.ContainsAny(p, ",\"\r\n") {
		return `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
	}
	return p
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (s *spec) writeZipEntry(zw *zip.Writer, e entry) (string, int64, error) {
	if e.method != Store && e.method != Deflate {
		// Write the data unchanged under the foreign method's number: enough
		// for a reader to refuse it.
		zw.RegisterCompressor(e.method, func(w io.Writer) (io.WriteCloser, error) { return nopCloser{w}, nil })
	}
	if s.dataDescriptor {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.path, Method: e.method, Modified: modTime})
		if err != nil {
			return "", 0, err
		}
		return writeBody(fw, e)
	}
	// PyPI refuses zips with data descriptors, which zip.Writer writes for
	// every streamed member: compress first, then write the member raw with
	// its sizes and CRC in the local header, as Python's zipfile does.
	var comp bytes.Buffer
	var cw io.WriteCloser = nopCloser{&comp}
	if e.method == Deflate {
		fw, err := flate.NewWriter(&comp, flate.DefaultCompression)
		if err != nil {
			return "", 0, err
		}
		cw = fw
	}
	crc := crc32.NewIEEE()
	sum, n, err := writeBody(io.MultiWriter(cw, crc), e)
	if err != nil {
		return "", 0, err
	}
	if err := cw.Close(); err != nil {
		return "", 0, err
	}
	hdr := &zip.FileHeader{
		Name:               e.path,
		Method:             e.method,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: uint64(n),
		ModifiedTime:       uint16(modTime.Hour()<<11 | modTime.Minute()<<5 | modTime.Second()/2),
		ModifiedDate:       uint16((modTime.Year()-1980)<<9 | int(modTime.Month())<<5 | modTime.Day()),
		CreatorVersion:     3<<8 | 20, // Unix, zip 2.0
		ExternalAttrs:      0o644 << 16,
	}
	if !isASCII(e.path) {
		hdr.Flags |= 0x800 // the name is UTF-8
	}
	rw, err := zw.CreateRaw(hdr)
	if err != nil {
		return "", 0, err
	}
	if _, err := comp.WriteTo(rw); err != nil {
		return "", 0, err
	}
	return sum, n, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// writeBody writes e's contents and returns its RECORD hash and size.
func writeBody(w io.Writer, e entry) (string, int64, error) {
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	var err error
	if e.stream != nil {
		err = e.stream(cw)
	} else {
		_, err = cw.Write(e.data)
	}
	return recordHash(h), cw.n, err
}

func recordHash(h hash.Hash) string {
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *spec) sdistEntries(fn string) []entry {
	top := s.top + "/"
	es := []entry{}
	if !s.omit["PKG-INFO"] {
		es = append(es, s.metadataEntry(top+"PKG-INFO"))
	}
	es = append(es,
		entry{path: top + "pyproject.toml", data: []byte(fmt.Sprintf("[project]\nname = %q\nversion = %q\n", s.name, s.version)), method: Deflate},
		entry{path: top + "src/" + fn + "/__init__.py", data: []byte(fmt.Sprintf("__version__ = %q\n", s.version)), method: Deflate},
	)
	return append(es, s.commonEntries(top, top)...)
}

func (s *spec) writeTarSdist(w io.Writer, fn string) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	gz.ModTime = modTime
	tw := tar.NewWriter(gz)
	for _, e := range s.sdistEntries(fn) {
		size := e.size
		if e.stream == nil {
			size = int64(len(e.data))
		}
		hdr := &tar.Header{Name: e.path, Mode: 0o644, Size: size, ModTime: modTime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, _, err := writeBody(tw, e); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func (s *spec) writeZipSdist(w io.Writer, fn string) error {
	zw := zip.NewWriter(w)
	for _, e := range s.sdistEntries(fn) {
		if _, _, err := s.writeZipEntry(zw, e); err != nil {
			return err
		}
	}
	return zw.Close()
}

package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/url"
	"path"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// parseHTML parses page whole and one byte at a time (every chunk boundary
// falls everywhere once) and checks both agree.
func parseHTML(t testing.TB, page string) (map[string]string, error) {
	t.Helper()
	base := mustURL(t, "https://x/simple/a/")
	got, err := parseSimpleHTML(context.Background(), strings.NewReader(page), base, maxSimpleFiles)
	got1, err1 := parseSimpleHTML(context.Background(), iotest.OneByteReader(strings.NewReader(page)), base, maxSimpleFiles)
	if (err == nil) != (err1 == nil) || !maps.Equal(got, got1) {
		t.Fatalf("page %q: whole %v, %v; byte by byte %v, %v", page, got, err, got1, err1)
	}
	return got, err
}

func TestParseSimpleHTML(t *testing.T) {
	page := `<html><body><a href="../../files/a-1.0.tar.gz#sha256=ABCDEF" data-requires-python="&gt;=3">a-1.0.tar.gz</a><br>
<A HREF='/f/a-1.0-py3-none-any.whl#md5=00'>a-1.0-py3-none-any.whl</A><abbr title="x">no</abbr></body></html>`
	got, err := parseHTML(t, page)
	if err != nil || got["a-1.0.tar.gz"] != "abcdef" || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	if v, ok := got["a-1.0-py3-none-any.whl"]; !ok || v != "" {
		t.Fatalf("got %v", got)
	}

	for _, tc := range []struct {
		page string
		want map[string]string
	}{
		// Text with markup, no text, no end tag, an unterminated end tag:
		// the URL's last segment names the file.
		{`<a href="/f/x-1.tar.gz#sha256=AA"><span>x</span></a>`, map[string]string{"x-1.tar.gz": "aa"}},
		{`<a href="/f/x-1.tar.gz"></a>`, map[string]string{"x-1.tar.gz": ""}},
		{`<a href="/f/x-1.tar.gz">x-2.tar.gz`, map[string]string{"x-1.tar.gz": ""}},
		{`<a href="/f/x-1.tar.gz">x-2.tar.gz</a`, map[string]string{"x-2.tar.gz": ""}},
		{`<a href="/f/x-1.tar.gz">x-2.tar.gz<br><a href=/f/y.whl>y.whl</a>`, map[string]string{"x-1.tar.gz": "", "y.whl": ""}},
		{`<a href="/f/x-1.tar.gz">&lt;b&gt;</a>`, map[string]string{"x-1.tar.gz": ""}},
		{`<a href=/f/x-1.tar.gz#sha256=ab>  x &amp; y  </a>`, map[string]string{"x & y": "ab"}},
		{"<a\thref=/f/z.whl>z.whl</abbr>", map[string]string{"z.whl": ""}},
		// Not anchors.
		{`<abbr href=/f/q.whl>q.whl</abbr><area href=/f/r.whl>`, map[string]string{}},
		{`<a href="%zz">bad URL</a>`, map[string]string{}},
		// A tag never closed ends the page.
		{`<a href=/f/ok.whl>ok.whl</a><a href=/f/no.whl`, map[string]string{"ok.whl": ""}},
		// An anchor with no href names the project page's segment.
		{`<a >`, map[string]string{"a": ""}},
		{`<a>`, map[string]string{"a": ""}},
	} {
		got, err := parseHTML(t, tc.page)
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.page, got, err, tc.want)
		}
	}

	// A text longer than maxSimpleText is not a file name; a tag longer
	// than maxSimpleTag is no anchor.
	long := strings.Repeat("n", maxSimpleText+1)
	got, _ = parseHTML(t, `<a href=/f/u.whl>`+long+`</a>`)
	if !maps.Equal(got, map[string]string{"u.whl": ""}) {
		t.Errorf("long text: %d files", len(got))
	}
	got, _ = parseHTML(t, `<a href=/f/v.whl `+strings.Repeat("x", maxSimpleTag)+`>v.whl</a>`)
	if len(got) != 0 {
		t.Errorf("long tag: %v", got)
	}
}

// oldParseSimpleHTML is the parser this package had before it parsed in
// one pass (quadratic on a page of "<a >"): on well-formed pages the new one
// must agree with it.
func oldParseSimpleHTML(page string, base *url.URL) map[string]string {
	files := map[string]string{}
	lower := strings.ToLower(page)
	for i := 0; ; {
		j := strings.Index(lower[i:], "<a")
		if j < 0 {
			break
		}
		start := i + j
		end := strings.IndexByte(page[start:], '>')
		if end < 0 {
			break
		}
		tag := page[start : start+end]
		i = start + end + 1
		if len(tag) > 2 && !isSpace(tag[2]) {
			continue
		}
		closeIdx := strings.Index(lower[i:], "</a")
		text := ""
		if closeIdx >= 0 {
			text = strings.TrimSpace(html.UnescapeString(page[i : i+closeIdx]))
		}
		ref, err := url.Parse(html.UnescapeString(string(attr([]byte(tag), "href"))))
		if err != nil {
			continue
		}
		name := text
		if name == "" || strings.ContainsAny(name, "<>") {
			name = path.Base(base.ResolveReference(ref).Path)
		}
		sha := ""
		if k, v, ok := strings.Cut(ref.Fragment, "="); ok && strings.EqualFold(k, "sha256") {
			sha = strings.ToLower(v)
		}
		files[name] = sha
	}
	return files
}

func TestParseSimpleHTMLAgreesWithTheOldParser(t *testing.T) {
	base := mustURL(t, "https://x/simple/demo/")
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\"><title>Links for demo</title></head><body><h1>Links for demo</h1>\n")
	for i := range 300 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `<a href="https://files.example/p/demo-%d.tar.gz#sha256=%064X" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=00">demo-%d.tar.gz</a><br />`+"\n", i, i, i)
		case 1:
			fmt.Fprintf(&b, "<A\nHREF='../../p/demo-%d-py3-none-any.whl'>\n  demo-%d-py3-none-any.whl\n</A>\n", i, i)
		case 2:
			fmt.Fprintf(&b, `<a href=/p/demo-%d.zip#md5=00 data-yanked="">demo-%d.zip</a>`, i, i)
		case 3:
			fmt.Fprintf(&b, `<a href="/p/demo-%d.whl#sha256=ab"></a><abbr>x</abbr>`, i)
		}
	}
	b.WriteString("</body></html>\n")
	page := b.String()
	got, err := parseHTML(t, page)
	if want := oldParseSimpleHTML(page, base); err != nil || !maps.Equal(got, want) || len(got) != 300 {
		t.Fatalf("got %d files, %v; the old parser %d", len(got), err, len(want))
	}
}

func parseJSON(t testing.TB, page string) (map[string]string, error) {
	t.Helper()
	got, err := parseSimpleJSON(context.Background(), strings.NewReader(page), maxSimpleFiles)
	got1, err1 := parseSimpleJSON(context.Background(), iotest.OneByteReader(strings.NewReader(page)), maxSimpleFiles)
	if (err == nil) != (err1 == nil) || !maps.Equal(got, got1) {
		t.Fatalf("page %q: whole %v, %v; byte by byte %v, %v", page, got, err, got1, err1)
	}
	return got, err
}

// simpleFile is the part of a PEP 691 file entry the reference reads.
type simpleFile struct {
	Filename string `json:"filename"`
	Hashes   struct {
		SHA256 string `json:"sha256"`
	} `json:"hashes"`
}

// refParseSimpleJSON decodes the whole page with encoding/json, as this
// package did before it streamed: where it succeeds, the streaming parser
// must agree.
func refParseSimpleJSON(r io.Reader) (map[string]string, error) {
	var page struct {
		Files []simpleFile `json:"files"`
	}
	if err := json.NewDecoder(r).Decode(&page); err != nil {
		return nil, err
	}
	files := make(map[string]string, len(page.Files))
	for _, f := range page.Files {
		files[f.Filename] = strings.ToLower(f.Hashes.SHA256)
	}
	return files, nil
}

func TestParseSimpleJSON(t *testing.T) {
	for _, tc := range []struct {
		page string
		want map[string]string // nil: an error
	}{
		{`{"meta": {"api-version": "1.1"}, "name": "a", "files": [
			{"filename": "a-1.tar.gz", "url": "u", "hashes": {"sha256": "ABCD", "md5": "x"}, "yanked": false, "core-metadata": {"sha256": "00"}},
			{"filename": "a-1.whl", "hashes": {}}], "versions": ["1"]}`,
			map[string]string{"a-1.tar.gz": "abcd", "a-1.whl": ""}},
		{`{"files": []}`, map[string]string{}},
		{`{}`, map[string]string{}},
		{`null`, map[string]string{}},
		{`{"files": null}`, map[string]string{}},
		// encoding/json would decode the second list into the entries of
		// the first, keeping what the second leaves out.
		{`{"files": [{"filename": "x"}], "Files": [{"filename": "y"}]}`, nil},
		{`{"files": [{"filename": "x", "FILENAME": null, "hashes": {"sha256": "a"}, "hashes": null, "Hashes": {"md5": "b"}}]}`, map[string]string{"x": "a"}},
		{`{"files": [{"filename": "x\u00e9\ud83d\ude00\ud800\u0041\/\"` + "\xff" + `"}]}`, map[string]string{"x\u00e9\U0001F600\uFFFDA/\"\uFFFD": ""}},
		{`{"files": [{"filename": "` + strings.Repeat("x", maxSimpleText+1) + `"}]}`, nil},
		{`{"files": [{"filename": "x", "size": -1.5e+3, "yanked": true, "u": [false, null, {}, [], "\u0000"]}]}`, map[string]string{"x": ""}},
		{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), nil},
		{`{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `, "files": [{"filename": "deep"}]}`, map[string]string{"deep": ""}},
		{`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, nil},
		{`null `, map[string]string{}},
		{`nullx`, map[string]string{}},
		{`{"files": [01]}`, nil},
		{`{"files": [{"filename": "x",}]}`, nil},
		{`{"files": [{"filename": "x"},]}`, nil},
		{`{"files": [{"filename": "\x"}]}`, nil},
		{"{\"files\": [{\"filename\": \"a\tb\"}]}", nil},
		{`{"files": [{"filename": "x"}], "n": 1.}`, nil},
		{`{"files": [{"filename": "x"}], "n": -}`, nil},
		{`{"files": [{"filename": "x"}], "n": tru}`, nil},
		{`{"FILES": [{"FileName": "x", "HASHES": {"SHA256": "Ab"}}]}`, map[string]string{"x": "ab"}},
		{`{"files": [{"filename": "x"}]} trailing`, map[string]string{"x": ""}},
		{`{"files": [null]}`, map[string]string{"": ""}},
		{`{"files": [1]}`, nil},
		{`{"files": {"filename": "x"}}`, nil},
		{`{"files": [{"filename": 5}]}`, nil},
		{`{"files": [{"filename": "x"}`, nil},
		{`[]`, nil},
		{`{"meta": {"a": [1, {"b": [}]}, "files": []}`, nil},
		{``, nil},
	} {
		got, err := parseJSON(t, tc.page)
		if tc.want == nil {
			if err == nil || !strings.Contains(err.Error(), "invalid PEP 691 JSON") {
				t.Errorf("%q: got %v, %v; want an error", tc.page, got, err)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.page, got, err, tc.want)
		}
		if ref, rerr := refParseSimpleJSON(strings.NewReader(tc.page)); rerr != nil || !maps.Equal(ref, got) {
			// Where the streaming parser accepts a page, encoding/json does.
			t.Errorf("%q: encoding/json says %v, %v", tc.page, ref, rerr)
		}
	}
}

// hugeHTML and hugeJSON build pages of n files; bomb builds n bare "<a >".
func hugeHTML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<html><body>\n")
	for i := range n {
		fmt.Fprintf(&b, "<a href=\"/files/demo/demo-%d.0.tar.gz#sha256=%064x\">demo-%d.0.tar.gz</a><br />\n", i, i, i)
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

func hugeJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"meta": {"api-version": "1.1"}, "name": "demo", "files": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"filename": "demo-%d.0.tar.gz", "url": "/files/demo/demo-%d.0.tar.gz", "hashes": {"sha256": "%064x"}, "size": 1, "yanked": false}`, i, i, i)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

func TestParseSimpleTooManyFiles(t *testing.T) {
	const max = 1000
	var b bytes.Buffer
	for i := range max + 1 {
		fmt.Fprintf(&b, "<a>%d</a>", i)
	}
	base := mustURL(t, "https://x/simple/a/")
	if _, err := parseSimpleHTML(context.Background(), &b, base, max); !errors.Is(err, errTooManyFiles) {
		t.Errorf("HTML: %v", err)
	}
	b.Reset()
	b.WriteString(`{"files": [`)
	for i := range max + 1 {
		fmt.Fprintf(&b, `{"filename": "%d"},`, i)
	}
	b.WriteString(`{}]}`)
	if _, err := parseSimpleJSON(context.Background(), &b, max); !errors.Is(err, errTooManyFiles) {
		t.Errorf("JSON: %v", err)
	}
	// Exactly max files, or one name repeated, is no error.
	if got, err := parseSimpleJSON(context.Background(), bytes.NewReader(hugeJSON(max)), max); err != nil || len(got) != max {
		t.Errorf("JSON, %d files: %d, %v", max, len(got), err)
	}
	same := strings.Repeat("<a>x</a>", max+10)
	if got, err := parseSimpleHTML(context.Background(), strings.NewReader(same), base, max); err != nil || len(got) != 1 {
		t.Errorf("one name repeated: %d, %v", len(got), err)
	}
}

// endless yields a page prefix and then repeats unit forever.
type endless struct {
	prefix []byte
	unit   []byte
	off    int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.prefix) > 0 {
			c := copy(p[n:], e.prefix)
			e.prefix = e.prefix[c:]
			n += c
			continue
		}
		c := copy(p[n:], e.unit[e.off:])
		e.off = (e.off + c) % len(e.unit)
		n += c
	}
	return n, nil
}

// A parse fed from memory (no network read to interrupt) still ends when
// the context does.
func TestParseSimpleHonoursCancellation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func(ctx context.Context, r io.Reader) error
		r     io.Reader
	}{
		{"html", func(ctx context.Context, r io.Reader) error {
			_, err := parseSimpleHTML(ctx, r, mustURL(t, "https://x/simple/a/"), maxSimpleFiles)
			return err
		}, &endless{unit: []byte("<a >")}},
		{"json", func(ctx context.Context, r io.Reader) error {
			_, err := parseSimpleJSON(ctx, r, maxSimpleFiles)
			return err
		}, &endless{prefix: []byte(`{"files": [{}`), unit: []byte(`, {"filename": "x"}`)}},
		{"json-skipped-member", func(ctx context.Context, r io.Reader) error {
			_, err := parseSimpleJSON(ctx, r, maxSimpleFiles)
			return err
		}, &endless{prefix: []byte(`{"versions": [1`), unit: []byte(`, 1`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cause := errors.New("interrupted")
			ctx, cancel := context.WithCancelCause(context.Background())
			time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
			// The reader never ends: only the cancellation can end the parse.
			err := tc.parse(ctx, tc.r)
			if !errors.Is(err, cause) {
				t.Errorf("err = %v, want the context's cause", err)
			}
		})
	}
}

// BenchmarkParseSimpleHTML parses pages of bare "<a >" anchors (the page
// that made the old parser quadratic) and of realistic anchors: time per
// anchor stays flat from 200k to 2M.
//
//	go test -run '^$' -bench ParseSimpleHTML -benchmem ./pkg/upload/
func BenchmarkParseSimpleHTML(b *testing.B) {
	base := mustURL(b, "https://x/simple/demo/")
	for _, n := range []int{200_000, 2_000_000} {
		for _, kind := range []string{"bare", "real"} {
			page := bytes.Repeat([]byte("<a >"), n)
			if kind == "real" {
				page = hugeHTML(n)
			}
			b.Run(fmt.Sprintf("%s/anchors=%d", kind, n), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					if _, err := parseSimpleHTML(context.Background(), bytes.NewReader(page), base, n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/anchor")
			})
		}
	}
}

// BenchmarkParseSimpleJSON parses PEP 691 pages of 50k and 500k files
// (about 7 and 75 MiB). Allocations are the answer map plus garbage per
// entry: the page itself is never held.
//
//	go test -run '^$' -bench ParseSimpleJSON -benchmem ./pkg/upload/
func BenchmarkParseSimpleJSON(b *testing.B) {
	for _, n := range []int{50_000, 500_000} {
		page := hugeJSON(n)
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				files, err := parseSimpleJSON(context.Background(), bytes.NewReader(page), n)
				if err != nil || len(files) != n {
					b.Fatal(len(files), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
		})
	}
}

// FuzzParseSimple feeds both parsers arbitrary pages: no panic, the same
// answer whole and byte by byte, and for JSON the answer encoding/json gives
// where it accepts the page, and an error where it does not.
//
//	go test -run '^$' -fuzz FuzzParseSimple ./pkg/upload/
func FuzzParseSimple(f *testing.F) {
	f.Add([]byte(`<a href="../../f/a-1.tar.gz#sha256=AB">a-1.tar.gz</a><A HREF='/f/b.whl'>b.whl</A><abbr>x</abbr><a >`))
	f.Add([]byte(`<a href=/f/x.whl>x &amp; y<br></a><a href="%zz">z</a><a href=/f/q`))
	f.Add([]byte(`{"meta": {"api-version": "1.1"}, "files": [{"filename": "a-1.tar.gz", "hashes": {"sha256": "AB"}}, {"filename": "b"}], "versions": ["1"]}`))
	f.Add([]byte(`{"files": null, "FILES": [null, {"FileName": "x", "Hashes": {"SHA256": "c"}}]}`))
	base, _ := url.Parse("https://x/simple/a/")
	f.Fuzz(func(t *testing.T, page []byte) {
		h, herr := parseSimpleHTML(context.Background(), bytes.NewReader(page), base, maxSimpleFiles)
		h1, herr1 := parseSimpleHTML(context.Background(), iotest.OneByteReader(bytes.NewReader(page)), base, maxSimpleFiles)
		if (herr == nil) != (herr1 == nil) || !maps.Equal(h, h1) {
			t.Fatalf("HTML whole %v, %v; byte by byte %v, %v", h, herr, h1, herr1)
		}
		j, jerr := parseSimpleJSON(context.Background(), bytes.NewReader(page), maxSimpleFiles)
		j1, jerr1 := parseSimpleJSON(context.Background(), iotest.OneByteReader(bytes.NewReader(page)), maxSimpleFiles)
		if (jerr == nil) != (jerr1 == nil) || !maps.Equal(j, j1) {
			t.Fatalf("JSON whole %v, %v; byte by byte %v, %v", j, jerr, j1, jerr1)
		}
		if ref, rerr := refParseSimpleJSON(bytes.NewReader(page)); rerr == nil {
			if jerr != nil && (strings.Contains(jerr.Error(), "given twice") || strings.Contains(jerr.Error(), "longer than")) {
				return // refused on purpose
			}
			if jerr != nil || !maps.Equal(ref, j) {
				t.Fatalf("JSON: encoding/json %v; streaming %v, %v", ref, j, jerr)
			}
		} else if jerr == nil {
			t.Fatalf("JSON: encoding/json refuses the page (%v); streaming %v", rerr, j)
		}
	})
}

package dist

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseMetadata(t *testing.T) {
	in := "Metadata-Version: 2.1\r\n" +
		"Name: foo\r\n" +
		"Summary: one\r\n" +
		"  two\r\n" +
		"Classifier: A :: B\r\n" +
		"classifier: C :: D\r\n" +
		"Keywords:a,b  \r\n" +
		"\r\n" +
		"# Body\r\nText\r\n"
	m, err := ParseMetadata([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{"Metadata-Version", "2.1"},
		{"Name", "foo"},
		{"Summary", "one\r\n  two"},
		{"Classifier", "A :: B"},
		{"classifier", "C :: D"},
		{"Keywords", "a,b  "},
	}
	if !reflect.DeepEqual(m.Fields, want) {
		t.Errorf("Fields = %q\nwant %q", m.Fields, want)
	}
	if m.Body != "# Body\r\nText\r\n" {
		t.Errorf("Body = %q", m.Body)
	}
	if got := m.GetAll("CLASSIFIER"); !reflect.DeepEqual(got, []string{"A :: B", "C :: D"}) {
		t.Errorf("GetAll = %q", got)
	}
	if m.Name() != "foo" || m.MetadataVersion() != "2.1" || m.Version() != "" || m.Has("Version") || !m.Has("keywords") {
		t.Errorf("accessors: %q %q %q", m.Name(), m.MetadataVersion(), m.Version())
	}
	if m.Description() != m.Body {
		t.Errorf("Description = %q", m.Description())
	}
}

func TestParseMetadataInvalidUTF8(t *testing.T) {
	_, err := ParseMetadata([]byte("Name: foo\nSummary: caf\xe9\n"))
	if !errors.Is(err, ErrInvalidMetadata) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestDescriptionHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Description: one\n        two\n        \n        four\n", "one\ntwo\n\nfour"},
		{"Description: one\n       |two\n       |\n       |  four\n", "one\ntwo\n\n  four"},
		{"Description: one\r\n          indented\r\n", "one\n  indented"},
		{"Description: one\n\ttab\n", "one\ntab"},
		{"Description: single\n", "single"},
	}
	for _, tt := range tests {
		m, err := ParseMetadata([]byte("Metadata-Version: 1.2\n" + tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Description(); got != tt.want {
			t.Errorf("%q: Description() = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A body wins over the header, as packaging takes it.
	m, _ := ParseMetadata([]byte("Description: header\n\nbody\n"))
	if m.Description() != "body\n" {
		t.Errorf("Description() = %q", m.Description())
	}
}

// TestParseMetadataAgainstPython replays testdata/metadata.json, made by
// testdata/make-metadata.py with Python's email parser (compat32 policy).
func TestParseMetadataAgainstPython(t *testing.T) {
	data, err := os.ReadFile("testdata/metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Input  string
		Fields [][2]string
		Body   string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		in, _ := base64.StdEncoding.DecodeString(c.Input)
		m, err := ParseMetadata(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		var got [][2]string
		for _, f := range m.Fields {
			got = append(got, [2]string{f.Name, f.Value})
		}
		if len(got) == 0 && len(c.Fields) == 0 {
			got = c.Fields
		}
		if !reflect.DeepEqual(got, c.Fields) || m.Body != c.Body {
			t.Errorf("%q:\n got %q body %q\nwant %q body %q", in, got, m.Body, c.Fields, c.Body)
		}
	}
}

// TestParseMetadataFromLines pins Python's handling of "From " lines, which
// the generated cases rarely reach.
func TestParseMetadataFromLines(t *testing.T) {
	tests := []struct {
		in, body string
		fields   int
	}{
		{"From x\nName: y\nFrom z\n\nrest", "From z\nrest", 1},
		{"Name: y\nFrom z\nbad line\n", "From z\nbad line\n", 1},
		{"Name: y\nFrom z", "From z", 1},
		{"Name: y\nFrom z\nVersion: 1\n\nb", "b", 2},
	}
	for _, tt := range tests {
		m, err := ParseMetadata([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if m.Body != tt.body || len(m.Fields) != tt.fields {
			t.Errorf("%q: body %q fields %q", tt.in, m.Body, m.Fields)
		}
	}
}

package dist

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestMetadataAgreesWithWarehouse holds the metadata and classifier rules
// to verdicts recorded from PyPI's own validation: warehouse's
// forklift/metadata.py parse(form_data=...) (on pypa/packaging 26.4.dev0,
// trove-classifiers 2026.1.14.14, email-validator and rfc3986), fed the
// upload form each case's headers would make. Each entry is [headers,
// errors], errors being [field, message] pairs; none means PyPI accepts.
func TestMetadataAgreesWithWarehouse(t *testing.T) {
	b, err := os.ReadFile("testdata/warehouse_verdicts.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases [][2]json.RawMessage
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var headers [][2]string
		var want [][2]string
		if err := json.Unmarshal(c[0], &headers); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c[1], &want); err != nil {
			t.Fatal(err)
		}
		m := &Metadata{}
		var desc []string
		for _, h := range headers {
			m.Fields = append(m.Fields, Field{Name: h[0], Value: h[1]})
			desc = append(desc, h[0]+": "+h[1])
		}
		ck := &checker{d: &Dist{Filename: "x", Metadata: m}}
		ck.checkMetadata()
		ck.checkClassifiers()
		var got []Problem
		for _, p := range ck.problems {
			if p.Severity == Error {
				got = append(got, p)
			}
		}
		name := strings.Join(desc, " | ")
		if (len(got) > 0) != (len(want) > 0) {
			t.Errorf("%s: pyup errors %+v, PyPI errors %q", name, got, want)
			continue
		}
		// Where PyPI's message is deterministic, pyup's must say it too.
		for _, w := range want {
			msg := w[1]
			if strings.Contains(msg, "must be one of") || strings.Contains(msg, "\n") || strings.Contains(msg, "not a valid content type") || strings.HasPrefix(msg, "None ") {
				continue
			}
			found := false
			for _, p := range got {
				found = found || strings.Contains(p.Message, msg)
			}
			if !found {
				t.Errorf("%s: no pyup message contains PyPI's %q; got %+v", name, msg, got)
			}
		}
	}
}

// TestContentTypeAgreesWithWarehouse: Description-Content-Type values and
// whether warehouse (packaging's check on Python's email header parser)
// accepts them: [value, accepted, PyPI's message].
func TestContentTypeAgreesWithWarehouse(t *testing.T) {
	b, err := os.ReadFile("testdata/content_type_verdicts.json")
	if err != nil {
		t.Fatal(err)
	}
	var verdicts [][3]any
	if err := json.Unmarshal(b, &verdicts); err != nil {
		t.Fatal(err)
	}
	for _, v := range verdicts {
		value, ok, msg := v[0].(string), v[1].(bool), v[2].(string)
		ck := &checker{d: &Dist{Filename: "x"}}
		ck.checkDescriptionContentType(&Metadata{Fields: []Field{{"Description-Content-Type", value}}})
		if refused := len(ck.problems) > 0; refused == ok {
			t.Errorf("%q: pyup %+v, PyPI accepts=%v (%s)", value, ck.problems, ok, msg)
		}
	}
}

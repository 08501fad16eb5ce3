package dist

import "strings"

// coreField describes one core-metadata field as packaging knows it.
type coreField struct {
	// added is the Metadata-Version that introduced the field.
	added string
	// multi reports whether the field may be given more than once.
	multi bool
}

// coreFields maps each core-metadata field name, lower-cased as packaging
// and the upload form spell them, to when it was introduced. It follows
// packaging.metadata (the Metadata class's "added" markers), which is what
// PyPI validates uploads with.
var coreFields = map[string]coreField{
	"metadata-version":         {"1.0", false},
	"name":                     {"1.0", false},
	"version":                  {"1.0", false},
	"platform":                 {"1.0", true},
	"summary":                  {"1.0", false},
	"description":              {"1.0", false},
	"keywords":                 {"1.0", false},
	"home-page":                {"1.0", false},
	"author":                   {"1.0", false},
	"author-email":             {"1.0", false},
	"license":                  {"1.0", false},
	"supported-platform":       {"1.1", true},
	"download-url":             {"1.1", false},
	"classifier":               {"1.1", true},
	"requires":                 {"1.1", true},
	"provides":                 {"1.1", true},
	"obsoletes":                {"1.1", true},
	"maintainer":               {"1.2", false},
	"maintainer-email":         {"1.2", false},
	"requires-dist":            {"1.2", true},
	"provides-dist":            {"1.2", true},
	"obsoletes-dist":           {"1.2", true},
	"requires-python":          {"1.2", false},
	"requires-external":        {"1.2", true},
	"project-url":              {"1.2", true},
	"description-content-type": {"2.1", false},
	"provides-extra":           {"2.1", true},
	"dynamic":                  {"2.2", true},
	"license-expression":       {"2.4", false},
	"license-file":             {"2.4", true},
	"import-name":              {"2.5", true},
	"import-namespace":         {"2.5", true},
}

// metadataVersions lists, oldest first, the Metadata-Version values PyPI
// accepts (warehouse's SUPPORTED_METADATA_VERSIONS; packaging also knows
// them, and 2.0 was never a real version).
var metadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

func metadataVersionIndex(v string) int {
	for i, mv := range metadataVersions {
		if mv == v {
			return i
		}
	}
	return -1
}

// formValues returns the values of the field called name (any case) the
// way the upload form carries them to the server: the server drops values
// that are "UNKNOWN" (distutils' filler) and empty ones, so those do not
// count as given.
func formValues(m *Metadata, name string) []string {
	var vs []string
	for _, f := range m.Fields {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		if strings.TrimSpace(f.Value) == "UNKNOWN" || f.Value == "" {
			continue
		}
		vs = append(vs, f.Value)
	}
	return vs
}

// formValue returns the single value of a single-use field and whether it
// was given. When a single-use field is given more than once, the metadata
// check reports it; this returns the first value.
func formValue(m *Metadata, name string) (string, bool) {
	vs := formValues(m, name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// Package classifiers holds the trove classifier list PyPI validates
// uploads against (pypa/trove-classifiers), embedded in the binary so that
// checks need no network.
//
// The data files are generated; see docs/checks.md ("Refreshing the
// classifier list") for the step. To regenerate, point TROVE_SRC at a
// checkout's src/trove_classifiers/__init__.py and TROVE_VERSION at its
// release tag, then run go generate in this directory.
package classifiers

//go:generate go run ./gen -src ${TROVE_SRC} -version ${TROVE_VERSION} -out .

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed classifiers.txt
var validData string

//go:embed deprecated.txt
var deprecatedData string

type tables struct {
	valid      map[string]bool
	deprecated map[string][]string
	source     string
}

// load parses the embedded files once, on first use, so that programs
// that never check classifiers pay nothing.
var load = sync.OnceValue(func() *tables {
	t := &tables{valid: map[string]bool{}, deprecated: map[string][]string{}}
	for _, line := range strings.Split(validData, "\n") {
		if strings.HasPrefix(line, "#") {
			t.source = sourceOf(line)
			continue
		}
		if line != "" {
			t.valid[line] = true
		}
	}
	for _, line := range strings.Split(deprecatedData, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		t.deprecated[parts[0]] = parts[1:]
	}
	return t
})

// sourceOf pulls the release named in a generated header line.
func sourceOf(header string) string {
	const marker = "pypa/trove-classifiers "
	i := strings.Index(header, marker)
	if i < 0 {
		return ""
	}
	s := header[i+len(marker):]
	return strings.TrimSuffix(s, ". DO NOT EDIT.")
}

// Valid reports whether c is a current (not deprecated) classifier.
func Valid(c string) bool { return load().valid[c] }

// Deprecated reports whether c is a deprecated classifier, and which
// classifiers replace it (possibly none).
func Deprecated(c string) (replacements []string, ok bool) {
	r, ok := load().deprecated[c]
	return r, ok
}

// Source names the trove-classifiers release the embedded list is from.
func Source() string { return load().source }

// Count returns the number of current classifiers, for tests and
// diagnostics.
func Count() int { return len(load().valid) }

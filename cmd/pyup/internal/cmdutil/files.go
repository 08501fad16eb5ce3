package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pyup-dev/pyup/pkg/escape"
)

// distExtensions are the file endings pyup picks from a directory.
var distExtensions = []string{".whl", ".tar.gz", ".zip"}

// IsDistName reports whether name ends like a distribution pyup reads.
func IsDistName(name string) bool {
	for _, ext := range distExtensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// ExpandDists turns DIST arguments into file paths: a file stays as given, a
// directory yields its distribution files (sorted), a glob is expanded by
// pyup itself so quoting works on every shell. A file, directory or glob that
// matches nothing is a usage error. Duplicates are dropped, order is kept.
func ExpandDists(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		key := filepath.Clean(p)
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, arg := range args {
		var matches []string
		if hasMeta(arg) {
			m, err := filepath.Glob(arg)
			if err != nil {
				return nil, FlagErrorf("bad pattern %q: %v", arg, err)
			}
			matches = m
			if len(matches) == 0 {
				return nil, FlagErrorf("%s: no files match", arg)
			}
		} else {
			matches = []string{arg}
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				if os.IsNotExist(err) {
					return nil, FlagErrorf("%s: no such file or directory", m)
				}
				return nil, FlagErrorf("%s: %v", m, err)
			}
			if !st.IsDir() {
				if hasMeta(arg) && !IsDistName(m) {
					continue // a glob such as dist/* also matches attestations and the like
				}
				add(m)
				continue
			}
			entries, err := os.ReadDir(m)
			if err != nil {
				return nil, FlagErrorf("%s: %v", m, err)
			}
			var names []string
			for _, e := range entries {
				if !e.IsDir() && IsDistName(e.Name()) {
					names = append(names, filepath.Join(m, e.Name()))
				}
			}
			if len(names) == 0 {
				return nil, FlagErrorf("%s: no distributions (.whl, .tar.gz, .zip) in directory", m)
			}
			sort.Strings(names)
			for _, n := range names {
				add(n)
			}
		}
	}
	if len(out) == 0 {
		return nil, FlagErrorf("no distributions given")
	}
	return out, nil
}

func hasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// Plural returns "1 file" or "n files".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteJSON writes v as the indented JSON report every --json shares. The
// report quotes text from outside pyup, so characters a terminal would act
// on are written as \u escapes (escape.JSON); the data is unchanged.
func WriteJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escape.JSON(b.Bytes()))
	return err
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// source imitates trove_classifiers/__init__.py: annotations, comments,
// escapes, a dict of lists, and at least 100 classifiers.
func source() string {
	var b strings.Builder
	b.WriteString("from typing import Dict, List, Set\n\n# A set of classifier names\nsorted_classifiers: List[str] = [\n")
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, "    \"Topic :: Test :: %03d\",\n", 119-i)
	}
	b.WriteString("    \"Environment :: Handhelds/PDA's\",  # a comment, with ] and \"quotes\"\n")
	b.WriteString("    'Natural Language :: Ukrainian',\n]\n\nclassifiers: Set[str] = set(sorted_classifiers)\n\n")
	b.WriteString("deprecated_classifiers: Dict[str, List[str]] = {\n")
	b.WriteString("    \"Natural Language :: Ukranian\": [\"Natural Language :: Ukrainian\"],\n")
	b.WriteString("    \"Topic :: Old\": [],\n}\n")
	return b.String()
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "__init__.py")
	if err := os.WriteFile(src, []byte(source()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(src, "test", dir); err != nil {
		t.Fatal(err)
	}
	valid, _ := os.ReadFile(filepath.Join(dir, "classifiers.txt"))
	dep, _ := os.ReadFile(filepath.Join(dir, "deprecated.txt"))
	lines := strings.Split(strings.TrimSuffix(string(valid), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "# Generated") || len(lines) != 123 {
		t.Fatalf("classifiers.txt: %d lines, first %q", len(lines), lines[0])
	}
	if lines[1] != "Environment :: Handhelds/PDA's" || lines[2] != "Natural Language :: Ukrainian" || lines[3] != "Topic :: Test :: 000" {
		t.Errorf("not sorted: %q", lines[1:4])
	}
	wantDep := "Natural Language :: Ukranian\tNatural Language :: Ukrainian\nTopic :: Old\n"
	if !strings.HasSuffix(string(dep), wantDep) {
		t.Errorf("deprecated.txt = %q", dep)
	}
	// Same input, same bytes.
	if err := run(src, "test", dir); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "classifiers.txt"))
	if string(again) != string(valid) {
		t.Error("output not reproducible")
	}
}

func TestGenerateRefusesShortList(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "__init__.py")
	os.WriteFile(src, []byte("sorted_classifiers = [\"A :: B\"]\ndeprecated_classifiers = {}\n"), 0o644)
	if err := run(src, "test", dir); err == nil {
		t.Error("a one-entry list was accepted")
	}
}

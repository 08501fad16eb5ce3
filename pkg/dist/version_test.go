package dist

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"v1.0", "1.0"},
		{"V1.0", "1.0"},
		{"  1.0\n", "1.0"},
		{"1!2.0", "1!2.0"},
		{"0!1.0", "1.0"},
		{"01.002.0003", "1.2.3"},
		{"1.0a", "1.0a0"},
		{"1.0a.1", "1.0a1"},
		{"1.0-a-1", "1.0a1"},
		{"1.0_ALPHA_1", "1.0a1"},
		{"1.0beta2", "1.0b2"},
		{"1.0c1", "1.0rc1"},
		{"1.0pre1", "1.0rc1"},
		{"1.0preview1", "1.0rc1"},
		{"1.0RC1", "1.0rc1"},
		{"1.0.post", "1.0.post0"},
		{"1.0post1", "1.0.post1"},
		{"1.0-1", "1.0.post1"},
		{"1.0-r4", "1.0.post4"},
		{"1.0rev", "1.0.post0"},
		{"1.0.r", "1.0.post0"},
		{"1.0.dev", "1.0.dev0"},
		{"1.0-dev-2", "1.0.dev2"},
		{"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
		{"1.0a1-1", "1.0a1.post1"},
		{"1.0.post.", "1.0.post0"},
		{"1.0+LOCAL-1_x", "1.0+local.1.x"},
		{"1.0+abc.007", "1.0+abc.7"},
		{"1.0+0", "1.0+0"},
		{"1.0.post1.dev1+ubuntu-1", "1.0.post1.dev1+ubuntu.1"},
		{"2024.01.31", "2024.1.31"},
		{"1.0\x1c", "1.0"},
		{"\u00a01.0\u3000", "1.0"},
		{"123456789012345678901234567890.1", "123456789012345678901234567890.1"},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tt.in, err)
			continue
		}
		if got := v.String(); got != tt.want {
			t.Errorf("ParseVersion(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseVersionInvalid(t *testing.T) {
	for _, in := range []string{
		"", " ", "v", "1.", ".1", "1..2", "1.0-", "1.0+", "1.0+abc.", "1.0+a..b",
		"1.0 a1", "1.0a1a2", "1.0.post1.post2", "1.0dev1a1", "1!", "!1", "1!2!3",
		"1.0+ü", "１.0", "1.0\x00", "1.0-1-1", "1.0_1", "1.0.1-", "vv1.0", "1.0b+",
		"1.0+a_", "latest", "1.0 + abc",
	} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %q, want an error", in, v)
		} else if !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("ParseVersion(%q) error %v does not wrap ErrInvalidVersion", in, err)
		}
	}
}

func TestVersionLocalPublic(t *testing.T) {
	v, err := ParseVersion("1!1.0.POST2+Ab-3")
	if err != nil {
		t.Fatal(err)
	}
	if v.Local() != "ab.3" || v.Public() != "1!1.0.post2" || v.Epoch() != "1" {
		t.Errorf("Local %q Public %q Epoch %q", v.Local(), v.Public(), v.Epoch())
	}
	if w, _ := ParseVersion("1.0"); w.Local() != "" || w.IsPrerelease() {
		t.Errorf("1.0: Local %q IsPrerelease %v", w.Local(), w.IsPrerelease())
	}
}

func TestCompareVersions(t *testing.T) {
	// Ascending, from PEP 440's examples and packaging's tests.
	order := []string{
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
		"1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
		"1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "2", "1!0.1",
	}
	vs := make([]Version, len(order))
	for i, s := range order {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	for i := range vs {
		for j := range vs {
			want := compareInt(i, j)
			if got := CompareVersions(vs[i], vs[j]); got != want {
				t.Errorf("CompareVersions(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	for _, eq := range [][2]string{{"1.0", "1.0.0.0"}, {"1", "v1.0"}, {"1.0a", "1.0a0"}, {"1.0+ABC", "1.0+abc"}, {"0!1", "1"}} {
		a, _ := ParseVersion(eq[0])
		b, _ := ParseVersion(eq[1])
		if CompareVersions(a, b) != 0 {
			t.Errorf("%s != %s", eq[0], eq[1])
		}
	}
}

// TestVersionsAgainstPackaging replays testdata/versions.txt, made by
// scripts/make-version-golden.py with pypa/packaging: each line is an input
// (Go-quoted) and packaging's normalized form, or INVALID.
func TestVersionsAgainstPackaging(t *testing.T) {
	f, err := os.Open("testdata/versions.txt")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		in, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		n++
		v, err := ParseVersion(in)
		switch {
		case want == "INVALID" && err == nil:
			t.Errorf("ParseVersion(%q) = %q, packaging refuses it", in, v)
		case want != "INVALID" && err != nil:
			t.Errorf("ParseVersion(%q): %v; packaging gives %q", in, err, want)
		case err == nil && v.String() != want:
			t.Errorf("ParseVersion(%q) = %q; packaging gives %q", in, v, want)
		}
	}
	if n == 0 {
		t.Fatal("no cases read")
	}
}

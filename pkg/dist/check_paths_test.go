package dist

import (
	"archive/tar"
	"context"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

func TestUnsafeMemberPath(t *testing.T) {
	for name, want := range map[string]string{
		"../../x":                       "has a '..' path segment",
		"foo/../../etc/passwd":          "has a '..' path segment",
		"foo/../bar.py":                 "has a '..' path segment",
		`..\x`:                          "has a '..' path segment",
		"/abs/path":                     "is an absolute path",
		`\abs`:                          "is an absolute path",
		`C:\x`:                          "starts with a drive letter",
		"c:x":                           "starts with a drive letter",
		"foo/bar.py":                    "",
		"foo..bar/x":                    "",
		"foo/..data":                    "",
		"foo_bar-1.0.dist-info/RECORD":  "",
		"foo_bar-1.0.data/scripts/run":  "",
		"foo/:colon":                    "",
		"a/./b":                         "",
		"foo_bar-1.0.dist-info/..hid/x": "",
	} {
		if got := unsafeMemberPath(name); got != want {
			t.Errorf("unsafeMemberPath(%q) = %q, want %q", name, got, want)
		}
	}
}

// A wheel or sdist with a member outside the install directory fails the
// check: PyPI stores it, pip refuses to install it.
func TestCheckUnsafeMemberPaths(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		want string
	}{
		{"wheel parent", disttest.Wheel(t, dir, disttest.File("../../evil.py", []byte("x"))), "Member '../../evil.py' has a '..' path segment"},
		{"wheel absolute", disttest.Wheel(t, t.TempDir(), disttest.File("/abs/path.py", []byte("x")), disttest.File("/abs/two.py", []byte("x"))), "Member '/abs/path.py' is an absolute path (and 1 more members)"},
		{"wheel windows", disttest.Wheel(t, t.TempDir(), disttest.File(`C:\x.py`, []byte("x"))), "starts with a drive letter"},
		{"sdist parent", disttest.Sdist(t, dir, disttest.File("../../evil.py", []byte("x"))), "Member 'example-1.0.0/../../evil.py' has a '..' path segment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Open(context.Background(), tc.path, WithoutDigests())
			if err != nil {
				t.Fatal(err)
			}
			got := problemsWith(Check(d, WithRSTValidator(nil)), codeUnsafeMemberPath)
			if len(got) != 1 || got[0].Severity != Error || !strings.Contains(got[0].Message, tc.want) || !strings.Contains(got[0].Message, "pip/_internal/operations/install/wheel.py") {
				t.Fatalf("got %+v, want one error containing %q", got, tc.want)
			}
		})
	}
	// The real, well-built files pass.
	d, err := Open(context.Background(), disttest.Wheel(t, t.TempDir(), disttest.File("foo_bar/x.py", []byte("x"))), WithoutDigests())
	if err != nil {
		t.Fatal(err)
	}
	if got := problemsWith(Check(d), codeUnsafeMemberPath); len(got) != 0 {
		t.Fatalf("clean wheel: %+v", got)
	}
}

func TestCheckSdistLinks(t *testing.T) {
	sdist := func(ms ...Member) *Dist {
		base := []Member{{Name: "foo_bar-1.0/", Dir: true, TarType: tar.TypeDir}, {Name: "foo_bar-1.0/PKG-INFO", TarType: tar.TypeReg}}
		return &Dist{Filename: "foo_bar-1.0.tar.gz", Kind: Sdist, Size: 1000, Metadata: testMetadata(), Members: append(base, ms...)}
	}
	for _, tc := range []struct {
		name string
		m    Member
		want string // "" = no problem
	}{
		{"symlink inside", Member{Name: "foo_bar-1.0/docs/README", TarType: tar.TypeSymlink, Link: "../README.md"}, ""},
		{"symlink sibling", Member{Name: "foo_bar-1.0/a", TarType: tar.TypeSymlink, Link: "b"}, ""},
		{"symlink absolute", Member{Name: "foo_bar-1.0/a", TarType: tar.TypeSymlink, Link: "/etc/passwd"}, "Link 'foo_bar-1.0/a' points to the absolute path '/etc/passwd'"},
		{"symlink escapes", Member{Name: "foo_bar-1.0/a", TarType: tar.TypeSymlink, Link: "../../x"}, "points to '../../x', outside the sdist's directory"},
		{"symlink to other top", Member{Name: "foo_bar-1.0/a", TarType: tar.TypeSymlink, Link: "../other/x"}, "outside the sdist's directory"},
		{"hardlink inside", Member{Name: "foo_bar-1.0/b", TarType: tar.TypeLink, Link: "foo_bar-1.0/PKG-INFO"}, ""},
		{"hardlink escapes", Member{Name: "foo_bar-1.0/b", TarType: tar.TypeLink, Link: "../x"}, "outside the sdist's directory"},
		{"hardlink windows", Member{Name: "foo_bar-1.0/b", TarType: tar.TypeLink, Link: `D:\x`}, "absolute path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := problemsWith(Check(sdist(tc.m), WithRSTValidator(nil)), codeUnsafeMemberPath)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != Error || !strings.Contains(got[0].Message, tc.want) {
				t.Fatalf("got %+v, want %q", got, tc.want)
			}
		})
	}
}

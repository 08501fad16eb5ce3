package dist

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// checkMemberPaths refuses members that would land outside the directory an
// installer unpacks into. PyPI stores such files, but pip will not install
// them: its wheel installer (pip/_internal/operations/install/wheel.py)
// joins each member's normalized path to the target directory and stops
// with "has a file ... trying to install outside the target directory";
// its sdist unpacker (pip/_internal/utils/unpacking.py) does the same for
// tar members and, through tarfile's data filter, refuses absolute links
// and links that point outside. A file on the index can never be replaced
// under the same name, so this is an error, not a warning.
//
// pyup is stricter than pip in two places, on purpose: any ".." segment
// counts (pip normalizes "a/../b" to "b"; other installers and archive tools
// do not agree on it, and no build backend writes one), and "\" separates
// segments as it does on Windows, where pip would read "..\x" as a parent
// directory.
func (c *checker) checkMemberPaths() {
	var bad []string
	var why string
	for _, m := range c.d.Members {
		if r := unsafeMemberPath(m.Name); r != "" {
			if bad == nil {
				why = r
			}
			bad = append(bad, m.Name)
		}
	}
	if bad != nil {
		c.errorf(codeUnsafeMemberPath, "Member %s %s%s; pip refuses to install files outside the target directory (pip/_internal/operations/install/wheel.py, utils/unpacking.py). Rebuild with a standard build backend: member paths are relative and /-separated.",
			pyRepr(bad[0]), why, moreCount(len(bad)))
	}
	if c.kindOf() != Sdist {
		return
	}
	bad = bad[:0]
	for _, m := range c.d.Members {
		if r := unsafeLink(m); r != "" {
			if len(bad) == 0 {
				why = r
			}
			bad = append(bad, m.Name)
		}
	}
	if len(bad) > 0 {
		c.errorf(codeUnsafeMemberPath, "Link %s %s%s; pip refuses to unpack an sdist with a link outside its directory (pip/_internal/utils/unpacking.py, through tarfile's data filter). Ship the file itself instead of a link.",
			pyRepr(bad[0]), why, moreCount(len(bad)))
	}
}

func moreCount(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (and %d more members)", n-1)
}

// unsafeMemberPath says why an archive path could escape the directory it
// is unpacked into, or "" when it cannot.
func unsafeMemberPath(name string) string {
	switch {
	case strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`):
		return "is an absolute path"
	case hasDrive(name):
		return "starts with a drive letter"
	}
	for _, seg := range strings.FieldsFunc(name, isSep) {
		if seg == ".." {
			return "has a '..' path segment"
		}
	}
	return ""
}

func isSep(r rune) bool { return r == '/' || r == '\\' }

// hasDrive reports a Windows drive ("C:") at the start of a path.
func hasDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}

// unsafeLink says why a tar link's target lies outside the sdist's
// top-level directory, or "" when it does not (or m is no link). A
// symbolic link's target is relative to the link's directory, a hard
// link's to the archive root.
func unsafeLink(m Member) string {
	if m.TarType != tar.TypeSymlink && m.TarType != tar.TypeLink {
		return ""
	}
	t := m.Link
	if strings.HasPrefix(t, "/") || strings.HasPrefix(t, `\`) || hasDrive(t) {
		return fmt.Sprintf("points to the absolute path %s", pyRepr(t))
	}
	t = strings.ReplaceAll(t, `\`, "/")
	name := strings.ReplaceAll(m.Name, `\`, "/")
	top, _, _ := strings.Cut(strings.TrimPrefix(name, "./"), "/")
	target := t
	if m.TarType == tar.TypeSymlink {
		target = path.Join(path.Dir(name), t)
	}
	target = path.Clean(strings.TrimPrefix(target, "./"))
	if target == ".." || strings.HasPrefix(target, "../") || (top != "" && target != top && !strings.HasPrefix(target, top+"/")) {
		return fmt.Sprintf("points to %s, outside the sdist's directory", pyRepr(m.Link))
	}
	return ""
}

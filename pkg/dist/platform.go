package dist

import (
	"regexp"
	"strings"
)

// PyPI accepts a wheel only when every platform tag in its name is one it
// knows an ABI for. These tables follow warehouse's forklift
// (_valid_platform_tag); new platforms need a spec there first, so a tag
// missing here is refused there too.
var (
	staticPlatforms = map[string]bool{
		"any": true, "win32": true, "win_arm64": true, "win_amd64": true, "win_ia64": true,
		"manylinux1_x86_64": true, "manylinux1_i686": true,
		"manylinux2010_x86_64": true, "manylinux2010_i686": true,
		"manylinux2014_x86_64": true, "manylinux2014_i686": true, "manylinux2014_aarch64": true,
		"manylinux2014_armv7l": true, "manylinux2014_ppc64": true, "manylinux2014_ppc64le": true,
		"manylinux2014_s390x": true,
		"linux_armv6l":        true, "linux_armv7l": true,
	}
	macosxPlatformRe = regexp.MustCompile(`^macosx_(\d+)_(\d+)_(.*)`)
	macosxArches     = map[string]bool{
		"ppc": true, "ppc64": true, "i386": true, "x86_64": true, "arm64": true, "intel": true,
		"fat": true, "fat3": true, "fat64": true, "universal": true, "universal2": true,
	}
	// macOS 11 and later version only the major number in tags (minor 0).
	macosxMajors      = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "26": true}
	iosPlatformRe     = regexp.MustCompile(`^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)`)
	iosArches         = map[string]bool{"arm64": true, "x86_64": true}
	androidPlatformRe = regexp.MustCompile(`^android_(\d+)_(.*)`)
	androidArches     = map[string]bool{"armeabi_v7a": true, "arm64_v8a": true, "x86": true, "x86_64": true}
	linuxPlatformRe   = regexp.MustCompile(`^(many|musl)linux_(\d+)_(\d+)_(.*)`)
	musllinuxArches   = map[string]bool{
		"x86_64": true, "i686": true, "aarch64": true, "armv7l": true, "ppc64le": true, "s390x": true, "riscv64": true,
	}
	pyemscriptenPlatformRe = regexp.MustCompile(`^pyemscripten_(\d+)_(\d+)_wasm32`)
)

// validPlatformTag reports whether PyPI accepts a wheel platform tag.
// Like warehouse, the patterns are anchored at the start only.
func validPlatformTag(tag string) bool {
	if staticPlatforms[tag] {
		return true
	}
	if m := macosxPlatformRe.FindStringSubmatch(tag); m != nil {
		if m[1] == "10" && macosxArches[m[3]] {
			return true
		}
		if macosxMajors[m[1]] && m[2] == "0" && macosxArches[m[3]] {
			return true
		}
	}
	if m := linuxPlatformRe.FindStringSubmatch(tag); m != nil {
		if m[1] == "musl" {
			return musllinuxArches[m[4]]
		}
		return musllinuxArches[m[4]] || m[4] == "ppc64"
	}
	if m := iosPlatformRe.FindStringSubmatch(tag); m != nil && iosArches[m[3]] {
		return true
	}
	if m := androidPlatformRe.FindStringSubmatch(tag); m != nil && androidArches[m[2]] {
		return true
	}
	return pyemscriptenPlatformRe.MatchString(tag)
}

// platformTagHint says how to get a tag PyPI takes, for the usual cases.
func platformTagHint(tag string) string {
	switch {
	case strings.HasPrefix(tag, "linux_"):
		return "Plain linux_* wheels are refused: repair the wheel with auditwheel (auditwheel repair) to get a manylinux or musllinux tag, or build it with cibuildwheel."
	case strings.HasPrefix(tag, "macosx_"):
		return "macOS tags must be macosx_10_<minor>_<arch> or macosx_<11..15|26>_0_<arch>: set MACOSX_DEPLOYMENT_TARGET to a major version (for example 11.0) and rebuild, or use delocate/cibuildwheel."
	case strings.HasPrefix(tag, "manylinux") || strings.HasPrefix(tag, "musllinux"):
		return "That architecture or policy is not one PyPI accepts for this libc; check the tag auditwheel produced."
	}
	return "Build on a platform PyPI supports (see https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/)."
}

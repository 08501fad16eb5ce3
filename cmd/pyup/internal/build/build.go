// Package build holds the version information stamped into the binary.
package build

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version, Commit and Date are set at link time by the release build
// (-ldflags "-X github.com/pyup-dev/pyup/cmd/pyup/internal/build.Version=..."). A plain
// `go install` leaves them empty and Info falls back to the module's build info.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info describes the running binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// Current returns the running binary's Info. Fields that neither the linker
// nor the Go build info provide read "unknown" (dates) or "dev" (version).
func Current() Info {
	info := Info{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	return info
}

// String is the one-line form `pyup --version` prints.
func (i Info) String() string {
	return fmt.Sprintf("pyup %s (commit %s, built %s, %s, %s)", i.Version, i.Commit, i.Date, i.GoVersion, i.Platform)
}

// UserAgent is the User-Agent pyup sends: pyup/<version> (<os>; <arch>).
func UserAgent() string {
	return fmt.Sprintf("pyup/%s (%s; %s)", Current().Version, runtime.GOOS, runtime.GOARCH)
}

package dist

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/pyup-dev/pyup/pkg/escape"
)

// Status is a file's verdict.
type Status string

// The verdicts, as the JSON reports spell them.
const (
	Passed             Status = "passed"
	PassedWithWarnings Status = "passed-with-warnings"
	Failed             Status = "failed"
)

// Verdict is a file's status given its problems: failed on any error (or,
// with strict, any warning), passed with warnings, or passed. Notes count
// for nothing, strict or not.
func Verdict(problems []Problem, strict bool) Status {
	status := Passed
	for _, p := range problems {
		switch p.Severity {
		case Note:
			continue
		case Error:
			return Failed
		}
		if strict {
			return Failed
		}
		status = PassedWithWarnings
	}
	return status
}

// FileReport is one file's check result: what pyup check prints and what
// pyup upload prints before it sends anything.
type FileReport struct {
	Path       string    `json:"path"`
	Filename   string    `json:"filename"`
	Status     Status    `json:"status"`
	Kind       string    `json:"kind,omitempty"`
	Name       string    `json:"name,omitempty"`
	Version    string    `json:"version,omitempty"`
	Size       int64     `json:"size,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	Blake2b256 string    `json:"blake2_256,omitempty"`
	Problems   []Problem `json:"problems"`
}

// Report is the check result of several files, in the order given.
type Report struct {
	Files   []FileReport `json:"files"`
	Passed  int          `json:"passed"`
	Warned  int          `json:"passed_with_warnings"`
	Failed  int          `json:"failed"`
	Strict  bool         `json:"strict"`
	Success bool         `json:"success"`
}

// CheckFiles opens (in parallel, see OpenAll) and checks each path. The
// Report keeps the order of paths; a file that cannot be opened fails with
// the problem code "unreadable".
func CheckFiles(ctx context.Context, paths []string, strict bool) *Report {
	dists, errs := OpenAll(ctx, paths)
	r := &Report{Files: make([]FileReport, 0, len(paths)), Strict: strict, Success: true}
	// One validator for the batch: identical descriptions are checked once.
	rst := WithRSTValidator(NewDocutilsValidator())
	for i, p := range paths {
		r.Add(CheckOpened(p, dists[i], errs[i], strict, rst))
	}
	return r
}

// Add appends a file's result and counts it.
func (r *Report) Add(fr FileReport) {
	switch fr.Status {
	case Passed:
		r.Passed++
	case PassedWithWarnings:
		r.Warned++
	default:
		r.Failed++
	}
	r.Files = append(r.Files, fr)
	r.Success = r.Failed == 0
}

// CheckOpened turns one opened distribution d (or openErr, the error opening
// the file at path) into its result; opts go to Check.
func CheckOpened(path string, d *Dist, openErr error, strict bool, opts ...CheckOption) FileReport {
	fr := FileReport{Path: path, Filename: filepath.Base(path), Problems: []Problem{}}
	if openErr != nil {
		fr.Status = Failed
		fr.Problems = append(fr.Problems, Problem{Severity: Error, Code: "unreadable", File: fr.Filename, Message: openErr.Error()})
		return fr
	}
	fr.Kind, fr.Size, fr.SHA256, fr.Blake2b256 = string(d.Kind), d.Size, d.SHA256, d.Blake2b256
	if d.Metadata != nil {
		fr.Name, fr.Version = d.Metadata.Name(), d.Metadata.Version()
	}
	fr.Problems = append(fr.Problems, Check(d, opts...)...)
	fr.Status = Verdict(fr.Problems, strict)
	return fr
}

// TextOption configures WriteText.
type TextOption func(*textSettings)

type textSettings struct {
	color  bool
	notes  bool
	escape func(string) string
}

// WithColor paints the verdicts and severities with ANSI colours. Default:
// off.
func WithColor(on bool) TextOption { return func(s *textSettings) { s.color = on } }

// WithNotes lists notes (problems that never fail a file). Default: on.
func WithNotes(on bool) TextOption { return func(s *textSettings) { s.notes = on } }

// WithEscape sets how untrusted text (paths, messages quoting metadata) is
// made safe for a terminal. Default: escape.Text, pyup's one escaper.
func WithEscape(f func(string) string) TextOption { return func(s *textSettings) { s.escape = f } }

// WriteText writes files' results in pyup's one text format:
//
//	Checking dist/demo-1.0.tar.gz: PASSED with warnings
//	  warning [missing-description] ...
func WriteText(w io.Writer, files []FileReport, opts ...TextOption) {
	s := textSettings{notes: true, escape: escape.Text}
	for _, o := range opts {
		o(&s)
	}
	paint := func(code, text string) string {
		if !s.color {
			return text
		}
		return "\x1b[" + code + "m" + text + "\x1b[0m"
	}
	for _, f := range files {
		var verdict string
		switch f.Status {
		case Passed:
			verdict = paint("32", "PASSED")
		case PassedWithWarnings:
			verdict = paint("33", "PASSED with warnings")
		default:
			verdict = paint("31", "FAILED")
		}
		fmt.Fprintf(w, "Checking %s: %s\n", s.escape(f.Path), verdict)
		for _, p := range f.Problems {
			if p.Severity == Note && !s.notes {
				continue
			}
			sev := string(p.Severity)
			switch p.Severity {
			case Error:
				sev = paint("31", sev)
			case Warning:
				sev = paint("33", sev)
			default:
				sev = paint("36", sev)
			}
			fmt.Fprintf(w, "  %s [%s] %s\n", sev, p.Code, s.escape(p.Message))
		}
	}
}

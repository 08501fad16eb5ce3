// Package ci makes pyup speak the language of the CI system it runs in:
// GitHub Actions workflow commands (annotations, masks, step summaries) and
// GitLab CI collapsible log sections.
//
// Workflow commands are written to stderr: the GitHub Actions runner reads
// commands from both streams, and stdout stays clean for pyup's data.
package ci

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/redact"
)

// Env is what pyup knows about the CI system it runs in.
type Env struct {
	// GitHubActions is true when GITHUB_ACTIONS=true.
	GitHubActions bool
	// StepSummary is $GITHUB_STEP_SUMMARY: a file Markdown is appended to.
	StepSummary string
	// Scrub, when set, removes the run's secrets from what AppendSummary
	// writes (the step summary is a file, past the redaction of the
	// command's streams).
	Scrub func(string) string
	// GitLab is true when GITLAB_CI is set.
	GitLab bool

	mu  sync.Mutex
	now func() time.Time
}

// Detect reads the CI environment through lookup.
func Detect(lookup func(string) (string, bool)) *Env {
	get := func(k string) string { v, _ := lookup(k); return v }
	_, gitlab := lookup("GITLAB_CI")
	return &Env{
		GitHubActions: get("GITHUB_ACTIONS") == "true",
		StepSummary:   get("GITHUB_STEP_SUMMARY"),
		GitLab:        gitlab,
		now:           time.Now,
	}
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	r := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	return r.Replace(s)
}

// annotationData makes a message, which may quote untrusted text, safe for
// an annotation: terminal sequences written out line by line (the log is
// also read on terminals; an annotation may have several lines), then the
// workflow command's own escaping.
func annotationData(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escape.Text(l)
	}
	return escapeData(strings.Join(lines, "\n"))
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	r := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	return r.Replace(s)
}

// Error writes an error annotation for file (GitHub Actions only).
func (e *Env) Error(w io.Writer, file, message string) { e.annotate(w, "error", file, message) }

// Warning writes a warning annotation (GitHub Actions only).
func (e *Env) Warning(w io.Writer, file, message string) { e.annotate(w, "warning", file, message) }

func (e *Env) annotate(w io.Writer, kind, file, message string) {
	if e == nil || !e.GitHubActions {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if file != "" {
		fmt.Fprintf(w, "::%s file=%s::%s\n", kind, escapeProperty(escape.Text(file)), annotationData(message))
		return
	}
	fmt.Fprintf(w, "::%s::%s\n", kind, annotationData(message))
}

// Mask tells GitHub Actions to hide secret in every later log line. It must
// run before anything else could print the secret.
func (e *Env) Mask(w io.Writer, secret string) {
	if e == nil || !e.GitHubActions || secret == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// The one line that must hold the secret: past the run's redaction.
	fmt.Fprintf(redact.Unwrap(w), "::add-mask::%s\n", secret)
}

// AppendSummary appends Markdown to the job's step summary, if there is one.
func (e *Env) AppendSummary(markdown string) error {
	if e == nil || !e.GitHubActions || e.StepSummary == "" {
		return nil
	}
	// Opening a named pipe for writing blocks until it has a reader: only a
	// regular file (or none yet) is written.
	if st, err := os.Stat(e.StepSummary); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %s is not a regular file", e.StepSummary)
	}
	f, err := os.OpenFile(e.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if e.Scrub != nil {
		markdown = e.Scrub(markdown)
	}
	_, werr := io.WriteString(f, markdown)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// Section opens a collapsible log section (GitHub Actions group, GitLab
// section) titled header and returns the function that closes it. Outside
// CI both are no-ops.
func (e *Env) Section(w io.Writer, name, header string) (end func()) {
	switch {
	case e == nil:
		return func() {}
	case e.GitHubActions:
		fmt.Fprintf(w, "::group::%s\n", escapeData(header))
		return func() { fmt.Fprintln(w, "::endgroup::") }
	case e.GitLab:
		now := e.now
		if now == nil {
			now = time.Now
		}
		fmt.Fprintf(w, "\x1b[0Ksection_start:%d:%s[collapsed=true]\r\x1b[0K%s\n", now().Unix(), name, header)
		return func() { fmt.Fprintf(w, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", now().Unix(), name) }
	}
	return func() {}
}

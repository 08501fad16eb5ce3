// Package upload implements `pyup upload`.
package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/ci"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/pypi"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// UploadOptions holds `pyup upload`'s dependencies and flag values.
type UploadOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Dists []string
	cmdutil.RepoFlags
	cmdutil.CredFlags
	// Sources say which flags the user gave, and where (config.Apply).
	Sources config.Sources

	Attestations bool
	Attest       string
	cmdutil.SignFlags
	NoCheck            bool
	Strict             bool
	SkipExisting       bool
	CheckURL           string
	Retries            int
	Timeout            time.Duration
	DryRun             bool
	Jobs               int
	DisableProgressBar bool
	Verbose            bool
	JSON               bool
	PrintHash          bool
	HashFirst          bool
}

// NewCmdUpload returns `pyup upload`. A test passes runF to capture the
// options instead of running.
func NewCmdUpload(f *cmdutil.Factory, runF func(context.Context, *UploadOptions) error) *cobra.Command {
	opts := &UploadOptions{IO: f.IOStreams, Factory: f, RepoFlags: cmdutil.RepoFlags{Warn: f.IOStreams.ErrOut}}
	cmd := &cobra.Command{
		Use:   "upload [flags] DIST...",
		Short: "Upload distributions to PyPI or another index",
		Long: `Upload wheels and sdists to PyPI, TestPyPI or any index that speaks PyPI's
upload API.

Every file is checked first (as pyup check does); if any fails, nothing is
uploaded. Wheels go before sdists; the first file goes alone so that a new
project is created once, then up to --jobs files at a time. After the first
failure no new upload starts: a release is as all-or-nothing as a client can
make it, and re-running the same command finishes it.

Files are streamed with constant memory and read once: each is hashed
while it is sent, and its sha256_digest and blake2_256_digest go after the
file in the form (indexes read the whole form before checking it).
--hash-first hashes first and sends the digests before the file, as twine
does; --print-hash and --dry-run hash first too. Transient failures (connection
resets, timeouts, 408, 429, 500, 502, 503, 504) are retried with backoff,
reopening the file each time. A file the index already holds with the same
sha256 counts as done (with --skip-existing it is not even sent); the same
name with different content is an error naming both hashes.

Credentials are found in this order: --username/--password and their
environment variables (PYUP_*, then TWINE_*), credentials in the repository
URL, the .pypirc, trusted publishing (OIDC in GitHub Actions, GitLab CI,
Google Cloud, Buildkite, CircleCI), the OS keyring, and a prompt.

With trusted publishing from GitHub Actions, GitLab CI/CD or Google Cloud,
each file is signed with Sigstore and uploaded with its PEP 740 publish
attestation, as pypa/gh-action-pypi-publish does (--attest auto): an ID
token for audience "sigstore" gets one short-lived certificate for the
run, and each signature is recorded in Rekor. --attest always signs
whatever the credential and fails where it cannot; --attest never does not
sign. A <DIST>.publish.attestation file beside a DIST is uploaded instead
of signing it again. Signing happens in each file's own job, after
--skip-existing's check; nothing is written to disk (pyup attest does that).`,
		Example: `  # Upload to PyPI with a token from the environment
  PYUP_PASSWORD=pypi-... pyup upload dist/*

  # TestPyPI, skipping files already there
  pyup upload -r testpypi --skip-existing dist/

  # A private index, with its own CA
  pyup upload --repository-url https://pypi.example.com/legacy/ --cert ca.pem dist/*

  # See what would be sent, without sending it
  pyup upload --dry-run dist/*`,
		Args: cmdutil.RequireDists("upload"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dists, err := cmdutil.ExpandDists(args)
			if err != nil {
				return err
			}
			opts.Dists = dists
			opts.Sources = config.SourcesOf(cmd)
			if opts.Jobs < 1 {
				return cmdutil.FlagErrorf("--jobs must be at least 1")
			}
			if opts.Retries < 0 {
				return cmdutil.FlagErrorf("--retries must not be negative")
			}
			if opts.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive")
			}
			switch opts.Attest {
			case cmdutil.AttestAuto, cmdutil.AttestAlways, cmdutil.AttestNever:
			default:
				return cmdutil.FlagErrorf("--attest must be auto, always or never, not %q", opts.Attest)
			}
			if opts.Attest != cmdutil.AttestNever {
				if err := opts.SignFlags.Check(); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return uploadRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.AddRepoFlags(fl)
	opts.AddCredentialFlags(fl)
	fl.BoolVar(&opts.Attestations, "attestations", false, "Upload each DIST's <DIST>.publish.attestation file with it (PEP 740); a DIST without one is an error")
	fl.StringVar(&opts.Attest, "attest", cmdutil.AttestAuto, "Sign a PEP 740 publish attestation for each DIST with Sigstore and upload it: auto (with trusted publishing, from GitHub Actions, GitLab CI/CD or Google Cloud), always, never")
	opts.AddSignFlags(fl)
	fl.BoolVar(&opts.NoCheck, "no-check", false, "Skip the checks pyup check runs before uploading")
	fl.BoolVar(&opts.Strict, "strict", false, "Treat check warnings as failures")
	fl.BoolVar(&opts.SkipExisting, "skip-existing", false, "Ask the index first and skip files it already has with the same sha256")
	fl.StringVar(&opts.CheckURL, "check-url", "", "Simple API URL used to ask what the index has (default: PyPI's or TestPyPI's, else derived from the upload URL)")
	fl.IntVar(&opts.Retries, "retries", 3, "Retries per file for transient failures")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "Give up on a connection when no bytes moved for this long (not a limit on a long upload)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Check, resolve the repository and credentials, and show what would be sent, without uploading")
	fl.IntVar(&opts.Jobs, "jobs", 1, "Files to upload in parallel (the first file always goes alone)")
	fl.BoolVar(&opts.DisableProgressBar, "disable-progress-bar", false, "Do not draw the progress bar")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "Log requests and responses to stderr (credentials redacted, no bodies)")
	fl.BoolVar(&opts.JSON, "json", false, "Print one JSON report on stdout")
	fl.BoolVar(&opts.PrintHash, "print-hash", false, "Print each file's sha256 and blake2b-256 before uploading")
	fl.BoolVar(&opts.HashFirst, "hash-first", false, "Hash each file before sending it and send the digests before it, in twine's order (reads each file twice; for an index that needs the digests first)")
	return cmd
}

// FileReport is one file in the JSON report.
type FileReport struct {
	File       string  `json:"file"`
	Path       string  `json:"path"`
	Size       int64   `json:"size"`
	SHA256     string  `json:"sha256"`
	Blake2b256 string  `json:"blake2_256"`
	Status     string  `json:"status"`
	Attempts   int     `json:"attempts"`
	Duration   float64 `json:"duration_seconds"`
	Message    string  `json:"message,omitempty"`
	Error      string  `json:"error,omitempty"`
	// Attestation says where the file's attestation came from: "signed"
	// (by this run), "would-sign" (a dry run), "file"
	// (<DIST>.publish.attestation), or "" (none sent).
	Attestation string `json:"attestation,omitempty"`
}

// Report is `pyup upload --json`'s output.
type Report struct {
	Repository string `json:"repository"`
	// RepositoryName is the -r name (a .pypirc section, pypi, testpypi);
	// empty with --repository-url.
	RepositoryName string       `json:"repository_name,omitempty"`
	Credential     string       `json:"credential_source,omitempty"`
	DryRun         bool         `json:"dry_run"`
	Files          []FileReport `json:"files"`
	ProjectURL     string       `json:"project_url,omitempty"`
	Success        bool         `json:"success"`
	// SignedBy names the CI identity attestations were signed with ("" when
	// none were signed).
	SignedBy string `json:"attestations_signed_by,omitempty"`
}

func uploadRun(ctx context.Context, opts *UploadOptions) error {
	ios := opts.IO
	remote, err := opts.Factory.Remote(&opts.RepoFlags, cmdutil.RemoteOptions{Creds: &opts.CredFlags, Sources: opts.Sources, Verbose: opts.Verbose})
	if err != nil {
		return err
	}
	target, env := remote.Target, remote.CI

	// Read and check every file before anything is sent.
	files, err := openAndCheck(ctx, opts, env)
	if err != nil {
		return err
	}

	if opts.PrintHash {
		for _, f := range files {
			fmt.Fprintf(ios.ErrOut, "%s\n  sha256:     %s\n  blake2_256: %s\n", escape.Text(f.Dist.Filename), f.Dist.SHA256, f.Dist.Blake2b256)
		}
	}

	httpOpts := remote.HTTPOptions
	var plan cmdutil.AttestPlan
	if opts.Attest == cmdutil.AttestAlways {
		if plan, err = planAttestations(ctx, opts, nil); err != nil {
			return err
		}
	}
	cred, _, err := remote.Resolve(ctx)
	if err != nil {
		return cmdutil.CredentialError(err, ios.ErrOut)
	}
	if opts.Attest != cmdutil.AttestAlways {
		if plan, err = planAttestations(ctx, opts, cred); err != nil {
			return err
		}
	}
	signedBy, err := applyAttestations(opts, plan, files)
	if err != nil {
		return err
	}
	if opts.Verbose {
		fmt.Fprintf(ios.ErrOut, "pyup: uploading to %s as %s\n", escape.Text(target.URL), escape.Text(cred.String()))
	}

	copts := append(httpOpts,
		pkgupload.WithCredentials(cred),
		pkgupload.WithRetries(opts.Retries),
		pkgupload.WithWarnings(func(format string, args ...any) {
			fmt.Fprintf(ios.ErrOut, "pyup: warning: %s\n", escape.Text(fmt.Sprintf(format, args...)))
		}),
		pkgupload.WithStallTimeout(opts.Timeout),
		pkgupload.WithSkipExisting(opts.SkipExisting),
		pkgupload.WithDryRun(opts.DryRun),
		pkgupload.WithHashFirst(opts.HashFirst),
	)
	if opts.CheckURL != "" {
		copts = append(copts, pkgupload.WithCheckURL(opts.CheckURL))
	}
	var bar *progressView
	if !opts.JSON && !opts.DisableProgressBar && !opts.DryRun && ios.IsStderrTTY() {
		var total int64
		for _, f := range files {
			total += f.Dist.Size
		}
		bar = newProgressView(ios.ErrOut, total, len(files))
		copts = append(copts, pkgupload.WithProgress(bar.update))
	}
	uc, err := pkgupload.New(target.URL, copts...)
	if err != nil {
		if errors.Is(err, pkgupload.ErrInsecureURL) {
			return cmdutil.WithExit(cmdutil.ExitUsage, err, "use an https:// repository URL")
		}
		return cmdutil.WithExit(cmdutil.ExitUsage, err, "")
	}
	if opts.SkipExisting && uc.CheckURL() == "" {
		return cmdutil.FlagErrorf("--skip-existing needs to ask the index what it has: pass --check-url with the index's simple API URL (for example https://host/simple/)")
	}

	endSection := env.Section(ios.ErrOut, "pyup-upload", fmt.Sprintf("Uploading %s to %s", cmdutil.Plural(len(files), "file"), target.URL))
	results := uc.UploadAll(ctx, files, opts.Jobs)
	endSection()
	if bar != nil {
		bar.finish()
	}
	if opts.DryRun {
		// After the run, so that files --skip-existing found on the index
		// are listed as skipped, not as would-POST.
		writeDryRun(ios.ErrOut, files, results, target, signedBy)
	}

	rep := report(target, cred, files, results, opts.DryRun)
	rep.SignedBy = signedBy
	if opts.JSON {
		if err := cmdutil.WriteJSON(ios.Out, rep); err != nil {
			return err
		}
	} else {
		writeText(ios.Out, rep)
	}
	for _, r := range results {
		if r.Err != nil && r.Status == pkgupload.StatusFailed {
			env.Error(ios.ErrOut, pathOf(files, r.File), r.Err.Error())
		}
	}
	if err := env.AppendSummary(summaryMarkdown(rep)); err != nil {
		fmt.Fprintf(ios.ErrOut, "pyup: warning: %v\n", err)
	}
	return resultError(ctx, results, opts.JSON, target, cred)
}

// openAndCheck opens every DIST, runs the checks (unless --no-check), and
// pairs attestations. A failure stops the whole batch before any upload.
func openAndCheck(ctx context.Context, opts *UploadOptions, env *ci.Env) ([]pkgupload.File, error) {
	w := opts.IO.ErrOut
	// Files are hashed while they are sent (one read of each), unless the
	// digests are wanted before: --hash-first, --print-hash, --dry-run.
	var openOpts []dist.Option
	if !opts.HashFirst && !opts.PrintHash && !opts.DryRun {
		openOpts = append(openOpts, dist.WithoutDigests())
	}
	dists, errs := dist.OpenAll(ctx, opts.Dists, openOpts...)
	var files []pkgupload.File
	failed := 0
	// Notes need no action and never fail the upload: they are shown only
	// with --verbose (pyup check always lists them). A file that passed
	// cleanly is not listed.
	text := []dist.TextOption{dist.WithNotes(opts.Verbose)}
	// One validator for the batch: it remembers the last description's
	// verdict, so identical descriptions (a wheel and its sdist) are
	// checked once.
	rst := dist.WithRSTValidator(dist.NewDocutilsValidator())
	for i, p := range opts.Dists {
		var fr dist.FileReport
		switch {
		case errs[i] != nil:
			fr = dist.CheckOpened(p, nil, errs[i], opts.Strict)
		case opts.NoCheck:
			fr = dist.FileReport{Status: dist.Passed}
		default:
			fr = dist.CheckOpened(p, dists[i], nil, opts.Strict, rst)
		}
		if len(fr.Problems) > 0 && (fr.Status != dist.Passed || opts.Verbose) {
			dist.WriteText(w, []dist.FileReport{fr}, text...)
		}
		if fr.Status == dist.Failed {
			for _, pr := range fr.Problems {
				if pr.Severity == dist.Error || (opts.Strict && pr.Severity == dist.Warning) {
					env.Error(w, p, pr.Message)
				}
			}
			failed++
			continue
		}
		d := dists[i]
		f := pkgupload.File{Dist: d}
		if opts.Attestations {
			att, err := loadAttestation(p)
			if err != nil {
				return nil, cmdutil.WithExit(cmdutil.ExitUsage, err, "build attestations (for example with pypa/gh-action-pypi-publish's attest step) or drop --attestations")
			}
			f.Attestations = att
		}
		files = append(files, f)
	}
	if failed > 0 {
		return nil, cmdutil.WithExit(cmdutil.ExitCheckFailed,
			fmt.Errorf("%s of %d failed the check; nothing was uploaded", cmdutil.Plural(failed, "file"), len(opts.Dists)),
			"fix the problems above, or pass --no-check to upload anyway and let the index decide")
	}
	return files, nil
}

// loadAttestation reads DIST's <dist>.publish.attestation and returns the
// form field's value.
func loadAttestation(distPath string) ([]byte, error) {
	a, err := attest.Load(distPath)
	if err != nil {
		return nil, err
	}
	return attest.FormValue(a)
}

// resultError picks the exit code: credentials refused (4) over any other
// upload failure (5).
func resultError(ctx context.Context, results []pkgupload.Result, jsonOut bool, target *cmdutil.Target, cred *credential.Credential) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var firstErr error
	auth := false
	n := 0
	for _, r := range results {
		if r.Status != pkgupload.StatusFailed {
			continue
		}
		n++
		if firstErr == nil {
			firstErr = r.Err
		}
		if errors.Is(r.Err, pkgupload.ErrUnauthorized) || errors.Is(r.Err, pkgupload.ErrCredentials) {
			auth = true
		}
	}
	if firstErr == nil {
		return nil
	}
	code, hint := cmdutil.ExitUploadFailed, ""
	switch {
	case auth:
		code, hint = cmdutil.ExitAuth, authHint(target, cred)
	case httpStatus(firstErr) == http.StatusNotFound || httpStatus(firstErr) == http.StatusMethodNotAllowed:
		hint = wrongEndpointHint
	case httpStatus(firstErr) == http.StatusRequestEntityTooLarge:
		hint = "the index (or a proxy in front of it) limits the size of a request, for example nginx's client_max_body_size: raise the limit there"
	case errors.Is(firstErr, pkgupload.ErrFileExists):
		hint = "pass --skip-existing to skip files the index already has"
	case errors.Is(firstErr, pkgupload.ErrHashMismatch):
		hint = "a file name can never be reused on the index: bump the version and rebuild"
	case errors.Is(firstErr, pkgupload.ErrRedirect):
		hint = "configure the URL the index redirects to"
	case errors.Is(firstErr, pkgupload.ErrAttest):
		var ee *cmdutil.ExitError
		if errors.As(cmdutil.AttestError(firstErr), &ee) {
			code, hint = ee.Code, ee.Hint+"; or pass --attest never to upload without attestations"
		}
	}
	if jsonOut {
		return &cmdutil.ExitError{Code: code, Err: fmt.Errorf("%s failed: %w", cmdutil.Plural(n, "file"), firstErr), Hint: hint}
	}
	return cmdutil.WithExit(code, fmt.Errorf("%s failed; first: %w", cmdutil.Plural(n, "file"), firstErr), hint)
}

// authHint says what to check when the index refused the credential: for
// PyPI and TestPyPI the API token's scope and expiry; for another index the
// username that was sent and where the password came from, since pyup cannot
// know that index's rules.
func authHint(t *cmdutil.Target, cred *credential.Credential) string {
	if t.IsPyPI() {
		return "check the token's scope and expiry with `pyup whoami`; a project-scoped token cannot create a new project"
	}
	if cred == nil {
		return "check the credentials the index expects"
	}
	return fmt.Sprintf("the index refused username %q with the password from %s: check both with the index's administrator (set the username with --username or PYUP_USERNAME; it is %s unless set)",
		cred.Username, cred.Detail, credential.TokenUsername)
}

// wrongEndpointHint follows a 404 or 405 from the upload URL.
const wrongEndpointHint = "the repository URL is probably not the index's upload endpoint; known forms: " +
	"PyPI " + pypi.UploadURL + ", TestPyPI " + pypi.TestUploadURL + ", " +
	"pypiserver its root URL (https://host:8080/), devpi https://host/<user>/<index>/, " +
	"GitLab https://gitlab.example.com/api/v4/projects/<id>/packages/pypi, " +
	"Artifactory https://host/artifactory/api/pypi/<repo>, Nexus https://host/repository/<repo>/, " +
	"Google Artifact Registry https://<region>-python.pkg.dev/<project>/<repo>/, " +
	"CodeArtifact https://<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/pypi/<repo>/, " +
	"Azure Artifacts https://pkgs.dev.azure.com/<org>/_packaging/<feed>/pypi/upload/"

// httpStatus returns the status code of the index's answer in err, or 0.
func httpStatus(err error) int {
	var he *pkgupload.HTTPError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

func report(t *cmdutil.Target, cred *credential.Credential, files []pkgupload.File, results []pkgupload.Result, dry bool) *Report {
	rep := &Report{Repository: t.URL, RepositoryName: t.Name, DryRun: dry, Success: true, Files: []FileReport{}}
	if cred != nil {
		rep.Credential = cred.Detail
	}
	project := ""
	for _, r := range results {
		fr := FileReport{File: r.File, Path: pathOf(files, r.File), Size: r.Size, SHA256: r.SHA256, Blake2b256: r.Blake2b256,
			Status: string(r.Status), Attempts: r.Attempts, Duration: r.Duration.Seconds(), Message: r.Message}
		if r.Err != nil {
			fr.Error = r.Err.Error()
		}
		if f, ok := fileOf(files, r.File); ok && (r.Status == pkgupload.StatusUploaded || r.Status == pkgupload.StatusWouldUpload) {
			switch {
			case f.Attestations != nil:
				fr.Attestation = "file"
			case f.Attest != nil && r.Status == pkgupload.StatusWouldUpload:
				fr.Attestation = "would-sign"
			case f.Attest != nil:
				fr.Attestation = "signed"
			}
		}
		if r.Status == pkgupload.StatusFailed || r.Status == pkgupload.StatusNotAttempted {
			rep.Success = false
		}
		rep.Files = append(rep.Files, fr)
	}
	for _, f := range files {
		if f.Dist.Metadata != nil && project == "" {
			project = dist.NormalizeName(f.Dist.Metadata.Name())
			if v := f.Dist.Metadata.Version(); v != "" && rep.Success && !dry {
				rep.ProjectURL = t.ProjectURL(project)
				if rep.ProjectURL != "" {
					rep.ProjectURL += v + "/"
				}
			}
		}
	}
	return rep
}

func writeText(w io.Writer, rep *Report) {
	width := 0
	for _, f := range rep.Files {
		width = max(width, len(escape.Text(f.File)))
	}
	for _, f := range rep.Files {
		line := fmt.Sprintf("%-13s %-*s %9s", f.Status, width, escape.Text(f.File), humanBytes(f.Size))
		if f.SHA256 != "" { // empty when the index refused the file before it was read whole
			line += "  sha256:" + f.SHA256
		}
		switch {
		case f.Error != "":
			line += "\n    " + escape.Text(f.Error)
		case f.Message != "":
			line += "  (" + escape.Text(f.Message) + ")"
		case f.Status == string(pkgupload.StatusUploaded) && f.Attempts > 1:
			line += fmt.Sprintf("  (%d attempts)", f.Attempts)
		}
		fmt.Fprintln(w, line)
	}
	if line := doneLine(rep); line != "" {
		fmt.Fprintln(w, line)
	}
	if rep.ProjectURL != "" {
		fmt.Fprintf(w, "View at: %s\n", rep.ProjectURL)
	}
}

// doneLine sums up a successful run and names the repository it went to:
// "Uploaded 2 files to https://host/legacy/ (private)". It is "" when the
// run failed: the error says what happened.
func doneLine(rep *Report) string {
	if !rep.Success {
		return ""
	}
	repo := rep.Repository
	if rep.RepositoryName != "" {
		repo += " (" + rep.RepositoryName + ")"
	}
	sent, skipped := 0, 0
	for _, f := range rep.Files {
		switch pkgupload.Status(f.Status) {
		case pkgupload.StatusUploaded, pkgupload.StatusWouldUpload:
			sent++
		case pkgupload.StatusSkipped:
			skipped++
		}
	}
	already := ""
	if skipped > 0 {
		already = fmt.Sprintf(" (%s already there)", cmdutil.Plural(skipped, "file"))
	}
	switch {
	case rep.DryRun && sent > 0:
		return fmt.Sprintf("Dry run: would upload %s to %s%s", cmdutil.Plural(sent, "file"), repo, already)
	case rep.DryRun:
		return fmt.Sprintf("Dry run: nothing to upload to %s%s", repo, already)
	case sent > 0:
		return fmt.Sprintf("Uploaded %s to %s%s", cmdutil.Plural(sent, "file"), repo, already)
	}
	return fmt.Sprintf("Nothing uploaded to %s%s", repo, already)
}

// writeDryRun shows, after a dry run, what would be sent: the form of every
// file that would be POSTed, and the files the index already has.
func writeDryRun(w io.Writer, files []pkgupload.File, results []pkgupload.Result, t *cmdutil.Target, signedBy string) {
	var send, skip []pkgupload.Result
	for _, r := range results {
		switch r.Status {
		case pkgupload.StatusWouldUpload:
			send = append(send, r)
		case pkgupload.StatusSkipped:
			skip = append(skip, r)
		}
	}
	if len(send) > 0 {
		fmt.Fprintf(w, "pyup: dry run: would POST to %s:\n", t.URL)
	}
	for _, r := range send {
		f, ok := fileOf(files, r.File)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "  %s (%s)\n", escape.Text(f.Dist.Filename), humanBytes(f.Dist.Size))
		for _, kv := range pkgupload.FormFields(f.Dist) {
			v := kv[1]
			if kv[0] == "description" && len(v) > 60 {
				v = fmt.Sprintf("%d characters", len(v))
			} else if len(v) > 100 {
				v = truncate(v, 97) + "..."
			}
			fmt.Fprintf(w, "    %s = %s\n", escape.Text(kv[0]), escape.Text(v))
		}
		switch {
		case f.Attestations != nil:
			fmt.Fprintf(w, "    attestations = %d bytes\n", len(f.Attestations))
		case f.Attest != nil:
			fmt.Fprintf(w, "    attestations = a publish attestation of sha256 %s, to be signed with the %s identity (Sigstore)\n", r.SHA256, escape.Text(signedBy))
		}
	}
	if len(skip) > 0 {
		fmt.Fprintf(w, "pyup: dry run: would skip, %s has them:\n", t.URL)
	}
	for _, r := range skip {
		why := "already on the index with the same sha256"
		if r.Message != "" && r.Message != "already on the index" {
			why = r.Message
		}
		fmt.Fprintf(w, "  %s (%s): %s\n", escape.Text(r.File), humanBytes(r.Size), escape.Text(why))
	}
}

func summaryMarkdown(rep *Report) string {
	var b strings.Builder
	title := "pyup upload"
	if rep.DryRun {
		title += " (dry run)"
	}
	fmt.Fprintf(&b, "### %s to %s\n\n| file | size | sha256 | status |\n|---|---:|---|---|\n", title, rep.Repository)
	for _, f := range rep.Files {
		status := f.Status
		if f.Error != "" {
			status += ": " + strings.ReplaceAll(escape.Text(f.Error), "|", `\|`)
		} else if f.Message != "" {
			status += " (" + escape.Text(f.Message) + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", escape.Text(f.File), humanBytes(f.Size), f.SHA256, status)
	}
	if rep.ProjectURL != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.ProjectURL)
	}
	b.WriteString("\n")
	return b.String()
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func fileOf(files []pkgupload.File, name string) (pkgupload.File, bool) {
	for _, f := range files {
		if f.Dist != nil && f.Dist.Filename == name {
			return f, true
		}
	}
	return pkgupload.File{}, false
}

func pathOf(files []pkgupload.File, name string) string {
	for _, f := range files {
		if f.Dist.Filename == name {
			return f.Dist.Path
		}
	}
	return name
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Package verify implements `pyup verify`.
package verify

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/pypi"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
)

// VerifyOptions holds `pyup verify`'s dependencies and flag values.
type VerifyOptions struct {
	IO *iostreams.IOStreams

	// Args are the DIST arguments (expanded to files) or, with Index,
	// the NAME==VERSION releases.
	Args []string

	Repository  string
	Identity    string
	Issuer      string
	Workflow    string
	Attestation string
	Index       string
	TrustedRoot string
	Cert        string
	Verbose     bool
	JSON        bool
}

// NewCmdVerify returns `pyup verify`. A test passes runF to capture the
// options instead of running.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "verify [flags] (--repository URL | --identity SAN) DIST... | verify --index INDEX NAME==VERSION...",
		Short: "Verify the PEP 740 attestations of distributions, offline or from an index",
		Long: `Verify that distributions were signed, through Sigstore, by the identity you
expect: a GitHub or GitLab repository's CI, or a person or service account.

For local files, each DIST's attestation is read from <DIST>.publish.attestation
beside it (or from --attestation FILE, for exactly one DIST: an attestation in
PyPI's format or a Sigstore bundle), and its signer
must match --repository URL (https://github.com/OWNER/REPO or
https://gitlab.com/GROUP/PROJECT; --workflow pins the workflow file or CI file
path) or --identity SAN (exactly the certificate's identity: an email address
or a workflow URI; --issuer pins the OIDC issuer).

With --index pypi, testpypi or the URL of an index that serves PyPI's JSON
and integrity APIs, each file of release NAME==VERSION is listed with its
sha256 from the index, its attestations are fetched from the integrity API,
and each must verify against the trusted publisher the index records for it,
and also against --repository or --identity when given.

Verification is offline against Sigstore's public-good trusted root, built into
pyup (--trusted-root FILE to use another): the certificate chain, the DSSE
signature, the transparency log entry, the signer's identity, and the signed
statement's subject (the file's name and sha256) and predicate type. pyup sends
no credentials when verifying.

One line per file on stdout: a check mark and the signer, or a cross and what
failed. See docs/attestations.md.`,
		Example: `  pyup verify --repository https://github.com/octo/demo dist/*
  pyup verify --repository https://github.com/octo/demo --workflow release.yml dist/demo-1.0.tar.gz
  pyup verify --identity someone@example.com --attestation demo-1.0.tar.gz.sigstore.json dist/demo-1.0.tar.gz
  pyup verify --index pypi sampleproject==4.0.0
  pyup verify --index pypi --repository https://github.com/pypa/sampleproject sampleproject==4.0.0 --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validate(opts, args); err != nil {
				return err
			}
			if opts.Index == "" {
				dists, err := cmdutil.ExpandDists(args)
				if err != nil {
					return err
				}
				if opts.Attestation != "" && len(dists) != 1 {
					return cmdutil.FlagErrorf("--attestation names the attestation of exactly one DIST; %d were given", len(dists))
				}
				args = dists
			}
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Repository, "repository", "", "Expect a signature by CI of this repository: https://github.com/OWNER/REPO or https://gitlab.com/GROUP/PROJECT")
	fl.StringVar(&opts.Workflow, "workflow", "", "With --repository: the GitHub workflow file (release.yml) or GitLab CI file path (.gitlab-ci.yml) that must have signed")
	fl.StringVar(&opts.Identity, "identity", "", "Expect a signature by exactly this identity (certificate SAN): an email address or a workflow URI")
	fl.StringVar(&opts.Issuer, "issuer", "", "With --identity: the OIDC issuer that must have vouched for it (default: GitHub's or GitLab's for their workflow URIs, any for others)")
	fl.StringVar(&opts.Attestation, "attestation", "", "The attestation of the one DIST, in PyPI's format or a Sigstore bundle (default: <DIST>.publish.attestation)")
	fl.StringVar(&opts.Index, "index", "", "Verify a release on an index instead of local files: pypi, testpypi or the index's URL (https://pypi.example.com)")
	fl.StringVar(&opts.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json to verify against (default: Sigstore's public-good root built into pyup)")
	fl.StringVar(&opts.Cert, "cert", "", "With --index: CA bundle (PEM) for the index's TLS certificate (ignored for local files)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "Log requests and responses to stderr")
	fl.BoolVar(&opts.JSON, "json", false, "Print one JSON report on stdout")
	// --repository is upload's index name in PYUP_REPOSITORY and
	// TWINE_REPOSITORY; here it is a source repository, read from the
	// command line only.
	config.SetEnv(fl, "repository")
	config.SetEnv(fl, "trusted-root", "PYUP_SIGSTORE_TRUSTED_ROOT")
	return cmd
}

// validate checks the flags' combinations: each mistake is a usage error.
func validate(opts *VerifyOptions, args []string) error {
	if len(args) == 0 {
		if opts.Index != "" {
			return cmdutil.FlagErrorf("pyup verify --index needs a release: NAME==VERSION")
		}
		return cmdutil.FlagErrorf("pyup verify needs at least one DIST (a file, directory or glob)")
	}
	if opts.Repository != "" && opts.Identity != "" {
		return cmdutil.FlagErrorf("--repository and --identity are exclusive: give the one you expect")
	}
	if opts.Workflow != "" && opts.Repository == "" {
		return cmdutil.FlagErrorf("--workflow needs --repository")
	}
	if opts.Issuer != "" && opts.Identity == "" {
		return cmdutil.FlagErrorf("--issuer needs --identity")
	}
	if opts.Index != "" {
		if opts.Attestation != "" {
			return cmdutil.FlagErrorf("--attestation is for local files; --index reads the attestations from the index")
		}
		for _, a := range args {
			if _, _, err := parseRelease(a); err != nil {
				return err
			}
		}
		return nil
	}
	if opts.Repository == "" && opts.Identity == "" {
		return cmdutil.FlagErrorf("say whose signature to expect: --repository URL or --identity SAN (or verify a release with --index)")
	}
	return nil
}

// parseRelease splits NAME==VERSION.
func parseRelease(s string) (name, version string, err error) {
	name, version, ok := strings.Cut(s, "==")
	name, version = strings.TrimSpace(name), strings.TrimSpace(version)
	if !ok || !dist.ValidName(name) {
		return "", "", cmdutil.FlagErrorf("%s: want a release as NAME==VERSION (sampleproject==4.0.0)", escape.Text(s))
	}
	if _, err := dist.ParseVersion(version); err != nil {
		return "", "", cmdutil.FlagErrorf("%s: %q is not a PEP 440 version", escape.Text(s), escape.Text(version))
	}
	return name, version, nil
}

// userPolicy is the policy --repository or --identity asks for, nil when
// neither was given.
func userPolicy(opts *VerifyOptions) (attest.Policy, error) {
	var p attest.Policy
	var err error
	switch {
	case opts.Repository != "":
		p, err = attest.RepositoryPolicy(opts.Repository, opts.Workflow)
	case opts.Identity != "":
		p, err = attest.IdentityPolicy(opts.Identity, opts.Issuer)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, cmdutil.FlagErrorf("%s", escape.Text(err.Error()))
	}
	return p, nil
}

// fileResult is one file's line of the report.
type fileResult struct {
	File          string            `json:"file"`
	Verified      bool              `json:"verified"`
	Identity      string            `json:"identity,omitempty"`
	Issuer        string            `json:"issuer,omitempty"`
	PredicateType string            `json:"predicate_type,omitempty"`
	Publisher     *attest.Publisher `json:"publisher,omitempty"`
	// Check names the check that failed (see attest.Check).
	Check string `json:"check,omitempty"`
	Error string `json:"error,omitempty"`
}

type report struct {
	Files    []fileResult `json:"files"`
	Verified int          `json:"verified"`
	Failed   int          `json:"failed"`
	Success  bool         `json:"success"`
}

func (r *fileResult) fail(err error) {
	r.Verified = false
	r.Error = err.Error()
	var ve *attest.VerificationError
	if errors.As(err, &ve) {
		r.Check = string(ve.Check)
	}
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	policy, err := userPolicy(opts)
	if err != nil {
		return err
	}
	var vopts []attest.VerifyOption
	if opts.TrustedRoot != "" {
		tr, err := cmdutil.LoadTrustedRoot(opts.TrustedRoot)
		if err != nil {
			return err
		}
		vopts = append(vopts, attest.WithTrustedMaterial(tr))
	}
	var files []fileResult
	if opts.Index != "" {
		files, err = verifyIndex(ctx, opts, policy, vopts)
	} else {
		files, err = verifyLocal(ctx, opts, policy, vopts)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	r := report{Files: files}
	for _, f := range files {
		if f.Verified {
			r.Verified++
		} else {
			r.Failed++
		}
	}
	r.Success = r.Failed == 0 && len(files) > 0
	if opts.JSON {
		if err := cmdutil.WriteJSON(opts.IO.Out, r); err != nil {
			return err
		}
	} else {
		writeText(opts.IO.Out, files, opts.IO.ColorEnabled())
	}
	if !r.Success {
		if opts.JSON {
			return cmdutil.SilentExit(cmdutil.ExitVerifyFailed)
		}
		return cmdutil.WithExit(cmdutil.ExitVerifyFailed,
			fmt.Errorf("%s of %d failed verification", cmdutil.Plural(r.Failed, "file"), len(files)), "")
	}
	return nil
}

// writeText writes one line per file: "✓ NAME  signed by IDENTITY" or
// "✗ NAME  WHAT FAILED".
func writeText(w io.Writer, files []fileResult, color bool) {
	paint := func(code, text string) string {
		if !color {
			return text
		}
		return "\x1b[" + code + "m" + text + "\x1b[0m"
	}
	for _, f := range files {
		if f.Verified {
			fmt.Fprintf(w, "%s %s  signed by %s\n", paint("32", "✓"), escape.Text(f.File), escape.Text(f.Identity))
		} else {
			fmt.Fprintf(w, "%s %s  %s\n", paint("31", "✗"), escape.Text(f.File), escape.Text(f.Error))
		}
	}
}

// verifyLocal verifies each DIST against its attestation file.
func verifyLocal(ctx context.Context, opts *VerifyOptions, policy attest.Policy, vopts []attest.VerifyOption) ([]fileResult, error) {
	var out []fileResult
	for _, path := range opts.Args {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		r := fileResult{File: filepath.Base(path)}
		res, err := verifyFile(ctx, path, opts.Attestation, policy, vopts)
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			r.fail(err)
		} else {
			r.Verified, r.Identity, r.Issuer, r.PredicateType = true, res.Identity, res.Issuer, res.PredicateType
		}
		out = append(out, r)
	}
	return out, nil
}

func verifyFile(ctx context.Context, path, attPath string, policy attest.Policy, vopts []attest.VerifyOption) (*attest.Result, error) {
	var d *attest.Document
	if attPath != "" {
		var err error
		if d, err = readAttestationFile(attPath); err != nil {
			return nil, err
		}
	} else {
		a, err := attest.Load(path)
		if err != nil {
			return nil, err
		}
		if d, err = a.Document(); err != nil {
			return nil, err
		}
	}
	subject, err := attest.SubjectOf(ctx, path)
	if err != nil {
		return nil, err
	}
	return attest.Verify(ctx, d, subject, policy, vopts...)
}

// readAttestationFile reads --attestation FILE: an attestation in PyPI's
// format, or a Sigstore bundle (JSON with a mediaType) such as
// sigstore-python writes.
func readAttestationFile(p string) (*attest.Document, error) {
	b, err := dist.ReadFile(p, attest.MaxSize)
	if err != nil {
		return nil, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%s: not a JSON attestation object: %v", filepath.Base(p), err)
	}
	var d *attest.Document
	if _, ok := probe["mediaType"]; ok {
		d, err = attest.DecodeBundleJSON(b)
	} else {
		d, err = attest.Decode(b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	return d, nil
}

// resolveIndex turns --index into the index to read.
func resolveIndex(s string) (pypi.Index, error) {
	switch s {
	case pypi.PyPI.Name:
		return pypi.PyPI, nil
	case pypi.TestPyPI.Name:
		return pypi.TestPyPI, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return pypi.Index{}, cmdutil.FlagErrorf("--index %s: want pypi, testpypi or the index's http(s) URL", escape.Text(s))
	}
	if u.User != nil {
		return pypi.Index{}, cmdutil.FlagErrorf("--index: the URL carries credentials; pyup sends none when verifying, remove them")
	}
	if idx, ok := pypi.Lookup(s); ok && strings.Trim(u.Path, "/") == "" {
		return idx, nil
	}
	return pypi.Index{WebURL: strings.TrimSuffix(u.String(), "/")}, nil
}

// verifyIndex verifies each file of each release against the attestations
// and publisher the index records.
func verifyIndex(ctx context.Context, opts *VerifyOptions, userPolicy attest.Policy, vopts []attest.VerifyOption) ([]fileResult, error) {
	idx, err := resolveIndex(opts.Index)
	if err != nil {
		return nil, err
	}
	httpOpts := cmdutil.HTTPOptions(&cmdutil.Target{CACert: opts.Cert}, opts.Verbose, opts.IO.ErrOut)
	client, err := cmdutil.HTTPClient(httpOpts)
	if err != nil {
		return nil, err
	}
	vopts = append(vopts, attest.WithPredicateTypes(attest.PublishPredicate, attest.SLSAProvenancePredicate))
	var out []fileResult
	for _, arg := range opts.Args {
		project, version, _ := parseRelease(arg)
		files, err := releaseFiles(ctx, idx, project, version, httpOpts, client)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			r, err := verifyIndexFile(ctx, idx, project, version, f, userPolicy, vopts, client)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// networkErr is the exit of a failed read of the index: the code of
// network failures (docs/exit-codes.md).
func networkErr(err error) error {
	return cmdutil.WithExit(cmdutil.ExitUploadFailed, err, "")
}

// releaseFiles lists a release's files from the JSON API, or from the
// simple API when the index has no JSON API (404).
func releaseFiles(ctx context.Context, idx pypi.Index, project, version string, httpOpts []pkgupload.Option, client *http.Client) ([]attest.ReleaseFile, error) {
	files, err := attest.FetchReleaseFiles(ctx, client, idx.JSONURL(project, version))
	if err == nil {
		if len(files) == 0 {
			return nil, cmdutil.WithExit(cmdutil.ExitUsage, fmt.Errorf("%s %s has no files on %s", project, version, idx.WebURL), "")
		}
		return files, nil
	}
	if !errors.Is(err, attest.ErrIndexNotFound) {
		return nil, networkErr(err)
	}
	// No JSON API, or no such release: ask the simple API.
	c, err := pkgupload.New(idx.WebURL+"/legacy/", slices.Concat(httpOpts, []pkgupload.Option{pkgupload.WithCheckURL(idx.SimpleURL())})...)
	if err != nil {
		return nil, cmdutil.WithExit(cmdutil.ExitUsage, err, "")
	}
	all, err := c.Existing(ctx, project)
	if err != nil {
		return nil, networkErr(err)
	}
	want, _ := dist.ParseVersion(version)
	for name, sha := range all {
		v, ok := fileVersion(name)
		if !ok || dist.CompareVersions(v, want) != 0 {
			continue
		}
		sum, err := hexDigest(sha)
		if err != nil {
			return nil, networkErr(fmt.Errorf("simple API of %s: %s: the index publishes no sha256 for it", escape.Text(idx.WebURL), escape.Text(name)))
		}
		files = append(files, attest.ReleaseFile{Filename: name, SHA256: sum})
	}
	if len(files) == 0 {
		return nil, cmdutil.WithExit(cmdutil.ExitUsage, fmt.Errorf("%s %s: no such release on %s", project, version, idx.WebURL), "")
	}
	sortFiles(files)
	return files, nil
}

func verifyIndexFile(ctx context.Context, idx pypi.Index, project, version string, f attest.ReleaseFile, userPolicy attest.Policy, vopts []attest.VerifyOption, client *http.Client) (fileResult, error) {
	r := fileResult{File: f.Filename}
	prov, err := attest.FetchProvenance(ctx, client, idx.IntegrityURL(project, version, f.Filename))
	switch {
	case errors.Is(err, attest.ErrIndexNotFound):
		r.fail(fmt.Errorf("the index holds no attestation for this file"))
		return r, nil
	case err != nil:
		var ie *attest.IndexError
		if errors.As(err, &ie) && ie.StatusCode == 200 {
			// The answer is there but malformed: this file fails.
			r.fail(err)
			return r, nil
		}
		if ctx.Err() != nil {
			return r, context.Cause(ctx)
		}
		return r, networkErr(err)
	}
	subject := attest.Subject{Name: f.Filename, SHA256: f.SHA256}
	for _, ab := range prov.AttestationBundles {
		pub := ab.Publisher
		r.Publisher = &pub
		policy, err := attest.PublisherPolicy(pub)
		if err != nil {
			r.fail(fmt.Errorf("publisher recorded by the index: %w", err))
			return r, nil
		}
		if userPolicy != nil {
			policy = attest.AllOf(policy, userPolicy)
		}
		for _, d := range ab.Attestations {
			res, err := attest.Verify(ctx, d, subject, policy, vopts...)
			if err != nil {
				if ctx.Err() != nil {
					return r, context.Cause(ctx)
				}
				r.fail(err)
				return r, nil
			}
			if r.Identity == "" || res.PredicateType == attest.PublishPredicate {
				r.Identity, r.Issuer, r.PredicateType = res.Identity, res.Issuer, res.PredicateType
			}
		}
	}
	r.Verified = true
	return r, nil
}

// fileVersion returns the version a wheel or sdist file name holds.
func fileVersion(name string) (dist.Version, bool) {
	var v string
	if strings.HasSuffix(name, ".whl") {
		w, err := dist.ParseWheelFilename(name)
		if err != nil {
			return dist.Version{}, false
		}
		v = w.Version
	} else {
		s, err := dist.ParseSdistFilename(name)
		if err != nil {
			return dist.Version{}, false
		}
		v = s.Version
	}
	pv, err := dist.ParseVersion(v)
	return pv, err == nil
}

func hexDigest(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("no valid sha256 digest")
	}
	return b, nil
}

func sortFiles(fs []attest.ReleaseFile) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Filename < fs[j].Filename })
}

package upload

import (
	"context"
	"errors"
	"fmt"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/escape"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// planAttestations decides, by --attest and the credential, whether this
// run signs attestations, and gives each file without one its File.Attest
// (or its <DIST>.publish.attestation, when one is beside it). It returns
// the name of the identity files are signed with ("" when none are).
func planAttestations(ctx context.Context, opts *UploadOptions, cred *credential.Credential, files []pkgupload.File) (string, error) {
	w := opts.IO.ErrOut
	trusted := cred != nil && cred.Source == credential.SourceTrustedPublishing
	plan, err := cmdutil.PlanAttest(ctx, opts.Factory, opts.Attest, trusted)
	if err != nil {
		return "", err
	}
	if !plan.Sign {
		if opts.Verbose || (opts.Attest == cmdutil.AttestAuto && trusted) {
			fmt.Fprintf(w, "pyup: not signing attestations: %s\n", escape.Text(plan.Reason))
		}
		return "", nil
	}
	id := plan.Identity
	signer := cmdutil.NewSigner(opts.Factory, id, opts.SignFlags)
	signing := 0
	for i := range files {
		f := &files[i]
		if f.Attestations != nil {
			continue
		}
		switch a, err := attest.Load(f.Dist.Path); {
		case err == nil:
			if f.Attestations, err = attest.FormValue(a); err != nil {
				return "", err
			}
			if opts.Verbose {
				fmt.Fprintf(w, "pyup: %s: uploading the attestation in %s\n", escape.Text(f.Dist.Filename), escape.Text(a.File))
			}
			continue
		case !errors.Is(err, attest.ErrNotFound):
			return "", cmdutil.WithExit(cmdutil.ExitUsage, err, "remove or fix the attestation file, or pass --attest never")
		}
		name := f.Dist.Filename
		f.Attest = func(ctx context.Context, sha256 string) ([]byte, error) {
			a, err := signer.Sign(ctx, name, sha256)
			if err != nil {
				return nil, err
			}
			return attest.FormValue(a)
		}
		signing++
	}
	if signing > 0 && !opts.DryRun {
		fmt.Fprintf(w, "pyup: signing %s with the %s identity (Sigstore)\n", cmdutil.Plural(signing, "attestation"), id.Provider)
	}
	return id.Provider, nil
}

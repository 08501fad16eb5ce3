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
// run signs attestations. --attest always is decided before the credential
// is resolved (cred nil), so that a run that cannot sign fails before it
// spends a trusted-publishing exchange.
func planAttestations(ctx context.Context, opts *UploadOptions, cred *credential.Credential) (cmdutil.AttestPlan, error) {
	trusted := cred != nil && cred.Source == credential.SourceTrustedPublishing
	plan, err := cmdutil.PlanAttest(ctx, opts.Factory, opts.Attest, trusted)
	if err != nil || plan.Sign {
		return plan, err
	}
	if opts.Verbose || (opts.Attest == cmdutil.AttestAuto && trusted) {
		fmt.Fprintf(opts.IO.ErrOut, "pyup: not signing attestations: %s\n", escape.Text(plan.Reason))
	}
	return plan, nil
}

// applyAttestations gives each file without an attestation its
// File.Attest (or its <DIST>.publish.attestation, when one is beside it),
// when plan signs. It returns the name of the identity files are signed
// with ("" when none are).
func applyAttestations(opts *UploadOptions, plan cmdutil.AttestPlan, files []pkgupload.File) (string, error) {
	if !plan.Sign {
		return "", nil
	}
	w := opts.IO.ErrOut
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

package attest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// signingStack starts a fake Sigstore served to a signer whose identity is
// a GitHub Actions job of octo-org/octo-repo.
func signingStack(t *testing.T, opts ...attest.SignerOption) (*sigstoretest.Instance, *sigstoretest.Server, *attest.Signer) {
	t.Helper()
	inst, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	return signingStackWith(t, inst, opts...)
}

// signingStackWith is signingStack on an existing instance.
func signingStackWith(t *testing.T, inst *sigstoretest.Instance, opts ...attest.SignerOption) (*sigstoretest.Instance, *sigstoretest.Server, *attest.Signer) {
	t.Helper()
	is, err := oidctest.NewIssuer()
	if err != nil {
		t.Fatal(err)
	}
	srv := inst.Server(is)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	tokens := func(context.Context) (string, error) {
		c := is.Claims()
		c.Audience = []string{attest.SigstoreAudience}
		return is.Issue(c)
	}
	opts = append([]attest.SignerOption{attest.WithFulcioURL(hs.URL), attest.WithRekorURL(hs.URL)}, opts...)
	return inst, srv, attest.NewSigner(tokens, opts...)
}

const signedBy = "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0"

func TestSignedAttestationsVerify(t *testing.T) {
	inst, srv, s := signingStack(t)
	files := map[string][]byte{"demo-1.0.tar.gz": []byte("sdist"), "demo-1.0-py3-none-any.whl": []byte("wheel")}
	docs := map[string]*attest.Attestation{}
	for name, content := range files {
		sum := sha256.Sum256(content)
		a, err := s.Sign(t.Context(), name, hex.EncodeToString(sum[:]))
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = a
	}
	if got := srv.Certificates(); got != 1 {
		t.Errorf("Fulcio issued %d certificates for 2 signatures, want 1 (one identity per run)", got)
	}
	if got := srv.Entries(); got != 2 {
		t.Errorf("Rekor logged %d entries, want 2 (one per signature)", got)
	}
	policy, err := attest.RepositoryPolicy("https://github.com/octo-org/octo-repo", "release.yml")
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range docs {
		d, err := a.Document()
		if err != nil {
			t.Fatal(err)
		}
		if again, err := d.Encode(); err != nil || string(again) != string(a.Bytes()) {
			t.Errorf("%s: re-encoding changed the attestation (%v)", name, err)
		}
		sum := sha256.Sum256(files[name])
		if _, err := attest.Verify(t.Context(), d, attest.Subject{Name: name, SHA256: sum[:]}, policy, attest.WithTrustedMaterial(inst.TrustedRoot())); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		other := sha256.Sum256([]byte("other"))
		if _, err := attest.Verify(t.Context(), d, attest.Subject{Name: name, SHA256: other[:]}, policy, attest.WithTrustedMaterial(inst.TrustedRoot())); err == nil {
			t.Errorf("%s: verified against another file's digest", name)
		}
		for _, c := range []struct {
			name, sha string
			want      bool
		}{
			{name, hex.EncodeToString(sum[:]), true},
			{name, hex.EncodeToString(other[:]), false},
			{"demo-1.1.tar.gz", hex.EncodeToString(sum[:]), false},
		} {
			if got, err := a.Attests(c.name, c.sha); err != nil || got != c.want {
				t.Errorf("Attests(%s, %.8s) = %v, %v; want %v", c.name, c.sha, got, err, c.want)
			}
		}
	}
	subject, issuer := attest.CertificateIdentity(s.Certificate())
	if subject != signedBy || issuer != oidctest.GitHubIssuerURL {
		t.Errorf("CertificateIdentity = %q, %q", subject, issuer)
	}
}

func TestSignRefusedByFulcioNamesTheStep(t *testing.T) {
	_, srv, s := signingStack(t)
	srv.Refuse("the token's issuer is not allowed")
	_, err := s.Sign(t.Context(), "demo-1.0.tar.gz", strings.Repeat("a", 64))
	if err == nil || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("err = %v, want a certificate-step error with Fulcio's message", err)
	}
}

func TestSignErrorIsOneShortLine(t *testing.T) {
	_, srv, s := signingStack(t)
	srv.Refuse(strings.Repeat("x", 100000) + "\nsecond line\x1b[31m")
	_, err := s.Sign(t.Context(), "demo-1.0.tar.gz", strings.Repeat("a", 64))
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); len(msg) > 600 || strings.ContainsAny(msg, "\n\x1b") {
		t.Errorf("error is %d bytes, or spans lines or carries escapes: %.200q", len(msg), msg)
	}
}

func TestSignRefusesCleartextSigstore(t *testing.T) {
	called := false
	s := attest.NewSigner(func(context.Context) (string, error) { called = true; return "x.y.z", nil },
		attest.WithFulcioURL("http://fulcio.example.invalid"))
	_, err := s.Sign(t.Context(), "demo-1.0.tar.gz", strings.Repeat("a", 64))
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("err = %v", err)
	}
	if called {
		t.Error("an ID token was fetched for a cleartext Fulcio URL")
	}
}

func TestSignRefusesABadDigestOrName(t *testing.T) {
	_, srv, s := signingStack(t)
	for _, c := range [][2]string{{"demo-1.0.tar.gz", "abc"}, {"not a dist", strings.Repeat("a", 64)}} {
		if _, err := s.Sign(t.Context(), c[0], c[1]); err == nil {
			t.Errorf("Sign(%q, %q) succeeded", c[0], c[1])
		}
	}
	if srv.Certificates() != 0 {
		t.Error("a certificate was requested for a statement that cannot be made")
	}
}

func TestSignVerifiesAfterSigningWithTheRootGiven(t *testing.T) {
	inst, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("sdist"))
	// The instance's own root accepts what it signed.
	_, _, ok := signingStackWith(t, inst, attest.WithVerifyAfterSigning(inst.TrustedRoot()))
	if _, err := ok.Sign(t.Context(), "demo-1.0.tar.gz", hex.EncodeToString(sum[:])); err != nil {
		t.Fatalf("verification against the signing instance's root: %v", err)
	}
	// Another instance's root does not: the attestation is not returned.
	other, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	_, _, bad := signingStackWith(t, inst, attest.WithVerifyAfterSigning(other.TrustedRoot()))
	_, err = bad.Sign(t.Context(), "demo-1.0.tar.gz", hex.EncodeToString(sum[:]))
	if err == nil || !strings.Contains(err.Error(), "verification") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a verification error naming the certificate", err)
	}
}

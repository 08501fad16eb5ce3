package attest

import (
	"context"
	"crypto/sha256"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/pyup-dev/pyup/pkg/attest/attesttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// fakeSigstore starts the fake Sigstore with a GitHub issuer and returns a
// signer pointed at it.
func fakeSigstore(t *testing.T, opts ...SignerOption) (*attesttest.Sigstore, *oidctest.Issuer, *Signer) {
	t.Helper()
	is, err := oidctest.NewIssuer()
	if err != nil {
		t.Fatal(err)
	}
	ss, err := attesttest.New([]*oidctest.Issuer{is})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ss)
	t.Cleanup(srv.Close)
	tokens := func(context.Context) (string, error) {
		c := is.Claims()
		c.Audience = []string{SigstoreAudience}
		return is.Issue(c)
	}
	opts = append([]SignerOption{WithFulcioURL(srv.URL), WithRekorURL(srv.URL)}, opts...)
	return ss, is, NewSigner(tokens, opts...)
}

func TestSignBundleVerifiesOnTheFakeSigstore(t *testing.T) {
	ss, _, s := fakeSigstore(t)
	sum := sha256.Sum256([]byte("wheel bytes"))
	stmt := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a-1.0-py3-none-any.whl","digest":{"sha256":"` + hexOf(sum[:]) + `"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`)
	var bundles []*bundle.Bundle
	for range 3 {
		pb, err := s.signBundle(t.Context(), stmt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := bundle.NewBundle(pb)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	if got := ss.Certificates(); got != 1 {
		t.Errorf("Fulcio issued %d certificates for 3 signatures, want 1 (one identity per run)", got)
	}
	if got := ss.Entries(); got != 3 {
		t.Errorf("Rekor holds %d entries, want 3 (one per signature)", got)
	}
	v, err := verify.NewVerifier(ss.TrustedRoot(), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	id, err := verify.NewShortCertificateIdentity(oidctest.GitHubIssuerURL, "",
		"https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0", "")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bundles {
		res, err := v.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", sum[:]), verify.WithCertificateIdentity(id)))
		if err != nil {
			t.Fatalf("bundle %d: %v", i, err)
		}
		if res.Statement.GetPredicateType() != "https://docs.pypi.org/attestations/publish/v1" {
			t.Errorf("predicate type %q", res.Statement.GetPredicateType())
		}
		if got := res.Signature.Certificate.SourceRepositoryURI; got != "https://github.com/octo-org/octo-repo" {
			t.Errorf("source repository %q", got)
		}
	}
}

func TestSignRefusedByFulcioNamesTheStep(t *testing.T) {
	ss, _, s := fakeSigstore(t)
	ss.Refuse("the token's issuer is not allowed")
	_, err := s.signBundle(t.Context(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "certificate") || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("err = %v, want a certificate-step error with Fulcio's message", err)
	}
}

func TestSignRefusesCleartextSigstore(t *testing.T) {
	called := false
	s := NewSigner(func(context.Context) (string, error) { called = true; return "x.y.z", nil },
		WithFulcioURL("http://fulcio.example.invalid"))
	_, err := s.signBundle(t.Context(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("err = %v", err)
	}
	if called {
		t.Error("an ID token was fetched for a cleartext Fulcio URL")
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestSignMakesAnAttestationThatRoundTripsAndAttestsTheFile(t *testing.T) {
	ss, _, s := fakeSigstore(t)
	sum := sha256.Sum256([]byte("sdist bytes"))
	a, err := s.Sign(t.Context(), "demo-1.0.tar.gz", hexOf(sum[:]))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	again, err := doc.Encode()
	if err != nil || string(again) != string(a.Bytes()) {
		t.Fatalf("re-encoding changed the attestation (err %v)", err)
	}
	b, err := doc.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewVerifier(ss.TrustedRoot(), verify.WithTransparencyLog(1), verify.WithIntegratedTimestamps(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", sum[:]), verify.WithoutIdentitiesUnsafe())); err != nil {
		t.Fatalf("the attestation does not verify after the round trip through PyPI's format: %v", err)
	}
	for _, c := range []struct {
		name, sha string
		want      bool
	}{
		{"demo-1.0.tar.gz", hexOf(sum[:]), true},
		{"Demo-1.0.0.tar.gz", hexOf(sum[:]), true}, // the same file by PyPI's rules
		{"demo-1.1.tar.gz", hexOf(sum[:]), false},
		{"demo-1.0.tar.gz", strings.Repeat("0", 64), false},
	} {
		got, err := a.Attests(c.name, c.sha)
		if err != nil || got != c.want {
			t.Errorf("Attests(%s, %.8s) = %v, %v; want %v", c.name, c.sha, got, err, c.want)
		}
	}
	subject, issuer := CertificateIdentity(s.Certificate())
	if subject != "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0" || issuer != oidctest.GitHubIssuerURL {
		t.Errorf("CertificateIdentity = %q, %q", subject, issuer)
	}
}

func TestSignErrorIsOneShortLine(t *testing.T) {
	ss, _, s := fakeSigstore(t)
	ss.Refuse(strings.Repeat("x", 100000) + "\nsecond line\x1b[31m")
	_, err := s.signBundle(t.Context(), []byte(`{}`))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if len(msg) > 600 || strings.ContainsAny(msg, "\n\x1b") {
		t.Errorf("error is %d bytes, or spans lines or carries escapes: %.200q", len(msg), msg)
	}
}

package sigstoretest_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
)

func TestAttestVerifies(t *testing.T) {
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("not really a wheel")
	sum := sha256.Sum256(content)
	name := "demo-1.0-py3-none-any.whl"
	for _, tc := range []struct {
		id     sigstoretest.Identity
		policy func() (attest.Policy, error)
		wrong  func() (attest.Policy, error)
	}{
		{sigstoretest.GitHub("octo/demo", "release.yml", "refs/tags/v1.0"),
			func() (attest.Policy, error) { return attest.GitHubPolicy("octo/demo", "release.yml") },
			func() (attest.Policy, error) { return attest.GitHubPolicy("octo/demo", "ci.yml") }},
		{sigstoretest.GitLab("group/sub/demo", ".gitlab-ci.yml", "refs/heads/main"),
			func() (attest.Policy, error) { return attest.RepositoryPolicy("https://gitlab.com/group/sub/demo", "") },
			func() (attest.Policy, error) { return attest.GitLabPolicy("group/demo", "") }},
		{sigstoretest.Email("sa@demo.iam.gserviceaccount.invalid", attest.GoogleIssuer),
			func() (attest.Policy, error) { return attest.GooglePolicy("sa@demo.iam.gserviceaccount.invalid") },
			func() (attest.Policy, error) { return attest.GooglePolicy("other@demo.iam.gserviceaccount.invalid") }},
	} {
		d, err := s.Attest(tc.id, name, content)
		if err != nil {
			t.Fatal(err)
		}
		// Through the wire form, as an index or a file would carry it.
		d, err = attest.Decode(sigstoretest.Encode(d))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := tc.policy()
		res, err := attest.Verify(context.Background(), d, attest.Subject{Name: name, SHA256: sum[:]}, p,
			attest.WithTrustedMaterial(s.TrustedRoot()))
		if err != nil {
			t.Fatalf("%s: %v", tc.id.SAN, err)
		}
		if res.Identity != tc.id.SAN || res.Issuer != tc.id.Issuer {
			t.Errorf("Result %q %q, want %q %q", res.Identity, res.Issuer, tc.id.SAN, tc.id.Issuer)
		}
		w, _ := tc.wrong()
		_, err = attest.Verify(context.Background(), d, attest.Subject{Name: name, SHA256: sum[:]}, w,
			attest.WithTrustedMaterial(s.TrustedRoot()))
		var ve *attest.VerificationError
		if !errors.As(err, &ve) || ve.Check != attest.CheckIdentity {
			t.Errorf("%s with %s: %v", tc.id.SAN, w, err)
		}
		// Not against the public-good root.
		_, err = attest.Verify(context.Background(), d, attest.Subject{Name: name, SHA256: sum[:]}, p)
		if !errors.As(err, &ve) || ve.Check != attest.CheckCertificate {
			t.Errorf("public-good root accepted a fake: %v", err)
		}
	}
}

func TestTrustedRootJSON(t *testing.T) {
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.TrustedRootJSON()
	if err != nil || !strings.Contains(string(j), "rekor.sigstoretest.invalid") {
		t.Fatalf("%s %v", j, err)
	}
}

func TestEntriesOfOneInstanceDiffer(t *testing.T) {
	s, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	id := sigstoretest.GitHub("octo/demo", "release.yml", "refs/tags/v1.0")
	for i := 0; i < 3; i++ {
		content := []byte{byte(i)}
		sum := sha256.Sum256(content)
		d, err := s.Attest(id, "demo-1.0.tar.gz", content)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := attest.GitHubPolicy("octo/demo", "")
		if _, err := attest.Verify(context.Background(), d, attest.Subject{Name: "demo-1.0.tar.gz", SHA256: sum[:]}, p,
			attest.WithTrustedMaterial(s.TrustedRoot())); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

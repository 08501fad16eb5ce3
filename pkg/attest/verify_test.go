package attest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/pyup-dev/pyup/pkg/attest"
)

// realVector is one real attestation of a real release, with the identity
// it was signed by.
type realVector struct {
	attestation string
	dist        string // the file's name
	sha256      string // hex; the file's digest when the file is not in testdata
	policy      func() (attest.Policy, error)
	// staging: signed with Sigstore's staging instance, verified against
	// its trusted root (testdata/staging_trusted_root.json).
	staging   bool
	identity  string
	issuer    string
	predicate string
	// timestamps is the number of verified times (default 1: the log's
	// integrated time).
	timestamps int
	// wrong are policies the attestation must fail, with the text the
	// identity error must hold.
	wrong []wrongPolicy
}

type wrongPolicy struct {
	name   string
	policy func() (attest.Policy, error)
	want   string
}

var realVectors = []realVector{
	{
		attestation: "pypi_attestations-0.0.19.tar.gz.publish.attestation",
		dist:        "pypi_attestations-0.0.19.tar.gz",
		policy: func() (attest.Policy, error) {
			return attest.GitHubPolicy("trailofbits/pypi-attestations", "release.yml")
		},
		identity:  "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
		issuer:    attest.GitHubIssuer,
		predicate: attest.PublishPredicate,
		wrong: []wrongPolicy{
			{"wrong repo", func() (attest.Policy, error) {
				return attest.RepositoryPolicy("https://github.com/pypi/pypi-attestations", "")
			}, "identity: expected source repository https://github.com/pypi/pypi-attestations, got https://github.com/trailofbits/pypi-attestations"},
			{"wrong workflow", func() (attest.Policy, error) {
				return attest.GitHubPolicy("trailofbits/pypi-attestations", "publish.yml")
			}, "identity: expected workflow https://github.com/trailofbits/pypi-attestations/.github/workflows/publish.yml, got https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"},
			{"GitLab project", func() (attest.Policy, error) {
				return attest.GitLabPolicy("trailofbits/pypi-attestations", "")
			}, "identity: expected OIDC issuer https://gitlab.com, got https://token.actions.githubusercontent.com"},
			{"wrong identity", func() (attest.Policy, error) {
				return attest.IdentityPolicy("https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.18", "")
			}, "identity: expected identity https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.18, got https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"},
		},
	},
	{
		// Rekor v1 entry and an RFC 3161 timestamp from Sigstore's TSA.
		attestation: "pypi_attestations-0.0.19.tar.gz.publish.attestation.with_timestamp",
		dist:        "pypi_attestations-0.0.19.tar.gz",
		policy: func() (attest.Policy, error) {
			return attest.IdentityPolicy("jku@goto.fi", "https://github.com/login/oauth")
		},
		identity:   "jku@goto.fi",
		issuer:     "https://github.com/login/oauth",
		predicate:  attest.PublishPredicate,
		timestamps: 2,
		wrong: []wrongPolicy{
			{"wrong email", func() (attest.Policy, error) { return attest.IdentityPolicy("jku@example.invalid", "") },
				"identity: expected identity jku@example.invalid, got jku@goto.fi"},
			{"as GitHub publisher", func() (attest.Policy, error) {
				return attest.GitHubPolicy("trailofbits/pypi-attestations", "release.yml")
			},
				"identity: expected OIDC issuer https://token.actions.githubusercontent.com, got https://github.com/login/oauth"},
		},
	},
	{
		attestation: "pypi_attestations-0.0.19.tar.gz.slsa.attestation",
		dist:        "pypi_attestations-0.0.19.tar.gz",
		policy: func() (attest.Policy, error) { // GitHub names are case-insensitive
			return attest.RepositoryPolicy("https://github.com/TrailOfBits/PyPI-Attestations", "")
		},
		identity:  "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
		issuer:    attest.GitHubIssuer,
		predicate: attest.SLSAProvenancePredicate,
		wrong: []wrongPolicy{
			{"wrong owner", func() (attest.Policy, error) { return attest.GitHubPolicy("pypa/pypi-attestations", "release.yml") },
				"identity: expected source repository https://github.com/pypa/pypi-attestations, got https://github.com/trailofbits/pypi-attestations"},
		},
	},
	{
		attestation: "pypi_attestation_models-0.0.4a2.tar.gz.attestation",
		dist:        "pypi_attestation_models-0.0.4a2.tar.gz",
		policy: func() (attest.Policy, error) {
			return attest.PublisherPolicy(attest.Publisher{Kind: "GitHub", Repository: "trailofbits/pypi-attestation-models", Workflow: "release.yml"})
		},
		identity:  "https://github.com/trailofbits/pypi-attestation-models/.github/workflows/release.yml@refs/tags/v0.0.4a2",
		issuer:    attest.GitHubIssuer,
		predicate: attest.PublishPredicate,
		wrong: []wrongPolicy{
			{"other repo of the owner", func() (attest.Policy, error) {
				return attest.GitHubPolicy("trailofbits/pypi-attestations", "release.yml")
			}, "identity: expected source repository https://github.com/trailofbits/pypi-attestations, got https://github.com/trailofbits/pypi-attestation-models"},
		},
	},
	{
		attestation: "gitlab_oidc_project-0.0.3.tar.gz.publish.attestation",
		dist:        "gitlab_oidc_project-0.0.3.tar.gz",
		policy: func() (attest.Policy, error) {
			return attest.GitLabPolicy("facutuesca/gitlab-oidc-project", ".gitlab-ci.yml")
		},
		identity:  "https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main",
		issuer:    attest.GitLabIssuer,
		predicate: attest.PublishPredicate,
		wrong: []wrongPolicy{
			{"wrong project", func() (attest.Policy, error) {
				return attest.RepositoryPolicy("https://gitlab.com/facutuesca/other-project", "")
			}, "identity: expected source repository https://gitlab.com/facutuesca/other-project, got https://gitlab.com/facutuesca/gitlab-oidc-project"},
			{"wrong CI file", func() (attest.Policy, error) {
				return attest.RepositoryPolicy("https://gitlab.com/facutuesca/gitlab-oidc-project", "ci/release.yml")
			}, "identity: expected CI file https://gitlab.com/facutuesca/gitlab-oidc-project//ci/release.yml, got https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main"},
			{"GitHub repo of the same name", func() (attest.Policy, error) {
				return attest.RepositoryPolicy("https://github.com/facutuesca/gitlab-oidc-project", "")
			}, "identity: expected OIDC issuer https://token.actions.githubusercontent.com, got https://gitlab.com"},
		},
	},
	{
		attestation: "rfc8785-0.1.2-py3-none-any.whl.publish.attestation",
		dist:        "rfc8785-0.1.2-py3-none-any.whl",
		policy:      func() (attest.Policy, error) { return attest.IdentityPolicy("william@yossarian.net", "") },
		staging:     true,
		identity:    "william@yossarian.net",
		issuer:      "https://github.com/login/oauth",
		predicate:   attest.PublishPredicate,
		wrong: []wrongPolicy{
			{"wrong email", func() (attest.Policy, error) { return attest.IdentityPolicy("william@example.invalid", "") },
				"identity: expected identity william@example.invalid, got william@yossarian.net"},
			{"wrong issuer", func() (attest.Policy, error) {
				return attest.IdentityPolicy("william@yossarian.net", "https://accounts.google.com")
			}, "identity: expected OIDC issuer https://accounts.google.com, got https://github.com/login/oauth"},
			{"as Google publisher", func() (attest.Policy, error) { return attest.GooglePolicy("william@yossarian.net") },
				"identity: expected OIDC issuer https://accounts.google.com, got https://github.com/login/oauth"},
		},
	},
	{
		attestation: "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation",
		dist:        "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		sha256:      "d2772f9a5199f05ed1be8d9aa78b879e51772e3ead9d73fe8057257b1aec7cf8",
		policy:      func() (attest.Policy, error) { return attest.IdentityPolicy("william@yossarian.net", "") },
		staging:     true,
		identity:    "william@yossarian.net",
		issuer:      "https://github.com/login/oauth",
		predicate:   attest.PublishPredicate,
		wrong: []wrongPolicy{
			{"wrong email", func() (attest.Policy, error) { return attest.IdentityPolicy("someone@example.invalid", "") },
				"identity: expected identity someone@example.invalid, got william@yossarian.net"},
		},
	},
}

func (v realVector) subject(t *testing.T) attest.Subject {
	t.Helper()
	if v.sha256 != "" {
		sum, err := hex.DecodeString(v.sha256)
		if err != nil {
			t.Fatal(err)
		}
		return attest.Subject{Name: v.dist, SHA256: sum}
	}
	s, err := attest.SubjectOf(context.Background(), filepath.Join(assets, v.dist))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (v realVector) run(t *testing.T, d *attest.Document, s attest.Subject, p attest.Policy) (*attest.Result, error) {
	t.Helper()
	opts := []attest.VerifyOption{attest.WithPredicateTypes(v.predicate)}
	if v.staging {
		opts = append(opts, attest.WithTrustedMaterial(stagingRoot(t)))
	}
	return attest.Verify(context.Background(), d, s, p, opts...)
}

func stagingRoot(t *testing.T) *root.TrustedRoot {
	t.Helper()
	tr, err := attest.LoadTrustedRoot("testdata/staging_trusted_root.json")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// The staging vectors do not verify against the built-in public-good root,
// nor the public-good ones against the staging root.
func TestVerifyRootsAreSeparate(t *testing.T) {
	for _, v := range realVectors {
		d, err := attest.Decode(readAsset(t, v.attestation))
		if err != nil {
			t.Fatal(err)
		}
		var opts []attest.VerifyOption
		if !v.staging {
			opts = append(opts, attest.WithTrustedMaterial(stagingRoot(t)))
		}
		opts = append(opts, attest.WithPredicateTypes(v.predicate))
		_, err = attest.Verify(context.Background(), d, v.subject(t), mustPolicy(t, v.policy), opts...)
		expectFailure(t, v.attestation, err, attest.CheckCertificate, "certificate: does not chain to the trusted root's certificate authority")
	}
}

func mustPolicy(t *testing.T, f func() (attest.Policy, error)) attest.Policy {
	t.Helper()
	p, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// flip returns b with one byte changed at i.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func TestVerifyRealVectors(t *testing.T) {
	for _, v := range realVectors {
		t.Run(v.attestation, func(t *testing.T) {
			d, err := attest.Decode(readAsset(t, v.attestation))
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.run(t, d, v.subject(t), mustPolicy(t, v.policy))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Identity != v.identity || res.Issuer != v.issuer || res.PredicateType != v.predicate {
				t.Errorf("Result = %q %q %q, want %q %q %q", res.Identity, res.Issuer, res.PredicateType, v.identity, v.issuer, v.predicate)
			}
			want := v.timestamps
			if want == 0 {
				want = 1
			}
			if len(res.Timestamps) != want {
				t.Errorf("%d verified timestamps %v, want %d", len(res.Timestamps), res.Timestamps, want)
			}
		})
	}
}

// expectFailure asserts err is a *VerificationError of check whose message
// holds want.
func expectFailure(t *testing.T, what string, err error, check attest.Check, want string) {
	t.Helper()
	var ve *attest.VerificationError
	if !errors.As(err, &ve) || !errors.Is(err, attest.ErrVerification) {
		t.Errorf("%s: err = %v, want a *VerificationError", what, err)
		return
	}
	if ve.Check != check || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: err = %v (check %q), want check %q with %q", what, err, ve.Check, check, want)
	}
}

func TestVerifyRealVectorsTampered(t *testing.T) {
	for _, v := range realVectors {
		t.Run(v.attestation, func(t *testing.T) {
			raw := readAsset(t, v.attestation)
			good, err := attest.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			subject := v.subject(t)
			policy := mustPolicy(t, v.policy)
			fresh := func() *attest.Document {
				d, _ := attest.Decode(raw)
				return d
			}

			// The distribution, one byte changed.
			if v.sha256 == "" {
				content, err := os.ReadFile(filepath.Join(assets, v.dist))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(flip(content, len(content)/2))
				_, err = v.run(t, good, attest.Subject{Name: v.dist, SHA256: sum[:]}, policy)
				expectFailure(t, "changed dist", err, attest.CheckSubjectDigest,
					"subject digest: expected sha256 "+hex.EncodeToString(sum[:])+" (the file's), got ")
			} else {
				sum := flip(subject.SHA256, 7)
				_, err = v.run(t, good, attest.Subject{Name: v.dist, SHA256: sum}, policy)
				expectFailure(t, "changed dist", err, attest.CheckSubjectDigest, "subject digest: expected sha256 "+hex.EncodeToString(sum))
			}

			// Another file's name.
			other := "other-1.0.tar.gz"
			_, err = v.run(t, good, attest.Subject{Name: other, SHA256: subject.SHA256}, policy)
			expectFailure(t, "other name", err, attest.CheckSubjectName, "subject name: expected other-1.0.tar.gz, got ")

			// The statement, signature and certificate, one byte each, at
			// the start, the middle and the end.
			for _, at := range []func(n int) int{
				func(int) int { return 0 }, func(n int) int { return n / 2 }, func(n int) int { return n - 1 },
			} {
				d := fresh()
				d.Envelope.Statement = flip(d.Envelope.Statement, at(len(d.Envelope.Statement)))
				_, err = v.run(t, d, subject, policy)
				expectFailure(t, "changed statement", err, attest.CheckSignature, "signature: the statement's signature does not verify")

				d = fresh()
				d.Envelope.Signature = flip(d.Envelope.Signature, at(len(d.Envelope.Signature)))
				_, err = v.run(t, d, subject, policy)
				expectFailure(t, "changed signature", err, attest.CheckSignature, "signature: the statement's signature does not verify")

				d = fresh()
				d.VerificationMaterial.Certificate = flip(d.VerificationMaterial.Certificate, at(len(d.VerificationMaterial.Certificate)))
				_, err = v.run(t, d, subject, policy)
				expectFailure(t, "changed certificate", err, attest.CheckCertificate, "certificate: ")
			}

			// The transparency log entry: its body and its proof.
			for _, field := range []string{"canonicalizedBody", "inclusionProof.rootHash", "inclusionPromise.signedEntryTimestamp"} {
				d := fresh()
				d.VerificationMaterial.TransparencyEntries[0] = editEntry(t, d.VerificationMaterial.TransparencyEntries[0], field)
				_, err = v.run(t, d, subject, policy)
				expectFailure(t, "changed "+field, err, attest.CheckTransparencyLog, "transparency log: ")
			}

			// The RFC 3161 timestamp, if any.
			if len(good.VerificationMaterial.Timestamps) > 0 {
				d := fresh()
				ts := d.VerificationMaterial.Timestamps[0]
				d.VerificationMaterial.Timestamps[0] = flip(ts, len(ts)-10)
				_, err = v.run(t, d, subject, policy)
				expectFailure(t, "changed timestamp", err, attest.CheckTimestamp, "timestamp: the signed timestamps do not verify")
			}

			// Another signer.
			for _, w := range v.wrong {
				_, err = v.run(t, good, subject, mustPolicy(t, w.policy))
				expectFailure(t, w.name, err, attest.CheckIdentity, w.want)
			}
		})
	}
}

// editEntry flips one byte of the base64 field at path (dotted) of a
// transparency log entry.
func editEntry(t *testing.T, raw json.RawMessage, path string) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, ".")
	obj := m
	for _, k := range keys[:len(keys)-1] {
		obj = obj[k].(map[string]any)
	}
	last := keys[len(keys)-1]
	s := obj[last].(string)
	dec, err := base64Std(s)
	if err != nil {
		t.Fatal(err)
	}
	obj[last] = base64StdEnc(flip(dec, len(dec)/2))
	out, _ := json.Marshal(m)
	return out
}

func TestVerifyRefusesWithoutPolicyOrBadName(t *testing.T) {
	v := realVectors[0]
	d, err := attest.Decode(readAsset(t, v.attestation))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attest.Verify(context.Background(), d, v.subject(t), nil); err == nil {
		t.Error("Verify without policy succeeded")
	}
	s := v.subject(t)
	s.Name = "notadist.txt"
	if _, err := attest.Verify(context.Background(), d, s, mustPolicy(t, v.policy)); err == nil || !strings.Contains(err.Error(), "notadist.txt") {
		t.Errorf("bad name: %v", err)
	}
	// A publish verification refuses the SLSA provenance attestation.
	slsa, err := attest.Decode(readAsset(t, "pypi_attestations-0.0.19.tar.gz.slsa.attestation"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = attest.Verify(context.Background(), slsa, v.subject(t), mustPolicy(t, v.policy))
	expectFailure(t, "slsa as publish", err, attest.CheckPredicateType,
		"predicate type: expected https://docs.pypi.org/attestations/publish/v1, got https://slsa.dev/provenance/v1")
}

func TestVerifySubjectNameNormalized(t *testing.T) {
	v := realVectors[0]
	d, err := attest.Decode(readAsset(t, v.attestation))
	if err != nil {
		t.Fatal(err)
	}
	s := v.subject(t)
	for _, name := range []string{"pypi_attestations-0.0.19.tar.gz", "PyPI.Attestations-0.0.19.tar.gz", "pypi-attestations-0.0.19.0.tar.gz",
		// pypi-attestations compares (name, version) of sdists, not the extension.
		"pypi_attestations-0.0.19.zip"} {
		s.Name = name
		if _, err := attest.Verify(context.Background(), d, s, mustPolicy(t, v.policy)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"pypi_attestations-0.0.20.tar.gz", "pypi_attestations-0.0.19-py3-none-any.whl"} {
		s.Name = name
		_, err := attest.Verify(context.Background(), d, s, mustPolicy(t, v.policy))
		expectFailure(t, name, err, attest.CheckSubjectName, "subject name: expected "+name+", got pypi_attestations-0.0.19.tar.gz")
	}
}

// A real attestation logged to a Rekor v2 instance (Sigstore staging, dsse
// 0.0.2 entry, RFC 3161 timestamp): sigstore-go v1.3.0 cannot read the
// entry, and Verify says so as a transparency log failure.
func TestVerifyRekorV2DSSEUnsupported(t *testing.T) {
	d, err := attest.Decode(readAsset(t, "pypi_attestations-0.0.19.tar.gz.publish.attestation.with_rekor2_timestamp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.VerificationMaterial.Timestamps) != 1 {
		t.Fatalf("timestamps %d", len(d.VerificationMaterial.Timestamps))
	}
	p, _ := attest.IdentityPolicy("jku@goto.fi", "")
	_, err = attest.Verify(context.Background(), d, realVectors[0].subject(t), p, attest.WithTrustedMaterial(stagingRoot(t)))
	expectFailure(t, "rekor v2", err, attest.CheckTransparencyLog, "dsse implementation for version '0.0.2' not found")
}

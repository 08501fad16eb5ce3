package attest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"google.golang.org/protobuf/proto"

	"github.com/pyup-dev/pyup/pkg/attest"
)

const assets = "testdata/pypi-attestations"

// realAttestations are the attestation files of pypi-attestations' test
// assets (see testdata/pypi-attestations/README.md), with whether the file
// is byte for byte what pypi-attestations writes for its model (compact,
// fields in model order). The others were written by other means: sorted
// keys as PyPI's integrity API serves them, or indented by hand.
var realAttestations = []struct {
	file      string
	canonical bool
}{
	{"gitlab_oidc_project-0.0.3.tar.gz.publish.attestation", true},
	{"pypi_attestation_models-0.0.4a2.tar.gz.attestation", true},
	{"pypi_attestations-0.0.19.tar.gz.slsa.attestation", true},
	{"spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation", true},
	{"pypi_attestations-0.0.19.tar.gz.publish.attestation.with_timestamp", true},
	{"pypi_attestations-0.0.19.tar.gz.publish.attestation.with_rekor2_timestamp", true},
	{"pypi_attestations-0.0.19.tar.gz.publish.attestation", false},
	{"rfc8785-0.1.2-py3-none-any.whl.publish.attestation", false},
}

func readAsset(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(assets, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

func TestDecodeEncodeRealAssets(t *testing.T) {
	for _, tc := range realAttestations {
		t.Run(tc.file, func(t *testing.T) {
			raw := readAsset(t, tc.file)
			d, err := attest.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if tc.canonical {
				if want := bytes.TrimSuffix(raw, []byte("\n")); !bytes.Equal(out, want) {
					t.Errorf("Encode differs from the file:\n got %s\nwant %s", out, want)
				}
			} else if !sameJSON(t, out, raw) {
				t.Errorf("Encode holds another value than the file:\n got %s\nwant %s", out, raw)
			}
			d2, err := attest.Decode(out)
			if err != nil {
				t.Fatal(err)
			}
			out2, _ := d2.Encode()
			if !bytes.Equal(out, out2) {
				t.Errorf("Encode(Decode(Encode(x))) != Encode(x)")
			}
			// MarshalJSON is Encode, also inside other JSON.
			arr, err := json.Marshal([]*attest.Document{d})
			if err != nil || !bytes.Equal(arr, []byte("["+string(out)+"]")) {
				t.Errorf("json.Marshal = %s, %v", arr, err)
			}
		})
	}
}

func TestBundleRoundTripRealAssets(t *testing.T) {
	for _, tc := range realAttestations {
		t.Run(tc.file, func(t *testing.T) {
			d, err := attest.Decode(readAsset(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			b, err := d.Bundle()
			if strings.Contains(tc.file, "rekor2") {
				// sigstore-go v1.3.0 reads Rekor v2 hashedrekord entries
				// only, not the dsse ones attestations get.
				if !errors.Is(err, attest.ErrLogEntry) {
					t.Fatalf("Rekor v2 dsse entry: err = %v, want ErrLogEntry", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.GetMediaType() != attest.BundleMediaType {
				t.Errorf("media type %q", b.GetMediaType())
			}
			if got := b.GetDsseEnvelope().GetPayloadType(); got != attest.PayloadType {
				t.Errorf("payload type %q", got)
			}
			back, err := attest.FromBundle(b)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := d.Encode()
			got, _ := back.Encode()
			// The entries pypi-attestations writes follow the protobuf
			// field order, as protojson does; the sorted-keys asset does not.
			if tc.canonical && !bytes.Equal(got, want) {
				t.Errorf("FromBundle(Bundle()) differs:\n got %s\nwant %s", got, want)
			}
			if !sameJSON(t, got, want) {
				t.Errorf("FromBundle(Bundle()) holds another value:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestStatementMatchesRealAssets(t *testing.T) {
	for _, name := range []string{
		"pypi_attestations-0.0.19.tar.gz",
		"gitlab_oidc_project-0.0.3.tar.gz",
		"rfc8785-0.1.2-py3-none-any.whl",
	} {
		dist := readAsset(t, name)
		sum := sha256.Sum256(dist)
		got, err := attest.Statement(name, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		d, err := attest.Decode(readAsset(t, name+attest.Suffix))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, d.Envelope.Statement) {
			t.Errorf("%s: Statement =\n%s\nwant the signed one\n%s", name, got, d.Envelope.Statement)
		}
	}
	if _, err := attest.Statement("not-a-dist.txt", make([]byte, 32)); err == nil {
		t.Error("Statement accepted a name that is no dist file name")
	}
	if _, err := attest.Statement("demo-1.0.tar.gz", make([]byte, 20)); err == nil {
		t.Error("Statement accepted a 20-byte digest")
	}
}

func TestDecodeRefuses(t *testing.T) {
	good := string(readAsset(t, realAttestations[0].file))
	var m map[string]any
	if err := json.Unmarshal([]byte(good), &m); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) string {
		var c map[string]any
		_ = json.Unmarshal([]byte(good), &c)
		f(c)
		b, _ := json.Marshal(c)
		return string(b)
	}
	vm := func(m map[string]any) map[string]any { return m["verification_material"].(map[string]any) }
	env := func(m map[string]any) map[string]any { return m["envelope"].(map[string]any) }
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "EOF"},
		{"truncated", good[:len(good)/2], "unexpected EOF"},
		{"array", "[" + good + "]", "cannot unmarshal array"},
		{"trailing", good + "{}", "data after"},
		{"version 2", edit(func(m map[string]any) { m["version"] = 2 }), "version 2, want 1"},
		{"no version", edit(func(m map[string]any) { delete(m, "version") }), `no "version"`},
		{"unknown field", edit(func(m map[string]any) { m["extra"] = 1 }), `unknown field "extra"`},
		{"no material", edit(func(m map[string]any) { delete(m, "verification_material") }), `no "verification_material"`},
		{"no envelope", edit(func(m map[string]any) { delete(m, "envelope") }), `no "envelope"`},
		{"no certificate", edit(func(m map[string]any) { delete(vm(m), "certificate") }), `no "verification_material.certificate"`},
		{"no entries", edit(func(m map[string]any) { vm(m)["transparency_entries"] = []any{} }), "at least one entry"},
		{"entry not object", edit(func(m map[string]any) { vm(m)["transparency_entries"] = []any{"x"} }), "transparency_entries[0]: not a JSON object"},
		{"urlsafe base64", edit(func(m map[string]any) { env(m)["signature"] = "ab-_" }), "envelope.signature: not standard base64"},
		{"unpadded base64", edit(func(m map[string]any) { env(m)["signature"] = "YWI" }), "envelope.signature: not standard base64"},
		{"line break", edit(func(m map[string]any) { env(m)["statement"] = "YWJj\nZGVm" }), "envelope.statement: line breaks"},
		{"empty statement", edit(func(m map[string]any) { env(m)["statement"] = "" }), "envelope.statement: empty"},
		{"no signature", edit(func(m map[string]any) { delete(env(m), "signature") }), `no "envelope.signature"`},
	} {
		_, err := attest.Decode([]byte(tc.in))
		if !errors.Is(err, attest.ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrMalformed with %q", tc.name, err, tc.want)
		}
	}
}

func TestAttestationDocument(t *testing.T) {
	dir := t.TempDir()
	dist := filepath.Join(dir, "pypi_attestations-0.0.19.tar.gz")
	raw := readAsset(t, "pypi_attestations-0.0.19.tar.gz.publish.attestation")
	if err := os.WriteFile(attest.Path(dist), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := attest.Load(dist)
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Document()
	if err != nil || d.Version != 1 || len(d.VerificationMaterial.TransparencyEntries) != 1 {
		t.Fatalf("Document() = %+v, %v", d, err)
	}
}

func TestFromBundleRefuses(t *testing.T) {
	d, err := attest.Decode(readAsset(t, realAttestations[0].file))
	if err != nil {
		t.Fatal(err)
	}
	good, err := d.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(pb *protobundle.Bundle)
		want string
	}{
		{"message signature", func(pb *protobundle.Bundle) {
			pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{Signature: []byte("s")}}
		}, "no DSSE envelope"},
		{"payload type", func(pb *protobundle.Bundle) {
			pb.GetDsseEnvelope().PayloadType = "application/json"
		}, `payload type "application/json"`},
		{"two signatures", func(pb *protobundle.Bundle) {
			e := pb.GetDsseEnvelope()
			e.Signatures = append(e.Signatures, &protodsse.Signature{Sig: []byte("x")})
		}, "exactly one DSSE signature, got 2"},
		{"no tlog entry", func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.TlogEntries = nil
		}, "no transparency log entry"},
		{"public key", func(pb *protobundle.Bundle) {
			pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: "k"}}
		}, "no signing certificate"},
	} {
		pb := proto.Clone(good.Bundle).(*protobundle.Bundle)
		tc.edit(pb)
		_, err := attest.FromBundle(&bundle.Bundle{Bundle: pb})
		if !errors.Is(err, attest.ErrConversion) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrConversion with %q", tc.name, err, tc.want)
		}
	}
	if _, err := attest.FromBundle(nil); !errors.Is(err, attest.ErrConversion) {
		t.Errorf("nil bundle: %v", err)
	}
}

func TestBundleRefuses(t *testing.T) {
	d, err := attest.Decode(readAsset(t, realAttestations[0].file))
	if err != nil {
		t.Fatal(err)
	}
	bad := *d
	bad.VerificationMaterial.Certificate = []byte("not DER")
	if _, err := bad.Bundle(); !errors.Is(err, attest.ErrConversion) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("bad certificate: %v", err)
	}
	bad = *d
	bad.VerificationMaterial.TransparencyEntries = []json.RawMessage{json.RawMessage(`{"logIndex":"x"}`)}
	if _, err := bad.Bundle(); !errors.Is(err, attest.ErrConversion) || !strings.Contains(err.Error(), "transparency_entries[0]") {
		t.Errorf("bad entry: %v", err)
	}
	var entry map[string]any
	if err := json.Unmarshal(d.VerificationMaterial.TransparencyEntries[0], &entry); err != nil {
		t.Fatal(err)
	}
	delete(entry, "inclusionProof")
	noProof, _ := json.Marshal(entry)
	bad = *d
	bad.VerificationMaterial.TransparencyEntries = []json.RawMessage{noProof}
	if _, err := bad.Bundle(); !errors.Is(err, attest.ErrConversion) || !strings.Contains(err.Error(), "inclusion proof") {
		t.Errorf("entry without proof: %v", err)
	}
}

func base64Std(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func base64StdEnc(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// A Sigstore bundle as sigstore-python wrote it converts to the very
// attestation pypi-attestations made from it.
func TestDecodeBundleJSONRealAsset(t *testing.T) {
	d, err := attest.DecodeBundleJSON(readAsset(t, "pypi_attestation_models-0.0.4a2.tar.gz.sigstore"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := d.Encode()
	want := bytes.TrimSuffix(readAsset(t, "pypi_attestation_models-0.0.4a2.tar.gz.attestation"), []byte("\n"))
	if !bytes.Equal(got, want) {
		t.Errorf("DecodeBundleJSON:\n got %s\nwant %s", got, want)
	}
	if _, err := attest.DecodeBundleJSON([]byte(`{"mediaType":"x"}`)); !errors.Is(err, attest.ErrConversion) {
		t.Errorf("bad bundle: %v", err)
	}
}

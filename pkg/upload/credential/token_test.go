package credential

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// testMacaroon builds binary V2 macaroons the way pymacaroons serializes them.
type testMacaroon struct {
	location   string
	noLocation bool
	identifier string
	caveats    []string
	thirdParty []string // caveat ids written with a verification id
	sigLen     int      // 0 means 32
}

func appendPacket(b []byte, field uint64, data []byte) []byte {
	b = binary.AppendUvarint(b, field)
	if field == fieldEOS {
		return b
	}
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func (m testMacaroon) bytes() []byte {
	b := []byte{2}
	if !m.noLocation {
		loc := m.location
		if loc == "" {
			loc = "pypi.org"
		}
		b = appendPacket(b, fieldLocation, []byte(loc))
	}
	b = appendPacket(b, fieldIdentifier, []byte(m.identifier))
	b = appendPacket(b, fieldEOS, nil)
	for _, c := range m.caveats {
		b = appendPacket(b, fieldIdentifier, []byte(c))
		b = appendPacket(b, fieldEOS, nil)
	}
	for _, c := range m.thirdParty {
		b = appendPacket(b, fieldLocation, []byte("https://auth.example"))
		b = appendPacket(b, fieldIdentifier, []byte(c))
		b = appendPacket(b, fieldVID, []byte("vid-bytes"))
		b = appendPacket(b, fieldEOS, nil)
	}
	b = appendPacket(b, fieldEOS, nil)
	n := m.sigLen
	if n == 0 {
		n = 32
	}
	return appendPacket(b, fieldSignature, make([]byte, n))
}

func (m testMacaroon) token() string {
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(m.bytes())
}

func TestParseTokenCaveats(t *testing.T) {
	const id = "0b2c3d4e-1111-2222-3333-444455556666"
	tests := []struct {
		name  string
		m     testMacaroon
		check func(t *testing.T, ti *TokenInfo)
	}{
		{
			name: "no caveats",
			m:    testMacaroon{identifier: id},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.Location != "pypi.org" || ti.Identifier != id || len(ti.Caveats) != 0 {
					t.Errorf("got %+v", ti)
				}
				sum := strings.Join(ti.Summary(), "\n")
				if !strings.Contains(sum, "no restrictions embedded (the server may hold more)") {
					t.Errorf("summary %q", sum)
				}
			},
		},
		{
			name: "expiry",
			m:    testMacaroon{identifier: id, caveats: []string{`[0,1767225600,1767222000]`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if !ti.Expires.Equal(time.Unix(1767225600, 0)) || !ti.NotBefore.Equal(time.Unix(1767222000, 0)) {
					t.Errorf("Expires %v NotBefore %v", ti.Expires, ti.NotBefore)
				}
				if ti.Valid(time.Unix(1767225600, 0)) || !ti.Valid(time.Unix(1767223000, 0)) || ti.Valid(time.Unix(1767221000, 0)) {
					t.Error("Valid wrong")
				}
			},
		},
		{
			name: "project names",
			m:    testMacaroon{identifier: id, caveats: []string{`[1,["sampleproject","other-proj"]]`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if !slices.Equal(ti.Projects, []string{"sampleproject", "other-proj"}) {
					t.Errorf("Projects %v", ti.Projects)
				}
				if ti.Caveats[0] != "projects: sampleproject, other-proj" {
					t.Errorf("Caveats %q", ti.Caveats)
				}
			},
		},
		{
			name: "project ids",
			m:    testMacaroon{identifier: id, caveats: []string{`[2,["e0c4a0b1-aaaa"]]`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if !slices.Equal(ti.ProjectIDs, []string{"e0c4a0b1-aaaa"}) {
					t.Errorf("ProjectIDs %v", ti.ProjectIDs)
				}
			},
		},
		{
			name: "user and publisher, warehouse order",
			m: testMacaroon{identifier: id, caveats: []string{
				`[3,"7d1e5f0a-user"]`, `[4,"c0ffee-publisher",null]`, `[0,1767225600,1767224700]`,
			}},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.UserID != "7d1e5f0a-user" || ti.PublisherID != "c0ffee-publisher" || ti.Expires.IsZero() {
					t.Errorf("got %+v", ti)
				}
				if ti.Legacy || ti.Unknown != 0 || len(ti.Caveats) != 3 {
					t.Errorf("got %+v", ti)
				}
			},
		},
		{
			name: "publisher without claims field",
			m:    testMacaroon{identifier: id, caveats: []string{`[4,"pub"]`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.PublisherID != "pub" {
					t.Errorf("PublisherID %q", ti.PublisherID)
				}
			},
		},
		{
			name: "legacy user",
			m:    testMacaroon{identifier: id, caveats: []string{`{"version": 1, "permissions": "user"}`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if !ti.Legacy || !ti.UserScoped {
					t.Errorf("got %+v", ti)
				}
			},
		},
		{
			name: "legacy projects, expiry, project ids",
			m: testMacaroon{identifier: id, caveats: []string{
				`{"version": 1, "permissions": {"projects": ["legacy-proj"]}}`,
				`{"exp": 1700000000, "nbf": 1699990000}`,
				`{"project_ids": ["pid-1", "pid-2"]}`,
			}},
			check: func(t *testing.T, ti *TokenInfo) {
				if !ti.Legacy || !slices.Equal(ti.Projects, []string{"legacy-proj"}) ||
					!ti.Expires.Equal(time.Unix(1700000000, 0)) || !slices.Equal(ti.ProjectIDs, []string{"pid-1", "pid-2"}) {
					t.Errorf("got %+v", ti)
				}
			},
		},
		{
			name: "unknown caveats still counted",
			m: testMacaroon{identifier: id,
				caveats:    []string{`[99,"x"]`, `not json`, `{"what":1}`, `[]`, `[1,"not-a-list"]`, `[0,"a","b"]`, `"str"`},
				thirdParty: []string{"third"},
			},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.Unknown != 8 || len(ti.Caveats) != 8 {
					t.Errorf("Unknown %d, caveats %q", ti.Unknown, ti.Caveats)
				}
				for _, line := range ti.Summary() {
					if strings.Contains(line, "no restrictions") {
						t.Errorf("summary says no restrictions: %q", line)
					}
				}
			},
		},
		{
			name: "earliest expiry wins",
			m:    testMacaroon{identifier: id, caveats: []string{`[0,2000,100]`, `[0,1000,200]`}},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.Expires.Unix() != 1000 || ti.NotBefore.Unix() != 200 {
					t.Errorf("Expires %v NotBefore %v", ti.Expires.Unix(), ti.NotBefore.Unix())
				}
			},
		},
		{
			name: "testpypi without header location",
			m:    testMacaroon{identifier: id, noLocation: true},
			check: func(t *testing.T, ti *TokenInfo) {
				if ti.Location != "" {
					t.Errorf("Location %q", ti.Location)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.m.token()
			ti, err := ParseToken(tok)
			if err != nil {
				t.Fatalf("ParseToken: %v", err)
			}
			tt.check(t, ti)
			if err := LooksLikePyPIToken(tok); err != nil {
				t.Errorf("LooksLikePyPIToken: %v", err)
			}
		})
	}
}

func TestParseTokenEncodings(t *testing.T) {
	raw := testMacaroon{identifier: "id", caveats: []string{`[1,["p"]]`}}.bytes()
	for name, tok := range map[string]string{
		"raw url":    TokenPrefix + base64.RawURLEncoding.EncodeToString(raw),
		"padded url": TokenPrefix + base64.URLEncoding.EncodeToString(raw),
		"padded std": TokenPrefix + base64.StdEncoding.EncodeToString(raw),
	} {
		if _, err := ParseToken(tok); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseTokenMalformed(t *testing.T) {
	good := testMacaroon{identifier: "id", caveats: []string{`[1,["p"]]`}}.bytes()
	enc := func(b []byte) string { return TokenPrefix + base64.RawURLEncoding.EncodeToString(b) }
	withVersion := append([]byte{1}, good[1:]...)
	tests := map[string]string{
		"empty":           "",
		"no prefix":       base64.RawURLEncoding.EncodeToString(good),
		"wrong prefix":    "pypa-" + base64.RawURLEncoding.EncodeToString(good),
		"prefix only":     TokenPrefix,
		"bad base64":      TokenPrefix + "!!!not*base64",
		"wrong version":   enc(withVersion),
		"v1 hex":          enc([]byte("0041location pypi.org\n")),
		"trailing":        enc(append(slices.Clone(good), 0)),
		"short signature": enc(testMacaroon{identifier: "id", sigLen: 31}.bytes()),
		"huge length":     enc([]byte{2, fieldLocation, 0xff, 0xff, 0xff, 0xff, 0x0f}),
		"no identifier":   enc([]byte{2, fieldLocation, 1, 'x', fieldEOS}),
		"bad varint":      enc([]byte{2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}),
		"space around":    " " + enc(good),
	}
	for i := 1; i < len(good); i++ {
		tests["truncated at "+string(rune('0'+i%10))+"/"+strings.Repeat("x", i/10)] = enc(good[:i])
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			err := LooksLikePyPIToken(tok)
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("err = %v, want ErrMalformedToken", err)
			}
			if len(tok) > len(TokenPrefix)+4 && strings.Contains(err.Error(), strings.TrimSpace(tok)[len(TokenPrefix):]) {
				t.Fatalf("error quotes the token: %v", err)
			}
		})
	}
}

func FuzzParseToken(f *testing.F) {
	f.Add(testMacaroon{identifier: "id"}.token())
	f.Add(testMacaroon{identifier: "id", caveats: []string{`[0,1,2]`, `[1,["a"]]`, `{"version":1,"permissions":"user"}`}}.token())
	f.Add(testMacaroon{identifier: "id", thirdParty: []string{"x"}}.token())
	f.Add("pypi-")
	f.Add("pypi-AgEIcHlwaS5vcmc")
	f.Fuzz(func(t *testing.T, s string) {
		ti, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("error %v does not wrap ErrMalformedToken", err)
			}
			return
		}
		_ = ti.Summary()
		if len(ti.Caveats) == 0 && ti.Unknown != 0 {
			t.Fatal("unknown caveats without summaries")
		}
	})
}

// FuzzParseMacaroonBytes fuzzes the binary layer directly, which random
// base64 strings rarely reach.
func FuzzParseMacaroonBytes(f *testing.F) {
	f.Add(testMacaroon{identifier: "id", caveats: []string{`[3,"u"]`}}.bytes())
	f.Add([]byte{2})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseToken(TokenPrefix + base64.RawURLEncoding.EncodeToString(b))
	})
}

package credential

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenPrefix starts every PyPI API token.
const TokenPrefix = "pypi-"

// ErrMalformedToken is returned (wrapped) by ParseToken and
// LooksLikePyPIToken for a string that is not a well-formed PyPI token.
// The wrapping message never quotes the token.
var ErrMalformedToken = errors.New("malformed PyPI token")

// Macaroon V2 field types (libmacaroons doc/format.txt).
const (
	fieldEOS        = 0
	fieldLocation   = 1
	fieldIdentifier = 2
	fieldVID        = 4
	fieldSignature  = 6
)

// maxCaveats bounds the work a hostile token can cause.
const maxCaveats = 1024

// TokenInfo is what a PyPI API token says about itself: the caveats
// embedded in it when it was issued or attenuated. The server may hold
// further restrictions that are not embedded, so an empty TokenInfo does
// not mean the token is unrestricted.
type TokenInfo struct {
	// Location is the macaroon's location, "pypi.org" or "test.pypi.org".
	Location string `json:"location"`
	// Identifier is the macaroon identifier (PyPI: the token's database id).
	// It names the token but does not authorize anything by itself.
	Identifier string `json:"identifier"`
	// Projects are the normalized project names the token is limited to.
	Projects []string `json:"projects,omitempty"`
	// ProjectIDs are the project ids the token is limited to.
	ProjectIDs []string `json:"project_ids,omitempty"`
	// UserID is the user the token is bound to, if any.
	UserID string `json:"user_id,omitempty"`
	// UserScoped is true when a legacy caveat limits the token to its
	// owner's projects ({"permissions": "user"}), which names no user id.
	UserScoped bool `json:"user_scoped,omitempty"`
	// PublisherID is the trusted publisher the token was minted for.
	PublisherID string `json:"publisher_id,omitempty"`
	// Expires is when the token stops working; zero when not embedded.
	// With several expiry caveats it is the earliest.
	Expires time.Time `json:"expires,omitzero"`
	// NotBefore is when the token starts working; zero when not embedded.
	// With several expiry caveats it is the latest.
	NotBefore time.Time `json:"not_before,omitzero"`
	// Legacy is true when any caveat uses PyPI's original JSON-object format.
	Legacy bool `json:"legacy,omitempty"`
	// Caveats summarizes each embedded caveat in order, one line each.
	Caveats []string `json:"caveats"`
	// Unknown counts caveats pyup could not interpret (third-party caveats,
	// unknown tags, malformed JSON). They still restrict the token.
	Unknown int `json:"unknown,omitempty"`
}

// LooksLikePyPIToken reports, with a nil error, whether s is a well-formed
// PyPI API token: the "pypi-" prefix and a macaroon that parses. It catches
// paste mistakes before a token is stored; it cannot tell whether PyPI
// accepts the token. Errors wrap ErrMalformedToken and never quote s.
func LooksLikePyPIToken(s string) error {
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%w: leading or trailing whitespace", ErrMalformedToken)
	}
	_, err := ParseToken(s)
	return err
}

// ParseToken decodes a PyPI API token: "pypi-" followed by the URL-safe
// base64 (padding optional; the standard alphabet is accepted too) of a
// binary V2 macaroon, and interprets its caveats as Warehouse writes them.
// It does not verify the signature (only PyPI holds the key). Errors wrap
// ErrMalformedToken and never quote the token.
func ParseToken(s string) (*TokenInfo, error) {
	raw, ok := strings.CutPrefix(s, TokenPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: does not start with %q", ErrMalformedToken, TokenPrefix)
	}
	data, err := decodeBase64(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64", ErrMalformedToken)
	}
	m, err := parseMacaroon(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedToken, err)
	}
	info := &TokenInfo{Location: string(m.location), Identifier: string(m.identifier), Caveats: []string{}}
	for _, c := range m.caveats {
		info.addCaveat(c)
	}
	return info, nil
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "+/") {
		return base64.RawStdEncoding.DecodeString(s)
	}
	return base64.RawURLEncoding.DecodeString(s)
}

type caveat struct {
	location, id []byte
	thirdParty   bool
}

type macaroon struct {
	location, identifier []byte
	caveats              []caveat
	signature            []byte
}

type packetReader struct {
	data []byte
}

// next reads one packet. EOS has no length or data.
func (r *packetReader) next() (field uint64, data []byte, err error) {
	field, n := binary.Uvarint(r.data)
	if n <= 0 {
		return 0, nil, errors.New("truncated packet")
	}
	r.data = r.data[n:]
	if field == fieldEOS {
		return fieldEOS, nil, nil
	}
	size, n := binary.Uvarint(r.data)
	if n <= 0 {
		return 0, nil, errors.New("truncated packet length")
	}
	r.data = r.data[n:]
	if size > uint64(len(r.data)) {
		return 0, nil, errors.New("packet longer than the token")
	}
	data, r.data = r.data[:size], r.data[size:]
	return field, data, nil
}

func parseMacaroon(data []byte) (*macaroon, error) {
	if len(data) == 0 {
		return nil, errors.New("empty macaroon")
	}
	if data[0] != 2 {
		return nil, fmt.Errorf("macaroon version byte %d, want 2", data[0])
	}
	r := &packetReader{data: data[1:]}
	m := &macaroon{}

	// Header: optional location, identifier, EOS.
	field, d, err := r.next()
	if err != nil {
		return nil, err
	}
	if field == fieldLocation {
		m.location = d
		if field, d, err = r.next(); err != nil {
			return nil, err
		}
	}
	if field != fieldIdentifier {
		return nil, errors.New("macaroon has no identifier")
	}
	m.identifier = d
	if field, _, err = r.next(); err != nil {
		return nil, err
	}
	if field != fieldEOS {
		return nil, fmt.Errorf("unexpected field %d in header", field)
	}

	// Caveats, each [location] identifier [vid] EOS; an empty one ends the list.
	for {
		field, d, err := r.next()
		if err != nil {
			return nil, err
		}
		if field == fieldEOS {
			break
		}
		if len(m.caveats) == maxCaveats {
			return nil, errors.New("too many caveats")
		}
		var c caveat
		if field == fieldLocation {
			c.location = d
			if field, d, err = r.next(); err != nil {
				return nil, err
			}
		}
		if field != fieldIdentifier {
			return nil, fmt.Errorf("caveat without identifier (field %d)", field)
		}
		c.id = d
		if field, d, err = r.next(); err != nil {
			return nil, err
		}
		if field == fieldVID {
			c.thirdParty = true
			if field, _, err = r.next(); err != nil {
				return nil, err
			}
		}
		if field != fieldEOS {
			return nil, fmt.Errorf("unexpected field %d in caveat", field)
		}
		m.caveats = append(m.caveats, c)
	}

	field, d, err = r.next()
	if err != nil {
		return nil, err
	}
	if field != fieldSignature || len(d) != 32 {
		return nil, errors.New("missing or malformed signature")
	}
	m.signature = d
	if len(r.data) != 0 {
		return nil, errors.New("trailing data after signature")
	}
	return m, nil
}

func (t *TokenInfo) unknown(why string) {
	t.Unknown++
	t.Caveats = append(t.Caveats, "unrecognized caveat ("+why+"): it still restricts the token")
}

// addCaveat interprets one first-party caveat, following Warehouse's
// macaroons/caveats: a JSON array [tag, fields...], or one of the legacy
// JSON objects, which Warehouse adapts to the same tags.
func (t *TokenInfo) addCaveat(c caveat) {
	if c.thirdParty {
		t.unknown("third-party, location " + strconvQuote(c.location))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(c.id))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		t.unknown("not JSON")
		return
	}
	switch v := v.(type) {
	case []any:
		t.addTagged(v)
	case map[string]any:
		t.addLegacy(v)
	default:
		t.unknown("neither an array nor an object")
	}
}

func strconvQuote(b []byte) string {
	const max = 64
	if len(b) > max {
		b = b[:max]
	}
	return fmt.Sprintf("%q", b)
}

func (t *TokenInfo) addTagged(v []any) {
	if len(v) == 0 {
		t.unknown("empty array")
		return
	}
	tag, ok := asInt(v[0])
	if !ok {
		t.unknown("tag is not an integer")
		return
	}
	fields := v[1:]
	switch tag {
	case 0: // Expiration: expires_at, not_before
		if len(fields) < 2 {
			t.unknown("expiry without both times")
			return
		}
		exp, ok1 := asInt(fields[0])
		nbf, ok2 := asInt(fields[1])
		if !ok1 || !ok2 {
			t.unknown("expiry times are not integers")
			return
		}
		t.addExpiry(exp, nbf)
	case 1: // ProjectName: normalized_names
		names, ok := stringsField(fields)
		if !ok {
			t.unknown("project names are not a list of strings")
			return
		}
		t.addProjects(names)
	case 2: // ProjectID: project_ids
		ids, ok := stringsField(fields)
		if !ok {
			t.unknown("project ids are not a list of strings")
			return
		}
		t.addProjectIDs(ids)
	case 3: // RequestUser: user_id
		id, ok := stringField(fields)
		if !ok {
			t.unknown("user id is not a string")
			return
		}
		t.UserID = id
		t.Caveats = append(t.Caveats, "user: "+id)
	case 4: // OIDCPublisher: oidc_publisher_id, oidc_claims (deprecated)
		id, ok := stringField(fields)
		if !ok {
			t.unknown("publisher id is not a string")
			return
		}
		t.PublisherID = id
		t.Caveats = append(t.Caveats, "trusted publisher: "+id)
	default:
		t.unknown(fmt.Sprintf("tag %d", tag))
	}
}

func (t *TokenInfo) addLegacy(m map[string]any) {
	t.Legacy = true
	if ver, ok := asInt(m["version"]); ok && ver == 1 {
		switch p := m["permissions"].(type) {
		case string:
			if p == "user" {
				t.UserScoped = true
				t.Caveats = append(t.Caveats, "user: all projects of the token's owner (legacy)")
				return
			}
		case map[string]any:
			if names, ok := stringList(p["projects"]); ok {
				t.addProjects(names)
				return
			}
		}
		t.unknown("legacy permissions")
		return
	}
	_, hasExp := m["exp"]
	_, hasNbf := m["nbf"]
	if hasExp && hasNbf {
		exp, ok1 := asInt(m["exp"])
		nbf, ok2 := asInt(m["nbf"])
		if !ok1 || !ok2 {
			t.unknown("legacy expiry times are not integers")
			return
		}
		t.addExpiry(exp, nbf)
		return
	}
	if ids, ok := m["project_ids"]; ok {
		list, ok := stringList(ids)
		if !ok {
			t.unknown("legacy project ids are not a list of strings")
			return
		}
		t.addProjectIDs(list)
		return
	}
	t.unknown("legacy object")
}

func (t *TokenInfo) addExpiry(exp, nbf int64) {
	e, n := time.Unix(exp, 0).UTC(), time.Unix(nbf, 0).UTC()
	if t.Expires.IsZero() || e.Before(t.Expires) {
		t.Expires = e
	}
	if n.After(t.NotBefore) {
		t.NotBefore = n
	}
	t.Caveats = append(t.Caveats, fmt.Sprintf("valid from %s until %s", n.Format(time.RFC3339), e.Format(time.RFC3339)))
}

func (t *TokenInfo) addProjects(names []string) {
	// Several project caveats all apply: the token works only for the
	// intersection, but listing each is clearer than computing it.
	t.Projects = append(t.Projects, names...)
	t.Caveats = append(t.Caveats, "projects: "+listOrNone(names))
}

func (t *TokenInfo) addProjectIDs(ids []string) {
	t.ProjectIDs = append(t.ProjectIDs, ids...)
	t.Caveats = append(t.Caveats, "project ids: "+listOrNone(ids))
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "(none: the token can upload nowhere)"
	}
	return strings.Join(s, ", ")
}

func asInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

func stringField(fields []any) (string, bool) {
	if len(fields) < 1 {
		return "", false
	}
	s, ok := fields[0].(string)
	return s, ok
}

func stringsField(fields []any) ([]string, bool) {
	if len(fields) < 1 {
		return nil, false
	}
	return stringList(fields[0])
}

func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// Summary describes the token for people, one line each: where it is from,
// then each embedded caveat. It never calls a token unrestricted: with no
// caveats it says "no restrictions embedded (the server may hold more)".
func (t *TokenInfo) Summary() []string {
	out := []string{"issued by " + orUnknown(t.Location)}
	if len(t.Caveats) == 0 {
		return append(out, "no restrictions embedded (the server may hold more)")
	}
	out = append(out, t.Caveats...)
	return append(out, "restrictions shown are those embedded in the token; the server may hold more")
}

// Valid reports whether the embedded validity window (if any) contains now.
func (t *TokenInfo) Valid(now time.Time) bool {
	if !t.Expires.IsZero() && !now.Before(t.Expires) {
		return false
	}
	return t.NotBefore.IsZero() || !now.Before(t.NotBefore)
}

func orUnknown(s string) string {
	if s == "" {
		return "(no location)"
	}
	return s
}

package credential

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Secret is a password or API token. Every way of printing it (fmt verbs,
// JSON, text marshalling, slog) shows a mask instead: a PyPI token keeps its
// "pypi-" prefix and the four characters after it, which are the same for
// every token ("pypi-AgEI…****"); anything else becomes "****". An empty
// Secret prints as "". Call Reveal to get the value itself.
type Secret string

// Reveal returns the secret's value. Call it only where the value is sent
// to its destination (an Authorization header, a keyring).
func (s Secret) Reveal() string { return string(s) }

// Masked returns the printable form of s, as described on Secret.
func (s Secret) Masked() string {
	const prefix = "pypi-"
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(string(s), prefix) && len(s) >= len(prefix)+16:
		return string(s[:len(prefix)+4]) + "…****"
	default:
		return "****"
	}
}

// String returns the mask.
func (s Secret) String() string { return s.Masked() }

// GoString returns the mask in Go syntax, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("credential.Secret(%q)", s.Masked()) }

// Format prints the mask for every verb: %q quotes it, %#v uses GoString, and
// all others (including %x and %d) print it plainly.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, s.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", s.Masked())
	default:
		fmt.Fprint(f, s.Masked())
	}
}

// MarshalJSON encodes the mask as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Masked()) }

// MarshalText returns the mask.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Masked()), nil }

// LogValue makes slog log the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Masked()) }

var (
	_ fmt.Stringer   = Secret("")
	_ fmt.GoStringer = Secret("")
	_ fmt.Formatter  = Secret("")
	_ json.Marshaler = Secret("")
	_ slog.LogValuer = Secret("")
)

package oidc

import (
	"log/slog"
	"time"
)

// Token is an upload token minted by trusted publishing. Use Value as the
// password with username "__token__". Its String, GoString and LogValue
// mask Value, so printing a Token (with fmt or slog) never reveals it.
type Token struct {
	Value   string
	Expires time.Time
}

// String returns the token's first characters (which identify a PyPI
// macaroon but grant nothing) followed by a mask, e.g. "pypi-AgEI…****".
func (t Token) String() string { return mask(t.Value) }

// GoString masks like String, so %#v does not reveal the token.
func (t Token) GoString() string {
	return "oidc.Token{Value:" + mask(t.Value) + ", Expires:" + t.Expires.Format(time.RFC3339) + "}"
}

// LogValue masks the token for log/slog.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("value", mask(t.Value)), slog.Time("expires", t.Expires))
}

var _ slog.LogValuer = Token{}

func mask(v string) string {
	const keep = 9
	if len(v) <= keep+8 {
		return "****"
	}
	return v[:keep] + "…****"
}

package cloudtest

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// VerifyJWT returns a check of an RS256 ID token as a relying party makes
// it: signed by one of keys, from issuer, for audience, not expired.
func VerifyJWT(keys jose.JSONWebKeySet, issuer, audience string) func(token string) (subject string, err error) {
	return func(raw string) (string, error) {
		tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			return "", errors.New("not an RS256 JWT")
		}
		var c jwt.Claims
		ok := false
		for _, k := range keys.Keys {
			if tok.Claims(k.Key, &c) == nil {
				ok = true
				break
			}
		}
		if !ok {
			return "", errors.New("bad signature")
		}
		if err := c.ValidateWithLeeway(jwt.Expected{Issuer: issuer, AnyAudience: jwt.Audience{audience}, Time: time.Now()}, time.Minute); err != nil {
			return "", fmt.Errorf("claims: %w", err)
		}
		return c.Subject, nil
	}
}

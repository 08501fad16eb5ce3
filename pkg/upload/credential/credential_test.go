package credential

import (
	"context"
	"testing"
	"time"
)

// uploadCredentials mirrors pkg/upload's Credentials interface.
type uploadCredentials interface {
	Credentials(ctx context.Context) (username, password string, err error)
}

var _ uploadCredentials = (*Credential)(nil)

func TestCredentialUnknownExpiryAsksSource(t *testing.T) {
	n := 0
	c := &Credential{Username: TokenUsername, Password: "first", Renew: tokenSourceFunc(func(context.Context) (string, time.Time, error) {
		n++
		return "next", time.Time{}, nil
	}), renewBefore: DefaultRenewBefore}
	if _, p, err := c.Credentials(t.Context()); err != nil || p != "next" || n != 1 {
		t.Fatalf("p %q n %d err %v", p, n, err)
	}
	// A static credential never changes.
	s := &Credential{Username: "u", Password: "pw"}
	if u, p, err := s.Credentials(t.Context()); u != "u" || p != "pw" || err != nil {
		t.Fatal("static credential changed")
	}
}

package credential

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// DefaultKeyringTimeout bounds every keyring call unless WithKeyringTimeout
// says otherwise. A locked or absent keyring can block forever (a Secret
// Service waiting for an unlock prompt nobody sees); pyup gives up instead.
const DefaultKeyringTimeout = 5 * time.Second

// ErrNoEntry is returned (wrapped) when the keyring has no entry for the
// service and user asked for. Keyring implementations must return an
// error matching it with errors.Is.
var ErrNoEntry = errors.New("no keyring entry")

// ErrKeyringTimeout is returned (wrapped) when a keyring call did not
// finish within the keyring timeout. The call is abandoned, not cancelled:
// the keyring may still complete it later.
var ErrKeyringTimeout = errors.New("keyring did not answer in time")

// Keyring is the OS credential store, addressed like Python's keyring:
// service is the repository upload URL, user the username. Calls may
// block; the Resolver bounds them with a timeout.
type Keyring interface {
	// Get returns the stored password, or an error matching ErrNoEntry.
	Get(service, user string) (string, error)
	// Set stores password, replacing any previous one.
	Set(service, user, password string) error
	// Delete removes the entry, or returns an error matching ErrNoEntry.
	Delete(service, user string) error
}

// SystemKeyring is the OS keyring through github.com/zalando/go-keyring:
// Secret Service over D-Bus on Linux and BSD, Keychain on macOS, Credential
// Manager on Windows. Its entries are interchangeable with Python keyring's.
// On Linux it needs a D-Bus session (DBUS_SESSION_BUS_ADDRESS); without
// one, D-Bus may try to start a session daemon. It is the default Keyring.
type SystemKeyring struct{}

// Get implements Keyring.
func (SystemKeyring) Get(service, user string) (string, error) {
	pw, err := gokeyring.Get(service, user)
	return pw, mapKeyringErr(err)
}

// Set implements Keyring.
func (SystemKeyring) Set(service, user, password string) error {
	return mapKeyringErr(gokeyring.Set(service, user, password))
}

// Delete implements Keyring.
func (SystemKeyring) Delete(service, user string) error {
	return mapKeyringErr(gokeyring.Delete(service, user))
}

func mapKeyringErr(err error) error {
	if errors.Is(err, gokeyring.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNoEntry, err)
	}
	return err
}

var _ Keyring = SystemKeyring{}

// KeyringError is a keyring failure other than a missing entry: a timeout,
// no keyring service, a locked collection, a D-Bus error. Resolve records it
// in the Report and moves on; Store and Delete return it.
type KeyringError struct {
	// Op is "get", "set" or "delete".
	Op string
	// Service and User address the entry.
	Service, User string
	// Err is the underlying error (ErrKeyringTimeout on timeout).
	Err error
}

// Error names the operation, entry and cause.
func (e *KeyringError) Error() string {
	return fmt.Sprintf("keyring %s %s %s: %v", e.Op, e.Service, e.User, e.Err)
}

// Unwrap returns the underlying error.
func (e *KeyringError) Unwrap() error { return e.Err }

type keyringResult struct {
	value string
	err   error
}

// callKeyring runs f in a goroutine and abandons it when the timeout or ctx
// ends first. secret, if not empty, is scrubbed from any error message.
func callKeyring(ctx context.Context, timeout time.Duration, op, service, user string, secret string, f func() (string, error)) (string, error) {
	ch := make(chan keyringResult, 1) // buffered: an abandoned call must not leak a blocked goroutine forever
	go func() {
		v, err := f()
		ch <- keyringResult{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			if errors.Is(r.err, ErrNoEntry) {
				return "", r.err
			}
			return "", &KeyringError{Op: op, Service: service, User: user, Err: scrub(r.err, secret)}
		}
		return r.value, nil
	case <-timer.C:
		return "", &KeyringError{Op: op, Service: service, User: user,
			Err: fmt.Errorf("%w after %s (is it locked or not running?)", ErrKeyringTimeout, timeout)}
	case <-ctx.Done():
		return "", &KeyringError{Op: op, Service: service, User: user, Err: ctx.Err()}
	}
}

// scrubbedError hides a secret that an underlying error message might echo.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

func scrub(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), secret, "****"), err: errors.Unwrap(err)}
}

// KeyringOption configures a KeyringStore.
type KeyringOption func(*KeyringStore)

// KeyringBackend sets the keyring the store reads and writes. The default is
// SystemKeyring{}.
func KeyringBackend(k Keyring) KeyringOption {
	return func(s *KeyringStore) { s.keyring, s.system = k, false }
}

// KeyringTimeout bounds each keyring call. The default is
// DefaultKeyringTimeout (5 s); values <= 0 keep the default.
func KeyringTimeout(d time.Duration) KeyringOption {
	return func(s *KeyringStore) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// KeyringLookupEnv lets the store read the environment, which it uses only
// to skip the default SystemKeyring on Linux when DBUS_SESSION_BUS_ADDRESS
// is unset (D-Bus would otherwise try to launch a session daemon). The
// default is nil: the environment is not consulted. Pass os.LookupEnv.
func KeyringLookupEnv(f func(string) (string, bool)) KeyringOption {
	return func(s *KeyringStore) { s.lookupEnv = f }
}

// KeyringStore is a Keyring used pyup's way: twine's layout (service =
// upload URL, user = username, default "__token__"), every call bounded by a
// timeout, errors that never hold the secret. pyup login writes through it;
// the keyring provider reads through it. It is safe for concurrent use.
type KeyringStore struct {
	keyring   Keyring
	system    bool
	timeout   time.Duration
	lookupEnv func(string) (string, bool)
	goos      string
}

// NewKeyringStore returns a KeyringStore configured by opts.
func NewKeyringStore(opts ...KeyringOption) *KeyringStore {
	s := &KeyringStore{keyring: SystemKeyring{}, system: true, timeout: DefaultKeyringTimeout, goos: runtime.GOOS}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Unavailable says why the store cannot be asked at all ("" when it can):
// no keyring, or the system keyring on Linux without a D-Bus session.
func (s *KeyringStore) Unavailable() string {
	switch {
	case s == nil || s.keyring == nil:
		return "no keyring configured"
	case s.system && s.goos == "linux" && s.lookupEnv != nil:
		if v, ok := s.lookupEnv("DBUS_SESSION_BUS_ADDRESS"); !ok || v == "" {
			return "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service"
		}
	}
	return ""
}

// Get reads the password for repoURL and username (default "__token__"),
// bounded by the keyring timeout. A missing entry is an error matching
// ErrNoEntry; other failures are *KeyringError.
func (s *KeyringStore) Get(ctx context.Context, repoURL, username string) (string, error) {
	if username == "" {
		username = TokenUsername
	}
	return callKeyring(ctx, s.timeout, "get", repoURL, username, "", func() (string, error) {
		return s.keyring.Get(repoURL, username)
	})
}

// Store saves secret in the keyring for repoURL and username (default
// "__token__"), as pyup login does, bounded by the keyring timeout. Errors
// are *KeyringError and never contain the secret.
func (s *KeyringStore) Store(ctx context.Context, repoURL, username string, secret Secret) error {
	if username == "" {
		username = TokenUsername
	}
	_, err := callKeyring(ctx, s.timeout, "set", repoURL, username, secret.Reveal(), func() (string, error) {
		return "", s.keyring.Set(repoURL, username, secret.Reveal())
	})
	return err
}

// Delete removes the keyring entry for repoURL and username (default
// "__token__"), as pyup logout does, bounded by the keyring timeout. A
// missing entry is an error matching ErrNoEntry.
func (s *KeyringStore) Delete(ctx context.Context, repoURL, username string) error {
	if username == "" {
		username = TokenUsername
	}
	_, err := callKeyring(ctx, s.timeout, "delete", repoURL, username, "", func() (string, error) {
		return "", s.keyring.Delete(repoURL, username)
	})
	return err
}

// Store saves secret through the Resolver's keyring (see KeyringStore.Store).
func (r *Resolver) Store(ctx context.Context, repoURL, username string, secret Secret) error {
	return r.keyring.Store(ctx, repoURL, username, secret)
}

// Delete removes an entry through the Resolver's keyring (see
// KeyringStore.Delete).
func (r *Resolver) Delete(ctx context.Context, repoURL, username string) error {
	return r.keyring.Delete(ctx, repoURL, username)
}

package credential

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

const (
	pypiURL  = "https://upload.pypi.org/legacy/"
	testURL  = "https://test.pypi.org/legacy/"
	otherURL = "https://pkgs.example.com/upload/"
	// Every secret in these tests contains this marker, so a leak check is
	// one strings.Contains.
	marker = "SEKRIT"
)

// fakeKeyring is an in-memory Keyring that can fail or block.
type fakeKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	err     error         // returned by every call when set
	block   chan struct{} // calls wait on it when set
	calls   atomic.Int32
}

func newFakeKeyring() *fakeKeyring { return &fakeKeyring{entries: map[string]string{}} }

func (k *fakeKeyring) wait() error {
	k.calls.Add(1)
	if k.block != nil {
		<-k.block
	}
	return k.err
}

func (k *fakeKeyring) Get(service, user string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, ok := k.entries[service+"\x00"+user]
	if !ok {
		return "", ErrNoEntry
	}
	return pw, nil
}

func (k *fakeKeyring) Set(service, user, password string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[service+"\x00"+user] = password
	return nil
}

func (k *fakeKeyring) Delete(service, user string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.entries[service+"\x00"+user]; !ok {
		return ErrNoEntry
	}
	delete(k.entries, service+"\x00"+user)
	return nil
}

// fakePublisher is a TrustedPublisher whose token source counts mints.
type fakePublisher struct {
	provider  string
	detected  bool
	prepErr   error
	mintErr   error
	lifetime  time.Duration
	now       func() time.Time
	mints     atomic.Int32
	detects   atomic.Int32
	preparedU string
}

func (p *fakePublisher) Detect(context.Context) (string, bool) {
	p.detects.Add(1)
	return p.provider, p.detected
}

func (p *fakePublisher) prepare(u string) error {
	p.preparedU = u
	return p.prepErr
}

// mint implements TokenSource via a method value below.
func (p *fakePublisher) mint(context.Context) (string, time.Time, error) {
	if p.mintErr != nil {
		return "", time.Time{}, p.mintErr
	}
	n := p.mints.Add(1)
	return fmt.Sprintf("pypi-minted-%s-%d", marker, n), p.now().Add(p.lifetime), nil
}

type tokenSourceFunc func(context.Context) (string, time.Time, error)

func (f tokenSourceFunc) Token(ctx context.Context) (string, time.Time, error) { return f(ctx) }

// publisher wraps fakePublisher so Token returns a TokenSource.
type publisher struct{ *fakePublisher }

func (p publisher) Token(ctx context.Context, u string) (TokenSource, error) {
	if err := p.prepare(u); err != nil {
		return nil, err
	}
	return tokenSourceFunc(p.mint), nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// assertNoLeak fails if anything printable from a resolution contains a secret.
func assertNoLeak(t *testing.T, c *Credential, rep *Report, err error) {
	t.Helper()
	var outs []string
	if c != nil {
		outs = append(outs, c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c))
	}
	if rep != nil {
		js, _ := json.Marshal(rep)
		outs = append(outs, string(js), fmt.Sprintf("%+v", rep))
	}
	if err != nil {
		outs = append(outs, err.Error(), fmt.Sprintf("%+v", err))
	}
	for _, o := range outs {
		if strings.Contains(o, marker) {
			t.Fatalf("output leaks a secret: %s", o)
		}
	}
}

func stepOf(rep *Report, s Source) Step {
	for _, st := range rep.Steps {
		if st.Source == s {
			return st
		}
	}
	return Step{}
}

func TestResolveExplicit(t *testing.T) {
	kr := newFakeKeyring()
	r := NewResolver(WithKeyring(kr))
	c, rep, err := r.Resolve(t.Context(), Request{
		RepositoryURL: pypiURL,
		Explicit: []Candidate{
			{Detail: "flag --password"},
			{Password: Secret("env-" + marker), Detail: "env TWINE_PASSWORD"},
			{Password: Secret("pypirc-" + marker), Detail: ".pypirc [pypi]"},
		},
	})
	assertNoLeak(t, c, rep, err)
	if err != nil {
		t.Fatal(err)
	}
	if c.Username != TokenUsername || c.Password.Reveal() != "env-"+marker || c.Source != SourceExplicit || c.Detail != "env TWINE_PASSWORD" {
		t.Errorf("got %v", c)
	}
	u, p, err := c.Credentials(t.Context())
	if err != nil || u != TokenUsername || p != "env-"+marker {
		t.Errorf("Credentials() = %q, (len %d), %v", u, len(p), err)
	}
	if len(rep.Steps) != 4 || rep.Steps[0].Status != StatusUsed || rep.Steps[1].Status != StatusNotReached {
		t.Errorf("steps %+v", rep.Steps)
	}
	if kr.calls.Load() != 0 {
		t.Error("keyring consulted although an explicit password was given")
	}
}

func TestResolveExplicitUsernameAndExpiry(t *testing.T) {
	tok := testMacaroon{identifier: "id", caveats: []string{`[0,1767225600,1767222000]`}}.token()
	r := NewResolver(WithKeyring(newFakeKeyring()))
	c, _, err := r.Resolve(t.Context(), Request{
		RepositoryURL: otherURL, Username: "alice",
		Explicit: []Candidate{{Username: "bob", Password: Secret(tok), Detail: "URL userinfo"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Username != "bob" || !c.Expires.Equal(time.Unix(1767225600, 0)) {
		t.Errorf("got %v", c)
	}
	c, _, err = r.Resolve(t.Context(), Request{
		RepositoryURL: otherURL, Username: "alice",
		Explicit: []Candidate{{Password: "pw-" + marker, Detail: "flag --password"}},
	})
	if err != nil || c.Username != "alice" {
		t.Fatalf("got %v, %v", c, err)
	}
}

func TestResolveNotFound(t *testing.T) {
	r := NewResolver(WithKeyring(newFakeKeyring()), WithTrustedPublisher(publisher{&fakePublisher{}}))
	c, rep, err := r.Resolve(t.Context(), Request{
		RepositoryURL:        pypiURL,
		NotInteractiveReason: "stdin is not a terminal",
	})
	assertNoLeak(t, c, rep, err)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Steps) != 4 {
		t.Fatalf("err = %#v", err)
	}
	want := "no credentials for https://upload.pypi.org/legacy/: explicit: none given; " +
		"trusted publishing: no CI provider detected; " +
		"keyring: no entry for https://upload.pypi.org/legacy/ __token__; " +
		"prompt: not interactive (stdin is not a terminal)"
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}

func TestResolveKeyring(t *testing.T) {
	kr := newFakeKeyring()
	kr.entries[pypiURL+"\x00"+TokenUsername] = "kr-" + marker
	r := NewResolver(WithKeyring(kr))
	c, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL, TrustedPublishing: ModeNever})
	assertNoLeak(t, c, rep, err)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != SourceKeyring || c.Detail != "keyring https://upload.pypi.org/legacy/ __token__" || c.Password.Reveal() != "kr-"+marker {
		t.Errorf("got %v", c)
	}
	if st := stepOf(rep, SourceTrustedPublishing); st.Status != StatusSkipped || !strings.Contains(st.Reason, "never") {
		t.Errorf("trusted publishing step %+v", st)
	}

	// NoKeyring skips it without a call.
	before := kr.calls.Load()
	_, rep, err = r.Resolve(t.Context(), Request{RepositoryURL: pypiURL, NoKeyring: true})
	if !errors.Is(err, ErrNotFound) || kr.calls.Load() != before {
		t.Fatalf("err %v, calls %d", err, kr.calls.Load()-before)
	}
	if st := stepOf(rep, SourceKeyring); st.Status != StatusSkipped {
		t.Errorf("keyring step %+v", st)
	}
}

func TestResolveKeyringErrorIsNotFatal(t *testing.T) {
	kr := newFakeKeyring()
	kr.err = errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
	prompted := 0
	r := NewResolver(WithKeyring(kr), WithPrompt(func(ctx context.Context, label string, echo bool) (string, error) {
		prompted++
		if echo {
			t.Error("password prompt echoes")
		}
		if !strings.Contains(label, "API token") || !strings.Contains(label, pypiURL) {
			t.Errorf("label %q", label)
		}
		return "typed-" + marker + "\n", nil
	}))
	c, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL, Interactive: true})
	assertNoLeak(t, c, rep, err)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != SourcePrompt || c.Password.Reveal() != "typed-"+marker || prompted != 1 {
		t.Errorf("got %v", c)
	}
	st := stepOf(rep, SourceKeyring)
	if st.Status != StatusFailed || !strings.Contains(st.Reason, "ServiceUnknown") {
		t.Errorf("keyring step %+v", st)
	}
}

func TestKeyringTimeout(t *testing.T) {
	kr := newFakeKeyring()
	kr.block = make(chan struct{})
	defer close(kr.block)
	r := NewResolver(WithKeyring(kr), WithKeyringTimeout(50*time.Millisecond))
	start := time.Now()
	_, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %s", el)
	}
	if st := stepOf(rep, SourceKeyring); st.Status != StatusFailed || !strings.Contains(st.Reason, "in time") {
		t.Errorf("keyring step %+v", st)
	}
	err = r.Store(t.Context(), pypiURL, "", Secret("pypi-"+marker))
	if !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Store err = %v", err)
	}
	var ke *KeyringError
	if !errors.As(err, &ke) || ke.Op != "set" || ke.User != TokenUsername {
		t.Errorf("Store err = %#v", err)
	}
	if err := r.Delete(t.Context(), pypiURL, ""); !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Delete err = %v", err)
	}
	// A cancelled context ends the wait too.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r = NewResolver(WithKeyring(kr), WithKeyringTimeout(time.Hour))
	if err := r.Delete(ctx, pypiURL, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete with cancelled ctx: %v", err)
	}
}

func TestStoreScrubsSecretFromErrors(t *testing.T) {
	kr := newFakeKeyring()
	kr.err = errors.New("backend refused value pypi-" + marker)
	r := NewResolver(WithKeyring(kr))
	err := r.Store(t.Context(), pypiURL, "", Secret("pypi-"+marker))
	if err == nil || strings.Contains(err.Error(), marker) {
		t.Fatalf("err = %v", err)
	}
}

func TestDBusCheck(t *testing.T) {
	r := NewResolver(WithLookupEnv(func(string) (string, bool) { return "", false }))
	r.keyring.goos = "linux"
	_, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL})
	if !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if st := stepOf(rep, SourceKeyring); st.Status != StatusSkipped || !strings.Contains(st.Reason, "DBUS_SESSION_BUS_ADDRESS") {
		t.Errorf("keyring step %+v", st)
	}
}

func TestSystemKeyringMock(t *testing.T) {
	gokeyring.MockInit()
	r := NewResolver(WithLookupEnv(func(string) (string, bool) { return "unix:path=/x", true }))
	ctx := t.Context()
	if err := r.Delete(ctx, testURL, ""); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("Delete missing: %v", err)
	}
	if err := r.Store(ctx, testURL, "", Secret("pypi-"+marker)); err != nil {
		t.Fatal(err)
	}
	c, rep, err := r.Resolve(ctx, Request{RepositoryURL: testURL})
	assertNoLeak(t, c, rep, err)
	if err != nil || c.Source != SourceKeyring || c.Password.Reveal() != "pypi-"+marker {
		t.Fatalf("got %v, %v", c, err)
	}
	if err := r.Delete(ctx, testURL, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Resolve(ctx, Request{RepositoryURL: testURL}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}

	gokeyring.MockInitWithError(errors.New("locked collection"))
	_, rep, err = r.Resolve(ctx, Request{RepositoryURL: testURL})
	if !errors.Is(err, ErrNotFound) || stepOf(rep, SourceKeyring).Status != StatusFailed {
		t.Fatalf("err %v, rep %+v", err, rep)
	}
	gokeyring.MockInit()
}

func TestTrustedPublishing(t *testing.T) {
	boom := errors.New("invalid-publisher: valid token, but no corresponding publisher")
	tests := []struct {
		name       string
		pub        *fakePublisher
		noPub      bool
		req        Request
		wantSource Source
		wantErr    error
		wantReason string
		wantDetect bool
	}{
		{name: "auto pypi detected", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: pypiURL}, wantSource: SourceTrustedPublishing, wantDetect: true},
		{name: "auto testpypi detected", pub: &fakePublisher{provider: "GitLab CI/CD", detected: true},
			req: Request{RepositoryURL: testURL}, wantSource: SourceTrustedPublishing, wantDetect: true},
		{name: "auto other index skipped", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: otherURL}, wantErr: ErrNotFound, wantReason: "not PyPI or TestPyPI"},
		{name: "auto not detected", pub: &fakePublisher{},
			req: Request{RepositoryURL: pypiURL}, wantErr: ErrNotFound, wantReason: "no CI provider detected", wantDetect: true},
		{name: "auto other username", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: pypiURL, Username: "alice"}, wantErr: ErrNotFound, wantReason: `username is "alice"`},
		{name: "auto unavailable", noPub: true,
			req: Request{RepositoryURL: pypiURL}, wantErr: ErrNotFound, wantReason: "not available"},
		{name: "auto mint fails is fatal", pub: &fakePublisher{provider: "GitHub Actions", detected: true, mintErr: boom},
			req: Request{RepositoryURL: pypiURL}, wantErr: boom, wantDetect: true},
		{name: "auto prepare fails is fatal", pub: &fakePublisher{provider: "GitHub Actions", detected: true, prepErr: boom},
			req: Request{RepositoryURL: pypiURL}, wantErr: ErrTrustedPublishing, wantDetect: true},
		{name: "always other index", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: otherURL, TrustedPublishing: ModeAlways}, wantSource: SourceTrustedPublishing, wantDetect: true},
		{name: "always not detected fails", pub: &fakePublisher{},
			req: Request{RepositoryURL: pypiURL, TrustedPublishing: ModeAlways}, wantErr: ErrTrustedPublishing, wantDetect: true},
		{name: "always unavailable fails", noPub: true,
			req: Request{RepositoryURL: pypiURL, TrustedPublishing: ModeAlways}, wantErr: ErrTrustedPublishing},
		{name: "never", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: pypiURL, TrustedPublishing: ModeNever}, wantErr: ErrNotFound, wantReason: "never"},
		{name: "explicit beats it", pub: &fakePublisher{provider: "GitHub Actions", detected: true},
			req: Request{RepositoryURL: pypiURL, Explicit: []Candidate{{Password: "x-" + marker, Detail: "flag"}}}, wantSource: SourceExplicit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			kr := newFakeKeyring()
			opts := []Option{WithKeyring(kr), WithClock(clk.Now)}
			if !tt.noPub {
				tt.pub.now, tt.pub.lifetime = clk.Now, 15*time.Minute
				opts = append(opts, WithTrustedPublisher(publisher{tt.pub}))
			}
			c, rep, err := NewResolver(opts...).Resolve(t.Context(), tt.req)
			assertNoLeak(t, c, rep, err)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if errors.Is(err, ErrTrustedPublishing) && kr.calls.Load() != 0 {
					t.Error("fell back to the keyring after a trusted publishing failure")
				}
			} else if err != nil {
				t.Fatal(err)
			} else if c.Source != tt.wantSource {
				t.Fatalf("source %s, want %s", c.Source, tt.wantSource)
			}
			if tt.wantReason != "" {
				if st := stepOf(rep, SourceTrustedPublishing); !strings.Contains(st.Reason, tt.wantReason) {
					t.Errorf("reason %q lacks %q", st.Reason, tt.wantReason)
				}
			}
			if !tt.noPub && (tt.pub.detects.Load() > 0) != tt.wantDetect {
				t.Errorf("Detect called %d times", tt.pub.detects.Load())
			}
			if tt.wantSource == SourceTrustedPublishing {
				if c.Username != TokenUsername || !strings.HasPrefix(c.Detail, "trusted publishing via ") || !c.Renewable() {
					t.Errorf("got %v", c)
				}
				if tt.pub.preparedU != tt.req.RepositoryURL {
					t.Errorf("prepared for %q", tt.pub.preparedU)
				}
			}
		})
	}
}

func TestTrustedPublishingRenewal(t *testing.T) {
	clk := newClock()
	pub := &fakePublisher{provider: "GitHub Actions", detected: true, now: clk.Now, lifetime: 15 * time.Minute}
	r := NewResolver(WithKeyring(newFakeKeyring()), WithClock(clk.Now), WithTrustedPublisher(publisher{pub}))
	c, _, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, p1, _ := c.Credentials(ctx)
	clk.Advance(9 * time.Minute) // 6 min left: keep
	_, p2, _ := c.Credentials(ctx)
	if p1 != p2 || pub.mints.Load() != 1 {
		t.Fatalf("re-minted too early (%d mints)", pub.mints.Load())
	}
	clk.Advance(2 * time.Minute) // 4 min left: renew
	_, p3, err := c.Credentials(ctx)
	if err != nil || p3 == p2 || pub.mints.Load() != 2 {
		t.Fatalf("not re-minted: %d mints, %v", pub.mints.Load(), err)
	}
	if !c.Expires.Equal(clk.Now().Add(15 * time.Minute)) {
		t.Errorf("Expires %v", c.Expires)
	}

	// Concurrent callers near expiry mint once.
	clk.Advance(12 * time.Minute)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := c.Credentials(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if pub.mints.Load() != 3 {
		t.Errorf("%d mints, want 3", pub.mints.Load())
	}

	// A failed renewal is an error, not the stale token.
	pub.mintErr = errors.New("not-enabled")
	clk.Advance(14 * time.Minute)
	if _, p, err := c.Credentials(ctx); !errors.Is(err, ErrTrustedPublishing) || p != "" {
		t.Fatalf("err = %v", err)
	}
}

func TestPrompt(t *testing.T) {
	t.Run("error returned", func(t *testing.T) {
		r := NewResolver(WithKeyring(newFakeKeyring()), WithPrompt(func(ctx context.Context, _ string, _ bool) (string, error) {
			return "", context.Canceled
		}))
		_, _, err := r.Resolve(t.Context(), Request{RepositoryURL: otherURL, Username: "alice", Interactive: true})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty answer", func(t *testing.T) {
		var label string
		r := NewResolver(WithKeyring(newFakeKeyring()), WithPrompt(func(_ context.Context, l string, _ bool) (string, error) {
			label = l
			return "\n", nil
		}))
		_, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: otherURL, Username: "alice", Interactive: true})
		if !errors.Is(err, ErrNotFound) || stepOf(rep, SourcePrompt).Reason != "empty answer" {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(label, "password") {
			t.Errorf("label %q", label)
		}
	})
	t.Run("interactive without prompt", func(t *testing.T) {
		_, rep, err := NewResolver(WithKeyring(newFakeKeyring())).Resolve(t.Context(), Request{RepositoryURL: pypiURL, Interactive: true})
		if !errors.Is(err, ErrNotFound) || stepOf(rep, SourcePrompt).Status != StatusSkipped {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestParseMode(t *testing.T) {
	for s, want := range map[string]Mode{"auto": ModeAuto, "": ModeAuto, "Always": ModeAlways, "never": ModeNever} {
		if got, err := ParseMode(s); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", s, got, err)
		}
		if want.String() == "" {
			t.Error("empty String")
		}
	}
	if _, err := ParseMode("sometimes"); err == nil {
		t.Error("ParseMode accepted junk")
	}
}

func TestIsPyPI(t *testing.T) {
	for u, want := range map[string]bool{
		pypiURL: true, testURL: true, "https://UPLOAD.pypi.org/legacy": true, "http://upload.pypi.org/legacy/": false,
		otherURL: false, "https://pypi.org.evil.example/legacy/": false, "::": false,
	} {
		if got := IsPyPI(u); got != want {
			t.Errorf("IsPyPI(%q) = %v", u, got)
		}
	}
}

// staticProvider is a provider from outside the package's list.
type staticProvider struct {
	src    Source
	pw     Secret
	asked  *[]Source
	renews TokenSource
}

func (p staticProvider) Source() Source { return p.src }
func (p staticProvider) Applies(req Request) (bool, string) {
	return req.RepositoryURL != otherURL, "only for PyPI"
}
func (p staticProvider) Resolve(context.Context, Request) (*Credential, Outcome, error) {
	*p.asked = append(*p.asked, p.src)
	if p.pw == "" {
		return nil, Outcome{Status: StatusNotFound, Reason: "nothing here"}, nil
	}
	return &Credential{Password: p.pw, Detail: "static", Renew: p.renews}, Outcome{Status: StatusUsed, Reason: "static"}, nil
}

func TestResolverAsksProvidersInOrder(t *testing.T) {
	var asked []Source
	var secrets []string
	r := NewResolver(WithOnSecret(func(_, pw string) { secrets = append(secrets, pw) }), WithProviders(
		Explicit(),
		staticProvider{src: "first", asked: &asked},
		staticProvider{src: "second", pw: "pypi-" + marker, asked: &asked},
		staticProvider{src: "third", pw: "never", asked: &asked},
	))
	c, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL})
	assertNoLeak(t, c, rep, err)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "second" || c.Username != TokenUsername || len(secrets) != 1 || secrets[0] != "pypi-"+marker {
		t.Fatalf("got %v, secrets %d", c, len(secrets))
	}
	var got []string
	for _, s := range rep.Steps {
		got = append(got, string(s.Source)+"="+string(s.Status))
	}
	if want := "explicit=not-found first=not-found second=used third=not-reached"; strings.Join(got, " ") != want {
		t.Errorf("steps %s, want %s", strings.Join(got, " "), want)
	}
	if len(asked) != 2 {
		t.Errorf("asked %v", asked)
	}

	// A provider that does not apply is skipped with its reason.
	_, rep, err = r.Resolve(t.Context(), Request{RepositoryURL: otherURL})
	if !errors.Is(err, ErrNotFound) || stepOf(rep, "first").Status != StatusSkipped || stepOf(rep, "first").Reason != "only for PyPI" {
		t.Fatalf("err %v, steps %+v", err, rep.Steps)
	}
	if !strings.Contains(err.Error(), "first: only for PyPI") {
		t.Errorf("error %v", err)
	}
}

func TestProviderCredentialRenews(t *testing.T) {
	clk := newClock()
	pub := &fakePublisher{now: clk.Now, lifetime: time.Minute}
	var asked []Source
	r := NewResolver(WithClock(clk.Now), WithProviders(staticProvider{src: "cloud", pw: "first", asked: &asked, renews: tokenSourceFunc(pub.mint)}))
	c, _, err := r.Resolve(t.Context(), Request{RepositoryURL: pypiURL})
	if err != nil || !c.Renewable() {
		t.Fatalf("got %v, %v", c, err)
	}
	// Expiry unknown: the first use renews.
	if _, p, err := c.Credentials(t.Context()); err != nil || p == "first" || pub.mints.Load() != 1 {
		t.Fatalf("p %q, %d mints, %v", p, pub.mints.Load(), err)
	}
}

package cloudtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWS fakes the two AWS services pyup calls for CodeArtifact, on one
// server: STS (POST / with an awsquery form: GetCallerIdentity, signed;
// AssumeRoleWithWebIdentity, unsigned) and CodeArtifact (POST
// /v1/authorization-token?domain=D&domain-owner=O, signed). Every signed
// request is checked as AWS does: a SigV4 Authorization header of the
// right shape, for the right region and service, from a known access key,
// whose signature is recomputed with the key's secret. Point
// AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_CODEARTIFACT at it.
type AWS struct {
	// Region is the region requests must be signed for.
	Region string
	// Domain and Owner are the only CodeArtifact domain the fake knows.
	Domain, Owner string
	// VerifyWebIdentity judges an AssumeRoleWithWebIdentity token and
	// returns its subject. Nil refuses every web identity.
	VerifyWebIdentity func(token string) (subject string, err error)
	// OnToken is called with every CodeArtifact token issued, before it is
	// returned. Optional.
	OnToken func(token string)
	// OnSecret is called with every secret key and session token
	// AssumeRoleWithWebIdentity hands out. Optional.
	OnSecret func(secret string)

	mu     sync.Mutex
	keys   map[string]awsKey
	calls  map[string]int
	errs   []string
	tokens []string
}

type awsKey struct{ secret, session, arn string }

// NewAWS returns a fake that knows the static key id/secret as user arn.
func NewAWS(region, domain, owner, keyID, secret, arn string) *AWS {
	return &AWS{Region: region, Domain: domain, Owner: owner,
		keys: map[string]awsKey{keyID: {secret: secret, arn: arn}}, calls: map[string]int{}}
}

// Calls returns how many times operation (e.g. "GetAuthorizationToken")
// was called and accepted.
func (a *AWS) Calls(operation string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[operation]
}

// Errors returns why each refused request was refused.
func (a *AWS) Errors() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.errs...)
}

var authRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)

// checkSigV4 verifies r's signature for service and returns the signing key.
func (a *AWS) checkSigV4(r *http.Request, body []byte, service string) (awsKey, error) {
	m := authRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return awsKey{}, fmt.Errorf("Authorization is not a SigV4 header")
	}
	keyID, date, region, svc, signed := m[1], m[2], m[3], m[4], strings.Split(m[5], ";")
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	switch {
	case err != nil:
		return awsKey{}, fmt.Errorf("X-Amz-Date %q", amzDate)
	case t.Format("20060102") != date:
		return awsKey{}, fmt.Errorf("credential scope date %s is not X-Amz-Date's", date)
	case region != a.Region:
		return awsKey{}, fmt.Errorf("signed for region %s, not %s", region, a.Region)
	case svc != service:
		return awsKey{}, fmt.Errorf("signed for service %s, not %s", svc, service)
	case !contains(signed, "host") || !contains(signed, "x-amz-date"):
		return awsKey{}, fmt.Errorf("SignedHeaders %v lack host or x-amz-date", signed)
	}
	a.mu.Lock()
	key, ok := a.keys[keyID]
	a.mu.Unlock()
	if !ok {
		return awsKey{}, fmt.Errorf("UnrecognizedClientException: unknown access key")
	}
	if key.session != "" && (r.Header.Get("X-Amz-Security-Token") != key.session || !contains(signed, "x-amz-security-token")) {
		return awsKey{}, fmt.Errorf("missing or unsigned session token")
	}
	// Recompute the signature over the signed headers only.
	re, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	re.Host = r.Host
	for _, h := range signed {
		if h != "host" {
			re.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: key.secret, SessionToken: key.session}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, re, hex.EncodeToString(sum[:]), svc, region, t); err != nil {
		return awsKey{}, err
	}
	if mm := authRE.FindStringSubmatch(re.Header.Get("Authorization")); mm == nil || mm[6] != m[6] {
		return awsKey{}, fmt.Errorf("SignatureDoesNotMatch")
	}
	return key, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *AWS) refuse(w http.ResponseWriter, status int, why string) {
	a.mu.Lock()
	a.errs = append(a.errs, why)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": why})
}

// ServeHTTP implements http.Handler.
func (a *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/authorization-token":
		a.authorizationToken(w, r, body)
	case r.Method == http.MethodPost && (r.URL.Path == "/" || r.URL.Path == ""):
		a.sts(w, r, body)
	default:
		a.refuse(w, http.StatusNotFound, "no such operation "+r.Method+" "+r.URL.Path)
	}
}

func (a *AWS) authorizationToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if _, err := a.checkSigV4(r, body, "codeartifact"); err != nil {
		a.refuse(w, http.StatusForbidden, "codeartifact: "+err.Error())
		return
	}
	q := r.URL.Query()
	if q.Get("domain") != a.Domain || q.Get("domain-owner") != a.Owner {
		a.refuse(w, http.StatusNotFound, fmt.Sprintf("ResourceNotFoundException: domain %q owner %q", q.Get("domain"), q.Get("domain-owner")))
		return
	}
	tok := "eyJ2ZXIiOjEsImlzdSI6fake" + randomHex(32)
	a.mu.Lock()
	a.calls["GetAuthorizationToken"]++
	a.tokens = append(a.tokens, tok)
	a.mu.Unlock()
	if a.OnToken != nil {
		a.OnToken(tok)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"authorizationToken": tok, "expiration": time.Now().Add(12 * time.Hour).Unix()})
}

func (a *AWS) sts(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := parseQuery(string(body))
	if err != nil || form["Version"] != "2011-06-15" {
		a.stsError(w, "InvalidParameterValue", "bad awsquery form")
		return
	}
	switch form["Action"] {
	case "GetCallerIdentity":
		key, err := a.checkSigV4(r, body, "sts")
		if err != nil {
			a.stsError(w, "SignatureDoesNotMatch", err.Error())
			return
		}
		a.count("GetCallerIdentity")
		a.xml(w, "GetCallerIdentity", fmt.Sprintf("<Arn>%s</Arn><UserId>AIDAFAKE</UserId><Account>%s</Account>", esc(key.arn), a.Owner))
	case "AssumeRoleWithWebIdentity":
		if a.VerifyWebIdentity == nil {
			a.stsError(w, "InvalidIdentityToken", "no identity provider trusted")
			return
		}
		sub, err := a.VerifyWebIdentity(form["WebIdentityToken"])
		if err != nil {
			a.stsError(w, "InvalidIdentityToken", err.Error())
			return
		}
		role := form["RoleArn"]
		if !strings.HasPrefix(role, "arn:aws:iam::") || form["RoleSessionName"] == "" {
			a.stsError(w, "ValidationError", "RoleArn or RoleSessionName")
			return
		}
		name := role[strings.LastIndex(role, "/")+1:]
		arn := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.Owner, name, form["RoleSessionName"])
		id, secret, session := "ASIA"+strings.ToUpper(randomHex(8)), "fakeSecret"+randomHex(16), "fakeSession"+randomHex(24)
		a.mu.Lock()
		a.keys[id] = awsKey{secret: secret, session: session, arn: arn}
		a.mu.Unlock()
		if a.OnSecret != nil {
			a.OnSecret(secret)
			a.OnSecret(session)
		}
		a.count("AssumeRoleWithWebIdentity")
		a.xml(w, "AssumeRoleWithWebIdentity", fmt.Sprintf(`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser><SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>`,
			id, secret, session, time.Now().Add(time.Hour).UTC().Format(time.RFC3339), esc(arn), esc(form["RoleSessionName"]), esc(sub)))
	default:
		a.stsError(w, "InvalidAction", "unknown Action "+form["Action"])
	}
}

func (a *AWS) count(op string) {
	a.mu.Lock()
	a.calls[op]++
	a.mu.Unlock()
}

func (a *AWS) xml(w http.ResponseWriter, op, inner string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%sResult>%s</%sResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></%sResponse>`,
		op, op, inner, op, op)
}

func (a *AWS) stsError(w http.ResponseWriter, code, msg string) {
	a.mu.Lock()
	a.errs = append(a.errs, "sts: "+code+": "+msg)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>0</RequestId></ErrorResponse>`, code, esc(msg))
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func parseQuery(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		uk, err := unescape(k)
		if err != nil {
			return nil, err
		}
		uv, err := unescape(v)
		if err != nil {
			return nil, err
		}
		out[uk] = uv
	}
	return out, nil
}

func unescape(s string) (string, error) { return url.QueryUnescape(s) }

package oidc_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// A credential resolver detects the CI system, checks that the index may
// receive an ID token, and hands uploads a Minter; a fake index accepts
// what the MintServer minted.
func ExampleNewMinter() {
	// The fakes: a GitHub-like issuer and token endpoint, a PyPI-like index.
	issuer, _ := oidctest.NewIssuer()
	tokenEndpoint := httptest.NewServer(issuer.GitHubHandler("request-token"))
	defer tokenEndpoint.Close()
	mintServer := oidctest.NewMintServer("pypi", []*oidctest.Issuer{issuer},
		oidctest.Publisher{Repository: "octo-org/octo-repo", RepositoryOwnerID: "1234567", Workflow: "release.yml"})
	index := httptest.NewServer(mintServer)
	defer index.Close()
	uploadURL := index.URL + "/legacy/"

	// What the CLI would pass: os.LookupEnv; here a fixed environment.
	env := map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenEndpoint.URL + "/?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
	}
	providers := oidc.DefaultProviders(
		oidc.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		oidc.WithFileReader(os.ReadFile),
	)
	ctx := context.Background()
	p, err := oidc.Detect(ctx, providers)
	if err != nil {
		fmt.Println(err)
		return
	}
	// This index is not PyPI: it gets an ID token only for the audience the
	// user named (pyup's --oidc-audience); PyPI's and TestPyPI's are known.
	m := oidc.NewMinter(p, index.Client(), uploadURL, oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")), oidc.WithOnMint(func(t *oidc.Token) {
		// In GitHub Actions the CLI prints "::add-mask::"+t.Value to stdout here.
	}))
	tok, err := m.Token(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name())
	fmt.Println(strings.HasPrefix(tok.Value, "pypi-"), mintServer.Accepts(tok.Value))
	fmt.Println(tok.Expires.Sub(time.Now()).Round(time.Minute))
	fmt.Println(tok.String()[:9] == tok.Value[:9], strings.HasSuffix(tok.String(), "…****"))
	// Output:
	// GitHub Actions
	// true true
	// 15m0s
	// true true
}

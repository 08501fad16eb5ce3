package gitlab

import (
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

func TestApplies(t *testing.T) {
	vars := map[string]string{"GITLAB_CI": "true", "CI_JOB_TOKEN": "job-token-0123456789", "CI_SERVER_URL": "https://gitlab.example.com", "CI_JOB_ID": "7", "CI_PROJECT_PATH": "g/p"}
	p := New(WithLookupEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }))
	for url, want := range map[string]bool{
		"https://gitlab.example.com/api/v4/projects/42/packages/pypi":      true,
		"https://gitlab.example.com/api/v4/projects/g%2Fp/packages/pypi/":  true,
		"https://GitLab.Example.com/api/v4/projects/42/packages/pypi":      true,
		"https://gitlab.example.com.evil/api/v4/projects/42/packages/pypi": false,
		"https://gitlab.com/api/v4/projects/42/packages/pypi":              false,
		"http://gitlab.example.com/api/v4/projects/42/packages/pypi":       false,
		"https://gitlab.example.com:8443/api/v4/projects/42/packages/pypi": false,
		"https://gitlab.example.com/api/v4/groups/42/-/packages/pypi":      false,
		"https://gitlab.example.com/other/path/":                           false,
	} {
		if ok, why := p.Applies(credential.Request{RepositoryURL: url}); ok != want {
			t.Errorf("Applies(%s) = %v (%s), want %v", url, ok, why, want)
		}
	}
	c, _, err := p.Resolve(t.Context(), credential.Request{})
	if err != nil || c.Username != "gitlab-ci-token" || c.Password.Reveal() != "job-token-0123456789" || c.Identity != "GitLab CI/CD job 7 of g/p" {
		t.Fatalf("%v %v", c, err)
	}
	delete(vars, "CI_JOB_TOKEN")
	if ok, _ := p.Applies(credential.Request{RepositoryURL: "https://gitlab.example.com/api/v4/projects/42/packages/pypi"}); ok {
		t.Error("applies without a job token")
	}
}

package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretMasks(t *testing.T) {
	tokenLike := Secret("pypi-AgEIcHlwaS5vcmcCJGZha2UtdG9rZW4tYm9keS1oZXJl")
	tests := []struct {
		secret Secret
		want   string
	}{
		{tokenLike, "pypi-AgEI…****"},
		{Secret("hunter2-password"), "****"},
		{Secret("pypi-short"), "****"},
		{Secret(""), ""},
	}
	for _, tt := range tests {
		if got := tt.secret.Masked(); got != tt.want {
			t.Errorf("Masked() = %q, want %q", got, tt.want)
		}
		if tt.secret.Reveal() != string(tt.secret) {
			t.Error("Reveal changed the value")
		}
		if tt.secret == "" {
			continue
		}
		body := string(tt.secret)[5:]
		type wrapper struct {
			P Secret
			M map[string]Secret
			S []Secret
		}
		w := wrapper{P: tt.secret, M: map[string]Secret{"k": tt.secret}, S: []Secret{tt.secret}}
		var outs []string
		for _, verb := range []string{"%v", "%s", "%q", "%#v", "%+v", "%x", "%X", "%d", "%10s", "%-20v"} {
			outs = append(outs, fmt.Sprintf(verb, tt.secret), fmt.Sprintf(verb, w), fmt.Sprintf(verb, &w))
		}
		outs = append(outs, fmt.Sprint(tt.secret), fmt.Sprintln(tt.secret), tt.secret.String(), tt.secret.GoString())
		js, _ := json.Marshal(w)
		outs = append(outs, string(js))
		txt, _ := tt.secret.MarshalText()
		outs = append(outs, string(txt))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", tt.secret, "w", w)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "secret", tt.secret)
		outs = append(outs, buf.String())
		for _, o := range outs {
			if strings.Contains(o, body) {
				t.Errorf("output leaks the secret: %q", o)
			}
		}
		if !strings.Contains(string(js), tt.want) {
			t.Errorf("JSON %s lacks mask %q", js, tt.want)
		}
	}
}

func TestSecretQuoted(t *testing.T) {
	if got := fmt.Sprintf("%q", Secret("password")); got != `"****"` {
		t.Errorf("%%q = %s", got)
	}
	if got := fmt.Sprintf("%#v", Secret("password")); got != `credential.Secret("****")` {
		t.Errorf("%%#v = %s", got)
	}
}

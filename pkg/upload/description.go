package upload

import (
	"strings"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// description returns the long description: the message body (Metadata
// 2.1+), else the Description header with the 8-space continuation
// indentation removed.
func description(m *dist.Metadata) string {
	if strings.TrimSpace(m.Body) != "" {
		return m.Body
	}
	for _, f := range m.Fields {
		if !strings.EqualFold(f.Name, "Description") {
			continue
		}
		lines := strings.Split(f.Value, "\n")
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.TrimPrefix(lines[i], "        ")
		}
		return strings.Join(lines, "\n")
	}
	return ""
}

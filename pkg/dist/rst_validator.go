package dist

import "github.com/pyup-dev/pyup/pkg/dist/rst"

// DocutilsValidator is the RSTValidator Check uses by default: pkg/dist/rst,
// which gives docutils' verdict (as PyPI's readme_renderer runs it) without
// Python.
type DocutilsValidator struct{}

var _ RSTValidator = DocutilsValidator{}

// Validate returns nil when src renders, else docutils' first message at
// WARNING or above.
func (DocutilsValidator) Validate(src string) *RSTError {
	m := rst.Check(src)
	if m == nil {
		return nil
	}
	return &RSTError{Line: m.Line, Level: m.Level.String(), Message: m.Text, Hint: m.Hint}
}

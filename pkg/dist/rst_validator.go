package dist

import (
	"sync"

	"github.com/pyup-dev/pyup/pkg/dist/rst"
)

// DocutilsValidator is the RSTValidator Check uses by default: pkg/dist/rst,
// which gives docutils' verdict (as PyPI's readme_renderer runs it) without
// Python.
type DocutilsValidator struct{}

var _ RSTValidator = DocutilsValidator{}

// lastRST remembers the last description validated and its verdict: a
// wheel and its sdist almost always carry the same one, and the second
// check of a long README then costs a comparison.
var lastRST struct {
	sync.Mutex
	src   string
	valid bool
	msg   RSTError
	fails bool
}

// Validate returns nil when src renders, else docutils' first message at
// WARNING or above.
func (DocutilsValidator) Validate(src string) *RSTError {
	lastRST.Lock()
	if lastRST.valid && lastRST.src == src {
		fails, msg := lastRST.fails, lastRST.msg
		lastRST.Unlock()
		if !fails {
			return nil
		}
		return &msg
	}
	lastRST.Unlock()

	var verdict *RSTError
	if m := rst.Check(src); m != nil {
		verdict = &RSTError{Line: m.Line, Level: m.Level.String(), Message: m.Text, Hint: m.Hint}
	}
	lastRST.Lock()
	lastRST.src, lastRST.valid, lastRST.fails = src, true, verdict != nil
	if verdict != nil {
		lastRST.msg = *verdict
	}
	lastRST.Unlock()
	return verdict
}

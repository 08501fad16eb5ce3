package dist

import (
	"sync"

	"github.com/pyup-dev/pyup/pkg/dist/rst"
)

// DocutilsValidator is the RSTValidator Check uses by default: pkg/dist/rst,
// which gives docutils' verdict (as PyPI's readme_renderer runs it) without
// Python.
//
// The zero value validates every description afresh. One made by
// NewDocutilsValidator remembers the last description and its verdict, for
// a caller that checks the files of one release: a wheel and its sdist
// almost always carry the same description, and the second check of a long
// README then costs a comparison. Copies share that memory; it is safe for
// concurrent use.
type DocutilsValidator struct {
	last *lastVerdict
}

var _ RSTValidator = DocutilsValidator{}

// lastVerdict is the last description a DocutilsValidator validated and
// its verdict.
type lastVerdict struct {
	sync.Mutex
	src   string
	valid bool
	msg   RSTError
	fails bool
}

// NewDocutilsValidator returns a DocutilsValidator that remembers the last
// description it validated. Give one to every Check of a run (with
// WithRSTValidator).
func NewDocutilsValidator() DocutilsValidator {
	return DocutilsValidator{last: &lastVerdict{}}
}

// Validate returns nil when src renders, else docutils' first message at
// WARNING or above.
func (v DocutilsValidator) Validate(src string) *RSTError {
	last := v.last
	if last == nil {
		return validateRST(src)
	}
	last.Lock()
	if last.valid && last.src == src {
		fails, msg := last.fails, last.msg
		last.Unlock()
		if !fails {
			return nil
		}
		return &msg
	}
	last.Unlock()
	verdict := validateRST(src)
	last.Lock()
	last.src, last.valid, last.fails = src, true, verdict != nil
	if verdict != nil {
		last.msg = *verdict
	}
	last.Unlock()
	return verdict
}

// validateRST is docutils' verdict on src, remembered by nobody.
func validateRST(src string) *RSTError {
	if m := rst.Check(src); m != nil {
		return &RSTError{Line: m.Line, Level: m.Level.String(), Message: m.Text, Hint: m.Hint}
	}
	return nil
}

package dist

import (
	"strings"

	"github.com/pyup-dev/pyup/pkg/dist/internal/classifiers"
)

// ClassifierListVersion names the pypa/trove-classifiers release whose list
// Check validates classifiers against (embedded at build time).
func ClassifierListVersion() string { return classifiers.Source() }

// checkClassifiers holds each Classifier to the trove-classifiers list, as
// PyPI does: unknown ones are refused, and so are deprecated ones, with
// the replacement named. A "Private ::" classifier is never on the list;
// that is how projects keep themselves off PyPI, so say so.
func (c *checker) checkClassifiers() {
	seen := map[string]bool{}
	for _, cl := range formValues(c.d.Metadata, "Classifier") {
		if seen[cl] {
			continue
		}
		seen[cl] = true
		if classifiers.Valid(cl) {
			continue
		}
		if repl, ok := classifiers.Deprecated(cl); ok {
			if len(repl) > 0 {
				c.errorf(codeDeprecatedClassifier, "The classifier %s has been deprecated, use one of %s instead.", pyRepr(cl), pyList(repl))
			} else {
				c.errorf(codeDeprecatedClassifier, "The classifier %s has been deprecated. Remove it (it has no replacement; for licenses, use License-Expression).", pyRepr(cl))
			}
			continue
		}
		if strings.HasPrefix(cl, "Private ::") {
			c.errorf(codePrivateClassifier, "%s is not a valid classifier. PyPI refuses every classifier starting with \"Private ::\"; the project marks itself as not for upload (remove the classifier if it is meant for PyPI).", pyRepr(cl))
			continue
		}
		c.errorf(codeInvalidClassifier, "%s is not a valid classifier. Use one from https://pypi.org/classifiers/ (pyup knows trove-classifiers %s); check spelling, spaces around '::' and case.", pyRepr(cl), classifiers.Source())
	}
}

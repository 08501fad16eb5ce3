package dist

import (
	"fmt"
	"strings"
)

// checkDescription gives twine check's warnings (no long description, no
// content type) and PyPI's render error for reStructuredText that does
// not render, using the configured RSTValidator.
func (c *checker) checkDescription() {
	m := c.d.Metadata
	desc := m.Description()
	if _, hasHeader := formValue(m, "Description"); hasHeader && strings.TrimSpace(m.Body) != "" {
		// packaging cannot tell which one is meant and sets both aside;
		// pyup uploads the body, which is what PyPI will show.
		c.warnf(codeDescriptionConflict, "The metadata has both a Description header and a message body; tools disagree on which is the long description (pyup uploads the body). Keep only the body (Metadata-Version 2.1 and later).")
	}
	ctRaw, hasCT := formValue(m, "Description-Content-Type")
	if !hasCT {
		c.warnf(codeMissingContentType, "`long_description_content_type` missing. defaulting to `text/x-rst`. %s", c.contentTypeHint())
	}
	if strings.TrimSpace(desc) == "" || strings.TrimRight(desc, " \t\r\n") == "UNKNOWN" {
		c.warnf(codeMissingDescription, "`long_description` missing. PyPI will show no project description. %s", c.descriptionHint())
		return
	}
	isRST := !hasCT
	if hasCT {
		ct, _, err := parseContentType(ctRaw)
		if err != nil {
			return // an invalid content type is already an error
		}
		isRST = ct == "text/x-rst"
	}
	// Markdown and plain text always render; only RST can fail.
	if !isRST || c.cfg.rst == nil {
		return
	}
	rerr := c.cfg.rst.Validate(desc)
	if rerr == nil {
		return
	}
	var b strings.Builder
	if hasCT {
		fmt.Fprintf(&b, "The description failed to render for '%s'.", ctRaw)
	} else {
		b.WriteString("The description failed to render in the default format of reStructuredText.")
	}
	if rerr.Line > 0 {
		fmt.Fprintf(&b, " line %d:", rerr.Line)
	}
	if rerr.Level != "" {
		fmt.Fprintf(&b, " (%s/%d)", rerr.Level, levelNumber(rerr.Level))
	}
	if rerr.Message != "" {
		b.WriteString(" " + rerr.Message)
	} else {
		b.WriteString(" the description renders to nothing.")
	}
	if rerr.Hint != "" {
		b.WriteString(" Fix: " + strings.TrimSuffix(rerr.Hint, ".") + ".")
	} else if !hasCT {
		b.WriteString(" If the README is Markdown, set its content type to text/markdown.")
	}
	c.add(Error, codeDescriptionRender, rerr.Line, b.String())
}

// levelNumber is docutils' number for a level name, as its messages print
// it: "(WARNING/2)".
func levelNumber(level string) int {
	switch level {
	case "INFO":
		return 1
	case "WARNING":
		return 2
	case "ERROR":
		return 3
	case "SEVERE":
		return 4
	}
	return 0
}

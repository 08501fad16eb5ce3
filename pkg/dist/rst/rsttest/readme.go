// Package rsttest makes reStructuredText for tests and benchmarks of
// pyup's validator.
package rsttest

import (
	"fmt"
	"strings"
)

// Readme builds a realistic README of about n bytes that renders on PyPI:
// badges, sections, paragraphs with inline markup and links, lists, code,
// tables.
func Readme(n int) string {
	var b strings.Builder
	b.WriteString(".. image:: https://img.shields.io/pypi/v/example.svg\n   :target: https://pypi.org/project/example/\n   :alt: version\n\n")
	b.WriteString("=========\n Example\n=========\n\nA *fast* library for **things**, see `the docs`_ and ``code``.\n\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Section %d\n----------------\n\n", i)
		fmt.Fprintf(&b, "Paragraph %d with *emphasis*, **strong**, ``literal``, a link to `Python <https://python.org/%d>`__,\n", i, i)
		b.WriteString("an anonymous `reference`__ and a footnote [#]_; text_with_underscores and 2*3*4 are plain.\n\n")
		b.WriteString("__ https://example.com/anon\n\n.. [#] A footnote.\n\n")
		b.WriteString("- item one\n- item two with ``code``\n\n  continued\n\n1. first\n2. second\n\n")
		b.WriteString("term\n    definition with :code:`x = 1`\n\n:field: value\n:other: value\n\n")
		b.WriteString(".. code-block:: python\n\n    def f(x):\n        return x * 2\n\n")
		b.WriteString("Example::\n\n    $ pip install example\n\n")
		b.WriteString("+------+------+\n| a    | b    |\n+======+======+\n| 1    | 2    |\n+------+------+\n\n")
		b.WriteString("=====  =====\ncol 1  col 2\n=====  =====\n1      2\n=====  =====\n\n")
		b.WriteString(".. note::\n\n   Admonition text with |sub|.\n\n")
	}
	b.WriteString("\n.. _the docs: https://example.com/docs\n.. |sub| replace:: substituted\n")
	return b.String()
}

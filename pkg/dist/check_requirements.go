package dist

import (
	"fmt"
	"regexp"
	"strings"
)

// specifierRe is PEP 440's version specifier grammar as packaging enforces
// it: local versions and ".*" only with == and !=, at least two release
// components with ~=, anything without white space after ===.
var specifierRe = regexp.MustCompile(`(?i)^\s*(?:` +
	`===\s*[^\s;)]*` +
	`|(?:==|!=)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:\.\*|` + pep440Suffix + `(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?)` +
	`|~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` + pep440Suffix +
	`|(?:<=|>=|<|>)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*` + pep440Suffix +
	`)\s*$`)

// pep440Suffix is the optional pre-, post- and dev-release part of a
// PEP 440 version, in all the spellings PEP 440 normalizes.
const pep440Suffix = `(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?` +
	`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?` +
	`(?:[-_.]?dev[-_.]?[0-9]*)?`

// validateSpecifierSet checks a comma-separated list of version
// specifiers (Requires-Python, or the version part of a requirement).
// Empty entries are ignored, as packaging ignores them.
func validateSpecifierSet(s string) error {
	for _, spec := range strings.Split(s, ",") {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		if !specifierRe.MatchString(spec) {
			return fmt.Errorf("Invalid specifier: %s", pyRepr(strings.TrimSpace(spec)))
		}
	}
	return nil
}

// requirement is what Check needs of a parsed PEP 508 requirement.
type requirement struct {
	name string
	url  string
}

// markerVariables are the environment markers packaging accepts,
// including the legacy dotted spellings it still takes.
var markerVariableRe = regexp.MustCompile(`^(python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b`)

var (
	reqNameRe    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?`)
	reqExtraRe   = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?`)
	markerOpRe   = regexp.MustCompile(`^(===|==|~=|!=|<=|>=|<|>)`)
	specTokenRe  = regexp.MustCompile(`^(?:===|~=|==|!=|<=|>=|<|>)\s*[^\s,;)]*`)
	quotedTextRe = regexp.MustCompile(`^(?:'[^']*'|"[^"]*")`)
)

// reqParser is a small recursive-descent parser for PEP 508 dependency
// specifiers, following packaging's grammar.
type reqParser struct {
	s   string
	pos int
}

func (p *reqParser) ws() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *reqParser) peek(b byte) bool { return p.pos < len(p.s) && p.s[p.pos] == b }

func (p *reqParser) rest() string { return p.s[p.pos:] }

func (p *reqParser) fail(what string) error {
	if p.pos >= len(p.s) {
		return fmt.Errorf("expected %s at the end", what)
	}
	return fmt.Errorf("expected %s at %s", what, pyRepr(p.rest()))
}

// parseRequirement parses a PEP 508 requirement such as
// `requests[socks]>=2.31,<3; python_version >= "3.9"` or
// `pkg @ https://example.org/pkg.whl`.
func parseRequirement(s string) (requirement, error) {
	p := &reqParser{s: s}
	var r requirement
	p.ws()
	name := reqNameRe.FindString(p.rest())
	if name == "" {
		return r, p.fail("package name")
	}
	r.name = name
	p.pos += len(name)
	p.ws()
	if p.peek('[') {
		if err := p.extras(); err != nil {
			return r, err
		}
		p.ws()
	}
	switch {
	case p.peek('@'):
		p.pos++
		p.ws()
		end := strings.IndexAny(p.rest(), " \t")
		if end < 0 {
			end = len(p.rest())
		}
		r.url = p.rest()[:end]
		if r.url == "" {
			return r, p.fail("URL after @")
		}
		p.pos += end
		p.ws()
		if p.pos < len(p.s) {
			if !p.peek(';') {
				return r, p.fail("end or semicolon (after URL and whitespace)")
			}
			p.pos++
			if err := p.markerExpr(); err != nil {
				return r, err
			}
		}
	default:
		if err := p.specifiers(); err != nil {
			return r, err
		}
		p.ws()
		if p.peek(';') {
			p.pos++
			if err := p.markerExpr(); err != nil {
				return r, err
			}
		}
	}
	p.ws()
	if p.pos < len(p.s) {
		return r, p.fail("end")
	}
	return r, nil
}

func (p *reqParser) extras() error {
	p.pos++ // '['
	p.ws()
	if p.peek(']') {
		p.pos++
		return nil
	}
	for {
		p.ws()
		e := reqExtraRe.FindString(p.rest())
		if e == "" {
			return p.fail("extra name")
		}
		p.pos += len(e)
		p.ws()
		if p.peek(',') {
			p.pos++
			continue
		}
		if p.peek(']') {
			p.pos++
			return nil
		}
		return p.fail("comma between extra names, or ']'")
	}
}

func (p *reqParser) specifiers() error {
	paren := p.peek('(')
	if paren {
		p.pos++
		p.ws()
	}
	first := true
	for {
		p.ws()
		tok := specTokenRe.FindString(p.rest())
		if tok == "" {
			if !first || !paren || p.peek(')') {
				// No specifier at all, or a trailing comma: packaging
				// takes both; what follows must then be the end or a marker.
				break
			}
			return p.fail("version specifier")
		}
		if !specifierRe.MatchString(tok) {
			return fmt.Errorf("Invalid specifier: %s", pyRepr(strings.TrimSpace(tok)))
		}
		p.pos += len(tok)
		first = false
		p.ws()
		if !p.peek(',') {
			break
		}
		p.pos++
	}
	if paren {
		p.ws()
		if !p.peek(')') {
			return p.fail("')'")
		}
		p.pos++
	}
	return nil
}

func (p *reqParser) markerExpr() error {
	p.ws()
	if err := p.markerAnd(); err != nil {
		return err
	}
	for {
		p.ws()
		if !p.keyword("or") {
			return nil
		}
		if err := p.markerAnd(); err != nil {
			return err
		}
	}
}

func (p *reqParser) markerAnd() error {
	if err := p.markerAtom(); err != nil {
		return err
	}
	for {
		p.ws()
		if !p.keyword("and") {
			return nil
		}
		if err := p.markerAtom(); err != nil {
			return err
		}
	}
}

func (p *reqParser) markerAtom() error {
	p.ws()
	if p.peek('(') {
		p.pos++
		if err := p.markerExpr(); err != nil {
			return err
		}
		p.ws()
		if !p.peek(')') {
			return p.fail("')' to close the marker group")
		}
		p.pos++
		return nil
	}
	if err := p.markerVar(); err != nil {
		return err
	}
	p.ws()
	switch {
	case p.keyword("in"):
	case p.keyword("not"):
		p.ws()
		if !p.keyword("in") {
			return p.fail("'in' after 'not'")
		}
	default:
		op := markerOpRe.FindString(p.rest())
		if op == "" {
			return p.fail("marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)")
		}
		p.pos += len(op)
	}
	p.ws()
	return p.markerVar()
}

func (p *reqParser) markerVar() error {
	if q := quotedTextRe.FindString(p.rest()); q != "" {
		p.pos += len(q)
		return nil
	}
	if v := markerVariableRe.FindString(p.rest()); v != "" {
		p.pos += len(v)
		return nil
	}
	return p.fail("a marker variable (python_version, sys_platform, extra, ...) or a quoted string")
}

// keyword consumes word when it stands as a whole word at the position.
func (p *reqParser) keyword(word string) bool {
	r := p.rest()
	if !strings.HasPrefix(r, word) {
		return false
	}
	if len(r) > len(word) {
		c := r[len(word)]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return false
		}
	}
	p.pos += len(word)
	return true
}

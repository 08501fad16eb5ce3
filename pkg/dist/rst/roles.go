package rst

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// roleFunc handles interpreted text with a role.
type roleFunc func(in *inliner, role, rawsource, text string)

type customRole struct {
	base     roleFunc
	language string
}

// englishRoles maps docutils' English role names to canonical ones.
var englishRoles = map[string]string{
	"abbreviation": "abbreviation", "ab": "abbreviation", "acronym": "acronym", "ac": "acronym",
	"code": "code", "index": "index", "i": "index", "subscript": "subscript", "sub": "subscript",
	"superscript": "superscript", "sup": "superscript", "title-reference": "title-reference",
	"title": "title-reference", "t": "title-reference", "pep-reference": "pep-reference",
	"pep": "pep-reference", "rfc-reference": "rfc-reference", "rfc": "rfc-reference",
	"emphasis": "emphasis", "strong": "strong", "literal": "literal", "math": "math",
	"named-reference": "named-reference", "anonymous-reference": "anonymous-reference",
	"footnote-reference": "footnote-reference", "citation-reference": "citation-reference",
	"substitution-reference": "substitution-reference", "target": "target",
	"uri-reference": "uri-reference", "uri": "uri-reference", "url": "uri-reference", "raw": "raw",
}

func genericRole(in *inliner, role, rawsource, text string) {
	if !in.keep {
		return
	}
	n := in.p.newNode(kInline)
	n.add(in.textNode(text))
	in.parent.addDetached(n)
}

func unimplementedRole(in *inliner, role, rawsource, text string) {
	in.p.errorAt(fmt.Sprintf("Interpreted text role \"%s\" not implemented.", role), in.lineno)
}

func rawRole(in *inliner, role, rawsource, text string) {
	in.p.report(Warning, "raw (and derived) roles disabled", in.p.currentLine())
}

func pepRole(in *inliner, role, rawsource, text string) {
	n, ok := pyIntValue(unescape(text))
	if !ok || n < 0 || n > 9999 {
		in.p.errorAt(fmt.Sprintf("PEP number must be a number from 0 to 9999; \"%s\" is invalid.", text), in.lineno)
	}
	genericRole(in, role, rawsource, text)
}

func rfcRole(in *inliner, role, rawsource, text string) {
	num := unescape(text)
	if i := strings.IndexByte(num, '#'); i >= 0 {
		num = num[:i]
	}
	n, ok := pyIntValue(num)
	if !ok || n < 1 {
		in.p.errorAt(fmt.Sprintf("RFC number must be a number greater than or equal to 1; \"%s\" is invalid.", text), in.lineno)
	}
	genericRole(in, role, rawsource, text)
}

// pyIntValue approximates Python's int() on a string.
func pyIntValue(s string) (int, bool) {
	t := strip(s)
	if t == "" {
		return 0, false
	}
	neg := false
	if t[0] == '+' || t[0] == '-' {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" || t[0] == '_' || t[len(t)-1] == '_' || strings.Contains(t, "__") {
		return 0, false
	}
	var digits []rune
	for _, r := range t {
		if r == '_' {
			continue
		}
		if !unicode.IsDigit(r) {
			return 0, false
		}
		digits = append(digits, '0'+rune(digitValue(r)))
	}
	n, err := strconv.Atoi(string(digits))
	if err != nil {
		n = 1 << 40
	}
	if neg {
		n = -n
	}
	return n, true
}

func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	// Unicode decimal digits come in runs of ten starting at a zero.
	for z := r; z >= r-9; z-- {
		if !unicode.IsDigit(z - 1) {
			return int(r - z)
		}
	}
	return 0
}

var canonicalRoles = map[string]roleFunc{
	"abbreviation": genericRole, "acronym": genericRole, "emphasis": genericRole, "literal": genericRole,
	"strong": genericRole, "subscript": genericRole, "superscript": genericRole, "title-reference": genericRole,
	"pep-reference": pepRole, "rfc-reference": rfcRole, "raw": rawRole, "code": genericRole, "math": genericRole,
	"index": unimplementedRole, "named-reference": unimplementedRole, "anonymous-reference": unimplementedRole,
	"uri-reference": unimplementedRole, "footnote-reference": unimplementedRole,
	"citation-reference": unimplementedRole, "substitution-reference": unimplementedRole,
	"target": unimplementedRole, "restructuredtext-unimplemented-role": unimplementedRole,
}

// roleOptions lists the options each canonical role accepts in the role
// directive.
var roleOptions = map[string]map[string]optKind{
	"code": {"language": optUnchanged, "class": optClass},
	"raw":  {"format": optUnchanged, "class": optClass},
}

func (p *parser) lookupRole(name string) (roleFunc, bool) {
	norm := strings.ToLower(name)
	if name == "" {
		if p.defaultRole != "" {
			return p.lookupRole(p.defaultRole)
		}
		return genericRole, true
	}
	if c, ok := p.customRoles[norm]; ok {
		if c.language != "" {
			lang := c.language
			return func(in *inliner, role, rawsource, text string) {
				l := strings.ToLower(lang)
				if l != "text" && !strings.Contains(pygmentsAliases, " "+l+" ") {
					in.p.report(Warning, fmt.Sprintf("Cannot analyze code. No Pygments lexer found for \"%s\".", lang), in.p.currentLine())
				}
				genericRole(in, role, rawsource, text)
			}, true
		}
		return c.base, true
	}
	canonical, ok := englishRoles[norm]
	if !ok {
		canonical = norm
	}
	fn, ok := canonicalRoles[canonical]
	return fn, ok
}

func canonicalRoleName(name string) string {
	norm := strings.ToLower(name)
	if c, ok := englishRoles[norm]; ok {
		return c
	}
	return norm
}

// roleArgument matches `(simplename)\s*(\(\s*(simplename)\s*\)\s*)?$`.
func roleArgument(s string) (string, string, bool) {
	r := []rune(s)
	e := simplenameEnd(r, 0)
	if e < 0 {
		return "", "", false
	}
	name := string(r[:e])
	i := e
	for i < len(r) && isSpace(r[i]) {
		i++
	}
	if i == len(r) {
		return name, "", true
	}
	if r[i] != '(' {
		return "", "", false
	}
	i++
	for i < len(r) && isSpace(r[i]) {
		i++
	}
	be := simplenameEnd(r, i)
	if be < 0 {
		return "", "", false
	}
	base := string(r[i:be])
	i = be
	for i < len(r) && isSpace(r[i]) {
		i++
	}
	if i >= len(r) || r[i] != ')' {
		return "", "", false
	}
	i++
	for i < len(r) && isSpace(r[i]) {
		i++
	}
	if i != len(r) {
		return "", "", false
	}
	return name, base, true
}

func runRole(d *directiveRun) {
	if d.contentOffset > d.lineno || len(d.content) == 0 {
		d.fail(Error, fmt.Sprintf("\"%s\" directive requires arguments on the first line.", d.name))
	}
	args := d.content[0]
	name, base, ok := roleArgument(args)
	if !ok {
		d.fail(Error, fmt.Sprintf("\"%s\" directive arguments not valid role names: \"%s\".", d.name, args))
	}
	var fn roleFunc = genericRole
	opts := map[string]optKind{"class": optClass}
	if base != "" {
		f, found := d.m.p.lookupRole(base)
		if !found {
			d.m.p.errorAt(fmt.Sprintf("Unknown interpreted text role \"%s\".", base), d.lineno)
		}
		fn = f
		if c, isCustom := d.m.p.customRoles[strings.ToLower(base)]; isCustom {
			fn = c.base
		}
		if o, ok := roleOptions[canonicalRoleName(base)]; ok {
			opts = o
		}
	}
	spec := &directiveSpec{options: opts}
	tmp := &directiveRun{}
	if err := d.m.parseDirectiveBlock(d.content[1:], d.contentOffset, spec, tmp); err != "" {
		d.m.p.errorAt(fmt.Sprintf("Error in \"%s\" directive:\n%s.", d.name, err), d.lineno)
	}
	if _, has := tmp.options["class"]; !has && makeID(name) == "" {
		d.m.p.errorAt(fmt.Sprintf("Invalid argument for \"%s\" directive:\ncannot make \"%s\" into a class name.", d.name, name), d.lineno)
	}
	cr := &customRole{base: fn}
	if canonicalRoleName(base) == "code" {
		cr.language = tmp.options["language"]
	}
	if c, isCustom := d.m.p.customRoles[strings.ToLower(base)]; isCustom && base != "" && cr.language == "" {
		cr.language = c.language
	}
	d.m.p.customRoles[strings.ToLower(name)] = cr
}

func runDefaultRole(d *directiveRun) {
	if len(d.args) == 0 {
		d.m.p.defaultRole = ""
		return
	}
	if _, ok := d.m.p.lookupRole(d.args[0]); !ok {
		d.m.p.errorAt(fmt.Sprintf("Unknown interpreted text role \"%s\".", d.args[0]), d.lineno)
	}
	d.m.p.defaultRole = d.args[0]
}

package rst

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pyup-dev/pyup/pkg/internal/pyrepr"
)

type optKind int

const (
	optUnchanged optKind = iota
	optUnchangedRequired
	optFlag
	optClass
	optLength          // length_or_unitless
	optLengthPercent   // length_or_percentage_or_unitless
	optPercentage      // percentage
	optNonNegInt       // nonnegative_int
	optPositiveInt     // positive_int
	optInt             // int
	optIntOrNone       // value_or((None,), int)
	optAlignH          // left, center, right
	optAlignImage      // top, middle, bottom, left, center, right
	optLoading         // embed, link, lazy (image :loading:, docutils 0.21+)
	optURI             // uri
	optPath            // path
	optEncoding        // encoding
	optWidths          // value_or(('auto','grid'), positive_int_list)
	optFigwidth        // 'image' or length_or_percentage_or_unitless
	optBacklinks       // top, entry, none
	optSingleChar      // single_char_or_unicode
	optSingleCharSpace // single_char_or_whitespace_or_unicode
	optParser          // parser_name
)

type directiveSpec struct {
	required, optional int
	finalWS            bool
	options            map[string]optKind
	content            bool
	run                func(d *directiveRun)
}

type directiveRun struct {
	m             *machine
	name          string
	args          []string
	options       map[string]string
	content       []string
	contentOffset int
	// contentDelta is added to the true source lines of the content: the
	// option lines docutils drops from between a directive's first line
	// and the rest of a content that starts on the directive line
	contentDelta int
	lineno       int
	inSubst      bool
}

// parseContent parses the directive's content into n. When the content
// starts on the directive line and options come between, that first line
// keeps its own source line and the rest stand contentDelta further down.
func (d *directiveRun) parseContent(n *node) {
	d.m.nestedParseFirst(d.content, d.contentOffset, n, false, d.m.srcDelta+d.contentDelta, -d.contentDelta, d.frames())
}

// frames is how many Python frames above the directive's machine docutils
// parses the directive's content (see maxFrames).
func (d *directiveRun) frames() int {
	f := framesDirective
	if d.inSubst {
		f-- // embedded_directive -> directive
	}
	if strings.ToLower(d.name) == "sidebar" {
		f++ // Sidebar.run -> BasePseudoSection.run
	}
	return f
}

func (d *directiveRun) fail(level Level, text string) {
	d.m.p.report(level, text, d.m.p.mapLine(d.lineno))
}

func (d *directiveRun) assertContent() {
	if len(d.content) == 0 {
		d.fail(Error, fmt.Sprintf("Content block expected for the \"%s\" directive; none found.", d.name))
	}
}

var classNameOpts = map[string]optKind{"class": optClass, "name": optUnchanged}

func withOpts(base map[string]optKind, extra map[string]optKind) map[string]optKind {
	out := map[string]optKind{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

var directiveAliases = map[string]string{
	"code-block": "code", "sourcecode": "code", "section-numbering": "sectnum",
}

var directiveSpecs map[string]*directiveSpec

func init() {
	admon := &directiveSpec{finalWS: true, options: classNameOpts, content: true, run: runAdmonition}
	imageOpts := map[string]optKind{"alt": optUnchanged, "height": optLength, "width": optLengthPercent,
		"scale": optPercentage, "align": optAlignImage, "target": optUnchangedRequired, "loading": optLoading, "class": optClass, "name": optUnchanged}
	tableOpts := withOpts(classNameOpts, map[string]optKind{"align": optAlignH, "width": optLengthPercent, "widths": optWidths})
	directiveSpecs = map[string]*directiveSpec{
		"attention": admon, "caution": admon, "danger": admon, "error": admon, "hint": admon,
		"important": admon, "note": admon, "tip": admon, "warning": admon,
		"admonition":     {required: 1, finalWS: true, options: classNameOpts, content: true, run: runAdmonition},
		"sidebar":        {optional: 1, finalWS: true, options: withOpts(classNameOpts, map[string]optKind{"subtitle": optUnchangedRequired}), content: true, run: runSidebar},
		"topic":          {required: 1, finalWS: true, options: classNameOpts, content: true, run: runTopic},
		"line-block":     {options: classNameOpts, content: true, run: runLineBlock},
		"parsed-literal": {options: classNameOpts, content: true, run: runParsedLiteral},
		"code":           {optional: 1, options: withOpts(classNameOpts, map[string]optKind{"number-lines": optIntOrNone}), content: true, run: runCode},
		"math":           {options: classNameOpts, content: true, run: runAssertContent},
		"rubric":         {required: 1, finalWS: true, options: classNameOpts, run: runRubric},
		"epigraph":       {content: true, run: runBlockQuoteDirective},
		"highlights":     {content: true, run: runBlockQuoteDirective},
		"pull-quote":     {content: true, run: runBlockQuoteDirective},
		"compound":       {options: classNameOpts, content: true, run: runCompound},
		"container":      {optional: 1, finalWS: true, options: map[string]optKind{"name": optUnchanged}, content: true, run: runContainer},
		"table":          {optional: 1, finalWS: true, options: tableOpts, content: true, run: runTable},
		"csv-table": {optional: 1, finalWS: true, options: withOpts(tableOpts, map[string]optKind{
			"header-rows": optNonNegInt, "stub-columns": optNonNegInt, "header": optUnchanged,
			"file": optPath, "url": optURI, "encoding": optEncoding, "delim": optSingleCharSpace,
			"keepspace": optFlag, "quote": optSingleChar, "escape": optSingleChar}), content: true, run: runCSVTable},
		"list-table": {optional: 1, finalWS: true, options: withOpts(tableOpts, map[string]optKind{
			"header-rows": optNonNegInt, "stub-columns": optNonNegInt}), content: true, run: runListTable},
		"image":  {required: 1, finalWS: true, options: imageOpts, run: runImage},
		"figure": {required: 1, finalWS: true, options: withOpts(imageOpts, map[string]optKind{"figwidth": optFigwidth, "figclass": optClass, "figname": optUnchanged, "align": optAlignH}), content: true, run: runFigure},
		"contents": {optional: 1, finalWS: true, options: map[string]optKind{"depth": optNonNegInt, "local": optFlag,
			"backlinks": optBacklinks, "class": optClass}, run: runContents},
		"sectnum":      {options: map[string]optKind{"depth": optInt, "start": optInt, "prefix": optUnchangedRequired, "suffix": optUnchangedRequired}, run: func(d *directiveRun) {}},
		"header":       {content: true, run: runDecoration},
		"footer":       {content: true, run: runDecoration},
		"target-notes": {options: map[string]optKind{"class": optClass}, run: func(d *directiveRun) {}},
		"meta":         {content: true, run: runMeta},
		"raw": {required: 1, finalWS: true, options: map[string]optKind{"file": optPath, "url": optURI, "encoding": optEncoding, "class": optClass}, content: true,
			run: func(d *directiveRun) { d.fail(Warning, fmt.Sprintf("\"%s\" directive disabled.", d.name)) }},
		"include": {required: 1, finalWS: true, options: map[string]optKind{"literal": optFlag, "code": optUnchanged, "encoding": optEncoding,
			"parser": optParser, "tab-width": optInt, "start-line": optInt, "end-line": optInt, "start-after": optUnchangedRequired,
			"end-before": optUnchangedRequired, "number-lines": optUnchanged, "class": optClass, "name": optUnchanged}, run: func(d *directiveRun) { d.fail(Warning, fmt.Sprintf("\"%s\" directive disabled.", d.name)) }},
		"replace":      {content: true, run: runReplace},
		"unicode":      {required: 1, finalWS: true, options: map[string]optKind{"trim": optFlag, "ltrim": optFlag, "rtrim": optFlag}, run: runUnicode},
		"class":        {required: 1, finalWS: true, content: true, run: runClass},
		"role":         {content: true, run: runRole},
		"default-role": {optional: 1, run: runDefaultRole},
		"title":        {required: 1, finalWS: true, run: func(d *directiveRun) {}},
		"date":         {content: true, run: runDate},
		"restructuredtext-test-directive": {optional: 1, finalWS: true, options: map[string]optKind{"option": optUnchangedRequired}, content: true,
			run: func(d *directiveRun) {}},
	}
}

func lookupDirective(name string) (*directiveSpec, bool) {
	n := strings.ToLower(name)
	if a, ok := directiveAliases[n]; ok {
		n = a
	}
	s, ok := directiveSpecs[n]
	return s, ok
}

// directive parses and runs a directive whose marker ends at end (runes).
func (m *machine) directive(name string, end int, substName string) bool {
	spec, known := lookupDirective(name)
	lineno := m.absLineNumber()
	if !known {
		m.getFirstKnownIndented(0, false, false, true)
		m.p.errorAt(fmt.Sprintf("Unknown directive type \"%s\".", name), lineno)
	}
	indented, _, lineOffset, bf := m.getFirstKnownIndented(end, false, true, false)
	d := &directiveRun{m: m, name: name, lineno: lineno, inSubst: substName != ""}
	if err := m.parseDirectiveBlock(indented, lineOffset, spec, d); err != "" {
		m.p.errorAt(fmt.Sprintf("Error in \"%s\" directive:\n%s.", name, err), lineno)
	}
	spec.run(d)
	return bf || m.isNextLineBlank()
}

func (m *machine) parseDirectiveBlock(indented []string, lineOffset int, spec *directiveSpec, d *directiveRun) string {
	if len(indented) > 0 && strip(indented[0]) == "" {
		indented = indented[1:]
		lineOffset++
	}
	for len(indented) > 0 && strip(indented[len(indented)-1]) == "" {
		indented = indented[:len(indented)-1]
	}
	var argBlock, content []string
	var contentOffset int
	i := 0
	if len(indented) > 0 && (spec.required > 0 || spec.optional > 0 || len(spec.options) > 0) {
		for i = 0; i < len(indented); i++ {
			if strip(indented[i]) == "" {
				break
			}
		}
		argBlock = indented[:i]
		if i+1 <= len(indented) {
			content = indented[i+1:]
		}
		contentOffset = lineOffset + i + 1
	} else {
		content = indented
		contentOffset = lineOffset
	}
	var options map[string]string // read-only: nil until an option block is parsed
	if len(spec.options) > 0 {
		var optBlock []string
		for k, line := range argBlock {
			if _, ok := matchFieldMarker(line); ok {
				optBlock = argBlock[k:]
				argBlock = argBlock[:k]
				break
			}
		}
		if len(optBlock) > 0 {
			var err string
			options, err = m.parseExtensionOptions(spec.options, optBlock)
			if err != "" {
				return err
			}
		}
	}
	if len(argBlock) > 0 && spec.required == 0 && spec.optional == 0 {
		// docutils' content keeps each line's source: the lines after the
		// options stand that many lines further down than their offsets say
		d.contentDelta = i - len(argBlock)
		content = append(append([]string{}, argBlock...), indented[i:]...)
		contentOffset = lineOffset
		argBlock = nil
	}
	for len(content) > 0 && strip(content[0]) == "" {
		content = content[1:]
		contentOffset++
	}
	var args []string
	if spec.required > 0 || spec.optional > 0 {
		text := strings.Join(argBlock, "\n")
		args = fields(text)
		if len(args) < spec.required {
			return fmt.Sprintf("%d argument(s) required, %d supplied", spec.required, len(args))
		}
		if len(args) > spec.required+spec.optional {
			if spec.finalWS {
				args = splitN(text, spec.required+spec.optional)
			} else {
				return fmt.Sprintf("maximum %d argument(s) allowed, %d supplied", spec.required+spec.optional, len(args))
			}
		}
	}
	if len(content) > 0 && !spec.content {
		return "no content permitted"
	}
	d.args = args
	d.options = options
	d.content = content
	d.contentOffset = contentOffset
	return ""
}

// splitN is Python's str.split(None, n-1): at most n fields, the last one
// keeping its inner whitespace.
func splitN(s string, n int) []string {
	var out []string
	rest := lstrip(s)
	for len(out) < n-1 && rest != "" {
		i := strings.IndexFunc(rest, isSpace)
		if i < 0 {
			break
		}
		out = append(out, rest[:i])
		rest = lstrip(rest[i:])
	}
	if rest != "" {
		out = append(out, rstrip(rest))
	}
	return out
}

// parseExtensionOptions parses a directive's option field list.
func (m *machine) parseExtensionOptions(spec map[string]optKind, lines []string) (map[string]string, string) {
	holder := m.p.newNode(kFieldList)
	sub := m.p.newMachine(lines, 0, holder, false)
	sub.frames = framesOptions
	sub.blankFinish[sExtensionOptions] = true
	sub.run(sExtensionOptions)
	if sub.absLineOffset() != len(lines) {
		return nil, "invalid option block"
	}
	type opt struct {
		name  string
		value *string
	}
	var list []opt
	for _, f := range holder.children {
		if f.kind != kField {
			continue
		}
		nameText := f.children[0].astext()
		if len(fields(nameText)) != 1 {
			return nil, "invalid option data: extension option field name may not contain multiple words"
		}
		name := strings.ToLower(nameText)
		var paras []string
		var cur []string
		for _, l := range append(append([]string{}, f.x().fieldBody...), "") {
			if strip(l) != "" {
				cur = append(cur, l)
			} else if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, "\n"))
				cur = nil
			}
		}
		switch len(paras) {
		case 0:
			list = append(list, opt{name: name})
		case 1:
			v := unescape(paras[0])
			v = paras[0]
			list = append(list, opt{name: name, value: &v})
		default:
			return nil, fmt.Sprintf("invalid option data: extension option field body may contain\na single paragraph only (option \"%s\")", name)
		}
	}
	out := map[string]string{}
	for _, o := range list {
		kind, ok := spec[o.name]
		if !ok {
			return nil, fmt.Sprintf("unknown option: \"%s\"", o.name)
		}
		if _, dup := out[o.name]; dup {
			return nil, fmt.Sprintf("invalid option data: duplicate option \"%s\"", o.name)
		}
		v, err := convertOption(kind, o.value)
		if err != "" {
			return nil, fmt.Sprintf("invalid option value: (option: \"%s\"; value: %s)\n%s", o.name, pyReprPtr(o.value), err)
		}
		out[o.name] = v
	}
	if !sub.blankFinish[sExtensionOptions] {
		return nil, "option data incompletely parsed"
	}
	return out, ""
}

func pyReprPtr(s *string) string {
	if s == nil {
		return "None"
	}
	return pyrepr.Str(*s)
}

// lengthUnits are docutils 0.23's CSS3_LENGTH_UNITS.
var lengthUnits = []string{"em", "ex", "ch", "rem", "vw", "vh", "vmin", "vmax", "cm", "mm", "Q", "in", "pt", "pc", "px"}

// parseMeasure is docutils 0.23's nodes.parse_measure: a number (int or
// float, optionally negative), spaces, then a unit of ASCII letters or µ,
// or a single "%", or nothing. It returns the value's sign and the unit.
func parseMeasure(arg string) (negative bool, unit string, err string) {
	bad := "\"" + arg + "\" is no valid measure."
	i := 0
	if strings.HasPrefix(arg, "-") {
		i = 1
	}
	j := i
	for j < len(arg) && ((arg[j] >= '0' && arg[j] <= '9') || arg[j] == '.') {
		j++
	}
	if j == i {
		return false, "", bad
	}
	num := arg[i:j]
	if strings.Count(num, ".") > 1 || num == "." {
		return false, "", bad
	}
	if _, e := strconv.ParseFloat(num, 64); e != nil {
		return false, "", bad
	}
	rest := strings.TrimLeft(arg[j:], " ")
	if rest != "%" {
		for _, r := range rest {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == 'µ') {
				return false, "", bad
			}
		}
	}
	neg := i == 1 && strings.Trim(num, "0.") != ""
	return neg, rest, ""
}

// getMeasure is docutils 0.23's directives.get_measure.
func getMeasure(arg string, units []string) string {
	neg, unit, err := parseMeasure(arg)
	if err != "" {
		return err
	}
	known := false
	for _, u := range units {
		if u == unit {
			known = true
		}
	}
	if neg || !known {
		var named []string
		for _, u := range units {
			if u != "" {
				named = append(named, u)
			}
		}
		return "not a positive number or measure of one of the following units:\n" + strings.Join(named, ", ")
	}
	return ""
}

func pyInt(s string) (int, string) {
	n, ok := pyIntValue(s)
	if !ok {
		// CPython formats the value with %.200R: its repr, cut to 200
		// characters
		r := []rune(pyrepr.Str(s))
		return 0, "invalid literal for int() with base 10: " + string(r[:min(len(r), 200)])
	}
	return n, ""
}

func choice(v *string, values []string) string {
	if v == nil {
		return "must supply an argument; choose from " + formatValues(values)
	}
	val := strings.ToLower(strip(*v))
	for _, x := range values {
		if x == val {
			return ""
		}
	}
	return fmt.Sprintf("\"%s\" unknown; choose from %s", *v, formatValues(values))
}

func formatValues(values []string) string {
	var parts []string
	for _, v := range values[:len(values)-1] {
		parts = append(parts, "\""+v+"\"")
	}
	return fmt.Sprintf("%s, or \"%s\"", strings.Join(parts, ", "), values[len(values)-1])
}

// noneMeasureErr is what re.fullmatch says about an option given no value.
const noneMeasureErr = "expected string or bytes-like object, got 'NoneType'"

const noneTypeErr = "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"

func convertOption(kind optKind, v *string) (string, string) {
	val := ""
	if v != nil {
		val = *v
	}
	switch kind {
	case optUnchanged:
		return val, ""
	case optUnchangedRequired, optPath, optURI:
		if v == nil {
			return "", "argument required but none supplied"
		}
		return val, ""
	case optFlag:
		if v != nil && strip(val) != "" {
			return "", fmt.Sprintf("no argument is allowed; \"%s\" supplied", val)
		}
		return "", ""
	case optClass:
		if v == nil {
			return "", "argument required but none supplied"
		}
		for _, name := range fields(val) {
			if makeID(name) == "" {
				return "", fmt.Sprintf("cannot make \"%s\" into a class name", name)
			}
		}
		return val, ""
	case optLength:
		if v == nil {
			return "", noneMeasureErr
		}
		return val, getMeasure(val, append(append([]string{}, lengthUnits...), ""))
	case optLengthPercent, optFigwidth:
		if kind == optFigwidth && v != nil && strings.ToLower(val) == "image" {
			return val, ""
		}
		if v == nil {
			return "", noneMeasureErr
		}
		err := getMeasure(val, append(append([]string{}, lengthUnits...), "%"))
		if err != "" && getMeasure(val, []string{""}) == "" {
			err = ""
		}
		return val, err
	case optPercentage, optNonNegInt:
		if v == nil {
			return "", noneTypeErr
		}
		s := val
		if kind == optPercentage {
			s = strings.TrimRight(s, " %")
		}
		n, err := pyInt(s)
		if err != "" {
			return "", err
		}
		if n < 0 {
			return "", "negative value; must be positive or zero"
		}
		return val, ""
	case optPositiveInt:
		if v == nil {
			return "", noneTypeErr
		}
		n, err := pyInt(val)
		if err != "" {
			return "", err
		}
		if n < 1 {
			return "", "negative or zero value; must be positive"
		}
		return val, ""
	case optIntOrNone:
		if v == nil {
			return "", ""
		}
		_, err := pyInt(val)
		return val, err
	case optInt:
		if v == nil {
			return "", noneTypeErr
		}
		_, err := pyInt(val)
		return val, err
	case optAlignH:
		return val, choice(v, []string{"left", "center", "right"})
	case optAlignImage:
		return val, choice(v, []string{"top", "middle", "bottom", "left", "center", "right"})
	case optLoading:
		return val, choice(v, []string{"embed", "link", "lazy"})
	case optBacklinks:
		return val, choice(v, []string{"top", "entry", "none"})
	case optWidths:
		if v != nil && (val == "auto" || val == "grid") {
			return val, ""
		}
		if v == nil {
			return "", "argument of type 'NoneType' is not iterable"
		}
		var entries []string
		if strings.Contains(val, ",") {
			entries = strings.Split(val, ",")
		} else {
			entries = fields(val)
		}
		for _, e := range entries {
			n, err := pyInt(e)
			if err != "" {
				return "", err
			}
			if n < 1 {
				return "", "negative or zero value; must be positive"
			}
		}
		return val, ""
	case optEncoding:
		if v == nil {
			return "", "lookup() argument must be str, not None"
		}
		if !knownEncoding(val) {
			return "", fmt.Sprintf("unknown encoding: \"%s\"", val)
		}
		return val, ""
	case optSingleChar, optSingleCharSpace:
		if v == nil {
			return "", "'NoneType' object has no attribute 'isdigit'"
		}
		if kind == optSingleCharSpace && (val == "tab" || val == "space") {
			return val, ""
		}
		if runeLen(val) > 1 && !isUnicodeCode(val) {
			return "", fmt.Sprintf("%s invalid; must be a single character or a Unicode code", pyrepr.Str(val))
		}
		return val, ""
	case optParser:
		return val, ""
	}
	return val, ""
}

func isUnicodeCode(s string) bool {
	if _, err := strconv.Atoi(s); err == nil {
		return true
	}
	l := strings.ToLower(s)
	for _, p := range []string{"0x", "x", "\\x", "u+", "u", "\\u"} {
		if strings.HasPrefix(l, p) {
			if _, err := strconv.ParseUint(l[len(p):], 16, 32); err == nil {
				return true
			}
		}
	}
	if strings.HasPrefix(l, "&#x") && strings.HasSuffix(l, ";") {
		return true
	}
	return false
}

// ---- directive implementations ----

func (d *directiveRun) addName(n *node) {
	if name, ok := d.options["name"]; ok {
		n.x().names = append(n.x().names, fullyNormalizeName(name))
		// docutils names the node before attaching it: a duplicate is
		// reported at the parser's current line
		parent, attached, sourced, line := n.parent, n.attached, n.sourced, n.line
		n.parent, n.attached, n.sourced, n.line = nil, false, false, 0
		d.m.p.noteExplicitTarget(n, n)
		n.parent, n.attached, n.sourced, n.line = parent, attached, sourced, line
	}
}

func runAdmonition(d *directiveRun) {
	d.assertContent()
	n := d.m.p.newNode(kBodyElement)
	n.line = d.lineno
	d.m.node.add(n)
	d.addName(n)
	if strings.ToLower(d.name) == "admonition" {
		t := d.m.p.newNode(kTitle)
		t.line = d.lineno + d.m.srcDelta
		n.add(t)
		d.m.p.inline(d.args[0], d.lineno, t)
	}
	d.parseContent(n)
}

func runTopicLike(d *directiveRun, k kind) {
	// docutils 0.23 refuses topics and sidebars only inside body,
	// part, decorative, bibliographic and sub-structural elements and
	// topics; an anonymous container (a directive's scratch element) is
	// none of those
	switch d.m.node.kind {
	case kDocument, kSection, kSidebar, kElement:
	default:
		d.fail(Error, fmt.Sprintf("The \"%s\" directive may not be used within topics or body elements.", d.name))
	}
	d.assertContent()
	n := d.m.p.newNode(k)
	d.m.node.add(n)
	// docutils 0.23 gives the topic the directive's line and builds the
	// titles detached (no line, no source): messages about the titles get
	// the topic's line
	n.line = d.lineno + d.m.srcDelta
	if len(d.args) > 0 {
		t := d.m.p.newNode(kTitle)
		n.add(t)
		t.line, t.attached, t.sourced = 0, false, false
		d.m.p.inline(d.args[0], d.lineno, t)
		if sub, ok := d.options["subtitle"]; ok {
			st := d.m.p.newNode(kSubtitle)
			n.add(st)
			st.line, st.attached, st.sourced = 0, false, false
			d.m.p.inline(sub, d.lineno, st)
		}
	}
	d.addName(n)
	d.parseContent(n)
}

func runTopic(d *directiveRun) { runTopicLike(d, kTopic) }

func runSidebar(d *directiveRun) {
	if d.m.node.kind == kSidebar {
		d.fail(Error, fmt.Sprintf("The \"%s\" directive may not be used within a sidebar element.", d.name))
	}
	if _, ok := d.options["subtitle"]; ok && len(d.args) == 0 {
		d.fail(Error, "The \"subtitle\" option may not be used without a title.")
	}
	runTopicLike(d, kSidebar)
}

func runLineBlock(d *directiveRun) {
	d.assertContent()
	// docutils 0.23 gives the block the directive's line before naming it,
	// and each of its lines the block's line plus its index; it builds them
	// before the block joins the document
	n := d.m.p.newNode(kLineBlock)
	n.line = d.lineno + d.m.srcDelta
	if name, ok := d.options["name"]; ok {
		n.x().names = append(n.x().names, fullyNormalizeName(name))
		d.m.p.noteExplicitTarget(n, n)
	}
	offset := d.contentOffset
	for i, l := range d.content {
		ln := d.m.p.newNode(kLine)
		ln.line = n.line + i
		n.add(ln)
		d.m.p.inline(strip(l), d.lineno+offset, ln)
		offset++
	}
	d.m.node.add(n)
}

func runParsedLiteral(d *directiveRun) {
	d.assertContent()
	n := d.m.p.newNode(kLiteralBlock)
	n.line = d.contentOffset + 1
	d.m.node.add(n)
	d.m.p.inline(strings.Join(d.content, "\n"), d.lineno, n)
	d.addName(n)
}

func runCode(d *directiveRun) {
	d.assertContent()
	n := d.m.p.newNode(kLiteralBlock)
	d.m.node.add(n)
	d.addName(n)
}

func runAssertContent(d *directiveRun) {
	d.assertContent()
	n := d.m.p.newNode(kBodyElement)
	d.m.node.add(n)
	d.addName(n)
}

func runRubric(d *directiveRun) {
	n := d.m.p.newNode(kRubric)
	d.m.node.add(n)
	n.line = d.lineno + d.m.srcDelta // docutils 0.23: the directive's line
	d.m.p.inline(d.args[0], d.lineno, n)
	d.addName(n)
}

func runBlockQuoteDirective(d *directiveRun) {
	d.assertContent()
	d.m.blockQuote(d.content, d.contentOffset, d.frames()+1)
}

func runCompound(d *directiveRun) {
	d.assertContent()
	n := d.m.p.newNode(kBodyElement)
	d.m.node.add(n)
	n.line = d.lineno + d.m.srcDelta // docutils 0.23: the directive's line
	d.addName(n)
	d.parseContent(n)
}

func runContainer(d *directiveRun) {
	d.assertContent()
	if len(d.args) > 0 {
		for _, name := range fields(d.args[0]) {
			if makeID(name) == "" {
				d.fail(Error, fmt.Sprintf("Invalid class attribute value for \"%s\" directive: \"%s\".", d.name, d.args[0]))
			}
		}
	}
	n := d.m.p.newNode(kBodyElement)
	d.m.node.add(n)
	n.line = d.lineno + d.m.srcDelta // docutils 0.23: the directive's line
	d.addName(n)
	d.parseContent(n)
}

func runImage(d *directiveRun) {
	d.image(false)
}

// image builds an image node (wrapped in a reference with :target:).
func (d *directiveRun) image(figure bool) *node {
	if a, ok := d.options["align"]; ok && !figure {
		a = strings.ToLower(strip(a))
		if d.inSubst {
			if a != "top" && a != "middle" && a != "bottom" {
				d.fail(Error, fmt.Sprintf("Error in \"%s\" directive: \"%s\" is not a valid value for the \"align\" option within a substitution definition.  Valid values for \"align\" are: \"top\", \"middle\", \"bottom\".", d.name, a))
			}
		} else if a != "left" && a != "center" && a != "right" {
			d.fail(Error, fmt.Sprintf("Error in \"%s\" directive: \"%s\" is not a valid value for the \"align\" option.  Valid values for \"align\" are: \"left\", \"center\", \"right\".", d.name, a))
		}
	}
	img := d.m.p.newNode(kImage)
	out := img
	if t, ok := d.options["target"]; ok {
		block := strings.Split(escape2null(t), "\n")
		isName, data := d.m.parseTarget(block)
		ref := d.m.p.newNode(kReference)
		if isName {
			ref.x().refname = fullyNormalizeName(data)
			ref.x().hasRefname = true
			d.m.p.noteRefname(ref)
		} else {
			ref.x().refuri = data
			ref.x().hasRefuri = true
		}
		ref.add(img)
		out = ref
	}
	if !figure {
		d.m.node.add(out)
	}
	d.addName(img)
	return out
}

func runFigure(d *directiveRun) {
	fig := d.m.p.newNode(kFigure)
	d.m.node.add(fig)
	// docutils 0.23 gives the figure the directive's line; the image (or
	// its :target: reference) is built detached, without a line of its own
	fig.line = d.lineno + d.m.srcDelta
	img := d.image(true)
	fig.add(img)
	img.line, img.attached, img.sourced = 0, false, false
	if len(d.content) > 0 {
		holder := d.m.p.newNode(kElement)
		holder.parent = d.m.node
		d.parseContent(holder)
		// docutils 0.23 skips targets and pending elements looking for
		// the caption
		for _, c := range holder.children {
			if c.kind == kTarget || c.kind == kPending {
				continue
			}
			if c.kind != kParagraph && !(c.kind == kComment && len(c.children) == 0) {
				d.fail(Error, "Figure caption must be a paragraph or empty comment.")
			}
			break
		}
		for _, c := range holder.children {
			fig.add(c)
		}
	}
}

func runTable(d *directiveRun) {
	if len(d.content) == 0 {
		d.fail(Warning, fmt.Sprintf("Content block expected for the \"%s\" directive; none found.", d.name))
	}
	title := d.tableTitle()
	t := d.parseOnly(kTable, "table")
	if w, ok := d.options["widths"]; ok && w != "auto" && w != "grid" {
		var entries []string
		if strings.Contains(w, ",") {
			entries = strings.Split(w, ",")
		} else {
			entries = fields(w)
		}
		if len(entries) != t.x().cols {
			d.fail(Error, fmt.Sprintf("\"%s\" widths do not match the number of columns in table (%d).", d.name, t.x().cols))
		}
	}
	d.m.node.add(t)
	d.addName(t)
	if title != nil {
		t.insert(0, title)
	}
}

func runContents(d *directiveRun) {
	// docutils 0.23 refuses topics and sidebars only inside body,
	// part, decorative, bibliographic and sub-structural elements and
	// topics; an anonymous container (a directive's scratch element) is
	// none of those
	switch d.m.node.kind {
	case kDocument, kSection, kSidebar, kElement:
	default:
		d.fail(Error, fmt.Sprintf("The \"%s\" directive may not be used within topics or body elements.", d.name))
	}
	topic := d.m.p.newNode(kTopic)
	topic.line = d.m.absLineNumber() - 1
	var name string
	if len(d.args) > 0 {
		t := d.m.p.newNode(kTitle)
		topic.add(t)
		d.m.p.inline(d.args[0], d.lineno, t)
		name = t.astext()
	} else {
		if _, local := d.options["local"]; !local {
			t := d.m.p.newNode(kTitle)
			t.add(d.m.p.textNode("Contents"))
			topic.add(t)
		}
		name = "Contents"
	}
	name = fullyNormalizeName(name)
	if _, has := d.m.p.nameids[name]; !has {
		topic.x().names = append(topic.x().names, name)
	}
	d.m.node.add(topic)
	d.m.p.noteImplicitTarget(topic, nil)
	pending := d.m.p.newNode(kPending)
	topic.add(pending)
	topic.x().contents = true
}

func runDecoration(d *directiveRun) {
	d.assertContent()
	p := d.m.p
	if p.decoration == nil {
		p.decoration = p.newNode(kDecoration)
		idx := len(p.doc.children)
		for i, c := range p.doc.children {
			if c.kind != kTitle && c.kind != kSubtitle && c.kind != kMeta {
				idx = i
				break
			}
		}
		p.decoration.attached, p.decoration.sourced = true, true
		p.doc.insert(idx, p.decoration)
	}
	part := p.newNode(kDecoration)
	p.decoration.add(part)
	d.parseContent(part)
}

func runMeta(d *directiveRun) {
	d.assertContent()
	holder := d.m.p.newNode(kElement)
	sub := d.m.p.newMachine(d.content, d.contentOffset, holder, false)
	sub.frames = d.frames() // Meta.run -> nested_list_parse
	sub.meta = true
	sub.blankFinish[sFieldList] = true
	sub.run(sFieldList)
	if sub.absLineOffset()-d.contentOffset != len(d.content) {
		d.fail(Error, "Invalid meta directive.")
	}
}

func runReplace(d *directiveRun) {
	if !d.inSubst {
		d.fail(Error, fmt.Sprintf("Invalid context: the \"%s\" directive can only be used within a substitution definition.", d.name))
	}
	d.assertContent()
	holder := d.m.p.newNode(kElement)
	holder.parent = d.m.node
	d.parseContent(holder)
	var para *node
	for _, c := range holder.children {
		if para == nil && c.kind == kParagraph {
			para = c
		} else if c.kind == kSystemMessage {
			continue
		} else {
			d.m.p.errorAt(fmt.Sprintf("Error in \"%s\" directive: may contain a single paragraph only.", d.name), d.lineno)
		}
	}
	if para != nil {
		for _, c := range para.children {
			d.m.node.add(c)
		}
	}
}

func runUnicode(d *directiveRun) {
	if !d.inSubst {
		d.fail(Error, fmt.Sprintf("Invalid context: the \"%s\" directive can only be used within a substitution definition.", d.name))
	}
	arg := d.args[0]
	// text after a " .. " comment marker is ignored
	for _, sep := range []string{" .. ", "\n.. "} {
		if i := strings.Index(arg, sep); i >= 0 {
			arg = arg[:i]
		}
	}
	if strings.HasPrefix(arg, ".. ") {
		arg = ""
	}
	for _, code := range fields(arg) {
		var n uint64
		var err error
		isCode := false
		if isDigits(code) {
			n, err = strconv.ParseUint(code, 10, 64)
			isCode = true
		} else if h, ok := unicodeHex(code); ok {
			n, err = strconv.ParseUint(h, 16, 64)
			isCode = true
		}
		if !isCode {
			continue
		}
		if err != nil || n > 0x7fffffff {
			d.fail(Error, fmt.Sprintf("Invalid character code: %s\nValueError: code too large (Python int too large to convert to C int)", code))
		}
		if n > 0x10ffff {
			d.fail(Error, fmt.Sprintf("Invalid character code: %s\nValueError: chr() arg not in range(0x110000)", code))
		}
	}
	d.m.node.add(d.m.p.textNode(arg))
}

// unicodeHex matches `(?:0x|x|\\x|U\+?|\\u)([0-9a-f]+)$|&#x([0-9a-f]+);$` (case-insensitive).
func unicodeHex(code string) (string, bool) {
	l := strings.ToLower(code)
	isHex := func(s string) bool {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
				return false
			}
		}
		return true
	}
	for _, pfx := range []string{"0x", "x", "\\x", "u+", "u", "\\u"} {
		if strings.HasPrefix(l, pfx) && isHex(l[len(pfx):]) {
			return l[len(pfx):], true
		}
	}
	if strings.HasPrefix(l, "&#x") && strings.HasSuffix(l, ";") && isHex(l[3:len(l)-1]) {
		return l[3 : len(l)-1], true
	}
	return "", false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func runClass(d *directiveRun) {
	for _, name := range fields(d.args[0]) {
		if makeID(name) == "" {
			d.fail(Error, fmt.Sprintf("Invalid class attribute value for \"%s\" directive: \"%s\".", d.name, d.args[0]))
		}
	}
	if len(d.content) > 0 {
		holder := d.m.p.newNode(kElement)
		holder.parent = d.m.node
		d.parseContent(holder)
		for _, c := range holder.children {
			d.m.node.add(c)
		}
		return
	}
	pending := d.m.p.newNode(kPending)
	pending.x().pendingClass = true
	pending.x().pendingDirective = d.name
	pending.line = 0
	d.m.node.add(pending)
	d.m.p.pendings = append(d.m.p.pendings, pending)
}

func runDate(d *directiveRun) {
	if !d.inSubst {
		d.fail(Error, fmt.Sprintf("Invalid context: the \"%s\" directive can only be used within a substitution definition.", d.name))
	}
	d.m.node.add(d.m.p.textNode("date"))
}

package rst

import (
	"bufio"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// oracle talks to scripts/rst-oracle.py (docutils through readme_renderer,
// with PyPI's settings) over its --stdin JSON-lines protocol.
type oracle struct {
	cmd   *exec.Cmd
	in    *json.Encoder
	out   *bufio.Scanner
	close func() // ends the process; safe to call again
}

func startOracle(t *testing.T) *oracle {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "..", "scripts", "rst-oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", script, "--stdin")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	o := &oracle{cmd: cmd, in: json.NewEncoder(stdin), out: sc}
	var once sync.Once
	o.close = func() {
		once.Do(func() {
			stdin.Close()
			cmd.Wait()
		})
	}
	t.Cleanup(o.close)
	return o
}

func (o *oracle) check(t *testing.T, name, src string) label {
	t.Helper()
	if err := o.in.Encode(map[string]string{"file": name, "src": src}); err != nil {
		t.Fatal(err)
	}
	if !o.out.Scan() {
		t.Fatalf("oracle: no answer for %s: %v", name, o.out.Err())
	}
	var l label
	if err := json.Unmarshal(o.out.Bytes(), &l); err != nil {
		t.Fatalf("oracle: %v: %s", err, o.out.Text())
	}
	return l
}

// mutate applies one random edit of the kinds that break real READMEs.
func mutate(rng *rand.Rand, src string) (string, string) {
	lines := strings.Split(src, "\n")
	if len(lines) == 0 {
		return src, "none"
	}
	i := rng.Intn(len(lines))
	pick := func(s string) int {
		if s == "" {
			return 0
		}
		return rng.Intn(len(s) + 1)
	}
	insert := func(what string) string {
		l := lines[i]
		k := pick(l)
		for k > 0 && k < len(l) && (l[k]&0xC0) == 0x80 {
			k--
		}
		lines[i] = l[:k] + what + l[k:]
		return "insert " + strconv.Quote(what) + " line " + strconv.Itoa(i+1)
	}
	var what string
	switch rng.Intn(24) {
	case 0:
		lines = append(lines[:i], lines[i+1:]...)
		what = "delete line " + strconv.Itoa(i+1)
	case 1:
		lines = append(lines[:i+1], lines[i:]...)
		what = "duplicate line " + strconv.Itoa(i+1)
	case 2:
		// shorten a punctuation line (underline/overline/transition)
		for k := 0; k < len(lines); k++ {
			j := (i + k) % len(lines)
			if isLine(strings.TrimRight(lines[j], " ")) && len(lines[j]) > 1 {
				lines[j] = lines[j][:rng.Intn(len(lines[j]))]
				what = "shorten line " + strconv.Itoa(j+1)
				break
			}
		}
		if what == "" {
			what = insert("=")
		}
	case 3:
		what = insert("*")
	case 4:
		what = insert("_")
	case 5:
		what = insert("`")
	case 6:
		what = insert("|")
	case 7:
		lines[i] = "  " + lines[i]
		what = "indent line " + strconv.Itoa(i+1)
	case 8:
		lines[i] = strings.TrimLeft(lines[i], " ")
		what = "dedent line " + strconv.Itoa(i+1)
	case 9:
		what = insert("\t")
	case 10:
		what = insert("**")
	case 11:
		what = insert([]string{"::", ".. ", "- ", "1. ", ":x: ", "[1]_", "|x|", "`a`_", "__"}[rng.Intn(9)])
	case 12:
		// join with the next line
		if i+1 < len(lines) {
			lines[i] += " " + lines[i+1]
			lines = append(lines[:i+1], lines[i+2:]...)
		}
		what = "join line " + strconv.Itoa(i+1)
	case 13:
		// insert a blank line
		lines = append(lines[:i], append([]string{""}, lines[i:]...)...)
		what = "blank before line " + strconv.Itoa(i+1)
	case 15, 16:
		// a directive with arguments, options and content
		names := []string{"note", "image", "figure", "code", "code-block", "table", "csv-table", "list-table",
			"contents", "sidebar", "topic", "rubric", "epigraph", "compound", "container", "class", "role",
			"default-role", "replace", "unicode", "date", "meta", "title", "sectnum", "header", "footer", "math",
			"admonition", "parsed-literal", "line-block", "raw", "include", "highlights", "pull-quote",
			"target-notes", "toctree", "warning", "attention"}
		args := []string{"", " x.png", " python", " Title *x*", " a b", " |x|", " :x:", " 2"}
		opts := []string{"", "   :width: 50%\n", "   :width: x\n", "   :align: middle\n", "   :alt:\n",
			"   :target: t_\n", "   :class: !!\n", "   :name: dup\n", "   :header-rows: 1\n", "   :depth: -1\n",
			"   :local:\n", "   :foo: bar\n", "   :scale: 50 %\n", "   :number-lines:\n", "   :header: a, b\n", "   :trim:\n"}
		contents := []string{"", "\n   text\n", "\n   * - a\n     - b\n", "\n   a, b\n   c, d\n", "\n   ====  ====\n   a     b\n   ====  ====\n", "\n   >>> x\n"}
		d := ".. " + names[rng.Intn(len(names))] + "::" + args[rng.Intn(len(args))] + "\n" + opts[rng.Intn(len(opts))] + contents[rng.Intn(len(contents))]
		lines = append(lines[:i], append([]string{"", d}, lines[i:]...)...)
		what = "directive " + strconv.Quote(d)
	case 17:
		if rng.Intn(2) == 0 {
			lines = append(lines[:i], append([]string{"", ".. |x| replace:: y", ""}, lines[i:]...)...)
			what = "subst def"
		} else {
			lines = append(lines[:i], append([]string{"", ".. _t: http://example.com/", ""}, lines[i:]...)...)
			what = "target def"
		}
	case 18:
		// a section title, with or without overline, of a random style and length
		styles := "=-~^*#+'\"`:."
		ch := string(styles[rng.Intn(len(styles))])
		title := []string{"Title", "Usage", "A *b*", "日本語", "Ünïcode", "x"}[rng.Intn(6)]
		n := len([]rune(title)) + rng.Intn(5) - 2
		if n < 1 {
			n = 1
		}
		rule := strings.Repeat(ch, n)
		block := []string{"", title, rule, ""}
		if rng.Intn(3) == 0 {
			block = []string{"", rule, title, rule, ""}
		}
		lines = append(lines[:i], append(block, lines[i:]...)...)
		what = "title " + strconv.Quote(strings.Join(block, "\n"))
	case 19:
		// a body element people write
		els := []string{
			"| line one\n| line two\n|   indented",
			"-a  option\n--long=VALUE  described",
			"term\n  definition\nterm2 : classifier\n  definition",
			":field: value\n:other field: more\n  continued",
			">>> print(1)\n1",
			"+----+-----+\n| 日本 | x   |\n+====+=====+\n| a  | b   |\n+----+-----+",
			"==  ===\nab  cde\n==  ===\n1   2\n==  ===",
			"1. one\n2. two\n\n   continued\n3) three",
			"#. auto\n#. again",
			"* a\n\n  * nested\n* b",
			"::\n\n    literal\n\n  quoted",
			".. [#note] Auto footnote\n.. [*] Symbol\n\nSee [#note]_ and [*]_.",
			".. _a: b_\n.. _b: c_\n.. _c: http://x\n\na_",
			".. |img| image:: x.png\n.. |d| date::\n.. |u| unicode:: U+2014\n\n|img| |d| |u|",
			"Text :sub:`x` :sup:`y` :abbr:`A (b)` :math:`x^2` :code:`c` :title-reference:`t`.",
			"Text *a **b** c* ``lit *x*`` \\*not\\*.",
		}
		el := els[rng.Intn(len(els))]
		lines = append(lines[:i], append([]string{"", el, ""}, lines[i:]...)...)
		what = "element " + strconv.Quote(el)
	case 20:
		what = insert([]string{"日", "é", "\u0301", "\u3000", "\u00a0", "\u200b"}[rng.Intn(6)])
	case 21:
		what = insert([]string{"`", "``", "`_", "_`", ":", "::", "|", "[", "]_", "<", ">`_"}[rng.Intn(11)])
	case 22:
		// swap two lines
		if i+1 < len(lines) {
			lines[i], lines[i+1] = lines[i+1], lines[i]
		}
		what = "swap line " + strconv.Itoa(i+1)
	case 23:
		lines[i] = strings.Repeat(" ", 1+rng.Intn(6)) + lines[i]
		what = "indent line " + strconv.Itoa(i+1) + " more"
	case 14:
		// remove a blank line
		for k := 0; k < len(lines); k++ {
			j := (i + k) % len(lines)
			if strings.TrimSpace(lines[j]) == "" {
				lines = append(lines[:j], lines[j+1:]...)
				what = "remove blank line " + strconv.Itoa(j+1)
				break
			}
		}
	}
	return strings.Join(lines, "\n"), what
}

// TestOracleDifferential compares Check with docutils on mutated corpus
// files. It needs Debian's python3-readme-renderer: set PYUP_RST_ORACLE=1
// (and optionally PYUP_RST_ORACLE_N, the number of mutants,
// PYUP_RST_ORACLE_SEED, and PYUP_RST_ORACLE_KEEP, a directory to write the
// mutants that disagree to). Check follows PyPI's docutils 0.23 and
// readme_renderer 45.0: put them first with PYTHONPATH (a directory made as
// for scripts/rst-label.sh --pypi-stack, with an nh3 stand-in), or the
// comparison is with Debian's docutils 0.19.
func TestOracleDifferential(t *testing.T) {
	if os.Getenv("PYUP_RST_ORACLE") != "1" {
		t.Skip("set PYUP_RST_ORACLE=1 to compare with docutils (needs /usr/bin/python3 with readme_renderer)")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*", "*.rst"))
	if len(files) == 0 {
		t.Skip("no corpus files")
	}
	sort.Strings(files)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("PYUP_RST_ORACLE_N")); err == nil {
		n = v
	}
	seed := time.Now().UnixNano()
	if v, err := strconv.ParseInt(os.Getenv("PYUP_RST_ORACLE_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("seed %d, %d mutants", seed, n)
	rng := rand.New(rand.NewSource(seed))
	o := startOracle(t)
	var verdictBad, msgBad, failures int
	for k := 0; k < n; k++ {
		f := files[rng.Intn(len(files))]
		data, err := os.ReadFile(f)
		if err != nil {
			continue // the corpus may change while we run
		}
		src := string(data)
		var edits []string
		for e := rng.Intn(3); e >= 0; e-- {
			var what string
			src, what = mutate(rng, src)
			edits = append(edits, what)
		}
		// the oracle forgets the roles each input defines
		want := o.check(t, f, src)
		if want.Level == "EXCEPTION" {
			continue
		}
		got := Check(src)
		desc := f + " [" + strings.Join(edits, "; ") + "]"
		if (got == nil) != want.OK || (!want.OK && (got.Text != want.Message || got.Line != want.Line)) {
			keepMutant(t, k, src)
		}
		if (got == nil) != want.OK {
			verdictBad++
			g := "ok"
			if got != nil {
				g = got.Error()
			}
			t.Errorf("verdict differs: %s\n\twant ok=%v line %d (%s) %s\n\tgot  %s\n%s", desc, want.OK, want.Line, want.Level, want.Message, g, indentSrc(src))
			continue
		}
		if !want.OK {
			failures++
			if got.Text != want.Message || got.Line != want.Line || got.Level.String() != want.Level {
				msgBad++
				t.Logf("message differs: %s\n\twant line %d (%s) %s\n\tgot  %s\n%s", desc, want.Line, want.Level, want.Message, got.Error(), indentSrc(src))
			}
		}
	}
	t.Logf("%d mutants: %d verdict disagreements, %d/%d failure messages differ", n, verdictBad, msgBad, failures)
}

// keepMutant writes mutant k to the directory PYUP_RST_ORACLE_KEEP names,
// when it is set, so a disagreement can become a corpus case.
func keepMutant(t *testing.T, k int, src string) {
	dir := os.Getenv("PYUP_RST_ORACLE_KEEP")
	if dir == "" {
		return
	}
	name := filepath.Join(dir, "mutant-"+strconv.Itoa(k)+".rst")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Errorf("keeping mutant: %v", err)
		return
	}
	t.Logf("kept as %s", name)
}

func indentSrc(s string) string {
	if len(s) > 1500 {
		s = s[:1500] + "\n..."
	}
	return "\t| " + strings.ReplaceAll(s, "\n", "\n\t| ")
}

// TestOracleDir compares Check with docutils on every *.rst file of the
// directory named by PYUP_RST_ORACLE_DIR (local collections of real
// READMEs that are not part of the repository).
func TestOracleDir(t *testing.T) {
	dir := os.Getenv("PYUP_RST_ORACLE_DIR")
	if dir == "" {
		t.Skip("set PYUP_RST_ORACLE_DIR to a directory of .rst files to compare with docutils")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.rst"))
	sort.Strings(files)
	o := startOracle(t)
	var verdictBad, msgBad, failures int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		// the oracle forgets the roles each input defines
		want := o.check(t, f, src)
		if want.Level == "EXCEPTION" {
			continue
		}
		got := Check(src)
		if (got == nil) != want.OK {
			verdictBad++
			g := "ok"
			if got != nil {
				g = got.Error()
			}
			t.Errorf("verdict differs: %s\n\twant ok=%v line %d (%s) %s\n\tgot  %s", f, want.OK, want.Line, want.Level, want.Message, g)
			continue
		}
		if !want.OK {
			failures++
			if got.Text != want.Message || got.Line != want.Line || got.Level.String() != want.Level {
				msgBad++
				t.Logf("message differs: %s\n\twant line %d (%s) %s\n\tgot  %s", f, want.Line, want.Level, want.Message, got.Error())
			}
		}
	}
	t.Logf("%d files: %d verdict disagreements, %d/%d failure messages differ", len(files), verdictBad, msgBad, failures)
}

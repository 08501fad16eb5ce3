package rst

import (
	"fmt"
	"strings"
)

const padChar = 0 // docutils pads wide characters with NUL in tables

func unpad(r []rune) string {
	var b strings.Builder
	b.Grow(len(r))
	for _, c := range r {
		if c != padChar {
			b.WriteRune(c)
		}
	}
	return b.String()
}

type tableError struct {
	msg    string
	offset int
}

type cell struct {
	morerows, morecols, offset int
	lines                      []string
}

type tableData struct {
	cols     int
	headrows [][]*cell
	bodyrows [][]*cell
}

func (m *machine) gridTableTop(s stateID) result {
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	m.tableTop(m.isolateGridTable, m.p.arena.parseGridTable)
	return ok(s)
}

func (m *machine) simpleTableTop(s stateID) result {
	if isSpecializedBody(s) {
		return m.invalidInput()
	}
	m.tableTop(m.isolateSimpleTable, parseSimpleTable)
	return ok(s)
}

func (m *machine) tableTop(isolate func() ([][]rune, bool), parse func([][]rune) (*tableData, *tableError)) {
	top := m.absLineNumber()
	block, bf := isolate()
	if block != nil {
		data, err := parse(block)
		if err != nil {
			m.malformedTable(block, err.msg, err.offset)
		}
		// docutils computes the table's line from where isolation left
		// the machine, which a grid table missing its bottom border
		// leaves too far back; the cells' lines keep their true source
		// lines all the same
		tableline := m.absLineNumber() - len(block) + 1
		m.buildTable(data, tableline, m.srcDelta+top-tableline)
	}
	if !bf {
		m.p.warnAt("Blank line required after table.", m.absLineNumber()+1)
	}
}

func (m *machine) malformedTable(block [][]rune, detail string, offset int) {
	msg := "Malformed table."
	if detail != "" {
		msg += "\n" + detail
	}
	startline := m.absLineNumber() - len(block) + 1
	m.p.errorAt(msg, startline+offset)
}

func (m *machine) isolateGridTable() ([][]rune, bool) {
	bf := true
	lines, indentedAt := m.getTextBlock(true)
	if indentedAt != 0 {
		m.p.report(Error, "Unexpected indentation.", indentedAt)
	}
	block := m.p.arena.padLines(lines)
	width := len(trimRunes(block[0]))
	// i mirrors the loop variable docutils reuses for the error offset.
	i := 0
	for i = range block {
		block[i] = trimRunes(block[i])
		if len(block[i]) == 0 || (block[i][0] != '+' && block[i][0] != '|') {
			bf = false
			m.previousLine(len(block) - i)
			block = block[:i]
			break
		}
	}
	if len(block) == 0 || !isGridTableTop(string(block[len(block)-1])) {
		bf = false
		found := false
		for j := len(block) - 2; j > 1; j-- {
			i = j
			if isGridTableTop(string(block[j])) {
				m.previousLine(len(block) - j + 1)
				block = block[:j+1]
				found = true
				break
			}
		}
		if !found {
			m.malformedTable(block, "Bottom border missing or corrupt.", i)
		}
	}
	for i := range block {
		if len(stripCombining(block[i])) != width || (block[i][len(block[i])-1] != '+' && block[i][len(block[i])-1] != '|') {
			m.malformedTable(block, "Right border not aligned or missing.", i)
		}
	}
	return block, bf
}

// stripCombining drops combining marks, as docutils' strip_combining_chars.
// Without any it returns r itself, so the result must not be modified.
func stripCombining(r []rune) []rune {
	first := -1
	for i, c := range r {
		if isCombining(c) {
			first = i
			break
		}
	}
	if first < 0 {
		return r
	}
	out := append(make([]rune, 0, len(r)), r[:first]...)
	for _, c := range r[first:] {
		if !isCombining(c) {
			out = append(out, c)
		}
	}
	return out
}

func trimRunes(r []rune) []rune {
	i, j := 0, len(r)
	for i < j && isSpace(r[i]) {
		i++
	}
	for j > i && isSpace(r[j-1]) {
		j--
	}
	return r[i:j]
}

func (m *machine) isolateSimpleTable() ([][]rune, bool) {
	start := m.lineOffset
	lines := m.lines
	limit := len(lines) - 1
	toplen := runeLen(strip(lines[start]))
	found := 0
	foundAt := -1
	end := -1
	i := start + 1
	for ; i <= limit; i++ {
		line := lines[i]
		if isSimpleTableBorder(line) {
			if runeLen(strip(line)) != toplen {
				m.nextLine(i - start)
				blk := toRunes(lines[start : i+1])
				m.malformedTable(blk, "Bottom border or header rule does not match top border.", i-start)
			}
			found++
			foundAt = i
			if found == 2 || i == limit || strip(lines[i+1]) == "" {
				end = i
				break
			}
		}
	}
	if end < 0 {
		var blk [][]rune
		extra := ""
		if found > 0 {
			extra = " or no blank line after table bottom"
			m.nextLine(foundAt - start)
			blk = toRunes(lines[start : foundAt+1])
		} else {
			m.nextLine(i - start - 1)
			blk = toRunes(lines[start:])
		}
		m.malformedTable(blk, "No bottom table border found"+extra+".", 0)
	}
	m.nextLine(end - start)
	block := m.p.arena.padLines(lines[start : end+1])
	return block, end == limit || strip(lines[end+1]) == ""
}

func toRunes(lines []string) [][]rune {
	out := make([][]rune, len(lines))
	for i, l := range lines {
		out[i] = []rune(l)
	}
	return out
}

func allEmpty(lines []string) bool {
	for _, l := range lines {
		if l != "" {
			return false
		}
	}
	return true
}

// buildTable builds the table's tree. As docutils 0.23 does, the table
// takes its first line and joins the document once its cells are parsed,
// so what they hold gets no line of its own.
func (m *machine) buildTable(data *tableData, tableline, cellDelta int) {
	t := m.p.newNode(kTable)
	t.x().cols = data.cols
	t.line = tableline + m.srcDelta
	defer m.node.add(t)
	for _, rows := range [][][]*cell{data.headrows, data.bodyrows} {
		for _, row := range rows {
			for _, c := range row {
				if c == nil {
					continue
				}
				e := m.p.newNode(kEntry)
				t.add(e)
				if !allEmpty(c.lines) {
					m.nestedParseDelta(c.lines, tableline+c.offset-1, e, false, cellDelta, framesTableCell)
				}
			}
		}
	}
}

// ---- grid tables ----

// A gridParser parses one grid table. The arena keeps one and reuses its
// slices: nothing in them outlives the table's tableData.
type gridParser struct {
	block, stripped  [][]rune
	bottom, right    int
	headBodySep      int
	done             []int
	cells            []gridCell
	corners          [][2]int
	rowseps, colseps []bool // lines and columns that separate cells
	rows, cols       []int  // the separators in order
	rowIndex         []int  // separator line -> index in rows
	colIndex         []int  // separator column -> index in cols
}

// reuse returns s resized to n and zeroed.
func reuse[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

type gridCell struct {
	top, left, bottom, right int
	lines                    []string
}

func isHeadBodySepGrid(s []rune) bool {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	if len(s) < 5 || s[0] != '+' || s[1] != '=' || s[len(s)-1] != '+' || s[len(s)-2] != '=' {
		return false
	}
	for i := 2; i < len(s)-2; i++ {
		if s[i] != '=' && s[i] != '+' {
			return false
		}
	}
	return true
}

func findHeadBodySep(block [][]rune, isSep func([]rune) bool) (int, *tableError) {
	sep := 0
	i := 0
	for i = 0; i < len(block); i++ {
		if isSep(block[i]) {
			if sep != 0 {
				return 0, &tableError{fmt.Sprintf("Multiple head/body row separators (table lines %d and %d); only one allowed.", sep+1, i+1), i}
			}
			sep = i
			for k := range block[i] {
				if block[i][k] == '=' {
					block[i][k] = '-'
				}
			}
		}
	}
	if sep == len(block)-1 && sep != 0 {
		return 0, &tableError{"The head/body row separator may not be the first or last line of the table.", i - 1}
	}
	return sep, nil
}

// parseGridTable parses the block isolateGridTable cut; it rewrites the
// head/body separator in place.
func (a *arena) parseGridTable(block [][]rune) (*tableData, *tableError) {
	g := &a.grid
	clear(g.cells) // the last table's cell lines
	*g = gridParser{block: block, bottom: len(block) - 1, right: len(block[0]) - 1,
		rowseps: reuse(g.rowseps, len(block)), colseps: reuse(g.colseps, len(block[0])),
		done: reuse(g.done, len(block[0])), stripped: reuse(g.stripped, len(block)),
		cells: g.cells[:0], corners: g.corners[:0],
		rows: g.rows[:0], cols: g.cols[:0], rowIndex: g.rowIndex, colIndex: g.colIndex}
	g.rowseps[0], g.colseps[0] = true, true
	for i := range g.done {
		g.done[i] = -1
	}
	// the first line may also be a separator: docutils checks "== 0"
	if isHeadBodySepGrid(block[0]) {
		return nil, &tableError{"The head/body row separator may not be the first or last line of the table.", len(block) - 1}
	}
	sep, err := findHeadBodySep(block, isHeadBodySepGrid)
	if err != nil {
		return nil, err
	}
	g.headBodySep = sep
	// docutils 0.23 scans a copy without combining marks
	for i, l := range block {
		g.stripped[i] = stripCombining(l)
	}
	// the corners still to scan, from k on, in order
	corners := append(g.corners[:0], [2]int{})
	defer func() { g.corners = corners }()
	for k := 0; k < len(corners); k++ {
		top, left := corners[k][0], corners[k][1]
		if top == g.bottom || left == g.right || top <= g.done[left] {
			continue
		}
		bottom, right, ok := g.scanCell(top, left)
		if !ok {
			continue
		}
		for col := left; col < right; col++ {
			g.done[col] = bottom - 1
		}
		g.cells = append(g.cells, gridCell{top, left, bottom, right, g.cellBlock(top+1, left+1, bottom, right)})
		corners = insertCorner(insertCorner(corners, k+1, [2]int{top, right}), k+1, [2]int{bottom, left})
	}
	for col := 0; col < g.right; col++ {
		if g.done[col] != g.bottom-1 {
			return nil, &tableError{"Malformed table; parse incomplete.", 0}
		}
	}
	return g.structure(), nil
}

// insertCorner keeps corners[from:] sorted (top, then left) as docutils'
// sort does.
func insertCorner(corners [][2]int, from int, c [2]int) [][2]int {
	i := len(corners)
	for i > from && (corners[i-1][0] > c[0] || (corners[i-1][0] == c[0] && corners[i-1][1] > c[1])) {
		i--
	}
	corners = append(corners, [2]int{})
	copy(corners[i+1:], corners[i:])
	corners[i] = c
	return corners
}

func (g *gridParser) scanCell(top, left int) (int, int, bool) {
	line := g.stripped[top]
	for i := left + 1; i <= g.right; i++ {
		if line[i] == '+' {
			if bottom, ok := g.scanDown(top, left, i); ok {
				g.colseps[i] = true
				return bottom, i, true
			}
		} else if line[i] != '-' {
			return 0, 0, false
		}
	}
	return 0, 0, false
}

func (g *gridParser) scanDown(top, left, right int) (int, bool) {
	for i := top + 1; i <= g.bottom; i++ {
		c := g.stripped[i][right]
		if c == '+' {
			if g.scanLeft(top, left, i, right) {
				g.rowseps[i] = true
				return i, true
			}
		} else if c != '|' {
			return 0, false
		}
	}
	return 0, false
}

func (g *gridParser) scanLeft(top, left, bottom, right int) bool {
	line := g.stripped[bottom]
	var cols []int
	for i := right - 1; i > left; i-- {
		if line[i] == '+' {
			cols = append(cols, i)
		} else if line[i] != '-' {
			return false
		}
	}
	if line[left] != '+' {
		return false
	}
	var rows []int
	for i := bottom - 1; i > top; i-- {
		if g.stripped[i][left] == '+' {
			rows = append(rows, i)
		} else if g.stripped[i][left] != '|' {
			return false
		}
	}
	for _, c := range cols {
		g.colseps[c] = true
	}
	for _, r := range rows {
		g.rowseps[r] = true
	}
	return true
}

func (g *gridParser) cellBlock(top, left, bottom, right int) []string {
	segs := make([][]rune, 0, bottom-top)
	for i := top; i < bottom; i++ {
		line := g.block[i]
		l, r := left, len(line)
		if len(g.stripped[i]) == len(line) {
			// no combining marks: columns are indices
			if right < len(line) {
				r = right
			}
		} else {
			// column indices skip combining marks (docutils' get_2D_block)
			var ci []int
			for j, c := range line {
				if !isCombining(c) {
					ci = append(ci, j)
				}
			}
			if left < len(ci) {
				l = ci[left]
			}
			if right < len(ci) {
				r = ci[right]
			}
		}
		r = min(r, len(line))
		if l < r {
			segs = append(segs, line[l:r])
		} else {
			segs = append(segs, nil)
		}
	}
	return cellText(segs, right)
}

// cellText is the text of a table cell from the segments of its lines:
// trailing whitespace cut, the common indentation removed when it is
// less than limit, the pads after wide characters dropped.
func cellText(segs [][]rune, limit int) []string {
	indent := limit
	for i, s := range segs {
		s = s[:trimmedEnd(s, 0)]
		segs[i] = s
		if len(s) > 0 {
			li := 0
			for li < len(s) && isSpace(s[li]) {
				li++
			}
			indent = min(indent, li)
		}
	}
	out := make([]string, len(segs))
	for i, s := range segs {
		if indent > 0 && indent < limit {
			s = s[min(indent, len(s)):]
		}
		out[i] = unpad(s)
	}
	return out
}

func (g *gridParser) structure() *tableData {
	g.rows, g.rowIndex = seps(g.rows, g.rowIndex, g.rowseps)
	g.cols, g.colIndex = seps(g.cols, g.colIndex, g.colseps)
	rowIndex, colIndex := g.rowIndex, g.colIndex
	nrows, ncols := len(g.rows)-1, len(g.cols)-1
	grid := make([][]*cell, nrows)
	slots := make([]*cell, nrows*ncols)
	for i := range grid {
		grid[i] = slots[i*ncols : (i+1)*ncols : (i+1)*ncols]
	}
	cells := make([]cell, len(g.cells))
	for i, c := range g.cells {
		r, ci := rowIndex[c.top], colIndex[c.left]
		if r < nrows && ci < ncols {
			cells[i] = cell{rowIndex[c.bottom] - r - 1, colIndex[c.right] - ci - 1, c.top + 1, c.lines}
			grid[r][ci] = &cells[i]
		}
	}
	td := &tableData{cols: ncols}
	if g.headBodySep != 0 {
		n := rowIndex[g.headBodySep]
		td.headrows, td.bodyrows = grid[:n], grid[n:]
	} else {
		td.bodyrows = grid
	}
	return td
}

// seps lists the separator positions in order, and maps each position to
// its index in that list.
func seps(list, index []int, is []bool) ([]int, []int) {
	list, index = list[:0], reuse(index, len(is))
	for pos, sep := range is {
		if sep {
			index[pos] = len(list)
			list = append(list, pos)
		}
	}
	return list, index
}

// ---- simple tables ----

// isSimpleHeadSep is isSimpleTableBorder for a line of runes.
func isSimpleHeadSep(r []rune) bool { return isRule(r, '=') }

// isSpanLine matches a simple table's column span line.
func isSpanLine(r []rune) bool { return isRule(r, '-') }

// isRule reports whether r is c followed by c's and spaces.
func isRule(r []rune, c rune) bool {
	if len(r) == 0 || r[0] != c {
		return false
	}
	for _, x := range r {
		if x != c && x != ' ' {
			return false
		}
	}
	return true
}

type simpleParser struct {
	block     [][]rune
	sep       int
	columns   [][2]int
	borderEnd int
	rows      [][]*cell

	// checkColumns' scratch
	cols     [][2]int
	stripped [][]rune
}

func replaceRunes(r []rune, from, to rune) {
	for i := range r {
		if r[i] == from {
			r[i] = to
		}
	}
}

// parseSimpleTable parses the block isolateSimpleTable cut; it rewrites the
// borders and the head/body separator in place.
func parseSimpleTable(block [][]rune) (*tableData, *tableError) {
	replaceRunes(block[0], '=', '-')
	replaceRunes(block[len(block)-1], '=', '-')
	sp := &simpleParser{block: block}
	sep, err := findHeadBodySep(block, isSimpleHeadSep)
	if err != nil {
		return nil, err
	}
	sp.sep = sep
	cols, terr := sp.parseColumns(string(block[0]), 0)
	if terr != nil {
		return nil, terr
	}
	sp.columns = cols
	sp.borderEnd = cols[len(cols)-1][1]
	firststart, firstend := cols[0][0], cols[0][1]
	offset, start := 1, 1
	textFound := false
	for offset < len(block) {
		line := block[offset]
		if isSpanLine(line) {
			if e := sp.parseRow(block[start:offset], start, rstrip(string(line)), offset, true); e != nil {
				return nil, e
			}
			start = offset + 1
			textFound = false
		} else if strip(sliceRunes(line, firststart, firstend)) != "" {
			if textFound && offset != start {
				if e := sp.parseRow(block[start:offset], start, "", 0, false); e != nil {
					return nil, e
				}
			}
			start = offset
			textFound = true
		} else if !textFound {
			start = offset + 1
		}
		offset++
	}
	td := &tableData{cols: len(sp.columns)}
	first := 0
	if sp.sep != 0 {
		for i, row := range sp.rows {
			if row[0].offset > sp.sep {
				first = i
				break
			}
		}
	}
	td.headrows, td.bodyrows = sp.rows[:first], sp.rows[first:]
	return td, nil
}

func sliceRunes(r []rune, a, b int) string {
	if a > len(r) {
		return ""
	}
	if b > len(r) {
		b = len(r)
	}
	if a > b {
		return ""
	}
	return string(r[a:b])
}

func (sp *simpleParser) parseColumns(line string, offset int) ([][2]int, *tableError) {
	r := []rune(line)
	var cols [][2]int
	end := 0
	for {
		begin := indexRune(r, '-', end)
		end = indexRune(r, ' ', begin)
		if begin < 0 {
			break
		}
		if end < 0 {
			end = len(r)
		}
		cols = append(cols, [2]int{begin, end})
	}
	if sp.columns != nil {
		if len(cols) == 0 || cols[len(cols)-1][1] != sp.borderEnd {
			return nil, &tableError{fmt.Sprintf("Column span incomplete in table line %d.", offset+1), offset}
		}
		cols[len(cols)-1][1] = sp.columns[len(sp.columns)-1][1]
	}
	return cols, nil
}

func indexRune(r []rune, c rune, from int) int {
	if from < 0 {
		from = 0
	}
	for i := from; i < len(r); i++ {
		if r[i] == c {
			return i
		}
	}
	return -1
}

func (sp *simpleParser) parseRow(lines [][]rune, start int, spanline string, spanOffset int, hasSpan bool) *tableError {
	if len(lines) == 0 && !hasSpan {
		return nil
	}
	var columns [][2]int
	if hasSpan {
		c, err := sp.parseColumns(spanline, spanOffset)
		if err != nil {
			return err
		}
		columns = c
	} else {
		columns = append([][2]int(nil), sp.columns...)
	}
	if err := sp.checkColumns(lines, start, columns); err != nil {
		return err
	}
	// init_row: column spans must align with the main columns
	row := make([]*cell, 0, len(columns))
	cells := make([]cell, len(columns))
	i := 0
	for _, c := range columns {
		morecols := 0
		if i >= len(sp.columns) || c[0] != sp.columns[i][0] {
			return &tableError{fmt.Sprintf("Column span alignment problem in table line %d.", start+2), start + 1}
		}
		for c[1] != sp.columns[i][1] {
			i++
			morecols++
			if i >= len(sp.columns) {
				return &tableError{fmt.Sprintf("Column span alignment problem in table line %d.", start+2), start + 1}
			}
		}
		cells[len(row)] = cell{0, morecols, start, nil}
		row = append(row, &cells[len(row)])
		i++
	}
	for k, c := range columns {
		segs := make([][]rune, len(lines))
		for x, l := range lines {
			if a, b := c[0], min(c[1], len(l)); a < b {
				segs[x] = l[a:b]
			}
		}
		row[k].lines = cellText(segs, c[1])
	}
	sp.rows = append(sp.rows, row)
	return nil
}

func (sp *simpleParser) checkColumns(lines [][]rune, first int, columns [][2]int) *tableError {
	const maxInt = int(^uint(0) >> 1)
	cols := append(append(sp.cols[:0], columns...), [2]int{maxInt, 0})
	sp.cols = cols
	last := len(cols) - 2
	stripped := reuse(sp.stripped, len(lines))
	sp.stripped = stripped
	for i, l := range lines {
		stripped[i] = stripCombining(l)
	}
	for i := 0; i < len(cols)-1; i++ {
		start, end := cols[i][0], cols[i][1]
		next := cols[i+1][0]
		for off, line := range stripped {
			if i == last && !runesBlank(line, end, len(line)) {
				newEnd := trimmedEnd(line, start)
				mainStart, mainEnd := sp.columns[len(sp.columns)-1][0], sp.columns[len(sp.columns)-1][1]
				if newEnd > mainEnd {
					cols[i][1] = newEnd
					sp.columns[len(sp.columns)-1] = [2]int{mainStart, newEnd}
				} else {
					cols[i][1] = mainEnd
				}
			} else if !runesBlank(line, end, next) {
				return &tableError{fmt.Sprintf("Text in column margin in table line %d.", first+off+1), first + off}
			}
		}
	}
	copy(columns, cols[:len(columns)])
	return nil
}

// runesBlank reports whether r[a:b] (cut to r) is all whitespace.
func runesBlank(r []rune, a, b int) bool {
	b = min(b, len(r))
	for i := a; i < b; i++ {
		if !isSpace(r[i]) {
			return false
		}
	}
	return true
}

// trimmedEnd is where r ends once trailing whitespace is cut, but not
// before a.
func trimmedEnd(r []rune, a int) int {
	e := len(r)
	for e > a && isSpace(r[e-1]) {
		e--
	}
	return max(e, a)
}

// ---- csv-table and list-table directives ----

// tableTitle parses the optional title argument of a table directive
// (table, csv-table, list-table); nil without one.
func (d *directiveRun) tableTitle() *node {
	if len(d.args) == 0 {
		return nil
	}
	title := d.m.p.newNode(kTitle)
	title.parent = d.m.node
	title.line = d.lineno + d.m.srcDelta
	d.m.p.inline(d.args[0], d.lineno, title)
	return title
}

// parseOnly parses the directive's content and returns its single element,
// failing as docutils does unless the content is exactly one element of
// kind k (what names it in the message).
func (d *directiveRun) parseOnly(k kind, what string) *node {
	holder := d.m.p.newNode(kElement)
	holder.parent = d.m.node
	d.parseContent(holder)
	if len(holder.children) != 1 || holder.children[0].kind != k {
		d.fail(Error, fmt.Sprintf("Error parsing content block for the \"%s\" directive: exactly one %s expected.", d.name, what))
	}
	return holder.children[0]
}

func runListTable(d *directiveRun) {
	if len(d.content) == 0 {
		d.fail(Error, fmt.Sprintf("The \"%s\" directive is empty; content required.", d.name))
	}
	title := d.tableTitle()
	list := d.parseOnly(kBulletList, "bullet list")
	numCols := 0
	var rows [][]*node
	for i, item := range list.children {
		if len(item.children) != 1 || item.children[0].kind != kBulletList {
			d.fail(Error, fmt.Sprintf("Error parsing content block for the \"%s\" directive: two-level bullet list expected, but row %d does not contain a second-level bullet list.", d.name, i+1))
		}
		n := len(item.children[0].children)
		if i > 0 {
			if n != numCols {
				d.fail(Error, fmt.Sprintf("Error parsing content block for the \"%s\" directive: uniform two-level bullet list expected, but row %d does not contain the same number of items as row 1 (%d vs %d).", d.name, i+1, n, numCols))
			}
		} else {
			numCols = n
		}
		rows = append(rows, item.children[0].children)
	}
	d.checkWidths(numCols)
	d.checkDimensions(len(rows), func(i int) int { return len(rows[i]) })
	t := d.m.p.newNode(kTable)
	t.line = d.lineno + d.m.srcDelta // build_table_from_list: the directive's line
	t.x().cols = numCols
	for _, row := range rows {
		for _, c := range row {
			e := d.m.p.newNode(kEntry)
			for _, x := range c.children {
				e.add(x)
			}
			t.add(e)
		}
	}
	if title != nil {
		t.insert(0, title)
	}
	d.m.node.add(t)
	d.addName(t)
}

func (d *directiveRun) checkWidths(numCols int) {
	if w, ok := d.options["widths"]; ok && w != "auto" && w != "grid" {
		var entries []string
		if containsComma(w) {
			entries = strings.Split(w, ",")
		} else {
			entries = fields(w)
		}
		if len(entries) != numCols {
			d.fail(Error, fmt.Sprintf("\"%s\" widths do not match the number of columns in table (%d).", d.name, numCols))
		}
	} else if numCols == 0 {
		d.fail(Error, "No table data detected in CSV file.")
	}
}

func containsComma(s string) bool { return strings.Contains(s, ",") }

func (d *directiveRun) checkDimensions(nrows int, rowLen func(int) int) {
	header, stub := 0, 0
	if v, ok := d.options["header-rows"]; ok {
		header, _ = pyInt(v)
	}
	if v, ok := d.options["stub-columns"]; ok {
		stub, _ = pyInt(v)
	}
	if nrows < header {
		d.fail(Error, fmt.Sprintf("%d header row(s) specified but only %d row(s) of data supplied (\"%s\" directive).", header, nrows, d.name))
	}
	if nrows == header && header > 0 {
		d.fail(Error, fmt.Sprintf("Insufficient data supplied (%d row(s)); no data remaining for table body, required by \"%s\" directive.", nrows, d.name))
	}
	for i := 0; i < nrows; i++ {
		n := rowLen(i)
		if n < stub {
			d.fail(Error, fmt.Sprintf("%d stub column(s) specified but only %d columns(s) of data supplied (\"%s\" directive).", stub, n, d.name))
		}
		if n == stub && stub > 0 {
			d.fail(Error, fmt.Sprintf("Insufficient data supplied (%d columns(s)); no data remaining for table body, required by \"%s\" directive.", n, d.name))
		}
	}
}

// csvRows parses CSV text the way Python's csv module does with docutils'
// dialect (comma, double quotes, skipinitialspace, strict).
func csvRows(lines []string, delim, quote rune, escape rune) ([][]string, string) {
	var rows [][]string
	text := []rune(strings.Join(lines, "\n") + "\n")
	var row []string
	var field []rune
	const (
		startField = iota
		inField
		inQuoted
		quoteInQuoted
		startRecord
	)
	endField := func() { row = append(row, string(field)); field = nil }
	endRecord := func() { endField(); rows = append(rows, row); row = nil }
	state := startRecord
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch state {
		case startRecord, startField:
			if c == '\n' {
				if state == startField {
					endRecord()
					state = startRecord
				}
				continue
			}
			if c == quote {
				state = inQuoted
				continue
			}
			if c == ' ' {
				state = startField
				continue
			}
			if c == delim {
				endField()
				state = startField
				continue
			}
			if escape != 0 && c == escape && i+1 < len(text) {
				i++
				field = append(field, text[i])
				state = inField
				continue
			}
			field = append(field, c)
			state = inField
		case inField:
			if c == '\n' {
				endRecord()
				state = startRecord
				continue
			}
			if c == delim {
				endField()
				state = startField
				continue
			}
			if escape != 0 && c == escape && i+1 < len(text) {
				i++
				field = append(field, text[i])
				continue
			}
			field = append(field, c)
		case inQuoted:
			if c == quote {
				state = quoteInQuoted
				continue
			}
			if escape != 0 && c == escape && i+1 < len(text) {
				i++
				field = append(field, text[i])
				continue
			}
			field = append(field, c)
		case quoteInQuoted:
			if c == quote {
				field = append(field, quote)
				state = inQuoted
				continue
			}
			if c == delim {
				endField()
				state = startField
				continue
			}
			if c == '\n' {
				endRecord()
				state = startRecord
				continue
			}
			return nil, fmt.Sprintf("'%c' expected after '%c'", delim, quote)
		}
	}
	if state == inQuoted {
		return nil, "unexpected end of data"
	}
	return rows, ""
}

func runCSVTable(d *directiveRun) {
	_, hasFile := d.options["file"]
	_, hasURL := d.options["url"]
	if hasFile || hasURL {
		d.fail(Warning, fmt.Sprintf("File and URL access deactivated; ignoring \"%s\" directive.", d.name))
	}
	title := d.tableTitle()
	if len(d.content) == 0 {
		d.fail(Warning, fmt.Sprintf("The \"%s\" directive requires content; none supplied.", d.name))
	}
	delim, quote, escape := ',', '"', rune(0)
	if v, ok := d.options["delim"]; ok {
		switch v {
		case "tab":
			delim = '\t'
		case "space":
			delim = ' '
		default:
			delim = []rune(v)[0]
		}
	}
	if v, ok := d.options["quote"]; ok && v != "" {
		quote = []rune(v)[0]
	}
	if v, ok := d.options["escape"]; ok && v != "" {
		escape = []rune(v)[0]
	}
	var head [][]string
	if h, ok := d.options["header"]; ok {
		rows, err := csvRows(strings.Split(h, "\n"), delim, quote, escape)
		if err != "" {
			d.fail(Error, fmt.Sprintf("Error with CSV data in \"%s\" directive:\n%s", d.name, err))
		}
		head = rows
	}
	rows, err := csvRows(d.content, delim, quote, escape)
	if err != "" {
		d.fail(Error, fmt.Sprintf("Error with CSV data in \"%s\" directive:\n%s", d.name, err))
	}
	maxCols := 0
	for _, r := range append(append([][]string{}, head...), rows...) {
		if len(r) > maxCols {
			maxCols = len(r)
		}
	}
	d.checkDimensions(len(rows), func(i int) int { return len(rows[i]) })
	d.checkWidths(maxCols)
	t := d.m.p.newNode(kTable)
	t.line = d.lineno + d.m.srcDelta // build_table_from_list: the directive's line
	t.x().cols = maxCols
	d.m.node.add(t)
	for _, r := range append(head, rows...) {
		for _, c := range r {
			e := d.m.p.newNode(kEntry)
			t.add(e)
			lines := strings.Split(c, "\n")
			if strings.Join(lines, "") != "" {
				// docutils 0.23: input offset tableline+offset-1; a CSV
				// cell is its own source, numbered from 1
				d.m.nestedParseDelta(lines, d.contentOffset-1, e, false, -(d.contentOffset - 1), d.frames())
			}
		}
	}
	if title != nil {
		t.insert(0, title)
	}
	d.addName(t)
}

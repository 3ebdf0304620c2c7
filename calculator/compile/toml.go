package compile

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"policyguide/calculator"
	"policyguide/calculator/diag"
)

// A small strict reader over a decoded TOML document. Decoding into a generic
// map (instead of structs) keeps array indexes, so an unknown key, a missing
// field or a wrong type is reported at its own file:line:col.

// file is one parsed TOML file.
type file struct {
	name  string
	src   []byte
	pos   diag.Keys
	lines []int // byte offset of each line start
}

func parseFile(f File, errs *diag.List) (*file, map[string]any) {
	pf := &file{name: f.Name, src: f.Src}
	pf.lines = append(pf.lines, 0)
	for i, c := range f.Src {
		if c == '\n' {
			pf.lines = append(pf.lines, i+1)
		}
	}
	var m map[string]any
	keys, derrs := diag.DecodeTOML(f.Src, f.Name, 1, &m, "")
	errs.Merge(derrs)
	if keys == nil {
		pf.pos = diag.TOMLPositions(f.Src, f.Name, 1)
		return pf, nil
	}
	pf.pos = keys
	return pf, m
}

// at returns the position of path, or of its nearest ancestor that has one.
func (f *file) at(path string) diag.Pos { return f.pos.Near(f.name, path) }

// valueAt returns the position of the character at byte offset off inside
// the quoted string value of key path (for errors inside expressions).
func (f *file) valueAt(path string, off int, text string) diag.Pos {
	p := f.at(path)
	if p.Line < 1 || p.Line > len(f.lines) {
		return p
	}
	// Find the opening quote after '=' on the key's line.
	i := f.lines[p.Line-1]
	for c := 1; c < p.Col && i < len(f.src); c++ {
		_, size := utf8.DecodeRune(f.src[i:])
		i += size
	}
	for i < len(f.src) && f.src[i] != '=' && f.src[i] != '\n' {
		i++
	}
	for i < len(f.src) && (f.src[i] == '=' || f.src[i] == ' ' || f.src[i] == '\t') {
		i++
	}
	if i >= len(f.src) || (f.src[i] != '"' && f.src[i] != '\'') {
		return p
	}
	q := f.src[i]
	i++
	if i+1 < len(f.src) && f.src[i] == q && f.src[i+1] == q { // multi-line string
		i += 2
		if i < len(f.src) && f.src[i] == '\n' {
			i++
		}
	}
	if off > len(text) {
		off = len(text)
	}
	// Walk the raw string until off bytes of its decoded text are passed;
	// escapes like \" are one decoded byte but two raw characters.
	line, col := diag.LineCol(f.src, i)
	for d := 0; d < off && i < len(f.src); {
		r, size := utf8.DecodeRune(f.src[i:])
		n := size // decoded bytes this raw sequence stands for
		if q == '"' && r == '\\' && i+1 < len(f.src) {
			switch f.src[i+1] {
			case 'u', 'U':
				digits := 4
				if f.src[i+1] == 'U' {
					digits = 8
				}
				size = min(2+digits, len(f.src)-i)
				v, _ := strconv.ParseUint(string(f.src[i+2:i+size]), 16, 32)
				n = utf8.RuneLen(rune(v))
			default:
				size, n = 2, 1
			}
			col += size - 1
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
		d += max(n, 1)
	}
	return diag.Pos{File: f.name, Line: line, Col: col}
}

// tbl is a TOML table being read; it remembers which keys were used.
type tbl struct {
	f    *file
	errs *diag.List
	path string
	m    map[string]any
	used map[string]bool
}

func (f *file) root(m map[string]any, errs *diag.List) *tbl {
	return &tbl{f: f, errs: errs, m: m, used: map[string]bool{}}
}

func (t *tbl) keyPath(key string) string {
	if t.path == "" {
		return key
	}
	return t.path + "." + key
}

func (t *tbl) errAt(path, format string, args ...any) {
	t.errs.Add(t.f.at(path), format, args...)
}

// get returns a key's raw value and marks it used.
func (t *tbl) get(key string, required bool) (any, bool) {
	t.used[key] = true
	v, ok := t.m[key]
	if !ok && required {
		t.errAt(t.path, "缺少必填项 %s", key)
	}
	return v, ok
}

// done reports every key that was not read: strict TOML.
func (t *tbl) done() {
	for _, k := range sortedKeys(t.m) {
		if !t.used[k] {
			t.errAt(t.keyPath(k), "未知的键 %s", k)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// insertion sort: tables are small
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "字符串"
	case int64:
		return "整数"
	case float64:
		return "小数"
	case bool:
		return "true/false"
	case time.Time:
		return "日期"
	case []any, []map[string]any:
		return "数组"
	case map[string]any:
		return "表"
	}
	return "未知类型"
}

func (t *tbl) str(key string, required bool) string {
	v, ok := t.get(key, required)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		t.errAt(t.keyPath(key), "%s 应为字符串，这里是%s", key, typeName(v))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		t.errAt(t.keyPath(key), "%s 不能为空", key)
	}
	return s
}

func (t *tbl) strs(key string, required bool) []string {
	v, ok := t.get(key, required)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		t.errAt(t.keyPath(key), "%s 应为字符串数组，如 [\"a\", \"b\"]", key)
		return nil
	}
	out := []string{}
	for i, x := range arr {
		s, isStr := x.(string)
		if !isStr {
			t.errAt(t.keyPath(key)+"["+strconv.Itoa(i)+"]", "%s 的元素应为字符串", key)
			continue
		}
		out = append(out, s)
	}
	if required && len(out) == 0 {
		t.errAt(t.keyPath(key), "%s 不能为空", key)
	}
	return out
}

func (t *tbl) boolean(key string) bool {
	v, ok := t.get(key, false)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		t.errAt(t.keyPath(key), "%s 应为 true 或 false", key)
	}
	return b
}

func (t *tbl) date(key string, required bool) calculator.Date {
	v, ok := t.get(key, required)
	if !ok {
		return 0
	}
	var d calculator.Date
	switch x := v.(type) {
	case time.Time:
		d = calculator.MakeDate(x.Year(), int(x.Month()), x.Day())
	case string:
		d = calculator.ParseDate(x)
	}
	if d == 0 {
		t.errAt(t.keyPath(key), "%s 应为日期，如 2023-12-31", key)
	}
	return d
}

// text returns a string or a number as written (numbers may be given bare:
// value = 30 or value = "30").
func (t *tbl) text(key string, required bool) (string, bool) {
	v, ok := t.get(key, required)
	if !ok {
		return "", false
	}
	if s, ok := scalarText(v); ok {
		return s, true
	}
	t.errAt(t.keyPath(key), "%s 应为数字或字符串，这里是%s", key, typeName(v))
	return "", false
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		// The shortest text that reads back as the same float is what the
		// author wrote (for up to 15 significant digits).
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// number reads an exact decimal.
func (t *tbl) number(key string, required bool) *calculator.Rat {
	s, ok := t.text(key, required)
	if !ok {
		return nil
	}
	r, err := calculator.ParseNumber(strings.TrimSpace(s))
	if err != nil {
		t.errAt(t.keyPath(key), "%s 的值 %q %s（请写成 30、5.5 或 0.055 这样的数字，不要加逗号或单位）", key, s, err)
		return nil
	}
	return &r
}

// tables reads an array of tables ([[x]] or [{…}, {…}]).
func (t *tbl) tables(key string, required bool) []*tbl {
	v, ok := t.get(key, required)
	if !ok {
		return nil
	}
	var ms []map[string]any
	switch x := v.(type) {
	case []map[string]any:
		ms = x
	case []any:
		for i, it := range x {
			m, isMap := it.(map[string]any)
			if !isMap {
				t.errAt(t.keyPath(key)+"["+strconv.Itoa(i)+"]", "%s 的元素应为表 { … }", key)
				continue
			}
			ms = append(ms, m)
		}
	default:
		t.errAt(t.keyPath(key), "%s 应为表的数组", key)
		return nil
	}
	if required && len(ms) == 0 {
		t.errAt(t.keyPath(key), "%s 不能为空", key)
	}
	out := make([]*tbl, len(ms))
	for i, m := range ms {
		out[i] = &tbl{f: t.f, errs: t.errs, path: t.keyPath(key) + "[" + strconv.Itoa(i) + "]", m: m, used: map[string]bool{}}
	}
	return out
}

// table reads an inline or standard table.
func (t *tbl) table(key string, required bool) *tbl {
	v, ok := t.get(key, required)
	if !ok {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		t.errAt(t.keyPath(key), "%s 应为表，如 { a = 1 }", key)
		return nil
	}
	return &tbl{f: t.f, errs: t.errs, path: t.keyPath(key), m: m, used: map[string]bool{}}
}

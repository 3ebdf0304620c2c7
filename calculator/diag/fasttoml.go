package diag

import (
	"reflect"
	"strconv"
	"sync"
	"unicode/utf8"
)

// fastDecode decodes the simplest TOML documents straight into a struct, the
// shape of nearly every content file's front matter:
//
//	key = "string"      # a comment
//	key = 'literal'
//	key = 12
//	key = ["a", 'b',]   # may span lines
//
// with bare keys that name a field of v exactly (its toml tag) whose type is
// string, int or []string (nil), each key once. It returns false, having
// changed nothing, for anything else (tables, dotted or quoted keys, escapes,
// multi-line strings, dates, floats, other types, a key v has no field for,
// any syntax error, control characters): DecodeTOML then runs the full
// decoder, which gives the same values for what this accepts
// (FuzzFastDecode checks it) and reports every error. It also returns the
// keys' positions, as TOMLPositions gives them, in the same pass.
func fastDecode(data []byte, v any, file string, firstLine int) (Keys, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	st := rv.Elem()
	fields := fastFields(st.Type())
	if fields == nil {
		return nil, false
	}
	type set struct {
		field int
		kind  fastKind
		str   string
		num   int64
		list  []string
	}
	var sets []set
	p := fastParser{src: data, file: file, line: firstLine}
	keys := Keys{}
	for {
		if !p.blank() {
			return nil, false
		}
		if p.i >= len(p.src) {
			break
		}
		start := p.i
		for p.i < len(p.src) && isBareKey(p.src[p.i]) {
			p.i++
		}
		if p.i == start {
			return nil, false
		}
		key := string(p.src[start:p.i])
		keys[key] = p.pos(start)
		f, ok := fields[key]
		if !ok {
			return nil, false
		}
		for _, s := range sets {
			if s.field == f.index {
				return nil, false // duplicate key: the decoder reports it
			}
		}
		p.space()
		if p.peek() != '=' {
			return nil, false
		}
		p.i++
		p.space()
		s := set{field: f.index, kind: f.kind}
		switch f.kind {
		case fastString:
			if s.str, ok = p.str(); !ok {
				return nil, false
			}
		case fastInt:
			if s.num, ok = p.integer(); !ok {
				return nil, false
			}
		case fastStrings:
			if !st.Field(f.index).IsNil() {
				return nil, false // the decoder would reuse its array
			}
			if s.list, ok = p.strings(key, keys); !ok {
				return nil, false
			}
		}
		if !p.endOfLine() {
			return nil, false
		}
		sets = append(sets, s)
	}
	for _, s := range sets {
		fv := st.Field(s.field)
		switch s.kind {
		case fastString:
			fv.SetString(s.str)
		case fastInt:
			fv.SetInt(s.num)
		case fastStrings:
			fv.Set(reflect.ValueOf(s.list))
		}
	}
	return keys, true
}

type fastKind int

const (
	fastString fastKind = iota + 1
	fastInt
	fastStrings
)

type fastField struct {
	index int
	kind  fastKind
}

type fastFieldMap map[string]fastField

var fastFieldCache sync.Map // reflect.Type → fastFieldMap (nil: not a simple struct)

// fastFields maps the toml tag of each field of type string, int or
// []string to the field; nil when the struct has embedded fields or two
// fields whose names (tag or Go name) are the same, where the decoder's
// choice of field is not simply "the field with that tag".
func fastFields(t reflect.Type) fastFieldMap {
	if m, ok := fastFieldCache.Load(t); ok {
		return m.(fastFieldMap)
	}
	m := fastFieldMap{}
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			m = nil
			break
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("toml")
		if tag == "-" {
			continue
		}
		for j := 0; j < len(tag); j++ {
			if tag[j] == ',' {
				tag = tag[:j]
				break
			}
		}
		name := tag
		if name == "" {
			name = f.Name
		}
		if names[name] {
			m = nil
			break
		}
		names[name] = true
		if tag == "" {
			continue
		}
		switch f.Type {
		case reflect.TypeFor[string]():
			m[tag] = fastField{i, fastString}
		case reflect.TypeFor[int]():
			m[tag] = fastField{i, fastInt}
		case reflect.TypeFor[[]string]():
			m[tag] = fastField{i, fastStrings}
		}
	}
	fastFieldCache.Store(t, m)
	return m
}

type fastParser struct {
	src       []byte
	i         int
	file      string
	line      int // of src[lineStart]
	lineStart int
}

// pos is the position of src[i], on the current line; the column counts
// characters, as TOMLPositions does.
func (p *fastParser) pos(i int) Pos {
	return Pos{File: p.file, Line: p.line, Col: utf8.RuneCount(p.src[p.lineStart:i]) + 1}
}

func (p *fastParser) peek() byte {
	if p.i < len(p.src) {
		return p.src[p.i]
	}
	return 0
}

// space skips spaces and tabs.
func (p *fastParser) space() {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
		p.i++
	}
}

// newline skips "\n" or "\r\n" and reports whether there was one.
func (p *fastParser) newline() bool {
	switch {
	case p.peek() == '\n':
		p.i++
	case p.peek() == '\r' && p.i+1 < len(p.src) && p.src[p.i+1] == '\n':
		p.i += 2
	default:
		return false
	}
	p.line++
	p.lineStart = p.i
	return true
}

// comment skips a comment up to its newline; false on a control character.
func (p *fastParser) comment() bool {
	if p.peek() != '#' {
		return true
	}
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '\n' || c == '\r' {
			return true
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
		p.i++
	}
	return true
}

// blank skips empty lines and comment lines, then the indentation of the
// next line; false on a control character in a comment or a lone "\r".
func (p *fastParser) blank() bool {
	for {
		p.space()
		if !p.comment() {
			return false
		}
		if p.i >= len(p.src) || p.newline() {
			if p.i >= len(p.src) {
				return true
			}
			continue
		}
		return p.src[p.i] != '\r'
	}
}

// endOfLine accepts spaces, a comment and the end of the line (or input).
func (p *fastParser) endOfLine() bool {
	p.space()
	if !p.comment() {
		return false
	}
	return p.i >= len(p.src) || p.newline()
}

// str reads a one-line basic string without escapes, or a one-line literal
// string.
func (p *fastParser) str() (string, bool) {
	q := p.peek()
	if q != '"' && q != '\'' {
		return "", false
	}
	if p.i+2 < len(p.src) && p.src[p.i+1] == q && p.src[p.i+2] == q {
		return "", false // multi-line
	}
	start := p.i + 1
	for j := start; j < len(p.src); j++ {
		c := p.src[j]
		switch {
		case c == q:
			p.i = j + 1
			return string(p.src[start:j]), true
		case c == '\\' && q == '"', c < 0x20 && c != '\t', c == 0x7f:
			return "", false
		}
	}
	return "", false
}

// integer reads a decimal integer without sign, underscores or leading
// zeros, short enough not to overflow.
func (p *fastParser) integer() (int64, bool) {
	start := p.i
	var n int64
	for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
		n = n*10 + int64(p.src[p.i]-'0')
		p.i++
	}
	digits := p.i - start
	if digits == 0 || digits > 18 || digits > 1 && p.src[start] == '0' {
		return 0, false
	}
	return n, true
}

// strings reads an array of strings, possibly over several lines with
// comments and a trailing comma, and records the position of each element
// as key[i].
func (p *fastParser) strings(key string, keys Keys) ([]string, bool) {
	if p.peek() != '[' {
		return nil, false
	}
	p.i++
	out := []string{}
	for {
		if !p.arraySpace() {
			return nil, false
		}
		if p.peek() == ']' {
			p.i++
			return out, true
		}
		at := p.i
		s, ok := p.str()
		if !ok {
			return nil, false
		}
		keys[key+"["+strconv.Itoa(len(out))+"]"] = p.pos(at)
		out = append(out, s)
		if !p.arraySpace() {
			return nil, false
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, true
		default:
			return nil, false
		}
	}
}

// arraySpace skips spaces, newlines and comments inside an array.
func (p *fastParser) arraySpace() bool {
	for {
		p.space()
		if !p.comment() {
			return false
		}
		if !p.newline() {
			return true
		}
	}
}

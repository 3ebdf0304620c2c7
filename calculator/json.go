package calculator

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A tiny JSON reader and writer. encoding/json (with reflect) would cost the
// wasm ~250 KB brotli; this one is a few hundred lines and keeps numbers as
// their text, so "0.055" is never turned into a float.

// Kind is the kind of a JSON value.
type Kind uint8

// JSON value kinds. Null is the zero value.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is a JSON value. Numbers keep their source text in Text.
type Value struct {
	Kind    Kind
	Text    string // String: the string; Number: the number's text
	Bool    bool
	Items   []Value  // Array
	Members []Member // Object, in source order
}

// Member is a key and value of an object.
type Member struct {
	Key   string
	Value Value
}

// Get returns the member named key and whether it exists.
func (v Value) Get(key string) (Value, bool) {
	for _, m := range v.Members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return Value{}, false
}

// Str and Bol build values.
func Str(s string) Value { return Value{Kind: String, Text: s} }

// Bol returns a JSON boolean.
func Bol(b bool) Value { return Value{Kind: Bool, Bool: b} }

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// ParseJSON parses one JSON value (RFC 8259). Duplicate keys and invalid
// UTF-8 are errors: silently picking one of two answers would be a guess.
func ParseJSON(data []byte) (Value, error) {
	return parseJSON(data, 0)
}

// parseJSON is ParseJSON with a bound on the number of values (0: none), so
// a large array cannot make the parser allocate many times its input.
func parseJSON(data []byte, maxValues int) (Value, error) {
	p := &jparser{s: data, maxValues: maxValues}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.ws()
	if p.i != len(p.s) {
		return Value{}, p.fail("多余的内容")
	}
	return v, nil
}

type jparser struct {
	s         []byte
	i         int
	values    int // values read so far
	maxValues int // 0: no bound
}

// smallObject is the member count up to which duplicate keys are found by a
// scan; larger objects use a set, so the check stays linear.
const smallObject = 16

func (p *jparser) fail(msg string) error {
	return errors.New("JSON第" + strconv.Itoa(p.i+1) + "个字节处：" + msg)
}

func (p *jparser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) lit(word string) bool {
	if len(p.s)-p.i >= len(word) && string(p.s[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *jparser) value(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, p.fail("嵌套层次过深")
	}
	if p.i >= len(p.s) {
		return Value{}, p.fail("内容不完整")
	}
	p.values++
	if p.maxValues > 0 && p.values > p.maxValues {
		return Value{}, p.fail("值的数量超过上限" + strconv.Itoa(p.maxValues))
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		v := Value{Kind: Object}
		var seen map[string]struct{} // keys, once the object is no longer small
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return v, nil
		}
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return Value{}, p.fail("应为用引号括起的键")
			}
			k, err := p.str()
			if err != nil {
				return Value{}, err
			}
			dup := false
			switch {
			case seen != nil:
				_, dup = seen[k]
			case len(v.Members) < smallObject:
				_, dup = v.Get(k)
			default:
				seen = make(map[string]struct{}, 2*len(v.Members))
				for _, m := range v.Members {
					seen[m.Key] = struct{}{}
				}
				_, dup = seen[k]
			}
			if dup {
				return Value{}, p.fail("重复的键 " + strconv.Quote(k))
			}
			if seen != nil {
				seen[k] = struct{}{}
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return Value{}, p.fail("应为冒号")
			}
			p.i++
			p.ws()
			m, err := p.value(depth + 1)
			if err != nil {
				return Value{}, err
			}
			v.Members = append(v.Members, Member{k, m})
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return v, nil
			}
			return Value{}, p.fail("应为逗号或右花括号")
		}
	case c == '[':
		p.i++
		v := Value{Kind: Array}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return v, nil
		}
		for {
			p.ws()
			it, err := p.value(depth + 1)
			if err != nil {
				return Value{}, err
			}
			v.Items = append(v.Items, it)
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return v, nil
			}
			return Value{}, p.fail("应为逗号或右方括号")
		}
	case c == '"':
		s, err := p.str()
		return Str(s), err
	case c == 't' && p.lit("true"):
		return Bol(true), nil
	case c == 'f' && p.lit("false"):
		return Bol(false), nil
	case c == 'n' && p.lit("null"):
		return Value{}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return Value{}, p.fail("无法识别的值")
}

// number checks the JSON number grammar and keeps the text.
func (p *jparser) number() (Value, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.s[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return Value{}, p.fail("数字格式不正确")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return Value{}, p.fail("数字格式不正确")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return Value{}, p.fail("数字格式不正确")
		}
	}
	return Value{Kind: Number, Text: string(p.s[start:p.i])}, nil
}

func hexval(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

func (p *jparser) hex4() rune {
	if p.i+4 > len(p.s) {
		return -1
	}
	var r rune
	for k := range 4 {
		h := hexval(p.s[p.i+k])
		if h < 0 {
			return -1
		}
		r = r<<4 | h
	}
	p.i += 4
	return r
}

func (p *jparser) str() (string, error) {
	p.i++ // opening quote
	// Fast path: no escapes, one allocation.
	start := p.i
	for j := start; j < len(p.s); j++ {
		c := p.s[j]
		if c == '"' {
			if !utf8.Valid(p.s[start:j]) {
				break // the slow path reports where
			}
			p.i = j + 1
			return string(p.s[start:j]), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", p.fail("字符串没有结束")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20:
			return "", p.fail("字符串中有控制字符")
		case c == '\\':
			p.i++
			if p.i >= len(p.s) {
				return "", p.fail("字符串没有结束")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r := p.hex4()
				if r < 0 {
					return "", p.fail("\\u 转义不正确")
				}
				if r >= 0xD800 && r < 0xDC00 { // high surrogate: needs its pair
					if p.i+2 <= len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
						p.i += 2
						r2 := p.hex4()
						if r2 < 0xDC00 || r2 > 0xDFFF {
							return "", p.fail("\\u 代理对不正确")
						}
						r = (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000
					} else {
						return "", p.fail("\\u 代理对不完整")
					}
				} else if r >= 0xDC00 && r <= 0xDFFF {
					return "", p.fail("\\u 代理对不正确")
				}
				b.WriteRune(r)
			default:
				return "", p.fail("未知的转义")
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.s[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", p.fail("不是有效的UTF-8")
			}
			b.Write(p.s[p.i : p.i+size])
			p.i += size
		}
	}
}

// writer builds JSON text. Output is deterministic (keys in the order the
// code writes them) so that rules.json is byte-identical across builds.
type writer struct {
	b      []byte
	first  bool // no comma needed before the next element
	indent int  // nesting level, for pretty-printing (rules.json)
	pretty bool
	valid  bool // every string written is known to be valid UTF-8
	// safe: strings written with tstr need no escaping at all (they are
	// made of checked program texts, numbers and the engine's own words).
	safe bool
}

// tstr writes a string that is safe when w.safe is set (see safeText);
// copying instead of escaping byte by byte matters in wasm, where a byte
// loop is ~15 times slower than natively.
func (w *writer) tstr(s string) {
	if !w.safe {
		w.quote(s)
		return
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

func (w *writer) ktstr(k, v string) { w.key(k); w.tstr(v) }

func (w *writer) ktstrOpt(k, v string) {
	if v != "" {
		w.ktstr(k, v)
	}
}

// safeText reports whether s can be written in JSON as it is: valid UTF-8
// without quotes, backslashes, control characters, <>& or U+2028/U+2029.
func safeText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == 0x7F || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func (w *writer) sep() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	if w.pretty {
		w.nl()
	}
}

func (w *writer) nl() {
	w.b = append(w.b, '\n')
	for range w.indent {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *writer) open(c byte) {
	w.b = append(w.b, c)
	w.first = true
	w.indent++
}

func (w *writer) close(c byte) {
	w.indent--
	if w.pretty && !w.first {
		w.nl()
	}
	w.b = append(w.b, c)
	w.first = false
}

// key writes the separator and "key": for a key written in the code (no
// escaping needed).
func (w *writer) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	if w.pretty {
		w.b = append(w.b, ' ')
	}
}

// plain marks the bytes that can be copied as they are: printable ASCII
// except "\\<>& and every byte of a multi-byte character except 0xE2, which
// may start U+2028/U+2029 (line separators JavaScript rejects in strings).
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0x7F, 0xE2} {
		t[c] = false
	}
	return t
}()

func (w *writer) quote(s string) {
	const hex = "0123456789abcdef"
	w.b = append(w.b, '"')
	// Then only 0xE2 needs a closer look. Results skip the check: all their
	// strings come from a checked program or from ParseJSON, both valid.
	valid := w.valid || utf8.ValidString(s)
	start := 0 // s[start:i] is pending and copied in one go
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] && (valid || c < utf8.RuneSelf) {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				w.b = append(w.b, s[start:i]...)
				w.b = append(w.b, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				w.b = append(w.b, s[start:i]...)
				w.b = append(w.b, '\\', 'u', '2', '0', '2', hex[r&15])
			default:
				i += size
				continue
			}
			i += size
			start = i
			continue
		}
		w.b = append(w.b, s[start:i]...)
		switch c {
		case '"', '\\':
			w.b = append(w.b, '\\', c)
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default: // control characters, and <>& so the JSON is safe inside HTML <script>
			w.b = append(w.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		i++
		start = i
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}

// Value helpers: each writes a complete element (with separator when inside
// an array; after key() the separator is already written).
func (w *writer) str(s string) { w.quote(s) }
func (w *writer) boolean(b bool) {
	if b {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}
func (w *writer) null() { w.b = append(w.b, "null"...) }

// kv helpers for object members.
func (w *writer) kstr(k, v string) { w.key(k); w.str(v) }

// kstrOpt omits empty strings.
func (w *writer) kstrOpt(k, v string) {
	if v != "" {
		w.kstr(k, v)
	}
}

func (w *writer) kstrs(k string, vs []string) {
	w.key(k)
	saved := w.pretty // short lists read best on one line
	w.pretty = false
	w.open('[')
	for _, v := range vs {
		w.sep()
		w.str(v)
	}
	w.close(']')
	w.pretty = saved
}

// value writes a generic Value.
func (w *writer) value(v Value) {
	switch v.Kind {
	case Null:
		w.null()
	case Bool:
		w.boolean(v.Bool)
	case Number:
		w.b = append(w.b, v.Text...)
	case String:
		w.str(v.Text)
	case Array:
		w.open('[')
		for _, it := range v.Items {
			w.sep()
			w.value(it)
		}
		w.close(']')
	case Object:
		w.open('{')
		for _, m := range v.Members {
			w.sep()
			w.quote(m.Key)
			w.b = append(w.b, ':')
			w.value(m.Value)
		}
		w.close('}')
	}
}

// JSON returns v as compact JSON text.
func (v Value) JSON() []byte {
	w := &writer{first: true}
	w.value(v)
	return w.b
}

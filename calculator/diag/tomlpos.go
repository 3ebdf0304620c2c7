package diag

import (
	"strconv"
)

// TOMLPositions returns the position of every key in a TOML document, so a
// decoded value can be reported at file:line:col. BurntSushi/toml keeps key
// positions private, hence this small scanner. Paths join keys with "." and
// index arrays with [i]: "benefits[0].criteria[1].expr",
// "examples[2].answers.firm_insured", "brackets[0].rows[3]".
// firstLine is the file line where src starts (front matter starts after "+++").
// The scanner is forgiving: on malformed input it returns what it found, the
// TOML decoder reports the syntax error itself.
func TOMLPositions(src []byte, file string, firstLine int) map[string]Pos {
	s := &tomlScanner{src: src, file: file, line: firstLine, col: 1,
		out: map[string]Pos{}, tables: map[string]int{}}
	s.run()
	return s.out
}

type tomlScanner struct {
	src       []byte
	i         int
	file      string
	line, col int
	out       map[string]Pos
	tables    map[string]int // array-of-tables path (resolved) -> elements so far
	current   string         // resolved path of the current table
}

func (s *tomlScanner) pos() Pos { return Pos{File: s.file, Line: s.line, Col: s.col} }

func (s *tomlScanner) peek() byte {
	if s.i < len(s.src) {
		return s.src[s.i]
	}
	return 0
}

func (s *tomlScanner) next() {
	if s.i >= len(s.src) {
		return
	}
	c := s.src[s.i]
	s.i++
	if c == '\n' {
		s.line++
		s.col = 1
	} else if c < 0x80 || c >= 0xC0 { // count characters, not bytes
		s.col++
	}
}

func (s *tomlScanner) skipSpace(newlines bool) {
	for s.i < len(s.src) {
		switch c := s.peek(); {
		case c == ' ' || c == '\t' || c == '\r':
			s.next()
		case c == '\n' && newlines:
			s.next()
		case c == '#':
			for s.i < len(s.src) && s.peek() != '\n' {
				s.next()
			}
		default:
			return
		}
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func (s *tomlScanner) run() {
	for s.i < len(s.src) {
		s.skipSpace(true)
		if s.i >= len(s.src) {
			return
		}
		switch s.peek() {
		case '[':
			s.header()
		default:
			p := s.pos()
			keys := s.key()
			if len(keys) == 0 { // not a key: skip the line
				s.skipLine()
				continue
			}
			s.skipSpace(false)
			if s.peek() != '=' {
				s.skipLine()
				continue
			}
			s.next()
			path := s.current
			for _, k := range keys {
				path = join(path, k)
			}
			s.out[path] = p
			s.value(path)
		}
	}
}

func (s *tomlScanner) skipLine() {
	for s.i < len(s.src) && s.peek() != '\n' {
		s.next()
	}
}

// header reads [table] or [[array.of.tables]].
func (s *tomlScanner) header() {
	p := s.pos()
	s.next()
	array := s.peek() == '['
	if array {
		s.next()
	}
	s.skipSpace(false)
	keys := s.key()
	s.skipLine()
	if len(keys) == 0 {
		return
	}
	// Resolve every parent segment to its latest array element.
	path := ""
	for i, k := range keys {
		path = join(path, k)
		if n, ok := s.tables[path]; ok && (i < len(keys)-1 || !array) {
			path += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	if array {
		n := s.tables[path]
		s.tables[path] = n + 1
		s.out[path] = p
		path += "[" + strconv.Itoa(n) + "]"
	}
	s.out[path] = p
	s.current = path
}

// key reads a possibly dotted, possibly quoted key.
func (s *tomlScanner) key() []string {
	var keys []string
	for {
		s.skipSpace(false)
		c := s.peek()
		var k string
		switch {
		case c == '"' || c == '\'':
			k = string(s.quoted(c))
		case isBareKey(c):
			start := s.i
			for s.i < len(s.src) && isBareKey(s.peek()) {
				s.next()
			}
			k = string(s.src[start:s.i])
		default:
			return keys
		}
		keys = append(keys, k)
		s.skipSpace(false)
		if s.peek() != '.' {
			return keys
		}
		s.next()
	}
}

func isBareKey(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// quoted reads a basic or literal string (single- or multi-line) and returns
// its raw contents (escapes are left as written; keys rarely have any), a
// slice of src.
func (s *tomlScanner) quoted(q byte) []byte {
	multi := s.i+2 < len(s.src) && s.src[s.i+1] == q && s.src[s.i+2] == q
	if multi {
		s.next()
		s.next()
		s.next()
		start := s.i
		for s.i < len(s.src) {
			if s.peek() == '\\' && q == '"' {
				s.next()
				s.next()
				continue
			}
			if s.i+2 < len(s.src) && s.src[s.i] == q && s.src[s.i+1] == q && s.src[s.i+2] == q {
				str := s.src[start:s.i]
				s.next()
				s.next()
				s.next()
				for s.peek() == q { // up to two quotes may end the content
					s.next()
				}
				return str
			}
			s.next()
		}
		return s.src[start:]
	}
	s.next()
	start := s.i
	for s.i < len(s.src) && s.peek() != '\n' {
		c := s.peek()
		if c == '\\' && q == '"' {
			s.next()
			s.next()
			continue
		}
		if c == q {
			str := s.src[start:s.i]
			s.next()
			return str
		}
		s.next()
	}
	return s.src[start:s.i]
}

// value skips a value, recording keys of inline tables and elements of arrays.
func (s *tomlScanner) value(path string) {
	s.skipSpace(false)
	switch c := s.peek(); c {
	case '"', '\'':
		s.quoted(c)
	case '{':
		s.next()
		for s.i < len(s.src) {
			s.skipSpace(true)
			if s.peek() == '}' {
				s.next()
				return
			}
			if s.peek() == ',' {
				s.next()
				continue
			}
			p := s.pos()
			keys := s.key()
			if len(keys) == 0 {
				s.next()
				continue
			}
			s.skipSpace(false)
			if s.peek() == '=' {
				s.next()
			}
			sub := path
			for _, k := range keys {
				sub = join(sub, k)
			}
			s.out[sub] = p
			s.value(sub)
		}
	case '[':
		s.next()
		for n := 0; s.i < len(s.src); {
			s.skipSpace(true)
			switch s.peek() {
			case ']':
				s.next()
				return
			case ',':
				s.next()
				continue
			}
			sub := path + "[" + strconv.Itoa(n) + "]"
			s.out[sub] = s.pos()
			before := s.i
			s.value(sub)
			if s.i == before { // never loop on junk
				s.next()
			}
			n++
		}
	default:
		// Scalar: number, bool, date. Stops at a delimiter.
		for s.i < len(s.src) {
			switch s.src[s.i] {
			case ',', ']', '}', '\n', '#':
				return
			}
			s.next()
		}
	}
}

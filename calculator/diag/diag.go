// Package diag holds source positions and error lists shared by every stage:
// a content error always says file:line:col, and a stage reports all of its
// errors at once, sorted.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a place in a content file. Line and Col are 1-based; zero means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one content error at a position. Notes point at other places
// that explain it ("defined here"), as esbuild's Message does: a second
// place is a Note, not text in the message.
type Error struct {
	Pos   Pos
	Msg   string
	Notes []Note
}

// Note is a second place belonging to an Error.
type Note struct {
	Pos Pos
	Msg string
}

// Error prints "file:line:col: message", each note on a line of its own
// below it, indented.
func (e Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	for _, n := range e.Notes {
		s += "\n\t" + n.Pos.String() + ": " + n.Msg
	}
	return s
}

func (e Error) same(o Error) bool {
	if e.Pos != o.Pos || e.Msg != o.Msg || len(e.Notes) != len(o.Notes) {
		return false
	}
	for i := range e.Notes {
		if e.Notes[i] != o.Notes[i] {
			return false
		}
	}
	return true
}

// List collects errors. The zero value is ready to use.
type List []Error

// Add records an error at pos.
func (l *List) Add(pos Pos, format string, args ...any) {
	*l = append(*l, Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// AddNote records an error at pos with a note at a second place.
func (l *List) AddNote(pos Pos, note Note, format string, args ...any) {
	*l = append(*l, Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Notes: []Note{note}})
}

// Merge appends another list.
func (l *List) Merge(o List) { *l = append(*l, o...) }

// Sort orders by file, line, column, message and drops exact duplicates.
func (l List) Sort() List {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
	out := l[:0]
	for i, e := range l {
		if i > 0 && e.same(l[i-1]) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Err returns the sorted list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// LineCol converts a byte offset in src to a 1-based line and column
// (column counted in characters, so a Chinese character is one column).
func LineCol(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line, col = 1, 1
	for _, r := range string(src[:off]) {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

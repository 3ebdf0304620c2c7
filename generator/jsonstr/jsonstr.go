// Package jsonstr appends JSON strings with the same bytes as encoding/json
// (HTML-safe escaping, U+2028 and U+2029 escaped, invalid UTF-8 replaced),
// without its reflection: for writers of large JSON files (search index,
// open data) that build the JSON by hand.
package jsonstr

import (
	"encoding/json"
	"unicode/utf8"
)

// Append appends s as encoding/json.Marshal writes it.
func Append(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return slow(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return slow(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// slow is the rare string that needs escapes: encoding/json writes it.
func slow(b []byte, s string) []byte {
	j, _ := json.Marshal(s) // a string always marshals
	return append(b, j...)
}

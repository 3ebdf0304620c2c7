package search

import (
	"unicode"
	"unicode/utf8"
)

// The tokenizer is ported line for line to themes/default/assets/search.js;
// a change here must be made there too (the browser test compares both).
//
// Text is folded first: full-width ASCII (ＡＢＣ１２３％) becomes half-width,
// the ideographic space a space, and ASCII letters lower case. Then it is cut
// into runs:
//   - a run of Han characters ("高校毕业生"), indexed as every single
//     character and every overlapping pair (高 校 毕 业 生 高校 校毕 毕业 业生);
//   - a word of letters and digits, with a "." between digits and a "%" after
//     a digit kept inside it ("12333", "5.5%", "10+n" is "10" and "n"); a word
//     ending in "%" is also indexed without it ("5.5").
//
// Nothing is a stop word: 不, 无 and 可 decide eligibility.

// fold maps one rune to its searchable form (0: a separator).
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		return 0
	}
	if r >= 'A' && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

func isHan(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF: // CJK Unified Ideographs, the common case
		return true
	case r < 0x2E80:
		return false
	}
	return unicode.Is(unicode.Han, r)
}

func isWord(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 0x7F && !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// run is a piece of folded text: Han characters or one word.
type run struct {
	text string
	han  bool
}

// runs cuts text into Han runs and words; everything else separates them.
func runs(text string) []run {
	rs := make([]rune, 0, len(text))
	for _, r := range text {
		rs = append(rs, fold(r))
	}
	var out []run
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isHan(r):
			j := i
			for j < len(rs) && isHan(rs[j]) {
				j++
			}
			out = append(out, run{string(rs[i:j]), true})
			i = j
		case isWord(r):
			j := i
			for j < len(rs) {
				c := rs[j]
				if isWord(c) {
					j++
				} else if c == '.' && j > i && isDigit(rs[j-1]) && j+1 < len(rs) && isDigit(rs[j+1]) {
					j++
				} else if c == '%' && j > i && isDigit(rs[j-1]) {
					j++
					break
				} else {
					break
				}
			}
			out = append(out, run{string(rs[i:j]), false})
			i = j
		default:
			i++
		}
	}
	return out
}

// indexTokens calls f for every token of text, in order, repeats included.
// It gives the tokens of runs (see runsTokens in the tests) without building
// the runs: Han characters are not changed by fold, so their tokens are
// slices of text, and only words are folded into new strings.
//
// key names a Han token by its runes, so that the index can look it up
// without hashing the string: r for one character, r1<<32|r2 for a pair
// (Han runes are > 0, so the two never meet); 0 for a word.
func indexTokens(text string, f func(tok string, key uint64)) {
	prev := -1     // offset of the previous Han character of the current run
	var prevR rune // that character
	var word []rune
	for i := 0; i < len(text); {
		r, size := decodeRune(text, i)
		c := fold(r)
		if isHan(c) {
			f(text[i:i+size], uint64(c))
			if prev >= 0 {
				f(text[prev:i+size], uint64(prevR)<<32|uint64(c))
			}
			prev, prevR = i, c
			i += size
			continue
		}
		prev = -1
		if !isWord(c) {
			i += size
			continue
		}
		// A word: the same rules as in runs. When folding changed none of
		// its runes, it is a slice of text (no new string).
		start, same := i, c == r
		word = append(word[:0], c)
		i += size
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			c := fold(r)
			last := word[len(word)-1]
			if isWord(c) {
				word = append(word, c)
				same = same && c == r
				i += size
				continue
			}
			if c == '.' && isDigit(last) && i+size < len(text) {
				n, _ := utf8.DecodeRuneInString(text[i+size:])
				if isDigit(fold(n)) {
					word = append(word, c)
					same = same && c == r
					i += size
					continue
				}
			}
			if c == '%' && isDigit(last) {
				word = append(word, c)
				same = same && c == r
				i += size
			}
			break
		}
		w := text[start:i]
		if !same {
			w = string(word)
		}
		f(w, 0)
		if word[len(word)-1] == '%' && len(word) > 1 {
			f(w[:len(w)-1], 0)
		}
	}
}

// decodeRune is utf8.DecodeRuneInString(text[i:]), with the three-byte
// runes of Chinese text decoded inline.
func decodeRune(text string, i int) (rune, int) {
	c := text[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	// Lead bytes E1–EC and EE–EF take any two continuation bytes (E0 and
	// ED restrict the second byte: left to the utf8 package).
	if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(text) {
		c1, c2 := text[i+1], text[i+2]
		if c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(text[i:])
}

// termTokens are the tokens a query term is looked up by: a single Han
// character by itself, a longer Han run by its overlapping pairs (every pair
// of a phrase found means the phrase is there), a word as it is. Duplicates
// are dropped, first occurrence kept.
func termTokens(t run) []string {
	if !t.han {
		return []string{t.text}
	}
	rs := []rune(t.text)
	if len(rs) == 1 {
		return []string{t.text}
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		tok := string(rs[i : i+2])
		if !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}

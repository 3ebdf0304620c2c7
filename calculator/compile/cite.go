package compile

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Citations must be the document's own words. The source mixes half-width
// punctuation ("," "(") with full-width ("。" "、"), and editors type either,
// so both sides are compared after folding full-width ASCII to half-width
// (like NFKC; "〔〕" and "。、" are not width variants and stay) and removing
// all whitespace.

// Normalize folds widths and drops whitespace.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		default:
			if h, ok := fullWidthSigns[r]; ok {
				r = h
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fullWidthSigns are the other NFKC width folds of U+FFE0–U+FFE6.
var fullWidthSigns = map[rune]rune{
	'\uFFE0': '¢', '\uFFE1': '£', '\uFFE2': '¬', '\uFFE3': '¯', '\uFFE4': '¦', '\uFFE5': '¥', '\uFFE6': '₩',
}

type citeIndex struct{ text string }

func newCiteIndex(src []byte) *citeIndex { return &citeIndex{text: Normalize(string(src))} }

// find returns "" when cite occurs in the source, else a message saying
// how much of it matched.
func (ci *citeIndex) find(cite string) string {
	n := Normalize(cite)
	if n == "" {
		return "引文为空"
	}
	if strings.Contains(ci.text, n) {
		return ""
	}
	// The longest prefix that does occur (prefixes occur monotonically).
	runes := []rune(n)
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if strings.Contains(ci.text, string(runes[:mid])) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	msg := "引文在原文中找不到：“" + short(cite, 40) + "”"
	if lo > 0 {
		msg += "（前" + strconv.Itoa(lo) + "个字与原文一致，从“" + short(string(runes[lo:]), 12) + "”起不一致）"
	}
	return msg
}

func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

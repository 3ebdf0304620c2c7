package calculator

import (
	"strings"
	"unicode/utf8"
)

// ParseAmount reads a number as people type it into a form: "30000",
// "30,000", "3万", "1.5万", "3万元", full-width "３００００" or "３，０００",
// spaces anywhere. It is what the page, the eval command and open-data users
// share, so they agree on every input. Thousands separators are accepted
// only in their right places ("30,000" and "1,234,567"; "3,00" is
// rejected), so a separator is never guessed to be a decimal point. unit is
// the question's unit ("元", "人"): a trailing unit is allowed ("3万元",
// "25人"). Errors are errNotNumber or ErrOverflow.
func ParseAmount(s, unit string) (Rat, error) {
	s = narrow(s)
	if unit != "" {
		s = strings.TrimSuffix(s, narrow(unit))
	}
	wan := false
	if strings.HasSuffix(s, "万") {
		s, wan = strings.TrimSuffix(s, "万"), true
	}
	if strings.ContainsRune(s, ',') {
		var ok bool
		if s, ok = ungroup(s); !ok {
			return Rat{}, errNotNumber
		}
	}
	r, err := ParseNumber(s)
	if err != nil || !wan {
		return r, err
	}
	return r.Mul(Int(10000))
}

// narrow maps full-width digits and signs to ASCII and drops white space
// (including the ideographic space).
func narrow(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch {
		case c >= '０' && c <= '９':
			b.WriteByte(byte('0' + c - '０'))
		case c == '．' || c == '。':
			b.WriteByte('.')
		case c == '，' || c == '、':
			b.WriteByte(',')
		case c == '－' || c == '−':
			b.WriteByte('-')
		case c == '＋':
			b.WriteByte('+')
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u3000' || c == '\u00a0':
		case c == utf8.RuneError:
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ungroup removes thousands separators from the integer part of s when
// they are in the right places: 1–3 digits, then groups of exactly 3.
func ungroup(s string) (string, bool) {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	ip, fp := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		ip, fp = s[:i], s[i:]
	}
	if strings.ContainsRune(fp, ',') {
		return "", false
	}
	groups := strings.Split(ip, ",")
	for i, g := range groups {
		if g == "" || len(g) > 3 || i > 0 && len(g) != 3 {
			return "", false
		}
		for j := range len(g) {
			if g[j] < '0' || g[j] > '9' {
				return "", false
			}
		}
	}
	return sign + strings.Join(groups, "") + fp, true
}

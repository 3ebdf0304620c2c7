package calculator

import "strconv"

// Date is a calendar day written as the number yyyymmdd (20231231), so that
// dates compare with < and the engine needs no time package (its size counts
// in the wasm). The zero Date means "none".
type Date int32

// MakeDate returns the Date for a valid year, month and day, or 0.
func MakeDate(y, m, d int) Date {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0
	}
	return Date(y*10000 + m*100 + d)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ParseDate parses "2006-01-02". It returns 0 for anything else.
func ParseDate(s string) Date {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	num := func(t string) int {
		n := 0
		for i := range len(t) {
			if t[i] < '0' || t[i] > '9' {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	return MakeDate(num(s[:4]), num(s[5:7]), num(s[8:]))
}

func (d Date) ymd() (int, int, int) { return int(d) / 10000, int(d) / 100 % 100, int(d) % 100 }

// String returns "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	y, m, dd := d.ymd()
	two := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	return strconv.Itoa(y) + "-" + two(m) + "-" + two(dd)
}

// Chinese returns "2023年12月31日".
func (d Date) Chinese() string {
	y, m, dd := d.ymd()
	return strconv.Itoa(y) + "年" + strconv.Itoa(m) + "月" + strconv.Itoa(dd) + "日"
}

// Today returns the reference date used when the input gives none. Outside
// the browser it is set from the clock (today.go); the wasm sets it from the
// browser's local date, so the engine itself needs neither time nor
// syscall/js. When nil, an input without a date is an error.
var Today func() Date

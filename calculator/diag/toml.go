package diag

import (
	"bytes"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Keys maps TOML key paths to positions (see TOMLPositions).
type Keys map[string]Pos

// At returns the position of key, or the start of the file when unknown.
func (k Keys) At(file, key string) Pos {
	if p, ok := k[key]; ok {
		return p
	}
	return Pos{File: file, Line: 1, Col: 1}
}

// Near returns the position of path, or of its nearest enclosing key or
// table that has one ("a[1].b" → "a[1]" → "a"), or the start of the file.
func (k Keys) Near(file, path string) Pos {
	for path != "" {
		if p, ok := k[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return Pos{File: file, Line: 1, Col: 1}
}

var (
	tomlLineRe    = regexp.MustCompile(`line (\d+)`)
	tomlLastKeyRe = regexp.MustCompile(`\(last key "([^"]*)"\): `)
	tomlIndexRe   = regexp.MustCompile(`\[\d+\]`)
)

// DecodeTOML is the one strict TOML reader of every content file. It
// decodes data into v and reports, at file:line:col and in the staff's
// language: a syntax error, a value of the wrong type, and every key that v
// has no field for (a typo must not be silently ignored). Decoded into a
// *map[string]any, every key is kept and the caller reports the keys it
// does not read (calculator/compile does). known, when not
// empty, lists the keys that are allowed, for the unknown-key message.
// firstLine is the file line of data[0] (front matter starts after "+++").
// It returns the position of every key, computed once, or nil when the
// TOML did not decode.
func DecodeTOML(data []byte, file string, firstLine int, v any, known string) (Keys, List) {
	var errs List
	if keys, ok := fastDecode(data, v, file, firstLine); ok {
		return keys, nil
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if strings.Contains(msg, "parsing time") {
				msg = "日期写法不对：请写成 2023-12-31 这样的 TOML 日期，不加引号"
			}
			if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
				msg = pe.LastKey + "：" + msg
			}
			// The TOML library reports line 0 for some errors inside a
			// string on the first line: never point before the file.
			line := max(pe.Position.Line, 1)
			errs.Add(Pos{File: file, Line: line + firstLine - 1, Col: max(pe.Position.Col, 1)}, "TOML 格式错误：%s", msg)
			return nil, errs
		}
		// A type mismatch ("incompatible types") names the line of its key.
		pos := Pos{File: file, Line: firstLine, Col: 1}
		msg := strings.TrimPrefix(err.Error(), "toml: ")
		if m := tomlLineRe.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			pos.Line = n + firstLine - 1
			msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
		}
		if m := tomlLastKeyRe.FindStringSubmatch(msg); m != nil {
			msg = m[1] + "：" + strings.Replace(msg, m[0], "", 1)
		}
		errs.Add(pos, "值的类型不对：%s", msg)
		return nil, errs
	}
	keys := Keys(TOMLPositions(data, file, firstLine))
	hint := ""
	if known != "" {
		hint = "（可用：" + known + "）"
	}
	if _, generic := v.(*map[string]any); generic {
		return keys, errs // every key is kept: the caller reads them strictly
	}
	for _, k := range md.Undecoded() {
		for _, pos := range keys.find(file, k.String(), firstLine) {
			name := k[len(k)-1]
			if name == "" {
				name = `""（空的键名）`
			}
			errs.Add(pos, "未知的键 %s%s", name, hint)
		}
	}
	return keys, errs
}

// find returns every position of a decoder key path (which has no array
// indexes) by matching the indexed paths the scanner recorded.
func (k Keys) find(file, want string, firstLine int) []Pos {
	var out []Pos
	for p, pos := range k {
		if tomlIndexRe.ReplaceAllString(p, "") == want {
			out = append(out, pos)
		}
	}
	if len(out) == 0 { // a key the position scan could not name (e.g. "")
		out = append(out, Pos{File: file, Line: firstLine, Col: 1})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Line < out[j].Line || out[i].Line == out[j].Line && out[i].Col < out[j].Col
	})
	return out
}

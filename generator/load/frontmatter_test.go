package load

import (
	"bytes"
	"reflect"
	"testing"

	"policyguide/calculator/diag"
)

// splitLines is the former frontMatter (bytes.SplitAfter on the whole
// file), kept to check that the line scan splits every file the same way.
func splitLines(data []byte, file string, v any, errs *diag.List) (Keys, []byte, int) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) == 0 || !bytes.Equal(bytes.TrimRight(lines[0], "\r\n"), fence) {
		errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "missing front matter: the file must start with a line \"+++\"")
		return nil, nil, 1
	}
	off := len(lines[0])
	for i := 1; i < len(lines); i++ {
		if bytes.Equal(bytes.TrimRight(lines[i], "\r\n"), fence) {
			fm := data[len(lines[0]):off]
			keys := decode(fm, file, 2, v, errs)
			return keys, data[off+len(lines[i]):], i + 2
		}
		off += len(lines[i])
	}
	errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "front matter is not closed: add a line \"+++\" after it")
	return nil, nil, 1
}

func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		"", "\n", "+++", "+++\n", "+++\n+++", "+++\n+++\n", "+++\r\n+++\r\nbody\n",
		"\xef\xbb\xbf+++\nid = \"a\"\n+++\n## x\n", "+++\nid = \"a\"\n\n+++\r\r\nbody",
		"++\n+++\n", "+++\nid = 1\n", " +++\n+++\n", "+++\n+++ \n+++\nb",
		"+++\nid = \"m1\"\norder = 1\ntitle = \"t\"\n+++\n## 这是什么\n\n正文\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a, b PageFile
		var ea, eb diag.List
		ka, ba, la := frontMatter(data, "f.md", &a, &ea)
		kb, bb, lb := splitLines(data, "f.md", &b, &eb)
		if !reflect.DeepEqual(ka, kb) || !bytes.Equal(ba, bb) || (ba == nil) != (bb == nil) || la != lb ||
			!reflect.DeepEqual(ea, eb) || !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: the line scan splits differently", data)
		}
	})
}

package diag

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// fastTarget has the shapes of a measure's front matter: fields the fast
// path fills, fields only the full decoder fills, and untagged fields the
// decoder matches by Go name.
type fastTarget struct {
	Name     string
	Body     []byte
	ID       string    `toml:"id"`
	Order    int       `toml:"order"`
	Title    string    `toml:"title"`
	Lead     []string  `toml:"lead"`
	Tags     []string  `toml:"tags"`
	Until    time.Time `toml:"until"`
	Small    int8      `toml:"small"`
	Skip     string    `toml:"-"`
	Optional string    `toml:"optional,omitempty"`
}

var fastSeeds = []string{
	"id = \"m1\"\norder = 1\ntitle = \"第1项\"\nlead = [\"市甲局\", \"市乙局\"]\n",
	"id = 'm1' # c\n\n# only a comment\n  order = 0\r\nlead = []\ntags = [\n  \"a\", # one\n  'b',\n]\n",
	"id = \"a\\\"b\"\n",
	"id = \"\"\"x\"\"\"\n",
	"id = \"\"\n",
	"id = ''\n",
	"order = 01\n",
	"order = -1\n",
	"order = 1_000\n",
	"order = 99999999999999999999\n",
	"id = \"x\"\nid = \"y\"\n",
	"ID = \"x\"\n",
	"name = \"x\"\n",
	"Name = \"x\"\n",
	"until = 2024-01-01\n",
	"small = 300\n",
	"skip = \"x\"\n",
	"optional = \"x\"\n",
	"[table]\nid = \"x\"\n",
	"a.b = 1\n",
	"\"id\" = \"x\"\n",
	"id = \"x\" y\n",
	"id = \"x\"\r",
	"id = \"a\tb\"\n",
	"id = \"a\x01b\"\n",
	"# \x7f\nid = \"x\"\n",
	"lead = [\"a\",,]\n",
	"lead = [1, 2]\n",
	"lead = \"a\"\n",
	"order = \"1\"\n",
	"\xef\xbb\xbfid = \"x\"\n",
	"id=\"x\"",
	"unknown = 1\n",
	"",
	"\n\n",
	"order = 1.5\n",
	"order = 0\n",
	"id = \"x\" # \r\n",
}

// TestFastDecode: wherever the fast path accepts a document, the full
// decoder accepts it too and fills the struct the same way, and the
// positions are TOMLPositions'.
func TestFastDecode(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if checkFast(t, []byte(s)) {
			accepted++
		}
	}
	if accepted < 5 {
		t.Fatalf("the fast path accepted only %d seeds", accepted)
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFast(t, data) })
}

func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	var fast, full fastTarget
	keys, ok := fastDecode(data, &fast, "f.md", 2)
	if !ok {
		if !reflect.DeepEqual(fast, fastTarget{}) {
			t.Fatalf("%q: the fast path changed the struct and gave up", data)
		}
		return false
	}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&full)
	if err != nil {
		t.Fatalf("%q: the fast path accepted what the decoder rejects: %v", data, err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Fatalf("%q: the fast path accepted undecoded keys %v", data, u)
	}
	if !reflect.DeepEqual(fast, full) {
		t.Fatalf("%q: fast %#v, decoder %#v", data, fast, full)
	}
	if want := Keys(TOMLPositions(data, "f.md", 2)); !reflect.DeepEqual(keys, want) {
		t.Fatalf("%q: fast positions %v, TOMLPositions %v", data, keys, want)
	}
	return true
}

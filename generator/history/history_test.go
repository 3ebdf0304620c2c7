package history

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	out := rec + "abc" + sep + "2025-03-02T10:00:00+08:00" + sep + "新增第三条：集中受理\n\nmeasures/x4.md\nrules/x4.toml\n" +
		rec + "def" + sep + "2025-01-06T09:00:00+08:00" + sep + "初始内容\n\nsite.toml\n"
	cs := parse([]byte(out))
	if len(cs) != 2 {
		t.Fatalf("%d commits", len(cs))
	}
	if c := cs[0]; c.Hash != "abc" || c.Subject != "新增第三条：集中受理" || len(c.Files) != 2 || c.Files[1] != "rules/x4.toml" ||
		!c.Date.Equal(time.Date(2025, 3, 2, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("first commit: %+v", c)
	}
	if _, err := Read(t.TempDir()); err != ErrNoGit {
		t.Skipf("temp dir inside a git checkout here (%v)", err)
	}
}

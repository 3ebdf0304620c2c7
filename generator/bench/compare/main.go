// Command compare times this generator against Debian's hugo on the same
// synthetic site, alternating the two so that both see the same machine:
//
//	go run ./generator/bench/compare -pages 10000 -runs 5
//
// It reports the median wall time and peak memory of each, and the ratios,
// for a build into an empty folder (CI), a rebuild over the previous output
// after one measure page was edited (a staff member's edit-and-build), and a build in memory only (`check`
// against `hugo --renderToMemory`); and, with -serve (the default), the
// preview servers: from saving a measure page to the changed page being
// served (`serve` against `hugo server`).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"policyguide/generator/bench/synth"
)

func main() {
	pages := flag.Int("pages", 10000, "number of synthetic measure pages")
	runs := flag.Int("runs", 5, "timed runs of each case (the median is reported)")
	hugo := flag.String("hugo", "hugo", "the hugo command")
	serve := flag.Bool("serve", true, "time the preview servers: save → changed page")
	builds := flag.Bool("builds", true, "time the builds (empty folder, over the previous output, in memory)")
	flag.Parse()
	if err := run(*pages, *runs, *hugo, *builds, *serve); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// sample is one timed run.
type sample struct {
	wall time.Duration
	rss  int64 // peak resident memory, KiB
}

func run(pages, runs int, hugo string, builds, serve bool) error {
	if _, err := exec.LookPath(hugo); err != nil {
		return fmt.Errorf("%s not found (Debian: apt-get install hugo)", hugo)
	}
	tmp, err := os.MkdirTemp("", "policyguide-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	gdir, hdir := filepath.Join(tmp, "gen"), filepath.Join(tmp, "hugo")
	if _, err := synth.Write(gdir, pages); err != nil {
		return err
	}
	if err := synth.WriteHugo(hdir, pages); err != nil {
		return err
	}
	bin := filepath.Join(tmp, "generator")
	if out, err := exec.Command("go", "build", "-o", bin, "./generator").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	gen := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Dir = gdir
		return c
	}
	hug := func(args ...string) *exec.Cmd {
		c := exec.Command(hugo, append([]string{"--quiet", "-s", hdir}, args...)...)
		return c
	}
	cleanGen := func() error {
		for _, d := range []string{"public", ".public.staging"} {
			if err := os.RemoveAll(filepath.Join(gdir, d)); err != nil {
				return err
			}
		}
		return nil
	}
	cleanHugo := func() error { return os.RemoveAll(filepath.Join(hdir, "public")) }

	type pair struct {
		name        string
		gen, hugo   func() *exec.Cmd
		before      func() error // untimed, before each generator run
		beforeHugo  func() error
		genS, hugoS []sample
	}
	cases := []*pair{
		{name: "into an empty folder",
			gen: func() *exec.Cmd { return gen("build") }, hugo: func() *exec.Cmd { return hug() },
			before: cleanGen, beforeHugo: cleanHugo},
		// A staff member's rebuild: one measure edited, then build.
		{name: "over the previous output, one page edited",
			gen: func() *exec.Cmd { return gen("build") }, hugo: func() *exec.Cmd { return hug() },
			before:     editOne(filepath.Join(gdir, "content", "measures", "m00007.md")),
			beforeHugo: editOne(filepath.Join(hdir, "content", "measures", "m00007.md"))},
		{name: "in memory (check / --renderToMemory)",
			gen: func() *exec.Cmd { return gen("check") }, hugo: func() *exec.Cmd { return hug("--renderToMemory") },
			before: func() error { return nil }, beforeHugo: func() error { return nil }},
	}
	fmt.Printf("%d synthetic pages, %d runs each, alternating; medians\n", pages, runs)
	if !builds {
		cases = nil
	}
	for _, c := range cases {
		// Two untimed warm-up runs each: the page cache, and for the rebuild
		// case the previous output (both of this generator's trees).
		for range 2 {
			if _, err := timed(c.gen()); err != nil {
				return fmt.Errorf("%s: generator: %w", c.name, err)
			}
			if _, err := timed(c.hugo()); err != nil {
				return fmt.Errorf("%s: hugo: %w", c.name, err)
			}
		}
		for range runs {
			if err := c.before(); err != nil {
				return err
			}
			s, err := timed(c.gen())
			if err != nil {
				return fmt.Errorf("%s: generator: %w", c.name, err)
			}
			c.genS = append(c.genS, s)
			if err := c.beforeHugo(); err != nil {
				return err
			}
			if s, err = timed(c.hugo()); err != nil {
				return fmt.Errorf("%s: hugo: %w", c.name, err)
			}
			c.hugoS = append(c.hugoS, s)
		}
		g, h := median(c.genS), median(c.hugoS)
		fmt.Printf("%-40s generator %6.2f s %5d MB   hugo %6.2f s %5d MB   time ratio %.2f×   memory ratio %.2f×\n",
			c.name, g.wall.Seconds(), g.rss/1024, h.wall.Seconds(), h.rss/1024,
			g.wall.Seconds()/h.wall.Seconds(), float64(g.rss)/float64(h.rss))
	}
	if !serve {
		return nil
	}
	// The preview servers, each on its own: start it, then save a measure
	// page runs times and poll the page over HTTP until the change is there.
	g, err := saveToPage(exec.Command(bin, "serve", "--addr", "127.0.0.1:18431"), gdir,
		"http://127.0.0.1:18431/measures/m7/", filepath.Join(gdir, "content", "measures", "m00007.md"), runs)
	if err != nil {
		return fmt.Errorf("generator serve: %w", err)
	}
	h, err := saveToPage(exec.Command(hugo, "server", "--quiet", "-s", hdir, "--port", "18432", "--bind", "127.0.0.1"), "",
		"http://127.0.0.1:18432/measures/m00007/", filepath.Join(hdir, "content", "measures", "m00007.md"), runs)
	if err != nil {
		return fmt.Errorf("hugo server: %w", err)
	}
	fmt.Printf("%-40s generator %6.3f s           hugo %6.3f s           time ratio %.2f×\n",
		"serve: save → changed page", g.Seconds(), h.Seconds(), g.Seconds()/h.Seconds())
	return nil
}

// saveToPage starts a preview server, waits until it serves url, then saves
// file runs times with a new sentence at the end and polls url until the
// sentence is on the page; it returns the median wait and stops the server.
func saveToPage(c *exec.Cmd, dir, url, file string, runs int) (time.Duration, error) {
	c.Dir = dir
	var out strings.Builder
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = c.Process.Kill(); _, _ = c.Process.Wait() }()
	get := func() (string, bool) {
		resp, err := http.Get(url)
		if err != nil {
			return "", false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.StatusCode == http.StatusOK
	}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if _, ok := get(); ok {
			break
		}
		if time.Since(start) > 5*time.Minute {
			return 0, fmt.Errorf("not serving %s after 5 minutes:\n%s", url, out.String())
		}
	}
	orig, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	defer os.WriteFile(file, orig, 0o644)
	var waits []time.Duration
	for i := range runs {
		time.Sleep(2 * time.Second) // whatever the last save started has ended
		marker := fmt.Sprintf("第%d次保存的修改。", i)
		start := time.Now()
		if err := os.WriteFile(file, append(append([]byte{}, orig...), "\n"+marker+"\n"...), 0o644); err != nil {
			return 0, err
		}
		for {
			if b, _ := get(); strings.Contains(b, marker) {
				break
			}
			if time.Since(start) > time.Minute {
				return 0, fmt.Errorf("the change is not on %s after a minute:\n%s", url, out.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
		waits = append(waits, time.Since(start))
	}
	slices.Sort(waits)
	return waits[len(waits)/2], nil
}

// editOne returns a function that adds a new sentence to file each time it
// is called (a staff member's edit).
func editOne(file string) func() error {
	n := 0
	return func() error {
		n++
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(f, "\n第%d次修改的一句话。\n", n)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
}

// timed runs c and returns its wall time and peak memory.
func timed(c *exec.Cmd) (sample, error) {
	start := time.Now()
	out, err := c.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%v\n%s", err, out)
	}
	var rss int64
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return sample{wall, rss}, nil
}

// median of the wall times, and of the peak memories, separately.
func median(s []sample) sample {
	w := make([]time.Duration, len(s))
	r := make([]int64, len(s))
	for i, x := range s {
		w[i], r[i] = x.wall, x.rss
	}
	slices.Sort(w)
	slices.Sort(r)
	return sample{w[len(w)/2], r[len(r)/2]}
}

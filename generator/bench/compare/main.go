// Command compare times this generator against Debian's hugo on the same
// synthetic site, alternating the two so that both see the same machine:
//
//	go run ./generator/bench/compare -pages 10000 -runs 5
//
// It reports the median wall time and peak memory of each, and the ratios,
// for a build into an empty folder (CI), a rebuild over the previous output
// (a staff member's edit-and-build), and a build in memory only (`check`
// against `hugo --renderToMemory`).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"policyguide/generator/bench/synth"
)

func main() {
	pages := flag.Int("pages", 10000, "number of synthetic measure pages")
	runs := flag.Int("runs", 5, "timed runs of each case (the median is reported)")
	hugo := flag.String("hugo", "hugo", "the hugo command")
	flag.Parse()
	if err := run(*pages, *runs, *hugo); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// sample is one timed run.
type sample struct {
	wall time.Duration
	rss  int64 // peak resident memory, KiB
}

func run(pages, runs int, hugo string) error {
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
		{name: "over the previous output",
			gen: func() *exec.Cmd { return gen("build") }, hugo: func() *exec.Cmd { return hug() },
			before: func() error { return nil }, beforeHugo: func() error { return nil }},
		{name: "in memory (check / --renderToMemory)",
			gen: func() *exec.Cmd { return gen("check") }, hugo: func() *exec.Cmd { return hug("--renderToMemory") },
			before: func() error { return nil }, beforeHugo: func() error { return nil }},
	}
	fmt.Printf("%d synthetic pages, %d runs each, alternating; medians\n", pages, runs)
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
	return nil
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

// Command rapport-bench measures Rapport: it runs every Go benchmark of the
// module, each in a process of its own so that its peak memory is its own,
// then times the rapport binary as a shop uses it on a generated client book
// (whole commands, the app's first frame under Xvfb), side by side with the
// sqlite3 shell loading the same rows and Python's vobject parsing the same
// vCard file. It prints one table and writes it, with the machine it ran on,
// to docs/benchmarks.md.
//
// make bench runs it; see the Makefile for the packages it needs.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	out := flag.String("out", "docs/benchmarks.md", "the report file to write")
	bin := flag.String("rapport", "bin/rapport", "the rapport binary to time")
	clients := flag.Int("clients", 100_000, "clients of the generated shop for the whole-process figures")
	only := flag.String("bench", ".", "run only the Go benchmarks matching this regular expression")
	skipGo := flag.Bool("skip-go", false, "skip the Go benchmarks")
	flag.Parse()

	work, err := os.MkdirTemp("", "rapport-bench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(work)
	r := &report{started: time.Now()}
	if !*skipGo {
		if err := r.goBenchmarks(work, *only, *clients); err != nil {
			fatal(err)
		}
	}
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fatal(err)
	}
	if err := r.processBenchmarks(work, abs, *clients); err != nil {
		fatal(err)
	}
	md := r.markdown()
	fmt.Print(md)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fatal(err)
	}
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %s\n", *out, time.Since(r.started).Round(time.Second))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "rapport-bench:", err)
	os.Exit(1)
}

// row is one line of the table.
type row struct {
	operation  string
	size       string
	median     time.Duration
	throughput string
	allocs     string // allocations and bytes per operation, when Go counts them
	peakRSS    int64  // KiB, of the whole process
	note       string
	target     string // the goal the figure is held to, and whether it is met
}

type report struct {
	started time.Time
	goRows  []row
	procs   []row
	compare []string // the lines of the side-by-side comparison
}

// goBenchmarks runs each benchmark of each package in its own process.
func (r *report) goBenchmarks(work, only string, clients int) error {
	filter, err := regexp.Compile(only)
	if err != nil {
		return err
	}
	list, err := exec.Command("go", "test", "-list", "^Benchmark", "./...").Output()
	if err != nil {
		return fmt.Errorf("go test -list: %w", err)
	}
	// go test -list prints a package's names, then its "ok" line.
	var names []string
	for _, line := range strings.Split(string(list), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "Benchmark"):
			names = append(names, f[0])
		case len(f) >= 2 && f[0] == "ok":
			if err := r.runPackage(work, f[1], names, filter, clients); err != nil {
				return err
			}
			names = nil
		}
	}
	return nil
}

func (r *report) runPackage(work, pkg string, names []string, filter *regexp.Regexp, clients int) error {
	var run []string
	for _, n := range names {
		if filter.MatchString(n) {
			run = append(run, n)
		}
	}
	if len(run) == 0 {
		return nil
	}
	dir, err := exec.Command("go", "list", "-f", "{{.Dir}}", pkg).Output()
	if err != nil {
		return fmt.Errorf("go list %s: %w", pkg, err)
	}
	testBin := filepath.Join(work, strings.ReplaceAll(pkg, "/", "_")+".test")
	build := exec.Command("go", "test", "-c", "-o", testBin, pkg)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build the tests of %s: %w", pkg, err)
	}
	short := strings.TrimPrefix(pkg, "rapport/")
	for _, name := range run {
		fmt.Fprintf(os.Stderr, "running %s %s\n", short, name)
		// The benchmarks of a package share one generated shop of the size
		// the report is about: made once, it is reused by each process.
		var extra []string
		size := fmt.Sprintf("%dk clients", clients/1000)
		switch pkg {
		case "rapport/data":
			extra = []string{"-rapport.clients", strconv.Itoa(clients), "-rapport.db", filepath.Join(work, "data-bench.db")}
		case "rapport/ui":
			extra = []string{"-rapport.clients", strconv.Itoa(clients), "-rapport.db", filepath.Join(work, "ui-bench.db")}
		case "rapport/sync/fileshare":
			// A join of the full shop takes minutes of its own: sync is
			// measured on a fifth of it, so that the report stays within
			// a quarter of an hour.
			n := min(clients, syncClients)
			extra = []string{"-sync.clients", strconv.Itoa(n)}
			size = fmt.Sprintf("%dk clients", n/1000)
		}
		rows, err := runBenchmark(testBin, strings.TrimSpace(string(dir)), name, extra)
		if err != nil {
			return fmt.Errorf("%s %s: %w", pkg, name, err)
		}
		for i := range rows {
			rows[i].operation = short + " " + strings.TrimPrefix(rows[i].operation, "Benchmark")
			if rows[i].size == "" {
				rows[i].size = size
			}
		}
		r.goRows = append(r.goRows, rows...)
	}
	return nil
}

// syncClients is the size of the shop the sync benchmarks run on.
const syncClients = 20_000

// benchLine is a result line: name-procs, iterations, then value-unit pairs.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// runBenchmark runs one benchmark (and its sub-benchmarks) three times, or
// once when one run takes long, and keeps for each the run of median time.
func runBenchmark(testBin, dir, name string, extra []string) ([]row, error) {
	type result struct {
		ns      float64
		metrics map[string]float64
		units   []string
	}
	results := map[string][]result{}
	var order []string
	var peak int64
	for count := 0; count < 3; count++ {
		start := time.Now()
		args := append([]string{"-test.run", "^$", "-test.bench", "^" + name + "$", "-test.benchmem", "-test.timeout", "30m"}, extra...)
		cmd := exec.Command(testBin, args...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = &out
		err := cmd.Run()
		if err != nil {
			return nil, fmt.Errorf("%w\n%s", err, out.String())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, int64(ru.Maxrss))
		}
		for _, line := range strings.Split(out.String(), "\n") {
			m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			res := result{metrics: map[string]float64{}}
			f := strings.Fields(m[3])
			for i := 0; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					continue
				}
				res.metrics[f[i+1]] = v
				res.units = append(res.units, f[i+1])
			}
			res.ns = res.metrics["ns/op"]
			if _, seen := results[m[1]]; !seen {
				order = append(order, m[1])
			}
			results[m[1]] = append(results[m[1]], res)
		}
		if time.Since(start) > 15*time.Second {
			break // a large one: its one run is the figure
		}
	}
	var rows []row
	for _, n := range order {
		rs := results[n]
		sort.Slice(rs, func(i, j int) bool { return rs[i].ns < rs[j].ns })
		mid := rs[len(rs)/2]
		rw := row{operation: n, size: sizeOf(n), median: time.Duration(mid.ns), peakRSS: peak}
		if len(rs) > 1 {
			rw.note = fmt.Sprintf("median of %d runs", len(rs))
		}
		var through, extra []string
		for _, u := range mid.units {
			v := mid.metrics[u]
			switch {
			case u == "ns/op":
			case u == "B/op" || u == "allocs/op":
			case u == "MB/s" || strings.HasSuffix(u, "/s"):
				through = append(through, fmt.Sprintf("%s %s", human(v), u))
			default:
				extra = append(extra, fmt.Sprintf("%s %s", human(v), u))
			}
		}
		if a, ok := mid.metrics["allocs/op"]; ok {
			rw.allocs = fmt.Sprintf("%s allocs, %s", human(a), bytesHuman(mid.metrics["B/op"]))
		}
		rw.throughput = strings.Join(through, ", ")
		if len(extra) > 0 {
			rw.note = strings.TrimPrefix(rw.note+"; "+strings.Join(extra, ", "), "; ")
		}
		rows = append(rows, rw)
	}
	return rows, nil
}

// sizeOf reads the data size from a benchmark's name ("Import100k").
var sizeInName = regexp.MustCompile(`(\d+)([kM])\b|(\d+)([kM])[/_-]|(\d+)([kM])$`)

func sizeOf(name string) string {
	if m := sizeInName.FindStringSubmatch(name); m != nil {
		for i := 1; i+1 < len(m); i += 2 {
			if m[i] != "" {
				return m[i] + m[i+1]
			}
		}
	}
	return "" // the generated shop the package's benchmarks share
}

func human(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case v == float64(int64(v)):
		return strconv.FormatInt(int64(v), 10)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func bytesHuman(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// measured is one run of a process.
type measured struct {
	took   time.Duration
	peak   int64 // KiB
	stdout string
}

func runProcess(ctx context.Context, env []string, name string, args ...string) (measured, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	start := time.Now()
	err := cmd.Run()
	m := measured{took: time.Since(start), stdout: out.String()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.peak = int64(ru.Maxrss)
		}
	}
	if err != nil {
		return m, fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, errOut.String())
	}
	return m, nil
}

// repeated runs a command n times and gives the median time and the largest peak.
func repeated(n int, env []string, name string, args ...string) (measured, error) {
	var runs []measured
	for i := 0; i < n; i++ {
		m, err := runProcess(context.Background(), env, name, args...)
		if err != nil {
			return m, err
		}
		runs = append(runs, m)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].took < runs[j].took })
	mid := runs[len(runs)/2]
	for _, m := range runs {
		mid.peak = max(mid.peak, m.peak)
	}
	return mid, nil
}

func goal(ok bool, text string) string {
	if ok {
		return text + " ✓"
	}
	return text + " ✗ missed"
}

// processBenchmarks times the rapport binary on a generated shop.
func (r *report) processBenchmarks(work, bin string, clients int) error {
	db := filepath.Join(work, "shop.db")
	size := fmt.Sprintf("%dk clients", clients/1000)
	env := []string{"LANG=en_US.UTF-8", "RAPPORT_REGION=DE", "RAPPORT_STAFF=Bench"}
	fmt.Fprintf(os.Stderr, "generating a shop of %d clients\n", clients)
	m, err := runProcess(context.Background(), env, bin, "--db", db, "demo", "--clients", strconv.Itoa(clients))
	if err != nil {
		return err
	}
	var interactions string
	if out, err := exec.Command("sqlite3", db, "SELECT count(*) FROM interaction").Output(); err == nil {
		interactions = strings.TrimSpace(string(out))
		size += ", " + interactions + " interactions"
	}
	r.procs = append(r.procs, row{operation: "rapport demo (generate and load the shop)", size: size, median: m.took, peakRSS: m.peak,
		throughput: perSecond(clients, m.took, "clients")})

	type cmdCase struct {
		what, target string
		limit        time.Duration
		args         []string
	}
	for _, c := range []cmdCase{
		{"rapport contact search (whole process)", "under 150 ms", 150 * time.Millisecond, []string{"contact", "search", "keller"}},
		{"rapport contact search, phone digits", "under 150 ms", 150 * time.Millisecond, []string{"contact", "search", "1234567"}},
		{"rapport today (whole process)", "under 500 ms", 500 * time.Millisecond, []string{"today"}},
	} {
		fmt.Fprintf(os.Stderr, "timing %s\n", c.what)
		m, err := repeated(11, env, bin, append([]string{"--db", db}, c.args...)...)
		if err != nil {
			return err
		}
		r.procs = append(r.procs, row{operation: c.what, size: size, median: m.took, peakRSS: m.peak, note: "median of 11 runs",
			target: goal(m.took < c.limit, c.target)})
	}

	if err := r.firstFrame(work, bin, db, size, env); err != nil {
		fmt.Fprintln(os.Stderr, "first frame:", err)
		r.procs = append(r.procs, row{operation: "app: first frame with the client list", size: size,
			note: "not measured: " + firstLine(err.Error()), target: "under 1.5 s, under 300 MB"})
	}

	// The vCard round: export the shop, import it into an empty book, and
	// let the floor and the peer do their part of the same job.
	vcf := filepath.Join(work, "shop.vcf")
	m, err = runProcess(context.Background(), env, bin, "--db", db, "export", "vcard", "-o", vcf)
	if err != nil {
		return err
	}
	st, _ := os.Stat(vcf)
	r.procs = append(r.procs, row{operation: "rapport export vcard", size: fmt.Sprintf("%dk cards, %.0f MB", clients/1000, float64(st.Size())/1e6),
		median: m.took, peakRSS: m.peak, throughput: perSecond(clients, m.took, "cards")})
	fmt.Fprintln(os.Stderr, "importing the vCard file")
	imported := filepath.Join(work, "imported.db")
	imp, err := runProcess(context.Background(), env, bin, "--db", imported, "import", vcf)
	if err != nil {
		return err
	}
	r.procs = append(r.procs, row{operation: "rapport import (vCard, into an empty book)", size: fmt.Sprintf("%dk cards", clients/1000),
		median: imp.took, peakRSS: imp.peak, throughput: perSecond(clients, imp.took, "cards"), note: firstLine(imp.stdout)})

	fmt.Fprintln(os.Stderr, "parsing the vCard file with vobject")
	py := "/usr/bin/python3" // Debian's, where python3-vobject is installed
	vob, err := runProcess(context.Background(), nil, py, "-c", `import sys, vobject
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for card in vobject.readComponents(f):
        n += 1
print(n)`, vcf)
	if err != nil {
		r.compare = append(r.compare, "Python vobject: not measured ("+firstLine(err.Error())+")")
	} else {
		r.procs = append(r.procs, row{operation: "Python vobject: parse the same file (no store)", size: fmt.Sprintf("%s cards", strings.TrimSpace(vob.stdout)),
			median: vob.took, peakRSS: vob.peak, throughput: perSecond(clients, vob.took, "cards")})
		ratio := float64(imp.took) / float64(vob.took)
		r.compare = append(r.compare, fmt.Sprintf("Rapport's whole vCard import (parse, match, write, index) takes %.2fx the time vobject needs to parse the file alone: %s",
			ratio, goal(ratio < 1, "must beat vobject's parse")))
	}

	fmt.Fprintln(os.Stderr, "loading the same rows with the sqlite3 shell")
	floor, rowsN, err := sqliteFloor(work, imported)
	if err != nil {
		r.compare = append(r.compare, "sqlite3 shell: not measured ("+firstLine(err.Error())+")")
	} else {
		r.procs = append(r.procs, row{operation: "sqlite3 shell: .import the same rows from CSV", size: fmt.Sprintf("%s rows", human(float64(rowsN))),
			median: floor.took, peakRSS: floor.peak, throughput: perSecond(rowsN, floor.took, "rows")})
		r.compare = append(r.compare, fmt.Sprintf("Rapport's import takes %.1fx the time the sqlite3 shell needs to load the rows it writes from CSV, without parsing vCard, matching, change capture or the search index",
			float64(imp.took)/float64(floor.took)))
	}
	return nil
}

// sqliteFloor writes the rows the import stored as CSV files and times the
// sqlite3 shell loading them into an empty database in one transaction.
func sqliteFloor(work, imported string) (measured, int, error) {
	tables := []string{"contact", "contact_email", "contact_phone", "contact_address", "contact_url", "contact_tag", "tag", "important_date"}
	script := &strings.Builder{}
	script.WriteString(".mode csv\nBEGIN;\n")
	total := 0
	for _, t := range tables {
		csv := filepath.Join(work, t+".csv")
		out, err := exec.Command("sqlite3", "-csv", "-header", imported, "SELECT * FROM "+t).Output()
		if err != nil {
			return measured{}, 0, fmt.Errorf("sqlite3 export %s: %w", t, err)
		}
		if err := os.WriteFile(csv, out, 0o600); err != nil {
			return measured{}, 0, err
		}
		n, _ := exec.Command("sqlite3", imported, "SELECT count(*) FROM "+t).Output()
		k, _ := strconv.Atoi(strings.TrimSpace(string(n)))
		total += k
		fmt.Fprintf(script, ".import %s %s\n", csv, t)
	}
	script.WriteString("COMMIT;\n")
	cmd := exec.Command("sqlite3", filepath.Join(work, "floor.db"))
	cmd.Stdin = strings.NewReader(script.String())
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	err := cmd.Run()
	m := measured{took: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peak = int64(ru.Maxrss)
	}
	if err != nil {
		return m, 0, fmt.Errorf("sqlite3: %w: %s", err, errOut.String())
	}
	return m, total, nil
}

// firstFrame starts the app under Xvfb on the shop and reads the line the
// app prints once its first frame with the client list is on screen.
func (r *report) firstFrame(work, bin, db, size string, env []string) error {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		return errors.New("no Xvfb on this machine")
	}
	display := ":" + strconv.Itoa(90+os.Getpid()%100)
	x := exec.Command(xvfb, display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		return err
	}
	defer func() { x.Process.Kill(); x.Wait() }()
	time.Sleep(time.Second) // the server takes a moment to accept clients

	var frames []time.Duration
	var peak int64
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, bin, "--db", db)
		cmd.Env = append(append(os.Environ(), env...), "DISPLAY="+display, "RAPPORT_BENCH_FIRST_FRAME=quit-after=5s")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			cancel()
			return err
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			cancel()
			return err
		}
		var frame time.Duration
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "first frame") && frame == 0 {
				frame = time.Since(start)
			}
		}
		io.Copy(io.Discard, stderr)
		err = cmd.Wait()
		cancel()
		if frame == 0 {
			return fmt.Errorf("the app never reported its first frame (%v)", err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, int64(ru.Maxrss))
		}
		frames = append(frames, frame)
	}
	sort.Slice(frames, func(i, j int) bool { return frames[i] < frames[j] })
	mid := frames[len(frames)/2]
	r.procs = append(r.procs, row{operation: "app: start to first frame with the client list (Xvfb)", size: size, median: mid,
		peakRSS: peak, note: "median of 3 starts; peak RSS over the first 5 s after the frame",
		target: goal(mid < 1500*time.Millisecond && peak < 300*1024, "under 1.5 s, under 300 MB")})
	return nil
}

func perSecond(n int, d time.Duration, unit string) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf("%s %s/s", human(float64(n)/d.Seconds()), unit)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', 1, 64) + "µs"
}

func rss(kib int64) string {
	if kib == 0 {
		return "—"
	}
	return fmt.Sprintf("%d MB", kib/1024)
}

func (r *report) markdown() string {
	var b strings.Builder
	cpu := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(info), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	fmt.Fprintf(&b, "# Rapport benchmarks\n\nMeasured by `make bench` on %s: %s, %d cores, %s/%s, %s.\n\n",
		r.started.UTC().Format("2006-01-02"), cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	b.WriteString("Peak memory is the peak resident set size of the whole process that ran the\n" +
		"operation (for a Go benchmark, the test process with its setup). Allocations are Go's\n" +
		"count per operation.\n\n")
	table := func(title string, rows []row) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n| operation | data | median time | throughput | allocations | peak memory | target | notes |\n|---|---|---|---|---|---|---|---|\n", title)
		for _, rw := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", rw.operation, rw.size, roundDuration(rw.median),
				orDash(rw.throughput), orDash(rw.allocs), rss(rw.peakRSS), orDash(rw.target), orDash(strings.ReplaceAll(rw.note, "|", "/")))
		}
		b.WriteString("\n")
	}
	table("Rapport as a shop uses it (whole processes)", r.procs)
	if len(r.compare) > 0 {
		b.WriteString("## Against the floor and a peer\n\n")
		for _, c := range r.compare {
			b.WriteString("- " + c + "\n")
		}
		b.WriteString("\n")
	}
	table("Go benchmarks", r.goRows)
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

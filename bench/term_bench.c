/*
 * bench/term_bench — the terminal benchmarks: khidma's kiosk beside
 * `dialog` and `whiptail`, all driven by the e2e harness (tests/e2e/
 * harness: forkpty + libvterm) with the same terminal for every program:
 * 80×24, TERM=xterm-256color, LC_ALL=C.UTF-8, a fresh HOME. Prints
 * Markdown sections for bench/results.md.
 *
 *   term_bench DB        ($KHIDMA_BIN = the kiosk binary)
 *
 * DB is a generated branch database (bench/gen); the kiosk runs on a copy
 * of it. Measures:
 *  1. time to first paint: spawn → the last byte of the first complete
 *     screen (the expected text is on the libvterm screen and the program
 *     then writes nothing for 200 ms), median of 7 runs. The kiosk's first
 *     screen is its welcome (language choice); one key more gives the home
 *     menu, timed separately. dialog/whiptail: `--menu` with the kiosk's 4
 *     home items;
 *  2. peak RSS: VmHWM of the running program after the first paint and a
 *     few menu moves;
 *  3. bytes written to the terminal per menu move (Down, Up) and per typed
 *     character in a text field (Latin in an English session, Arabic in an
 *     Arabic one) vs `dialog --inputbox` and `whiptail --inputbox`; each
 *     key is sent alone and the output counted once it has gone quiet;
 *     beside them the kiosk's on-screen keyboard (issue 11) in the Arabic
 *     name field, driven by keypad keys: a highlight move (6 and 4) and a
 *     letter typed with it (5: the letter lands in the field);
 *  4. CPU instructions per typed character: the program runs under
 *     `valgrind --tool=callgrind --instr-atstart=no`; once the program is
 *     idle (no CPU time for a second: start-up work such as the kiosk's
 *     background quick_check is over), instrumentation is switched on
 *     (callgrind_control -i on) just before typing K characters and off
 *     after them, so the count is the K keystrokes alone (read, edit,
 *     layout, draw, doupdate), divided by K. Three rows: Latin typing,
 *     Arabic typing (an Arabic session) and menu moves (the home menu vs
 *     the anchors' --menu). TB_ONLY_CALLGRIND=1 runs only the kiosk's three,
 *     TB_ONLY_CALLGRIND=all the anchors' too.
 *
 * TB_ONLY_WIRE=1 runs only the kiosk's rows of 3. TB_PAINT=N runs only 1 and 2, the kiosk and dialog alternating N times
 * (bench/README.md); TB_SMAPS=FILE adds the kiosk's memory breakdown.
 *
 * Invariants:
 *  1. Every program gets byte-identical keys (libvterm's encoding) and the
 *     same environment; only what the program itself writes is counted.
 *  2. A measurement whose expected screen never showed is reported as
 *     failed (and the exit status is 1), never as a number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/harness.h"
#include "bench/stats.h"

#define ROWS 24
#define COLS 80
#define RUNS 7
#define QUIET 200
static int t_screen = 15000;   /* ms; longer under valgrind */

static const char *db_src;
static int failures;

static const char *const items_en[] = {
	"New service request", "Track my request", "Satisfaction survey",
	"Information and guides",
};

static const char kiosk_conf[] = "idle_timeout = 600;\nidle_warning = 20;\n";

static const char *const dialog_menu[] = {
	"dialog", "--menu", "Member services", "0", "0", "4",
	"1", "New service request", "2", "Track my request",
	"3", "Satisfaction survey", "4", "Information and guides", NULL,
};
static const char *const whiptail_menu[] = {
	"whiptail", "--menu", "Member services", "14", "50", "4",
	"1", "New service request", "2", "Track my request",
	"3", "Satisfaction survey", "4", "Information and guides", NULL,
};
static const char *const dialog_input[] = {
	"dialog", "--inputbox", "Full name", "0", "60", NULL,
};
static const char *const whiptail_input[] = {
	"whiptail", "--inputbox", "Full name", "10", "60", NULL,
};

/* Copy the generated database into the handle's directory. */
static bool copy_db(ht *h)
{
	char cmd[8192];

	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db_src, ht_path(h, "bench.db"));
	return system(cmd) == 0;
}

/* A kiosk handle, not yet spawned: config and database in place. */
static ht *kiosk_new(void)
{
	ht *h = ht_new(ROWS, COLS);

	if (!ht_write_file(h, "khidma.conf", kiosk_conf) || !copy_db(h)) {
		fprintf(stderr, "term_bench: cannot prepare %s\n", ht_dir(h));
		exit(1);
	}
	return h;
}

static bool kiosk_spawn(ht *h)
{
	const char *args[] = { "--db", NULL, NULL };
	char db[4096];

	snprintf(db, sizeof db, "%s", ht_path(h, "bench.db"));
	args[1] = db;
	return ht_spawn_khidma(h, args, NULL);
}

/* Wait for text, then for QUIET ms of silence; false (and a dump on
 * stderr) when the text never showed. */
static bool settle(ht *h, const char *text, const char *what)
{
	if (!ht_wait_text(h, text, t_screen) || !ht_wait_quiet(h, QUIET)) {
		fprintf(stderr, "term_bench: %s: \"%s\" never showed; screen:\n%s\n",
		        what, text, ht_screen(h));
		failures++;
		return false;
	}
	return true;
}

/* Bytes the program writes for one key, once quiet. */
static long bytes_for_key(ht *h, int key, const char *utf8)
{
	uint64_t b0 = ht_bytes_read(h);

	if (utf8)
		ht_keys(h, utf8);
	else
		ht_key(h, key);
	ht_pump(h, 30);
	ht_wait_quiet(h, 120);
	return (long)(ht_bytes_read(h) - b0);
}

struct paint { double first_ms[RUNS]; double home_ms[RUNS]; long bytes; long hwm_kb;
	long anon_kb, file_kb; int n; };

/* One "Name: N kB" field of /proc/PID/status, -1 if missing. */
static long status_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* VmHWM, and what is resident now split into the process's own memory
 * (RssAnon) and mapped files — shared library code, the program (RssFile). */
static void peak_rss(ht *h, struct paint *p)
{
	p->hwm_kb = ht_vmhwm_kb(h);
	p->anon_kb = status_kb(ht_pid(h), "RssAnon");
	p->file_kb = status_kb(ht_pid(h), "RssFile");
}

/* 1 and 2 for the kiosk: welcome, then "2" (English) → home. */
static void kiosk_paint(struct paint *p)
{
	for (int i = 0; i < RUNS; i++) {
		ht *h = kiosk_new();
		uint64_t t;

		if (!kiosk_spawn(h) || !settle(h, "Welcome", "kiosk welcome")) {
			ht_end(h);
			return;
		}
		p->first_ms[p->n] = (double)ht_last_output_ns(h) / 1e6;
		t = ht_elapsed_ns(h);
		ht_keys(h, "2");
		if (!settle(h, items_en[3], "kiosk home")) {
			ht_end(h);
			return;
		}
		p->home_ms[p->n] = (double)(ht_last_output_ns(h) - t) / 1e6;
		p->bytes = (long)ht_bytes_read(h);
		for (int k = 0; k < 3; k++)
			bytes_for_key(h, HT_KEY_DOWN, NULL);
		peak_rss(h, p);
		p->n++;
		ht_end(h);
	}
}

static void anchor_paint(const char *const argv[], struct paint *p)
{
	for (int i = 0; i < RUNS; i++) {
		ht *h = ht_start(argv, NULL, ROWS, COLS);

		if (!h || !settle(h, items_en[3], argv[0])) {
			ht_end(h);
			return;
		}
		p->first_ms[p->n] = (double)ht_last_output_ns(h) / 1e6;
		p->bytes = (long)ht_bytes_read(h);
		for (int k = 0; k < 3; k++)
			bytes_for_key(h, HT_KEY_DOWN, NULL);
		peak_rss(h, p);
		p->n++;
		ht_end(h);
	}
}

/* Average bytes per menu move: 3 × Down then 3 × Up. */
static double menu_moves(ht *h)
{
	long total = 0;

	for (int k = 0; k < 3; k++)
		total += bytes_for_key(h, HT_KEY_DOWN, NULL);
	for (int k = 0; k < 3; k++)
		total += bytes_for_key(h, HT_KEY_UP, NULL);
	return (double)total / 6.0;
}

/* Average bytes per character for each UTF-8 character of text. */
static double type_chars(ht *h, const char *text)
{
	long total = 0;
	int n = 0;

	for (const char *p = text; *p; ) {
		char one[8] = "";
		int len = 1;

		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		memcpy(one, p, (size_t)len);
		total += bytes_for_key(h, 0, one);
		n++;
		p += len;
	}
	return n ? (double)total / n : 0;
}

static const char latin[] = "Ahmed Khalid";             /* 12 characters */
static const char arabic[] = "محمد العتيبي";           /* 12 characters */

/* The kiosk from spawn to the request form's name field. */
static bool kiosk_to_name(ht *h, bool arabic_ui)
{
	if (!settle(h, "Welcome", "kiosk welcome"))
		return false;
	ht_keys(h, arabic_ui ? "1" : "2");
	/* "1-5" (the footer's key hint) is ASCII: found whether the Arabic
	 * labels are shaped (app bidi mode) or not */
	if (!settle(h, arabic_ui ? "1-5" : items_en[0], "kiosk home"))
		return false;
	ht_keys(h, "1");
	ht_wait_quiet(h, QUIET);
	ht_keys(h, "1");                      /* category: member */
	ht_key(h, HT_KEY_ENTER);
	return ht_wait_quiet(h, QUIET);
}

struct wire { double move, latin, arabic, osk_move, osk_type; };  /* < 0: failed */

/* Bytes for one key of the numeric keypad (application mode), once quiet. */
static long bytes_for_keypad(ht *h, const char *key)
{
	uint64_t b0 = ht_bytes_read(h);

	ht_keypad(h, key);
	ht_pump(h, 30);
	ht_wait_quiet(h, 120);
	return (long)(ht_bytes_read(h) - b0);
}

/* The on-screen keyboard in the Arabic name field: average bytes per
 * highlight move (6 six times, 4 six times) and per letter typed (5). */
static void kiosk_osk(struct wire *w)
{
	ht *h = kiosk_new();
	long total = 0;

	if (!kiosk_spawn(h) || !kiosk_to_name(h, true)) {
		ht_end(h);
		return;
	}
	ht_keypad(h, "*");
	/* the layout key of the Arabic layout: ASCII, found in app mode */
	if (!settle(h, "English", "kiosk on-screen keyboard")) {
		ht_end(h);
		return;
	}
	for (int k = 0; k < 6; k++)
		total += bytes_for_keypad(h, "6");
	for (int k = 0; k < 6; k++)
		total += bytes_for_keypad(h, "4");
	w->osk_move = (double)total / 12.0;
	total = 0;
	for (int k = 0; k < 12; k++)
		total += bytes_for_keypad(h, "5");
	w->osk_type = (double)total / 12.0;
	ht_end(h);
}

static void kiosk_wire(struct wire *w)
{
	ht *h = kiosk_new();

	if (!kiosk_spawn(h) || !settle(h, "Welcome", "kiosk welcome")) {
		ht_end(h);
		return;
	}
	ht_keys(h, "2");
	if (!settle(h, items_en[3], "kiosk home")) {
		ht_end(h);
		return;
	}
	w->move = menu_moves(h);
	ht_end(h);

	h = kiosk_new();
	if (!kiosk_spawn(h) || !kiosk_to_name(h, false)) {
		ht_end(h);
		return;
	}
	w->latin = type_chars(h, latin);
	if (!strstr(ht_screen(h), latin)) {
		fprintf(stderr, "term_bench: the typed Latin name is not on screen:\n%s\n", ht_screen(h));
		failures++;
	}
	ht_end(h);

	h = kiosk_new();
	if (!kiosk_spawn(h) || !kiosk_to_name(h, true)) {
		ht_end(h);
		return;
	}
	w->arabic = type_chars(h, arabic);
	ht_end(h);
}

static void anchor_wire(const char *const menu[], const char *const input[],
                        struct wire *w)
{
	ht *h = ht_start(menu, NULL, ROWS, COLS);

	if (!h || !settle(h, items_en[3], menu[0])) {
		ht_end(h);
		return;
	}
	w->move = menu_moves(h);
	ht_end(h);
	h = ht_start(input, NULL, ROWS, COLS);
	if (!h || !settle(h, "Full name", input[0])) {
		ht_end(h);
		return;
	}
	w->latin = type_chars(h, latin);
	ht_end(h);
	h = ht_start(input, NULL, ROWS, COLS);
	if (!h || !settle(h, "Full name", input[0])) {
		ht_end(h);
		return;
	}
	w->arabic = type_chars(h, arabic);
	ht_end(h);
}

/* Total Ir in one callgrind output file ("totals:", else "summary:"). */
static long long callgrind_file_total(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "summary:", 8) == 0 || strncmp(line, "totals:", 7) == 0)
			v = atoll(line + (line[0] == 's' ? 8 : 7));
	fclose(f);
	return v;
}

/* Sum over the explicit dump (callgrind_control -d: path.1, path.2 …) and
 * the dump at exit (path), whichever exist. */
static long long callgrind_total(const char *path)
{
	long long sum = -1, v;
	char p[4200];

	for (int i = 0; i < 8; i++) {
		if (i == 0)
			snprintf(p, sizeof p, "%s", path);
		else
			snprintf(p, sizeof p, "%s.%d", path, i);
		if ((v = callgrind_file_total(p)) >= 0)
			sum = (sum < 0 ? 0 : sum) + v;
	}
	return sum;
}

/* The user name vgdb's FIFOs are named after, the same on both sides. */
static const char *vg_user(void)
{
	const char *u = getenv("USER") ? getenv("USER") : getenv("LOGNAME");

	return u && *u && !strchr(u, '\'') ? u : "root";
}

/* CPU time (utime + stime, clock ticks) of pid, -1 when gone. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state(3) … utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	           &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* Wait until the program uses no CPU for a whole second (a background
 * start-up task such as the kiosk's quick_check thread has finished), so
 * the instructions counted next are the keystrokes' alone. */
static bool cpu_idle(ht *h, int max_s)
{
	long long prev = cpu_ticks(ht_pid(h)), cur;

	for (int i = 0; i < max_s * 2; i++) {
		ht_pump(h, 500);
		cur = cpu_ticks(ht_pid(h));
		if (cur < 0)
			return false;
		if (cur == prev && i > 0) {
			ht_pump(h, 500);
			if (cpu_ticks(ht_pid(h)) == cur)
				return true;
		}
		prev = cur;
	}
	return false;
}

static bool instr(ht *h, const char *onoff)
{
	pid_t pid = ht_pid(h);
	char cmd[4400];

	FILE *p;
	char line[256];
	bool ok = false;

	/* the harness gives the child TMPDIR=<its dir>: vgdb's FIFOs are there */
	snprintf(cmd, sizeof cmd, "TMPDIR='%s' USER='%s' LOGNAME='%s' callgrind_control "
	         "%s%s %d 2>&1", ht_dir(h), vg_user(), vg_user(),
	         strcmp(onoff, "dump") == 0 ? "-d" : "-i ",
	         strcmp(onoff, "dump") == 0 ? "" : onoff, (int)pid);
	if (!(p = popen(cmd, "r")))
		return false;
	while (fgets(line, sizeof line, p)) {
		if (getenv("TB_DEBUG"))
			fprintf(stderr, "callgrind_control: %s", line);
		if (strstr(line, "OK."))
			ok = true;
	}
	pclose(p);
	if (!ok)
		fprintf(stderr, "term_bench: %s: no OK from callgrind_control\n", cmd);
	return ok;
}

/* What the ten counted keys are: Latin letters into a text field (an
 * English session), Arabic letters into one (an Arabic session; khidma
 * shapes and reorders), or menu moves (Down ×3, Up ×3, Down ×2, Up ×2 in
 * the four-item home menu, or the anchors' --menu). */
enum cg_what { CG_LATIN, CG_ARABIC, CG_MENU };

static const char cg_latin[] = "abcdefghij";
static const char cg_arabic[] = "محمد العتي";         /* 10 characters */
static const int cg_moves[10] = {
	HT_KEY_DOWN, HT_KEY_DOWN, HT_KEY_DOWN, HT_KEY_UP, HT_KEY_UP, HT_KEY_UP,
	HT_KEY_DOWN, HT_KEY_DOWN, HT_KEY_UP, HT_KEY_UP,
};

/* Instructions per key under callgrind. kiosk = true: the kiosk's name
 * field or home menu; else argv (an --inputbox or a --menu). */
static double callgrind_per_key(bool kiosk, const char *const argv[], enum cg_what what)
{
	ht *h = ht_new(ROWS, COLS);
	const char *vg[32];
	char out[4096], cfg[4096], db[4096];
	int n = 0, nchars = 0, st = 0;
	long long ir;
	bool at;

	snprintf(out, sizeof out, "%s", ht_path(h, "callgrind.out"));
	vg[n++] = "valgrind";
	vg[n++] = "--tool=callgrind";
	vg[n++] = "--instr-atstart=no";
	vg[n++] = "--quiet";
	{
		static char o[4200];

		snprintf(o, sizeof o, "--callgrind-out-file=%s", out);
		vg[n++] = o;
	}
	if (kiosk) {
		if (!ht_write_file(h, "khidma.conf", kiosk_conf) || !copy_db(h))
			return -1;
		snprintf(cfg, sizeof cfg, "%s", ht_config_path(h));
		snprintf(db, sizeof db, "%s", ht_path(h, "bench.db"));
		vg[n++] = getenv("KHIDMA_BIN");
		vg[n++] = "--db";
		vg[n++] = db;
		vg[n++] = "--config";
		vg[n++] = cfg;
	} else {
		for (int i = 0; argv[i]; i++)
			vg[n++] = argv[i];
	}
	vg[n] = NULL;
	/* vgdb (behind callgrind_control) finds the process by a FIFO named
	 * after the user: give the child ours (the same for every program) */
	{
		static char user[128], logname[128];
		const char *env[] = { user, logname, NULL };

		snprintf(user, sizeof user, "USER=%s", vg_user());
		snprintf(logname, sizeof logname, "LOGNAME=%s", vg_user());
		if (!ht_spawn(h, vg, env))
			goto fail;
	}
	t_screen = 120000;
	if (kiosk && what == CG_MENU) {
		at = settle(h, "Welcome", "kiosk welcome");
		if (at) {
			ht_keys(h, "2");
			at = settle(h, items_en[3], "kiosk home");
		}
	} else if (kiosk) {
		at = kiosk_to_name(h, what == CG_ARABIC);
	} else {
		at = settle(h, what == CG_MENU ? items_en[3] : "Full name", argv[0]);
	}
	if (!at)
		goto fail;
	if (!cpu_idle(h, 600)) {
		fprintf(stderr, "term_bench: %s never went idle\n", vg[5]);
		goto fail;
	}
	if (!instr(h, "on"))
		goto fail;
	for (const char *p = what == CG_ARABIC ? cg_arabic : cg_latin; *p; nchars++) {
		char one[8] = "";
		int len = 1;

		if (what == CG_MENU) {
			if (nchars == 10)
				break;
			ht_key(h, cg_moves[nchars]);
		} else {
			while (((unsigned char)p[len] & 0xC0) == 0x80)
				len++;
			memcpy(one, p, (size_t)len);
			ht_keys(h, one);
			p += len;
		}
		ht_pump(h, 50);
		ht_wait_quiet(h, 300);
	}
	if (!instr(h, "off"))
		goto fail;
	/* dump now: the count no longer depends on how the program exits */
	instr(h, "dump");
	ht_hangup(h);
	if (!ht_wait_exit(h, 30000, &st)) {
		ht_signal(h, SIGTERM);
		ht_wait_exit(h, 10000, &st);
	}
	t_screen = 15000;
	ir = callgrind_total(out);
	if (ir <= 0)
		fprintf(stderr, "term_bench: no callgrind total in %s (exit status 0x%x)\n",
		        out, st);
	ht_end(h);
	return ir > 0 && nchars ? (double)ir / nchars : -1;
fail:
	t_screen = 15000;
	fprintf(stderr, "term_bench: callgrind run failed; screen:\n%s\n", ht_screen(h));
	failures++;
	ht_end(h);
	return -1;
}

/* Print the lines of /proc/PID/<file> that start with one of the keys. */
static void proc_lines(pid_t pid, const char *file, const char *const keys[])
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof line, f))
		for (int i = 0; keys[i]; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				fprintf(stderr, "    %s", line);
	fclose(f);
}

/*
 * TB_PAINT=N: only the first paint and the peak RSS, the kiosk and dialog
 * alternating N times each (so load hits both alike), one line per run and
 * the medians. TB_SMAPS=FILE adds the kiosk's memory breakdown (status and
 * smaps_rollup) after its third move, and copies its smaps to FILE.<run>. A quick check while working on start-up.
 */
static int paint_only(int n)
{
	static const char *const st_keys[] = { "VmHWM", "VmRSS", "RssAnon", "RssFile",
		"RssShmem", "VmStk", "Threads", NULL };
	static const char *const sm_keys[] = { "Rss", "Pss", "Anonymous", "Private",
		"Shared", NULL };
	double *k = calloc((size_t)n, sizeof *k), *d = calloc((size_t)n, sizeof *d);
	double *kh = calloc((size_t)n, sizeof *kh), *dh = calloc((size_t)n, sizeof *dh);
	int nk = 0, nd = 0;

	for (int i = 0; i < n; i++) {
		ht *h = kiosk_new();

		if (kiosk_spawn(h) && settle(h, "Welcome", "kiosk welcome")) {
			k[nk] = (double)ht_last_output_ns(h) / 1e6;
			ht_keys(h, "2");
			if (settle(h, items_en[3], "kiosk home")) {
				for (int j = 0; j < 3; j++)
					bytes_for_key(h, HT_KEY_DOWN, NULL);
				kh[nk] = (double)ht_vmhwm_kb(h);
				if (getenv("TB_SMAPS")) {
					char cmd[4200];

					proc_lines(ht_pid(h), "status", st_keys);
					proc_lines(ht_pid(h), "smaps_rollup", sm_keys);
					/* the whole smaps, for a per-library breakdown */
					snprintf(cmd, sizeof cmd, "cat /proc/%d/smaps > '%s.%d'",
					         (int)ht_pid(h), getenv("TB_SMAPS"), i + 1);
					if (system(cmd) != 0)
						fprintf(stderr, "term_bench: %s failed\n", cmd);
				}
				nk++;
			}
		}
		ht_end(h);
		h = ht_start(dialog_menu, NULL, ROWS, COLS);
		if (h && settle(h, items_en[3], "dialog")) {
			d[nd] = (double)ht_last_output_ns(h) / 1e6;
			for (int j = 0; j < 3; j++)
				bytes_for_key(h, HT_KEY_DOWN, NULL);
			dh[nd++] = (double)ht_vmhwm_kb(h);
			if (getenv("TB_SMAPS")) {
				char cmd[4200];

				snprintf(cmd, sizeof cmd, "cat /proc/%d/smaps > '%s.dialog.%d'",
				         (int)ht_pid(h), getenv("TB_SMAPS"), i + 1);
				if (system(cmd) != 0)
					fprintf(stderr, "term_bench: %s failed\n", cmd);
			}
		}
		ht_end(h);
		fprintf(stderr, "run %d: khidma %.1f ms %.0f kB   dialog %.1f ms %.0f kB\n", i + 1,
		        nk ? k[nk - 1] : -1, nk ? kh[nk - 1] : -1, nd ? d[nd - 1] : -1,
		        nd ? dh[nd - 1] : -1);
	}
	if (nk && nd) {
		double km = bs_pct(k, nk, 50), dm = bs_pct(d, nd, 50);

		printf("first paint median: khidma %.1f ms (p90 %.1f), dialog %.1f ms (p90 %.1f), ratio %.2f\n",
		       km, bs_pct(k, nk, 90), dm, bs_pct(d, nd, 90), km / dm);
		printf("VmHWM median: khidma %.0f kB, dialog %.0f kB\n", bs_pct(kh, nk, 50),
		       bs_pct(dh, nd, 50));
	}
	free(k); free(d); free(kh); free(dh);
	return failures ? 1 : 0;
}

static void fmt_ms(char *buf, size_t n, double *v, int k)
{
	if (k == 0)
		snprintf(buf, n, "failed");
	else
		snprintf(buf, n, "%.1f ms (p90 %.1f)", bs_pct(v, k, 50), bs_pct(v, k, 90));
}

static void fmt_num(char *buf, size_t n, double v, bool ok, const char *unit)
{
	if (!ok || v < 0)
		snprintf(buf, n, "failed");
	else
		snprintf(buf, n, "%.1f%s", v, unit);
}

int main(int argc, char **argv)
{
	struct paint kp = { 0 }, dp = { 0 }, wp = { 0 };
	struct wire kw = { -1, -1, -1, -1, -1 }, dw = { -1, -1, -1, -1, -1 },
	            ww = { -1, -1, -1, -1, -1 };
	char a[64], b[64], c[64];
	double kmed, dmed, kir, dir, wir, kar, dar, war, kmv, dmv, wmv;

	if (argc != 2 || !getenv("KHIDMA_BIN")) {
		fprintf(stderr, "usage: KHIDMA_BIN=build/khidma term_bench DB\n");
		return 2;
	}
	db_src = argv[1];
	if (getenv("TB_PAINT"))
		return paint_only(atoi(getenv("TB_PAINT")) > 0 ? atoi(getenv("TB_PAINT")) : 7);
	if (getenv("TB_ONLY_WIRE")) {           /* the kiosk's bytes per key alone */
		kiosk_wire(&kw);
		kiosk_osk(&kw);
		printf("move %.1f latin %.1f arabic %.1f osk_type %.1f osk_move %.1f\n",
		       kw.move, kw.latin, kw.arabic, kw.osk_type, kw.osk_move);
		return failures ? 1 : 0;
	}
	if (getenv("TB_ONLY_CALLGRIND")) {
		printf("latin %.0f arabic %.0f menu %.0f\n",
		       callgrind_per_key(true, NULL, CG_LATIN),
		       callgrind_per_key(true, NULL, CG_ARABIC),
		       callgrind_per_key(true, NULL, CG_MENU));
		if (strcmp(getenv("TB_ONLY_CALLGRIND"), "all") == 0)
			for (int k = 0; k < 2; k++)
				printf("%s: latin %.0f arabic %.0f menu %.0f\n",
				       k ? "whiptail" : "dialog",
				       callgrind_per_key(false, k ? whiptail_input : dialog_input, CG_LATIN),
				       callgrind_per_key(false, k ? whiptail_input : dialog_input, CG_ARABIC),
				       callgrind_per_key(false, k ? whiptail_menu : dialog_menu, CG_MENU));
		return 0;
	}
	fprintf(stderr, "term_bench: first paint\n");
	kiosk_paint(&kp);
	anchor_paint(dialog_menu, &dp);
	anchor_paint(whiptail_menu, &wp);
	fprintf(stderr, "term_bench: bytes on the wire\n");
	kiosk_wire(&kw);
	kiosk_osk(&kw);
	anchor_wire(dialog_menu, dialog_input, &dw);
	anchor_wire(whiptail_menu, whiptail_input, &ww);
	fprintf(stderr, "term_bench: callgrind\n");
	kir = callgrind_per_key(true, NULL, CG_LATIN);
	dir = callgrind_per_key(false, dialog_input, CG_LATIN);
	wir = callgrind_per_key(false, whiptail_input, CG_LATIN);
	kar = callgrind_per_key(true, NULL, CG_ARABIC);
	dar = callgrind_per_key(false, dialog_input, CG_ARABIC);
	war = callgrind_per_key(false, whiptail_input, CG_ARABIC);
	kmv = callgrind_per_key(true, NULL, CG_MENU);
	dmv = callgrind_per_key(false, dialog_menu, CG_MENU);
	wmv = callgrind_per_key(false, whiptail_menu, CG_MENU);

	printf("## Terminal (pty + libvterm, 80×24, TERM=xterm-256color, LC_ALL=C.UTF-8)\n\n");
	printf("All three programs run under the same harness (tests/e2e/harness) with the\n"
	       "same keys; the kiosk runs on a copy of the generated database. dialog and\n"
	       "whiptail show `--menu` with the kiosk's four home items and `--inputbox`.\n\n");
	printf("| measure | khidma | dialog | whiptail | goal |\n|---|---|---|---|---|\n");
	kmed = kp.n ? bs_pct(kp.first_ms, kp.n, 50) : -1;
	dmed = dp.n ? bs_pct(dp.first_ms, dp.n, 50) : -1;
	fmt_ms(a, sizeof a, kp.first_ms, kp.n);
	fmt_ms(b, sizeof b, dp.first_ms, dp.n);
	fmt_ms(c, sizeof c, wp.first_ms, wp.n);
	printf("| time to first paint, median of %d (khidma: its first screen, the welcome) | %s | %s | %s | ≤ dialog's |\n",
	       RUNS, a, b, c);
	if (kmed > 0 && dmed > 0)
		printf("| ratio khidma / dialog (first paint) | **%.2f×** | 1 | %.2f× | ≤ 1 |\n",
		       kmed / dmed, wp.n ? bs_pct(wp.first_ms, wp.n, 50) / dmed : 0);
	fmt_ms(a, sizeof a, kp.home_ms, kp.n);
	printf("| khidma: welcome → home menu after one key, median | %s | – | – | – |\n", a);
	printf("| bytes written for the first screen | %ld | %ld | %ld | – |\n",
	       kp.bytes, dp.bytes, wp.bytes);
	printf("| peak RSS (VmHWM) after first paint and 3 moves | %.2f MB | %.2f MB | %.2f MB | khidma ≤ 4.5 MB |\n",
	       kp.hwm_kb / 1024.0, dp.hwm_kb / 1024.0, wp.hwm_kb / 1024.0);
	printf("| of which, resident at that moment: own memory (RssAnon) / mapped files — shared libraries and the program (RssFile) | %.2f / %.2f MB | %.2f / %.2f MB | %.2f / %.2f MB | – |\n",
	       kp.anon_kb / 1024.0, kp.file_kb / 1024.0, dp.anon_kb / 1024.0,
	       dp.file_kb / 1024.0, wp.anon_kb / 1024.0, wp.file_kb / 1024.0);
	fmt_num(a, sizeof a, kw.move, true, " B");
	fmt_num(b, sizeof b, dw.move, true, " B");
	fmt_num(c, sizeof c, ww.move, true, " B");
	printf("| bytes per menu move (Down/Up, average of 6) | %s | %s | %s | ≤ 30 B |\n", a, b, c);
	fmt_num(a, sizeof a, kw.latin, true, " B");
	fmt_num(b, sizeof b, dw.latin, true, " B");
	fmt_num(c, sizeof c, ww.latin, true, " B");
	printf("| bytes per typed Latin character (\"%s\") | %s | %s | %s | ≤ 2 B |\n", latin, a, b, c);
	fmt_num(a, sizeof a, kw.arabic, true, " B");
	fmt_num(b, sizeof b, dw.arabic, true, " B");
	fmt_num(c, sizeof c, ww.arabic, true, " B");
	printf("| bytes per typed Arabic character (\"%s\"; khidma shapes and reorders, the anchors send logical, unshaped text) | %s | %s | %s | ≤ 12 B |\n",
	       arabic, a, b, c);
	fmt_num(a, sizeof a, kw.osk_type, true, " B");
	printf("| bytes per Arabic letter typed with the on-screen keyboard (keypad 5, same field) | %s | – | – | – |\n", a);
	fmt_num(a, sizeof a, kw.osk_move, true, " B");
	printf("| bytes per on-screen keyboard move (keypad 6/4: the highlight) | %s | – | – | – |\n", a);
	printf("| CPU instructions per typed character (callgrind, 10 keys, instrumented only while typing) | %.0f | %.0f | %.0f | – |\n",
	       kir, dir, wir);
	printf("| CPU instructions per typed Arabic character (callgrind, \"%s\", Arabic session) | %.0f | %.0f | %.0f | – |\n",
	       cg_arabic, kar, dar, war);
	printf("| CPU instructions per menu move (callgrind, 10 moves Down/Up) | %.0f | %.0f | %.0f | – |\n",
	       kmv, dmv, wmv);
	printf("\nThe kiosk ran on a copy of %s.\n", db_src);
	return failures ? 1 : 0;
}

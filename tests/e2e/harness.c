/*
 * tests/e2e/harness — see harness.h for the design and invariants.
 *
 * Implementation notes:
 *  - The master is non-blocking and close-on-exec (another handle's child
 *    never inherits it). Writes that would block poll for POLLOUT while
 *    still reading the child's output, so a child blocked on a full output
 *    buffer cannot deadlock a test that is typing.
 *  - libvterm's answers (vterm_output callback) are queued in outq while
 *    vterm_input_write runs and written after it returns: no re-entry.
 *  - The child's exit is watched with a pidfd (Linux ≥ 5.3) and reaped with
 *    wait4 as soon as it fires, which also gives ru_maxrss. Without pidfd,
 *    waits sleep in 10 ms slices while the master is closed.
 *  - Self-contained (no core/util): x*alloc here are local and abort.
 */
#include "e2e/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e/harness_int.h"

static ht *live;                 /* handles not yet ended */

/* ---- libvterm glue --------------------------------------------------- */

static void on_output(const char *s, size_t len, void *user)
{
	hti_sb_add(&((ht *)user)->outq, s, len);
}

static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	if (prop == VTERM_PROP_CURSORVISIBLE)
		((ht *)user)->cursor_visible = val->boolean;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = { .settermprop = on_termprop };

/* ---- the child ------------------------------------------------------- */

static void try_reap(ht *h)
{
	struct rusage ru;
	int st;

	if (h->pid <= 0 || h->reaped)
		return;
	if (wait4(h->pid, &st, WNOHANG, &ru) == h->pid) {
		h->reaped = true;
		h->status = st;
		h->maxrss_kb = ru.ru_maxrss;
		if (h->pidfd >= 0)
			close(h->pidfd);
		h->pidfd = -1;
	}
}

bool hti_gone(const ht *h)
{
	return h->master < 0 && (h->pid <= 0 || h->reaped);
}

static void close_master(ht *h)
{
	if (h->master >= 0)
		close(h->master);
	h->master = -1;
}

enum { TAIL_CAP = 65536 };

/* One read from the master into libvterm. Returns bytes read. */
static size_t read_chunk(ht *h)
{
	char buf[65536];
	ssize_t n;

	do
		n = read(h->master, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {           /* EIO: every slave fd is closed */
		close_master(h);
		return 0;
	}
	h->t_last = hti_now_ns() - h->t0;
	if (h->bytes == 0)
		h->t_first = h->t_last;
	h->bytes += (uint64_t)n;
	hti_sb_add(&h->tail, buf, (size_t)n);
	/* keep the newest TAIL_CAP bytes (ht_tail shows only those): trimmed
	 * once it holds 4 × TAIL_CAP, not after every chunk — a 64 KiB
	 * memmove per read made the ASan harness read ~10 KB/s of a busy
	 * child's output (test_harness bytes_and_timestamps_are_counted
	 * timed out under ASan) */
	if (h->tail.len > 4 * TAIL_CAP) {
		memmove(h->tail.p, h->tail.p + h->tail.len - TAIL_CAP, TAIL_CAP);
		h->tail.len = TAIL_CAP;
		h->tail.p[TAIL_CAP] = '\0';
	}
	vterm_input_write(h->vt, buf, (size_t)n);
	return (size_t)n;
}

/* Write all of s to the master, reading meanwhile. False when it is gone
 * or has not taken the bytes within 10 s (a child that never reads). */
static bool write_all(ht *h, const char *s, size_t n)
{
	uint64_t deadline = hti_now_ns() + (uint64_t)ht_timeout(10000) * 1000000u;

	while (n > 0) {
		struct pollfd p;
		ssize_t w;

		if (h->master < 0 || hti_now_ns() > deadline)
			return false;
		w = write(h->master, s, n);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			close_master(h);
			return false;
		}
		p = (struct pollfd){ .fd = h->master, .events = POLLOUT | POLLIN };
		if (poll(&p, 1, 1000) > 0 && (p.revents & (POLLIN | POLLHUP)))
			read_chunk(h);
	}
	return true;
}

static bool flush_out(ht *h)
{
	bool ok = true;

	while (h->outq.len > 0) {
		struct sbuf q = h->outq;   /* take it: reads may queue more */

		h->outq = (struct sbuf){ 0 };
		ok = write_all(h, q.p, q.len) && ok;
		free(q.p);
	}
	return ok;
}

size_t ht_pump(ht *h, int timeout_ms)
{
	struct pollfd p[2];
	nfds_t n = 0;
	size_t got = 0;
	int mi = -1, pi = -1;

	flush_out(h);
	if (h->master >= 0) {
		mi = (int)n;
		p[n++] = (struct pollfd){ .fd = h->master, .events = POLLIN };
	}
	if (h->pidfd >= 0) {
		pi = (int)n;
		p[n++] = (struct pollfd){ .fd = h->pidfd, .events = POLLIN };
	} else if (h->pid > 0 && !h->reaped && timeout_ms > 10) {
		timeout_ms = 10;       /* no pidfd: look again soon */
	}
	if (n == 0) {
		if (h->pid > 0 && !h->reaped && timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		try_reap(h);
		return 0;
	}
	if (poll(p, n, timeout_ms) > 0) {
		if (mi >= 0 && p[mi].revents)
			got = read_chunk(h);
		if (pi >= 0 && p[pi].revents)
			try_reap(h);
	}
	if (h->pidfd < 0)
		try_reap(h);
	flush_out(h);
	return got;
}

/* ---- lifetime -------------------------------------------------------- */

ht *ht_new(int rows, int cols)
{
	ht *h = hti_xrealloc(NULL, sizeof *h);
	const char *tmp = getenv("TMPDIR");

	hti_services_sweep();

	*h = (ht){ .rows = rows > 0 ? rows : 24, .cols = cols > 0 ? cols : 80,
	           .master = -1, .pidfd = -1, .cursor_visible = true };
	h->dir = hti_fmt("%s/khidma-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(h->dir))
		hti_die(h->dir);
	h->db = hti_fmt("%s/khidma.db", h->dir);
	h->conf = hti_fmt("%s/khidma.conf", h->dir);
	if (!ht_write_file(h, "khidma.conf", ""))
		hti_die(h->conf);
	h->vt = vterm_new(h->rows, h->cols);
	if (!h->vt)
		hti_die("vterm_new");
	vterm_set_utf8(h->vt, 1);
	vterm_output_set_callback(h->vt, on_output, h);
	h->st = vterm_obtain_state(h->vt);
	h->scr = vterm_obtain_screen(h->vt);
	vterm_screen_set_callbacks(h->scr, &screen_cbs, h);
	vterm_screen_enable_altscreen(h->scr, 1);
	vterm_screen_reset(h->scr, 1);
	h->next = live;
	live = h;
	return h;
}

/* The environment of invariant 1, plus extra. NULL-terminated, malloc'd. */
static char **child_env(const ht *h, const char *const extra[])
{
	static const char *const pass[] = { "PATH", "ASAN_OPTIONS",
		"UBSAN_OPTIONS", "LSAN_OPTIONS", "KHIDMA_SRCDIR", NULL };
	char **env = hti_xrealloc(NULL, 64 * sizeof *env);
	size_t n = 0, i, j;

	for (i = 0; pass[i]; i++)
		if (getenv(pass[i]))
			env[n++] = hti_fmt("%s=%s", pass[i], getenv(pass[i]));
	if (!getenv("PATH"))
		env[n++] = hti_fmt("PATH=/usr/local/bin:/usr/bin:/bin");
	env[n++] = hti_fmt("TERM=xterm-256color");
	env[n++] = hti_fmt("LC_ALL=C.UTF-8");
	env[n++] = hti_fmt("HOME=%s", h->dir);
	env[n++] = hti_fmt("TMPDIR=%s", h->dir);
	env[n++] = hti_fmt("XDG_DATA_HOME=%s/data", h->dir);
	env[n++] = hti_fmt("XDG_CONFIG_HOME=%s/config", h->dir);
	env[n++] = hti_fmt("XDG_STATE_HOME=%s/state", h->dir);
	env[n++] = hti_fmt("KHIDMA_DB=%s", h->db);
	env[n++] = hti_fmt("KHIDMA_CONFIG=%s", h->conf);
	for (i = 0; extra && extra[i]; i++) {
		const char *eq = strchr(extra[i], '=');
		size_t klen = eq ? (size_t)(eq - extra[i]) : strlen(extra[i]);

		for (j = 0; j < n; j++)
			if (strncmp(env[j], extra[i], klen) == 0 && env[j][klen] == '=')
				break;
		if (j < n) {
			free(env[j]);
			env[j] = env[--n];
		}
		if (eq) {
			env = hti_xrealloc(env, (n + 64) * sizeof *env);
			env[n++] = hti_fmt("%s", extra[i]);
		}
	}
	env[n] = NULL;
	return env;
}

static void free_env(char **env)
{
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

bool ht_spawn(ht *h, const char *const argv[], const char *const env_extra[])
{
	struct winsize ws = { .ws_row = (unsigned short)h->rows,
	                      .ws_col = (unsigned short)h->cols };
	char **env;
	int fd;
	pid_t pid;

	if (h->pid > 0 || !argv || !argv[0])
		return false;
	env = child_env(h, env_extra);
	h->t0 = hti_now_ns();
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		free_env(env);
		return false;
	}
	if (pid == 0) {
		static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
			SIGTERM, SIGCHLD, SIGWINCH, SIGALRM };
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		if (h->before_exec != NULL)
			h->before_exec(h->before_exec_arg);
		if (chdir(h->dir) == 0)
			execvpe(argv[0], (char *const *)argv, env);
		dprintf(STDOUT_FILENO, "exec %s: %s\r\n", argv[0], strerror(errno));
		_exit(127);
	}
	free_env(env);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	h->master = fd;
	h->pid = pid;
#ifdef SYS_pidfd_open
	h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	return true;
}

void ht_before_exec(ht *h, void (*fn)(void *arg), void *arg)
{
	h->before_exec = fn;
	h->before_exec_arg = arg;
}

ht *ht_start(const char *const argv[], const char *const env_extra[],
             int rows, int cols)
{
	ht *h = ht_new(rows, cols);

	if (!ht_spawn(h, argv, env_extra)) {
		ht_end(h);
		return NULL;
	}
	return h;
}

bool ht_spawn_khidma(ht *h, const char *const args[],
                     const char *const env_extra[])
{
	const char *bin = getenv("KHIDMA_BIN");
	const char *argv[64] = { bin ? bin : "khidma", "--db", h->db,
	                         "--config", h->conf };
	size_t n = 5;

	for (size_t i = 0; args && args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return ht_spawn(h, argv, env_extra);
}

ht *ht_start_khidma(const char *const args[], const char *const env_extra[],
                    int rows, int cols)
{
	ht *h = ht_new(rows, cols);

	if (!ht_spawn_khidma(h, args, env_extra)) {
		ht_end(h);
		return NULL;
	}
	return h;
}

static int rm_entry(const char *path, const struct stat *sb, int type,
                    struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	remove(path);
	return 0;
}

void ht_end(ht *h)
{
	if (!h)
		return;
	for (ht **p = &live; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	hti_services_end(h);                       /* invariant 6 */
	if (h->pid > 0 && !h->reaped) {
		close_master(h);                   /* SIGHUP to the session */
		ht_wait_exit(h, 1000, NULL);
		if (!h->reaped) {
			kill(-h->pid, SIGKILL);
			kill(h->pid, SIGKILL);
			if (waitpid(h->pid, &h->status, 0) == h->pid)
				h->reaped = true;
		}
	}
	close_master(h);
	if (h->pidfd >= 0)
		close(h->pidfd);
	if (getenv("HT_KEEP") && *getenv("HT_KEEP") == '1')
		fprintf(stderr, "harness: kept %s\n", h->dir);
	else
		nftw(h->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	vterm_free(h->vt);
	free(h->dir); free(h->db); free(h->conf); free(h->path);
	free(h->outq.p); free(h->tail.p); free(h->text.p); free(h->scratch.p); free(h->fail);
	free(h->fail_short);
	free(h);
}

void ht_end_all(void)
{
	while (live)
		ht_end(live);
}

int ht_teardown(void **state)
{
	(void)state;
	ht_end_all();
	return 0;
}

bool ht_khidma_bin_set(void)
{
	if (getenv("KHIDMA_BIN") != NULL)
		return true;
	fprintf(stderr, "KHIDMA_BIN is not set (run via tests/run.sh)\n");
	return false;
}

/* ---- the test's directory -------------------------------------------- */

const char *ht_dir(const ht *h) { return h->dir; }
const char *ht_db_path(const ht *h) { return h->db; }
const char *ht_config_path(const ht *h) { return h->conf; }

const char *ht_path(ht *h, const char *name)
{
	free(h->path);
	h->path = hti_fmt("%s/%s", h->dir, name);
	return h->path;
}

bool ht_write_file(ht *h, const char *name, const char *text)
{
	const char *p = ht_path(h, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(text);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, n) == (ssize_t)n;
	return close(fd) == 0 && ok;
}

/* ---- input ----------------------------------------------------------- */

bool ht_send(ht *h, const void *bytes, size_t n)
{
	return flush_out(h) && write_all(h, bytes, n);
}

bool ht_sends(ht *h, const char *s)
{
	return ht_send(h, s, strlen(s));
}

bool ht_keys(ht *h, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;

	while (*s) {
		uint32_t c = hti_utf8_next(&s);

		if (c < 0x20 || c == 0x7F) {
			char b = (char)c;
			on_output(&b, 1, h);
		} else {
			vterm_keyboard_unichar(h->vt, c, VTERM_MOD_NONE);
		}
	}
	return flush_out(h);
}

bool ht_ctrl(ht *h, char letter)
{
	char b = (char)(letter & 0x1F);

	return ht_send(h, &b, 1);
}

bool ht_key(ht *h, int key)
{
	static const VTermKey map[] = {
		[HT_KEY_ENTER] = VTERM_KEY_ENTER, [HT_KEY_TAB] = VTERM_KEY_TAB,
		[HT_KEY_BACKTAB] = VTERM_KEY_TAB,
		[HT_KEY_BACKSPACE] = VTERM_KEY_BACKSPACE,
		[HT_KEY_ESC] = VTERM_KEY_ESCAPE, [HT_KEY_UP] = VTERM_KEY_UP,
		[HT_KEY_DOWN] = VTERM_KEY_DOWN, [HT_KEY_LEFT] = VTERM_KEY_LEFT,
		[HT_KEY_RIGHT] = VTERM_KEY_RIGHT, [HT_KEY_INS] = VTERM_KEY_INS,
		[HT_KEY_DEL] = VTERM_KEY_DEL, [HT_KEY_HOME] = VTERM_KEY_HOME,
		[HT_KEY_END] = VTERM_KEY_END, [HT_KEY_PGUP] = VTERM_KEY_PAGEUP,
		[HT_KEY_PGDN] = VTERM_KEY_PAGEDOWN,
		[HT_KEY_KP_0 + 0] = VTERM_KEY_KP_0, [HT_KEY_KP_0 + 1] = VTERM_KEY_KP_1,
		[HT_KEY_KP_0 + 2] = VTERM_KEY_KP_2, [HT_KEY_KP_0 + 3] = VTERM_KEY_KP_3,
		[HT_KEY_KP_0 + 4] = VTERM_KEY_KP_4, [HT_KEY_KP_0 + 5] = VTERM_KEY_KP_5,
		[HT_KEY_KP_0 + 6] = VTERM_KEY_KP_6, [HT_KEY_KP_0 + 7] = VTERM_KEY_KP_7,
		[HT_KEY_KP_0 + 8] = VTERM_KEY_KP_8, [HT_KEY_KP_0 + 9] = VTERM_KEY_KP_9,
		[HT_KEY_KP_PLUS] = VTERM_KEY_KP_PLUS, [HT_KEY_KP_MINUS] = VTERM_KEY_KP_MINUS,
		[HT_KEY_KP_MULT] = VTERM_KEY_KP_MULT, [HT_KEY_KP_DIV] = VTERM_KEY_KP_DIVIDE,
		[HT_KEY_KP_DOT] = VTERM_KEY_KP_PERIOD, [HT_KEY_KP_ENTER] = VTERM_KEY_KP_ENTER,
	};

	if (key > HT_KEY_F0 && key <= HT_KEY_F0 + 24)
		vterm_keyboard_key(h->vt, VTERM_KEY_FUNCTION(key - HT_KEY_F0),
		                   VTERM_MOD_NONE);
	else if (key > 0 && key < (int)(sizeof map / sizeof map[0]) &&
	         map[key] != VTERM_KEY_NONE)
		vterm_keyboard_key(h->vt, map[key], key == HT_KEY_BACKTAB
		                   ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
	else
		return false;
	return flush_out(h);
}

bool ht_keypad(ht *h, const char *keys)
{
	for (const char *p = keys; *p; p++) {
		const char *ops = "+-*/.\n", *o;
		int key;

		if (*p >= '0' && *p <= '9')
			key = HT_KEY_KP_0 + (*p - '0');
		else if ((o = strchr(ops, *p)) != NULL)
			key = HT_KEY_KP_PLUS + (int)(o - ops);
		else
			return false;
		if (!ht_key(h, key))
			return false;
	}
	return true;
}

/* ---- the child ------------------------------------------------------- */

pid_t ht_pid(const ht *h) { return h->pid; }

bool ht_resize(ht *h, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows,
	                      .ws_col = (unsigned short)cols };

	if (rows <= 0 || cols <= 0)
		return false;
	h->rows = rows;
	h->cols = cols;
	vterm_set_size(h->vt, rows, cols);
	return h->master >= 0 && ioctl(h->master, TIOCSWINSZ, &ws) == 0;
}

void ht_hangup(ht *h)
{
	close_master(h);
}

bool ht_signal(ht *h, int sig)
{
	return h->pid > 0 && !h->reaped && kill(h->pid, sig) == 0;
}

bool ht_exited(ht *h, int *status)
{
	try_reap(h);
	if (h->reaped && status)
		*status = h->status;
	return h->reaped;
}

bool ht_wait_exit(ht *h, int timeout_ms, int *status)
{
	uint64_t deadline = hti_now_ns() + (uint64_t)ht_timeout(timeout_ms) * 1000000u;

	while (!ht_exited(h, status)) {
		uint64_t t = hti_now_ns();

		if (h->pid <= 0 || t >= deadline)
			return false;
		ht_pump(h, (int)((deadline - t + 999999) / 1000000));
	}
	return true;
}

/* utime + stime of pid in clock ticks, -1 when it cannot be read. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "pid (comm) ": state is field 3, utime 14, stime 15 */
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	           &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

double ht_cpu_share(ht *h, int ms)
{
	uint64_t t0 = hti_now_ns(), end = t0 + (uint64_t)ms * 1000000u, t;
	long long c0, c1;

	if (h->pid <= 0 || ht_exited(h, NULL) || (c0 = cpu_ticks(h->pid)) < 0)
		return -1;
	while ((t = hti_now_ns()) < end) {
		ht_pump(h, (int)((end - t + 999999) / 1000000));
		if (ht_exited(h, NULL))
			return -1;
	}
	if ((c1 = cpu_ticks(h->pid)) < 0)
		return -1;
	return (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) /
	       ((double)(hti_now_ns() - t0) / 1e9);
}

/* ---- measurements ---------------------------------------------------- */

uint64_t ht_bytes_read(const ht *h) { return h->bytes; }

void ht_tail_mark(ht *h)
{
	h->tail.len = 0;
	if (h->tail.p != NULL)
		h->tail.p[0] = '\0';
}

const char *ht_tail(const ht *h, size_t *n)
{
	size_t skip = h->tail.len > TAIL_CAP ? h->tail.len - TAIL_CAP : 0;

	if (n != NULL)
		*n = h->tail.len - skip;
	return h->tail.p != NULL ? h->tail.p + skip : "";
}
uint64_t ht_first_output_ns(const ht *h) { return h->t_first; }
uint64_t ht_last_output_ns(const ht *h) { return h->t_last; }
uint64_t ht_elapsed_ns(const ht *h) { return h->t0 ? hti_now_ns() - h->t0 : 0; }
long ht_maxrss_kb(const ht *h) { return h->reaped ? h->maxrss_kb : -1; }

long ht_vmhwm_kb(const ht *h)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (h->pid <= 0 || h->reaped)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)h->pid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}


/*
 * tests/e2e/harness — drive a real program in a pseudo-terminal and read its
 * screen through libvterm, a real terminal emulator, so end-to-end tests
 * assert on cells (what a person would see), never on the byte stream.
 *
 * One `ht` is one child on one pty:
 *
 *   ht_new ──► (ht_path / ht_write_file: prepare the test's temp dir)
 *          ──► ht_spawn (forkpty + execvpe) ──► ht_key / ht_keys / ht_wait_*
 *          ──► ht_hangup / ht_signal / ht_wait_exit ──► ht_end
 *   ht_start = ht_new + ht_spawn;  ht_start_khidma = ht_start with
 *   $KHIDMA_BIN --db <dir>/khidma.db --config <dir>/khidma.conf.
 *
 * Invariants:
 *  1. Every child gets the same terminal: TERM=xterm-256color,
 *     LC_ALL=C.UTF-8, LINES/COLUMNS unset, the size on the pty (80×24 unless
 *     told), HOME/XDG_* and the cwd in the handle's own mkdtemp directory,
 *     KHIDMA_DB / KHIDMA_CONFIG pointing into it. Only PATH and the
 *     sanitiser options are inherited, so khidma and the anchors (dialog,
 *     whiptail) are measured under identical conditions. Extra "NAME=value"
 *     entries override; a bare "NAME" removes a variable.
 *  2. Everything the child writes goes through vterm_input_write, and is
 *     counted (ht_bytes_read); everything libvterm wants to answer (device
 *     attributes, cursor reports, keys from ht_key) goes back to the master.
 *  3. Waits poll(2) on the master (and on a pidfd for the child's exit); no
 *     busy loop. A wait re-checks its condition after every chunk until the
 *     deadline, and gives up at once when the child is gone and the pty
 *     drained (a child that died early fails fast, it does not time out).
 *  4. ht_end leaves nothing behind: the child and its process group are
 *     reaped (SIGHUP, then SIGKILL after a grace period), the master is
 *     closed, the temp directory is removed (kept when HT_KEEP=1).
 *  5. The harness never calls cmocka; HT_ASSERT* are macros for tests that
 *     include <cmocka.h>, so a benchmark can use the same library.
 *  6. A service a test starts with ht_service_start (a private sshd, the
 *     deploy guide's namespace) never outlives the test program: it and
 *     every process it started are killed by ht_service_stop, by ht_end of
 *     its handle (so ht_end_all), at exit, on any signal that ends the test
 *     program; after a SIGKILL of it, by the next harness start's sweep of
 *     the pidfiles (harness_service.c).
 *
 * Timeouts are multiplied by $HT_TIMEOUT_SCALE (e.g. 5 under valgrind).
 */
#ifndef KHIDMA_E2E_HARNESS_H
#define KHIDMA_E2E_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <vterm.h>

typedef struct ht ht;

/* Keys, sent the way libvterm (like xterm) encodes them, honouring the
 * application cursor/keypad modes the child switched on. */
enum ht_key {
	HT_KEY_ENTER = 1, HT_KEY_TAB, HT_KEY_BACKTAB, HT_KEY_BACKSPACE,
	HT_KEY_ESC, HT_KEY_UP, HT_KEY_DOWN, HT_KEY_LEFT, HT_KEY_RIGHT,
	HT_KEY_INS, HT_KEY_DEL, HT_KEY_HOME, HT_KEY_END, HT_KEY_PGUP,
	HT_KEY_PGDN,
	/* the numeric keypad (libvterm sends ESC O p… once the child asked
	 * for application keypad mode, as curses' keypad() does) */
	HT_KEY_KP_0 = 50,              /* + 0..9 */
	HT_KEY_KP_PLUS = 60, HT_KEY_KP_MINUS, HT_KEY_KP_MULT, HT_KEY_KP_DIV,
	HT_KEY_KP_DOT, HT_KEY_KP_ENTER,
	HT_KEY_F0 = 100                /* HT_KEY_F(n) = F1..F12 */
};
#define HT_KEY_F(n) (HT_KEY_F0 + (n))
#define HT_KEY_F1  HT_KEY_F(1)
#define HT_KEY_F2  HT_KEY_F(2)
#define HT_KEY_F3  HT_KEY_F(3)
#define HT_KEY_F10 HT_KEY_F(10)

/* ---- lifetime ------------------------------------------------------------ */

/*
 * A handle with its temp directory (mkdtemp under $TMPDIR or /tmp) and an
 * rows×cols libvterm screen, no child yet. Aborts the test program with a
 * message on a system failure (no temp dir, no memory): a test cannot go on.
 */
ht *ht_new(int rows, int cols);

/*
 * Start argv (argv[0] looked up in PATH) on a new pty of the handle's size,
 * with the environment of invariant 1 plus env_extra (NULL-terminated, may
 * be NULL). Returns false when forkpty fails; an exec failure shows as the
 * child writing "exec <name>: <error>" and exiting 127. One child per handle.
 */
bool ht_spawn(ht *h, const char *const argv[], const char *const env_extra[]);

/* Run fn(arg) in the next ht_spawn's child, on its pty (session leader,
 * stdin/out/err the slave), just before the exec: e.g. block SIGHUP, or
 * put the child in a background process group. */
void ht_before_exec(ht *h, void (*fn)(void *arg), void *arg);

/* ht_new + ht_spawn; NULL on failure (the handle is freed). */
ht *ht_start(const char *const argv[], const char *const env_extra[],
             int rows, int cols);

/*
 * Start $KHIDMA_BIN --db <dir>/khidma.db --config <dir>/khidma.conf
 * followed by args (NULL-terminated, may be NULL). The config file is
 * created empty unless the test wrote one first — use ht_new,
 * ht_write_file(h, "khidma.conf", ...) and ht_spawn_khidma for that.
 */
ht  *ht_start_khidma(const char *const args[], const char *const env_extra[],
                     int rows, int cols);
bool ht_spawn_khidma(ht *h, const char *const args[],
                     const char *const env_extra[]);

/* Kill (if needed) and reap the child, close the pty, remove the temp dir,
 * free everything. NULL is accepted. */
void ht_end(ht *h);
/* ht_end every handle not yet ended — for a cmocka teardown, since a
 * failed assertion longjmps past the test's own ht_end. */
void ht_end_all(void);

/* The same in cmocka's teardown shape (int (*)(void **state); the harness
 * still calls no cmocka): cmocka_unit_test_teardown(test, ht_teardown). */
int  ht_teardown(void **state);
/* True when $KHIDMA_BIN is set; else false, with "KHIDMA_BIN is not set
 * (run via tests/run.sh)" on stderr: `if (!ht_khidma_bin_set()) return 1;`
 * first in a test program's main. */
bool ht_khidma_bin_set(void);

/* ---- the test's directory --------------------------------------------------- */

const char *ht_dir(const ht *h);          /* the mkdtemp directory */
const char *ht_db_path(const ht *h);      /* <dir>/khidma.db (may not exist) */
const char *ht_config_path(const ht *h);  /* <dir>/khidma.conf */
/* <dir>/<name> in a buffer owned by h, valid until the next ht_path call. */
const char *ht_path(ht *h, const char *name);
/* Write text to <dir>/<name> (mode 0600). False on an I/O error. */
bool ht_write_file(ht *h, const char *name, const char *text);

/* ---- input to the child ------------------------------------------------------ */

/* Raw bytes to the master, as if pasted. False when the pty is gone. */
bool ht_send(ht *h, const void *bytes, size_t n);
bool ht_sends(ht *h, const char *s);
/* Type UTF-8 text: every code point as a key press (vterm_keyboard_unichar)
 * in one write. */
bool ht_keys(ht *h, const char *utf8);
#define ht_send_utf8 ht_keys
/* One key (enum ht_key) or a Ctrl+letter (ht_ctrl(h, 'c')). */
bool ht_key(ht *h, int key);
/* Keys of the numeric keypad, one per character of keys: "0"-"9", "+",
 * "-", "*", "/", "." and "\n" (its Enter). False on any other character. */
bool ht_keypad(ht *h, const char *keys);
bool ht_ctrl(ht *h, char letter);

/* ---- waiting ------------------------------------------------------------------- */

/* Read and interpret whatever arrives within timeout_ms (0 = only what is
 * there now). Returns the number of bytes read (0 on quiet or EOF). */
size_t ht_pump(ht *h, int timeout_ms);

/* True once the substring is on the screen: rows joined with '\n', each row
 * as in ht_screen_text. False at the deadline or when the child is gone. */
bool ht_wait_text(ht *h, const char *utf8, int timeout_ms);
/* True once the substring is NOT on the screen any more. */
bool ht_wait_gone(ht *h, const char *utf8, int timeout_ms);
/* True once row `row` (0-based) contains utf8. */
bool ht_wait_row(ht *h, int row, const char *utf8, int timeout_ms);
/* True once the cells from (row, col) on read exactly utf8 (a prefix of the
 * rest of the row; a wide character counts as one cell of width 2). */
bool ht_wait_at(ht *h, int row, int col, const char *utf8, int timeout_ms);
/* True once the cell (row, col) holds exactly utf8 (base + marks). */
bool ht_wait_cell(ht *h, int row, int col, const char *utf8, int timeout_ms);
/* True once the cursor is at (row, col). */
bool ht_wait_cursor(ht *h, int row, int col, int timeout_ms);
/* True once the child wrote nothing for quiet_ms (or has gone for good);
 * false if it keeps writing for max(10 s, 20 × quiet_ms). */
bool ht_wait_quiet(ht *h, int quiet_ms);
/* Generic: true once pred(h, arg) holds. */
bool ht_wait_until(ht *h, bool (*pred)(ht *, void *), void *arg,
                   int timeout_ms);

/* ---- the screen ---------------------------------------------------------------- */

int  ht_rows(const ht *h);
int  ht_cols(const ht *h);
/* Row as UTF-8: every cell's base character and its combining marks, an
 * empty cell as a space, the right half of a wide character skipped,
 * trailing spaces removed. Buffer owned by h, valid until the next
 * ht_screen_text / ht_screen call. Out of range rows give "". */
const char *ht_screen_text(ht *h, int row);
/* Digits on rows [from, to): *eastern counts Arabic-Indic ones (U+0660..
 * U+0669), *ascii the ASCII ones that stand outside a word holding a Latin
 * letter (key caps "F3", a Latin name or an e-mail stay ASCII by design on
 * an Arabic screen; see src/text/digits.c). */
void ht_count_digits(ht *h, int from, int to, int *eastern, int *ascii);
/* The whole screen, rows joined with '\n'. Same ownership. */
const char *ht_screen(ht *h);
/* The cell at (row, col); false when out of range. */
bool ht_cell(ht *h, int row, int col, VTermScreenCell *cell);
void ht_cursor(ht *h, int *row, int *col);
bool ht_cursor_visible(const ht *h);
/* Write the screen as text (a "# rows×cols cursor r,c" line, then the rows)
 * to path. False on an I/O error. */
bool ht_dump(ht *h, const char *path);

/* ---- the child ------------------------------------------------------------------- */

pid_t ht_pid(const ht *h);
/* Resize: TIOCSWINSZ on the master (the kernel sends SIGWINCH to the
 * child's foreground group) and vterm_set_size. */
bool ht_resize(ht *h, int rows, int cols);
/* Close the master: the child's session gets SIGHUP. Screen stays readable. */
void ht_hangup(ht *h);
bool ht_signal(ht *h, int sig);
/* True once the child has exited and is reaped; *status (may be NULL) gets
 * the waitpid status. Keeps reading the pty meanwhile. */
bool ht_wait_exit(ht *h, int timeout_ms, int *status);
bool ht_exited(ht *h, int *status);   /* non-blocking check */
/* The share of one CPU (0.0-1.0) the child used over the next ms
 * (utime + stime from /proc/PID/stat; the pty is read meanwhile); -1 when
 * the child is gone or has exited. */
double ht_cpu_share(ht *h, int ms);

/* ---- services (invariant 6) ---------------------------------------------------------- */

/*
 * Start argv (looked up in PATH) in the background as a service of h: a
 * session and process group of its own, its cwd h's directory, stdin
 * /dev/null, stdout and stderr
 * in <dir>/<log_name> (truncated; NULL: /dev/null), env_extra
 * ("NAME=value", may be NULL) added to the environment. Returns its pid,
 * or -1 (no slot, no fork). An exec failure: exit 127 and "exec ..." in
 * the log.
 */
pid_t ht_service_start(ht *h, const char *const argv[],
                       const char *const env_extra[], const char *log_name);
/* SIGTERM to the service, its process group and its descendants; SIGKILL
 * to what is left after 5 s; reaped and forgotten. Its wait status, or -1
 * (not a running service of this harness). */
int  ht_service_stop(pid_t pid);
/* True once it exited (reaped; *status, may be NULL, gets the status; its
 * group killed) or when pid is no service; false while it runs. */
bool ht_service_exited(pid_t pid, int *status);
/* True once 127.0.0.1:port accepts a connection; false at the deadline or
 * as soon as the service has exited. */
bool ht_service_wait_port(pid_t pid, int port, int timeout_ms);
/* Kill the services (and what they started) whose test program is gone —
 * died without its exit or signal path (SIGKILL) — and drop their
 * pidfiles. The first ht_new of a process does it. */
void ht_services_sweep(void);
/* A TCP port on 127.0.0.1 that was free a moment ago (-1 on error), and
 * whether something listens on one. */
int  ht_free_port(void);
bool ht_port_open(int port);
/*
 * A private OpenSSH server: /usr/sbin/sshd -D -e -f <dir>/sshd_config (the
 * test writes it; "Port <port>", "ListenAddress 127.0.0.1", "PidFile none"),
 * its log in <dir>/sshd.log, /run/sshd made. Returns its pid once it
 * listens on port, or -1 (it exited or never listened within 10 s: see
 * the log).
 */
pid_t ht_sshd_start(ht *h, int port);

/* ---- measurements (for benchmarks) ------------------------------------------------ */

uint64_t ht_bytes_read(const ht *h);      /* total the child wrote */
/* The raw bytes the child wrote since the last ht_tail_mark (or since the
 * spawn), at most the last 64 KiB, NUL-terminated; *n gets the length.
 * For tests of what goes to the terminal at exit (restore sequences),
 * which no screen cell shows. */
void        ht_tail_mark(ht *h);
const char *ht_tail(const ht *h, size_t *n);
/* Nanoseconds since spawn: of the first byte read, of the last read (the one
 * that made the latest successful wait true), of now. 0 when none yet. */
uint64_t ht_first_output_ns(const ht *h);
uint64_t ht_last_output_ns(const ht *h);
uint64_t ht_elapsed_ns(const ht *h);
/* VmHWM of the running child from /proc/PID/status in KiB (-1 if gone);
 * after the reap, ru_maxrss from wait4 (KiB) via ht_maxrss_kb. */
long ht_vmhwm_kb(const ht *h);
long ht_maxrss_kb(const ht *h);

/* ---- assertions (for cmocka tests) --------------------------------------------------- */

/*
 * Build the failure report for a condition that did not hold: the screen is
 * written to <logdir>/<test>-<line>.screen (logdir = $HT_LOG_DIR, else the
 * test-logs/ beside $KHIDMA_BIN, else $TMPDIR) and the returned message
 * (owned by h, valid until the next report) names the condition, the
 * child's state and the file, and holds the screen framed row by row.
 */
const char *ht_failure(ht *h, const char *cond, const char *test,
                       const char *file, int line);
/* ht_failure, print the whole report on stderr (cmocka cuts messages at
 * 1 KiB), return its first line for fail_msg. */
const char *ht_fail_report(ht *h, const char *cond, const char *test,
                           const char *file, int line);
/* Scale a timeout by $HT_TIMEOUT_SCALE. */
int ht_timeout(int ms);

#define HT_ASSERT(h, cond) do { \
	if (!(cond)) \
		fail_msg("%s", ht_fail_report((h), #cond, __func__, __FILE__, \
		                               __LINE__)); \
} while (0)
#define HT_ASSERT_TEXT(h, text, ms)  HT_ASSERT(h, ht_wait_text(h, text, ms))
#define HT_ASSERT_GONE(h, text, ms)  HT_ASSERT(h, ht_wait_gone(h, text, ms))
#define HT_ASSERT_ROW(h, r, text, ms) HT_ASSERT(h, ht_wait_row(h, r, text, ms))
#define HT_ASSERT_AT(h, r, c, text, ms) \
	HT_ASSERT(h, ht_wait_at(h, r, c, text, ms))
#define HT_ASSERT_CELL(h, r, c, text, ms) \
	HT_ASSERT(h, ht_wait_cell(h, r, c, text, ms))

#endif

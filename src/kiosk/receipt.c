/*
 * kiosk/receipt — the optional printed receipt: plain text, both languages,
 * given to the configured receipt_command (e.g. "lp -d kiosk") on its
 * standard input, in the background (issue 15, finding 1).
 *
 *   kiosk ──fork──► supervisor ──fork/exec──► /bin/sh -c "( cmd ) >/dev/null 2>&1"
 *     │  (returns at once)  │ writes the text into a pipe, waits at most
 *     │                     │ receipt_timeout s, then SIGKILLs the
 *     │                     │ command's process group; _exit(code)
 *     └── kiosk_receipt_poll: waitpid(WNOHANG) on the supervisor, logs
 *
 * Invariants:
 *  1. Every piece of text is passed through text_sanitize: no control or
 *     escape sequence from a stored value reaches the printer.
 *  2. The receipt holds no personal data beyond a masked name and mobile.
 *  3. The command's own output never reaches the kiosk's screen (it goes
 *     to /dev/null) and a command that exits early cannot kill the kiosk
 *     or its supervisor (SIGPIPE is ignored there).
 *  4. The kiosk never waits for the command: kiosk_receipt_start only
 *     forks; the input loop, the idle timer and the confirmation's
 *     countdown go on. The supervisor, not the kiosk, enforces the
 *     timeout, so a command is killed on time even after the visitor has
 *     left the confirmation or the kiosk has ended. The command runs in a
 *     process group of its own (setpgid), so the kill takes whatever it
 *     started, and a hang-up of the kiosk's terminal never reaches it.
 *  5. Between fork and exec/_exit the children call only async-signal-safe
 *     functions (the kiosk has a background-check thread): everything
 *     they need (the shell line, the text) is prepared before the fork,
 *     and the logging is the kiosk's, when it reaps the supervisor.
 *  6. At most one receipt is printing at a time; another request while one
 *     runs is refused (and the visitor told), never queued without limit.
 */
#include "kiosk/kiosk.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"

static void
add(char **buf, const char *a, const char *b)
{
	char *safe_a = text_sanitize(a ? a : "", a ? strlen(a) : 0);
	char *safe_b = text_sanitize(b ? b : "", b ? strlen(b) : 0);
	char *line = xasprintf("%s%s%s\n", safe_a, *safe_b ? " " : "", safe_b);
	char *joined = xasprintf("%s%s", *buf, line);

	free(*buf);
	*buf = joined;
	free(line);
	free(safe_a);
	free(safe_b);
}

char *
kiosk_receipt_text(const struct request *r)
{
	char *buf = xstrdup("");
	char date[64], g[128], h[128], mob[24], *mn;
	ui_lang keep = ui_get_lang();

	mn = kiosk_mask_name(r->name);
	kiosk_mask_mobile(r->mobile, mob, sizeof mob);
	khidma_datetime(r->created_at, date, sizeof date);
	add(&buf, "جمعية الخدمات الفنية والصيانة التعاونية", "");
	add(&buf, "Technical Services and Maintenance Cooperative Society", "");
	add(&buf, "----------------------------------------", "");
	for (int l = 0; l < 2; l++) {
		ui_set_lang(l == 0 ? LANG_AR : LANG_EN);
		kiosk_date(r->earliest_response, false, g, sizeof g);
		kiosk_date(r->earliest_response, true, h, sizeof h);
		add(&buf, _("Service request receipt"), "");
		add(&buf, _("Reference number:"), r->ref);
		add(&buf, _("Submitted:"), date);
		add(&buf, _("Name:"), mn);
		add(&buf, _("Mobile:"), mob);
		add(&buf, _("Earliest response:"), g);
		add(&buf, "", h);
		add(&buf, _("An officer verifies your data, then the research committee "
		                "studies your request and answers no earlier than the date above."), "");
		add(&buf, _("To follow it, choose \"Track my request\" at the kiosk and type "
		                "this number and the last 4 digits of your mobile."), "");
		add(&buf, "----------------------------------------", "");
	}
	ui_set_lang(keep);
	free(mn);
	return buf;
}

/* The supervisor's exit codes (invariant 5: the kiosk logs them). */
enum { RJ_OK = 0, RJ_FAILED = 1, RJ_TIMEOUT = 2, RJ_NOSTART = 3 };

static pid_t job_pid;                  /* the supervisor, 0 = none */
static char  job_cmd[256];             /* for the log */
static int   job_timeout;
static volatile sig_atomic_t cmd_pid;  /* in the supervisor: the command */

static long long
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Supervisor: SIGTERM/SIGHUP take the command's group along. */
static void
sup_on_term(int sig)
{
	(void)sig;
	if (cmd_pid > 0)
		kill(-(pid_t)cmd_pid, SIGKILL);
	_exit(RJ_FAILED);
}

static void
set_sig(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

/* The command: its own process group, the pipe on stdin, default signals
 * (the kiosk ignores SIGINT/SIGQUIT/SIGTSTP), then the shell. Never returns. */
static void
command_child(int in, int out, const char *line)
{
	static const int dfl[] = { SIGINT, SIGQUIT, SIGTSTP, SIGPIPE, SIGHUP, SIGTERM,
	                           SIGCHLD, SIGTTOU, SIGTTIN };
	sigset_t none;

	setpgid(0, 0);
	for (size_t i = 0; i < ARRAY_LEN(dfl); i++)
		set_sig(dfl[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, STDIN_FILENO) < 0)
		_exit(127);
	close(in);
	close(out);
	execl("/bin/sh", "sh", "-c", line, (char *)NULL);
	_exit(127);
}

/* The supervisor (invariants 4, 5). Never returns. */
static void
supervisor(const char *line, const char *text, size_t len, int timeout_s)
{
	long long end = mono_ms() + (long long)timeout_s * 1000;
	sigset_t chld, none;
	int p[2], st = 0;
	pid_t c;

	set_sig(SIGPIPE, SIG_IGN);
	set_sig(SIGINT, SIG_IGN);
	set_sig(SIGQUIT, SIG_IGN);
	set_sig(SIGTERM, sup_on_term);
	set_sig(SIGHUP, sup_on_term);
	/* the kiosk's fatal-signal handlers write to its terminal: not here */
	set_sig(SIGSEGV, SIG_DFL);
	set_sig(SIGABRT, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &chld, NULL);     /* SIGCHLD: sigtimedwait below */
	if (pipe(p) != 0)
		_exit(RJ_NOSTART);
	c = fork();
	if (c < 0)
		_exit(RJ_NOSTART);
	if (c == 0)
		command_child(p[0], p[1], line);
	setpgid(c, c);                             /* as the child does: no race */
	cmd_pid = c;
	close(p[0]);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	/* the text, without ever blocking past the deadline */
	while (len > 0) {
		struct pollfd pf = { .fd = p[1], .events = POLLOUT };
		long long left = end - mono_ms();
		ssize_t w;

		if (left <= 0)
			break;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		w = write(p[1], text, len);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			break;              /* EPIPE: it stopped reading; its status says */
		text += w;
		len -= (size_t)w;
	}
	close(p[1]);
	for (;;) {
		long long left = end - mono_ms();
		struct timespec ts;
		pid_t r = waitpid(c, &st, WNOHANG);

		if (r == c)
			break;
		if (left <= 0) {
			kill(-c, SIGKILL);
			kill(c, SIGKILL);
			while (waitpid(c, &st, 0) < 0 && errno == EINTR)
				;
			_exit(RJ_TIMEOUT);
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		sigtimedwait(&chld, NULL, &ts);
	}
	/* whatever it left behind in its group goes too */
	kill(-c, SIGKILL);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		_exit(RJ_OK);
	_exit(WIFEXITED(st) && WEXITSTATUS(st) == 127 ? RJ_NOSTART : RJ_FAILED);
}

/* Contract: kiosk.h. */
int
kiosk_receipt_start(const char *cmd, const char *text, int timeout_s)
{
	char *line;
	pid_t pid;

	if (cmd == NULL || *cmd == '\0')
		return -1;
	if (kiosk_receipt_poll() == RECEIPT_RUNNING) {
		log_error("kiosk: a receipt is still printing; another one refused");
		return -1;
	}
	if (timeout_s <= 0)
		timeout_s = 10;
	/* A subshell, so the command's own redirections (e.g. "cat > file")
	 * still apply: a trailing ">/dev/null" on the bare command would
	 * replace them and silently drop the receipt. */
	line = xasprintf("( %s\n) >/dev/null 2>&1", cmd);
	pid = fork();
	if (pid == 0)
		supervisor(line, text, strlen(text), timeout_s);
	free(line);
	if (pid < 0) {
		log_error("kiosk: receipt command cannot start (fork: %s): %s",
		          strerror(errno), cmd);
		return -1;
	}
	job_pid = pid;
	job_timeout = timeout_s;
	snprintf(job_cmd, sizeof job_cmd, "%s", cmd);
	return 0;
}

/* Contract: kiosk.h. */
enum receipt_state
kiosk_receipt_poll(void)
{
	int st = 0;
	pid_t r;

	if (job_pid <= 0)
		return RECEIPT_NONE;
	r = waitpid(job_pid, &st, WNOHANG);
	if (r == 0)
		return RECEIPT_RUNNING;
	job_pid = 0;
	if (r < 0 || !WIFEXITED(st)) {
		log_error("kiosk: receipt supervisor lost (status %d): %s", st, job_cmd);
		return RECEIPT_FAILED;
	}
	switch (WEXITSTATUS(st)) {
	case RJ_OK:
		return RECEIPT_OK;
	case RJ_TIMEOUT:
		log_error("kiosk: receipt command still running after %d s, killed "
		          "(its process group): %s", job_timeout, job_cmd);
		return RECEIPT_FAILED;
	case RJ_NOSTART:
		log_error("kiosk: receipt command cannot start: %s", job_cmd);
		return RECEIPT_FAILED;
	default:
		log_error("kiosk: receipt command failed: %s", job_cmd);
		return RECEIPT_FAILED;
	}
}

/*
 * tests/e2e/harness_service — servers a test runs beside khidma (a private
 * sshd, the deploy guide's namespace), and the guarantee that none of them
 * outlives the test program (harness.h, invariant 6).
 *
 * A service is started in a session and process group of its own (so the
 * pty's SIGHUP never reaches it), with stdin on /dev/null and its output in
 * a log in the owning handle's directory. It is registered in a table and
 * in a pidfile, <$TMPDIR or /tmp>/khidma-e2e-services/<pid>, holding
 * "<its start time> <test pid> <test start time>" (start times from
 * /proc/PID/stat field 22, so a reused pid is never taken for it).
 *
 * Every path kills it with every process it started (its descendants by
 * /proc's parent links: sshd puts each connection in a session of its own,
 * outside the service's process group):
 *   ht_service_stop, ht_end of its handle, ht_end_all   SIGTERM, SIGKILL after 5 s
 *   exit of the test program (atexit)                   the same
 *   a signal that ends the test program (run.sh's       SIGKILL at once, then the
 *     timeout sends SIGTERM; SIGINT, SIGHUP, SIGQUIT,   signal again with its old
 *     SIGABRT, SIGSEGV ...)                             action
 *   SIGKILL of the test program                         the next harness start's
 *                                                       sweep (ht_new): a pidfile
 *                                                       whose test is gone
 * The signal handler only calls async-signal-safe functions: kill, open,
 * read, close, getdents64 (syscall), unlink, sigaction, raise; the /proc
 * walk uses static buffers.
 */
#include "e2e/harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/harness_int.h"

enum { SVC_MAX = 16, PROC_MAX = 8192 };

struct svc {
	pid_t              pid;         /* 0: free slot */
	const ht          *owner;
	unsigned long long start;       /* /proc start time */
	char               pidfile[256];
};

static struct svc svcs[SVC_MAX];
static bool armed, swept;
static struct sigaction old_act[NSIG];
static const int fatal_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGABRT,
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU };

/* ---- /proc, async-signal-safe ------------------------------------------ */

/* Parse "<pid> (comm) S ppid ... starttime" from /proc/<pid>/stat. */
static bool proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[48], buf[1024], *p;
	int fd, field;
	ssize_t n;
	long long v;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')))
		return false;
	p++;                            /* " S ppid ..." : field 3 is S */
	for (field = 3; *p && field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (field == 4 || field == 22) {
			v = 0;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (*p++ - '0');
			if (field == 4 && ppid)
				*ppid = (pid_t)v;
			if (field == 22 && start)
				*start = (unsigned long long)v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return field > 22;
}

static pid_t tree_pid[PROC_MAX], tree_ppid[PROC_MAX];

/* Send sig to root and every process descended from it (by parent links,
 * one /proc walk), and to root's process group. */
static void kill_tree(pid_t root, int sig)
{
	char buf[4096];
	int fd, n = 0;
	long got;
	bool more = true;

	if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		while (n < PROC_MAX &&
		       (got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < got && n < PROC_MAX;) {
				struct { unsigned long long ino; long long off;
				         unsigned short reclen; unsigned char type;
				         char name[]; } *d = (void *)(buf + off);
				pid_t pid = 0;
				const char *c = d->name;

				off += d->reclen;
				while (*c >= '0' && *c <= '9')
					pid = pid * 10 + (*c++ - '0');
				if (*c == '\0' && pid > 0 &&
				    proc_stat(pid, &tree_ppid[n], NULL))
					tree_pid[n++] = pid;
			}
		}
		close(fd);
	}
	/* mark the descendants: ppid 0 marks "in the tree" by swapping in -1 */
	while (more) {
		more = false;
		for (int i = 0; i < n; i++) {
			if (tree_pid[i] <= 0)
				continue;
			bool in = tree_ppid[i] == root;
			for (int j = 0; !in && j < n; j++)
				in = tree_pid[j] < 0 && -tree_pid[j] == tree_ppid[i];
			if (in) {
				tree_pid[i] = -tree_pid[i];
				more = true;
			}
		}
	}
	kill(-root, sig);
	kill(root, sig);
	for (int i = 0; i < n; i++)
		if (tree_pid[i] < 0)
			kill(-tree_pid[i], sig);
}

/* ---- the table ------------------------------------------------------------ */

static const char *svc_dir(void)
{
	static char dir[200];
	const char *tmp = getenv("TMPDIR");

	if (!dir[0])
		snprintf(dir, sizeof dir, "%s/khidma-e2e-services",
		         tmp && *tmp ? tmp : "/tmp");
	return dir;
}

static void on_fatal(int sig)
{
	int saved = errno;

	for (int i = 0; i < SVC_MAX; i++)
		if (svcs[i].pid > 0) {
			kill_tree(svcs[i].pid, SIGKILL);
			unlink(svcs[i].pidfile);
		}
	sigaction(sig, &old_act[sig], NULL);
	errno = saved;
	raise(sig);
}

static void stop_all(void)
{
	for (int i = 0; i < SVC_MAX; i++)
		if (svcs[i].pid > 0)
			ht_service_stop(svcs[i].pid);
}

static void arm(void)
{
	struct sigaction sa;

	if (armed)
		return;
	armed = true;
	atexit(stop_all);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	for (size_t i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
		sigaction(fatal_sigs[i], &sa, &old_act[fatal_sigs[i]]);
}

void hti_services_sweep(void)
{
	if (!swept)
		ht_services_sweep();
}

void ht_services_sweep(void)
{
	DIR *d;
	struct dirent *e;

	swept = true;
	if (!(d = opendir(svc_dir())))
		return;
	while ((e = readdir(d)) != NULL) {
		unsigned long long s_start = 0, o_start = 0, now = 0;
		char path[512];
		pid_t pid = (pid_t)atoi(e->d_name), owner = 0;
		int o = 0;
		FILE *f;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", svc_dir(), e->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		if (fscanf(f, "%llu %d %llu", &s_start, &o, &o_start) != 3)
			o = 0;
		fclose(f);
		owner = (pid_t)o;
		if (owner > 0 && proc_stat(owner, NULL, &now) && now == o_start)
			continue;               /* its test is still running */
		if (proc_stat(pid, NULL, &now) && now == s_start) {
			fprintf(stderr, "harness: killing service %d left by test %d\n",
			        (int)pid, (int)owner);
			kill_tree(pid, SIGKILL);
		}
		unlink(path);
	}
	closedir(d);
}

pid_t ht_service_start(ht *h, const char *const argv[],
                       const char *const env_extra[], const char *log_name)
{
	char log[1024];
	struct svc *s = NULL;
	pid_t pid;
	FILE *f;

	hti_services_sweep();
	for (int i = 0; i < SVC_MAX && !s; i++)
		if (svcs[i].pid == 0)
			s = &svcs[i];
	if (!s || !argv || !argv[0])
		return -1;
	arm();
	snprintf(log, sizeof log, "%s/%s", ht_dir(h), log_name ? log_name : "");
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = log_name ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)
		                   : open("/dev/null", O_WRONLY);
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (size_t i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
			signal(fatal_sigs[i], SIG_DFL);
		setsid();
		if (chdir(ht_dir(h)) != 0)
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		for (size_t i = 0; env_extra && env_extra[i]; i++)
			putenv((char *)env_extra[i]);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	s->pid = pid;
	s->owner = h;
	/* the start time: the child exists once fork returned */
	proc_stat(pid, NULL, &s->start);
	mkdir(svc_dir(), 0700);
	snprintf(s->pidfile, sizeof s->pidfile, "%s/%d", svc_dir(), (int)pid);
	if ((f = fopen(s->pidfile, "we")) != NULL) {
		unsigned long long me = 0;

		proc_stat(getpid(), NULL, &me);
		fprintf(f, "%llu %d %llu\n", s->start, (int)getpid(), me);
		fclose(f);
	}
	return pid;
}

static struct svc *find(pid_t pid)
{
	for (int i = 0; i < SVC_MAX; i++)
		if (pid > 0 && svcs[i].pid == pid)
			return &svcs[i];
	return NULL;
}

int ht_service_stop(pid_t pid)
{
	struct svc *s = find(pid);
	int st = -1;

	if (!s)
		return -1;
	kill_tree(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		st = -1;
		poll(NULL, 0, 50);
	}
	kill_tree(pid, SIGKILL);        /* what is left of it, and its children */
	if (st == -1 && waitpid(pid, &st, 0) != pid)
		st = -1;
	unlink(s->pidfile);
	memset(s, 0, sizeof *s);
	return st;
}

bool ht_service_exited(pid_t pid, int *status)
{
	struct svc *s = find(pid);
	int st;

	if (!s)
		return true;
	if (waitpid(pid, &st, WNOHANG) != pid)
		return false;
	if (status)
		*status = st;
	kill_tree(pid, SIGKILL);        /* no orphan of it stays */
	unlink(s->pidfile);
	memset(s, 0, sizeof *s);
	return true;
}

void hti_services_end(const ht *h)
{
	for (int i = 0; i < SVC_MAX; i++)
		if (svcs[i].pid > 0 && svcs[i].owner == h)
			ht_service_stop(svcs[i].pid);
}

/* ---- ports ------------------------------------------------------------------ */

int ht_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

bool ht_port_open(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

bool ht_service_wait_port(pid_t pid, int port, int timeout_ms)
{
	uint64_t end = hti_now_ns() + (uint64_t)ht_timeout(timeout_ms) * 1000000u;

	for (;;) {
		if (ht_port_open(port))
			return true;
		if (ht_service_exited(pid, NULL) || hti_now_ns() >= end)
			return false;
		poll(NULL, 0, 50);
	}
}

/* ---- a private sshd ------------------------------------------------------------ */

pid_t ht_sshd_start(ht *h, int port)
{
	static const char sshd[] = "/usr/sbin/sshd";
	char conf[1024];
	const char *argv[] = { sshd, "-D", "-e", "-f", conf, NULL };
	pid_t pid;

	snprintf(conf, sizeof conf, "%s/sshd_config", ht_dir(h));
	mkdir("/run/sshd", 0755);       /* privilege separation */
	pid = ht_service_start(h, argv, NULL, "sshd.log");
	if (pid > 0 && !ht_service_wait_port(pid, port, 10000)) {
		ht_service_stop(pid);
		return -1;
	}
	return pid;
}

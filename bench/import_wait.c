/*
 * bench/import_wait — the kiosk's worst wait during a member import (issue
 * 15, finding 8): `khidma members import` of N members (default 300 000)
 * runs as a separate process on DB while this process submits requests
 * through the kiosk's own call (store_request_submit, durable) every
 * PAUSE_MS, timing each, until the import has exited.
 *
 *   import_wait KHIDMA_BIN DB [-n MEMBERS] [-w WORKDIR]
 *
 * DB must exist (khidma init). The CSV is written to WORKDIR (default: the
 * directory of DB). Prints Markdown table rows: the import's wall time and
 * exit status, the submits made while it ran, and their median, p99 and
 * maximum latency — the worst a visitor pressing "send" waited. Exit status
 * 0 when the import succeeded and every submit was stored.
 */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store.h"
#include "bench/stats.h"

enum { PAUSE_MS = 20, MAX_SAMPLES = 100000 };

static void request(struct request *r, int i)
{
	static char name[64];

	snprintf(name, sizeof name, "Kiosk Visitor %d", i);
	memset(r, 0, sizeof *r);
	strcpy(r->category, "member");
	r->name = name;
	strcpy(r->national_id, "1000000008");
	strcpy(r->mobile, "0551234567");
	r->email = (char *)"";
	strcpy(r->service, "maintenance");
	strcpy(r->channel, "in_person");
	r->description = (char *)"Submitted while the register is imported.";
	r->declared_at = 1700000000;
	r->signature = name;
	r->declaration_version = 1;
	strcpy(r->declared_by, "kiosk");
}

int main(int argc, char **argv)
{
	const char *bin, *db, *dir = NULL;
	char csv[4096], *dbcopy;
	struct store_opts o = { .create = false };
	double *lat = calloc(MAX_SAMPLES, sizeof *lat), *sorted;
	int n = 300000, c, ns = 0, failed = 0, st = 0;
	uint64_t t0, t1;
	char err[256];
	store *s;
	pid_t pid;
	FILE *f;

	while ((c = getopt(argc, argv, "n:w:")) != -1) {
		if (c == 'n')
			n = atoi(optarg);
		else if (c == 'w')
			dir = optarg;
		else
			return 2;
	}
	if (argc - optind != 2 || lat == NULL) {
		fprintf(stderr, "usage: import_wait KHIDMA_BIN DB [-n MEMBERS] [-w WORKDIR]\n");
		return 2;
	}
	bin = argv[optind];
	db = argv[optind + 1];
	dbcopy = xstrdup(db);
	snprintf(csv, sizeof csv, "%s/import-wait-%d.csv", dir ? dir : dirname(dbcopy), n);
	free(dbcopy);
	if ((f = fopen(csv, "w")) == NULL) {
		perror(csv);
		return 1;
	}
	fputs("membership_number,name,national_id,mobile,category\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "IW-%07d,Imported Member %d,1000000008,05%08d,member\n", i, i, i);
	if (fclose(f) != 0) {
		perror(csv);
		return 1;
	}
	if (store_open(db, &o, &s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "import_wait: %s\n", err);
		return 1;
	}
	t0 = bs_now_ns();
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl(bin, "khidma", "--db", db, "members", "import", csv, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	for (int i = 0; waitpid(pid, &st, WNOHANG) == 0; i++) {
		struct request r;
		uint64_t a, b;
		st_rc rc;

		request(&r, i);
		a = bs_now_ns();
		rc = store_request_submit(s, &r, "kiosk");
		b = bs_now_ns();
		if (rc != ST_OK)
			failed++;
		if (ns < MAX_SAMPLES)
			lat[ns++] = (double)(b - a) / 1e6;
		usleep(PAUSE_MS * 1000);
	}
	t1 = bs_now_ns();
	store_close(s);
	unlink(csv);
	sorted = lat;
	printf("| `khidma members import` of %d members beside a kiosk submitting every %d ms | "
	       "%.1f s, exit %d |\n", n, PAUSE_MS, (double)(t1 - t0) / 1e9,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("| kiosk submits during the import (store_request_submit, durable) | %d, %d failed |\n",
	       ns, failed);
	if (ns > 0) {
		double med = bs_pct(sorted, ns, 50), p99 = bs_pct(sorted, ns, 99),
		       max = bs_pct(sorted, ns, 100);
		printf("| kiosk submit latency during the import: median / p99 / **worst** | "
		       "%.1f ms / %.1f ms / **%.1f ms** (goal ≤ 1000 ms) |\n", med, p99, max);
	}
	free(lat);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && failed == 0 && ns > 0 ? 0 : 1;
}

/*
 * cli/cmd_notify — `khidma notify --once | --daemon`: the sender of the
 * outbox (store/notify.c, schema v12). The screens never send: a status
 * change only writes its message to the outbox in its own transaction;
 * this process renders it (screens/notify.conf, core/notify_tpl) and hands
 * it to a transport:
 *
 *   SMS    sms_command, run by /bin/sh in a process group of its own: the
 *          number (+9665…) as its last argument and in $KHIDMA_SMS_TO, the
 *          message's idempotency key in $KHIDMA_MESSAGE_ID, the UTF-8 text
 *          on standard input. Exit 0 = sent; 65 (EX_DATAERR) or 67
 *          (EX_NOUSER) = refused for good; anything else, a signal or
 *          notify_timeout = try again later. Its first output line is the
 *          gateway's answer.
 *   e-mail libcurl's SMTP: STARTTLS required on smtp:// (CURLUSESSL_ALL),
 *          AUTH with smtp_user and the password file's first line; the
 *          subject as RFC 2047 encoded-words (UTF-8, base64), the body
 *          text/plain; charset=UTF-8 in base64; Message-ID = the key.
 *          libcurl rather than an MTA's sendmail: one well-kept library
 *          (Debian's libcurl4-openssl-dev) that speaks STARTTLS and AUTH
 *          itself and reports the server's answer for this very message —
 *          sendmail only says "queued locally", which is neither the
 *          gateway's answer the console shows nor a delivery, and needs a
 *          configured MTA on every branch machine.
 *
 * Delivery semantics (the design comment of store/notify.c, invariant 2):
 *  1. A message is claimed ('sending') in a short transaction before it is
 *     handed over and marked sent/queued/failed after; no transaction
 *     spans a send.
 *  2. At most once, for both transports: a sender killed while a message
 *     is 'sending' (kill -9, power loss) leaves it so; the next pass marks
 *     it 'unknown' (shown on the console) and never sends it again, even
 *     though for SMTP the server may or may not have accepted it, and an
 *     SMS command may have finished after its parent died. Resending would
 *     be at-least-once: a member could get the same message twice; the
 *     society prefers a rare lost message, which an officer sees and can
 *     tell the member about. The key in $KHIDMA_MESSAGE_ID / Message-ID
 *     lets a gateway or a mail client drop a duplicate should an operator
 *     ever resend by hand.
 *  3. Quiet hours (notify_quiet in notify_tz) hold back SMS only; the daily
 *     limit (notify_per_day per national ID, the day in notify_tz) holds
 *     back both; neither counts as a try. Retries back off exponentially:
 *     notify_retry × 2^(tries-1), at most a day, notify_max_tries tries.
 *  4. A transport that is not configured is not tried: its messages wait.
 *  5. Nothing from the database reaches the terminal unsanitised (the
 *     summary prints counts only).
 *  6. needs_info names what is needed (issue 14): %(text)s is the labels
 *     of the ticked "missing" items (requests.info_items, resolved here
 *     through screens/catalog.conf in the member's language, joined by
 *     "، " or "; ") then ". " and the officer's text — one value, so the
 *     SMS rule holds: an SMS cuts it with "…" to one segment, the e-mail
 *     carries it whole. A code the catalog no longer has is left out
 *     (never a bare code to a member). The items are the request's when
 *     the message is sent.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/notify_tpl.h"
#include "core/util.h"

static int cmd_notify_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_notify = {
	"notify", "notify --once | --daemon",
	"Send the messages of the outbox (members who consented to SMS or e-mail):\n"
	"--once makes one pass and exits, --daemon passes every notify_interval\n"
	"seconds until SIGTERM. SMS through sms_command, e-mail through SMTP\n"
	"(smtp_url, STARTTLS). Quiet hours (notify_quiet, notify_tz) hold SMS back;\n"
	"notify_per_day limits the messages per member per day; failures are\n"
	"retried with exponential backoff (notify_retry, notify_max_tries). A\n"
	"message is never sent twice: one interrupted while sending is marked\n"
	"'unknown' and not sent again. Prints what was done.",
	cmd_notify_exec,
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

struct sender {
	struct app *a;
	const struct config *cfg;
	char who[80];
	char host[64];
	char *password;
	int quiet_from, quiet_to;   /* minutes; equal = none */
	int sent, retry, failed;
};

/* ---- time in notify_tz --------------------------------------------------- */

static time_t local_at(time_t now, int day_offset, int minutes)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_mday += day_offset;
	tm.tm_hour = minutes / 60;
	tm.tm_min = minutes % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The end of the quiet hours when now is inside them, else 0. */
static time_t quiet_until(const struct sender *sd, time_t now)
{
	struct tm tm;
	int m, from = sd->quiet_from, to = sd->quiet_to;

	if (from == to)
		return 0;
	localtime_r(&now, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (from < to)                       /* e.g. 13:00-14:00 */
		return m >= from && m < to ? local_at(now, 0, to) : 0;
	if (m >= from)                       /* 21:00-08:00, evening */
		return local_at(now, 1, to);
	if (m < to)                          /* the morning part */
		return local_at(now, 0, to);
	return 0;
}

/* ---- SMS: the configured command ------------------------------------------ */

struct result {
	bool sent, permanent;
	char answer[300];
};

/* 05XXXXXXXX → +9665XXXXXXXX; anything else as stored. */
static void e164(const char *mobile, char *out, size_t n)
{
	if (strlen(mobile) == 10 && mobile[0] == '0' && mobile[1] == '5')
		snprintf(out, n, "+966%.9s", mobile + 1);
	else
		snprintf(out, n, "%.16s", mobile);
}

static void first_line(const char *buf, char *out, size_t n)
{
	char *clean;
	size_t l = strcspn(buf, "\r\n");

	clean = text_sanitize(buf, l);
	snprintf(out, n, "%s", clean ? clean : "");
	free(clean);
}

static void send_sms(struct sender *sd, const struct outbox_msg *m,
                     const char *text, struct result *res)
{
	char number[32], *line, *env_to, *env_id;
	int in[2], out[2], status = 0;
	char buf[512];
	size_t got = 0;
	pid_t pid;
	bool timed_out = false;
	struct timespec t0, t1;

	e164(m->address, number, sizeof number);
	if (strspn(number, "+0123456789") != strlen(number) || strlen(number) < 8) {
		res->permanent = true;
		snprintf(res->answer, sizeof res->answer, "not a mobile number");
		return;
	}
	line = xasprintf("%s \"$1\"", sd->cfg->sms_command);
	env_to = xasprintf("KHIDMA_SMS_TO=%s", number);
	env_id = xasprintf("KHIDMA_MESSAGE_ID=%s", m->idem);
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(res->answer, sizeof res->answer, "pipe: %s", strerror(errno));
		free(line); free(env_to); free(env_id);
		return;
	}
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		putenv(env_to);
		putenv(env_id);
		execl("/bin/sh", "sh", "-c", line, "sh", number, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	free(line);
	if (pid < 0) {
		snprintf(res->answer, sizeof res->answer, "fork: %s", strerror(errno));
		close(in[1]);
		close(out[0]);
		free(env_to); free(env_id);
		return;
	}
	setpgid(pid, pid);
	{
		struct sigaction sa = { .sa_handler = SIG_IGN }, old;

		sigaction(SIGPIPE, &sa, &old);
		/* a command that does not read: its exit status says */
		ssize_t w = write(in[1], text, strlen(text));
		(void)w;
		close(in[1]);
		sigaction(SIGPIPE, &old, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { out[0], POLLIN, 0 };
		long left;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = (long)sd->cfg->notify_timeout * 1000 -
		       ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		if (got < sizeof buf - 1) {
			r = read(out[0], buf + got, sizeof buf - 1 - got);
		} else {
			char sink[256];

			r = read(out[0], sink, sizeof sink);
		}
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;                /* EOF: the command is done with its output */
		}
		if (got < sizeof buf - 1)
			got += (size_t)r;
	}
	close(out[0]);
	buf[got] = '\0';
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(env_to);
	free(env_id);
	first_line(buf, res->answer, sizeof res->answer);
	if (timed_out) {
		snprintf(res->answer, sizeof res->answer, "no answer in %d s (killed)",
		         sd->cfg->notify_timeout);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res->sent = true;
	} else if (WIFEXITED(status) &&
	           (WEXITSTATUS(status) == 65 || WEXITSTATUS(status) == 67)) {
		res->permanent = true;
	}
	if (!res->sent && !res->answer[0])
		snprintf(res->answer, sizeof res->answer, "%s %d",
		         WIFEXITED(status) ? "exit status" : "killed by signal",
		         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* ---- e-mail: libcurl's SMTP ------------------------------------------------ */

struct upload { const char *data; size_t len, pos; };

static size_t read_cb(char *dst, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t want = size * n, left = u->len - u->pos;

	if (want > left)
		want = left;
	memcpy(dst, u->data + u->pos, want);
	u->pos += want;
	return want;
}

/* Append to a growing buffer. */
static void cat(char **buf, size_t *len, const char *s)
{
	size_t l = strlen(s);

	*buf = xrealloc(*buf, *len + l + 1);
	memcpy(*buf + *len, s, l + 1);
	*len += l;
}

static char *b64(const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(cap);

	sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* RFC 2047: "=?UTF-8?B?…?=" words of at most 75 characters (45 bytes of
 * text each, never splitting a character), folded onto new lines. */
static void header_words(char **buf, size_t *len, const char *name, const char *v)
{
	size_t n = strlen(v), i = 0;
	bool first = true;

	cat(buf, len, name);
	cat(buf, len, ": ");
	while (i < n || first) {
		size_t take = n - i > 45 ? 45 : n - i;
		char *w;

		while (take > 0 && i + take < n && ((unsigned char)v[i + take] & 0xC0) == 0x80)
			take--;
		w = b64((const unsigned char *)v + i, take);
		if (!first)
			cat(buf, len, "\r\n ");
		cat(buf, len, "=?UTF-8?B?");
		cat(buf, len, w);
		cat(buf, len, "?=");
		free(w);
		i += take;
		first = false;
	}
	cat(buf, len, "\r\n");
}

static bool header_safe(const char *s)
{
	return s && !strpbrk(s, "\r\n<>\"");
}

/* The whole message (CRLF lines). */
static char *mail_message(struct sender *sd, const struct outbox_msg *m,
                          const char *subject, const char *body)
{
	char *buf = NULL, *crlf = NULL, *enc, date[64], line[512];
	size_t len = 0, clen = 0;
	const char *domain = strchr(sd->cfg->smtp_from, '@');
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(line, sizeof line, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\n"
	         "Message-ID: <%s@%s>\r\n", date, sd->cfg->smtp_from, m->address,
	         m->idem, domain ? domain + 1 : "khidma.invalid");
	cat(&buf, &len, line);
	header_words(&buf, &len, "Subject", subject);
	cat(&buf, &len, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Auto-Submitted: auto-generated\r\n\r\n");
	for (const char *p = body; *p; p++)
		cat(&crlf, &clen, *p == '\n' ? "\r\n" : (char[]){ *p, 0 });
	enc = b64((const unsigned char *)(crlf ? crlf : ""), clen);
	for (size_t i = 0, n = strlen(enc); i < n; i += 76) {
		snprintf(line, sizeof line, "%.76s\r\n", enc + i);
		cat(&buf, &len, line);
	}
	free(enc);
	free(crlf);
	return buf;
}

static void send_mail(struct sender *sd, const struct outbox_msg *m,
                      const char *subject, const char *body, struct result *res)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[300], rcpt[300];
	struct curl_slist *to = NULL;
	struct upload u;
	char *msg;
	CURL *c;
	CURLcode rc;
	long code = 0;

	if (!header_safe(m->address) || !strchr(m->address, '@')) {
		res->permanent = true;
		snprintf(res->answer, sizeof res->answer, "not an e-mail address");
		return;
	}
	msg = mail_message(sd, m, subject, body);
	u = (struct upload){ msg, strlen(msg), 0 };
	snprintf(from, sizeof from, "<%s>", sd->cfg->smtp_from);
	snprintf(rcpt, sizeof rcpt, "<%s>", m->address);
	c = curl_easy_init();
	if (!c) {
		snprintf(res->answer, sizeof res->answer, "libcurl cannot start");
		free(msg);
		return;
	}
	to = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, sd->cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (sd->cfg->smtp_cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, sd->cfg->smtp_cafile);
	if (sd->cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, sd->cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, sd->password ? sd->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)sd->cfg->notify_timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		res->sent = true;
		snprintf(res->answer, sizeof res->answer, "SMTP %ld", code);
	} else {
		/* a 5xx for this message (the recipient refused) is final; a
		 * refused login, TLS or the network are the branch's to fix:
		 * tried again */
		res->permanent = code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED;
		snprintf(res->answer, sizeof res->answer, "SMTP %ld: %s", code,
		         errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	sodium_memzero(msg, strlen(msg));
	free(msg);
}

/* ---- one message ---------------------------------------------------------------- */

/* needs_info's %(text)s (invariant 6): the items' labels in m's language,
 * then the officer's text; NULL when no item has a label (m->text as is).
 * malloc'd. */
static char *needs_text(const struct screens *scr, const struct outbox_msg *m)
{
	bool ar = strcmp(m->lang, "ar") == 0;
	const char *sep = ar ? "، " : "; ";
	char *items = xstrdup(m->items ? m->items : ""), *save = NULL, *out = NULL;

	for (char *c = strtok_r(items, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		const char *label = screens_missing_name(scr, c, ar);
		char *next;

		if (!label || !*label)
			continue;
		next = xasprintf("%s%s%s", out ? out : "", out ? sep : "", label);
		free(out);
		out = next;
	}
	free(items);
	if (out && m->text && *m->text) {
		char *next = xasprintf("%s. %s", out, m->text);

		free(out);
		out = next;
	}
	return out;
}

static void deliver(struct sender *sd, struct outbox_msg *m)
{
	const struct notify_msg_def *t = screens_notify(&sd->a->scr, m->event, m->lang);
	struct result res = { 0 };
	char date[16] = "";
	struct notify_vals v;
	struct tm tm;
	bool sms = strcmp(m->transport, "sms") == 0;
	char *text = NULL, *subject = NULL, *needed = NULL;
	st_rc rc;

	if (m->date > 0) {
		localtime_r(&m->date, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	}
	if (strcmp(m->event, "needs_info") == 0)
		needed = needs_text(&sd->a->scr, m);
	v = (struct notify_vals){ m->ref, date, needed ? needed : m->text, m->code };
	if (!t) {
		res.permanent = true;
		snprintf(res.answer, sizeof res.answer, "no template for %s in %s "
		         "(screens/notify.conf)", m->event, m->lang);
	} else if (sms) {
		text = notify_render(t->sms, &v, true);
		if (!text) {
			res.permanent = true;
			snprintf(res.answer, sizeof res.answer, "the SMS does not fit one segment");
		} else {
			send_sms(sd, m, text, &res);
		}
	} else {
		char *s1 = notify_render(t->subject, &v, false);

		subject = text_sanitize(s1, strlen(s1));   /* one line, no controls */
		free(s1);
		text = notify_render(t->body, &v, false);
		send_mail(sd, m, subject ? subject : "", text, &res);
	}
	rc = store_outbox_done(sd->a->db, m->id, sd->who, res.sent, res.permanent,
	                       res.answer, khidma_now(), sd->cfg->notify_retry,
	                       sd->cfg->notify_max_tries);
	if (rc != ST_OK)
		log_error("notify: message %lld: cannot record the result (%s): %s",
		          (long long)m->id, st_rc_name(rc), res.answer);
	if (res.sent)
		sd->sent++;
	else if (res.permanent || m->tries >= sd->cfg->notify_max_tries)
		sd->failed++;
	else
		sd->retry++;
	log_info("notify: %s %s of request %lld (%s): %s%s", m->transport, m->event,
	         (long long)m->request_id, m->idem,
	         res.sent ? "sent" : res.permanent ? "failed" : "will retry: ",
	         res.sent ? "" : res.answer);
	if (text)
		sodium_memzero(text, strlen(text));
	free(text);
	free(subject);
	free(needed);
}

/* store_outbox_recover: a claimant of this host whose process is gone,
 * or of another host after an hour. */
static bool claimant_dead(void *ctx, const char *by, time_t at)
{
	struct sender *sd = ctx;
	const char *colon = strrchr(by, ':');
	size_t hl = colon ? (size_t)(colon - by) : 0;

	if (!colon || hl != strlen(sd->host) || strncmp(by, sd->host, hl) != 0)
		return khidma_now() - at > 3600;
	{
		long pid = strtol(colon + 1, NULL, 10);

		if (pid <= 0)
			return true;
		if (pid == (long)getpid())
			return false;
		return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
	}
}

static int one_pass(struct sender *sd)
{
	const struct config *cfg = sd->cfg;
	struct outbox_msg m;
	int n = 0;
	st_rc rc;

	if ((rc = store_outbox_recover(sd->a->db, claimant_dead, sd, &n)) != ST_OK)
		return cli_fail("notify", "reading the outbox: %s", cli_rc_text(rc));
	if (n > 0)
		log_error("notify: %d message(s) were interrupted while sending and are "
		          "marked unknown (never sent again)", n);
	while (!stop) {
		time_t now = khidma_now();
		struct outbox_policy p = {
			.now = now,
			.sms_quiet_until = quiet_until(sd, now),
			.per_day = cfg->notify_per_day,
			.day_start = local_at(now, 0, 0),
			.next_day = local_at(now, 1, 0),
			.who = sd->who,
			.transport = !cfg->sms_command ? "email" : !cfg->smtp_url ? "sms" : NULL,
		};

		rc = store_outbox_claim(sd->a->db, &p, &m);
		if (rc == ST_NOTFOUND)
			break;
		if (rc != ST_OK)
			return cli_fail("notify", "claiming a message: %s", cli_rc_text(rc));
		deliver(sd, &m);
		outbox_msg_clear(&m);
	}
	return 0;
}

static char *read_password(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "re");
	char *p = NULL;

	if (!f)
		return NULL;
	if (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		p = xstrdup(line);
	}
	sodium_memzero(line, sizeof line);
	fclose(f);
	return p;
}

static int cmd_notify_exec(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once",   no_argument, NULL, 'o' },
		{ "daemon", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct sender sd = { .a = a, .cfg = &a->cfg };
	int c, mode = 0, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': mode |= 1; break;
		case 'd': mode |= 2; break;
		default:
			return cli_usage_error(&cli_cmd_notify, "unknown option \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_cmd_notify, "unexpected argument \"%s\"", argv[optind]);
	if (mode != 1 && mode != 2)
		return cli_usage_error(&cli_cmd_notify, "give --once or --daemon");
	if (!config_quiet_parse(a->cfg.notify_quiet, &sd.quiet_from, &sd.quiet_to))
		return cli_fail("notify", "notify_quiet \"%s\" is not HH:MM-HH:MM",
		                a->cfg.notify_quiet);
	if (!a->cfg.sms_command && !a->cfg.smtp_url)
		return cli_fail("notify", "neither sms_command nor smtp_url is set: "
		                "nothing can be sent (the messages wait in the outbox)");
	if (a->cfg.smtp_url && !a->cfg.smtp_from)
		return cli_fail("notify", "smtp_url is set but smtp_from is not");
	if (a->cfg.smtp_password_file &&
	    !(sd.password = read_password(a->cfg.smtp_password_file)))
		return cli_fail("notify", "smtp_password_file %s: %s",
		                a->cfg.smtp_password_file, strerror(errno));
	if (a->cfg.notify_tz && a->cfg.notify_tz[0]) {
		setenv("TZ", a->cfg.notify_tz, 1);
		tzset();
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		free(sd.password);
		return cli_fail("notify", "cannot initialise libsodium or libcurl");
	}
	if (gethostname(sd.host, sizeof sd.host) != 0)
		strlcpy_k(sd.host, "localhost", sizeof sd.host);
	sd.host[sizeof sd.host - 1] = '\0';
	snprintf(sd.who, sizeof sd.who, "%s:%ld", sd.host, (long)getpid());
	if (cli_open_db(a, "notify", false) != 0) {
		rc = 1;
		goto out;
	}
	if (mode == 2) {
		struct sigaction sa = { .sa_handler = on_term };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		log_info("notify: sending every %d s (%s%s%s)", a->cfg.notify_interval,
		         a->cfg.sms_command ? "SMS" : "",
		         a->cfg.sms_command && a->cfg.smtp_url ? ", " : "",
		         a->cfg.smtp_url ? "e-mail" : "");
		while (!stop) {
			if ((rc = one_pass(&sd)) != 0)
				log_error("notify: the pass failed; again in %d s",
				          a->cfg.notify_interval);
			for (int i = 0; i < a->cfg.notify_interval * 10 && !stop; i++)
				usleep(100000);
		}
		rc = 0;
	} else {
		rc = one_pass(&sd);
	}
	printf("notify: %d sent, %d to retry, %d failed\n", sd.sent, sd.retry, sd.failed);
out:
	curl_global_cleanup();
	if (sd.password)
		sodium_memzero(sd.password, strlen(sd.password));
	free(sd.password);
	return rc;
}

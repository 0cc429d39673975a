/*
 * core/password — see password.h. The strength rules are few and
 * explainable (an officer is told exactly why a password is refused, in
 * their language): length, more than one character class, not the login
 * or the name, not one of the commonest passwords, and — the real measure —
 * zxcvbn's estimate of how many guesses it takes (Debian's libzxcvbn0, the
 * C port of Dropbox's zxcvbn, with its own dictionaries of common
 * passwords, words and names, keyboard patterns, sequences, repeats, dates
 * and l33t substitutions; "khidma", the login and the name are added as
 * words of its user dictionary). A password needs PASSWORD_MIN_BITS (33
 * bits ≈ 10^10 guesses: zxcvbn's top score, ~30 years of argon2id guesses
 * on one core). The refusal names the pattern zxcvbn found covering most
 * of the password.
 *
 * libzxcvbn is loaded on demand (dlopen, like ICU in kiosk/dates.c): its
 * 1.4 MB of dictionaries are mapped only by the commands that set a
 * password, never by the kiosk. When it cannot be loaded, every new
 * password is refused and the reason says what to install (fail closed).
 */
#include "core/password.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>
#include <unistr.h>
#include <unictype.h>

#ifndef N_
#define N_(s) (s)        /* a msgid for xgettext; callers translate */
#endif

/* Common passwords that would pass the length and class rules (compared
 * ignoring ASCII case). */
static const char *const common_passwords[] = {
	"password123", "password12", "password1234", "password1!",
	"passw0rd123", "p@ssw0rd123", "p@ssword123", "password@123",
	"1q2w3e4r5t", "1qaz2wsx3edc", "1q2w3e4r5t6y", "zaq12wsxcde",
	"qwerty12345", "qwerty123456", "qwertyuiop1", "qwerty@123",
	"abcd123456", "abc1234567", "a1234567890", "1234567890a",
	"123456789a", "123456789q", "admin12345", "admin123456",
	"admin@1234", "administrator1", "welcome123", "welcome@123",
	"iloveyou12", "iloveyou123", "changeme123", "letmein123",
	"trustno1234", "sunshine123", "football123", "princess123",
	"monkey12345", "dragon12345", "master12345", "superman123",
	"1234qwer!@#$", "q1w2e3r4t5", "asdf123456", "khidma12345",
};

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;

int
password_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
password_hash(const char *pw, char *out, size_t outsz)
{
	if (password_init() != 0 || outsz < crypto_pwhash_STRBYTES)
		return -1;
	if (crypto_pwhash_str_alg(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	return 0;
}

bool
password_verify(const char *hash, const char *pw)
{
	if (password_init() != 0 || hash == NULL || pw == NULL)
		return false;
	if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES ||
	    strncmp(hash, "$argon2", 7) != 0)
		return false;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool
password_needs_rehash(const char *hash)
{
	if (password_init() != 0)
		return true;
	return crypto_pwhash_str_needs_rehash(hash,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

/* Bit per character class present in pw. */
static unsigned
char_classes(const char *pw)
{
	const uint8_t *s = (const uint8_t *)pw;
	size_t n = strlen(pw);
	unsigned mask = 0;
	ucs4_t c;
	int len;

	while (n > 0) {
		len = u8_mbtouc(&c, s, n);
		if (uc_is_digit(c) || uc_is_property_numeric(c))
			mask |= 1u;
		else if (uc_is_lower(c))
			mask |= 2u;
		else if (uc_is_upper(c))
			mask |= 4u;
		else if (uc_is_alpha(c))
			mask |= 8u;          /* uncased letters: Arabic, … */
		else
			mask |= 16u;         /* punctuation, symbols, space */
		s += len;
		n -= (size_t)len;
	}
	return mask;
}

/* ---- zxcvbn (libzxcvbn0, loaded on demand) ------------------------------ */

/* The part of zxcvbn.h we use: the match list it returns. */
struct zxc_match {
	int    begin, length;
	double entropy, mlt_entropy;
	int    type;
	struct zxc_match *next;
};
enum { ZXC_DICT = 2, ZXC_DICT_LEET, ZXC_USER, ZXC_USER_LEET, ZXC_REPEATS,
       ZXC_SEQUENCE, ZXC_SPATIAL, ZXC_DATE, ZXC_YEAR, ZXC_MULTIPLE = 32 };
#define ZXCVBN_SONAME "libzxcvbn.so.0"

static struct {
	bool tried;
	double (*match)(const char *, const char *[], struct zxc_match **);
	void (*free_info)(struct zxc_match *);
} zxc;

static bool
zxc_load(void)
{
	void *h;

	if (zxc.tried)
		return zxc.match != NULL;
	zxc.tried = true;
	if ((h = dlopen(ZXCVBN_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return false;
	*(void **)&zxc.match = dlsym(h, "ZxcvbnMatch");
	*(void **)&zxc.free_info = dlsym(h, "ZxcvbnFreeInfo");
	if (zxc.match == NULL || zxc.free_info == NULL) {
		zxc.match = NULL;
		dlclose(h);
		return false;
	}
	return true;
}

/* The reason for the pattern covering most of pw (a msgid). */
static const char *
zxc_reason(const struct zxc_match *m)
{
	int best = 0, len[16] = { 0 };
	const char *why;

	for (; m != NULL; m = m->next) {
		int type = m->type & ZXC_MULTIPLE ? ZXC_REPEATS : m->type & 15;
		len[type] += m->length;
	}
	for (int i = ZXC_DICT; i <= ZXC_YEAR; i++)
		if (len[i] > len[best])
			best = i;
	switch (best) {
	case ZXC_DICT:
	case ZXC_DICT_LEET:
		why = N_("It is built on a common password or word (swapping letters for digits or symbols does not help).");
		break;
	case ZXC_USER:
	case ZXC_USER_LEET:
		why = N_("It is built on the program's name, the login or the officer's name.");
		break;
	case ZXC_REPEATS:
		why = N_("It repeats characters or a group of characters.");
		break;
	case ZXC_SEQUENCE:
		why = N_("It is built on a sequence such as abc or 123.");
		break;
	case ZXC_SPATIAL:
		why = N_("It follows a keyboard pattern.");
		break;
	case ZXC_DATE:
	case ZXC_YEAR:
		why = N_("It is built on a date or a year.");
		break;
	default:
		why = N_("It is too easy to guess.");
	}
	return why;
}

/* Contract (password.h). */
const char *
password_weak(const char *pw, const char *login, const char *name)
{
	const char *user[5] = { "khidma", "خدمة", NULL, NULL, NULL };
	struct zxc_match *info = NULL;
	int nuser = 2;
	const char *why = NULL;
	unsigned mask;
	double bits;
	size_t i;

	if (u8_check((const uint8_t *)pw, strlen(pw)) != NULL)
		return N_("The password is not valid UTF-8.");
	if (strlen(pw) > PASSWORD_MAX)
		return N_("The password is too long (at most 256 bytes).");
	if (u8_mbsnlen((const uint8_t *)pw, strlen(pw)) < PASSWORD_MIN_CHARS)
		return N_("The password is too short: use at least 10 characters.");
	mask = char_classes(pw);
	if ((mask & (mask - 1)) == 0)
		return N_("The password uses one kind of character only: mix "
		          "letters with digits or symbols.");
	if ((login && strcasecmp(pw, login) == 0) ||
	    (name && strcasecmp(pw, name) == 0))
		return N_("The password must not be the login or the name.");
	for (i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
		if (strcasecmp(pw, common_passwords[i]) == 0)
			return N_("This password is one of the commonest: choose another.");
	if (!zxc_load())
		return N_("The password checker is missing: install the package "
		          "libzxcvbn0, then try again.");
	if (login != NULL && login[0])
		user[nuser++] = login;
	if (name != NULL && name[0])
		user[nuser++] = name;
	bits = zxc.match(pw, user, &info);
	if (!(bits >= PASSWORD_MIN_BITS))
		why = zxc_reason(info);
	zxc.free_info(info);
	return why;
}

/* Contract (password.h). */
int
password_generate(char *out, size_t outsz, const char *login, const char *name)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	int tries, i, k = 0;

	if (outsz < 20 || password_init() != 0)
		return -1;
	for (tries = 0; tries < 20; tries++) {
		for (i = 0, k = 0; i < 16; i++) {
			if (i > 0 && i % 4 == 0)
				out[k++] = '-';
			out[k++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		}
		out[k] = '\0';
		if (password_weak(out, login, name) == NULL)
			return 0;
	}
	sodium_memzero(out, outsz);
	return -1;
}

/* Contract (password.h). */
bool
password_login_valid(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	if (strcmp(s, PASSWORD_LOGIN_RESERVED) == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static void
restore_tty_signal(int sig)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read one line into out without its CR/LF. 1 = ok, 0 = EOF, -1 = too long. */
static int
read_line(FILE *f, char *out, size_t outsz)
{
	size_t len;

	if (fgets(out, (int)outsz, f) == NULL)
		return 0;
	len = strlen(out);
	if (len == outsz - 1 && out[len - 1] != '\n' && !feof(f)) {
		int c;
		while ((c = fgetc(f)) != EOF && c != '\n')
			;
		return -1;
	}
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 1;
}

static int
read_twice(bool tty, const char *prompt, char *a, char *b, size_t n,
           char *err, size_t errsz)
{
	int r;

	if (tty)
		fprintf(stderr, "%s: ", prompt);
	r = read_line(stdin, a, n);
	if (tty)
		fputc('\n', stderr);
	if (r <= 0) {
		snprintf(err, errsz, r == 0 ? "no password given" :
		         "the password is too long");
		return -1;
	}
	if (tty)
		fprintf(stderr, "%s (again): ", prompt);
	r = read_line(stdin, b, n);
	if (tty)
		fputc('\n', stderr);
	if (r <= 0) {
		snprintf(err, errsz, r == 0 ?
		         "the password was given only once (two lines expected)" :
		         "the password is too long");
		return -1;
	}
	if (strcmp(a, b) != 0) {
		snprintf(err, errsz, "the two passwords differ");
		return -1;
	}
	return 0;
}

int
password_read_new(const char *prompt, char *out, size_t outsz,
                  char *err, size_t errsz)
{
	char a[PASSWORD_MAX + 2], b[PASSWORD_MAX + 2];
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios tio;
	bool tty = isatty(STDIN_FILENO);
	int rc;

	if (tty) {
		if (tcgetattr(STDIN_FILENO, &saved_tio) != 0) {
			snprintf(err, errsz, "cannot read the terminal settings");
			return -1;
		}
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = restore_tty_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		tio_saved = 1;
		tio = saved_tio;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
	}
	rc = read_twice(tty, prompt, a, b, sizeof a, err, errsz);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_saved = 0;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	if (rc == 0 && strlen(a) >= outsz) {
		snprintf(err, errsz, "the password is too long");
		rc = -1;
	}
	if (rc == 0)
		memcpy(out, a, strlen(a) + 1);
	sodium_memzero(a, sizeof a);
	sodium_memzero(b, sizeof b);
	return rc;
}

/*
 * core/password — officer passwords: argon2id hashing (libsodium
 * crypto_pwhash_str_alg), verification for the console's login screen, the
 * strength rules `khidma officer add/passwd` enforce, and reading a new
 * password from a terminal (no echo) or from a pipe (two lines).
 *
 * Invariants:
 *  1. Hashes are crypto_pwhash_str strings ("$argon2id$v=19$m=65536,t=2,…"),
 *     at most crypto_pwhash_STRBYTES (128) bytes with the NUL, made with
 *     OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: 64 MiB of RAM and ~0.1 s
 *     per hash or verify. On the branch machine (≥ 2 GiB) that is fine even
 *     with several officers logging in at once; lower it only together with
 *     a documented rehash (password_needs_rehash).
 *  2. A plaintext password lives in caller-owned buffers only; the readers
 *     here wipe their own copies with sodium_memzero.
 *  3. sodium_init() is called before any libsodium use (password_init,
 *     idempotent; every function here calls it).
 */
#ifndef KHIDMA_CORE_PASSWORD_H
#define KHIDMA_CORE_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128   /* = crypto_pwhash_STRBYTES */
#define PASSWORD_MAX      256   /* longest password accepted, in bytes */
#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MIN_BITS  33   /* zxcvbn's estimate: ≈ 10^10 guesses */

/* Initialise libsodium. Returns 0, -1 when it cannot be initialised. */
int password_init(void);

/*
 * Hash pw into out (>= PASSWORD_HASH_MAX bytes) with argon2id at the
 * interactive limits. Returns 0, or -1 when libsodium fails (out of
 * memory: the 64 MiB could not be allocated).
 */
int password_hash(const char *pw, char *out, size_t outsz);

/*
 * True when pw matches hash (crypto_pwhash_str_verify). A malformed or empty
 * hash never matches. Takes ~0.1 s by design: call it once per attempt.
 * For the officer console's login screen.
 */
bool password_verify(const char *hash, const char *pw);

/* True when hash was made with other limits than the current ones. */
bool password_needs_rehash(const char *hash);

/*
 * The strength rules for a new password. Returns NULL when pw is acceptable,
 * else a static English msgid saying why not, to show translated (_() on a
 * screen, gettext in the CLI): fewer than PASSWORD_MIN_CHARS characters,
 * one character class only (all digits, all lower-case, …), equal
 * (ignoring case) to the login or the name, one of the commonest
 * passwords, or easier to guess than PASSWORD_MIN_BITS by zxcvbn's
 * estimate (libzxcvbn0; the reason names the pattern found: a common word
 * or password even with l33t swaps, the program's/login's/officer's name,
 * repeats, a sequence, a keyboard pattern, a date). Fails closed when
 * libzxcvbn0 cannot be loaded. login and name may be NULL.
 */
const char *password_weak(const char *pw, const char *login, const char *name);

/*
 * A new random password for an officer, to be shown once (the console's
 * admin menu): 4 groups of 4 from 31 unambiguous lower-case letters and
 * digits ("k7dm-3xpq-…", 79 bits), drawn with libsodium's randombytes
 * until password_weak(out, login, name) accepts it. out >= 20 bytes.
 * Returns 0, or -1 (libsodium unusable, or no acceptable draw in 20 —
 * e.g. libzxcvbn0 missing) with out wiped.
 */
int password_generate(char *out, size_t outsz, const char *login, const char *name);

/*
 * A login name an officer account may have (the Unix login its SSH user
 * maps to): 1..32 of [a-z0-9._-], starting with a letter or '_'
 * (useradd's rules), and not PASSWORD_LOGIN_RESERVED: "kiosk" is the lobby
 * kiosk's name in the audit trail (declared_by and the submission's who),
 * so an officer of that name would write events that read as the kiosk's.
 */
#define PASSWORD_LOGIN_RESERVED "kiosk"
bool password_login_valid(const char *login);

/*
 * Read a new password twice. When stdin is a terminal, prompts on stderr
 * ("prompt: " then "again: ") with echo turned off (termios, restored on
 * every path); otherwise reads two lines from stdin (trailing CR/LF
 * removed). Returns 0 with the password in out (NUL-terminated), or -1 with
 * an English reason in err: end of input, the two differ, too long.
 */
int password_read_new(const char *prompt, char *out, size_t outsz,
                      char *err, size_t errsz);

#endif

/*
 * test_store_admins — "there is always an active admin" (store/officers.c
 * invariant 4), proved over every reachable state rather than sampled.
 *
 * Three accounts (two admins, one officer), each active or not and admin
 * or officer: at most 64 states. From the start state, a breadth-first
 * search applies every action — actor (each account through a session
 * begun with its current role, or the CLI's unsessioned connection) ×
 * operation (disable, enable, make officer, make admin) × target — to every
 * state it reaches, and checks each answer against the model:
 *  - a session of a disabled account cannot begin; a non-admin's session
 *    writes nothing (ST_REVOKED);
 *  - a change that would leave no active admin writes nothing (ST_DENIED);
 *  - anything else is written (ST_OK), exactly as asked;
 * and, after every step, that at least one active admin remains.
 */
#include "unit/store_fixture.h"

#include <sqlite3.h>

#define N 3
static const char *const logins[N] = { "root1", "root2", "amal" };

struct state { bool active[N]; bool admin[N]; };

static int code(const struct state *s)
{
	int c = 0;

	for (int i = 0; i < N; i++)
		c = c << 2 | (s->active[i] ? 2 : 0) | (s->admin[i] ? 1 : 0);
	return c;
}

static int admins(const struct state *s)
{
	int n = 0;

	for (int i = 0; i < N; i++)
		n += s->active[i] && s->admin[i];
	return n;
}

/* Put the database in state st (raw SQL: no rule applies). */
static void set_state(store *db, const struct state *st)
{
	for (int i = 0; i < N; i++) {
		char *sql = sqlite3_mprintf("UPDATE officers SET active = %d, role = '%s' "
		                            "WHERE login = '%s'", st->active[i],
		                            st->admin[i] ? "admin" : "officer", logins[i]);
		assert_int_equal(sqlite3_exec(store_db(db), sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_free(sql);
	}
}

static void get_state(store *db, struct state *st)
{
	for (int i = 0; i < N; i++) {
		struct officer o = { 0 };

		assert_int_equal(store_officer_get(db, logins[i], &o), ST_OK);
		st->active[i] = o.active;
		st->admin[i] = o.role == ROLE_ADMIN;
		officer_free(&o);
	}
}

static void always_an_admin(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = false };
	struct state queue[64], cur, got, want;
	bool seen[1 << (2 * N)] = { false };
	int head = 0, tail = 0, steps = 0;
	store *cli;
	char err[256];

	assert_int_equal(store_open(f->path, &o, &cli, err, sizeof err), ST_OK);
	for (int i = 0; i < N; i++) {
		struct officer a = { .role = i < 2 ? ROLE_ADMIN : ROLE_OFFICER, .active = true };
		strcpy(a.login, logins[i]);
		a.name = (char *)logins[i];
		strcpy(a.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
		assert_int_equal(store_officer_add(cli, &a), ST_OK);
	}
	/* the search writes thousands of times: no fsync needed for the proof */
	sqlite3_exec(store_db(f->s), "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	sqlite3_exec(store_db(cli), "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	get_state(cli, &queue[tail++]);
	seen[code(&queue[0])] = true;
	while (head < tail) {
		cur = queue[head++];
		for (int actor = 0; actor <= N; actor++)          /* N = the CLI */
			for (int op = 0; op < 4; op++)
				for (int t = 0; t < N; t++) {
					store *db = actor < N ? f->s : cli;
					st_rc rc, exp;

					set_state(cli, &cur);
					if (actor < N) {
						rc = store_session_begin(db, logins[actor],
						         cur.admin[actor] ? ROLE_ADMIN : ROLE_OFFICER);
						if (!cur.active[actor]) {
							assert_int_equal(rc, ST_REVOKED);
							store_session_end(db);
							continue;
						}
						assert_int_equal(rc, ST_OK);
					}
					want = cur;
					if (op == 0) want.active[t] = false;
					if (op == 1) want.active[t] = true;
					if (op == 2) want.admin[t] = false;
					if (op == 3) want.admin[t] = true;
					if (actor < N && !cur.admin[actor])
						exp = ST_REVOKED;
					else if (admins(&want) == 0)
						exp = ST_DENIED;
					else
						exp = ST_OK;
					rc = op < 2 ? store_officer_set_active(db, logins[t], op == 1)
					            : store_officer_set_role(db, logins[t],
					                  op == 3 ? ROLE_ADMIN : ROLE_OFFICER);
					if (actor < N)
						store_session_end(db);
					get_state(cli, &got);
					if (rc != exp || memcmp(&got, exp == ST_OK ? &want : &cur, sizeof got))
						fail_msg("state %d, actor %d, op %d, target %d: %d, want %d",
						         code(&cur), actor, op, t, rc, exp);
					assert_true(admins(&got) >= 1);
					steps++;
					if (!seen[code(&got)]) {
						seen[code(&got)] = true;
						queue[tail++] = got;
					}
				}
	}
	/* every state with an active admin is reached; none without */
	int with = 0;
	for (int c = 0; c < (1 << (2 * N)); c++) {
		struct state s;
		for (int i = 0; i < N; i++) {
			s.active[i] = (c >> (2 * (N - 1 - i))) & 2;
			s.admin[i] = (c >> (2 * (N - 1 - i))) & 1;
		}
		with += admins(&s) > 0;
		assert_int_equal(seen[c], admins(&s) > 0);
	}
	assert_int_equal(tail, with);
	print_message("%d states, %d steps\n", tail, steps);
	store_close(cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(always_an_admin, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("store_admins", tests, NULL, NULL);
}

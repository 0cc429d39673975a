/*
 * replay_tests — the cmocka program every test_faults_regress_<target>.c
 * is: define REPLAY_TARGET ("csv", "keys", …), include the target's source,
 * then this file. It replays tests/fuzz/corpus/<target> (at least one input
 * must exist) and every past finding in tests/fuzz/regress/<target> through
 * the target itself; the target aborts when one of its invariants breaks.
 */
#ifndef KHIDMA_REPLAY_TESTS_H
#define KHIDMA_REPLAY_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../fuzz/replay.h"

static void test_corpus(void **state)
{
	(void)state;
	assert_true(replay_dir("tests/fuzz/corpus/" REPLAY_TARGET) >= 1);
}

static void test_regressions(void **state)
{
	int n = replay_dir("tests/fuzz/regress/" REPLAY_TARGET);

	(void)state;
	if (n < 0) {
		print_message("no regression inputs yet\n");
		skip();
	}
	print_message("%d regression input(s) replayed\n", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif

/*
 * test_faults_regress_screens — replay the screens fuzz target's seed corpus
 * (tests/fuzz/corpus/screens) and every input that ever failed it
 * (tests/fuzz/regress/screens) through the target itself, in a plain (and in
 * check-san an ASan/UBSan) build: a finding stays fixed. The target
 * aborts when one of its invariants breaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../fuzz/fuzz_screens.c"
#include "../fuzz/replay.h"

static void test_corpus(void **state)
{
	(void)state;
	assert_true(replay_dir("tests/fuzz/corpus/screens") >= 1);
}

static void test_regressions(void **state)
{
	int n = replay_dir("tests/fuzz/regress/screens");

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

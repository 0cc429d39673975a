/*
 * test_core_hook — core's emergency hook (core/util.h, invariant 3): the
 * layer above registers what must run before the program dies (the ui's
 * terminal restore); core_emergency runs it, NULL removes it, and the
 * out-of-memory exit runs it before exit(70). core links no ui object
 * here (DEPS_core), so a core that still called the ui by name would not
 * link.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/util.h"

static int calls;
static int pipe_w = -1;

static void count_hook(void) { calls++; }
static void pipe_hook(void) { (void)!write(pipe_w, "H", 1); }

static void hook_runs_and_can_be_removed(void **state)
{
	(void)state;
	calls = 0;
	core_emergency();                      /* none: nothing happens */
	assert_int_equal(calls, 0);
	core_set_emergency_hook(count_hook);
	core_emergency();
	core_emergency();
	assert_int_equal(calls, 2);
	core_set_emergency_hook(NULL);
	core_emergency();
	assert_int_equal(calls, 2);
}

static void out_of_memory_runs_the_hook_first(void **state)
{
	int p[2], st = 0;
	char c = 0;
	pid_t pid;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();                                /* ASan aborts on the huge malloc itself */
#endif
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		pipe_w = p[1];
		core_set_emergency_hook(pipe_hook);
		(void)xmalloc(SIZE_MAX / 2);       /* cannot succeed */
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(c, 'H');
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hook_runs_and_can_be_removed),
		cmocka_unit_test(out_of_memory_runs_the_hook_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_officer_keys — the actions menu's fixed keys (officer/
 * request_actions.c, invariant 5), over the whole workflow table: every
 * action and every other entry has a key, an ASCII capital letter, no two
 * share one, and the Arabic letter taken beside it is the letter the same
 * physical key types on the standard Arabic (101) keyboard — checked
 * against that layout written out here independently (xkb "ara").
 * A workflow action the menu can offer (wf_actions, over every status and
 * role) added without a key fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <wchar.h>
#include "officer/request.h"
#include "workflow/workflow.h"

/* The Arabic (101) layout's unshifted letters, by the Latin letter of the
 * same key (xkb symbols/ara, "basic"). */
static wchar_t arabic_101(wchar_t latin)
{
	static const wchar_t row[26] = {
		/* a */ 0x0634, /* b */ 0,      /* c */ 0x0624, /* d */ 0x064a,
		/* e */ 0x062b, /* f */ 0x0628, /* g */ 0x0644, /* h */ 0x0627,
		/* i */ 0x0647, /* j */ 0x062a, /* k */ 0x0646, /* l */ 0x0645,
		/* m */ 0x0629, /* n */ 0x0649, /* o */ 0x062e, /* p */ 0x062d,
		/* q */ 0x0636, /* r */ 0x0642, /* s */ 0x0633, /* t */ 0x0641,
		/* u */ 0x0639, /* v */ 0x0631, /* w */ 0x0635, /* x */ 0x0621,
		/* y */ 0x063a, /* z */ 0x0626,
	};
	/* b types lam-alef (two letters): no single key to offer */
	return latin >= L'A' && latin <= L'Z' ? row[latin - L'A'] : 0;
}

static void every_entry_has_its_own_key(void **state)
{
	int entries[WF__COUNT + 5], n = 0;
	wchar_t keys[WF__COUNT + 5], ar[WF__COUNT + 5];

	(void)state;
	/* every action the menu can offer: wf_actions over every status and
	 * role (WF_INTAKE, the queue's own command, never is) */
	for (int a = 0; a < WF__COUNT; a++) {
		bool offered = false;

		for (int st = 0; st < RS__COUNT; st++)
			for (int role = 0; role < ROLE__COUNT; role++) {
				wf_action out[WF__COUNT];
				int k = wf_actions((req_status)st, (officer_role)role, out);

				for (int i = 0; i < k; i++)
					offered |= out[i] == (wf_action)a;
			}
		if (offered)
			entries[n++] = a;
	}
	entries[n++] = OC_ENTRY_ASSIGN;
	entries[n++] = OC_ENTRY_NOTE;
	entries[n++] = OC_ENTRY_SAVE;
	entries[n++] = OC_ENTRY_HISTORY;
	entries[n++] = OC_ENTRY_CORRECT;
	for (int i = 0; i < n; i++) {
		keys[i] = oc_action_key(entries[i], &ar[i]);
		if (!(keys[i] >= L'A' && keys[i] <= L'Z'))
			fail_msg("entry %d (%s) has no letter key", entries[i],
			         entries[i] < WF__COUNT ? wf_table()[entries[i]].name : "menu");
		assert_true(ar[i] != 0);
		assert_int_equal(ar[i], arabic_101(keys[i]));
		for (int j = 0; j < i; j++)
			if (keys[j] == keys[i])
				fail_msg("entries %d and %d share the key %lc", entries[j], entries[i],
				         (wint_t)keys[i]);
	}
	assert_int_equal(oc_action_key(-1, NULL), 0);
	assert_int_equal(oc_action_key(WF__COUNT, NULL), 0);
	assert_true(n > 3);
	print_message("%d entries, %d distinct keys\n", n, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_has_its_own_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_docs — the kiosk's documents (store/docs.c, schema v13), on
 * SQLite and, with KHIDMA_TEST_PG, on PostgreSQL: the list in sort order
 * with retired ones only when asked, every write checked by
 * doc_item_problem (refused values write nothing), at most DOC_MAX_ACTIVE
 * active (ST_DENIED), and the seed copying only into an empty table.
 */
#include "store_fixture.h"

static struct doc_item doc(const char *code, int sort)
{
	struct doc_item d = { .title_en = "Guide", .title_ar = "دليل",
	                      .path_en = "docs/faq.en.txt", .path_ar = "docs/faq.ar.txt",
	                      .sort = sort, .active = true };

	snprintf(d.code, sizeof d.code, "%s", code);
	return d;
}

static void test_docs_written_checked_listed(void **state)
{
	struct fx *f = *state;
	struct doc_item *v = NULL, d = doc("faq", 20), bad;
	bool copied = true;
	int n = -1;

	assert_int_equal(store_doc_list(f->s, true, &v, &n), ST_OK);
	assert_int_equal(n, 0);
	/* the seed copies into an empty table only */
	struct doc_item seed[2] = { doc("bylaws", 10), doc("guide", 30) };
	assert_int_equal(store_doc_seed(f->s, seed, 2, &copied), ST_OK);
	assert_true(copied);
	assert_int_equal(store_doc_seed(f->s, seed, 1, &copied), ST_OK);
	assert_false(copied);
	assert_int_equal(store_doc_upsert(f->s, &d), ST_OK);
	d = doc("guide", 30);
	d.active = false;
	assert_int_equal(store_doc_upsert(f->s, &d), ST_OK);
	assert_int_equal(store_doc_list(f->s, false, &v, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "bylaws");
	assert_string_equal(v[1].code, "faq");
	assert_string_equal(v[1].title_ar, "دليل");
	doc_items_free(v, n);
	assert_int_equal(store_doc_list(f->s, true, &v, &n), ST_OK);
	assert_int_equal(n, 3);
	assert_false(v[2].active);
	doc_items_free(v, n);

	/* refused: nothing written */
	bad = doc("evil", 1);
	bad.path_ar = "../../etc/shadow";
	assert_int_equal(store_doc_upsert(f->s, &bad), ST_INVALID);
	bad = doc("evil", 1);
	bad.title_en = "";
	assert_int_equal(store_doc_upsert(f->s, &bad), ST_INVALID);
	bad = doc("Evil!", 1);
	assert_int_equal(store_doc_upsert(f->s, &bad), ST_INVALID);
	bad = doc("evil", 1);
	bad.path_en = "docs/a\tb.txt";
	assert_int_equal(store_doc_upsert(f->s, &bad), ST_INVALID);
	bad = doc("evil", 1);
	bad.path_en = "docs/..hidden.txt";          /* not a ".." component */
	assert_null(doc_item_problem(&bad));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM documents WHERE code = 'evil'"), 0);

	/* at most DOC_MAX_ACTIVE active */
	for (int i = 0; i < DOC_MAX_ACTIVE - 2; i++) {
		char code[16];

		snprintf(code, sizeof code, "more%d", i);
		d = doc(code, 40 + i);
		assert_int_equal(store_doc_upsert(f->s, &d), ST_OK);
	}
	d = doc("ninth", 99);
	assert_int_equal(store_doc_upsert(f->s, &d), ST_DENIED);
	d.active = false;                            /* retired: fits */
	assert_int_equal(store_doc_upsert(f->s, &d), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM documents WHERE active <> 0"),
	                 DOC_MAX_ACTIVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_docs_written_checked_listed,
		                                fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}

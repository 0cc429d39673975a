/*
 * `khidma check --audit`: the workflow's audit-trail checker over every
 * request of a database made by `khidma init`. A request moved through the
 * workflow passes; one moved by raw status changes the way finding 1's
 * bypass did (referred while received, back to verified, to the committee)
 * is printed with the broken rule and the command exits 1. With
 * committee_quorum = 2 in the configuration, a single-member decision is
 * reported too.
 */
#include "unit/test_cli_util.h"
#include "core/util.h"
#include "workflow/workflow.h"

#include <sqlite3.h>

static struct officer who(const char *login, officer_role role)
{
	struct officer o;

	memset(&o, 0, sizeof o);
	strlcpy_k(o.login, login, sizeof o.login);
	o.role = role;
	o.active = true;
	return o;
}

static int64_t submit(store *s, const char *nid, char *ref)
{
	struct catalog_item *svc = NULL;
	struct request r;
	int n = 0;

	memset(&r, 0, sizeof r);
	assert_int_equal(store_catalog_list(s, "service", false, &svc, &n), ST_OK);
	assert_true(n > 0);
	strcpy(r.category, "member");
	r.name = (char *)"Audit";
	strcpy(r.national_id, nid);
	strcpy(r.mobile, "0500000040");
	r.email = (char *)"";
	strlcpy_k(r.service, svc[0].code, sizeof r.service);
	strcpy(r.channel, "in_person");
	r.description = (char *)"Audit me.";
	r.declared_at = 1700000000;
	r.signature = (char *)"Audit";
	r.declaration_version = 1;
	catalog_items_free(svc, n);
	assert_int_equal(wf_submit(s, &r, NULL), ST_OK);
	strcpy(ref, r.ref);
	return r.id;
}

static void test_audit(void **state)
{
	struct cu *c = cu_init();
	struct store_opts o = { .create = false };
	struct officer b = who("B", ROLE_OFFICER), com = who("C", ROLE_COMMITTEE),
	               m = who("M", ROLE_ADMIN);
	char err[256], good[16], bad[16], line[64];
	struct request r;
	store *s;
	int64_t id;

	(void)state;
	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	/* through the workflow: verified by B, an admin's exception, accepted */
	id = submit(s, "1000000040", good);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_set_match(s, id, r.version, "B",
	                 "name=1,national_id=1,mobile=1,category=1", 0), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_VERIFY, &b, NULL), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_FORWARD, &b, NULL), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_EXCEPTION, &m, "urgent"), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_ACCEPT, &com, "eligible"), ST_OK);
	request_free(&r);
	/* around it: raw status changes, as 288b69f's refer_back allowed */
	id = submit(s, "1000000041", bad);
	static const req_status path[][2] = {
		{ RS_RECEIVED, RS_REFERRED }, { RS_REFERRED, RS_VERIFIED },
		{ RS_VERIFIED, RS_COMMITTEE },
	};
	for (size_t i = 0; i < ARRAY_LEN(path); i++) {
		assert_int_equal(store_request_get(s, id, &r), ST_OK);
		assert_int_equal(store_request_transition(s, id, r.version, path[i][0],
		                 path[i][1], "A", NULL), ST_OK);
		request_free(&r);
	}
	store_close(s);

	cu_run(c, NULL, "check", "--audit");
	CU_ASSERT_STATUS(c, 1);
	snprintf(line, sizeof line, "request %s, event 3: A2", bad);
	CU_ASSERT_HAS(c->out, line);
	CU_ASSERT_LACKS(c->out, good);
	CU_ASSERT_HAS(c->out, "2 requests checked, 1 break a rule");

	/* under a quorum of 2 the single accept is short of a vote */
	cu_write(c, "khidma.conf", "committee_quorum = 2;\n", 21);
	cu_run(c, NULL, "check", "--audit");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->out, good);
	CU_ASSERT_HAS(c->out, "quorum");
	CU_ASSERT_HAS(c->out, "2 requests checked, 2 break a rule");
	cu_run(c, NULL, "check", "--bogus");
	CU_ASSERT_STATUS(c, 2);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit),
	};
	return cmocka_run_group_tests_name("cli_audit", tests, NULL, NULL);
}

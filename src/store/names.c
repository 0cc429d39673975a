/*
 * store/names — the names under which statuses and roles are stored. These
 * strings are the database's vocabulary (the CHECK constraints in schema.c
 * list the same words); they are never shown untranslated.
 *
 * Invariants:
 *  1. The arrays are indexed by the enum; changing a name needs a migration.
 */
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

static const char *const status_names[RS__COUNT] = {
	[RS_RECEIVED] = "received",   [RS_NEEDS_INFO] = "needs_info",
	[RS_VERIFIED] = "verified",   [RS_REFERRED] = "referred",
	[RS_COMMITTEE] = "committee", [RS_ACCEPTED] = "accepted",
	[RS_REJECTED] = "rejected",   [RS_REGISTERED] = "registered",
	[RS_DELIVERED] = "delivered", [RS_WITHDRAWN] = "withdrawn",
};

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_OFFICER] = "officer", [ROLE_RESEARCHER] = "researcher",
	[ROLE_COMMITTEE] = "committee", [ROLE_ADMIN] = "admin",
};

/* The stored name of st; "?" when out of range. */
const char *req_status_name(req_status st)
{
	return (unsigned)st < RS__COUNT ? status_names[st] : "?";
}

/* Parse a stored name; false (and *out untouched) when unknown. */
bool req_status_parse(const char *name, req_status *out)
{
	for (int i = 0; name && i < RS__COUNT; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (req_status)i;
			return true;
		}
	return false;
}

const char *officer_role_name(officer_role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

bool officer_role_parse(const char *s, officer_role *out)
{
	for (int i = 0; s && i < ROLE__COUNT; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (officer_role)i;
			return true;
		}
	return false;
}

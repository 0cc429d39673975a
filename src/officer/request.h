/*
 * officer/request.h — the request screen's state, shared by request.c (the
 * views, loading, refresh), request_match.c (step 2: the register check)
 * and request_actions.c (the actions menu). Private to src/officer.
 */
#ifndef KHIDMA_OFFICER_REQUEST_H
#define KHIDMA_OFFICER_REQUEST_H

#include "officer/officer_int.h"

enum req_view { RV_DETAILS = 0, RV_MATCH, RV_TIMELINE, RV__COUNT };

#define MATCH_ROWS 5       /* name, national_id, mobile, category, member_number */

struct req_screen {
	struct console *c;
	int64_t         id;
	struct request  r;
	bool            loaded;
	struct member   m;             /* the register record, when found */
	bool            have_member;
	struct request_event *ev;
	int             nev;
	enum req_view   view;
	struct ui_pager details, timeline;
	/* step 2 marks: the officer's draft until saved */
	bool            mark[MATCH_ROWS];
	bool            draft;
	int             mcursor;
};

/* request.c */
/* (Re)load the request, its events and its register record; rebuilds the
 * pagers and, unless keep_draft, the marks. Returns the store code. */
st_rc req_reload(struct req_screen *q, bool keep_draft);

/* request_match.c */
extern const char *const match_ids[MATCH_ROWS];
/* Marks from the stored field_match string. */
void match_from_string(struct req_screen *q);
/* Draw / key for the register-check view. */
void match_draw(struct req_screen *q, struct ui_rect r);
int  match_key(struct req_screen *q, struct ui_event ev);
/* True when this officer may change the marks now (verify is allowed). */
bool match_editable(const struct req_screen *q);
/* Save the draft marks (store_request_set_match); handles ST_STALE by
 * reloading. Returns the store code (the status line is set). */
st_rc match_save(struct req_screen *q);

/* request_actions.c */
/* The actions menu (workflow actions allowed now, assign, note). Returns
 * ui result bits. */
int  req_actions(struct req_screen *q);
/* The menu's entries that are not workflow actions (entry numbers after
 * every wf_action). */
enum { OC_ENTRY_ASSIGN = 1000, OC_ENTRY_NOTE, OC_ENTRY_SAVE, OC_ENTRY_HISTORY,
       OC_ENTRY_CORRECT };
/* The member history (H): the other requests of the national ID. */
int  req_history(struct req_screen *q);
/* An outbox message's event ("received", "needs_info" …) and state
 * ("sent", "failed" …) as translated words (request.c). */
const char *req_outbox_event(const char *code);
const char *req_outbox_state(const char *code);
/* The fixed key of an entry (a wf_action, or OC_ENTRY_*): an ASCII capital
 * letter, and in *ar (may be NULL) the letter on the same key of the
 * Arabic keyboard; 0 for an unknown entry. */
wchar_t oc_action_key(int entry, wchar_t *ar);

#endif

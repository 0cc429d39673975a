/*
 * cli/import_row — the meaning of the members CSV, apart from its syntax
 * (cmd_members.c): which column is which (English or Arabic header names),
 * and turning one record into a clean, validated struct member.
 * Pure functions over strings: no I/O except import_header_warn.
 */
#ifndef KHIDMA_CLI_IMPORT_ROW_H
#define KHIDMA_CLI_IMPORT_ROW_H

#include <stddef.h>
#include <stdio.h>

#include "store/store.h"

enum import_col { IC_NUMBER = 0, IC_NAME, IC_NID, IC_MOBILE, IC_CATEGORY, IC__COUNT };

struct import_header {
	int ncols;                 /* fields in the header record */
	int col[IC__COUNT];        /* index of each known column, -1 = absent */
	int unknown[16];           /* indexes of ignored columns (first 16) */
	int nunknown;
	char *unknown_names[16];
};

/*
 * Map the header record's cells to columns. Returns 0, or -1 with the
 * reason in why (a required column missing, a column named twice, invalid
 * UTF-8). Required: membership number, name, national ID.
 */
int  import_header_parse(struct import_header *h, int n,
                         const char *const *cells, const size_t *lens,
                         char *why, size_t whysz);
/* "FILE:LINE: column "x" ignored" for each unknown column; frees names. */
void import_header_warn(struct import_header *h, const char *file, long line,
                        FILE *f);

/*
 * Turn one data record into *m (filled; free with member_free). Returns 0,
 * or -1 with an English reason in why ("national ID: …", "3 fields where
 * the header has 5", …) and nothing to free.
 */
int  import_row_parse(const struct import_header *h, int n,
                      const char *const *cells, const size_t *lens,
                      struct member *m, char *why, size_t whysz);

#endif

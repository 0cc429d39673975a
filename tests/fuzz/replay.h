/*
 * tests/fuzz/replay — feed every file of a directory to a fuzz target's
 * LLVMFuzzerTestOneInput, for the regression tests in `make check`: the
 * seed corpus and every input that once failed (tests/fuzz/regress/<name>)
 * are replayed by a plain build, so a finding stays fixed without clang.
 *
 * Invariants:
 *  1. Files are replayed in name order (deterministic), hidden files skipped.
 *  2. A target reports a broken invariant by abort(): the test process dies
 *     and the runner counts a failure.
 */
#ifndef KHIDMA_TESTS_FUZZ_REPLAY_H
#define KHIDMA_TESTS_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every file in $KHIDMA_SRCDIR/<rel> (default ./<rel>); returns the
 * number replayed, -1 when the directory is missing. */
static int replay_dir(const char *rel)
{
	const char *src = getenv("KHIDMA_SRCDIR");
	struct dirent **ents;
	char dir[4096], path[8192];
	int n, done = 0;

	snprintf(dir, sizeof dir, "%s/%s", src && *src ? src : ".", rel);
	n = scandir(dir, &ents, NULL, replay_name_cmp);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		FILE *f;
		uint8_t *buf = NULL;
		long len;

		if (ents[i]->d_name[0] == '.') {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		if (!(f = fopen(path, "rb")))
			continue;
		if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0) {
			rewind(f);
			buf = malloc((size_t)len + 1);
			if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
				LLVMFuzzerTestOneInput(buf, (size_t)len);
				done++;
			}
		}
		free(buf);
		fclose(f);
	}
	free(ents);
	return done;
}

#endif

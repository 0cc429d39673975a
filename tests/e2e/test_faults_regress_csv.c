/*
 * test_faults_regress_csv — replay the csv fuzz target's seed corpus
 * (tests/fuzz/corpus/csv) and every input that ever failed it
 * (tests/fuzz/regress/csv) through the target itself, in a plain (and in
 * check-san an ASan/UBSan) build: a finding stays fixed.
 */
#define REPLAY_TARGET "csv"
#include "../fuzz/fuzz_csv.c"
#include "../fuzz/replay_tests.h"
